"""The report model: MISSING, the wire form, and field labels for shapes."""

from __future__ import annotations

import copy
import pickle
from typing import Any

import orjson
import pytest

from comparators import MISSING, Comparison, Difference, Kind, compare


def test_missing_is_distinct_from_none_and_survives_copies() -> None:
    assert MISSING is not None
    assert copy.deepcopy(MISSING) is MISSING
    assert pickle.loads(pickle.dumps(MISSING)) is MISSING
    assert repr(MISSING) == "MISSING"


def test_wire_form_is_json_and_marks_missing() -> None:
    diff = Difference("email", Kind.MISSING, "[id=3].email", MISSING, None)
    wire = diff.to_wire()
    assert wire == {
        "field": "email",
        "kind": "missing",
        "path": "[id=3].email",
        "legacy": "__missing__",
        "orm": None,
    }
    assert orjson.loads(orjson.dumps(wire)) == wire


def test_every_difference_of_a_result_is_json_able() -> None:
    result = compare([{"id": 1, "a": {"b": [1, 2]}}, {"id": 2}], [{"id": 1, "a": {"b": [1]}}, {"id": 3}])
    assert {d.kind for d in result.differences} == {Kind.MISSING, Kind.MISSING_ROW, Kind.EXTRA_ROW}
    orjson.dumps([d.to_wire() for d in result.differences])


@pytest.mark.parametrize(
    ("legacy", "orm", "kind"),
    [
        ([], {}, Kind.TYPE),
        (None, [], Kind.TYPE),
        ({}, None, Kind.TYPE),
        (1, 2, Kind.CHANGED),
        ("a", 1, Kind.TYPE),
        (3, "4", Kind.CHANGED),
    ],
)
def test_top_level_shape_is_field_result(legacy: Any, orm: Any, kind: Kind) -> None:
    result = compare(legacy, orm)
    assert [(d.field, d.kind, d.path) for d in result.differences] == [("__result__", kind, "")]


def test_fields_lists_each_label_once() -> None:
    result = Comparison(
        equal=False,
        differences=(
            Difference("a", Kind.CHANGED, "[0].a", 1, 2),
            Difference("b", Kind.CHANGED, "[0].b", 1, 2),
            Difference("a", Kind.CHANGED, "[1].a", 1, 2),
        ),
    )
    assert result.fields == ("a", "b")


@pytest.mark.parametrize(
    ("legacy", "orm", "kind"),
    [
        ("", None, Kind.CHANGED),
        (None, 0, Kind.CHANGED),
        ("a", 1, Kind.TYPE),
        ({"a": 1}, [1], Kind.TYPE),
        ("1.5", 2, Kind.CHANGED),
    ],
)
def test_field_kinds(legacy: Any, orm: Any, kind: Kind) -> None:
    result = compare({"v": legacy}, {"v": orm})
    assert [(d.field, d.kind) for d in result.differences] == [("v", kind)]
