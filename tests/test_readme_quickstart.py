"""The README's first-pairs walk, run line by line against a live service, as a newcomer types it.

Each command of the ``section:first-pairs`` block runs in ``bash`` from the repository root (the
README's ``http://127.0.0.1:8000`` pointed at this test's service, ``.venv/bin/shadowdiff`` at the
venv's console script); each ``# →`` line under a command lists fragments (separated by ``…``) that
its output must contain in that order. A README whose commands fail or whose shown output is false
fails here.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.live import LiveService, live_service

ROOT = Path(__file__).resolve().parent.parent
README_URL = "http://127.0.0.1:8000"


@dataclass(frozen=True)
class Step:
    command: str
    expected: tuple[str, ...]


def steps(readme: str) -> list[Step]:
    section = readme.split("<!-- section:first-pairs -->", 1)[1].split("<!-- /section:first-pairs -->", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block is not None, "the first-pairs section has no bash block"
    found: list[Step] = []
    command: list[str] = []
    for line in block.group(1).splitlines():
        if line.startswith("# →"):
            assert found, f"an expected output before any command: {line}"
            fragments = tuple(f.strip() for f in line.removeprefix("# →").split("…"))
            found[-1] = Step(found[-1].command, found[-1].expected + fragments)
        elif line.startswith("#") or not line.strip():
            continue
        elif command or line.startswith(("curl", ".venv/")):
            command.append(line)
            if "\n".join(command).count("'") % 2 == 0:  # a quoted body spans lines until its closing quote
                found.append(Step("\n".join(command), ()))
                command = []
    assert not command, f"an unterminated command: {command}"
    return found


@pytest.fixture(scope="module")
def service(module_tmp: Path) -> Iterator[LiveService]:
    with live_service({"SHADOWDIFF_DATA_DIR": str(module_tmp / "data")}, module_tmp) as live:
        yield live


def test_the_readme_walk_has_commands_each_with_its_expected_output() -> None:
    found = steps((ROOT / "README.md").read_text())
    assert len(found) == 4
    assert all(step.expected for step in found)


def test_every_first_pairs_command_runs_and_prints_what_the_readme_shows(service: LiveService) -> None:
    script = Path(sys.executable).parent / "shadowdiff"
    env = {**os.environ, "SHADOWDIFF_URL": service.url, "COLUMNS": "200"}
    env.pop("SHADOWDIFF_TOKEN", None)
    for step in steps((ROOT / "README.md").read_text()):
        command = step.command.replace(README_URL, service.url).replace(".venv/bin/shadowdiff", str(script))
        done = subprocess.run(
            ["bash", "-c", command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, (step.command, done.stdout, done.stderr)
        position = 0
        for fragment in step.expected:
            found = done.stdout.find(fragment, position)
            assert found >= 0, f"{step.command}\nprinted {done.stdout!r}\nwithout {fragment!r}"
            position = found + len(fragment)
