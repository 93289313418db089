"""The README's settings table names every setting the service reads, and nothing it does not."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import AliasChoices

from app.settings import Settings

README = Path(__file__).resolve().parent.parent / "README.md"
PREFIX = str(Settings.model_config.get("env_prefix", ""))


def env_names() -> set[str]:
    """What the environment spells each setting as (its alias when it has one, e.g. DATABASE_URL)."""
    names = set()
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        if isinstance(alias, AliasChoices):
            names.add(str(alias.choices[0]))
        else:
            names.add(PREFIX + name.upper())
    return names


def readme_rows() -> list[list[str]]:
    """The backticked variable names in the first column of each row of the Settings table."""
    text = README.read_text(encoding="utf-8")
    section = text.split("### Settings", 1)[1].split("\n### ", 1)[0]
    rows = []
    for line in section.splitlines():
        if line.startswith("| `"):
            first_cell = line.strip("|").split("|", 1)[0]
            rows.append(re.findall(r"`([A-Z_][A-Z0-9_]*)`", first_cell))
    return rows


def readme_names(known: set[str]) -> set[str]:
    """Full names as written; a shorthand ``_SUFFIX`` after a full name expands to the known setting
    that shares a leading part of that name (``SHADOWDIFF_GUARD_ENABLED``, ``_WINDOW_SECONDS``)."""
    found = set()
    for row in readme_rows():
        head = next((n for n in row if not n.startswith("_")), "")
        parts = head.split("_")
        for name in row:
            if not name.startswith("_"):
                found.add(name)
                continue
            candidates = {"_".join(parts[:i]) + name for i in range(1, len(parts))}
            found |= (candidates & known) or {head.split("_", 1)[0] + name}
    return found


def test_every_setting_is_in_the_readme() -> None:
    known = env_names()
    assert sorted(known - readme_names(known)) == []


def test_the_readme_names_no_setting_that_does_not_exist() -> None:
    known = env_names()
    assert sorted(readme_names(known) - known) == []
