"""Durations: ISO-8601, PostgreSQL interval text, ``[D ]HH:MM:SS``, timedelta text, objects of parts.

Reference: :func:`duration_of` (text), :func:`parts_duration` (node-postgres' object of parts),
:func:`duration_rules` (two values, a JSON number counting seconds). All lengths are compared the way
PostgreSQL compares intervals: a month is 30 days, a year 12 months, a day 24 hours.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from comparators.rules import DURATION, NO

_ISO_DURATION = re.compile(
    r"(-)?P(?:(-?[0-9]+)Y)?(?:(-?[0-9]+)M)?(?:(-?[0-9]+)W)?(?:(-?[0-9]+)D)?"
    r"(?:T(?:(-?[0-9]+)H)?(?:(-?[0-9]+)M)?(?:(-?)([0-9]+)(?:[.,]([0-9]+))?S)?)?"
)
"""Each part may carry its own minus, as negative durations are written: Java's ``Duration.toString``
(``PT-6H-3M``, ``PT-0.5S``: the sign of the seconds covers their fraction; Jackson writes a Duration so
when ``WRITE_DURATIONS_AS_TIMESTAMPS`` is off, as Spring Boot sets it) and PostgreSQL's ``iso_8601``
interval style (``P-1Y-2M3DT-4H-5M-6S``, ``formatting of interval output`` in its documentation)."""
_PG_INTERVAL = re.compile(
    r"(?:([+-]?[0-9]+) years? ?)?(?:([+-]?[0-9]+) mons? ?)?"
    r"(?:([+-]?[0-9]+) days?,? ?|([0-9]+) (?=[+-]?[0-9]))?"
    r"(?:([+-])?([0-9]+):([0-9]{2}):([0-9]{2})(?:\.([0-9]+))?)?"
)
"""Also Python's ``str(timedelta)``: ``1 day, 2:00:00``, ``-1 day, 23:59:59.500000``."""
_NS: Final = 1_000_000_000
_DAY_NS: Final = 86_400 * _NS
_MONTH_NS: Final = 30 * _DAY_NS  # PostgreSQL compares intervals with 1 month = 30 days
_PART_NS: Final = {
    "years": 12 * _MONTH_NS,
    "months": _MONTH_NS,
    "days": _DAY_NS,
    "hours": 3600 * _NS,
    "minutes": 60 * _NS,
    "seconds": _NS,
    "milliseconds": 1_000_000,
}


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
        neg, years, months, weeks, days, hours, minutes, secs_sign, secs, frac = iso.groups()
        seconds = int(secs or 0) * _NS + _fraction_ns(frac)
        total = (
            (int(years or 0) * 12 + int(months or 0)) * _MONTH_NS
            + (int(weeks or 0) * 7 + int(days or 0)) * _DAY_NS
            + (int(hours or 0) * 3600 + int(minutes or 0) * 60) * _NS
            + (-seconds if secs_sign else seconds)
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


def parts_duration(value: dict[str, Any]) -> int | None:
    """node-postgres' interval object (``{"days": 1, "hours": 6}``; ``{}`` is zero) in nanoseconds:
    only the keys years, months, days, hours, minutes, seconds, milliseconds, each a JSON number."""
    total = 0
    for key, amount in value.items():
        unit = _PART_NS.get(key)
        kind = type(amount)
        if unit is None or not (kind is int or kind is float):
            return None
        if kind is int:
            total += amount * unit
        else:
            try:
                total += int(Decimal(repr(amount)) * unit)
            except (InvalidOperation, ValueError, OverflowError):
                return None
    return total


def seconds_duration(number: Any) -> int | None:
    """A JSON number of seconds (how Python serializers write a timedelta) in nanoseconds."""
    kind = type(number)
    if kind is int:
        return int(number) * _NS
    if kind is float:
        try:
            return int(Decimal(repr(number)) * _NS)
        except (InvalidOperation, ValueError, OverflowError):
            return None
    return None


def length_of(value: Any) -> int | None:
    """The length of time any duration spelling holds (text, object of parts); numbers are not read
    here: a number is a duration only against another spelling (:func:`duration_rules`)."""
    kind = type(value)
    if kind is str:
        return duration_of(value) if looks_like_duration(value) else None
    if kind is dict:
        return parts_duration(value)
    return None


def duration_rules(a: Any, b: Any) -> int:
    """Two values holding the same length of time: texts and objects of parts, or one of them against
    a JSON number of seconds. An object of parts is a duration only against a duration or a number."""
    left = length_of(a)
    right = length_of(b)
    if left is None and right is None:
        return NO
    if left is None:
        left = seconds_duration(a)
    elif right is None:
        right = seconds_duration(b)
    return DURATION if left is not None and left == right else NO
