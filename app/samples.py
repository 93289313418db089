"""What a mismatch sample keeps beyond its differences, and re-diffing it under another spec.

A sample is for the person who has to decide "bug or representation?", so it keeps what that takes:
both sides' rows (redacted with keyed hashes, so two masked values that were equal still look equal),
the spec that applied, the module's state and version at the time, both latencies, the pair's
``pair_id`` (its ``context`` has a column of its own), and the rules that absorbed representation
(``normalized``). The rows are kept within ``SHADOWDIFF_SAMPLE_MAX_BYTES``: the whole results when they
fit, else only the rows the differences name by key (``[id=3]``), else none (``rows_kept`` says which
and ``rows_note`` why).

Re-diffing (``POST /v1/specs/{module}/{query_name}/dry-run``) runs the comparison again on the kept rows.
Masked values compare by their hashes: equal hashes mean equal values as sent, but two different hashes
may still be one value in two spellings (``"12.50"`` and ``12.5``), so a difference left only between
masked values is reported as "cannot tell" rather than as a real difference.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from app.redact import HASHED_MASK_PREFIX, MASK, Redactor
from comparators import Spec, compare

ROWS_ALL = "all"
ROWS_INVOLVED = "involved"
ROWS_NONE = "none"

INVOLVED_NOTE = "only the rows the differences name (the results are larger)"

VERDICT_MATCH = "would_match"
VERDICT_DIFFERS = "still_differs"
VERDICT_CANNOT = "cannot_rediff"
VERDICTS = (VERDICT_MATCH, VERDICT_DIFFERS, VERDICT_CANNOT)

_KEY_SEGMENT = re.compile(r"^\[([^\]]*=[^\]]*)\]")


def _canonical(name: str) -> str:
    return name.replace("_", "").lower()


def _key_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return orjson.dumps(value).decode() if value is not None else "null"


def _row_keys(differences: Sequence[dict[str, Any]]) -> list[dict[str, str]] | None:
    """The key of each row the differences name (``[tenant=a,id=3]`` -> {"tenant": "a", "id": "3"});
    None when a difference names no row by key (a row index, the whole result, the order)."""
    keys: list[dict[str, str]] = []
    for diff in differences:
        found = _KEY_SEGMENT.match(str(diff.get("path") or ""))
        if found is None:
            return None
        parts = dict(part.split("=", 1) for part in found.group(1).split(","))
        keys.append({_canonical(k): v for k, v in parts.items()})
    return keys


def _rows_with_keys(rows: Any, keys: list[dict[str, str]]) -> list[Any]:
    if not isinstance(rows, list):
        return []
    kept = []
    for row in rows:
        if not isinstance(row, dict):
            continue
        canonical = {_canonical(str(k)): v for k, v in row.items()}
        if any(all(k in canonical and _key_text(canonical[k]) == v for k, v in key.items()) for key in keys):
            kept.append(row)
    return kept


def _size(value: Any) -> int:
    try:
        return len(orjson.dumps(value))
    except TypeError:
        return len(repr(value))


@dataclass(frozen=True, slots=True, kw_only=True)
class SampleBuilder:
    """Builds the ``detail`` of a sample on the ingest path (only for mismatching pairs)."""

    redactor: Redactor  # with the server key: masks are keyed hashes
    max_bytes: int
    store_values: bool

    def detail(
        self,
        *,
        legacy: Any,
        orm: Any,
        legacy_latency_ms: float | None,
        orm_latency_ms: float | None,
        differences: Sequence[dict[str, Any]],
        difference_count: int,
        spec: Spec | None,
        spec_source: str,
        state: str,
        version: int,
        pair_id: str | None = None,
        normalized: Any = None,
        rows_withheld: str | None = None,
    ) -> dict[str, Any]:
        """``rows_withheld``: why no rows are kept (the pair was compared elsewhere), without looking."""
        rows: dict[str, Any] | None = None
        kept, note = ROWS_NONE, rows_withheld
        if rows_withheld is None:
            rows, kept, note = self._rows(legacy, orm, differences)
        return {
            "pair_id": pair_id,
            "spec": spec.to_dict() if spec is not None else None,
            "spec_source": spec_source,
            "state": state,
            "version": version,
            "latency_ms": {"legacy": legacy_latency_ms, "orm": orm_latency_ms},
            "normalized": normalized,
            "difference_count": difference_count,
            "rows": rows,
            "rows_kept": kept,
            "rows_note": note,
        }

    def _rows(
        self, legacy: Any, orm: Any, differences: Sequence[dict[str, Any]]
    ) -> tuple[dict[str, Any] | None, str, str | None]:
        if not self.store_values:
            return None, ROWS_NONE, "values are not stored (SHADOWDIFF_STORE_VALUES=false)"
        raw = {"legacy": legacy, "orm": orm}
        # Sized before redacting (orjson, C speed): a large pair is never walked whole on the loop.
        if _size(raw) <= 2 * self.max_bytes:
            both = self.redactor.value(raw)
            if _size(both) <= self.max_bytes:
                return both, ROWS_ALL, None
        keys = _row_keys(differences)
        if keys is not None:
            picked = {side: _rows_with_keys(rows, keys) for side, rows in raw.items()}
            if _size(picked) <= 2 * self.max_bytes:
                involved = self.redactor.value(picked)
                if _size(involved) <= self.max_bytes:
                    return (
                        involved,
                        ROWS_INVOLVED,
                        "only the rows the differences name (the results are larger)",
                    )
        return None, ROWS_NONE, f"the rows are larger than SHADOWDIFF_SAMPLE_MAX_BYTES ({self.max_bytes})"


def _is_mask(value: Any) -> bool:
    return isinstance(value, str) and (value == MASK or value.startswith(HASHED_MASK_PREFIX))


def _kept_rows(detail: dict[str, Any] | None) -> dict[str, Any] | None:
    """Both sides' rows as the sample kept them, or None when it kept none to re-diff."""
    rows = (detail or {}).get("rows")
    return rows if isinstance(rows, dict) and "legacy" in rows and "orm" in rows else None


def rediff(detail: dict[str, Any] | None, spec: Spec) -> dict[str, Any]:
    """The verdict on one stored sample under ``spec``: would it match now, still differ, or can it
    not be told (no rows kept, or only masked values left to compare)?"""
    rows = _kept_rows(detail)
    if rows is None:
        note = (detail or {}).get("rows_note") or "the sample was stored without its rows"
        return {"verdict": VERDICT_CANNOT, "why": note, "differences": [], "warnings": []}
    comparison = compare(rows["legacy"], rows["orm"], spec)
    warnings = [w.to_wire() for w in comparison.warnings]
    if comparison.equal:
        return {"verdict": VERDICT_MATCH, "why": None, "differences": [], "warnings": warnings}
    left = [d.to_wire() for d in comparison.differences]
    if all(_is_mask(d.get("legacy")) or _is_mask(d.get("orm")) for d in left):
        return {
            "verdict": VERDICT_CANNOT,
            "why": "only masked values are left to compare; their hashes differ, which may be spelling",
            "differences": left,
            "warnings": warnings,
        }
    return {"verdict": VERDICT_DIFFERS, "why": None, "differences": left, "warnings": warnings}


def dry_run(samples: Sequence[Any], spec: Spec) -> dict[str, Any]:
    """Re-diff each stored sample (``MismatchSample``) under ``spec``: counts per verdict, and each.
    ``warnings`` names an option that matched nothing in any sample re-diffed (a typo such as
    ``ignore: [curency]``, which otherwise reads only as "still differs"); one that matched in some
    sample is left to that sample's own ``warnings``."""
    results = []
    counts = dict.fromkeys(VERDICTS, 0)
    common: dict[tuple[str, str], dict[str, str]] | None = None
    for sample in samples:
        verdict = rediff(sample.detail, spec)
        counts[verdict["verdict"]] += 1
        if _kept_rows(sample.detail) is not None:  # compared: its warnings say what matched nothing in it
            mine = {(w["option"], w["message"]): w for w in verdict["warnings"]}
            common = mine if common is None else {k: w for k, w in common.items() if k in mine}
        results.append({"id": sample.id, "at": sample.at.isoformat(), **verdict})
    return {"counts": counts, "warnings": list((common or {}).values()), "samples": results}
