"""Alertmanager webhook payloads as Alertmanager 0.25.0 (Debian's prometheus-alertmanager) sent them.

The JSON files in ``captured/`` were captured from the real program: alerts posted to its
``/api/v2/alerts`` and delivered by a ``webhook_configs`` receiver to a recording HTTP server.
``grouped.json`` is one notification of a group (``group_by: [alertname]``) holding three alerts, two
firing and one resolved. Tests rename the modules so that each test owns its own.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent / "captured"


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((HERE / f"{name}.json").read_text())
    return data


def fingerprint(labels: dict[str, str]) -> str:
    """Alertmanager's alert fingerprint (Prometheus ``LabelSet.Fingerprint``): FNV-1a 64 over the sorted
    label names and values, each followed by 0xff. Checked against the captured payloads."""
    value = 0xCBF29CE484222325
    for name in sorted(labels):
        for part in (name, labels[name]):
            for byte in part.encode() + b"\xff":
                value = ((value ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{value:016x}"


def retarget(payload: dict[str, Any], modules: dict[str, str], **labels: str) -> dict[str, Any]:
    """A copy with module labels renamed (old -> new) everywhere Alertmanager writes them and the
    given labels (e.g. ``severity="warning"``) set on every alert, fingerprints recomputed."""
    out = copy.deepcopy(payload)
    group_key = out["groupKey"]
    for old, new in modules.items():
        group_key = group_key.replace(f'module="{old}"', f'module="{new}"')
    out["groupKey"] = group_key
    for holder in [out["groupLabels"], out["commonLabels"], *(a["labels"] for a in out["alerts"])]:
        if holder.get("module") in modules:
            holder["module"] = modules[holder["module"]]
    for alert in out["alerts"]:
        alert["labels"].update(labels)
        for key, text in alert["annotations"].items():
            for old, new in modules.items():
                text = text.replace(old, new)
            alert["annotations"][key] = text
        alert["fingerprint"] = fingerprint(alert["labels"])
    if labels:
        out["commonLabels"].update(labels)
    return out
