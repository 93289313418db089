"""Properties over generated pairs: re-representation is never a difference, one planted change is
reported exactly once where it was planted, and on plain pairs the differing fields are DeepDiff's."""

from __future__ import annotations

import copy
from typing import Any

import orjson
from deepdiff import DeepDiff
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comparators import MISSING, Kind, Spec, compare
from comparators.columns import unequal_rows
from comparators.equal import value_rules, values_equal
from comparators.spec import DEFAULT_SPEC
from tests.comparators.strategies import Pair, column_rows, distinct_names, row_pairs, value_pairs

PROPERTY_SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(value_pairs())
def test_a_value_equals_its_re_representation(pair: Pair) -> None:
    legacy, orm = pair
    result = compare(legacy, orm)
    assert result.equal, [d.to_wire() for d in result.differences]


@PROPERTY_SETTINGS
@given(row_pairs(shuffle=True))
def test_rows_equal_their_re_representation_in_any_order(pair: Pair) -> None:
    legacy, orm = pair
    result = compare(legacy, orm)
    assert result.equal, [d.to_wire() for d in result.differences]


@PROPERTY_SETTINGS
@given(value_pairs(), st.booleans())
def test_fast_path_and_report_agree(pair: Pair, swap: bool) -> None:
    """The fast verdict and the detailed report never disagree (equal iff no differences)."""
    legacy, orm = pair
    other = copy.deepcopy(orm)
    if isinstance(other, dict) and other:
        other.pop(next(iter(other)))
    a, b = (other, legacy) if swap else (legacy, other)
    result = compare(a, b)
    assert result.equal is (not result.differences)
    assert values_equal(a, b, DEFAULT_SPEC) is result.equal or isinstance(a, list)


PLANTED = "\u2603 planted"


@st.composite
def planted_pairs(draw: st.DrawFn) -> tuple[Pair, dict[str, Any]]:
    """Keyed rows, equal in data, with one change planted in one ORM row, and what must be reported."""
    legacy, orm = draw(row_pairs(shuffle=True, with_ids=True).filter(lambda p: len(p[0]) > 0))
    row_id = draw(st.integers(1, len(legacy)))
    legacy_row = legacy[row_id - 1]
    orm_row = next(r for r in orm if str(r["id"]) == str(row_id))
    how = draw(st.sampled_from(["value", "drop_field", "drop_row"]))
    if how == "drop_row":
        orm.remove(orm_row)
        return (legacy, orm), {"field": "__row__", "kind": Kind.MISSING_ROW, "path": f"[id={row_id}]"}
    fields = [k for k in legacy_row if k != "id"]
    index = draw(st.integers(0, len(fields) - 1))
    legacy_name, orm_name = fields[index], [k for k in orm_row if k != "id"][index]
    if how == "drop_field":
        del orm_row[orm_name]
        expected = {"field": legacy_name, "kind": Kind.MISSING, "path": f"[id={row_id}].{legacy_name}"}
    else:
        orm_row[orm_name] = PLANTED
        expected = {"field": legacy_name, "path": f"[id={row_id}].{legacy_name}"}
    return (legacy, orm), expected


@PROPERTY_SETTINGS
@given(planted_pairs())
def test_one_planted_change_is_reported_once_where_it_was_planted(case: tuple[Pair, dict[str, Any]]) -> None:
    (legacy, orm), expected = case
    result = compare(legacy, orm)
    assert not result.equal
    assert len(result.differences) == 1, [d.to_wire() for d in result.differences]
    found = result.differences[0]
    assert {k: getattr(found, k) for k in expected} == expected
    if expected.get("kind") == Kind.MISSING:
        assert found.orm is MISSING
    elif "kind" not in expected:
        assert found.orm == PLANTED


# --- against DeepDiff, on pairs with no representation differences ---------------------------------

# Values no representation rule relates across kinds (DeepDiff knows none of them): no 0/1 against a
# boolean, no empty or comma-free text against an array of strings (MySQL SET text).
_plain_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5).filter(lambda i: i not in (0, 1)),
    st.text(alphabet="abcxyz ", min_size=1, max_size=4),
)
_plain_values = st.recursive(
    _plain_scalars,
    lambda children: st.one_of(
        st.lists(children.filter(lambda v: not isinstance(v, dict | list | str)), max_size=3),
        st.dictionaries(st.sampled_from(["a", "b", "c"]), children, max_size=3),
    ),
    max_leaves=6,
)


@st.composite
def _plain_object_pairs(draw: st.DrawFn) -> Pair:
    names = draw(distinct_names(1, 5))
    legacy = {name: draw(_plain_values) for name in names}
    orm = copy.deepcopy(legacy)
    for name in names:
        change = draw(st.integers(0, 3))
        if change == 1:
            orm[name] = draw(_plain_values)
        elif change == 2:
            del orm[name]
    for name in draw(distinct_names(0, 2)):
        if name not in orm and name not in legacy:
            orm[name] = draw(_plain_values)
    return legacy, orm


def _deepdiff_fields(legacy: Any, orm: Any, *, rows: bool) -> set[str]:
    # threshold_to_diff_deeper=0: always name the keys, never "the whole object changed".
    tree = DeepDiff(legacy, orm, view="tree", threshold_to_diff_deeper=0)
    fields = set()
    for report in tree.values():
        for item in report:
            path = item.path(output_format="list")
            fields.add(str(path[1] if rows else path[0]))
    return fields


@PROPERTY_SETTINGS
@given(_plain_object_pairs())
def test_differing_fields_agree_with_deepdiff_on_objects(pair: Pair) -> None:
    legacy, orm = pair
    assert set(compare(legacy, orm).fields) == _deepdiff_fields(legacy, orm, rows=False)


@PROPERTY_SETTINGS
@given(st.lists(_plain_object_pairs(), min_size=1, max_size=3))
def test_differing_fields_agree_with_deepdiff_on_keyed_rows(pairs: list[Pair]) -> None:
    legacy = [{"id": i, **a} for i, (a, _) in enumerate(pairs)]
    orm = [{"id": i, **b} for i, (_, b) in enumerate(pairs)]
    assert set(compare(legacy, orm).fields) == _deepdiff_fields(legacy, orm, rows=True)


# --- any JSON at all: no exception, and the verdict matches the report --------------------------------

_json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.sampled_from(
        ["12.50", "2025-03-01", "2025-03-01T00:00:00Z", "P1D", "1 day", "{}", "[1]", "{bad", "-0"]
    ),
)
_json_values = st.recursive(
    _json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.sampled_from(["id", "a", "A", "a_b", "aB"]), children),
    ),
    max_leaves=10,
)
_specs = st.fixed_dictionaries(
    {},
    optional={
        "key": st.just(["id"]),
        "ordered": st.booleans(),
        "ignore": st.just(["a", "a_b.id"]),
        "rename": st.just({"a": "A"}),
        "strict_types": st.booleans(),
        "time_precision": st.integers(0, 9),
    },
)


@PROPERTY_SETTINGS
@given(_json_values, _json_values, _specs)
def test_any_pair_compares_without_error_and_consistently(
    legacy: Any, orm: Any, raw_spec: dict[str, Any]
) -> None:
    result = compare(legacy, orm, Spec.from_dict(raw_spec))
    assert result.equal is (not result.differences)
    if "rename" not in raw_spec:  # with a rename, a value is not the ORM spelling of itself
        assert compare(legacy, legacy, Spec.from_dict(raw_spec)).equal
    orjson.dumps([d.to_wire() for d in result.differences])


@PROPERTY_SETTINGS
@given(_json_values, _json_values, _specs.filter(lambda s: "rename" not in s))
def test_the_verdict_does_not_depend_on_which_side_is_legacy(
    legacy: Any, orm: Any, raw_spec: dict[str, Any]
) -> None:
    spec = Spec.from_dict(raw_spec)
    assert compare(legacy, orm, spec).equal is compare(orm, legacy, spec).equal


@PROPERTY_SETTINGS
@given(value_pairs())
def test_re_representation_is_symmetric(pair: Pair) -> None:
    legacy, orm = pair
    assert compare(orm, legacy).equal


# --- the column-at-a-time path finds exactly the rows that differ -----------------------------------


@st.composite
def _column_cases(draw: st.DrawFn) -> Pair:
    """Column-typed rows, equal in data, then a few ORM cells redrawn (equal to the legacy cell or not)."""
    (legacy, orm), kinds = draw(column_rows())
    for _ in range(draw(st.integers(0, 3))):
        row = draw(st.integers(0, len(orm) - 1))
        position = draw(st.integers(0, len(kinds) - 1))
        orm[row][f"col{position}"] = draw(kinds[position])[draw(st.integers(0, 1))]
    return legacy, orm


@PROPERTY_SETTINGS
@given(_column_cases())
def test_columns_find_exactly_the_rows_that_differ(pair: Pair) -> None:
    legacy, orm = pair
    by_rows = {
        i for i, (a, b) in enumerate(zip(legacy, orm, strict=True)) if not values_equal(a, b, DEFAULT_SPEC)
    }
    assert unequal_rows(legacy, orm, DEFAULT_SPEC, None, None, value_rules) == by_rows
    assert compare(legacy, orm).equal is (not by_rows)


@PROPERTY_SETTINGS
@given(column_rows())
def test_columns_of_re_represented_values_are_equal(case: tuple[Pair, Any]) -> None:
    (legacy, orm), _ = case
    assert compare(legacy, orm).equal
