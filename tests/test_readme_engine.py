"""The README's rule and spec-option tables are exactly what comparators generates, and every rule's
examples compare as the table says (so the README can drift neither from the rule enum nor from the
engine)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from comparators import Spec, compare
from comparators.rules import RULE_TABLE, Rule, RuleDoc, readme_table
from comparators.spec import OPTION_NAMES, json_schema
from comparators.spec import readme_table as options_table

README = Path(__file__).resolve().parent.parent / "README.md"


def _between(marker: str) -> str:
    text = README.read_text(encoding="utf-8")
    found = re.search(rf"<!-- table:{marker} -->\n(.*?)\n<!-- /table:{marker} -->", text, re.S)
    assert found, f"README has no table:{marker} block"
    return found.group(1)


def test_the_readme_rule_table_is_generated_from_the_rule_table() -> None:
    assert _between("rules") == readme_table()


def test_the_readme_rule_table_has_one_row_per_rule() -> None:
    rows = [line for line in _between("rules").splitlines() if line.startswith("| `")]
    assert [re.findall(r"^\| `([a-z_0-9]+)`", row) for row in rows] == [[r.value] for r in Rule]
    assert [doc.rule for doc in RULE_TABLE] == list(Rule)


def test_the_readme_spec_options_table_is_generated_from_the_option_table() -> None:
    assert _between("spec-options") == options_table()
    assert list(json_schema()["properties"]) == list(OPTION_NAMES)


@pytest.mark.parametrize("doc", RULE_TABLE, ids=[d.rule.value for d in RULE_TABLE])
def test_each_rule_example_compares_as_the_table_says(doc: RuleDoc) -> None:
    legacy, orm = doc.equal
    equal = compare([{"id": 1, "v": legacy}], [{"id": 1, "v": orm}], Spec())
    assert equal.equal, equal.differences
    assert doc.rule.value in equal.normalized_wire()
    legacy, orm = doc.not_equal
    different = compare([{"id": 1, "v": legacy}], [{"id": 1, "v": orm}], Spec())
    assert [d.field for d in different.differences] == ["v"]
