"""Arrays in text: PostgreSQL array literals and comma-separated text (MySQL ``SET``).

Reference: :func:`pg_array_of` and :func:`set_of` read the text; :func:`array_text_rules` compares
an array literal's elements with the same rules as any value (``{1,2}`` equals ``[1, 2]``; ``{t,f}``
equals ``[true, false]``), and a SET's members as written against an array of strings. Which
reading applies depends on the text: ``{...}`` is an array literal, ``[...]`` is JSON text,
anything else against an array is a ``SET``. Accelerator:
:func:`set_text_column` (a column of SET texts against arrays of strings).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from comparators.rules import ARRAY_TEXT, NO, SET_TEXT

ValueRules = Callable[[Any, Any], int]
_MAX_DEPTH: Final = 32
_SPACE: Final = " \t\n\r\v\f"
"""White space around an unquoted element, which ``array_in`` drops: ``array_isspace`` in PostgreSQL's
``src/backend/utils/adt/arrayfuncs.c`` is exactly these six. Python's ``str.strip()`` also drops
``\x1c``-``\x1f`` and Unicode spaces, which ``array_out`` leaves unquoted (``{\x1f}`` is the
one-element array ``["\x1f"]``)."""


def pg_array_of(text: str) -> list[Any] | None:
    """A PostgreSQL array literal as a JSON array of text elements (``NULL`` -> None, quoted
    elements with backslash escapes, nested ``{{1,2},{3,4}}``), or None when the text is not one."""
    if text[:1] != "{" or text[-1:] != "}":
        return None
    parsed = _array(text, 0, 0)
    if parsed is None or parsed[1] != len(text):
        return None
    return parsed[0]


def _array(text: str, start: int, depth: int) -> tuple[list[Any], int] | None:
    if depth > _MAX_DEPTH:
        return None
    end = len(text)
    i = start + 1
    items: list[Any] = []
    while i < end and text[i] in _SPACE:
        i += 1
    if i < end and text[i] == "}":
        return items, i + 1
    while i < end:
        while i < end and text[i] in _SPACE:
            i += 1
        if i >= end:
            return None
        char = text[i]
        if char == "{":
            nested = _array(text, i, depth + 1)
            if nested is None:
                return None
            items.append(nested[0])
            i = nested[1]
        elif char == '"':
            quoted = _quoted(text, i)
            if quoted is None:
                return None
            items.append(quoted[0])
            i = quoted[1]
        else:
            j = i
            while j < end and text[j] not in ',}"{':
                j += 1
            element = text[i:j].strip(_SPACE)
            if not element:
                return None
            items.append(None if element.upper() == "NULL" else element)
            i = j
        while i < end and text[i] in _SPACE:
            i += 1
        if i >= end:
            return None
        if text[i] == ",":
            i += 1
            continue
        if text[i] == "}":
            return items, i + 1
        return None
    return None


def _quoted(text: str, start: int) -> tuple[str, int] | None:
    out: list[str] = []
    i = start + 1
    end = len(text)
    while i < end:
        char = text[i]
        if char == "\\":
            if i + 1 >= end:
                return None
            out.append(text[i + 1])
            i += 2
            continue
        if char == '"':
            return "".join(out), i + 1
        out.append(char)
        i += 1
    return None


def set_of(text: str) -> list[str]:
    """MySQL ``SET`` text (``beta,internal``) as its members; ``""`` is the empty set."""
    return text.split(",") if text else []


def array_text_rules(text: str, values: list[Any], equal: ValueRules) -> int:
    """Text against a JSON array: an array literal (``{...}``) or SET text (not ``[...]``: JSON text
    is its own rule), elements compared by ``equal`` (the engine's rules, order counting)."""
    first = text[:1]
    if first == "[":
        return NO
    if first == "{":
        parsed = pg_array_of(text)
        if parsed is None:
            return NO
        found = _elements_rules(parsed, values, equal)
        return NO if found < 0 else found | ARRAY_TEXT
    # SET members are identifiers: compared as written, against an array of strings only (so a
    # single instant or number in text never equals a one-element array by accident).
    return SET_TEXT if set_of(text) == values and all(type(v) is str for v in values) else NO


def _elements_rules(parsed: list[Any], values: list[Any], equal: ValueRules) -> int:
    if len(parsed) != len(values):
        return NO
    mask = 0
    for a, b in zip(parsed, values, strict=True):
        if type(a) is list:
            if type(b) is not list:
                return NO
            found = _elements_rules(a, b, equal)
        else:
            found = equal(a, b)
        if found < 0:
            return NO
        mask |= found
    return mask


def set_text_column(texts: tuple[Any, ...], arrays: tuple[Any, ...]) -> int:
    """SET texts against arrays of strings: each array joined with commas is its text (``join``
    refuses anything but strings), and each text holds exactly as many members as its array (so no
    member holds a comma, and ``[""]`` is not ``""``); no text starts like an array literal or JSON."""
    if set(map(type, arrays)) != {list}:
        return NO
    try:
        joined = tuple(map(",".join, arrays))
    except TypeError:
        return NO
    if joined != texts:
        return NO
    lines = "\n" + "\n".join(texts)
    if "\n{" in lines or "\n[" in lines:
        return NO
    # Each text splits into its array: no member holds a comma, and only [] (never [""]) is "".
    if "," in "".join(map("".join, arrays)):
        return NO
    return SET_TEXT if texts.count("") == arrays.count([]) else NO
