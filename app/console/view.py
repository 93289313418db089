"""Pure shaping of API answers for the console's templates (no I/O): board rows, the module's field
table, a JSON result as lines with the differing paths marked, and a refusal in the console's words."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flags.errors import Remedy, advise

MASK_PREFIX = "***"

# What a refused operator can do next, in the console's own terms: its user has a form with a Force
# box, a Ramp form and pages that show readiness and the guard, never an HTTP verb or a JSON body.
ADVICE: dict[Remedy, str] = {
    Remedy.CREATE: "it appears on the board when its first pair is posted; to create it before that: "
    "shadowdiff flags create {module} --reason ...",
    Remedy.REREAD: "reload this page and try again: the form sends the version the page was loaded with",
    Remedy.FORCE: "tick Force (the reason is recorded with it) to do it anyway",
    Remedy.AWAIT_READINESS: "wait until the module page says ready",
    Remedy.AWAIT_GUARD: "wait until the board shows its guard window back under the threshold",
    Remedy.RAMP_FULLY: "ramp the serve rate to 1 first (the Ramp form)",
    Remedy.LEAVE_MIGRATED: "if its SQL path still runs, move it to orm with Force and roll it back from "
    "there; otherwise fix forward on the ORM path",
}

_REMEDIES = {remedy.value: remedy for remedy in Remedy}


def refusal(answer: Mapping[str, Any]) -> str:
    """An error answer's message in the console's words: its ``problem`` followed by each of its
    ``remedies`` from :data:`ADVICE` (the names the API sends beside the HTTP-worded ``message``);
    the ``message`` as is when the answer names no problem (a validation error)."""
    problem = answer.get("problem")
    if not isinstance(problem, str):
        return str(answer.get("message", ""))
    known = tuple(_REMEDIES[r] for r in answer.get("remedies", ()) if r in _REMEDIES)
    module = answer.get("module")
    return advise(problem, known, ADVICE, module if isinstance(module, str) else None)


def board_rows(
    flags: Sequence[Mapping[str, Any]],
    windows: Mapping[str, Mapping[str, Any]],
    extras: Mapping[str, Mapping[str, Any]],
) -> list[dict[str, Any]]:
    """One row per module: its flag, the mismatch rate per window (with the compared count) and the
    height of each bar of the small chart (relative to the module's highest rate)."""
    rows = []
    for flag in flags:
        module = flag["module"]
        rates: dict[str, dict[str, Any]] = {}
        for window, modules in windows.items():
            figures = modules.get(module, {})
            counts = figures.get("comparisons", {})
            compared = int(counts.get("match", 0) + counts.get("mismatch", 0))
            rates[window] = {"rate": figures.get("mismatch_rate"), "compared": compared}
        top = max((r["rate"] or 0.0 for r in rates.values()), default=0.0)
        for r in rates.values():
            r["bar"] = 0 if not top or not r["rate"] else max(2, round(24 * r["rate"] / top))
        extra = extras.get(module, {})
        rows.append({"flag": flag, "rates": rates, **extra})
    return rows


def field_table(samples: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Per query, its differing fields by mismatch count (in the stored samples), with their kinds,
    first and last seen, and the newest sample and path to open."""
    queries: dict[str, dict[str, dict[str, Any]]] = {}
    for sample in samples:
        fields = queries.setdefault(sample["query_name"], {})
        for diff in sample.get("differences", []):
            entry = fields.setdefault(
                diff.get("field", "?"),
                {"count": 0, "kinds": set(), "first": sample["at"], "last": sample["at"], "sample": None},
            )
            entry["kinds"].add(diff.get("kind", "?"))
            entry["first"] = min(entry["first"], sample["at"])
            if sample["at"] >= entry["last"] or entry["sample"] is None:
                entry["last"] = max(entry["last"], sample["at"])
                entry["sample"] = sample["id"]
                entry["path"] = diff.get("path", "")
        for field in {d.get("field", "?") for d in sample.get("differences", [])}:
            fields[field]["count"] += 1
    out = []
    for query, fields in queries.items():
        listed = [
            {"field": name, **entry, "kinds": sorted(entry["kinds"])}
            for name, entry in sorted(fields.items(), key=lambda kv: (-kv[1]["count"], kv[0]))
        ]
        out.append({"query_name": query, "fields": listed, "total": sum(f["count"] for f in listed)})
    return sorted(out, key=lambda q: (-q["total"], q["query_name"]))


@dataclass(frozen=True, slots=True)
class Line:
    depth: int
    text: str
    path: str
    differs: bool
    masked: bool


def _canonical(path: str) -> str:
    return path.replace("_", "").lower()


def _label(row: Any, index: int, key: Sequence[str]) -> str:
    if isinstance(row, dict):
        if key and all(k in row for k in key):
            return "[" + ",".join(f"{k}={_text(row[k])}" for k in key) + "]"
        if "id" in row and not isinstance(row["id"], dict | list):
            return f"[id={_text(row['id'])}]"
    return f"[{index}]"


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def json_lines(value: Any, differing: Sequence[str], key: Any = None) -> list[Line]:
    """``value`` pretty-printed as lines, each with its path; a line differs when a difference's path
    is its path or one of its ancestors' (a missing row marks the whole row). Field names match
    whatever their spelling (``full_name`` = ``fullName``), as the engine matches them."""
    keys = [key] if isinstance(key, str) else list(key or [])
    targets = [_canonical(p) for p in differing if p]
    lines: list[Line] = []

    def marked(path: str) -> bool:
        c = _canonical(path)
        return bool(path) and any(c == t or c.startswith(t + ".") or c.startswith(t + "[") for t in targets)

    def walk(node: Any, path: str, depth: int, lead: str, comma: str, top: bool) -> None:
        if isinstance(node, dict) and node:
            lines.append(Line(depth, f"{lead}{{", path, marked(path), False))
            items = list(node.items())
            for i, (name, child) in enumerate(items):
                child_path = f"{path}.{name}" if path else str(name)
                walk(
                    child,
                    child_path,
                    depth + 1,
                    f"{json.dumps(name)}: ",
                    "," if i < len(items) - 1 else "",
                    False,
                )
            lines.append(Line(depth, "}" + comma, path, marked(path), False))
        elif isinstance(node, list) and node:
            lines.append(Line(depth, f"{lead}[", path, marked(path), False))
            for i, child in enumerate(node):
                label = _label(child, i, keys if top else [])
                walk(child, f"{path}{label}", depth + 1, "", "," if i < len(node) - 1 else "", False)
            lines.append(Line(depth, "]" + comma, path, marked(path), False))
        else:
            masked = isinstance(node, str) and node.startswith(MASK_PREFIX)
            lines.append(
                Line(
                    depth, f"{lead}{json.dumps(node, ensure_ascii=False)}{comma}", path, marked(path), masked
                )
            )

    walk(value, "", 0, "", "", True)
    return lines
