"""Row <-> value conversions shared by both backends (JSON text, UTC timestamps, flag rows)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import orjson

from flags.model import AutoRollback, Flag, FlagState
from flags.policy import GuardSettings, ReadinessCriteria

TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%f+00:00"


def dump_json(value: Any) -> str:
    """JSON text; falls back to the stdlib for integers beyond 64 bits, which orjson refuses."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def load_json(text: str | bytes | None) -> Any:
    """The stdlib parser: orjson would turn integers beyond 64 bits into floats, losing digits."""
    return None if text is None else json.loads(text)


def utc(at: datetime) -> datetime:
    """Aware UTC; a naive time is taken as UTC (the service only ever makes aware ones)."""
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def time_text(at: datetime) -> str:
    """Fixed-width UTC text, so that SQLite orders times correctly as text."""
    return utc(at).strftime(TIME_FORMAT)


def parse_time(text: str) -> datetime:
    return datetime.strptime(text, TIME_FORMAT).replace(tzinfo=UTC)


def flag_from_row(
    module: str,
    state: str,
    sample_rate: float | None,
    auto_rollback: str,
    version: int,
    updated_at: datetime,
    updated_by: str,
    serve_rate: float = 1.0,
    policy: Any = None,
    retired: Any = False,
) -> Flag:
    policy = policy or {}
    return Flag(
        module=module,
        state=FlagState(state),
        sample_rate=None if sample_rate is None else float(sample_rate),
        auto_rollback=AutoRollback(auto_rollback),
        version=int(version),
        updated_at=utc(updated_at),
        updated_by=updated_by,
        serve_rate=float(serve_rate),
        guard=GuardSettings.from_stored(policy.get("guard")),
        readiness=ReadinessCriteria.from_stored(policy.get("readiness")),
        retired=bool(retired),
    )


def flag_policy(flag: Flag) -> dict[str, Any] | None:
    """The ``policy`` column: only the overrides the module sets (None when it sets none)."""
    policy = {k: v for k, v in (("guard", flag.guard.stored()), ("readiness", flag.readiness.stored())) if v}
    return policy or None
