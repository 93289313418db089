"""Reading the committed dashboard: its panels' queries, and those queries made runnable in Prometheus.

Grafana fills template variables before a query reaches Prometheus; :func:`substitute` does the same
with fixed values, so a test can run every panel's expression through Prometheus's HTTP API.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from tests.monitoring.tools import DASHBOARD


@dataclass(frozen=True)
class PanelQuery:
    panel: str
    ref_id: str
    expr: str

    @property
    def id(self) -> str:
        return f"{self.panel} [{self.ref_id}]"


def load() -> dict[str, Any]:
    data = json.loads(DASHBOARD.read_text())
    assert isinstance(data, dict)
    return data


def panels(board: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """Every panel, also those nested in rows."""
    for panel in board.get("panels", []):
        yield panel
        yield from panel.get("panels", [])


def panel_queries(board: Mapping[str, Any]) -> list[PanelQuery]:
    return [
        PanelQuery(panel["title"], target.get("refId", "?"), target["expr"])
        for panel in panels(board)
        for target in panel.get("targets", [])
    ]


def annotation_queries(board: Mapping[str, Any]) -> list[PanelQuery]:
    return [
        PanelQuery(f"annotation {annotation['name']}", "-", annotation["expr"])
        for annotation in board["annotations"]["list"]
        if "expr" in annotation
    ]


def substitute(expr: str, variables: Mapping[str, str]) -> str:
    """Replace $name, ${name} and [[name]] as Grafana does; longest names first ($__range_s vs $__range)."""
    for name in sorted(variables, key=len, reverse=True):
        value = variables[name]
        expr = expr.replace(f"${{{name}}}", value).replace(f"[[{name}]]", value)
        expr = re.sub(rf"\${re.escape(name)}(?![A-Za-z0-9_])", value.replace("\\", "\\\\"), expr)
    return expr


def unsubstituted(expr: str) -> list[str]:
    return re.findall(r"\$\{?\w+|\[\[\w+\]\]", expr)
