"""One property per kind of value: every pair of real driver spellings of one value is equal, and a real
change of the value, in any spelling, is a difference named at its field.

``strategies.py`` draws the few spellings the row properties need; here each kind lists every spelling
the drivers print (node-postgres ``pg``, mysql2, Prisma 7, asyncpg/psycopg/PyMySQL with ``json.dumps``,
Go's ``database/sql`` + ``encoding/json``, Java JDBC + Jackson, MongoDB Extended JSON, PHP, Ruby), with
the source of each in a comment, and draws any two of them. The perturbation is the smallest real
change the kind has (one unit of the last digit, one microsecond or millisecond, one byte, one day),
rendered in any spelling that can hold it, so a rule that reads too much fails here too.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comparators import compare

# SHADOWDIFF_KIND_EXAMPLES=2000 for a long hunt; the committed default keeps `make test` fast.
KINDS = settings(
    max_examples=int(os.environ.get("SHADOWDIFF_KIND_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
UTC = dt.UTC
Render = Callable[[Any], Any]


def _assert_equal(legacy: Any, orm: Any) -> None:
    for a, b in ((legacy, orm), (orm, legacy)):
        result = compare({"v": a}, {"v": b})
        assert result.equal, (a, b, [d.to_wire() for d in result.differences])


def _assert_differs(legacy: Any, orm: Any) -> None:
    for a, b in ((legacy, orm), (orm, legacy)):
        result = compare({"v": a}, {"v": b})
        assert not result.equal, (a, b, result.normalized_wire())
        assert result.fields == ("v",), (a, b, [d.to_wire() for d in result.differences])


@st.composite
def _spelled(draw: st.DrawFn, values: st.SearchStrategy[Any], renders: list[Render]) -> tuple[Any, Any, Any]:
    """(value, one spelling, another spelling) of one drawn value."""
    value = draw(values)
    usable = [r for r in renders if r(value) is not None]
    first = draw(st.sampled_from(usable))
    second = draw(st.sampled_from(usable))
    return value, first(value), second(value)


# --- integers ---------------------------------------------------------------------------------------------

_INT64 = 2**63


def _int_renders() -> list[Render]:
    return [
        lambda n: n,  # a JSON integer (pg int4, mysql2, Prisma Int, every Python/Go/Java serializer)
        str,  # int8 as text (pg, mysql2 supportBigNumbers, Prisma BigInt's toString, Jackson BigInteger)
        lambda n: {"$numberLong": str(n)} if -_INT64 <= n < _INT64 else None,  # Extended JSON canonical
        lambda n: {"$numberInt": str(n)} if -(2**31) <= n < 2**31 else None,
        lambda n: {"Int64": n, "Valid": True} if -_INT64 <= n < _INT64 else None,  # Go sql.NullInt64
        lambda n: float(n) if abs(n) <= 2**53 else None,  # a JS number / Java double holding it exactly
    ]


_INTEGERS = st.one_of(
    st.integers(-(2**31), 2**31 - 1),
    st.integers(-_INT64, _INT64 - 1),
    st.integers(-(2**100), 2**100),
    st.sampled_from([0, 1, -1, 2**53 + 1, 2**63 - 1, -(2**63), 2**64]),
)


@KINDS
@given(_spelled(_INTEGERS, _int_renders()), st.sampled_from([1, -1]), st.data())
def test_integers(case: tuple[int, Any, Any], step: int, data: st.DataObject) -> None:
    value, a, b = case
    _assert_equal(a, b)
    other = value + step
    exact = [r for r in _int_renders()[:5] if r(other) is not None and r(value) is not None]
    render = data.draw(st.sampled_from(exact))
    _assert_differs(a if type(a) is not float else value, render(other))


# --- decimals (numeric/DECIMAL with a scale) ------------------------------------------------------------


def _decimal_renders(scale: int) -> list[Render]:
    def padded(d: Decimal) -> str:  # pg numeric, mysql2 DECIMAL, PyMySQL: the column's scale
        return format(d.quantize(Decimal(1).scaleb(-scale)), "f")

    def decimal_js(d: Decimal) -> str:  # Prisma's Decimal.toString: exponent past 1e21 or below 1e-7
        n = d.normalize()
        exponent = n.adjusted()
        if exponent >= 21 or exponent <= -7:
            digits = format(n, "e").replace("E", "e")
            mantissa, _, power = digits.partition("e")
            mantissa = mantissa.rstrip("0").rstrip(".") if "." in mantissa else mantissa
            return f"{mantissa}e{'+' if int(power) >= 0 else '-'}{abs(int(power))}"
        return format(n, "f")

    return [
        padded,
        decimal_js,
        lambda d: str(d.normalize()),  # Python str(Decimal), normalized: "1E+3", "1.5E-7"
        lambda d: str(d.quantize(Decimal(1).scaleb(-scale))),  # str(Decimal) as the driver reads it
        lambda d: float(d),  # a JSON number (Jackson BigDecimal, json_agg, relaxed Extended JSON)
        lambda d: {"$numberDecimal": str(d)},
    ]


@st.composite
def _decimals(draw: st.DrawFn) -> tuple[Decimal, int]:
    scale = draw(st.integers(0, 10))
    digits = draw(st.integers(1, 28))
    unscaled = draw(st.integers(-(10**digits) + 1, 10**digits - 1))
    return Decimal(unscaled).scaleb(-scale), scale


@KINDS
@given(_decimals(), st.data())
def test_decimals(case: tuple[Decimal, int], data: st.DataObject) -> None:
    value, scale = case
    renders = _decimal_renders(scale)
    a = data.draw(st.sampled_from(renders))(value)
    b = data.draw(st.sampled_from(renders))(value)
    _assert_equal(a, b)
    # one unit of the last place: exact spellings only (a JSON float compares within 1e-9)
    other = value + Decimal(1).scaleb(-scale)
    exact = renders[:4]
    _assert_differs(data.draw(st.sampled_from(exact))(value), data.draw(st.sampled_from(exact))(other))


# --- PostgreSQL money -------------------------------------------------------------------------------------


def _money_renders() -> list[Render]:
    def pg(cents: int) -> str:  # cash_out under lc_monetary C (and en_US): asyncpg, psycopg, node-pg, lib/pq
        units, rest = divmod(abs(cents), 100)
        return f"{'-' if cents < 0 else ''}${units:,}.{rest:02d}"

    def amount(cents: int) -> Decimal:
        return Decimal(cents).scaleb(-2)

    return [
        pg,
        lambda c: format(amount(c).normalize(), "f"),  # Prisma Decimal @db.Money, toString: "1234.5"
        lambda c: format(amount(c), "f"),  # money::numeric, as text: "1234.50"
        lambda c: float(amount(c)),  # a JSON number (json_agg of money::numeric, Jackson BigDecimal)
        lambda c: {"$numberDecimal": format(amount(c), "f")},  # MongoDB Decimal128
    ]


_CENTS = st.one_of(
    st.integers(-(10**8), 10**8), st.integers(-(2**63), 2**63 - 1), st.sampled_from([0, 1, -1])
)


@KINDS
@given(_spelled(_CENTS, _money_renders()), st.sampled_from([1, -1]), st.data())
def test_money(case: tuple[int, Any, Any], step: int, data: st.DataObject) -> None:
    value, a, b = case
    _assert_equal(a, b)
    exact = [r for i, r in enumerate(_money_renders()) if i != 3]  # (a JSON float compares within 1e-9)
    pg = _money_renders()[0](value)
    if -(2**63) <= value + step < 2**63:
        _assert_differs(pg, data.draw(st.sampled_from(exact))(value + step))  # one cent
    if value:
        _assert_differs(pg, data.draw(st.sampled_from(exact))(-value))  # the sign


# --- booleans --------------------------------------------------------------------------------------------


def _boolean_renders() -> list[Render]:
    return [
        lambda f: f,
        lambda f: int(f),  # MySQL TINYINT(1) (mysql2, PyMySQL, Go), SQLite
        lambda f: str(int(f)),  # PHP PDO MySQL before 8.1
        lambda f: "t" if f else "f",  # PostgreSQL text (Ruby pg without a type map, lib/pq bytes)
        lambda f: str(f),  # Python str(True)
        lambda f: "true" if f else "false",
        lambda f: {"type": "Buffer", "data": [int(f)]},  # mysql2 BIT(1)
        lambda f: "b'\\x01'" if f else "b'\\x00'",  # PyMySQL BIT(1), json.dumps(default=str)
        lambda f: "AQ==" if f else "AA==",  # Go []byte of BIT(1) (base64)
        lambda f: {"Bool": f, "Valid": True},  # Go sql.NullBool
    ]


def _flag(value: Any) -> bool:
    return type(value) is bool or (type(value) is dict and "Bool" in value)


@KINDS
@given(_spelled(st.booleans(), _boolean_renders()), st.data())
def test_booleans(case: tuple[bool, Any, Any], data: st.DataObject) -> None:
    value, a, b = case
    if not (_flag(a) or _flag(b)):
        # the rule reads a boolean against another spelling: one side is a boolean (every ORM reads the
        # column so); two drivers' spellings of it (0 against "f") are not one database's pair
        return
    _assert_equal(a, b)
    _assert_differs(a, data.draw(st.sampled_from(_boolean_renders()))(not value))


# --- UUIDs -------------------------------------------------------------------------------------------------


def _uuid_renders() -> list[Render]:
    return [
        str,  # pg, Prisma, Go google/uuid, Java UUID.toString
        lambda u: str(u).upper(),  # SQL Server uniqueidentifier
        lambda u: u.hex,  # SQLAlchemy Uuid on SQLite/MySQL CHAR(32)
        lambda u: u.hex.upper(),  # MySQL HEX() of BINARY(16)
        lambda u: "{" + str(u) + "}",
        lambda u: u.urn,
        lambda u: {"$uuid": str(u)},  # Extended JSON (parse shortcut)
        # Extended JSON canonical and relaxed output of a UUID: binary subtype 4
        lambda u: {"$binary": {"base64": base64.b64encode(u.bytes).decode(), "subType": "04"}},
        lambda u: {"$binary": base64.b64encode(u.bytes).decode(), "$type": "04"},  # legacy form
    ]


@KINDS
@given(_spelled(st.uuids(), _uuid_renders()), st.integers(0, 127), st.data())
def test_uuids(case: tuple[uuid.UUID, Any, Any], bit: int, data: st.DataObject) -> None:
    value, a, b = case
    _assert_equal(a, b)
    other = uuid.UUID(int=value.int ^ (1 << bit))
    _assert_differs(a, data.draw(st.sampled_from(_uuid_renders()))(other))


# --- bytes -----------------------------------------------------------------------------------------------


def _bytes_renders() -> list[Render]:
    return [
        lambda b: "\\x" + b.hex(),  # PostgreSQL bytea text (Ruby pg, psql, to_json)
        lambda b: {"type": "Buffer", "data": list(b)},  # node-postgres, mysql2: Buffer.toJSON
        lambda b: {str(i): x for i, x in enumerate(b)},  # Prisma 7 Bytes: a Uint8Array, JSON.stringify
        lambda b: str(b),  # asyncpg/psycopg/PyMySQL bytes through json.dumps(default=str)
        lambda b: {"$binary": {"base64": base64.b64encode(b).decode(), "subType": "00"}},
        lambda b: base64.b64encode(b).decode(),  # Go []byte, Jackson byte[] (unmarked)
    ]


def _marked(value: Any) -> bool:
    if isinstance(value, str):
        return value.startswith(("\\x", "b'", 'b"'))
    return bool(value)


@KINDS
@given(_spelled(st.binary(max_size=24), _bytes_renders()), st.data())
def test_bytes(case: tuple[bytes, Any, Any], data: st.DataObject) -> None:
    value, a, b = case
    if not (_marked(a) or _marked(b)):
        return  # base64 is read only against a marked spelling (README), {} is also the empty object
    _assert_equal(a, b)
    if value:
        index = data.draw(st.integers(0, len(value) - 1))
        other = bytearray(value)
        other[index] ^= 1 << data.draw(st.integers(0, 7))
        marked = _bytes_renders()[:5]
        _assert_differs(
            a if _marked(a) else {"type": "Buffer", "data": list(value)},
            data.draw(st.sampled_from(marked))(bytes(other)),
        )


# --- dates -----------------------------------------------------------------------------------------------


def _date_renders() -> list[Render]:
    return [
        lambda d: d.isoformat(),  # pg/mysql2 dateStrings/psycopg date, Jackson LocalDate (ISO)
        lambda d: f"{d.isoformat()}T00:00:00.000Z",  # Prisma DateTime @db.Date, node-pg Date in UTC
        lambda d: f"{d.isoformat()}T00:00:00Z",  # Go time.Time (RFC 3339), Extended JSON relaxed
        lambda d: f"{d.isoformat()} 00:00:00",  # MySQL DATETIME text
        lambda d: int(dt.datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp() * 1000),  # Jackson ms
        lambda d: {
            "$date": {
                "$numberLong": str(int(dt.datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp() * 1000))
            }
        },
        lambda d: {"date": f"{d.isoformat()} 00:00:00.000000", "timezone_type": 3, "timezone": "UTC"},
        lambda d: [d.year, d.month, d.day],  # Jackson LocalDate, WRITE_DATES_AS_TIMESTAMPS (its default)
    ]


@KINDS
@given(_spelled(st.dates(dt.date(1900, 1, 1), dt.date(2200, 1, 1)), _date_renders()), st.data())
def test_dates(case: tuple[dt.date, Any, Any], data: st.DataObject) -> None:
    value, a, b = case
    _assert_equal(a, b)
    _assert_differs(a, data.draw(st.sampled_from(_date_renders()))(value + dt.timedelta(days=1)))


# --- timestamps ------------------------------------------------------------------------------------------


def _trimmed(fraction: str) -> str:
    return fraction.rstrip("0")


def _offset_seconds(zone: dt.timezone) -> int:
    offset = zone.utcoffset(None)
    return int(offset.total_seconds())


def _timestamp_renders(zone: dt.timezone) -> list[Render]:
    def pg(m: dt.datetime) -> str:  # PostgreSQL text in the session zone: "+02", "+05:30", "+00:19:32"
        local = m.astimezone(zone)
        offset = _offset_seconds(zone)
        hours, rest = divmod(abs(offset), 3600)
        minutes, seconds = divmod(rest, 60)
        text = f"{'-' if offset < 0 else '+'}{hours:02d}"
        if minutes or seconds:
            text += f":{minutes:02d}" + (f":{seconds:02d}" if seconds else "")
        frac = _trimmed(f"{local.microsecond:06d}")
        return local.strftime("%Y-%m-%d %H:%M:%S") + (f".{frac}" if frac else "") + text

    def go(m: dt.datetime) -> str | None:  # Go time.Time MarshalJSON: RFC 3339 with trailing zeros trimmed
        if _offset_seconds(zone) % 60:
            return None  # (RFC 3339 has no offset seconds: Go cuts a local mean time offset short)
        local = m.astimezone(zone)
        frac = _trimmed(f"{local.microsecond:06d}")
        offset = "Z" if zone is UTC else local.isoformat()[-6:]
        return local.strftime("%Y-%m-%dT%H:%M:%S") + (f".{frac}" if frac else "") + offset

    return [
        pg,
        go,
        lambda m: m.astimezone(zone).isoformat(),  # Python datetime.isoformat (no fraction when 0 us)
        lambda m: str(m.astimezone(zone)),  # json.dumps(default=str)
        lambda m: m.strftime("%Y-%m-%dT%H:%M:%S.") + f"{m.microsecond // 1000:03d}Z",  # JS toISOString
        lambda m: m.strftime("%Y-%m-%d %H:%M:%S.%f"),  # MySQL DATETIME(6) text, naive (read as UTC)
        lambda m: {"$date": m.strftime("%Y-%m-%dT%H:%M:%S.") + f"{m.microsecond // 1000:03d}Z"},
        lambda m: m.timestamp(),  # Python time.time()-style float seconds; Jackson Instant decimal seconds
        lambda m: int(m.timestamp()) * 1000 + m.microsecond // 1000 if m.microsecond % 1000 == 0 else None,
        lambda m: (
            None
            if _offset_seconds(zone) % 60
            else {  # PHP DateTime json_encode (no offset seconds)
                "date": m.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S.%f"),
                "timezone_type": 1,
                "timezone": m.astimezone(zone).isoformat()[-6:] if zone is not UTC else "+00:00",
            }
        ),
        lambda m: {"Time": go(m), "Valid": True} if go(m) is not None else None,  # Go sql.NullTime
        _jackson_local_date_time,  # Jackson LocalDateTime (UTC wall clock), WRITE_DATES_AS_TIMESTAMPS
        lambda m: m.strftime("%Y-%m-%dT%H:%M") if m.second == 0 and m.microsecond == 0 else None,  # toString
    ]


def _jackson_clock(t: dt.time | dt.datetime) -> list[int]:
    """Jackson's LocalTimeSerializer / LocalDateTimeSerializer (jackson-modules-java8): hour, minute,
    then the second only when it or the nanosecond is not 0, then the nanosecond only when not 0."""
    parts = [t.hour, t.minute]
    if t.second or t.microsecond:
        parts.append(t.second)
        if t.microsecond:
            parts.append(t.microsecond * 1000)
    return parts


def _jackson_local_date_time(m: dt.datetime) -> list[int]:
    utc = m.astimezone(UTC)
    return [utc.year, utc.month, utc.day, *_jackson_clock(utc)]


def _java_local_time(t: dt.time) -> str:
    """Java's LocalTime.toString: HH:mm, then :ss unless second and nano are 0, then the fraction in
    groups of three digits (.SSS, .SSSSSS, .SSSSSSSSS) as few as hold the nanosecond."""
    text = t.strftime("%H:%M")
    if t.second or t.microsecond:
        text += t.strftime(":%S")
        if t.microsecond:
            text += f".{t.microsecond // 1000:03d}" if t.microsecond % 1000 == 0 else f".{t.microsecond:06d}"
    return text


_ZONES = st.sampled_from(
    [
        UTC,
        dt.timezone(dt.timedelta(hours=2)),
        dt.timezone(dt.timedelta(hours=-3)),
        dt.timezone(dt.timedelta(hours=5, minutes=30)),
        dt.timezone(dt.timedelta(minutes=19, seconds=32)),  # Amsterdam's local mean time before 1937
    ]
)
_MOMENTS = st.datetimes(dt.datetime(1971, 1, 1), dt.datetime(2100, 1, 1), timezones=st.just(UTC))


@KINDS
@given(_MOMENTS, _ZONES, st.sampled_from([0, 0, 3, 6]), st.data())
def test_timestamps(moment: dt.datetime, zone: dt.timezone, digits: int, data: st.DataObject) -> None:
    step = 10 ** (6 - digits)
    moment = moment.replace(microsecond=moment.microsecond // step * step)
    renders = _timestamp_renders(zone)
    usable = [r for r in renders if r(moment) is not None]
    a = data.draw(st.sampled_from(usable))(moment)
    texts = [r for r in usable if not isinstance(r(moment), int | float)]  # (two epochs: no unit to read)
    b = data.draw(st.sampled_from(usable if not isinstance(a, int | float) else texts))(moment)
    _assert_equal(a, b)
    # one second later in any spelling differs (every spelling holds seconds)
    later = moment + dt.timedelta(seconds=1)
    b = data.draw(st.sampled_from([r for r in (usable if not isinstance(a, int | float) else texts)]))(later)
    _assert_differs(a, b)


# --- times of day ----------------------------------------------------------------------------------------


def _clock_renders() -> list[Render]:
    return [
        lambda t: t.isoformat(),  # pg/mysql2 TIME text, psycopg time.isoformat, Jackson LocalTime
        lambda t: t.strftime("%H:%M:%S"),  # java.sql.Time.toString (Jackson), whole seconds
        lambda t: f"1970-01-01T{t.strftime('%H:%M:%S')}.{t.microsecond // 1000:03d}Z",  # Prisma, tedious
        lambda t: f"2000-01-01T{t.isoformat()}Z",  # Rails (ActiveRecord time columns)
        lambda t: f"0000-01-01T{t.isoformat()}Z",  # Go lib/pq time: time.Parse("15:04:05") is year 0
        _java_local_time,  # Java LocalTime.toString: "14:15" at a whole minute
        _jackson_clock,  # Jackson LocalTime, WRITE_DATES_AS_TIMESTAMPS: [14, 15], [14, 15, 10, 500000000]
    ]


@KINDS
@given(st.times(), st.data())
def test_times_of_day(clock: dt.time, data: st.DataObject) -> None:
    renders = _clock_renders()
    a = data.draw(st.sampled_from(renders))(clock)
    b = data.draw(st.sampled_from(renders))(clock)
    _assert_equal(a, b)
    moment = dt.datetime.combine(dt.date(2000, 1, 1), clock) + dt.timedelta(seconds=1)
    if moment.date() == dt.date(2000, 1, 1):
        _assert_differs(a, data.draw(st.sampled_from(renders))(moment.time()))
    # one microsecond later, in the spellings that then print six digits or more (Jackson's array: nine,
    # always; a shorter print is compared at its coarser precision, SPEC section 2)
    if clock.microsecond % 1000 and clock.microsecond < 999_999:
        finer = [renders[i] for i in (0, 3, 4, 5, 6)]
        later = clock.replace(microsecond=clock.microsecond + 1)
        _assert_differs(data.draw(st.sampled_from(finer))(clock), data.draw(st.sampled_from(finer))(later))


@KINDS
@given(st.times(), st.sampled_from(["minute", "second"]), st.integers(1, 999_999), st.data())
def test_clocks_that_leave_parts_out_are_exact(
    clock: dt.time, whole: str, micros: int, data: st.DataObject
) -> None:
    """Java leaves the seconds (toString, Jackson's arrays) and the nanosecond (Jackson's arrays) out
    only when they are zero, so what is left out is exactly zero: never the coarser precision of a
    shorter print. A date-time and a time of day, against the same clock a few microseconds later."""
    clock = clock.replace(second=0 if whole == "minute" else clock.second, microsecond=0)
    later = clock.replace(microsecond=micros)
    # (toString with seconds, "14:15:10", is also every driver's whole-second print: coarser precision)
    exact = data.draw(
        st.sampled_from([_java_local_time, _jackson_clock] if whole == "minute" else [_jackson_clock])
    )(clock)
    _assert_differs(exact, data.draw(st.sampled_from(_clock_renders()[:1] + _clock_renders()[3:]))(later))
    day = dt.datetime.combine(dt.date(2025, 6, 30), clock, tzinfo=UTC)
    spelled = data.draw(st.sampled_from([_jackson_local_date_time, lambda m: m.strftime("%Y-%m-%dT%H:%M")]))
    if whole == "minute" or spelled is _jackson_local_date_time:
        _assert_differs(spelled(day), day.replace(microsecond=micros).isoformat())


# --- intervals -------------------------------------------------------------------------------------------


@st.composite
def _intervals(draw: st.DrawFn) -> tuple[int, int, int]:
    """(days, seconds, microseconds) of a non-negative interval without months."""
    return draw(st.integers(0, 400)), draw(st.integers(0, 86_399)), draw(st.integers(0, 999_999))


def _interval_renders() -> list[Render]:
    def clock(seconds: int, micros: int) -> str:
        h, rest = divmod(seconds, 3600)
        m, s = divmod(rest, 60)
        frac = _trimmed(f"{micros:06d}")
        return f"{h:02d}:{m:02d}:{s:02d}" + (f".{frac}" if frac else "")

    def pg(v: tuple[int, int, int]) -> str:  # PostgreSQL intervalstyle postgres
        days, seconds, micros = v
        head = f"{days} day{'s' if days != 1 else ''} " if days else ""
        return head + clock(seconds, micros) if (seconds or micros or not days) else head.strip()

    def node_pg(v: tuple[int, int, int]) -> dict[str, Any]:  # postgres-interval: zero parts left out
        days, seconds, micros = v
        h, rest = divmod(seconds, 3600)
        m, s = divmod(rest, 60)
        parts = {"days": days, "hours": h, "minutes": m, "seconds": s, "milliseconds": micros / 1000}
        return {k: x for k, x in parts.items() if x}

    def iso(v: tuple[int, int, int]) -> str:  # Java Duration.toString / pg intervalstyle iso_8601
        days, seconds, micros = v
        h, rest = divmod(seconds + days * 86_400, 3600)
        m, s = divmod(rest, 60)
        frac = _trimmed(f"{micros:06d}")
        body = (f"{h}H" if h else "") + (f"{m}M" if m else "")
        if s or frac or not body:
            body += f"{s}" + (f".{frac}" if frac else "") + "S"
        return "PT" + body

    return [
        pg,
        node_pg,
        iso,
        lambda v: str(dt.timedelta(days=v[0], seconds=v[1], microseconds=v[2])),  # str(timedelta)
        lambda v: dt.timedelta(days=v[0], seconds=v[1], microseconds=v[2]).total_seconds(),  # seconds
    ]


@KINDS
@given(_intervals(), st.data())
def test_intervals(value: tuple[int, int, int], data: st.DataObject) -> None:
    renders = _interval_renders()
    a = data.draw(st.sampled_from(renders))(value)
    others = renders if type(a) is not float else renders[:-1]  # (two numbers: no unit to read)
    b = data.draw(st.sampled_from(others))(value)
    _assert_equal(a, b)
    days, seconds, micros = value
    other = (days, seconds + 1, micros) if seconds < 86_399 else (days + 1, seconds, micros)
    _assert_differs(a, data.draw(st.sampled_from(others))(other))


def _negative_interval_renders() -> list[Render]:
    """A negative interval without months: (days, seconds, microseconds), each part <= 0."""

    def parts(v: tuple[int, int, int]) -> tuple[int, int, int, int, int]:
        days, seconds, micros = v
        h, rest = divmod(-seconds, 3600)
        m, s = divmod(rest, 60)
        return -days, h, m, s, -micros

    def pg(v: tuple[int, int, int]) -> str:  # PostgreSQL: "-3 days -02:00:00.5"
        days, h, m, s, micros = parts(v)
        frac = _trimmed(f"{micros:06d}")
        head = f"-{days} day{'s' if days != 1 else ''}" if days else ""
        if not (h or m or s or micros):
            return head or "00:00:00"
        clock = f"-{h:02d}:{m:02d}:{s:02d}" + (f".{frac}" if frac else "")
        return f"{head} {clock}".strip()

    def java(v: tuple[int, int, int]) -> str:  # Java Duration.toString: every part negative
        days, h, m, s, micros = parts(v)
        hours = h + days * 24
        frac = _trimmed(f"{micros:06d}")
        body = (f"-{hours}H" if hours else "") + (f"-{m}M" if m else "")
        if s or frac or not body:
            body += (f"-{s}" if s or frac else "0") + (f".{frac}" if frac else "") + "S"
        return "PT" + body

    def iso_pg(v: tuple[int, int, int]) -> str:  # PostgreSQL intervalstyle iso_8601
        days, h, m, s, micros = parts(v)
        frac = _trimmed(f"{micros:06d}")
        time = (f"-{h}H" if h else "") + (f"-{m}M" if m else "")
        if s or frac:
            time += f"-{s}" + (f".{frac}" if frac else "") + "S"
        return "P" + (f"-{days}D" if days else "") + (f"T{time}" if time else "") if days or time else "PT0S"

    def node_pg(v: tuple[int, int, int]) -> dict[str, Any]:  # postgres-interval: negative parts
        days, h, m, s, micros = parts(v)
        found = {"days": -days, "hours": -h, "minutes": -m, "seconds": -s, "milliseconds": -micros / 1000}
        return {k: x for k, x in found.items() if x}

    return [
        pg,
        java,
        iso_pg,
        node_pg,
        lambda v: str(dt.timedelta(days=v[0], seconds=v[1], microseconds=v[2])),  # "-1 day, 23:59:59"
        lambda v: dt.timedelta(days=v[0], seconds=v[1], microseconds=v[2]).total_seconds(),
    ]


@KINDS
@given(_intervals(), st.data())
def test_negative_intervals(value: tuple[int, int, int], data: st.DataObject) -> None:
    negative = (-value[0], -value[1], -value[2])
    renders = _negative_interval_renders()
    a = data.draw(st.sampled_from(renders))(negative)
    others = renders if type(a) is not float else renders[:-1]
    b = data.draw(st.sampled_from(others))(negative)
    _assert_equal(a, b)
    days, seconds, micros = value
    other = (-days, -seconds - 1, -micros) if seconds < 86_399 else (-days - 1, -seconds, -micros)
    _assert_differs(a, data.draw(st.sampled_from(others))(other))


# --- JSON ------------------------------------------------------------------------------------------------

_JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(2**63), 2**63 - 1), st.text(max_size=6)),
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.text(max_size=4), children, max_size=3)
    ),
    max_leaves=8,
)


def _json_text_renders() -> list[Render]:
    return [
        lambda v: v,
        lambda v: orjson.dumps(v).decode(),  # compact (Go, orjson, MySQL JSON via PyMySQL)
        lambda v: json.dumps(v),  # Python json: ", " and ": ", \\u escapes
        lambda v: json.dumps(v, ensure_ascii=False, indent=2),
        lambda v: json.dumps(v, sort_keys=True),  # jsonb reorders keys
    ]


@KINDS
@given(
    st.one_of(st.lists(_JSON, max_size=3), st.dictionaries(st.text(max_size=4), _JSON, max_size=3)), st.data()
)
def test_json_text(value: Any, data: st.DataObject) -> None:
    renders = _json_text_renders()
    a = data.draw(st.sampled_from(renders))(value)
    b = data.draw(st.sampled_from(renders))(value)
    _assert_equal(a, b)
    other = [value, None] if type(value) is list else {**value, "\u2603": 1}
    _assert_differs(a, data.draw(st.sampled_from(renders))(other))


# --- arrays in text ----------------------------------------------------------------------------------------


def _pg_element(text: str | None) -> str:
    """One element as PostgreSQL's array_out writes it: quoted when empty, NULL, or holding a brace,
    comma, quote, backslash or white space; backslash and quote escaped inside."""
    if text is None:
        return "NULL"
    if text == "" or text.upper() == "NULL" or any(c in text for c in '{},"\\ \t\n\r\v\f'):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


@KINDS
@given(st.lists(st.one_of(st.none(), st.text(max_size=5)), max_size=5), st.data())
def test_text_arrays(items: list[str | None], data: st.DataObject) -> None:
    literal = "{" + ",".join(map(_pg_element, items)) + "}"
    _assert_equal(literal, items)
    if items:
        index = data.draw(st.integers(0, len(items) - 1))
        changed = list(items)
        changed[index] = (changed[index] or "") + "x"
        _assert_differs(literal, changed)
