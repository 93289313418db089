"""Booleans: ``true``/``false`` against 1/0, boolean text, and a one-byte BIT(1).

Reference: :func:`boolean_rules` (a JSON boolean against any other value) and
:func:`boolean_texts_rules` (two texts). Python's ``True == 1`` never decides anything here: the
other side's type is checked first. Accelerator: :func:`boolean_column` (booleans against 0/1).
"""

from __future__ import annotations

from typing import Any, Final

import orjson

from comparators.binary import marked_bytes_of
from comparators.rules import BOOLEAN, NO

TEXT_TRUE: Final = frozenset({"t", "true", "1"})
TEXT_FALSE: Final = frozenset({"f", "false", "0"})
DECLARED_TRUE: Final = frozenset({"y", "yes", "\x01"})
"""What a field declared ``bool`` also reads (``Y``/``N``, ``yes``/``no``, a one-byte bit string)."""
DECLARED_FALSE: Final = frozenset({"n", "no", "\x00"})
_BASE64_BYTE: Final = {"AQ==": True, "AA==": False}


def truth_of(value: Any, *, declared: bool = False) -> bool | None:
    """The boolean a non-boolean value spells, or None: 1/0 (a JSON number), ``t``/``f``/``true``/
    ``false`` in any case or ``"1"``/``"0"`` (text-mode drivers, ``str(True)``), a single byte
    0x01/0x00 (MySQL ``BIT(1)``; marked spellings or padded base64). 2, ``"yes"``, ``"1.0"``: None
    unless ``declared`` (``types: bool``), which also reads ``Y``/``N``, ``yes``/``no``, ``"\\x01"``."""
    kind = type(value)
    if kind is int or kind is float:
        if value == 1:
            return True
        if value == 0:
            return False
        return None
    if kind is str and len(value) <= 5:
        lowered = value.lower()
        if lowered in TEXT_TRUE:
            return True
        if lowered in TEXT_FALSE:
            return False
        if declared:
            if lowered in DECLARED_TRUE:
                return True
            if lowered in DECLARED_FALSE:
                return False
        found = _BASE64_BYTE.get(value)
        if found is not None:
            return found
    octets = marked_bytes_of(value)
    if octets is not None and len(octets) == 1 and octets[0] <= 1:
        return octets[0] == 1
    return None


def boolean_rules(flag: bool, other: Any, *, declared: bool = False) -> int:
    """A JSON boolean against a value of another type."""
    return BOOLEAN if truth_of(other, declared=declared) is flag else NO


def boolean_texts_rules(a: str, b: str, *, declared: bool = False) -> int:
    """Two texts that both spell a boolean: only a letter against a word (``t`` vs ``true``, ``F`` vs
    ``False``), or any two spellings when the field is declared ``bool``. Two letters in another case
    (``T`` vs ``t``) stay a difference: that is a change of text more plausibly than of spelling."""
    if not declared and {len(a), len(b)} not in ({1, 4}, {1, 5}):
        return NO
    if not declared and (a.isdigit() or b.isdigit()):
        return NO
    left = truth_of(a, declared=declared)
    return BOOLEAN if left is not None and left is truth_of(b, declared=declared) else NO


def boolean_column(flags: tuple[Any, ...], numbers: tuple[Any, ...]) -> int:
    """A column of JSON booleans against one of integers 0/1: ``int()`` of the booleans is the other
    column exactly (an integer 2 or a float never matches)."""
    if set(map(type, numbers)) != {int}:
        return NO
    # The booleans' JSON with true/false written 1/0 is the integers' JSON: anything but a boolean
    # (text, null, 1.0, an array) would leave a character no integer column has.
    spelled = orjson.dumps(flags).replace(b"true", b"1").replace(b"false", b"0")
    return BOOLEAN if spelled == orjson.dumps(numbers) else NO
