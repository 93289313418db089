"""The whole alert loop with real programs: shadowdiff -> Prometheus -> Alertmanager -> webhook -> rollback.

A live service (guard off, so only the alert path can act), Debian's ``prometheus`` scraping it every
second with the project's recording and alert rules (``for:`` cut to 1 s in a temporary copy), and
``prometheus-alertmanager`` routing critical alerts to the service's webhook with an operator token.
A module in ``orm`` with auto_rollback on receives mismatching pairs and must be back in ``shadow``,
with the history naming Alertmanager, within a bounded time; a clean module beside it stays in ``orm``.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.live import free_port, live_service, running_program
from tests.monitoring.rules import write_fast_copies
from tests.monitoring.tools import require
from tests.rollback.client import HOOK, READER, TOKENS, Api, unique

pytestmark = pytest.mark.e2e

LOOP_DEADLINE = 60.0
ALERT = "ShadowMismatchRateCritical"


def alertmanager_config(webhook_url: str) -> dict[str, Any]:
    return {
        "route": {
            "receiver": "blackhole",
            "group_by": ["alertname", "module"],
            "group_wait": "1s",
            "group_interval": "1s",
            "repeat_interval": "1h",
            "routes": [
                {
                    "receiver": "shadowdiff-webhook",
                    "matchers": ['severity="critical"', 'module!="shadowdiff"'],
                }
            ],
        },
        "receivers": [
            {"name": "blackhole"},
            {
                "name": "shadowdiff-webhook",
                "webhook_configs": [
                    {
                        "url": webhook_url,
                        "send_resolved": True,
                        "http_config": {"authorization": {"type": "Bearer", "credentials": HOOK}},
                    }
                ],
            },
        ],
    }


def prometheus_config(rule_files: list[Path], service_port: int, alertmanager_port: int) -> dict[str, Any]:
    return {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(p) for p in rule_files],
        "alerting": {
            "alertmanagers": [{"static_configs": [{"targets": [f"127.0.0.1:{alertmanager_port}"]}]}]
        },
        "scrape_configs": [
            {
                "job_name": "shadowdiff",
                "metrics_path": "/metrics",
                "authorization": {"type": "Bearer", "credentials": READER},
                "static_configs": [
                    {"targets": [f"127.0.0.1:{service_port}"], "labels": {"environment": "e2e"}}
                ],
            }
        ],
    }


class Traffic(threading.Thread):
    """Posts batches of pairs until stopped: the alert's rates need a steady stream, not one burst."""

    def __init__(self, api: Api, module: str, mismatch: bool) -> None:
        super().__init__(daemon=True)
        self.api, self.module, self.mismatch = api, module, mismatch
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        sent = 0
        try:
            while not self.stop.is_set():
                self.api.post_pairs(self.module, 20, mismatch=self.mismatch, start=sent)
                sent += 20
                self.stop.wait(0.25)
        except BaseException as exc:  # reported by the test, not lost in the thread
            self.error = exc


def test_critical_alert_rolls_the_module_back_through_alertmanager(tmp_path: Path) -> None:
    prometheus = require("prometheus")
    alertmanager = require("prometheus-alertmanager")
    env = {
        "SHADOWDIFF_TOKENS": TOKENS,
        "SHADOWDIFF_DATA_DIR": str(tmp_path / "data"),
        "SHADOWDIFF_GUARD_ENABLED": "false",
    }
    with live_service(env, tmp_path) as service:
        api = Api(service.url)
        dirty, clean = unique("orders"), unique("catalog")
        api.put_flag(dirty, "orm", True)
        api.put_flag(clean, "orm", True)

        am_port, prom_port = free_port(), free_port()
        am_config = tmp_path / "alertmanager.yml"
        am_config.write_text(yaml.safe_dump(alertmanager_config(f"{service.url}/v1/alerts/alertmanager")))
        rules_dir = tmp_path / "rules"
        rules_dir.mkdir()
        prom_config = tmp_path / "prometheus.yml"
        prom_config.write_text(
            yaml.safe_dump(prometheus_config(write_fast_copies(rules_dir, "1s"), service.port, am_port))
        )
        am_args = [
            alertmanager,
            f"--config.file={am_config}",
            f"--storage.path={tmp_path / 'am-data'}",
            f"--web.listen-address=127.0.0.1:{am_port}",
            "--cluster.listen-address=",
        ]
        prom_args = [
            prometheus,
            f"--config.file={prom_config}",
            f"--storage.tsdb.path={tmp_path / 'prom-data'}",
            f"--web.listen-address=127.0.0.1:{prom_port}",
        ]
        am_ready = f"http://127.0.0.1:{am_port}/-/ready"
        prom_ready = f"http://127.0.0.1:{prom_port}/-/ready"
        with (
            running_program(am_args, tmp_path / "alertmanager.log", am_ready),
            running_program(prom_args, tmp_path / "prometheus.log", prom_ready),
        ):
            traffic = [Traffic(api, dirty, mismatch=True), Traffic(api, clean, mismatch=False)]
            for thread in traffic:
                thread.start()
            try:
                deadline = time.monotonic() + LOOP_DEADLINE
                while api.flag(dirty)["state"] != "shadow" and time.monotonic() < deadline:
                    assert all(t.error is None for t in traffic), [t.error for t in traffic]
                    time.sleep(0.5)
            finally:
                for thread in traffic:
                    thread.stop.set()
                for thread in traffic:
                    thread.join(timeout=10)
            logs = "\n".join(
                f"--- {name}:\n{(tmp_path / name).read_text(errors='replace')[-4000:]}"
                for name in ("alertmanager.log", "prometheus.log")
            )
        state = api.flag(dirty)["state"]
        assert state == "shadow", (
            f"{dirty} still {state!r} after {LOOP_DEADLINE:g} s\n{logs}\n{service.log()}"
        )
        entry = api.history(dirty)[0]
        clean_state = api.flag(clean)["state"]
    assert (entry["action"], entry["actor"], entry["source"]) == ("rollback", "alertmanager", "alertmanager")
    assert ALERT in entry["reason"]
    assert entry["decision"]["alert"]["labels"]["module"] == dirty
    assert entry["decision"]["comparisons"] > 0 and entry["decision"]["measured_rate"] == 1.0
    assert clean_state == "orm"
