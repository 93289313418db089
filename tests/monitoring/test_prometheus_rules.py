"""The committed Prometheus config, rules and rule unit tests, checked by the real promtool."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.monitoring.rules import alerting_rules, write_fast_copies
from tests.monitoring.tools import PROMETHEUS_DIR, RULE_FILES, RULE_TESTS, RUNBOOKS, require, run

ALERTS = {rule["alert"]: rule for rule in alerting_rules()}


def github_anchor(heading: str) -> str:
    """The fragment GitHub gives a Markdown heading: lower case, punctuation dropped, spaces to dashes."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_prometheus_config_is_valid() -> None:
    promtool = require("promtool")
    result = run(promtool, "check", "config", "prometheus.yml", cwd=PROMETHEUS_DIR)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("rule_file", RULE_FILES, ids=lambda p: p.name)
def test_rule_file_is_valid(rule_file: Path) -> None:
    promtool = require("promtool")
    result = run(promtool, "check", "rules", str(rule_file))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("test_file", RULE_TESTS, ids=lambda p: p.name)
def test_rule_unit_tests_pass(test_file: Path) -> None:
    promtool = require("promtool")
    result = run(promtool, "test", "rules", test_file.name, cwd=test_file.parent)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_alert_has_a_rule_unit_test() -> None:
    tested = {name for path in RULE_TESTS for name in re.findall(r"alertname: (\w+)", path.read_text())}
    assert set(ALERTS) <= tested, f"alerts without a promtool test: {sorted(set(ALERTS) - tested)}"


@pytest.mark.parametrize("name", sorted(ALERTS))
def test_alert_has_severity_for_and_annotations(name: str) -> None:
    rule: dict[str, Any] = ALERTS[name]
    assert rule["labels"]["severity"] in {"critical", "warning"}
    assert rule.get("for"), "a `for:` keeps one bad evaluation from paging"
    assert {"summary", "description", "runbook_url"} <= set(rule["annotations"])


@pytest.mark.parametrize("name", sorted(ALERTS))
def test_alert_names_its_module(name: str) -> None:
    """The module comes from the expression's `by (..., module)` records, or from a fixed label."""
    rule: dict[str, Any] = ALERTS[name]
    assert "module" in rule["labels"] or re.search(r"\benvironment_module\w*:", rule["expr"])


@pytest.mark.parametrize("name", sorted(ALERTS))
def test_runbook_link_points_at_a_runbook_heading(name: str) -> None:
    url: str = ALERTS[name]["annotations"]["runbook_url"]
    path, _, anchor = url.partition("#")
    assert path.endswith("/docs/runbooks.md")
    headings = re.findall(r"^#{1,6} (.+)$", RUNBOOKS.read_text(), flags=re.MULTILINE)
    assert anchor in {github_anchor(h) for h in headings}, f"docs/runbooks.md has no heading for #{anchor}"


def test_fast_copies_shorten_every_for_and_keep_the_expressions(tmp_path: Path) -> None:
    copies = write_fast_copies(tmp_path, pending_for="1s")
    promtool = require("promtool")
    result = run(promtool, "check", "rules", *map(str, copies))
    assert result.returncode == 0, result.stdout + result.stderr
    fast = {rule["alert"]: rule for rule in alerting_rules(copies)}
    assert {name: rule["for"] for name, rule in fast.items()} == dict.fromkeys(ALERTS, "1s")
    assert {name: rule["expr"] for name, rule in fast.items()} == {n: r["expr"] for n, r in ALERTS.items()}
