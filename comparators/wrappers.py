"""Wrappers: MongoDB Extended JSON, Go's nullable types, PHP's DateTime, each equal to the plain value.

Reference: :func:`unwrap` gives the plain value a wrapper stands for (or None when the object is not
one of these exact shapes) and the rule that read it; the engine then compares the plain value by
every other rule (``{"$date": ...}`` against an instant, ``{"Int64": 31, "Valid": true}`` against 31).
"""

from __future__ import annotations

import base64
import binascii
import re
import zoneinfo
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any, Final

from comparators.rules import EXTENDED_JSON, GO_NULLABLE, PHP_DATETIME

GO_VALUES: Final = frozenset({"String", "Int64", "Int32", "Int16", "Byte", "Float64", "Bool", "Time", "V"})
_PHP_KEYS: Final = ("date", "timezone_type", "timezone")
_PHP_DATE = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2}) ([0-9]{2}:[0-9]{2}:[0-9]{2})(?:\.([0-9]{1,9}))?")
_OFFSET = re.compile(r"([+-])([0-9]{2}):?([0-9]{2})")
_ABBREVIATIONS: Final = {
    "UTC": 0, "GMT": 0, "Z": 0, "CET": 60, "CEST": 120, "EET": 120, "EEST": 180, "WET": 0, "WEST": 60,
    "BST": 60, "EST": -300, "EDT": -240, "CST": -360, "CDT": -300, "MST": -420, "MDT": -360,
    "PST": -480, "PDT": -420, "JST": 540, "IST": 330,
}  # fmt: skip
"""PHP's timezone_type 2 (an abbreviation): each names one fixed offset, in minutes."""
_INTEGER = re.compile(r"-?[0-9]{1,20}")
_DOUBLES: Final = {"Infinity": float("inf"), "-Infinity": float("-inf"), "NaN": float("nan")}
_NOTHING: Final = object()


def unwrap(value: dict[str, Any]) -> tuple[int, Any] | None:
    """(rule bit, the plain value) for one of the wrapper shapes, exactly; None for any other object.

    MongoDB Extended JSON: ``$oid`` -> its hex text, ``$date`` -> its ISO text or its milliseconds,
    ``$numberLong``/``$numberInt`` -> the integer, ``$numberDouble`` -> the float,
    ``$numberDecimal`` -> its decimal text, ``$binary`` -> the bytes, ``$uuid`` -> its text.
    Go: ``{"String": x, "Valid": true}`` (and Int64, Int32, Int16, Byte, Float64, Bool, Time, V) -> x,
    ``"Valid": false`` -> null. PHP: ``{"date", "timezone_type", "timezone"}`` -> an ISO instant text.
    """
    size = len(value)
    if size == 1:
        key = next(iter(value))
        if key[:1] != "$":
            return None
        plain = _extended(key, value[key])
        return None if plain is _NOTHING else (EXTENDED_JSON, plain)
    if size == 2:
        if "Valid" in value:
            valid = value["Valid"]
            if type(valid) is not bool:
                return None
            for key in value:
                if key != "Valid":
                    if key not in GO_VALUES:
                        return None
                    return GO_NULLABLE, (value[key] if valid else None)
            return None
        if "$binary" in value and "$type" in value:  # the legacy Extended JSON form
            data = value["$binary"]
            subtype = value["$type"]
            decoded = _base64(data) if type(data) is str and type(subtype) is str else None
            return None if decoded is None else (EXTENDED_JSON, _binary_value(decoded, subtype))
        return None
    if size == 3 and tuple(value) == _PHP_KEYS:
        instant = _php_instant(value)
        return None if instant is None else (PHP_DATETIME, instant)
    return None


def looks_wrapped(value: dict[str, Any]) -> bool:
    """Cheap pre-check: an object of one to three keys (every wrapper shape is that small)."""
    return 0 < len(value) <= 3


def _extended(key: str, inner: Any) -> Any:
    kind = type(inner)
    if key == "$oid":
        return inner if kind is str else _NOTHING
    if key == "$numberLong" or key == "$numberInt":
        return int(inner) if kind is str and _INTEGER.fullmatch(inner) else _NOTHING
    if key == "$numberDouble":
        if kind is not str:
            return _NOTHING
        special = _DOUBLES.get(inner)
        if special is not None:
            return special
        try:
            return float(inner)
        except ValueError:
            return _NOTHING
    if key == "$numberDecimal":
        return inner if kind is str else _NOTHING
    if key == "$date":
        if kind is str or kind is int:
            return inner
        if kind is dict and len(inner) == 1 and "$numberLong" in inner:
            return _extended("$numberLong", inner["$numberLong"])
        return _NOTHING
    if key == "$uuid":
        return inner if kind is str else _NOTHING
    if key == "$binary":
        if kind is dict and len(inner) == 2 and "base64" in inner and "subType" in inner:
            data = inner["base64"]
            decoded = _base64(data) if type(data) is str else None
            return _NOTHING if decoded is None else _binary_value(decoded, inner["subType"])
        return _NOTHING
    return _NOTHING


def _binary_value(data: bytes, subtype: Any) -> bytes | str:
    """The plain value of a BSON binary: a UUID (subtype 4, 16 bytes) is its hyphenated text, which
    the UUID rule then reads against any spelling of it; every other subtype is its bytes.

    Source: a BSON UUID is binary subtype 4 (the Node driver's ``Binary.SUBTYPE_UUID``), and Extended
    JSON v2 writes every binary, in canonical and relaxed mode alike, as ``{"$binary": {"base64": ...,
    "subType": "04"}}``; ``$uuid`` is an input form that parsers turn into that same subtype-4 binary
    (MongoDB extended-json spec, "Special rules for parsing $uuid fields"; the Java driver's Extended
    JSON page says so too). Drivers decode it to their UUID type (pymongo with
    ``uuidRepresentation="standard"``: ``uuid.UUID``; the Java driver: ``java.util.UUID``), which their
    serializers write as hyphenated text. Subtype 3, the legacy UUID, has a byte order that differs by
    driver (Java, C#, Python each chose one), so no one text is its decoding: it stays bytes."""
    if subtype in ("04", "4") and len(data) == 16:
        hexed = data.hex()
        return f"{hexed[:8]}-{hexed[8:12]}-{hexed[12:16]}-{hexed[16:20]}-{hexed[20:]}"
    return data


def _base64(text: str) -> bytes | None:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def _php_instant(value: dict[str, Any]) -> str | None:
    """PHP's DateTime as ``json_encode`` writes it, as an ISO instant text with its UTC offset (the
    fraction digits as written, so the instant rule's coarser precision applies)."""
    text, kind, zone = value["date"], value["timezone_type"], value["timezone"]
    if type(text) is not str or type(kind) is not int or type(zone) is not str:
        return None
    match = _PHP_DATE.fullmatch(text)
    if match is None:
        return None
    day, clock, fraction = match.groups()
    try:
        local = datetime.fromisoformat(f"{day}T{clock}")
    except ValueError:
        return None
    offset = _php_offset(kind, zone, local)
    if offset is None:
        return None
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"{day}T{clock}{'.' + fraction if fraction else ''}{sign}{hours:02d}:{rest:02d}"


def _php_offset(kind: int, zone: str, local: datetime) -> timedelta | None:
    if kind == 1:
        match = _OFFSET.fullmatch(zone)
        if match is None:
            return None
        sign, hours, minutes = match.groups()
        delta = timedelta(hours=int(hours), minutes=int(minutes))
        return -delta if sign == "-" else delta
    if kind == 2:
        minutes_east = _ABBREVIATIONS.get(zone.upper())
        return None if minutes_east is None else timedelta(minutes=minutes_east)
    if kind == 3:
        found: tzinfo
        if zone.upper() in ("UTC", "Z"):
            found = UTC
        else:
            try:
                found = zoneinfo.ZoneInfo(zone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                return None
        return local.replace(tzinfo=found).utcoffset()
    return None
