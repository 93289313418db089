"""SPEC section 2's rules at the edges of each spelling: one parametrized row per pair.

Where the rule reads a value and where it stops: a number beyond a float's range, a float32 that is
subnormal, a date that does not exist, a naive time in a zone before year 1, an interval whose
minutes run past 59, a UUID with some of its hyphens. ``EQUAL`` pairs must compare equal and name
the rule that absorbed the field; ``DIFFER`` pairs must stay a difference at that field.
"""

from __future__ import annotations

from typing import Any

import pytest

from comparators import Spec, compare

UUID = "550e8400-e29b-41d4-a716-446655440000"

# (legacy, orm, spec or None, the rules the answer names for field v)
EQUAL: list[Any] = [
    # --- numbers -------------------------------------------------------------------------------------
    pytest.param(
        1.0, 1.0000000000001, {"strict_types": True}, ["number"], id="strict types keep the tolerance"
    ),
    pytest.param(1, 1.0000000000001, {"strict_types": True}, ["number"], id="strict int against a float"),
    # --- instants ------------------------------------------------------------------------------------
    pytest.param(
        "2025-06-30 22:45:10.5 UTC",
        "2025-06-30T22:45:10.7Z",
        {"time_precision": 0},
        ["instant"],
        id="Ruby's UTC form at time_precision 0",
    ),
    pytest.param(
        1735689600000, "2025-01-01T00:00:00.000", None, ["epoch"], id="epoch ms against a naive instant"
    ),
    pytest.param(
        7258118400, "2200-01-01T00:00:00Z", None, ["epoch"], id="epoch seconds beyond 2**32 seconds"
    ),
    # --- times of day and durations ------------------------------------------------------------------
    pytest.param("26:00:00", "P1DT2H", None, ["duration"], id="hours past a day against ISO"),
    pytest.param("14:15:00", "PT14H15M", None, ["duration"], id="a clock against an ISO duration"),
    pytest.param({"seconds": 1.5}, "00:00:01.5", None, ["duration"], id="fractional seconds of parts"),
    # --- declared types ------------------------------------------------------------------------------
    pytest.param(
        "1735689600000",
        "2025-01-01T00:00:00.000Z",
        {"types": {"v": "epoch_ms"}},
        ["epoch"],
        id="epoch_ms declared, the number as text",
    ),
    pytest.param(
        "Y", "yes", {"types": {"v": "bool"}}, ["boolean"], id="bool declared, two spellings of true"
    ),
]


@pytest.mark.parametrize(("legacy", "orm", "spec", "rules"), EQUAL)
def test_edge_spellings_that_are_equal_name_their_rule(
    legacy: Any, orm: Any, spec: dict[str, Any] | None, rules: list[str]
) -> None:
    result = compare({"v": legacy}, {"v": orm}, Spec.from_dict(spec))
    assert result.differences == ()
    assert result.normalized_wire() == {rule: ["v"] for rule in rules}


DIFFER: list[Any] = [
    # --- numbers: leading zeros are text, and no float is within a tolerance of what it cannot hold ---
    pytest.param("-01", -1, None, id="negative with a leading zero"),
    pytest.param("1" + "0" * 400, 1e308, None, id="an integer beyond any float against a float"),
    pytest.param(1e300, 2e300, None, id="doubles beyond float32's range"),
    pytest.param(1.401298464324817e-45, 1e-45, None, id="a subnormal float32 and its shortest decimal"),
    # --- instants: only real days and readable instants -----------------------------------------------
    pytest.param("2025-13-01T00:00:00Z", "2025-13-01T00:00:00.000Z", None, id="month 13"),
    pytest.param("2025-00-10T00:00:00Z", "2025-00-10T00:00:00.000Z", None, id="month 0"),
    pytest.param(
        "0000-01-01T10:00:00",
        "0000-01-01 10:00:00",
        {"naive_time_zone": "Europe/Berlin"},
        id="a naive time in a zone before year 1",
    ),
    pytest.param(1735689600000, "2025-13-01T00:00:00.000Z", None, id="an epoch against month 13"),
    pytest.param(1740873600000, "2025-02-30T00:00:00.000Z", None, id="an epoch against February 30"),
    pytest.param("14:15:00", "1970-13-01T14:15:00Z", None, id="a clock against month 13"),
    # --- durations -----------------------------------------------------------------------------------
    pytest.param("1 day 02:75:00", "P1DT3H15M", None, id="interval minutes past 59"),
    pytest.param("1 day 02:00:75", "P1DT2H1M15S", None, id="interval seconds past 59"),
    # --- uuids: all hyphens or none ------------------------------------------------------------------
    pytest.param("{550e8400-e29b41d4a716-446655440000}", UUID, None, id="a braced UUID with two hyphens"),
    pytest.param(UUID, UUID[:-1], None, id="a UUID against one digit short"),
    # --- bytes and booleans --------------------------------------------------------------------------
    pytest.param("b'\\x'", {"type": "Buffer", "data": []}, None, id="a bytes literal that does not parse"),
    pytest.param({"type": "Buffer", "data": "AQI="}, "\\x0102", None, id="Buffer data that is not a list"),
    pytest.param("1", "true", None, id="a digit against a word, both text"),
    # --- declared types ------------------------------------------------------------------------------
    pytest.param(
        "abc",
        "2025-01-01T00:00:00.000Z",
        {"types": {"v": "epoch_ms"}},
        id="epoch_ms declared, text no number",
    ),
    pytest.param(
        "1735689600000",
        "2025-13-01T00:00:00.000Z",
        {"types": {"v": "epoch_ms"}},
        id="epoch_ms declared, month 13",
    ),
    # --- objects -------------------------------------------------------------------------------------
    pytest.param({"$numberLong": "42"}, {"a": 42}, None, id="a wrapper against another object"),
    pytest.param({"a": 1}, {"A": 1, "b": 2}, {"strict_types": True}, id="objects under strict types"),
    pytest.param("[1, 2]", "{1,2", None, id="JSON text against text that is none"),
]


@pytest.mark.parametrize(("legacy", "orm", "spec"), DIFFER)
def test_edge_spellings_that_differ_stay_differences(
    legacy: Any, orm: Any, spec: dict[str, Any] | None
) -> None:
    result = compare({"v": legacy}, {"v": orm}, Spec.from_dict(spec))
    assert [d.field for d in result.differences] == ["v"]
