"""A real Prometheus for tests: the project's scrape config and rules, pointed at a live shadowdiff.

The config is derived from ``prometheus/prometheus.yml`` rather than written anew, so a test proves the
committed file: only the target addresses, the intervals (1 s, so a test sees data in seconds) and the
rule paths (copies with a short ``for:``) change.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import yaml

from tests.live import free_port, running_program
from tests.monitoring.rules import write_fast_copies
from tests.monitoring.tools import PROMETHEUS_DIR, require

T = TypeVar("T")


def project_config() -> dict[str, Any]:
    data = yaml.safe_load((PROMETHEUS_DIR / "prometheus.yml").read_text())
    assert isinstance(data, dict)
    return data


def scrape_labels(job: str = "shadowdiff") -> dict[str, str]:
    """The target labels the project's config gives a job (e.g. ``environment``): static labels, and
    constant labels its relabelling sets (the shadowdiff job finds its replicas by DNS)."""
    for scrape in project_config()["scrape_configs"]:
        if scrape["job_name"] == job:
            labels: dict[str, str] = {}
            for static in scrape.get("static_configs", []):
                labels.update(static.get("labels", {}))
            for rule in scrape.get("relabel_configs", []):
                if "source_labels" not in rule and "target_label" in rule:
                    labels[rule["target_label"]] = rule["replacement"]
            return labels
    raise AssertionError(f"prometheus.yml has no job {job!r}")


def write_config(workdir: Path, shadowdiff: str, own_address: str, alertmanager: str | None = None) -> Path:
    """Write the test's prometheus.yml (and fast rule copies) into workdir; return its path."""
    config = project_config()
    config["global"].update(scrape_interval="1s", evaluation_interval="1s")
    rules_dir = workdir / "rules"
    rules_dir.mkdir()
    config["rule_files"] = [str(p) for p in write_fast_copies(rules_dir)]
    targets = {"shadowdiff": shadowdiff, "prometheus": own_address}
    for scrape in config["scrape_configs"]:
        # Discovery (DNS in the compose stack) is swapped for the test's one target, labels kept.
        labels = scrape_labels(scrape["job_name"])
        scrape.pop("dns_sd_configs", None)
        scrape["static_configs"] = [{"targets": [targets[scrape["job_name"]]], "labels": labels}]
    if alertmanager is None:
        config.pop("alerting", None)
    else:
        config["alerting"]["alertmanagers"] = [{"static_configs": [{"targets": [alertmanager]}]}]
    path = workdir / "prometheus.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


@dataclass
class Prometheus:
    url: str
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def api(self, path: str, **params: Any) -> Any:
        response = httpx.get(f"{self.url}/api/v1/{path}", params=params, timeout=10)
        body = response.json()
        assert response.status_code == 200 and body["status"] == "success", f"{path} {params}: {body}"
        return body["data"]

    def query(self, expr: str) -> list[dict[str, Any]]:
        data = self.api("query", query=expr)
        assert data["resultType"] == "vector", data
        result: list[dict[str, Any]] = data["result"]
        return result

    def query_range(self, expr: str, seconds: float, step: str = "1s") -> list[dict[str, Any]]:
        end = time.time()
        result: list[dict[str, Any]] = self.api(
            "query_range", query=expr, start=end - seconds, end=end, step=step
        )["result"]
        return result

    def alerts(self) -> list[dict[str, Any]]:
        alerts: list[dict[str, Any]] = self.api("alerts")["alerts"]
        return alerts


def wait_for(what: str, probe: Callable[[], T | None], timeout: float, log: Callable[[], str]) -> T:
    """Poll probe until it returns something, or fail with what was awaited and the process log."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value is not None:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout:g} s\n--- log ---\n{log()[-4000:]}")
        time.sleep(0.25)


@contextmanager
def running_prometheus(
    workdir: Path, shadowdiff: str, alertmanager: str | None = None
) -> Iterator[Prometheus]:
    """Run prometheus until the block ends; fail with its log if it does not get ready."""
    binary = require("prometheus")
    address = f"127.0.0.1:{free_port()}"
    config = write_config(workdir, shadowdiff, address, alertmanager)
    log_path = workdir / "prometheus.log"
    args = [
        binary,
        f"--config.file={config}",
        f"--storage.tsdb.path={workdir / 'data'}",
        f"--web.listen-address={address}",
        "--log.level=warn",
    ]
    with running_program(args, log_path, f"http://{address}/-/ready"):
        yield Prometheus(f"http://{address}", log_path)
