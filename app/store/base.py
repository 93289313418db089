"""The one store interface, with two backends: ``sqlite`` (embedded default) and ``postgres`` (asyncpg).

Like httpx's transports: the service talks only to :class:`Store`; each backend translates its
driver's errors into :class:`StoreUnavailable` / flag errors at this boundary (``raise ... from``).
Schema changes ship as versioned SQL files (``app/store/migrations/<backend>/NNNN_name.sql``) applied
in order at ``open()``; the applied versions are recorded in ``schema_migrations``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Protocol

from flags.persistence import FlagStore

CLAIM_RETENTION_SECONDS = 7 * 24 * 3600.0
"""How long a webhook de-duplication key is kept: far past Alertmanager's repeat and retry intervals
(hours), short enough that the table stays small."""


class StoreUnavailable(Exception):
    """The database cannot be reached or refused the operation; ``/ready`` answers 503 with this message."""


@dataclass(frozen=True, slots=True)
class StoredSpec:
    module: str
    query_name: str
    spec: dict[str, Any]  # the validated spec as the client sent it (comparators.Spec.from_dict input)
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True, slots=True)
class MismatchSample:
    """One mismatching pair as kept for ``GET /v1/mismatches``; values already redacted."""

    module: str
    query_name: str
    fields: tuple[str, ...]  # the differing field labels (legacy-side names)
    differences: list[dict[str, Any]]  # wire form of each difference (capped)
    request_id: str | None
    at: datetime
    id: int | None = None
    context: dict[str, Any] | None = None  # the query's inputs as the client sent them, redacted
    # What a person needs to judge the sample (app.samples.SampleBuilder): both sides' rows, pair_id,
    # spec, state and version at the time, latencies, normalized; None on samples stored before it.
    detail: dict[str, Any] | None = None


@dataclass(slots=True)
class RollupRow:
    """One minute of one (module, query): counts added up across replicas by the store (SPEC 1,
    ``/metrics/json``; issue 14, readiness). ``keyed`` holds the keyed counts: latency buckets per side
    (``("sql", "12")``: pairs whose SQL latency fell in log bucket 12) and mismatched fields
    (``("field", "total")``)."""

    minute: datetime  # UTC, the start of the minute
    module: str
    query_name: str
    match: int = 0
    mismatch: int = 0
    error: int = 0
    skipped: int = 0
    sql_queries: int = 0
    prisma_queries: int = 0
    sql_errors: int = 0
    prisma_errors: int = 0
    sql_latency_sum: float = 0.0
    prisma_latency_sum: float = 0.0
    last_mismatch_at: datetime | None = None
    keyed: dict[tuple[str, str], int] = field(default_factory=dict)

    COUNTS: ClassVar[tuple[str, ...]] = (
        "match",
        "mismatch",
        "error",
        "skipped",
        "sql_queries",
        "prisma_queries",
        "sql_errors",
        "prisma_errors",
        "sql_latency_sum",
        "prisma_latency_sum",
    )


@dataclass(frozen=True, slots=True)
class SpecRule:
    """One rule added to a query's stored spec by triage (``app.spec_rules``), kept beside the spec."""

    module: str
    query_name: str
    option: str  # "ignore", "float_tolerance" or "types"
    value: Any  # the ignored path, the tolerance, or {field: type}
    reason: str
    actor: str
    created_at: datetime
    expires_at: datetime | None = None
    removed_at: datetime | None = None
    removed_by: str | None = None
    id: int | None = None


class Store(FlagStore, Protocol):
    async def open(self) -> None:
        """Connect and apply pending migrations."""
        ...

    async def close(self) -> None: ...

    async def ping(self) -> None:
        """Raise StoreUnavailable when the database is not reachable."""
        ...

    def sync_age(self) -> float:
        """Seconds since this replica's view of the flags was last confirmed current
        (the last NOTIFY received or poll completed); 0 for the single-process SQLite store."""
        ...

    async def put_spec(self, spec: StoredSpec) -> None: ...

    async def list_specs(self) -> list[StoredSpec]: ...

    async def add_mismatches(self, samples: list[MismatchSample], keep_per_field: int) -> None:
        """Store samples, keeping at most ``keep_per_field`` newest per (module, query_name, field)."""
        ...

    async def recent_mismatches(
        self, module: str | None, query_name: str | None, field: str | None, limit: int
    ) -> list[MismatchSample]:
        """Newest first."""
        ...

    async def mismatch(self, sample_id: int) -> MismatchSample | None:
        """One stored sample by id (None once retention removed it)."""
        ...

    async def add_spec_rule(self, rule: SpecRule) -> SpecRule:
        """Store a rule; returns it with its id."""
        ...

    async def spec_rules(self, module: str | None = None, open_only: bool = False) -> list[SpecRule]:
        """Rules newest first; ``open_only``: those not removed yet."""
        ...

    async def close_spec_rule(self, rule_id: int, at: datetime, by: str) -> bool:
        """Mark a rule removed; False when it was removed already (another replica was first)."""
        ...

    async def claim_once(self, key: str, retention_seconds: float = CLAIM_RETENTION_SECONDS) -> bool:
        """True the first time ``key`` is claimed, False after (idempotent webhook deliveries).

        Keys older than ``retention_seconds`` are pruned on the way (the table stays bounded);
        a key pruned can be claimed again."""
        ...

    async def add_rollups(self, rows: list[RollupRow]) -> None:
        """Add each row's counts to the stored row of its (minute, module, query) in one transaction:
        replicas add up, and a minute flushed in several parts is one row."""
        ...

    async def read_rollups(self, since: datetime, module: str | None = None) -> list[RollupRow]:
        """The stored rows of minutes at or after ``since`` (of one module, or all)."""
        ...

    async def prune_rollups(self, before: datetime) -> int:
        """Delete rows of minutes before ``before``; how many rows went."""
        ...
