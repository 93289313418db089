"""The monitoring tools the tests run for real (Debian's prometheus, promtool, alertmanager, amtool,
docker-compose), and the repository paths they check.

A missing tool fails the test that needs it with the command that installs it: ``make test`` installs
them first (``make tools``, as root; otherwise it stops and prints that command), and a test that
cannot run its real program must not pass as a silent skip.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
PROMETHEUS_DIR = ROOT / "prometheus"
RULE_FILES = (PROMETHEUS_DIR / "rules" / "recording.yml", PROMETHEUS_DIR / "rules" / "alerts.yml")
RULE_TESTS = tuple(sorted((PROMETHEUS_DIR / "tests").glob("*.yml")))
RUNBOOKS = ROOT / "docs" / "runbooks.md"
DASHBOARD = ROOT / "grafana" / "dashboards" / "shadowdiff-migration.json"

_PACKAGES = {
    "prometheus": "prometheus",
    "promtool": "prometheus",
    "prometheus-alertmanager": "prometheus-alertmanager",
    "amtool": "prometheus-alertmanager",
    "docker-compose": "docker-compose",
}


def require(tool: str) -> str:
    """The tool's path, or fail: the test cannot say anything without the real program."""
    path = shutil.which(tool)
    if path is None:
        package = _PACKAGES.get(tool, tool)
        pytest.fail(f"{tool} is not installed: run `make tools` as root, or `apt-get install {package}`")
    return path


def run(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run a tool to completion; the caller asserts on returncode and prints the output on failure."""
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=60, check=False)
