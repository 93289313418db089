"""Bytes: base64, PostgreSQL ``\\x`` hex, Node's Buffer JSON, a ``Uint8Array`` object, Python's ``b'..'``.

Reference: :func:`bytes_of` reads one spelling, :func:`bytes_rules` compares two values. A spelling
is *marked* when its form says "bytes" (``\\x`` hex, ``b'..'``, the two objects, an unwrapped
``$binary``); base64 is not (``"abcd"`` is valid base64 and also a word), so two values are compared
as bytes only when at least one is marked: an accidental match stays implausible.
"""

from __future__ import annotations

import ast
import base64
import binascii
import re
from typing import Any, Final

from comparators.rules import BYTES, NO

_HEX: Final = re.compile(r"\\x(?:[0-9a-fA-F]{2})*+")
_BASE64: Final = re.compile(r"(?:[A-Za-z0-9+/]{4})*+(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")
_BASE64URL: Final = re.compile(r"(?:[A-Za-z0-9_-]{4})*+(?:[A-Za-z0-9_-]{2}(?:==)?|[A-Za-z0-9_-]{3}=?)?")
_BUFFER_KEYS: Final = ("type", "data")


def marked_bytes_of(value: Any) -> bytes | None:
    """The bytes a value holds in a spelling that says it is bytes, or None."""
    kind = type(value)
    if kind is bytes:
        return value  # type: ignore[no-any-return]
    if kind is str:
        if value[:2] == "\\x":
            if _HEX.fullmatch(value) is None:
                return None
            return bytes.fromhex(value[2:])
        if value[:2] in ("b'", 'b"') and len(value) >= 3 and value[-1] == value[1]:
            return _python_literal(value)
        return None
    if kind is dict:
        return _object_bytes(value)
    return None


def bytes_of(value: Any) -> tuple[bytes, bool] | None:
    """The bytes a value holds and whether its spelling is marked; base64 (padded, standard or
    URL-safe alphabet) is read as unmarked bytes."""
    marked = marked_bytes_of(value)
    if marked is not None:
        return marked, True
    if type(value) is str:
        decoded = base64_of(value)
        if decoded is not None:
            return decoded, False
    return None


def base64_of(text: str) -> bytes | None:
    """Padded standard base64 (``Cv8=``), or URL-safe base64 with or without padding."""
    try:
        if _BASE64.fullmatch(text) is not None:
            return base64.b64decode(text, validate=True)
        if _BASE64URL.fullmatch(text) is not None and len(text) % 4 != 1:
            return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None
    return None


def bytes_rules(a: Any, b: Any) -> int:
    """Two values holding the same bytes, at least one of them in a marked spelling. An empty object
    is an empty ``Uint8Array`` as ``JSON.stringify`` writes it (Prisma 7 reads ``Bytes`` as a
    ``Uint8Array``): empty bytes, unmarked (it is also the empty JSON object), so equal to a marked
    empty spelling only (``"\\x"``, ``"b''"``, an empty Buffer or ``$binary``)."""
    left = _empty_object_bytes(a) or bytes_of(a)
    if left is None:
        return NO
    right = _empty_object_bytes(b) or bytes_of(b)
    if right is None or not (left[1] or right[1]):
        return NO
    return BYTES if left[0] == right[0] else NO


def _empty_object_bytes(value: Any) -> tuple[bytes, bool] | None:
    return (b"", False) if type(value) is dict and not value else None


def looks_marked(text: str) -> bool:
    """Cheap pre-check for a marked bytes text: ``\\x...`` or ``b'...'``."""
    head = text[:2]
    return head == "\\x" or head == "b'" or head == 'b"'


def _python_literal(text: str) -> bytes | None:
    """``str(b'\\n\\xff')`` as ``json.dumps(default=str)`` writes it; read by ``ast.literal_eval``
    (literals only, nothing is executed)."""
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    return value if type(value) is bytes else None


def _object_bytes(value: dict[str, Any]) -> bytes | None:
    """Node's ``{"type": "Buffer", "data": [..]}`` or a ``Uint8Array`` as ``JSON.stringify`` writes it
    (``{"0": 10, "1": 255}``: keys "0".."n-1" in order, at least one)."""
    if len(value) == 2 and tuple(value) == _BUFFER_KEYS and value["type"] == "Buffer":
        return _octets(value["data"])
    if not value or "0" not in value:
        return None
    octets: list[Any] = []
    for index, (key, item) in enumerate(value.items()):
        if key != str(index):
            return None
        octets.append(item)
    return _octets(octets)


def _octets(items: Any) -> bytes | None:
    if type(items) is not list:
        return None
    for item in items:
        if type(item) is not int or not 0 <= item <= 255:
            return None
    return bytes(items)
