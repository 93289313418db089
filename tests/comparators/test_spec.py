"""Spec validation: every bad option is refused with a SpecError that names it."""

from __future__ import annotations

from typing import Any

import pytest

from comparators import Spec, SpecError
from comparators.spec import OPTION_NAMES


@pytest.mark.parametrize(
    ("raw", "option"),
    [
        ({"keys": ["id"]}, "keys"),
        ({"key": 1}, "key"),
        ({"key": []}, "key"),
        ({"key": [""]}, "key"),
        ({"key": ["id", 2]}, "key"),
        ({"ordered": "yes"}, "ordered"),
        ({"ordered": 1}, "ordered"),
        ({"ignore": "email"}, "ignore"),
        ({"ignore": ["a..b"]}, "ignore"),
        ({"ignore": ["items[0].price"]}, "ignore"),
        ({"rename": ["a", "b"]}, "rename"),
        ({"rename": {"a": 1}}, "rename"),
        ({"float_tolerance": "1e-9"}, "float_tolerance"),
        ({"float_tolerance": -1}, "float_tolerance"),
        ({"float_tolerance": 1}, "float_tolerance"),
        ({"float_tolerance": True}, "float_tolerance"),
        ({"float_tolerance": float("nan")}, "float_tolerance"),
        ({"time_precision": 10}, "time_precision"),
        ({"time_precision": "minutes"}, "time_precision"),
        ({"time_precision": 1.5}, "time_precision"),
        ({"naive_time_zone": "Mars/Olympus"}, "naive_time_zone"),
        ({"naive_time_zone": "+25:00"}, "naive_time_zone"),
        ({"naive_time_zone": 2}, "naive_time_zone"),
        ({"strict_types": "false"}, "strict_types"),
    ],
)
def test_bad_option_is_named(raw: dict[str, Any], option: str) -> None:
    with pytest.raises(SpecError) as err:
        Spec.from_dict(raw)
    assert err.value.option == option
    assert repr(option) in str(err.value)


# One value of no accepted form per option, and what the refusal says the option takes: every form,
# as the README's "type" column does (a `key` of 5 is told that one name is accepted, not only a list).
NOT_ACCEPTED: dict[str, tuple[Any, str]] = {
    "key": (5, "must be a field name or a list of field names, not 5"),
    "ordered": (
        "yes",
        'must be true, false or a list of paths ("" is the top level, "orders.items" a nested array), '
        'not "yes"',
    ),
    "ignore": (
        "email",
        'must be a list of field names or dotted paths (one name too goes in a list: ["updated_at"]), '
        'not "email"',
    ),
    "rename": (
        ["a", "b"],
        'must be an object mapping legacy field names to ORM names or dotted ORM paths, not ["a", "b"]',
    ),
    "types": (
        ["v"],
        "must be an object mapping field names or dotted paths to one of "
        '"bool", "json", "epoch_s", "epoch_ms", "epoch_us", "text", not ["v"]',
    ),
    "float_tolerance": ("1e-9", 'must be a number at least 0 and below 1 (relative), not "1e-9"'),
    "time_precision": (10, 'must be 0..9 fraction digits or one of "s", "ms", "us", "ns", not 10'),
    "naive_time_zone": (
        2,
        'must be "UTC", an IANA zone name such as "Europe/Berlin" or an offset such as "+02:00", not 2',
    ),
    "strict_types": ("false", 'must be true or false, not "false"'),
}


@pytest.mark.parametrize(("option", "value", "message"), [(o, *NOT_ACCEPTED[o]) for o in NOT_ACCEPTED])
def test_a_value_of_no_accepted_form_is_told_every_form_the_option_takes(
    option: str, value: Any, message: str
) -> None:
    with pytest.raises(SpecError) as caught:
        Spec.from_dict({option: value})
    assert str(caught.value) == f"spec option {option!r}: {message}"


def test_every_option_has_a_refusal_in_the_table_above() -> None:
    assert set(NOT_ACCEPTED) == set(OPTION_NAMES)


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("float_tolerance", 1, "must be a number at least 0 and below 1 (relative), not 1"),
        ("float_tolerance", True, "must be a number at least 0 and below 1 (relative), not true"),
        (
            "time_precision",
            "minutes",
            'must be 0..9 fraction digits or one of "s", "ms", "us", "ns", not "minutes"',
        ),
        ("time_precision", 1.5, 'must be 0..9 fraction digits or one of "s", "ms", "us", "ns", not 1.5'),
    ],
)
def test_a_value_out_of_range_is_told_the_whole_range(option: str, value: Any, message: str) -> None:
    with pytest.raises(SpecError) as caught:
        Spec.from_dict({option: value})
    assert str(caught.value) == f"spec option {option!r}: {message}"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"key": ["id", 2]}, "spec option 'key': each entry must be a string, not 2"),
        ({"key": [None]}, "spec option 'key': each entry must be a string, not null"),
        (
            {"types": {"v": "boolean"}},
            "spec option 'types': 'v': the type must be one of \"bool\", \"json\", "
            '"epoch_s", "epoch_ms", "epoch_us", "text", not "boolean"',
        ),
        (
            {"naive_time_zone": "Mars/Olympus"},
            "spec option 'naive_time_zone': unknown zone \"Mars/Olympus\"; use "
            '"UTC", an IANA zone name such as "Europe/Berlin" or an offset such as "+02:00"',
        ),
    ],
)
def test_a_bad_part_of_a_value_is_named_as_its_sender_wrote_it(raw: dict[str, Any], message: str) -> None:
    with pytest.raises(SpecError) as caught:
        Spec.from_dict(raw)
    assert str(caught.value) == message


def test_spec_must_be_an_object() -> None:
    with pytest.raises(SpecError, match="must be an object"):
        Spec.from_dict(["id"])  # type: ignore[arg-type]


def test_spec_error_is_a_value_error() -> None:
    assert issubclass(SpecError, ValueError)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, Spec()),
        ({}, Spec()),
        ({"key": "id"}, Spec(key=("id",))),
        ({"key": ["tenant", "id"], "ordered": True}, Spec(key=("tenant", "id"), ordered=True)),
        ({"rename": {"name": "title"}}, Spec(rename=(("name", "title"),))),
        ({"time_precision": "ms"}, Spec(time_precision=3)),
        ({"time_precision": 0}, Spec(time_precision=0)),
        ({"float_tolerance": 0}, Spec(float_tolerance=0)),
        ({"naive_time_zone": "Europe/Paris"}, Spec(naive_time_zone="Europe/Paris")),
        ({"ordered": None, "key": None}, Spec()),
    ],
)
def test_valid_specs(raw: dict[str, Any] | None, expected: Spec) -> None:
    assert Spec.from_dict(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        {"key": ["id"], "ordered": True, "ignore": ["updated_at", "settings.token"]},
        {"rename": {"name": "title"}, "float_tolerance": 1e-6, "time_precision": 3},
        {"naive_time_zone": "+02:00", "strict_types": True},
        {},
    ],
)
def test_to_dict_round_trips(raw: dict[str, Any]) -> None:
    spec = Spec.from_dict(raw)
    assert Spec.from_dict(spec.to_dict()) == spec


def test_specs_are_hashable_values() -> None:
    a = Spec.from_dict({"key": ["id"], "ignore": ["x"]})
    b = Spec.from_dict({"ignore": ["x"], "key": "id"})
    assert a == b
    assert len({a, b}) == 1


@pytest.mark.parametrize(
    ("raw", "option"),
    [
        ({"types": {"v": "boolean"}}, "types"),
        ({"types": ["v"]}, "types"),
        ({"types": {"": "json"}}, "types"),
        ({"types": {"v": "integer"}}, "types"),
        ({"ordered": ["", 3]}, "ordered"),
        ({"ordered": "steps"}, "ordered"),
        ({"rename": {"a.b": "c"}}, "rename"),
        ({"ignore": ["a", 1]}, "ignore"),
        ({"key": [None]}, "key"),
    ],
)
def test_new_options_refuse_bad_values_by_name(raw: dict[str, Any], option: str) -> None:
    with pytest.raises(SpecError) as caught:
        Spec.from_dict(raw)
    assert caught.value.option == option


@pytest.mark.parametrize(
    "raw",
    [
        {"ordered": ["", "steps", "orders.items"]},
        {"ordered": ["steps"]},
        {"types": {"value": "json", "meta.flag": "bool", "at": "epoch_ms"}},
        {"rename": {"author_name": "author.name", "title": "name"}},
    ],
)
def test_new_options_round_trip(raw: dict[str, Any]) -> None:
    spec = Spec.from_dict(raw)
    assert spec.to_dict() == raw
    assert Spec.from_dict(spec.to_dict()) == spec


def test_ordered_true_is_the_top_level_only() -> None:
    assert Spec.from_dict({"ordered": True}) == Spec.from_dict({"ordered": [""]})
    assert Spec.from_dict({"ordered": [""]}).to_dict() == {"ordered": True}


def test_an_inline_spec_merges_over_a_stored_one_option_by_option() -> None:
    stored = Spec.from_dict({"key": ["id"], "ignore": ["updated_at"], "ordered": True})
    merged = stored.merged({"ignore": ["etag"], "types": {"v": "json"}, "ordered": None})
    assert merged.to_dict() == {"key": ["id"], "ignore": ["etag"], "types": {"v": "json"}}
    assert stored.merged({}) == stored
