"""The hot path: one posted pair in, an outcome out, metrics and mismatch samples on the side.

Per pair: validate by hand; find the module's flag in the in-memory view (registering a module seen
for the first time in ``shadow``); count queries, latencies and errors for every accepted pair; then
decide the outcome in this order:

1. either side reports ``error`` -> ``error`` (counted in that side's error counter, never diffed);
2. the module's state does not compare (``legacy``, ``migrated``) -> ``skipped`` / ``module_off``;
3. the sampling hash says no -> ``skipped`` / ``not_sampled``;
4. ``comparators.compare`` with the inline spec merged over the stored one -> ``match`` / ``mismatch``,
   answered with what the rules absorbed (``normalized``), spec ``warnings``, ``spec`` and ``spec_source``.

Mismatches count one ``shadow_mismatch_total`` per differing field, answer with at most
``max_differences`` redacted differences and hand a sample (with the pair's redacted ``context``) to the
background writer. Every observer (the rollback guard) is called with (module, query_name, outcome)
after every accepted pair. Every answer carries the module's ``state`` and ``version`` so a client
learns of a rollback at its next post.

A pair with a ``pair_id`` seen before by this replica (:class:`PairIds`: 24 h, bounded by count) is
answered with its first outcome plus ``"duplicate": true`` and counted nowhere: a client that retries a
batch whose answer it lost does not count its pairs twice.

Bounded work per request: a pair larger than the offload threshold is compared in a worker process
(``app.offload``), never on the event loop; a sample stores at most ``max_differences`` differences
and as many field labels; a pair's fields past the label cap are counted under ``__other__`` in one
increment; a batch yields to other requests every ``YIELD_SECONDS`` of work.

Durability: with ``sample_wait`` on, the answer to a request whose mismatch samples were queued waits
(at most ``sample_wait_seconds``) until the writer has committed them, one group commit for a batch;
each mismatch answer says ``"sample": "stored"`` (committed), ``"queued"`` (not yet: the store is slow
or down, or the wait is off) or ``"dropped"`` (the queue was full).
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import OrderedDict
from collections.abc import Callable
from operator import itemgetter
from typing import Any, NamedTuple

import orjson

from app.errors import InvalidPayload, ServiceError, mapping_for
from app.flag_service import FlagService
from app.metrics import Metrics, QueryMetrics
from app.mismatch_writer import MismatchWriter
from app.offload import Compared, Offloader, summarize, warning_pairs
from app.redact import Redactor
from app.rollups import Rollups
from app.samples import SampleBuilder
from app.spec_cache import ResolvedSpec, SpecCache
from app.store.base import MismatchSample, StoreUnavailable
from app.validation import _kind, check_name, check_number, parse_body, parse_json
from comparators import SpecError, compare
from flags.errors import FlagError
from flags.model import Flag, now
from flags.sampling import is_sampled
from flags.vocabulary import Outcome, Reason
from flags.vocabulary import Side as PairSide

log = logging.getLogger("shadowdiff.ingest")

Observer = Callable[[str, str, Outcome], None]
"""Called synchronously after every accepted pair with (module, query_name, outcome); must be O(1)
and must not raise (schedule any slow work)."""

PAIR_KEYS = frozenset({"module", "query_name", "request_id", "pair_id", "context", "legacy", "orm", "spec"})
SIDE_KEYS = frozenset({"result", "latency_ms", "error"})
MAX_REQUEST_ID = 256
MAX_PAIR_ID = 128
MAX_CONTEXT_BYTES = 8192  # of the context object as compact JSON
PAIR_ID_TTL_SECONDS = 24 * 3600.0
YIELD_SECONDS = 0.01
OFFLOADED_NOTE = (
    "the pair was compared in a worker process (over SHADOWDIFF_OFFLOAD_BYTES); its rows are not kept"
)


SAMPLE_STORED, SAMPLE_QUEUED, SAMPLE_DROPPED = "stored", "queued", "dropped"
Waiting = list[tuple[dict[str, Any], "asyncio.Future[bool] | None"]]


class Side(NamedTuple):
    result: Any
    latency_ms: float | None
    error_type: str | None


class Pair(NamedTuple):
    """One posted pair as validated. A named tuple rather than a frozen dataclass: built for every
    pair, and a frozen dataclass's ``__init__`` (one ``object.__setattr__`` per field) was ~3% of
    batch ingest."""

    module: str
    query_name: str
    request_id: str | None
    legacy: Side
    orm: Side
    spec: dict[str, Any] | None
    pair_id: str | None = None
    context: dict[str, Any] | None = None


def parse_pair(item: Any, where: str = "") -> Pair:
    if not isinstance(item, dict):
        raise InvalidPayload(f"{where or 'the body'} must be a JSON object describing one pair")
    unknown = item.keys() - PAIR_KEYS
    if unknown:
        raise InvalidPayload(
            f"{where}unknown field(s) {', '.join(sorted(map(str, unknown)))}; "
            f"a pair has {', '.join(sorted(PAIR_KEYS))}"
        )
    module = check_name(item.get("module"), f"{where}module")
    query_name = check_name(item.get("query_name"), f"{where}query_name")
    request_id = item.get("request_id")
    if request_id is not None and (not isinstance(request_id, str) or len(request_id) > MAX_REQUEST_ID):
        raise InvalidPayload(f"{where}request_id must be a string of at most {MAX_REQUEST_ID} characters")
    spec = item.get("spec")
    if spec is not None and not isinstance(spec, dict):
        raise InvalidPayload(f"{where}spec must be an object of comparison options or null")
    pair_id = item.get("pair_id")
    if pair_id is not None and (not isinstance(pair_id, str) or not 0 < len(pair_id) <= MAX_PAIR_ID):
        raise InvalidPayload(f"{where}pair_id must be a string of 1 to {MAX_PAIR_ID} characters")
    context = item.get("context")
    if context is not None:
        _check_context(context, where)
    return Pair(
        module,
        query_name,
        request_id,
        _side(item.get("legacy"), f"{where}legacy"),
        _side(item.get("orm"), f"{where}orm"),
        spec,
        pair_id,
        context,
    )


def _check_context(context: Any, where: str) -> None:
    if not isinstance(context, dict):
        raise InvalidPayload(f"{where}context must be an object of the query's inputs or null")
    try:
        size = len(orjson.dumps(context))
    except TypeError:  # an integer past 64 bits (read exactly as text): size it by its text
        size = len(str(context).encode())
    if size > MAX_CONTEXT_BYTES:
        raise InvalidPayload(
            f"{where}context is {size} bytes as JSON; the limit is {MAX_CONTEXT_BYTES}: "
            "send the query's inputs, not its results"
        )


First = tuple[str, str | None, int]
"""A first answer as kept: (outcome, reason, difference count or -1). Plain strings and ints in a
tuple, so the cyclic garbage collector stops tracking it: 100,000 remembered answers as dicts made
every full collection walk them (batch ingest at half speed)."""


class PairIds:
    """The first answer to each ``pair_id`` this replica accepted, for 24 h, at most ``capacity`` ids.

    In memory only (a restart or another replica forgets them) and bounded by count: past
    ``capacity`` the oldest ids are forgotten first. An answer is kept as its outcome, reason and
    difference count, never its differences, so the bound holds in bytes too (~150 B an id).
    An id whose pair is still being processed (a new module's first pair awaits the store) makes a
    concurrent duplicate wait for that first answer.
    """

    def __init__(self, capacity: int, ttl_seconds: float = PAIR_ID_TTL_SECONDS) -> None:
        self.capacity = capacity
        self.ttl = ttl_seconds
        self._seen: OrderedDict[str, tuple[float, First]] = OrderedDict()  # insertion = expiry order
        self._pending: dict[str, asyncio.Future[First]] = {}

    def __len__(self) -> int:
        return len(self._seen)

    def lookup(self, pair_id: str) -> First | asyncio.Future[First] | None:
        pending = self._pending.get(pair_id)
        if pending is not None:
            return pending
        entry = self._seen.get(pair_id)
        if entry is None:
            return None
        if entry[0] < time.monotonic():
            del self._seen[pair_id]
            return None
        return entry[1]

    def reserve(self, pair_id: str) -> asyncio.Future[First]:
        future: asyncio.Future[First] = asyncio.get_running_loop().create_future()
        self._pending[pair_id] = future
        return future

    def settle(self, pair_id: str, future: asyncio.Future[First], answer: dict[str, Any] | None) -> None:
        """Keep the compact first answer (``None``: the pair was refused, forget the id)."""
        if self._pending.get(pair_id) is future:
            del self._pending[pair_id]
        if answer is None:
            future.cancel()
            return
        outcome = answer["outcome"]
        reason = answer["reason"]
        first: First = (
            str(getattr(outcome, "value", outcome)),
            None if reason is None else str(getattr(reason, "value", reason)),
            int(answer.get("difference_count", -1)),
        )
        clock = time.monotonic()
        self._seen[pair_id] = (clock + self.ttl, first)
        self._seen.move_to_end(pair_id)
        while self._seen and (len(self._seen) > self.capacity or next(iter(self._seen.values()))[0] < clock):
            self._seen.popitem(last=False)
        future.set_result(first)


def replay_answer(first: First) -> dict[str, Any]:
    outcome, reason, count = first
    answer: dict[str, Any] = {"outcome": outcome, "reason": reason, "differences": []}
    if count >= 0:
        answer["difference_count"] = count
    return answer


def _side(value: Any, where: str) -> Side:
    if value is None:  # left out, not only mistyped: say so (a pair needs both sides, even when one failed)
        raise InvalidPayload(
            f"{where} is missing (or null): a pair needs both sides, "
            "each an object {result, latency_ms?, error?}"
        )
    if not isinstance(value, dict):
        raise InvalidPayload(f"{where} must be an object {{result, latency_ms, error}}, not {_kind(value)}")
    unknown = value.keys() - SIDE_KEYS
    if unknown:
        raise InvalidPayload(
            f"{where} has unknown field(s) {', '.join(sorted(map(str, unknown)))}; "
            f"a side has {', '.join(sorted(SIDE_KEYS))}"
        )
    latency = value.get("latency_ms")
    if latency is not None:
        latency = check_number(latency, f"{where}.latency_ms")
    error = value.get("error")
    error_type: str | None = None
    if error is not None:
        if not isinstance(error, dict):
            raise InvalidPayload(f"{where}.error must be an object {{type, message}} or null")
        error_type = check_name(error.get("type"), f"{where}.error.type")
        message = error.get("message")
        if message is not None and not isinstance(message, str):
            raise InvalidPayload(f"{where}.error.message must be a string")
    if "result" not in value:
        raise InvalidPayload(f"{where}.result is missing (send null for an empty or failed result)")
    return Side(value.get("result"), latency, error_type)


class Ingestor:
    def __init__(
        self,
        *,
        flags: FlagService,
        specs: SpecCache,
        metrics: Metrics,
        redactor: Redactor,
        writer: MismatchWriter,
        observers: list[Observer],
        max_differences: int,
        store_values: bool,
        max_fields: int = 200,
        offloader: Offloader | None = None,
        sample_wait: bool = True,
        sample_wait_seconds: float = 2.0,
        samples: SampleBuilder,
        rng: random.Random | None = None,
        rollups: Rollups | None = None,
        pair_ids: PairIds | None = None,
    ) -> None:
        self.flags = flags
        self.specs = specs
        self.metrics = metrics
        self.redactor = redactor
        self.writer = writer
        self.observers = observers
        self.max_differences = max_differences
        self.store_values = store_values
        self.max_fields = max_fields
        self.offloader = offloader
        self.sample_wait = sample_wait
        self.sample_wait_seconds = sample_wait_seconds
        self.samples = samples
        self.rng = rng or random.Random()
        self.rollups = rollups
        self.pair_ids = pair_ids or PairIds(100_000)

    async def receive(
        self, body: bytes, actor: str, *, batch: bool, max_depth: int, max_batch: int
    ) -> dict[str, Any]:
        """A request body in, its answer out: parsed here, or parsed and compared by a worker process
        when it is large (``app.offload``), so the event loop never spends long on one request."""
        offloader = self.offloader
        if offloader is not None and (
            offloader.large_batch(len(body)) if batch else offloader.large(len(body))
        ):
            data, compared = await offloader.process_body(
                body,
                max_depth=max_depth,
                batch=batch,
                stored_specs=self.specs.raw_stored(),
                max_differences=self.max_differences,
                max_fields=self.max_fields,
            )
            if batch:
                return await self.batch(data, actor, max_batch, precomputed=compared)
            return await self.single(data, actor, precomputed=compared)
        if batch:
            parsed = parse_body(body, max_depth, batch=True)
            return await self.batch(parsed.data, actor, max_batch, len(body), bounds=parsed.pair_bounds)
        return await self.single(parse_json(body, max_depth), actor)

    async def single(
        self, data: Any, actor: str, precomputed: list[Compared | None] | None = None
    ) -> dict[str, Any]:
        """``precomputed``: the worker's comparison of this pair (a large body)."""
        waiting: Waiting = []
        offloaded = precomputed is not None
        answer = await self.process(
            parse_pair(data), actor, 0, waiting, precomputed[0] if precomputed else None, offloaded
        )
        await self._settle(waiting)
        return answer

    async def batch(
        self,
        data: Any,
        actor: str,
        max_batch: int,
        size: int = 0,
        precomputed: list[Compared | None] | None = None,
        bounds: list[int] | None = None,
    ) -> dict[str, Any]:
        """``size``: the body's bytes; ``bounds``: each pair's size bound (``parse_body``), so that only
        a pair whose bound passes the offload threshold is measured exactly."""
        if not isinstance(data, dict) or set(data) != {"pairs"} or not isinstance(data["pairs"], list):
            raise InvalidPayload('a batch is an object {"pairs": [pair, ...]} and nothing else')
        items = data["pairs"]
        if len(items) > max_batch:
            raise InvalidPayload(
                f"the batch has {len(items)} pairs; the limit is {max_batch} (SHADOWDIFF_MAX_BATCH)"
            )
        results: list[dict[str, Any]] = []
        rejected = 0
        waiting: Waiting = []
        # Only a body past the threshold can hold a pair past it: then each pair is measured, exactly
        # when its bound (or no bound) leaves it in doubt.
        large = self.offloader.large if precomputed is None and self.offloader is not None else None
        measure = large is not None and large(size)
        slice_start = time.perf_counter()
        for index, item in enumerate(items):
            if time.perf_counter() - slice_start > YIELD_SECONDS:
                await asyncio.sleep(0)  # let other requests in between: a big batch is many diffs
                slice_start = time.perf_counter()
            try:
                item_size = 0
                if measure and large is not None and (bounds is None or large(bounds[index])):
                    item_size = len(orjson.dumps(item))
                pair = parse_pair(item, f"pairs[{index}].")
                done = precomputed[index] if precomputed is not None else None
                results.append(
                    await self.process(pair, actor, item_size, waiting, done, precomputed is not None)
                )
            except (ServiceError, FlagError, SpecError, StoreUnavailable) as exc:
                rejected += 1
                found = mapping_for(exc)
                code = found.code if found else "invalid_payload"
                results.append({"index": index, "error": code, "message": str(exc)})
        await self._settle(waiting)
        return {"accepted": len(items) - rejected, "rejected": rejected, "results": results}

    async def _settle(self, waiting: Waiting) -> None:
        """Fill in each mismatch answer's ``sample``, after the group commit when the wait is on."""
        if not waiting:
            return
        futures = [f for _, f in waiting if f is not None]
        if self.sample_wait and futures:
            await asyncio.wait(futures, timeout=self.sample_wait_seconds)
        for answer, future in waiting:
            if future is None:
                answer["sample"] = SAMPLE_DROPPED
            elif future.done() and not future.cancelled() and future.result():
                answer["sample"] = SAMPLE_STORED
            else:
                answer["sample"] = SAMPLE_QUEUED

    async def process(
        self,
        pair: Pair,
        actor: str,
        size: int = 0,
        waiting: Waiting | None = None,
        precomputed: Compared | None = None,
        offloaded: bool = False,
    ) -> dict[str, Any]:
        """One pair. ``size`` past the offload threshold: compare in a worker. ``offloaded``: a worker
        already compared it (``precomputed``; None when the comparison failed there)."""
        extra = (size, waiting, precomputed, offloaded)
        if pair.pair_id is None:
            return await self._process(pair, actor, *extra)
        while (seen := self.pair_ids.lookup(pair.pair_id)) is not None:
            if isinstance(seen, tuple):
                return self._replay(pair.module, seen)
            try:
                return self._replay(pair.module, await asyncio.shield(seen))
            except asyncio.CancelledError:
                if not seen.cancelled():
                    raise
                # the first post of this id was refused: this one is processed on its own
        future = self.pair_ids.reserve(pair.pair_id)
        answer: dict[str, Any] | None = None
        try:
            answer = await self._process(pair, actor, *extra)
            return answer
        finally:
            self.pair_ids.settle(pair.pair_id, future, answer)

    def _replay(self, module: str, first: First) -> dict[str, Any]:
        """A repeated ``pair_id``: its first outcome, the module's state now, and nothing counted."""
        flag = self.flags.view.get(module)
        answer = replay_answer(first)
        answer["duplicate"] = True
        if flag is not None:
            answer["state"], answer["version"] = flag.state.value, flag.version
        return answer

    async def _process(
        self,
        pair: Pair,
        actor: str,
        size: int,
        waiting: Waiting | None,
        precomputed: Compared | None,
        offloaded: bool,
    ) -> dict[str, Any]:
        # Before anything else: a bad inline spec rejects the pair.
        resolved = self.specs.resolve(pair.module, pair.query_name, pair.spec)
        spec = resolved.spec
        flag = self.flags.view.get(pair.module)
        if flag is None:
            flag = await self.flags.ensure(pair.module, actor)
        if flag.retired:  # the client should post nothing; count nothing, it left the metrics
            return {
                "outcome": Outcome.SKIPPED,
                "reason": Reason.MODULE_RETIRED,
                "differences": [],
                "state": flag.state.value,
                "version": flag.version,
                "retired": True,
                "serves": flag.serves,
            }
        q = self.metrics.for_query(pair.module, pair.query_name)
        q.sql_queries.inc()
        q.prisma_queries.inc()
        if pair.legacy.latency_ms is not None:
            q.sql_latency.observe(pair.legacy.latency_ms)
        if pair.orm.latency_ms is not None:
            q.prisma_latency.observe(pair.orm.latency_ms)

        if pair.legacy.error_type is not None or pair.orm.error_type is not None:
            if pair.legacy.error_type is not None:
                self.metrics.count_error(PairSide.LEGACY, q, pair.legacy.error_type)
            if pair.orm.error_type is not None:
                self.metrics.count_error(PairSide.ORM, q, pair.orm.error_type)
            reason = (
                Reason.BOTH_ERROR
                if pair.legacy.error_type and pair.orm.error_type
                else (Reason.LEGACY_ERROR if pair.legacy.error_type else Reason.ORM_ERROR)
            )
            return self._done(q, pair, flag, Outcome.ERROR, reason)
        if not flag.state.compares:
            return self._done(q, pair, flag, Outcome.SKIPPED, Reason.MODULE_OFF)
        if not is_sampled(
            pair.module, pair.request_id, flag.effective_rate(self.flags.default_rate), self.rng
        ):
            return self._done(q, pair, flag, Outcome.SKIPPED, Reason.NOT_SAMPLED)

        try:
            if offloaded:
                if precomputed is None:
                    raise RuntimeError("the worker process could not compare this pair")
                compared = precomputed
            elif self.offloader is not None and self.offloader.large(size):
                compared = await self.offloader.compare(
                    pair.legacy.result, pair.orm.result, spec, self.max_differences, self.max_fields
                )
            else:
                comparison = compare(pair.legacy.result, pair.orm.result, spec)
                if comparison.equal:
                    answer = self._done(q, pair, flag, Outcome.MATCH, None)
                    return self._announced(
                        q, answer, comparison.normalized, warning_pairs(comparison), resolved
                    )
                compared = summarize(comparison, self.max_differences, self.max_fields)
        except Exception:  # a comparator bug must not turn a client's pair into a 500
            log.exception("compare failed for %s/%s", pair.module, pair.query_name)
            return self._done(q, pair, flag, Outcome.ERROR, Reason.COMPARE_FAILED)
        if compared.equal:
            answer = self._done(q, pair, flag, Outcome.MATCH, None)
        else:
            answer = self._mismatch(q, pair, flag, compared, waiting, resolved, offloaded)
        return self._announced(q, answer, compared.normalized, compared.warnings, resolved)

    def _announced(
        self,
        q: QueryMetrics,
        answer: dict[str, Any],
        normalized: tuple[tuple[str, tuple[str, ...]], ...],
        warnings: tuple[tuple[str, str], ...],
        resolved: ResolvedSpec,
    ) -> dict[str, Any]:
        """A compared pair's answer also says what the rules absorbed, which spec options matched
        nothing, and which spec applied (SPEC 2); each rule used is counted once for the query."""
        if normalized:
            rules = tuple(map(_rule_of, normalized))
            self.metrics.count_normalizations(q, rules)
            if self.rollups is not None:
                self.rollups.count_rules(q.module, q.query_name, rules)
        answer["normalized"] = {rule: list(fields) for rule, fields in normalized}
        answer["warnings"] = [{"option": option, "message": message} for option, message in warnings]
        answer["spec"] = resolved.wire
        answer["spec_source"] = resolved.source
        return answer

    def _mismatch(
        self,
        q: QueryMetrics,
        pair: Pair,
        flag: Flag,
        compared: Compared,
        waiting: Waiting | None,
        resolved: ResolvedSpec,
        offloaded: bool = False,
    ) -> dict[str, Any]:
        labels = tuple(
            dict.fromkeys(self.metrics.count_mismatch_field(q, field) for field in compared.fields)
        )
        if compared.field_count > len(compared.fields):  # past the label cap: __other__, at once
            self.metrics.count_mismatch_other(q, compared.field_count - len(compared.fields))
            labels = (*labels, "__other__") if "__other__" not in labels else labels
        capped = list(compared.differences)
        shown = [self.redactor.difference(d) for d in capped]
        keyed = [self.samples.redactor.difference(d) for d in capped]  # masks as keyed hashes
        stored = keyed if self.store_values else [_without_values(d) for d in keyed]
        fields = compared.fields[: self.max_differences]  # stored like the differences: capped
        # stored with the sample: masked like its rows, as keyed hashes (equal inputs look equal)
        context = self.samples.redactor.value(pair.context) if self.store_values and pair.context else None
        detail = self.samples.detail(
            legacy=pair.legacy.result,
            orm=pair.orm.result,
            legacy_latency_ms=pair.legacy.latency_ms,
            orm_latency_ms=pair.orm.latency_ms,
            differences=capped,
            difference_count=compared.difference_count,
            spec=resolved.spec,
            spec_source=resolved.source,
            state=flag.state.value,
            version=flag.version,
            pair_id=pair.pair_id,
            normalized={rule: list(fields) for rule, fields in compared.normalized},
            # the worker parsed the rows; the request path never walks them
            rows_withheld=OFFLOADED_NOTE if offloaded else None,
        )
        future = self.writer.offer(
            MismatchSample(
                pair.module,
                pair.query_name,
                fields,
                stored,
                pair.request_id,
                now(),
                context=context,
                detail=detail,
            )
        )
        answer = self._done(q, pair, flag, Outcome.MISMATCH, None, labels)
        answer["differences"] = shown
        answer["difference_count"] = compared.difference_count
        answer["truncated"] = compared.difference_count > len(shown)
        if waiting is not None:
            waiting.append((answer, future))
        else:
            answer["sample"] = SAMPLE_QUEUED if future is not None else SAMPLE_DROPPED
        return answer

    def _done(
        self,
        q: QueryMetrics,
        pair: Pair,
        flag: Flag,
        outcome: Outcome,
        reason: Reason | None,
        fields: tuple[str, ...] = (),
    ) -> dict[str, Any]:
        q.outcome[outcome].inc()
        if self.rollups is not None:
            self.rollups.record(
                q.module,
                q.query_name,
                outcome,
                pair.legacy.latency_ms,
                pair.orm.latency_ms,
                pair.legacy.error_type is not None,
                pair.orm.error_type is not None,
                fields,
            )
        for observer in self.observers:
            try:
                observer(pair.module, pair.query_name, outcome)
            except Exception:
                log.exception("pair observer %r failed", observer)
        return {
            "outcome": outcome,
            "reason": reason,
            "differences": [],
            "state": flag.state.value,
            "version": flag.version,
        }


_rule_of = itemgetter(0)  # of a (rule, fields) entry of ``normalized``


def _without_values(diff: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in diff.items() if k not in ("legacy", "orm")}
