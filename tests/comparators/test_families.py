"""One property test per representation family: every accelerator agrees with its family's reference.

An accelerator (a column check, the ``orjson.dumps`` shortcut, an instant pattern) may only say
"equal" where the reference function says so. Each property draws columns (or pairs) that mix
re-spelled equal values with near misses (one digit, one byte, one second, a case change), asks the
accelerator, and whenever it says equal, checks the reference says equal for every pair. Each family
also has one fixed case the accelerator must accept, so a check that never says "equal" fails too.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import ROUND_HALF_EVEN, Context, Decimal
from fractions import Fraction
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comparators.booleans import boolean_column, boolean_rules
from comparators.equal import same_json, value_rules
from comparators.instants import (
    dates_at_midnight_column,
    epoch_column,
    epoch_quick,
    epoch_rules,
    instant_texts_rules,
    same_day_instant_column,
    same_instant_text,
    same_utc_instant,
    time_of_day_column,
    time_of_day_equal,
    time_of_day_quick,
)
from comparators.json_text import json_of_text, json_text_column, json_text_is, may_hold_long_integer
from comparators.numbers import (
    bigint_text_column,
    decimal_text_column,
    float32_column,
    float32_equal,
    float32_quick,
    number_of_text,
    number_rules,
    shortest_float32_text,
    six_digit_print,
    to_float32,
)
from comparators.spec import DEFAULT_SPEC
from comparators.text_arrays import array_text_rules, set_text_column
from comparators.uuids import uuid_column, uuid_rules, uuids_equal

FAMILY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
UTC = dt.UTC


def _reference(a: Any, b: Any) -> bool:
    return value_rules(a, b, DEFAULT_SPEC) >= 0


def _columns(pairs: list[tuple[Any, Any]]) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    return tuple(a for a, _ in pairs), tuple(b for _, b in pairs)


# --- numbers ----------------------------------------------------------------------------------------


@st.composite
def _bigint_pairs(draw: st.DrawFn) -> tuple[Any, Any]:
    value = draw(st.integers(-(2**63), 2**63 - 1))
    text = draw(
        st.sampled_from([str(value), str(value + 1), "0" + str(abs(value)), f"{value}.0", f"+{value}"])
    )
    return text, value


@st.composite
def _decimal_pairs(draw: st.DrawFn) -> tuple[Any, Any]:
    value = draw(
        st.decimals(min_value=-(10**9), max_value=10**9, places=draw(st.integers(0, 4)), allow_nan=False)
    )
    text = draw(
        st.sampled_from(
            [format(value, "f"), format(value, "f") + "0", format(value, "e"), "-0" + format(abs(value), "f")]
        )
    )
    return text, float(value) + draw(st.sampled_from([0.0, 0.0, 1e-6]))


@st.composite
def _float32_pairs(draw: st.DrawFn) -> tuple[Any, Any]:
    """A short decimal with 1-8 digits and its float32, the float32 maybe nudged off its value."""
    short = float(f"{draw(st.floats(-1e6, 1e6, allow_nan=False, width=32)):.{draw(st.integers(1, 8))}g}")
    wide = to_float32(short) or 0.0
    nudge = draw(st.sampled_from([0.0, 0.0, 1e-7, -2e-7]))
    return (short, wide + nudge) if draw(st.booleans()) else (wide + nudge, short)


_FLOAT32_VALUES = st.floats(allow_nan=False, allow_infinity=False, width=32, allow_subnormal=False)


@st.composite
def _float32_print_pairs(draw: st.DrawFn) -> tuple[Any, Any]:
    """A float32 value against what MariaDB's text protocol prints for it (six significant digits), or a
    near miss: five or seven digits, the print of the next float32, the value a double step away."""
    wide = draw(_FLOAT32_VALUES)
    step = math.ldexp(1.0, math.frexp(wide)[1] - 24) if wide else 0.0
    printed = draw(st.sampled_from([wide, wide, wide, wide + step, wide - step]))
    short = float(f"{printed:.{draw(st.sampled_from([6, 6, 6, 5, 7]))}g}")
    wide = draw(st.sampled_from([wide, wide, wide, math.nextafter(wide, math.inf)]))
    return (short, wide) if draw(st.booleans()) else (wide, short)


def _float32_rule(a: float, b: float) -> bool:
    """SPEC's float32 rule and the six-digit print, stated from first principles: one side a float32
    value (zero or normal) and the other its shortest decimal, or its value rounded half to even to six
    significant digits (Decimal arithmetic on the exact value, no formatting shared with the engine)
    when all six digits remain and the value is no integer or short binary fraction below 2**24."""
    for wide, short in ((a, b), (b, a)):
        if to_float32(wide) != wide or (wide != 0.0 and abs(wide) < 2.0**-126):
            continue
        shortest = shortest_float32_text(wide)
        if shortest is not None and float(shortest) == short:
            return True
        # The print stands only for a float32 value with more than four binary fraction digits, or one
        # of 2**24 or more: what a DOUBLE holds exactly as well (an integer, a quarter) it does not.
        if Fraction(wide).denominator <= 16 and abs(wide) < 2**24:
            continue
        rounded = Context(prec=6, rounding=ROUND_HALF_EVEN).plus(Decimal(wide)).normalize()
        if len(rounded.as_tuple().digits) == 6 and rounded == Decimal(repr(short)):
            return True
    return False


_FLOAT32_PAIRS = st.one_of(_float32_pairs(), _float32_print_pairs())


@FAMILY
@given(st.lists(_bigint_pairs(), min_size=1, max_size=12))
def test_numbers_bigint_column_agrees_with_the_reference(pairs: list[tuple[Any, Any]]) -> None:
    texts, ints = _columns(pairs)
    if bigint_text_column(texts, ints) >= 0:
        assert all(_reference(a, b) and number_rules(number_of_text(a) or 0, b, 1e-9) >= 0 for a, b in pairs)


@FAMILY
@given(st.lists(_decimal_pairs(), min_size=1, max_size=12))
def test_numbers_decimal_column_agrees_with_the_reference(pairs: list[tuple[Any, Any]]) -> None:
    texts, floats = _columns(pairs)
    if decimal_text_column(texts, floats) >= 0:
        assert all(_reference(a, b) for a, b in pairs)


@FAMILY
@given(_FLOAT32_PAIRS)
def test_numbers_float32_reference_is_the_rule(pair: tuple[float, float]) -> None:
    a, b = pair
    assert float32_equal(a, b) is _float32_rule(a, b)


@FAMILY
@given(_FLOAT32_PAIRS)
def test_numbers_float32_arithmetic_shortcut_agrees_with_the_reference(pair: tuple[float, float]) -> None:
    a, b = pair
    for wide, short in ((a, b), (b, a)):
        quick = float32_quick(wide, short)
        if quick is not None:
            assert quick is _float32_rule(wide, short)


@FAMILY
@given(st.lists(_FLOAT32_PAIRS, min_size=1, max_size=12))
def test_numbers_float32_column_agrees_with_the_reference(pairs: list[tuple[Any, Any]]) -> None:
    left, right = _columns(pairs)
    if float32_column(left, right) >= 0:
        assert all(_reference(a, b) and _float32_rule(a, b) for a, b in pairs if a != b)


@FAMILY
@given(_FLOAT32_VALUES)
def test_numbers_six_digit_print_rounds_the_exact_value_half_to_even(value: float) -> None:
    rounded = Context(prec=6, rounding=ROUND_HALF_EVEN).plus(Decimal(value)).normalize()
    printed = six_digit_print(value)
    if len(rounded.as_tuple().digits) == 6:
        assert printed is not None and Decimal(printed) == rounded
    else:
        assert printed is None


def test_numbers_accelerators_accept_their_usual_columns() -> None:
    assert bigint_text_column(("1", "-20"), (1, -20)) >= 0
    assert decimal_text_column(("12.50", "3"), (12.5, 3.0)) >= 0
    assert float32_column((0.7, 0.1), (0.699999988079071, 0.10000000149011612)) >= 0


def test_numbers_float32_column_refuses_a_decimal_that_underflows_to_zero() -> None:
    assert float32_column((0.7, 5e-324), (0.699999988079071, 0.0)) < 0


def test_numbers_float32_column_accepts_a_text_protocol_column() -> None:
    printed = (0.123457, 3.40282e38, 0.7, 16777200.0, 0.0, -1234.57)
    widened = (
        0.12345670163631439,
        3.4028234663852886e38,
        0.699999988079071,
        16777216.0,
        0.0,
        -1234.56787109375,
    )
    assert float32_column(printed, widened) >= 0
    assert float32_column(widened, printed) >= 0


def test_numbers_float32_column_refuses_a_short_print_of_another_float32() -> None:
    assert float32_column((0.123457, 0.7), (0.12345670163631439, 0.7000000476837158)) < 0


@pytest.mark.parametrize(
    ("value", "narrowed"),
    [
        (0.7, 0.699999988079071),
        (3.4028235e38, 3.4028234663852886e38),  # above the largest float32, but rounds down to it
        (1e39, None),
        (-1e300, None),
    ],
)
def test_numbers_to_float32_is_none_beyond_float32s_range(value: float, narrowed: float | None) -> None:
    assert to_float32(value) == narrowed


# --- booleans ---------------------------------------------------------------------------------------


@FAMILY
@given(st.lists(st.tuples(st.booleans(), st.sampled_from([0, 1, 2, -1, 0, 1])), min_size=1, max_size=12))
def test_booleans_column_agrees_with_the_reference(pairs: list[tuple[bool, int]]) -> None:
    flags, numbers = _columns(pairs)
    if boolean_column(flags, numbers) >= 0:
        assert all(boolean_rules(a, b) >= 0 and _reference(a, b) for a, b in pairs)
    assert boolean_column((True, False), (1, 0)) >= 0


@FAMILY
@given(st.tuples(st.booleans(), st.sampled_from([1, 1.0, True, "1", "t", 1])))
def test_booleans_same_json_never_equals_true_and_1(pair: tuple[Any, Any]) -> None:
    a, b = pair
    if same_json(a, b):
        assert type(a) is type(b) and a == b


# --- instants and times of day -------------------------------------------------------------------------

_MOMENTS = st.datetimes(
    min_value=dt.datetime(1960, 1, 1), max_value=dt.datetime(2100, 1, 1), timezones=st.just(UTC)
)


@st.composite
def _instant_pairs(draw: st.DrawFn) -> tuple[str, str]:
    moment = draw(_MOMENTS)
    shift = draw(
        st.sampled_from(
            [dt.timedelta(0), dt.timedelta(0), dt.timedelta(seconds=1), dt.timedelta(microseconds=1000)]
        )
    )
    other = moment + shift
    if draw(st.integers(0, 3)) == 0:  # no seconds (Java's LocalDateTime.toString): that minute exactly
        if draw(st.booleans()):
            moment = moment.replace(second=0, microsecond=0)
            other = moment + shift
        legacy = moment.strftime("%Y-%m-%d %H:%M")
    else:
        legacy = moment.strftime("%Y-%m-%d %H:%M:%S") + draw(
            st.sampled_from(["", f".{moment.microsecond:06d}"])
        )
    legacy += draw(st.sampled_from(["+00", "Z", "+00:00", "", "+02"]))
    orm = (
        other.strftime("%Y-%m-%dT%H:%M:%S.")
        + f"{other.microsecond // 1000:03d}"
        + draw(st.sampled_from(["Z", "+0000", "z"]))
    )
    return legacy, orm


@FAMILY
@given(st.lists(_instant_pairs(), min_size=1, max_size=10))
def test_instants_pattern_column_and_pair_checks_agree_with_the_reference(
    pairs: list[tuple[str, str]],
) -> None:
    legacy, orm = _columns(pairs)
    if same_day_instant_column(legacy, orm) >= 0:
        assert all(instant_texts_rules(a, b, UTC, None) >= 0 for a, b in pairs)
    for a, b in pairs:
        reference = instant_texts_rules(a, b, UTC, None) >= 0
        if same_utc_instant(a, b):
            assert reference
        quick = same_instant_text(a, b, None, True)
        if quick is not None:
            assert quick is reference


@FAMILY
@given(
    st.lists(
        st.tuples(st.dates(dt.date(1960, 1, 1), dt.date(2100, 1, 1)), st.sampled_from([0, 0, 1])),
        min_size=1,
        max_size=10,
    ),
    st.sampled_from(["T00:00:00.000Z", " 00:00:00+00", "T00:00:00"]),
)
def test_instants_dates_at_midnight_column_agrees_with_the_reference(
    days: list[tuple[dt.date, int]], midnight: str
) -> None:
    dates = tuple(d.isoformat() for d, _ in days)
    instants = tuple((d + dt.timedelta(days=shift)).isoformat() + midnight for d, shift in days)
    if dates_at_midnight_column(dates, instants) >= 0:
        assert all(instant_texts_rules(a, b, UTC, None) >= 0 for a, b in zip(dates, instants, strict=True))


@st.composite
def _epoch_pairs(draw: st.DrawFn) -> tuple[int, str]:
    moment = draw(_MOMENTS)
    unit = draw(st.sampled_from([1, 1000, 1_000_000]))
    ticks = (moment - dt.datetime(1970, 1, 1, tzinfo=UTC)) // dt.timedelta(microseconds=1_000_000 // unit)
    ticks += draw(st.sampled_from([0, 0, 1, -1]))
    text = (
        moment.strftime("%Y-%m-%dT%H:%M:%S")
        + draw(st.sampled_from(["", f".{moment.microsecond:06d}", f".{moment.microsecond // 1000:03d}"]))
        + draw(st.sampled_from(["Z", "+00:00"]))
    )
    return ticks, text


@FAMILY
@given(st.lists(_epoch_pairs(), min_size=1, max_size=10))
def test_instants_epoch_column_agrees_with_the_reference(pairs: list[tuple[int, str]]) -> None:
    numbers, texts = _columns(pairs)
    if epoch_column(numbers, texts) >= 0:
        assert all(epoch_rules(n, t, UTC, None) >= 0 and _reference(n, t) for n, t in pairs)
    for n, t in pairs:
        quick = epoch_quick(n, t)
        if quick is not None:
            assert quick is (epoch_rules(n, t, UTC, None) >= 0)
    assert epoch_column((1735689600000,), ("2025-01-01T00:00:00.000Z",)) >= 0
    assert epoch_quick(1735689600000, "2025-01-01T00:00:00.000Z") is True


@st.composite
def _clock_pairs(draw: st.DrawFn) -> tuple[str, str]:
    moment = draw(st.datetimes(dt.datetime(1970, 1, 1), dt.datetime(1970, 1, 1, 23, 59, 59)))
    clock = moment.strftime("%H:%M:%S") + draw(st.sampled_from(["", f".{moment.microsecond:06d}"]))
    day = draw(st.sampled_from(["1970-01-01", "2000-01-01", "1970-01-02"]))
    other = moment + draw(st.sampled_from([dt.timedelta(0), dt.timedelta(0), dt.timedelta(seconds=1)]))
    tail = draw(st.sampled_from([f".{other.microsecond // 1000:03d}Z", "Z", "+00:00", ".5+01:00", "Zx"]))
    return clock, f"{day}T{other.strftime('%H:%M:%S')}{tail}"


@FAMILY
@given(st.lists(_clock_pairs(), min_size=1, max_size=10))
def test_times_of_day_column_agrees_with_the_reference(pairs: list[tuple[str, str]]) -> None:
    times, instants = _columns(pairs)
    if time_of_day_column(times, instants) >= 0:
        assert all(time_of_day_equal(t, i, UTC, None) and _reference(t, i) for t, i in pairs)
    for t, i in pairs:
        if time_of_day_quick(t, i):
            assert time_of_day_equal(t, i, UTC, None)
    assert time_of_day_column(("14:15:00",), ("1970-01-01T14:15:00.000Z",)) >= 0


# --- UUIDs ------------------------------------------------------------------------------------------


@FAMILY
@given(st.lists(st.tuples(st.uuids(), st.sampled_from(["upper", "same", "other"])), min_size=1, max_size=10))
def test_uuids_column_and_pair_check_agree_with_the_reference(draws: list[tuple[Any, str]]) -> None:
    pairs = []
    for value, how in draws:
        text = str(value)
        pairs.append((text.upper() if how == "upper" else text, text if how != "other" else text[:-1] + "x"))
    legacy, orm = _columns(pairs)
    if uuid_column(legacy, orm) >= 0:
        assert all(uuid_rules(a, b) >= 0 for a, b in pairs)
    for a, b in pairs:
        if uuids_equal(a, b):
            assert uuid_rules(a, b) >= 0


# --- JSON text ----------------------------------------------------------------------------------------

_json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.text(max_size=3)),
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.text(max_size=2), children, max_size=3)
    ),
    max_leaves=6,
)


@FAMILY
@given(
    st.lists(
        st.tuples(
            st.one_of(
                st.lists(_json_values, max_size=2),
                st.dictionaries(st.text(max_size=2), _json_values, max_size=2),
            ),
            st.booleans(),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_json_text_column_and_shortcut_agree_with_the_reference(draws: list[tuple[Any, bool]]) -> None:
    pairs = []
    for value, same in draws:
        text = orjson.dumps(value).decode()
        pairs.append((text if same else text.replace("1", "2"), value))
    texts, values = _columns(pairs)
    if json_text_column(texts, values) >= 0:
        assert all(_reference(t, v) for t, v in pairs)
    for t, v in pairs:
        if json_text_is(t, v):
            parsed = json_of_text(t)
            assert parsed is not None and _reference(parsed, v) and _reference(t, v)


# --- text arrays ----------------------------------------------------------------------------------------


@FAMILY
@given(
    st.lists(st.lists(st.text(alphabet="ab,{}[ ", max_size=3), max_size=3), min_size=1, max_size=8),
    st.booleans(),
)
def test_set_text_column_agrees_with_the_reference(arrays: list[list[str]], joined: bool) -> None:
    texts = tuple(",".join(a) if joined else ";".join(a) for a in arrays)
    if set_text_column(texts, tuple(arrays)) >= 0:
        assert all(
            array_text_rules(t, a, lambda x, y: value_rules(x, y, DEFAULT_SPEC)) >= 0
            for t, a in zip(texts, arrays, strict=True)
        )
    assert set_text_column(("beta,internal", ""), (["beta", "internal"], [])) >= 0


# --- the orjson.dumps shortcut (every family) -------------------------------------------------------------


@FAMILY
@given(_json_values, _json_values)
def test_the_same_json_shortcut_only_says_equal_where_the_rules_do(a: Any, b: Any) -> None:
    for left, right in ((a, b), (a, a)):
        if same_json(left, right):
            assert _reference(left, right)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet='0123456789-. "[]{}:,e\u00e9\ud800', max_size=60))
def test_the_long_integer_scan_agrees_with_its_pattern(text: str) -> None:
    assert may_hold_long_integer(text) == (re.search(r"[0-9]{20}|-[0-9]{19}", text) is not None)
