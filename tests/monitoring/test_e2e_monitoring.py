"""The dashboard and the alerts against a real Prometheus scraping the real service.

One stack per module (shadowdiff on SQLite, Prometheus scraping it every second with the project's rules,
`for:` cut to 1 s), fed matching pairs for one module and planted mismatches for another. Then every
dashboard query runs through Prometheus's HTTP API with the template variables filled in as Grafana
would, and the critical mismatch alert must fire for the planted module only.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.live import LiveService, live_service
from tests.monitoring.dashboard import PanelQuery, annotation_queries, load, panel_queries, panels, substitute
from tests.monitoring.live_prometheus import Prometheus, running_prometheus, scrape_labels, wait_for
from tests.monitoring.traffic import CLEAN, PLANTED, post, round_of_pairs

pytestmark = pytest.mark.e2e

BOARD = load()
INSTANT = {
    (p["title"], t.get("refId")) for p in panels(BOARD) for t in p.get("targets", []) if t.get("instant")
}
ENVIRONMENT = scrape_labels()["environment"]
VARIABLES = {
    "environment": ENVIRONMENT,
    "module": f"{PLANTED}|{CLEAN}",  # a multi-value selection, as Grafana renders it for a regex matcher
    "__rate_interval": "1m",
    "__interval": "2s",
    "__range": "5m",
}
ROUNDS = 4


@dataclass
class Stack:
    service: LiveService
    prometheus: Prometheus


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    workdir = tmp_path_factory.mktemp("e2e")
    env = {
        "SHADOWDIFF_DATA_DIR": str(workdir / "data"),
        "DATABASE_URL": "",
        "SHADOWDIFF_TOKENS": "",
        "SHADOWDIFF_GUARD_ENABLED": "false",  # the planted module must keep serving for the page to fire
    }
    with (
        live_service(env, workdir) as service,
        running_prometheus(workdir, f"127.0.0.1:{service.port}") as prometheus,
    ):
        stack = Stack(service, prometheus)
        wait_for("first scrape of shadowdiff", lambda: _target_up(prometheus), 15, prometheus.log)
        _promote_and_roll_back(service.url, PLANTED)
        for number in range(ROUNDS):  # spread over several scrapes, so rates see the counters move
            post(service.url, round_of_pairs(number))
            time.sleep(1.1)
        wait_for(
            "mismatch ratio recorded for both modules",
            lambda: _recorded_modules(prometheus) >= {PLANTED, CLEAN} or None,
            15,
            prometheus.log,
        )
        yield stack


def _target_up(prometheus: Prometheus) -> bool | None:
    return any(s["value"][1] == "1" for s in prometheus.query('up{job="shadowdiff"}')) or None


def _recorded_modules(prometheus: Prometheus) -> set[str]:
    return {
        s["metric"]["module"] for s in prometheus.query("environment_module:shadow_mismatch_ratio:rate5m")
    }


def _promote_and_roll_back(url: str, module: str) -> None:
    """One API rollback, for the dashboard's rollback and flag-change annotations to show; then the
    module serves the ORM result again, since the mismatch alert pages only while it does."""
    body = {"state": "orm", "reason": "e2e: promote", "force": True, "auto_rollback": False}
    put = httpx.put(f"{url}/v1/flags/{module}", json=body, timeout=10)
    assert put.status_code in (200, 201), put.text
    back = httpx.post(f"{url}/v1/flags/{module}/rollback", json={"reason": "e2e: roll back"}, timeout=10)
    assert back.status_code == 200, back.text
    again = httpx.put(f"{url}/v1/flags/{module}", json={**body, "reason": "e2e: serve again"}, timeout=10)
    assert again.status_code == 200, again.text


def _alerts(prometheus: Prometheus, name: str, module: str) -> list[dict[str, Any]]:
    return [
        a for a in prometheus.alerts() if a["labels"]["alertname"] == name and a["labels"]["module"] == module
    ]


def _firing(prometheus: Prometheus, name: str, module: str) -> list[dict[str, Any]]:
    return [a for a in _alerts(prometheus, name, module) if a["state"] == "firing"]


@pytest.mark.parametrize("panel_query", panel_queries(BOARD), ids=lambda q: q.id)
def test_panel_query_returns_data(stack: Stack, panel_query: PanelQuery) -> None:
    expr = substitute(panel_query.expr, VARIABLES)
    if (panel_query.panel, panel_query.ref_id) in INSTANT:
        result = stack.prometheus.query(expr)
    else:
        result = stack.prometheus.query_range(expr, seconds=60)
    assert result, f"no data for {expr}"


@pytest.mark.parametrize("annotation", annotation_queries(BOARD), ids=lambda q: q.id)
def test_annotation_query_marks_the_api_changes(stack: Stack, annotation: PanelQuery) -> None:
    result = stack.prometheus.query_range(substitute(annotation.expr, VARIABLES), seconds=120, step="2s")
    assert {(s["metric"]["module"], s["metric"]["actor"]) for s in result} == {(PLANTED, "api")}


@pytest.mark.parametrize(
    ("variable", "expected"), [("environment", {ENVIRONMENT}), ("module", {PLANTED, CLEAN})]
)
def test_template_variable_lists_its_values(stack: Stack, variable: str, expected: set[str]) -> None:
    """``label_values(selector, label)`` is Grafana's; Prometheus answers it as /label/<label>/values."""
    query = next(v["query"] for v in BOARD["templating"]["list"] if v["name"] == variable)
    selector, label = query.removeprefix("label_values(").removesuffix(")").rsplit(", ", 1)
    assert label == variable
    values = stack.prometheus.api(f"label/{label}/values", **{"match[]": substitute(selector, VARIABLES)})
    assert set(values) == expected


def test_critical_mismatch_alert_fires_for_the_planted_module(stack: Stack) -> None:
    firing = wait_for(
        f"ShadowMismatchRateCritical firing for {PLANTED}",
        lambda: _firing(stack.prometheus, "ShadowMismatchRateCritical", PLANTED) or None,
        30,
        stack.prometheus.log,
    )
    assert firing[0]["labels"]["severity"] == "critical"
    assert firing[0]["labels"]["environment"] == ENVIRONMENT
    assert firing[0]["annotations"]["runbook_url"].endswith("#shadowmismatchratecritical")


def test_critical_mismatch_alert_stays_silent_for_the_clean_module(stack: Stack) -> None:
    wait_for(
        "the planted module's alert (the rules have been evaluated)",
        lambda: _alerts(stack.prometheus, "ShadowMismatchRateCritical", PLANTED) or None,
        30,
        stack.prometheus.log,
    )
    assert _alerts(stack.prometheus, "ShadowMismatchRateCritical", CLEAN) == []
