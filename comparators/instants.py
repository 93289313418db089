"""Instants and times of day: ISO-8601 / RFC 3339 text, dates, epoch numbers, clock times.

Reference functions: :func:`instant_of` + :func:`instants_equal` (two instant texts),
:func:`epoch_equal` (a JSON number against an instant), :func:`time_of_day_of` and
:func:`time_of_day_equal` (a clock time against an instant on a placeholder date, or against another
clock time). Accelerators, each only able to say "equal" where those do: :func:`same_utc_instant`
and :func:`same_instant_text` (one pair), :func:`same_day_instant_column`,
:func:`dates_at_midnight_column`, :func:`epoch_column`, :func:`time_of_day_column` (whole columns).
``tests/comparators/test_families.py`` checks each against the reference.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, tzinfo
from decimal import ROUND_FLOOR, Decimal
from functools import lru_cache
from itertools import repeat
from operator import itemgetter, truediv
from typing import Any, Final

from comparators.rules import EPOCH, INSTANT, NO, TIME_OF_DAY

Instant = tuple[int, str]
"""(seconds since 1970-01-01T00:00:00Z, the fraction digits as written)."""

_INSTANT = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})"
    r"(?:[Tt ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:[.,]([0-9]+))?)?"
    r"(?:(Z|z| UTC)| ?([+-])([0-9]{2})(?::?([0-9]{2})(?::([0-9]{2}))?)?)?)?"
)
"""Also Ruby's ``Time#to_s``: ``2024-11-03 09:15:00 +0100``, ``2024-11-03 09:15:00 UTC``; and an offset
with seconds, ``+00:19:32``: PostgreSQL prints a zone's local mean time so before its first standard
offset (``timestamptz`` output in ``Europe/Amsterdam`` before 1937; ``EncodeTimezone`` in its
``datetime.c`` appends the seconds when they are not zero), as Python's ``isoformat`` does."""
_TIME_OF_DAY = re.compile(
    r"([01][0-9]|2[0-3]):([0-5][0-9])(?::([0-5][0-9])(?:[.,]([0-9]++))?)?"
    r"(?:(Z|z)|([+-])([0-9]{2})(?::?([0-9]{2}))?)?"
)
"""Seconds are optional: Java's ``LocalTime.toString`` (and ``OffsetTime.toString``, with ``Z`` or
``+02:00``) leaves them out when the second and the nanosecond are both zero (its Javadoc: "The
output will be one of the following ISO-8601 formats: HH:mm, HH:mm:ss, HH:mm:ss.SSS, ..."), so
``14:15`` is 14:15:00 exactly: see :data:`EXACT_ZERO`."""
EXACT_ZERO: Final = "000000000"
"""The fraction of a clock written without seconds (``14:15``, ``2025-06-30T22:45``): Java's
``LocalTime``/``LocalDateTime.toString`` drop the seconds only when they and every fraction digit are
zero, so the value is exact to the nanosecond, and no coarser-precision reading makes it equal to
``14:15:00.5``."""
_DAYS_IN_MONTH: Final = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_PLACEHOLDER_DAYS: Final = (0, 946_684_800, -62_167_219_200)
"""1970-01-01 (several ORMs), 2000-01-01 (Rails) and 0000-01-01 (Go), in seconds since the epoch.

Go: lib/pq decodes a ``time``/``timetz`` column with ``time.Parse("15:04:05", ...)`` (its
``textDecode``, encode.go), and ``time.Parse`` fills what the layout lacks with "January 1, year 0"
(the ``time`` package documentation), so ``encoding/json`` writes ``"0000-01-01T14:15:00Z"`` (or
``+02:00`` for a timetz). Year 0 is no date a database stores a real instant at (PostgreSQL has
none: 1 BC comes before AD 1)."""
PLACEHOLDER_DATES: Final = frozenset({"1970-01-01", "2000-01-01", "0000-01-01"})
_EPOCH_UNITS: Final = (0, 3, 6)
"""Seconds, milliseconds, microseconds: fraction digits of a second per unit."""
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)


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
    A clock without seconds (``2025-06-30T22:45``, Java's ``LocalDateTime.toString`` at a whole
    minute) is that minute exactly (:data:`EXACT_ZERO`), not a coarser precision.
    So ``2025-06-30T22:45:10.500Z`` and ``2025-07-01 00:45:10.5+02`` name the same instant.
    """
    match = _INSTANT.fullmatch(text)
    if match is None:
        return None
    year_s, month_s, day_s, hour_s, minute_s, second_s, frac, zulu, sign, off_h, off_m, off_s = match.groups()
    year, month, day = int(year_s), int(month_s), int(day_s)
    if not _valid_date(year, month, day):
        return None
    days = _days_from_civil(year, month, day)
    if hour_s is None:
        return days * 86_400, ""
    hour, minute, second = int(hour_s), int(minute_s), int(second_s or 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    if second_s is None:
        frac = EXACT_ZERO
    seconds = days * 86_400 + hour * 3600 + minute * 60 + second
    if sign is not None:
        offset = int(off_h) * 3600 + int(off_m or 0) * 60 + int(off_s or 0)
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
    *[f"00:00:00{m}{'0' * n}" for m in ".," for n in range(1, 10)],
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
    check is where the marks stand and how long the offset is. A clock without seconds
    (``2025-06-30T22:45``) counts six: it is that minute exactly (:data:`EXACT_ZERO`)."""
    if len(text) < 16 or text[4] != "-" or text[7] != "-" or text[10] not in "Tt " or text[13] != ":":
        return -1
    digits = 6  # no seconds: the minute exactly (EXACT_ZERO), which six zero digits hold
    if len(text) > 16 and text[16] == ":":
        digits = 0
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


# --- times of day ------------------------------------------------------------------------------------


def time_of_day_of(text: str) -> Instant | None:
    """A clock time ``HH:MM:SS[.f][offset]`` as (seconds after midnight UTC, fraction digits): the
    offset is applied, so ``01:00:00+02`` is -3600 (23:00 UTC the day before); ``HH:MM`` (Java's
    ``LocalTime.toString`` at a whole minute) is that minute exactly (:data:`EXACT_ZERO`). None for
    anything else (``24:00:00``, a duration such as ``26:00:00``)."""
    match = _TIME_OF_DAY.fullmatch(text)
    if match is None:
        return None
    hour_s, minute_s, second_s, frac, _zulu, sign, off_h, off_m = match.groups()
    if second_s is None:
        second_s, frac = "0", EXACT_ZERO
    seconds = int(hour_s) * 3600 + int(minute_s) * 60 + int(second_s)
    if sign is not None:
        offset = int(off_h) * 3600 + int(off_m or 0) * 60
        seconds -= offset if sign == "+" else -offset
    return seconds, frac or ""


def looks_like_clock(text: str) -> bool:
    """Cheap pre-check: ``HH:MM...`` (a time of day with or without seconds, or a duration)."""
    return len(text) >= 5 and text[2] == ":"


def time_of_day_equal(clock: str, instant: str, naive_tz: tzinfo | None, precision: int | None) -> bool:
    """A time of day against an instant on a placeholder date (1970-01-01, several ORMs; 2000-01-01,
    Rails; 0000-01-01, Go) with that clock time in UTC: ``14:15:00`` == ``1970-01-01T14:15:00.000Z``.
    Fractions at the coarser precision of the two, as for instants."""
    time = time_of_day_of(clock)
    if time is None:
        return False
    moment = instant_of(instant, naive_tz)
    if moment is None:
        return False
    for day in _PLACEHOLDER_DAYS:
        if moment[0] - day == time[0]:
            return instants_equal(moment, (moment[0], time[1]), precision)
    return False


def times_of_day_equal(a: str, b: str, precision: int | None) -> bool | None:
    """Two spellings of one time of day (``14:15:00`` == ``14:15:00.000`` == ``16:15:00+02``), at the
    coarser precision; None when either is not a time of day (then the duration rule reads them)."""
    left = time_of_day_of(a)
    if left is None:
        return None
    right = time_of_day_of(b)
    if right is None:
        return None
    return (left[0] - right[0]) % 86_400 == 0 and instants_equal((0, left[1]), (0, right[1]), precision)


def placeholder_times_equal(a: str, b: str, naive_tz: tzinfo | None, precision: int | None) -> bool:
    """Two instants on two different placeholder dates (:data:`PLACEHOLDER_DATES`) spell one time of
    day when their clocks, read from the start of their own date in UTC, are the same time of day:
    Rails' ``2000-01-01T14:15:00.000Z``, Prisma's ``1970-01-01T14:15:00.000Z`` and Go's
    ``0000-01-01T14:15:00Z`` are one ``time`` column value. Fractions at the coarser precision.
    Two instants on the *same* date are compared as instants, never here."""
    day_a, day_b = a[:10], b[:10]
    if day_a == day_b or day_a not in PLACEHOLDER_DATES or day_b not in PLACEHOLDER_DATES:
        return False
    left = instant_of(a, naive_tz)
    right = instant_of(b, naive_tz)
    if left is None or right is None:
        return False
    clock_a = left[0] - _PLACEHOLDER_START[day_a]
    clock_b = right[0] - _PLACEHOLDER_START[day_b]
    return (clock_a - clock_b) % 86_400 == 0 and instants_equal((0, left[1]), (0, right[1]), precision)


_PLACEHOLDER_START: Final = {"1970-01-01": 0, "2000-01-01": 946_684_800, "0000-01-01": -62_167_219_200}


# --- epoch numbers -----------------------------------------------------------------------------------


def epoch_equal(
    number: int | float | Decimal,
    moment: Instant,
    precision: int | None,
    units: tuple[int, ...] = _EPOCH_UNITS,
) -> bool:
    """A number that is exactly the instant's Unix time in seconds, milliseconds or microseconds
    (``units``: fraction digits of a second; SQLite, ``Date.getTime()``, ``time.time()``).

    Exact: 1735689600001 is not ``2025-01-01T00:00:00.000Z``, nor is it ``…00Z``. A number with a
    fraction of its unit (``time.time()``'s 1735689600.1234567) is compared at the coarser precision
    of the two, as two instant texts are."""
    exact = Decimal(repr(number)) if type(number) is float else Decimal(number)
    for digits in units:
        value = exact.scaleb(-digits)
        seconds = int(value.to_integral_value(rounding=ROUND_FLOOR))
        if seconds != moment[0]:
            continue
        rest = value - seconds
        fraction = format(rest, "f").partition(".")[2].rstrip("0") if rest else ""
        written = moment[1].rstrip("0")
        if fraction == written:
            return True
        unit_fraction = fraction[digits:]
        if unit_fraction and instants_equal(moment, (seconds, fraction), precision):
            return True  # a fraction of the unit: the coarser precision of the two
    return False


def epoch_rules(number: Any, text: str, naive_tz: tzinfo | None, precision: int | None) -> int:
    """A JSON number against an instant text (default units: seconds, ms, us)."""
    if not looks_like_instant(text):
        return NO
    moment = instant_of(text, naive_tz)
    if moment is None:
        return NO
    return EPOCH if epoch_equal(number, moment, precision) else NO


# --- the rule for two texts --------------------------------------------------------------------------


def instant_texts_rules(a: str, b: str, naive_tz: tzinfo | None, precision: int | None) -> int:
    """Two instant texts, read by the reference alone (no accelerator)."""
    left = instant_of(a, naive_tz)
    if left is None:
        return NO
    right = instant_of(b, naive_tz)
    return INSTANT if right is not None and instants_equal(left, right, precision) else NO


# --- accelerators: whole columns ----------------------------------------------------------------------

_INSTANT_LINES = re.compile(rf"(?:{SAME_UTC_INSTANT}\n)++")
_DAY: Final = itemgetter(slice(0, 10))
_ISO_UTC = r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?+(?:Z|\+00:00)"
_PLACEHOLDER_PREFIXES: Final = frozenset(f"{d}{s}" for d in ("1970-01-01", "2000-01-01") for s in "Tt ")
_UTC_TAIL = re.compile(r"(?:[.,][0-9]++)?+(?:Z|z|[+-]00(?::?00)?+)")
_COMMON_UTC_TAILS: Final = frozenset(
    f"{f}{z}" for f in ("", ".000", ".000000", ".0") for z in ("Z", "z", "+00:00", "+00", "+0000")
)
"""What follows the clock of a placeholder instant in the usual spellings (any fraction is equal at
the coarser precision against a time without one)."""
_CLOCK = re.compile(r"(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]")
_ISO_UTC_ONE = re.compile(_ISO_UTC)
_DIGITS_TO_ZERO_BYTES: Final = bytes.maketrans(b"123456789", b"000000000")
_EXACT_SECONDS: Final = float(2**32)
_UNIT_SIZE: Final = {0: 1, 3: 1000, 6: 1_000_000}
_timestamp: Final = datetime.timestamp


def same_day_instant_column(legacy: tuple[Any, ...], orm: tuple[Any, ...]) -> int:
    """Row by row the same date and wall clock (``YYYY-MM-DD?HH:MM:SS``, ``T``/``t``/space between),
    each side in UTC, fractions equal at the coarser of the two: one regular expression over all
    ``orm|legacy`` lines, then each distinct day checked once. Both sides say their zone, so
    ``naive_time_zone`` plays no part, and equality at the coarser precision implies it at any
    ``time_precision``."""
    lines = "\n".join(map("|".join, zip(orm, legacy, strict=True)))  # (ORM first: see the pattern)
    if _INSTANT_LINES.fullmatch(lines + "\n") is None:
        return NO
    return INSTANT if all(map(date_ok, set(map(_DAY, legacy)))) else NO


def dates_at_midnight_column(dates: tuple[Any, ...], instants: tuple[Any, ...]) -> int:
    """Every instant is its date followed by the first one's spelling of midnight UTC: one string
    built and compared. (A date holds no newline once ``date_ok`` passes, nor does a spelling of
    midnight, so equal joins pair each instant with its own date.)"""
    midnight = instants[0][10:]
    if midnight not in MIDNIGHTS_UTC or (midnight + "\n").join(dates) + midnight != "\n".join(instants):
        return NO
    return INSTANT if all(map(date_ok, set(dates))) else NO  # (date_ok checks the YYYY-MM-DD form too)


def epoch_column(numbers: tuple[Any, ...], texts: tuple[Any, ...]) -> int:
    """Integers against UTC instant texts all laid out like the first (which one pattern checks: at
    most six fraction digits, ``Z`` or ``+00:00``), read by ``datetime.fromisoformat`` (C, which also
    checks every date and clock), compared as Unix times: see :func:`epoch_quick` for why float
    equality is exact here."""
    if set(map(type, numbers)) != {int} or not _same_layout(texts):
        return NO
    if _ISO_UTC_ONE.fullmatch(texts[0]) is None:
        return NO
    try:
        stamps = tuple(map(_timestamp, map(_fromisoformat, texts)))
    except ValueError:
        return NO
    if max(stamps) >= _EXACT_SECONDS or min(stamps) <= -_EXACT_SECONDS:
        return NO
    size = abs(numbers[0])
    for digits in (3, 6, 0) if size >= 10**11 else _EPOCH_UNITS:  # (milliseconds: the usual unit)
        if tuple(map(truediv, numbers, repeat(_UNIT_SIZE[digits]))) == stamps:
            return EPOCH
    return NO


def epoch_quick(number: int, text: str) -> bool | None:
    """:func:`epoch_equal` for an integer against an instant text with an offset and at most six
    fraction digits, read by ``datetime.fromisoformat`` (C); None when the text is not of that form.

    Exact although it compares floats: both sides are correctly rounded quotients of integers (``n /
    1000``; ``datetime.timestamp``, microseconds / 10**6), and below 2**32 seconds two instants that
    differ (by a microsecond at least) are further apart than two floats there (2**-21 s), so they
    round to different floats."""
    if len(text) < 20 or len(text) > 32 or _fraction_digits(text) < 0:
        return None
    try:
        moment = _fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:  # (naive: read in naive_time_zone by the reference)
        return None
    stamp: float = moment.timestamp()
    if abs(stamp) >= _EXACT_SECONDS:
        return None
    return number / 1000 == stamp or number == stamp or number / 1_000_000 == stamp


def _same_layout(texts: tuple[Any, ...]) -> bool:
    """Every text has the first one's length and its non-digits at the same places (one translate)."""
    first: str = texts[0]
    joined: str = "".join(texts)
    try:  # (bytes.translate is one table lookup a character; str.translate a dict lookup)
        mask = first.encode("ascii").translate(_DIGITS_TO_ZERO_BYTES)
        return joined.encode("ascii").translate(_DIGITS_TO_ZERO_BYTES) == mask * len(texts)
    except UnicodeEncodeError:
        return False


def time_of_day_column(times: tuple[Any, ...], instants: tuple[Any, ...]) -> int:
    """Clock times ``HH:MM:SS`` against instants on one placeholder date in UTC: every instant is its
    time put between the first instant's date and its tail (a fraction, which the coarser-precision
    rule reads against none, and a UTC zone): one string built and compared, then every clock's
    range checked by ``datetime.fromisoformat`` over the instants (C)."""
    first = instants[0]
    prefix = first[:11]
    tail = first[19:]
    if prefix not in _PLACEHOLDER_PREFIXES or _UTC_TAIL.fullmatch(tail) is None:
        return NO
    joined = (tail + "\n" + prefix).join(times)
    if prefix + joined + tail != "\n".join(instants):
        return NO
    try:
        layout = "".join(times).encode("ascii").translate(_DIGITS_TO_ZERO_BYTES)
    except UnicodeEncodeError:
        return NO
    if layout != b"00:00:00" * len(times):
        return NO
    try:
        all(map(_fromisoformat, instants))
    except ValueError:
        return NO
    return TIME_OF_DAY


def time_of_day_quick(clock: str, instant: str) -> bool:
    """:func:`time_of_day_equal` for ``HH:MM:SS`` against ``1970-01-01THH:MM:SS[.f]Z`` (or 2000-01-01,
    or another UTC spelling): the same characters where the clock is, checked by slicing. False says
    nothing (the caller asks the reference)."""
    return (
        len(clock) == 8
        and instant[11:19] == clock
        and instant[:11] in _PLACEHOLDER_PREFIXES
        and instant[19:] in _COMMON_UTC_TAILS
        and _clock_ok(clock)
    )


def _clock_ok(clock: str) -> bool:
    """``HH:MM:SS`` in range (what ``_CLOCK`` matches): ASCII digits where they belong, then each part
    no higher than its largest value (three compares of two digits)."""
    digits = clock.replace(":", "")
    return (
        len(digits) == 6
        and clock[2] == ":"
        and clock[5] == ":"
        and digits.isdigit()
        and digits.isascii()
        and digits[:2] <= "23"
        and digits[2:4] <= "59"
        and digits[4:] <= "59"
    )


# --- Jackson's java.time arrays ----------------------------------------------------------------------

_NANOS: Final = 999_999_999


def jackson_array_text(values: list[Any]) -> tuple[str, int] | None:
    """The ISO text of a ``java.time`` value Jackson wrote as an array of numbers, with the rule that
    reads it (:data:`INSTANT` for a date or a date-time, :data:`TIME_OF_DAY` for a time of day); None
    for any array that is not exactly one of these layouts.

    Source: jackson-modules-java8 (``datetime/.../jsr310/ser``), with ``JavaTimeModule`` and
    ``SerializationFeature.WRITE_DATES_AS_TIMESTAMPS`` on (Jackson's default; Spring Boot turns it
    off): ``LocalDateSerializer`` writes ``[year, month, day]``; ``LocalDateTimeSerializer`` writes
    ``[year, month, day, hour, minute]``, then the second only ``if (value.getSecond() > 0 ||
    value.getNano() > 0)``, then the nanosecond only ``if (value.getNano() > 0)``;
    ``LocalTimeSerializer`` writes ``[hour, minute]`` with the same two optional parts. So
    ``[2025, 3, 1]``, ``[2025, 6, 30, 22, 45]``, ``[2025, 6, 30, 22, 45, 10, 123000000]``, ``[14, 15]``,
    ``[14, 15, 10, 500000000]``.

    Only those exact layouts, every part in its range, and nothing a layout leaves out written as a
    zero: a six-part date-time has a second above 0, a seven-part one a nanosecond above 0; a
    three-part array whose first number is an hour (0-23) is a time of day (no year so early is a
    date anyone stores), any other three-part array a date. What an array omits is zero, exactly:
    the text carries nine fraction digits, so ``[14, 15]`` is not ``14:15:00.5`` at any coarser
    precision. Not read: the last part in milliseconds (``WRITE_DATE_TIMESTAMPS_AS_NANOSECONDS``
    turned off: the same layout, another unit, which nothing in the array tells), years outside
    0-9999, and the zoned types (``Instant``, ``OffsetDateTime``, ``ZonedDateTime``), which Jackson
    writes as decimal epoch seconds, a number the epoch rule reads.
    """
    size = len(values)
    if size < 2 or size > 7:
        return None
    for part in values:
        if type(part) is not int:
            return None
    if size == 3 and values[0] > 23:
        year, month, day = values
        if year > 9999 or not _valid_date(year, month, day):
            return None
        return f"{year:04d}-{month:02d}-{day:02d}", INSTANT
    if size <= 4:
        clock = _jackson_clock(values)
        return None if clock is None else (clock, TIME_OF_DAY)
    year, month, day = values[0], values[1], values[2]
    if not 0 <= year <= 9999 or not _valid_date(year, month, day):
        return None
    clock = _jackson_clock(values[3:])
    return None if clock is None else (f"{year:04d}-{month:02d}-{day:02d}T{clock}", INSTANT)


def _jackson_clock(parts: list[Any]) -> str | None:
    """``hour, minute[, second[, nanosecond]]`` as ``HH:MM:SS.nnnnnnnnn``, or None when a part is out
    of range or written where Jackson leaves it out (a second of 0 without a nanosecond, a nanosecond
    of 0)."""
    hour, minute = parts[0], parts[1]
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    second = nanos = 0
    if len(parts) >= 3:
        second = parts[2]
        if not 0 <= second <= 59 or (second == 0 and len(parts) == 3):
            return None
        if len(parts) == 4:
            nanos = parts[3]
            if not 1 <= nanos <= _NANOS:
                return None
    return f"{hour:02d}:{minute:02d}:{second:02d}.{nanos:09d}"
