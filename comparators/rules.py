"""The closed set of representation rules: names, bits, and the examples the README table shows.

Every rule that can make two differently spelled values equal has one name here. The fast path
returns which rules it used as a bit mask (an ``int``: cheap to OR while walking a pair), the engine
turns the mask of each top-level field into ``normalized: {rule: [fields]}``, and the service counts
``shadow_normalizations_total{rule}`` by these names. The README's table of rules is generated from
:data:`RULE_TABLE` (and a test checks it against this enum and checks every example against the
engine), so the rule list cannot drift.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, Final

import orjson

NO: Final = -1
"""A verdict: the two values are not equal under any rule."""
SAME: Final = 0
"""A verdict: equal, and no rule was needed (the same value, spelled the same or as Python equal)."""


class Rule(enum.StrEnum):
    """The names of the representation rules (SPEC section 2). Field-name canonicalization is not one."""

    NUMBER = "number"
    FLOAT32 = "float32"
    BOOLEAN = "boolean"
    INSTANT = "instant"
    EPOCH = "epoch"
    TIME_OF_DAY = "time_of_day"
    DURATION = "duration"
    UUID = "uuid"
    BYTES = "bytes"
    JSON_TEXT = "json_text"
    ARRAY_TEXT = "array_text"
    SET_TEXT = "set_text"
    EXTENDED_JSON = "extended_json"
    GO_NULLABLE = "go_nullable"
    PHP_DATETIME = "php_datetime"


RULES: Final = tuple(Rule)
_BIT: Final = {rule: 1 << index for index, rule in enumerate(RULES)}
RULE_BITS: Final = tuple((rule.value, 1 << index) for index, rule in enumerate(RULES))
"""(rule name, bit) as plain values, for the loops that turn masks into names."""

NUMBER: Final = _BIT[Rule.NUMBER]
FLOAT32: Final = _BIT[Rule.FLOAT32]
BOOLEAN: Final = _BIT[Rule.BOOLEAN]
INSTANT: Final = _BIT[Rule.INSTANT]
EPOCH: Final = _BIT[Rule.EPOCH]
TIME_OF_DAY: Final = _BIT[Rule.TIME_OF_DAY]
DURATION: Final = _BIT[Rule.DURATION]
UUID: Final = _BIT[Rule.UUID]
BYTES: Final = _BIT[Rule.BYTES]
JSON_TEXT: Final = _BIT[Rule.JSON_TEXT]
ARRAY_TEXT: Final = _BIT[Rule.ARRAY_TEXT]
SET_TEXT: Final = _BIT[Rule.SET_TEXT]
EXTENDED_JSON: Final = _BIT[Rule.EXTENDED_JSON]
GO_NULLABLE: Final = _BIT[Rule.GO_NULLABLE]
PHP_DATETIME: Final = _BIT[Rule.PHP_DATETIME]


def rules_of(mask: int) -> tuple[Rule, ...]:
    """The rules whose bits are set in a verdict mask (none for :data:`SAME`, :data:`NO`)."""
    if mask <= 0:
        return ()
    return tuple(rule for rule in RULES if mask & _BIT[rule])


def bit(rule: Rule) -> int:
    return _BIT[rule]


@dataclass(frozen=True, slots=True)
class RuleDoc:
    """One row of the README's rule table: what the rule reads, one equal pair, one unequal pair.

    The examples are (legacy, ORM) JSON values; ``tests/comparators/test_rule_table.py`` compares each
    as one field of one row, so a wrong example fails there."""

    rule: Rule
    reads: str
    equal: tuple[Any, Any]
    not_equal: tuple[Any, Any]


RULE_TABLE: Final = (
    RuleDoc(
        Rule.NUMBER,
        "numeric text (plain decimal, or exponent form as decimal types print it) and JSON numbers; "
        "exact for integers and decimals, relative tolerance when a side is a JSON float; PostgreSQL money "
        "as lc_monetary C/en_US prints it ($1,234.50, -$1,234.50); "
        "Infinity/-Infinity/NaN text against that double (NaN only against NaN)",
        ("2.5E+3", 2500),
        ("01234", 1234),
    ),
    RuleDoc(
        Rule.FLOAT32,
        "a single-precision float widened to a double against the shortest decimal of that float32, or "
        "against its print with all six significant digits, as MariaDB's text protocol sends a FLOAT "
        "(0.123457 for 0.12345670163631439)",
        (0.7, 0.699999988079071),
        (0.7, 0.7000001),
    ),
    RuleDoc(
        Rule.BOOLEAN,
        "true/false against 1/0 (number or integer text), t/f/true/false text in any case, one byte "
        "0x01/0x00 in any bytes spelling",
        ("t", True),
        (2, True),
    ),
    RuleDoc(
        Rule.INSTANT,
        "ISO-8601/RFC 3339 instants at the coarser precision (T or space, Z or offset; Ruby's "
        "Time#to_s; a date is midnight UTC; a clock without seconds is that minute exactly); Jackson's "
        "java.time arrays as that text: LocalDate [y,m,d], LocalDateTime [y,m,d,h,min[,s[,ns]]]",
        ("2025-06-30 22:45:10.5+00", "2025-06-30T22:45:10.500Z"),
        ("2025-06-30T22:45:10.5Z", "2025-06-30T22:45:10.4Z"),
    ),
    RuleDoc(
        Rule.EPOCH,
        "a JSON number that is exactly an instant's Unix time in seconds, milliseconds or microseconds",
        (1735689600000, "2025-01-01T00:00:00.000Z"),
        (1735689600001, "2025-01-01T00:00:00.000Z"),
    ),
    RuleDoc(
        Rule.TIME_OF_DAY,
        "HH:MM[:SS[.f]][offset] (HH:MM is that minute exactly) against the same clock time on 1970-01-01, "
        "2000-01-01 or 0000-01-01 (UTC), or against another spelling of that time of day; Jackson's "
        "LocalTime array [h,min[,s[,ns]]] as that text",
        ("14:15:00", "1970-01-01T14:15:00.000Z"),
        ("14:15:00", "1970-01-02T14:15:00.000Z"),
    ),
    RuleDoc(
        Rule.DURATION,
        "ISO-8601 durations, PostgreSQL interval text, [D ]HH:MM:SS, timedelta text, an object of "
        "parts (node-postgres), a number of seconds",
        ({"days": 1, "hours": 6}, "1 day 06:00:00"),
        ("P1D", "-1 days"),
    ),
    RuleDoc(
        Rule.UUID,
        "UUIDs by their 128-bit value: hyphens or none, braces, urn:uuid:, any letter case",
        ("550E8400E29B41D4A716446655440000", "550e8400-e29b-41d4-a716-446655440000"),
        ("550e8400-e29b-41d4-a716-446655440000", "550e8400-e29b-41d4-a716-446655440001"),
    ),
    RuleDoc(
        Rule.BYTES,
        "bytes as base64, \\x hex, Node's Buffer JSON, a Uint8Array object, Python's b'..' text",
        ("\\x0aff", {"type": "Buffer", "data": [10, 255]}),
        ("\\x0aff", {"type": "Buffer", "data": [10, 254]}),
    ),
    RuleDoc(
        Rule.JSON_TEXT,
        "text holding a JSON object or array against the parsed value (scalars only when declared json)",
        ('{"a": 1}', {"a": 1}),
        ('"a"', "a"),
    ),
    RuleDoc(
        Rule.ARRAY_TEXT,
        "a PostgreSQL array literal (quoted elements, NULL, nested) against the JSON array",
        ('{admin,"read only"}', ["admin", "read only"]),
        ("{admin}", ["admin", "read only"]),
    ),
    RuleDoc(
        Rule.SET_TEXT,
        'comma-separated text (MySQL SET) against an array of strings; "" is []',
        ("beta,internal", ["beta", "internal"]),
        ("beta,internal", ["internal", "beta"]),
    ),
    RuleDoc(
        Rule.EXTENDED_JSON,
        "MongoDB Extended JSON ($oid, $date, $numberLong, $numberInt, $numberDouble, $numberDecimal, "
        "$binary, $uuid; a subtype-4 binary is its UUID) against the plain value",
        ({"$numberLong": "42"}, 42),
        ({"$numberLong": "42"}, 43),
    ),
    RuleDoc(
        Rule.GO_NULLABLE,
        'Go\'s sql.Null* wrappers: {"X": v, "Valid": true} is v, "Valid": false is null',
        ({"String": "", "Valid": False}, None),
        ({"String": "x", "Valid": False}, "x"),
    ),
    RuleDoc(
        Rule.PHP_DATETIME,
        "PHP's DateTime as json_encode writes it (date, timezone_type, timezone) against the instant",
        (
            {"date": "2024-11-03 09:15:00.000000", "timezone_type": 3, "timezone": "Europe/Berlin"},
            "2024-11-03T08:15:00.000Z",
        ),
        (
            {"date": "2024-11-03 09:15:00.000000", "timezone_type": 3, "timezone": "Europe/Berlin"},
            "2024-11-03T09:15:00.000Z",
        ),
    ),
)


def readme_table() -> str:
    """The README's table of rules, from :data:`RULE_TABLE` (``tests/test_readme_engine.py`` checks the
    README holds exactly this, and that every example compares as the table says)."""
    lines = ["| rule | reads | equal (legacy → ORM) | not equal |", "| --- | --- | --- | --- |"]
    for doc in RULE_TABLE:
        lines.append(
            f"| `{doc.rule.value}` | {doc.reads} | {_example(doc.equal)} | {_example(doc.not_equal)} |"
        )
    return "\n".join(lines)


def _example(pair: tuple[Any, Any]) -> str:
    return f"{_json(pair[0])} → {_json(pair[1])}"


def _json(value: Any) -> str:
    text = orjson.dumps(value).decode().replace("|", "\\|")
    return f"`{text}`"
