"""The public names of ``comparators`` are exactly the ones the README documents (as httpx does)."""

from __future__ import annotations

import re
from pathlib import Path

import comparators

README = Path(__file__).resolve().parent.parent / "README.md"


def _documented_names() -> set[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("<!-- section:comparators -->", 1)[1].split("<!-- /section:comparators -->", 1)[0]
    public = section.split("### Public names", 1)[1].split("\n### ", 1)[0]
    return set(re.findall(r"^- `([A-Za-z_][A-Za-z0-9_]*)", public, flags=re.MULTILINE))


def test_all_lists_exactly_the_documented_names() -> None:
    assert set(comparators.__all__) == _documented_names()


def test_every_listed_name_exists() -> None:
    missing = [name for name in comparators.__all__ if not hasattr(comparators, name)]
    assert missing == []


def test_no_undocumented_public_attribute() -> None:
    public = {
        name
        for name, value in vars(comparators).items()
        if not name.startswith("_") and not isinstance(value, type(comparators))
    }
    assert public <= set(comparators.__all__)
