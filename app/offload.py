"""Large pairs are parsed and compared in a bounded process pool, so one never stalls the event loop.

A 3.6 MB pair with 120k differing keys takes ~1.7 s in ``comparators.compare``. The engine is compiled
with mypyc, so it never hands the GIL back while it runs: a thread does not help (measured: a 164 ms
gap in the event loop with the compare in a thread); a process does. Pairs whose JSON is larger than
``SHADOWDIFF_OFFLOAD_BYTES`` go to a pool of ``SHADOWDIFF_COMPARE_PROCESSES`` worker processes
(``spawn``ed at first use; a pool of 1+ bounds the CPU such pairs can take); smaller pairs, nearly all
of them, stay on the fast in-process path and pay nothing.

Parsing is part of the cost (``orjson.loads`` of that pair: ~0.2 s, also holding the GIL), so a body
past the threshold goes to the worker whole (:func:`process_body`): it parses and checks it exactly as
the request path would (same errors), compares every pair in it, and sends back the body with each
side's ``result`` replaced by null (the request path needs only names, latencies and errors) and one
:class:`Compared` per pair. The request path then decides each pair as usual (flag, sampling, spec
errors), using the worker's comparison where it compares. A batch body under ``16 x`` the threshold is
parsed in place and only its large pairs are sent (:meth:`Offloader.compare`).

Either way the comparison is reduced here to what a request needs, bounded whatever the pair:
at most ``max_differences`` differences in wire form, at most ``max_fields`` distinct field labels
(plus how many there were), and the total count. The worker sends back only that.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import orjson

from comparators import Comparison, Spec, compare


@dataclass(frozen=True, slots=True)
class Compared:
    """A comparison cut down to a request's bounded share of it (picklable)."""

    equal: bool
    differences: tuple[dict[str, Any], ...]  # the first ``max_differences``, wire form, not redacted
    difference_count: int
    fields: tuple[str, ...]  # the first ``max_fields`` distinct labels, report order
    field_count: int
    normalized: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (rule, legacy top-level fields)
    warnings: tuple[tuple[str, str], ...] = ()  # (option, message) of each spec warning


def summarize(comparison: Comparison, max_differences: int, max_fields: int) -> Compared:
    if comparison.equal:
        return Compared(True, (), 0, (), 0, comparison.normalized, warning_pairs(comparison))
    differences = comparison.differences
    fields: dict[str, None] = {}
    for diff in differences:
        fields.setdefault(diff.field, None)
    labels = tuple(fields)
    return Compared(
        False,
        tuple(d.to_wire() for d in differences[:max_differences]),
        len(differences),
        labels[:max_fields],
        len(labels),
        comparison.normalized,
        warning_pairs(comparison),
    )


def warning_pairs(comparison: Comparison) -> tuple[tuple[str, str], ...]:
    """The spec warnings as plain pairs (they cross a process boundary)."""
    return tuple((w.option, w.message) for w in comparison.warnings)


def _compare_encoded(
    payload: bytes, spec: dict[str, Any] | None, max_differences: int, max_fields: int
) -> Compared:
    """The worker's side: the pair's two results as JSON, the spec as its dict."""
    legacy, orm = orjson.loads(payload)
    parsed = Spec.from_dict(spec) if spec is not None else None
    return summarize(compare(legacy, orm, parsed), max_differences, max_fields)


def process_body(
    body: bytes,
    max_depth: int,
    batch: bool,
    stored_specs: dict[tuple[str, str], dict[str, Any]],
    max_differences: int,
    max_fields: int,
) -> tuple[Any, list[Compared | None]]:
    """The worker's side for a whole body: (the body without results, one comparison per pair).

    A comparison is None where the pair is not well formed or its spec is not valid: the request
    path then rejects that pair with its usual message."""
    from app.validation import parse_json  # the worker imports the request-side checks once

    data = parse_json(body, max_depth)
    items: list[Any]
    if batch:
        pairs = data.get("pairs") if isinstance(data, dict) else None
        items = pairs if isinstance(pairs, list) else []
    else:
        items = [data]
    compared: list[Compared | None] = []
    for item in items:
        compared.append(_compare_item(item, stored_specs, max_differences, max_fields))
        if isinstance(item, dict):
            for side in ("legacy", "orm"):
                if isinstance(item.get(side), dict) and "result" in item[side]:
                    item[side]["result"] = None
    return data, compared


def _compare_item(
    item: Any, stored_specs: dict[tuple[str, str], dict[str, Any]], max_differences: int, max_fields: int
) -> Compared | None:
    try:
        legacy, orm = item["legacy"]["result"], item["orm"]["result"]
        inline = item.get("spec")
        stored = stored_specs.get((item.get("module"), item.get("query_name")))
        if inline is not None and stored is not None:  # merged option by option, as SpecCache.resolve
            spec: Spec | None = Spec.from_dict(stored).merged(inline)
        else:
            raw = inline if inline is not None else stored
            spec = Spec.from_dict(raw) if raw is not None else None
        return summarize(compare(legacy, orm, spec), max_differences, max_fields)
    except Exception:
        return None


def _ready() -> bool:
    from app import validation  # noqa: F401  (what process_body imports, loaded before the first pair)

    return True


class Offloader:
    def __init__(self, *, threshold: int, processes: int) -> None:
        self.threshold = threshold
        self._processes = processes
        self._pool: ProcessPoolExecutor | None = None
        self._warmed = False
        self._starting = asyncio.Lock()

    def large(self, size: int) -> bool:
        return size > self.threshold

    def large_batch(self, size: int) -> bool:
        return size > 16 * self.threshold

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self._processes, mp_context=multiprocessing.get_context("spawn")
            )
        return self._pool

    async def process_body(
        self,
        body: bytes,
        *,
        max_depth: int,
        batch: bool,
        stored_specs: dict[tuple[str, str], dict[str, Any]],
        max_differences: int,
        max_fields: int,
    ) -> tuple[Any, list[Compared | None]]:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            await self._ready_pool(),
            process_body,
            body,
            max_depth,
            batch,
            stored_specs,
            max_differences,
            max_fields,
        )

    async def compare(
        self, legacy: Any, orm: Any, spec: Spec | None, max_differences: int, max_fields: int
    ) -> Compared:
        payload = orjson.dumps((legacy, orm))
        raw_spec = spec.to_dict() if spec is not None else None
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            await self._ready_pool(), _compare_encoded, payload, raw_spec, max_differences, max_fields
        )

    def _warm(self) -> ProcessPoolExecutor:
        """Start the worker processes and let each import what it runs (blocking: run in a thread)."""
        pool = self._executor()
        for future in [pool.submit(_ready) for _ in range(self._processes)]:
            future.result()
        return pool

    async def _ready_pool(self) -> ProcessPoolExecutor:
        """The pool, started on first use in a thread: spawning and importing take a moment that the
        event loop must not spend (and a service that never sees a large pair never starts it)."""
        if self._pool is not None and self._warmed:
            return self._pool
        async with self._starting:
            if not self._warmed:
                await asyncio.to_thread(self._warm)
                self._warmed = True
        assert self._pool is not None
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
            self._warmed = False
