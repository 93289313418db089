"""The representation rules: one function per way a SQL driver and an ORM spell the same value differently.

Each function states exactly what it treats as equal. None of them is called on values that are already
equal (``==`` with the same type): the fast path in :mod:`comparators.equal` only asks a rule when the
two spellings differ, and asks the cheap rules first.
"""

from __future__ import annotations

import math
import re
from collections.abc import Hashable, Mapping
from datetime import UTC, datetime, timedelta, tzinfo
from decimal import Decimal
from functools import lru_cache
from typing import Any, Final

import orjson

Number = int | float | Decimal
Instant = tuple[int, str]
"""(seconds since 1970-01-01T00:00:00Z, the fraction digits as written)."""

_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]*)\.[0-9]+")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")
_INSTANT = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})"
    r"(?:[Tt ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:[.,]([0-9]+))?)?"
    r"(?:(Z|z)|([+-])([0-9]{2})(?::?([0-9]{2}))?)?)?"
)
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_UUID_LOWER = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_ISO_DURATION = re.compile(
    r"(-)?P(?:([0-9]+)Y)?(?:([0-9]+)M)?(?:([0-9]+)W)?(?:([0-9]+)D)?"
    r"(?:T(?:([0-9]+)H)?(?:([0-9]+)M)?(?:([0-9]+)(?:[.,]([0-9]+))?S)?)?"
)
_PG_INTERVAL = re.compile(
    r"(?:([+-]?[0-9]+) years? ?)?(?:([+-]?[0-9]+) mons? ?)?"
    r"(?:([+-]?[0-9]+) days? ?|([0-9]+) (?=[+-]?[0-9]))?"
    r"(?:([+-])?([0-9]+):([0-9]{2}):([0-9]{2})(?:\.([0-9]+))?)?"
)
_DAYS_IN_MONTH: Final = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_NS: Final = 1_000_000_000
_DAY_NS: Final = 86_400 * _NS
_MONTH_NS: Final = 30 * _DAY_NS  # PostgreSQL compares intervals with 1 month = 30 days


# --- field names -------------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def canonical_name(name: str) -> str:
    """``full_name``, ``fullName``, ``FullName`` and ``FULL_NAME`` are the same field: underscores and
    letter case do not count. Callers fall back to exact names when two keys of one object collide."""
    return name.replace("_", "").lower()


# --- numbers -----------------------------------------------------------------------------------------


def number_of_text(text: str) -> int | Decimal | None:
    """The number a string holds in canonical decimal form: ``-?(0|[1-9][0-9]*)(\\.[0-9]+)?``.

    ``"42"`` -> 42 and ``"12.50"`` -> Decimal("12.50") (exact); ``"01234"``, ``"+1"``, ``" 1"``,
    ``"1e5"``, ``".5"`` and ``"1."`` are not numbers (they stay text), so ``"01234"`` != ``"1234"``.
    """
    if text.isdigit():
        if text.isascii() and (text[0] != "0" or len(text) == 1):
            return int(text)
        return None
    if text[:1] == "-" and text[1:].isdigit():
        body = text[1:]
        if body.isascii() and (body[0] != "0" or len(body) == 1):
            return int(text)
        return None
    if _DECIMAL.fullmatch(text):
        return Decimal(text)
    return None


def float_of_text(text: str) -> float | None:
    """The float nearest to a string in canonical decimal form (see :func:`number_of_text`), or None.
    Only used against a JSON float, where the comparison is within a tolerance anyway."""
    if _NUMBER.fullmatch(text) is None:
        return None
    return float(text)


def numbers_equal(a: Number, b: Number, tolerance: float) -> bool:
    """Integers and decimals compare exactly at any size (never through a float):
    9007199254740993 != 9007199254740992 and Decimal("12.50") == Decimal("12.5") == 12.5.
    When either side is a float (a JSON number with a fraction or exponent), the two are equal when
    within ``tolerance`` relative to the larger magnitude: Decimal("13.750") == 13.750000000000002."""
    if type(a) is float or type(b) is float:
        try:
            fa, fb = float(a), float(b)
        except OverflowError:
            return False
        return fa == fb or math.isclose(fa, fb, rel_tol=tolerance, abs_tol=0.0)
    return a == b


# --- instants ----------------------------------------------------------------------------------------


def _days_from_civil(year: int, month: int, day: int) -> int:
    # Howard Hinnant's algorithm: days since 1970-01-01 in the proleptic Gregorian calendar.
    year -= month <= 2
    era = year // 400
    yoe = year - era * 400
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def _valid_date(year: int, month: int, day: int) -> bool:
    if not 1 <= month <= 12 or day < 1:
        return False
    leap = month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return day <= _DAYS_IN_MONTH[month - 1] + leap


def instant_of(text: str, naive_tz: tzinfo | None) -> Instant | None:
    """The instant an ISO-8601 / RFC 3339 string names, or None when it is not one.

    Accepted: ``YYYY-MM-DD``, then optionally ``T``/``t``/space, ``HH:MM[:SS[.fraction]]`` (any number of
    fraction digits, ``.`` or ``,``), then ``Z`` or ``+HH``, ``+HHMM``, ``+HH:MM``. A date alone is
    midnight UTC of that day; a time without an offset is read in ``naive_tz`` (None or UTC: as UTC).
    So ``2025-06-30T22:45:10.500Z`` and ``2025-07-01 00:45:10.5+02`` name the same instant.
    """
    match = _INSTANT.fullmatch(text)
    if match is None:
        return None
    year_s, month_s, day_s, hour_s, minute_s, second_s, frac, zulu, sign, off_h, off_m = match.groups()
    year, month, day = int(year_s), int(month_s), int(day_s)
    if not _valid_date(year, month, day):
        return None
    days = _days_from_civil(year, month, day)
    if hour_s is None:
        return days * 86_400, ""
    hour, minute, second = int(hour_s), int(minute_s), int(second_s or 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    seconds = days * 86_400 + hour * 3600 + minute * 60 + second
    if sign is not None:
        offset = int(off_h) * 3600 + int(off_m or 0) * 60
        seconds -= offset if sign == "+" else -offset
    elif zulu is None and naive_tz is not None and naive_tz is not UTC:
        try:
            local = datetime(year, month, day, hour, minute, second, tzinfo=naive_tz)
        except ValueError:
            return None
        delta = local.utcoffset()
        seconds -= int(delta.total_seconds()) if delta is not None else 0
    return seconds, frac or ""


def instants_equal(a: Instant, b: Instant, precision: int | None) -> bool:
    """Two instants are equal at the coarser precision of the two spellings: the finer fraction is
    truncated to the other's number of digits (``10.56`` == ``10.5``, ``10.500`` == ``10``), and to
    ``precision`` digits when the spec sets one. A date is midnight with no fraction digits."""
    if a[0] != b[0]:
        return False
    digits = min(len(a[1]), len(b[1]))
    if precision is not None and precision < digits:
        digits = precision
    return a[1][:digits] == b[1][:digits]


_UTC_ZONES: Final = frozenset({"Z", "z", "+00", "-00", "+0000", "-0000", "+00:00", "-00:00"})
_MIDNIGHT_CLOCKS: Final = (
    "00:00",
    "00:00:00",
    *(f"00:00:00{m}{'0' * n}" for m in ".," for n in range(1, 10)),
)
MIDNIGHTS_UTC: Final = frozenset(f"{s}{c}{z}" for s in "Tt " for c in _MIDNIGHT_CLOCKS for z in _UTC_ZONES)
"""Every spelling of midnight UTC after a date (up to nine fraction digits) that :func:`instant_of` reads."""
_NAIVE_MIDNIGHTS: Final = frozenset(f"{s}{c}" for s in "Tt " for c in _MIDNIGHT_CLOCKS)
_fromisoformat: Final = datetime.fromisoformat
_ZERO_ZONE: Final = r"(?:Z|z|[+-]00(?::?00)?+)"
"""UTC as an offset: ``Z``, ``+00``, ``-0000``, ``+00:00`` (the spellings of :data:`_UTC_ZONES`)."""
_SAME = r"\|\1[Tt ]\2"
# Possessive quantifiers (*+, ++, ?+) wherever what follows cannot start with what they took: they
# match exactly the same lines and spare the regular-expression engine its backtracking records.
SAME_UTC_INSTANT: Final = (
    rf"([0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}})[Tt ]((?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9])(?:"
    rf"[.,]([0-9]++){_ZERO_ZONE}{_SAME}[.,]\3[0-9]*+{_ZERO_ZONE}"  # the first fraction is a prefix
    rf"|[.,]([0-9]+?)[0-9]*+{_ZERO_ZONE}{_SAME}[.,]\4{_ZERO_ZONE}"  # the second fraction is a prefix
    rf"|{_ZERO_ZONE}{_SAME}(?:[.,][0-9]++)?+{_ZERO_ZONE}"  # no first fraction
    rf"|[.,][0-9]++{_ZERO_ZONE}{_SAME}{_ZERO_ZONE}"  # no second fraction
    r")"
)
"""An ``a|b`` line of two instants with the same date and wall clock (backreferences), each in UTC,
whose fractions agree at the coarser of the two: equal by the instant rule at any ``time_precision``
(truncating both further keeps them equal), once the date is a real day. Callers put the ORM side
first: it usually has the shorter fraction (milliseconds against a driver's microseconds), and a
line whose first fraction is the shorter matches without backtracking."""
_SAME_UTC_INSTANT: Final = re.compile(SAME_UTC_INSTANT)
_TRUNCATE: Final = (1_000_000, 100_000, 10_000, 1000, 100, 10)
"""Microseconds per unit of the last of 0..5 fraction digits."""
_ZONE_LENGTHS: Final = frozenset({0, 1, 3, 5, 6})
"""none, ``Z``, ``+HH``, ``+HHMM``, ``+HH:MM`` (not ``+HH:MM:SS``, which fromisoformat also reads)."""


@lru_cache(maxsize=8192)
def date_ok(text: str) -> bool:
    """Whether a string is ``YYYY-MM-DD`` (ASCII digits) naming a real day."""
    if len(text) != 10 or text[4] != "-" or text[7] != "-" or not text.isascii():
        return False
    year, month, day = text[:4], text[5:7], text[8:]
    if not (year.isdigit() and month.isdigit() and day.isdigit()):
        return False
    return _valid_date(int(year), int(month), int(day))


def same_utc_instant(a: str, b: str) -> bool:
    """The usual pair (a driver's ``2025-06-30 22:45:10.5+00``, an ORM's ``2025-06-30T22:45:10.500Z``)
    settled by one regular expression, and a cached check of the day. False says nothing: the caller
    goes on to :func:`same_instant_text` (other zones, naive times, a coarser ``time_precision``)."""
    return _SAME_UTC_INSTANT.fullmatch(f"{b}|{a}") is not None and date_ok(a[:10])


def same_instant_text(a: str, b: str, precision: int | None, naive_is_utc: bool) -> bool | None:
    """:func:`instant_of` + :func:`instants_equal` without a regular expression, for the usual spellings:
    a date alone against midnight UTC of that day (by its suffix), and two instants written with at
    most six fraction digits and an offset (or none, when naive times are UTC), read by
    ``datetime.fromisoformat`` (C) once :func:`_fraction_digits` has checked that each is spelled the
    way the rule reads. The answer is the rule's; None when the pair is not of these forms (the
    caller then parses each side by the rule).
    """
    if len(a) == 10 or len(b) == 10:
        date, other = (a, b) if len(a) == 10 else (b, a)
        suffix = other[10:]
        if other[:10] != date or not (
            suffix in MIDNIGHTS_UTC or (naive_is_utc and suffix in _NAIVE_MIDNIGHTS)
        ):
            return None
        return True if date_ok(date) else None
    try:
        x = _fromisoformat(a)  # C: digits, a real day and wall clock, the offset
        y = _fromisoformat(b)
    except ValueError:
        return None
    digits_a = _fraction_digits(a)
    digits_b = _fraction_digits(b)
    if digits_a < 0 or digits_b < 0:
        return None
    if x.tzinfo is None or y.tzinfo is None:
        if not naive_is_utc:  # (a date alone was handled above)
            return None
        if x.tzinfo is None:
            x = x.replace(tzinfo=UTC)
        if y.tzinfo is None:
            y = y.replace(tzinfo=UTC)
    if x == y:  # the same microsecond: equal at any precision
        return True
    digits = min(digits_a, digits_b)
    if precision is not None and precision < digits:
        digits = precision
    if digits >= 6:
        return False
    # Equal at the coarser precision: the same truncated fraction (offsets are whole minutes, so the
    # microsecond field is the same in any zone) and nothing else apart.
    step = _TRUNCATE[digits]
    fraction_x, fraction_y = x.microsecond, y.microsecond
    return fraction_x // step == fraction_y // step and x - y == timedelta(0, 0, fraction_x - fraction_y)


def _fraction_digits(text: str) -> int:
    """How many fraction digits a string ``datetime.fromisoformat`` read (with a clock) is written with,
    or -1 when :func:`instant_of` would not read it, or reads more than six (which a datetime cannot
    hold). fromisoformat also reads ``T22``, ``22:45.5``, none or seven fraction digits, any
    separator, week dates and offsets with seconds; it has checked the digits, so what is left to
    check is where the marks stand and how long the offset is."""
    if len(text) < 16 or text[4] != "-" or text[7] != "-" or text[10] not in "Tt " or text[13] != ":":
        return -1
    digits = 0
    if len(text) > 16 and text[16] == ":":
        tail = text[19:]
        zone = tail.lstrip(".,0123456789")
        if len(zone) != len(tail):  # one mark (fromisoformat allows no other), then the digits
            digits = len(tail) - len(zone) - 1
            if not 0 < digits <= 6:
                return -1
    else:
        zone = text[16:]
    if len(zone) in _ZONE_LENGTHS and (not zone or zone[0] in "Z+-"):
        return digits
    return -1


def looks_like_instant(text: str) -> bool:
    """Cheap pre-check (``YYYY-MM-DD...``) so the instant rule is only tried on strings that could match."""
    return len(text) >= 10 and text[4] == "-" and text[7] == "-" and text[:4].isdigit()


# --- durations ---------------------------------------------------------------------------------------


def duration_of(text: str) -> int | None:
    """The length of time, in nanoseconds, an interval string names, or None when it is not one.

    Accepted: ISO-8601 durations (``P1DT02H00M00S``, ``PT0.5S``, ``-P1D``), PostgreSQL interval text
    (``1 year 2 mons 3 days 04:05:06.5``, ``-1 days +02:00:00``) and ``[D ]HH:MM:SS[.ffffff]``
    (``1 02:00:00``). Lengths are compared the way PostgreSQL compares intervals: a month is 30 days,
    a year 12 months, a day 24 hours; so ``P1DT02H00M00S`` == ``1 day 02:00:00`` == ``26:00:00``.
    Fraction digits beyond nanoseconds are dropped.
    """
    if not text:
        return None
    if text[0] in "P-" and "P" in text[:2]:
        iso = _ISO_DURATION.fullmatch(text)
        if iso is None or not any(iso.groups()[1:]):
            return None
        neg, years, months, weeks, days, hours, minutes, secs, frac = iso.groups()
        total = (
            (int(years or 0) * 12 + int(months or 0)) * _MONTH_NS
            + (int(weeks or 0) * 7 + int(days or 0)) * _DAY_NS
            + (int(hours or 0) * 3600 + int(minutes or 0) * 60 + int(secs or 0)) * _NS
            + _fraction_ns(frac)
        )
        return -total if neg else total
    pg = _PG_INTERVAL.fullmatch(text)
    if pg is None or not any(pg.groups()):
        return None
    years, months, days, bare_days, sign, hours, minutes, secs, frac = pg.groups()
    if bare_days is not None and hours is None:
        return None
    clock = (int(hours or 0) * 3600 + int(minutes or 0) * 60 + int(secs or 0)) * _NS + _fraction_ns(frac)
    if minutes is not None and (int(minutes) > 59 or int(secs) > 59):
        return None
    return (
        (int(years or 0) * 12 + int(months or 0)) * _MONTH_NS
        + int(days or bare_days or 0) * _DAY_NS
        + (-clock if sign == "-" else clock)
    )


def _fraction_ns(digits: str | None) -> int:
    return int((digits or "")[:9].ljust(9, "0"))


def looks_like_duration(text: str) -> bool:
    """Cheap pre-check: ``P...``, ``-P...``, or a digit or sign followed somewhere by ``:`` or a space."""
    first = text[:1]
    if first == "P":
        return True
    return first != "" and first in "-+0123456789" and (":" in text or " " in text or "P" in text)


# --- UUIDs -------------------------------------------------------------------------------------------


def uuids_equal(a: str, b: str) -> bool:
    """Two UUIDs in 8-4-4-4-12 hex form are equal regardless of letter case; nothing else is a UUID."""
    lower = a.lower()
    return lower == b.lower() and _UUID_LOWER.fullmatch(lower) is not None


# --- JSON text ---------------------------------------------------------------------------------------


def json_of_text(text: str) -> dict[str, Any] | list[Any] | None:
    """The object or array a string holds as JSON text (``'{"a": 1}'``, a json/jsonb column read as
    text), or None. Strings holding JSON scalars (``'1'``, ``'"a"'``) are not read: they are text."""
    first = text[:1]
    if first not in "{[" or not first:
        stripped = text.lstrip()
        first = stripped[:1]
        if first not in "{[" or not first:
            return None
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    return value if isinstance(value, dict | list) else None


# --- canonical (hashable) forms, for row keys and multiset pairing ----------------------------------


def canonical_value(
    value: Any,
    *,
    strict: bool,
    naive_tz: tzinfo | None,
    rename: Mapping[str, str] | None = None,
    ignore: frozenset[str] = frozenset(),
) -> Hashable:
    """A hashable form under which values the rules call equal are (nearly always) equal.

    Used to key rows (``1007`` and ``"1007"`` address the same row) and to pair identical rows
    before any field is compared. Exact for integers, decimals, text, UUIDs, durations and JSON text;
    floats are taken at their shortest repr, instants at full written precision with trailing zeros
    dropped, so values equal only through the tolerance or the coarser-precision rule get different
    forms: callers fall back to pairwise comparison for what this does not pair.
    """
    kind = type(value)
    if value is None:
        return None
    if kind is bool:
        return ("b", value)
    if kind is int:
        return ("n", value)
    if kind is float:
        return ("n", Decimal(repr(value)))
    if kind is str:
        return _canonical_text(value, strict, naive_tz, rename, ignore)
    if kind is dict:
        items = []
        for key, item in value.items():
            name = canonical_name(rename.get(key, key) if rename else key)
            if name in ignore:
                continue
            items.append((name, canonical_value(item, strict=strict, naive_tz=naive_tz, ignore=ignore)))
        return ("o", frozenset(items))
    if kind is list:
        members = [canonical_value(v, strict=strict, naive_tz=naive_tz, ignore=ignore) for v in value]
        if value and all(type(v) is dict for v in value):
            counts: dict[Hashable, int] = {}
            for member in members:
                counts[member] = counts.get(member, 0) + 1
            return ("A", frozenset(counts.items()))
        return ("a", tuple(members))
    return ("?", repr(value))


def _canonical_text(
    text: str, strict: bool, naive_tz: tzinfo | None, rename: Mapping[str, str] | None, ignore: frozenset[str]
) -> Hashable:
    if strict or not text:
        return ("s", text)
    number = number_of_text(text)
    if number is not None:
        return ("n", number)
    if looks_like_instant(text):
        instant = instant_of(text, naive_tz)
        if instant is not None:
            return ("t", instant[0], instant[1].rstrip("0"))
    if len(text) == 36 and _UUID.fullmatch(text):
        return ("u", text.lower())
    if looks_like_duration(text):
        duration = duration_of(text)
        if duration is not None:
            return ("d", duration)
    parsed = json_of_text(text)
    if parsed is not None:
        return canonical_value(parsed, strict=strict, naive_tz=naive_tz, rename=rename, ignore=ignore)
    return ("s", text)
