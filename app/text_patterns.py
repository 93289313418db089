"""Every pattern the API checks text against, each with the words a refusal says instead of it.

A person told ``String should match pattern '^[^\\x00-\\x1f\\x7f]{1,128}$'`` cannot act on it; told
"a person's name of 1 to 128 characters, no control characters", they can. Routes take their patterns
from here, and ``app.request_errors`` words a refusal with :func:`accepts_text`.
"""

from __future__ import annotations

from dataclasses import dataclass

from comparators.spec import FIELD_NAME_SCHEMA


@dataclass(frozen=True, slots=True)
class TextPattern:
    """A pattern text in a request must match; ``accepts`` completes "must be ..." in a refusal."""

    regex: str
    accepts: str


NAME = TextPattern(r"^[A-Za-z0-9_.:-]{1,128}$", "a name of 1 to 128 of the characters A-Z a-z 0-9 _ . : -")
REASON = TextPattern(r"[^\s\x1c-\x1f\x85]", "text that says why (not only whitespace)")
"""Something besides whitespace, by both ECMA (the schema) and Python's str.strip (the flag model)."""
PERSON = TextPattern(
    r"^[^\x00-\x1f\x7f]{1,128}$", "a person's name of 1 to 128 characters, no control characters"
)
WINDOW = TextPattern(r"^([0-9]{1,6}(?:\.[0-9]{1,6})?)(s|m|h|d)$", "a duration like 15m, 1h, 24h or 7d")
IF_MATCH = TextPattern(
    r'^(\*|(W/)?"?[0-9]{1,18}"?)$', 'the ETag of GET /v1/flags/{module} (such as "3") or *'
)
FIELD_PATH = TextPattern(
    FIELD_NAME_SCHEMA["pattern"],
    "a field name or dotted path without row keys or indexes (items.price, not items[0].price)",
)
TEXT_PATTERNS: tuple[TextPattern, ...] = (NAME, REASON, PERSON, WINDOW, IF_MATCH, FIELD_PATH)
"""Every pattern the API checks text against (``tests/api/test_request_errors.py`` fails on a pattern in
the OpenAPI document that is not here)."""
_ACCEPTS = {p.regex: p.accepts for p in TEXT_PATTERNS}


def accepts_text(pattern: str) -> str:
    """What text matching ``pattern`` looks like, in words (the pattern itself for one not listed)."""
    return _ACCEPTS.get(pattern, f"text matching the pattern {pattern}")
