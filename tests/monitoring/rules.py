"""Reading the project's alert rules, and a fast copy of them for tests against a live Prometheus."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import yaml

from tests.monitoring.tools import RULE_FILES


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text())
    assert isinstance(data, dict), f"{path} is not a YAML mapping"
    return data


def alerting_rules(paths: Iterable[Path] = RULE_FILES) -> Iterator[dict[str, Any]]:
    for path in paths:
        for group in load(path)["groups"]:
            yield from (rule for rule in group["rules"] if "alert" in rule)


def write_fast_copies(target_dir: Path, pending_for: str = "1s") -> list[Path]:
    """Copy every rule file into target_dir with each alert's `for:` cut to pending_for.

    The rules are otherwise exactly the committed ones, so a live test proves the real expressions;
    only the wait before firing shrinks from minutes to seconds.
    """
    written = []
    for path in RULE_FILES:
        data = load(path)
        for group in data["groups"]:
            for rule in group["rules"]:
                if "alert" in rule:
                    rule["for"] = pending_for
        copy = target_dir / path.name
        copy.write_text(yaml.safe_dump(data, sort_keys=False))
        written.append(copy)
    return written
