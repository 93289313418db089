"""Driver and ORM values to canonical JSON values, the way shadowdiff compares them best.

- ``Decimal`` -> plain decimal text, never exponent form (``Decimal("1E+3")`` -> ``"1000"``), so no
  precision is lost to a float and ``"12.50"`` compares equal to the ORM's ``12.5``;
- ``datetime`` -> RFC 3339 with its offset (a naive one is written as UTC, the service's default
  ``naive_time_zone``); ``date``, ``time`` -> ISO 8601; ``timedelta`` -> ISO 8601 duration
  (``P1DT2H3M4.5S``, ``-P...`` when negative);
- ``UUID`` -> lowercase hyphenated text; ``bytes``/``bytearray``/``memoryview`` -> base64;
- mappings (also asyncpg ``Record``, SQLAlchemy ``Row``), dataclasses, named tuples -> objects;
  lists, tuples, sets -> arrays; ``Enum`` -> its value; non-finite floats -> ``"NaN"``/``"Infinity"``;
- anything else: the ``hook`` given to ``Shadow`` (``hook(value)`` returns a JSON-able value, or raises
  ``TypeError``), else ``TypeError`` -- the pair is then posted with a ``SerializationError`` on that side.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import enum
import math
import uuid
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

Hook = Callable[[Any], Any]

_PLAIN = (str, int, bool, type(None))


def decimal_text(value: Decimal) -> str:
    if not value.is_finite():
        return "NaN" if value.is_nan() else ("-Infinity" if value.is_signed() else "Infinity")
    return format(value, "f")


def duration_text(value: dt.timedelta) -> str:
    micros = (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds
    sign = "-" if micros < 0 else ""
    micros = abs(micros)
    days, rest = divmod(micros, 86_400_000_000)
    hours, rest = divmod(rest, 3_600_000_000)
    minutes, rest = divmod(rest, 60_000_000)
    seconds, fraction = divmod(rest, 1_000_000)
    text = f"{sign}P"
    if days:
        text += f"{days}D"
    clock = ""
    if hours:
        clock += f"{hours}H"
    if minutes:
        clock += f"{minutes}M"
    if seconds or fraction or not (days or hours or minutes):
        clock += f"{seconds}.{fraction:06d}".rstrip("0").rstrip(".") + "S"
    return text + ("T" + clock if clock else "")


def to_json(value: Any, hook: Hook | None = None) -> Any:
    """A JSON-able copy of ``value`` (dict, list, str, int, float, bool, None)."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is float:
        return (
            value
            if math.isfinite(value)
            else ("NaN" if value != value else ("Infinity" if value > 0 else "-Infinity"))
        )
    if kind is dict:
        return {_key(k): to_json(v, hook) for k, v in value.items()}
    if kind is list or kind is tuple:
        if hasattr(value, "_asdict"):
            return {k: to_json(v, hook) for k, v in value._asdict().items()}
        return [to_json(v, hook) for v in value]
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, dt.datetime):
        return (value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)).isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return duration_text(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, enum.Enum):
        return to_json(value.value, hook)
    if isinstance(value, bool | int | str | float):  # subclasses (IntEnum handled above)
        return to_json(kind.__mro__[-2](value) if not isinstance(value, bool) else bool(value), hook)
    if isinstance(value, Mapping):
        return {_key(k): to_json(v, hook) for k, v in value.items()}
    mapping = getattr(value, "_mapping", None)  # SQLAlchemy Row
    if isinstance(mapping, Mapping):
        return {_key(k): to_json(v, hook) for k, v in mapping.items()}
    if hasattr(value, "_asdict"):
        return {k: to_json(v, hook) for k, v in value._asdict().items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name), hook) for f in dataclasses.fields(value)}
    if hasattr(value, "keys") and hasattr(value, "items") and callable(value.items):  # asyncpg Record
        return {_key(k): to_json(v, hook) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [to_json(v, hook) for v in value]
        if isinstance(value, set | frozenset):
            items.sort(key=repr)
        return items
    if hook is not None:
        return to_json(hook(value), None)
    raise TypeError(
        f"cannot serialize {kind.__module__}.{kind.__qualname__}; return plain values from the query "
        "function or pass Shadow(..., hook=...)"
    )


def _key(key: Any) -> str:
    return key if type(key) is str else str(to_json(key))
