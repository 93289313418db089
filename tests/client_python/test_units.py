"""The client's pure parts: the contract hash against the service's vectors, the per-state plan and
canonical serialization (checked against the service's own comparison engine where it matters)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import uuid
from collections import namedtuple
from decimal import Decimal
from typing import Any

import orjson
import pytest
from shadowdiff_client import Config, Path, Plan, bucket, orm_serves, plan, threshold, to_json

from comparators import compare
from flags.vectors import OUTPUT

VECTORS = orjson.loads(OUTPUT.read_bytes())


def test_the_client_hash_matches_every_vector() -> None:
    for v in VECTORS["sample"]:
        assert bucket(v["module"], v["request_id"]) == v["bucket"], v
    for t in VECTORS["threshold"]:
        assert threshold(t["rate"]) == t["buckets"], t
    for v in VECTORS["serve"]:
        serve_rate = (v["bucket"] + 1) / 10_000  # just above this bucket: in the ramp
        assert orm_serves(v["module"], v["request_id"], serve_rate)
        assert not orm_serves(v["module"], v["request_id"], v["bucket"] / 10_000)


def config(**modules: dict[str, Any]) -> Config:
    return Config.from_wire({"default_sample_rate": 1.0, "default_state": "shadow", "modules": modules})


def test_before_the_first_config_everything_serves_legacy_and_nothing_is_shadowed() -> None:
    assert plan(None, "auth", "r1") == Plan(Path.LEGACY, shadow=False, post=False)


@pytest.mark.parametrize(
    ("state", "serve", "shadow"),
    [
        ("legacy", Path.LEGACY, False),
        ("shadow", Path.LEGACY, True),
        ("orm", Path.ORM, True),
        ("migrated", Path.ORM, False),
    ],
)
def test_each_state_serves_and_shadows_its_path(state: str, serve: Path, shadow: bool) -> None:
    found = plan(config(auth={"state": state, "sample_rate": 1.0, "version": 3}), "auth", "r1")
    assert (found.serve, found.shadow) == (serve, shadow)


def test_sampling_follows_the_rate_with_the_contract_hash() -> None:
    cfg = config(auth={"state": "shadow", "sample_rate": 0.3, "version": 1})
    ids = [f"r{i}" for i in range(2000)]
    shadowed = [r for r in ids if plan(cfg, "auth", r).shadow]
    assert shadowed == [r for r in ids if bucket("auth", r) < 3000]
    assert 0.25 < len(shadowed) / len(ids) < 0.35


def test_the_serving_ramp_uses_the_serve_hash_and_a_missing_serve_rate_is_1() -> None:
    ramp = config(auth={"state": "orm", "sample_rate": 0.0, "serve_rate": 0.25, "version": 1})
    for i in range(500):
        rid = f"r{i}"
        expected = Path.ORM if bucket("auth\nserve", rid) < 2500 else Path.LEGACY
        assert plan(ramp, "auth", rid).serve is expected
    assert plan(config(auth={"state": "orm", "sample_rate": 0, "version": 1}), "auth", "x").serve is Path.ORM


def test_unknown_modules_get_the_default_state_and_retired_ones_serve_their_path_and_post_nothing() -> None:
    legacy_default = Config.from_wire({"default_sample_rate": 1.0, "default_state": "legacy", "modules": {}})
    assert plan(legacy_default, "new", "r").shadow is False
    assert plan(config(), "new", "r") == Plan(Path.LEGACY, shadow=True)
    retired = config(old={"retired": True, "serves": "orm"}, older={"retired": True, "serves": "legacy"})
    assert plan(retired, "old", "r") == Plan(Path.ORM, shadow=False, post=False)
    assert plan(retired, "older", "r") == Plan(Path.LEGACY, shadow=False, post=False)


def test_a_newer_state_from_a_pair_answer_replaces_the_polled_one() -> None:
    cfg = config(auth={"state": "orm", "sample_rate": 1.0, "version": 4})
    rolled_back = cfg.learned("auth", "shadow", 5)
    assert plan(rolled_back, "auth", "r").serve is Path.LEGACY
    assert cfg.learned("auth", "legacy", 3) is cfg  # older than what the config says


class Color(enum.Enum):
    RED = "red"


@dataclasses.dataclass
class Point:
    x: int
    at: dt.date


def test_driver_types_serialize_canonically() -> None:
    Row = namedtuple("Row", "id total")
    value = {
        "decimal": [Decimal("12.50"), Decimal("1E+3"), Decimal("-0.000001"), Decimal("1.5E-7")],
        "aware": dt.datetime(2025, 6, 30, 22, 45, 10, 500000, tzinfo=dt.timezone(dt.timedelta(hours=2))),
        "naive": dt.datetime(2025, 6, 30, 22, 45, 10),
        "date": dt.date(2025, 3, 1),
        "time": dt.time(9, 15, 0, 123000),
        "durations": [dt.timedelta(days=1, hours=2, seconds=4.5), -dt.timedelta(hours=1), dt.timedelta(0)],
        "uuid": uuid.UUID("550E8400-E29B-41D4-A716-446655440000"),
        "bytes": [b"\x00\x01\xff", bytearray(b"ab"), memoryview(b"c")],
        "enum": Color.RED,
        "dataclass": Point(1, dt.date(2024, 1, 2)),
        "namedtuple": Row(7, Decimal("3.10")),
        "set": {3, 1, 2},
        "floats": [1.5, float("nan"), float("inf")],
        4: "int key",
    }
    assert to_json(value) == {
        "decimal": ["12.50", "1000", "-0.000001", "0.00000015"],
        "aware": "2025-06-30T22:45:10.500000+02:00",
        "naive": "2025-06-30T22:45:10+00:00",
        "date": "2025-03-01",
        "time": "09:15:00.123000",
        "durations": ["P1DT2H4.5S", "-PT1H", "PT0S"],
        "uuid": "550e8400-e29b-41d4-a716-446655440000",
        "bytes": ["AAH/", "YWI=", "Yw=="],
        "enum": "red",
        "dataclass": {"x": 1, "at": "2024-01-02"},
        "namedtuple": {"id": 7, "total": "3.10"},
        "set": [1, 2, 3],
        "floats": [1.5, "NaN", "Infinity"],
        "4": "int key",
    }


def test_serialized_values_compare_equal_to_their_other_spellings_in_the_engine() -> None:
    """What the client writes is what shadowdiff reads as the same value as an ORM's spelling."""
    pairs = [
        (Decimal("12.50"), 12.5),
        (Decimal("1E+3"), 1000),
        (dt.datetime(2025, 7, 1, 0, 45, 10, 500000, tzinfo=dt.UTC), "2025-07-01T02:45:10.5+02:00"),
        (dt.datetime(2025, 7, 1, 0, 45), "2025-07-01T00:45:00Z"),
        (dt.date(2025, 3, 1), "2025-03-01T00:00:00.000Z"),
        (dt.timedelta(days=1, hours=2), "1 day 02:00:00"),
        (uuid.UUID(int=255), "00000000-0000-0000-0000-0000000000FF"),
    ]
    for value, other in pairs:
        assert compare(to_json(value), other).equal, (value, to_json(value), other)


def test_unknown_types_take_the_hook_or_raise() -> None:
    class Money:
        def __init__(self, cents: int) -> None:
            self.cents = cents

    with pytest.raises(TypeError, match="Money"):
        to_json([Money(5)])
    assert to_json({"m": Money(1250)}, hook=lambda v: Decimal(v.cents) / 100) == {"m": "12.5"}
