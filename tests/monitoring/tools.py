"""The monitoring tools the tests run for real (Debian's prometheus, promtool, alertmanager, amtool,
docker-compose), and the repository paths they check.

A missing tool skips the test that needs it with a message that says how to get it. `.ci/run` installs
them, so under CI (``CI`` set) a missing tool fails the test instead: an install step that broke must
not turn the end-to-end tests into silent skips.
"""

from __future__ import annotations

import os
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
    """The tool's path, or skip: the test cannot say anything without the real program."""
    path = shutil.which(tool)
    if path is None:
        package = _PACKAGES.get(tool, tool)
        if os.environ.get("CI"):
            pytest.fail(f"{tool} is not installed although .ci/run installs {package}: check its apt step")
        pytest.skip(f"{tool} is not installed: `apt-get install {package}` (or run .ci/run, which does)")
    return path


def run(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run a tool to completion; the caller asserts on returncode and prints the output on failure."""
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=60, check=False)
