"""Replays the SQL-vs-Prisma fixture corpora (tests/corpus/) through the engine.

Each fixture is a real pair: one query read through a legacy driver and through Prisma 7, serialized as a
backend posts it. Three corpora, one per database: PostgreSQL (`pg` vs @prisma/adapter-pg, fixtures/),
MariaDB (`mysql2` vs @prisma/adapter-mariadb, mariadb/fixtures/) and SQLite (`better-sqlite3` vs
@prisma/adapter-better-sqlite3, sqlite/fixtures/).

Pairs equal in data must compare equal (no false positive on a representation difference); pairs with a
planted porting bug must report exactly the expected (field, kind, path) set, no more (noise) and no less
(a miss). The test reads the committed JSON only: no Node, no database.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import orjson
import pytest

from comparators import Comparison, Spec, compare

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
CORPORA: dict[str, Path] = {
    "postgres": CORPUS / "fixtures",
    "mariadb": CORPUS / "mariadb" / "fixtures",
    "sqlite": CORPUS / "sqlite" / "fixtures",
}

# Cases the engine gets wrong today. The expectation stays correct; the case is a strict xfail naming the
# SPEC section 2 rule it waits for, so the engine change that meets the rule turns it into an XPASS
# failure that asks for the mark to be removed. /work/notes/corpus-failures.md lists the values.
_BOOL_01 = "Booleans: 1/0 (a JSON number or integer text) = true/false"
_BOOL_BIT = "Booleans: one byte 0x01/0x00 in a bytes spelling (Buffer JSON of BIT(1)) = true/false"
_BYTES = "Bytes: Buffer JSON = a Uint8Array as JSON.stringify writes it ({'0': 71, ...}; empty: {})"
_FLOAT32 = "Numbers: a float32 widened to a double = the short decimal of the same float32"
_EXPONENT = "Numbers: decimal text in exponent form ('5e-8' = '0.0000000500' = 5e-08)"
_SET = "Arrays in text: comma-separated text = an array of strings (MySQL SET; '' = [])"
_TIME_OF_DAY = "Times: a time of day HH:MM:SS = that clock time on 1970-01-01 UTC"
_EPOCH = "Times: a JSON number = the instant of that Unix time in ms (also inside JSON text)"
_UUID = "UUIDs: 32 hex digits (HEX(BINARY(16))) = the hyphenated form"
_TYPES = "Spec option types (json: a JSON scalar in text)"
_ORDERED_PATHS = "Spec option ordered as a list of paths (['', 'invoices'])"
_DOTTED_RENAME = "Spec option rename with a dotted ORM path (flat JOIN column -> nested include)"
_BOOL_KIND = (
    "kind of a real boolean difference across representations: 1 vs false is kind 'changed' (the boolean "
    "rule relates the two kinds), not 'type'"
)
_EPOCH_KIND = (
    "kind of a real instant difference across representations: epoch ms vs ISO is 'changed', not 'type'"
)
_NULL_RELATION = (
    "SPEC silent: a LEFT JOIN's NULL flat columns against a null relation under dotted renames (a user "
    "expects equal)"
)
_EPOCH_TEXT = "SPEC silent: epoch ms as integer text ('1735689600000', int8 sent as a string) = the instant"
_FLOAT_TEXT = (
    "SPEC gap: MariaDB's text protocol prints FLOAT with 6 significant digits (0.123457, 16777200, "
    "3.40282e38), not the shortest decimal of the float32 (0.12345670163631439 on the binary protocol)"
)


def _gap(*rules: str) -> str:
    return "; ".join(rules)


_MEMBER_ROW = (_BYTES, _BOOL_01, _BOOL_BIT, _SET, _EXPONENT, _FLOAT32, _TIME_OF_DAY)
ENGINE_GAPS: dict[str, str] = {
    "mariadb/getMemberById": _gap(*_MEMBER_ROW),
    "mariadb/getMemberById__edges": _gap(*_MEMBER_ROW),
    "mariadb/getMemberById__flags_forgotten": _gap(*_MEMBER_ROW),
    "mariadb/getMemberById__nulls": _gap(_BYTES, _BOOL_01, _BOOL_BIT, _SET),
    "mariadb/getMemberWithInvoices": _gap(_FLOAT32, _BOOL_01),
    "mariadb/getMemberWithInvoices__lost_filter": _gap(_FLOAT32, _BOOL_01),
    "mariadb/getMemberWithInvoices__nested_order": _gap(_ORDERED_PATHS, _FLOAT32, _BOOL_01),
    "mariadb/getMemberWithInvoices__ordered": _gap(_ORDERED_PATHS, _FLOAT32, _BOOL_01),
    "mariadb/listGaugeReadings__text_protocol": _gap(_FLOAT32, _FLOAT_TEXT),
    "mariadb/listInvoicesForMember": _gap(_BOOL_01, _FLOAT32),
    "mariadb/listInvoicesForMember__wrong_order": _gap(_BOOL_01, _FLOAT32),
    "mariadb/listInvoices__raw": _FLOAT32,
    "mariadb/listInvoicesWithMember": _DOTTED_RENAME,
    "mariadb/listInvoicesWithMember__wrong_column_in_relation": _DOTTED_RENAME,
    "mariadb/listMemberFlags": _SET,
    "mariadb/listMemberPublicIds": _UUID,
    "mariadb/listMemberSwitches__raw": _BYTES,
    "mariadb/listMembers": _gap(*_MEMBER_ROW),
    "mariadb/listMembersWithReferrer": _gap(_DOTTED_RENAME, _NULL_RELATION),
    "mariadb/listMembers__forgotten_filter": _gap(*_MEMBER_ROW),
    "mariadb/listMembers__text_pool": _gap(_TYPES, *_MEMBER_ROW),
    "mariadb/listMembers__text_pool_undeclared_json": _gap(*_MEMBER_ROW),
    "mariadb/listOutstandingInvoices__inverted": _BOOL_KIND,
    "mariadb/listQuietHours": _TIME_OF_DAY,
    "sqlite/getBudgetTotals": _EPOCH,
    "sqlite/getProjectWithTasks": _gap(_BOOL_01, _EPOCH, _EXPONENT),
    "sqlite/getProjectWithTasks__lost_filter": _gap(_BOOL_01, _EPOCH, _EXPONENT),
    "sqlite/getTaskById": _gap(_BYTES, _BOOL_01, _EPOCH),
    "sqlite/getTaskById__nulls": _gap(_BYTES, _BOOL_01),
    "sqlite/listProjects": _gap(_BOOL_01, _EPOCH),
    "sqlite/listProjectsWithOwner": _gap(_DOTTED_RENAME, _NULL_RELATION, _EPOCH),
    "sqlite/listProjects__active_inverted": _BOOL_KIND,
    "sqlite/listTaskAttachments": _BYTES,
    "sqlite/listTaskCosts": _EXPONENT,
    "sqlite/listTaskCosts__null_as_zero": _EXPONENT,
    "sqlite/listTaskDeadlines__lost_fraction": _gap(_EPOCH, _EPOCH_KIND),
    "sqlite/listTaskDeadlines__off_by_one": _gap(_EPOCH, _EPOCH_KIND),
    "sqlite/listTaskMeta": _TYPES,
    "sqlite/listTaskTimes": _EPOCH,
    "sqlite/listTaskTimes__bigint_text": _gap(_BOOL_01, _EPOCH_TEXT),
    "sqlite/listTasks": _gap(_TYPES, _BYTES, _BOOL_01, _EPOCH, _EXPONENT),
    "sqlite/listTasksWithProject": _gap(_DOTTED_RENAME, _BOOL_01),
    "sqlite/getProjectWithTasks__nested_order": _gap(_ORDERED_PATHS, _BOOL_01, _EPOCH),
    "sqlite/getProjectWithTasks__ordered": _gap(_ORDERED_PATHS, _BOOL_01, _EPOCH),
    "sqlite/listOpenTasksByDue": _gap(_BOOL_01, _EPOCH),
    "sqlite/listTasks__raw": _gap(_TYPES, _BYTES, _BOOL_01, _EPOCH, _EXPONENT),
    "sqlite/taskStatsByProject": _EPOCH,
}


def _load(path: Path) -> dict[str, Any]:
    fixture: dict[str, Any] = orjson.loads(path.read_bytes())
    return fixture


def _fixtures(corpus: str) -> list[dict[str, Any]]:
    return [_load(path) for path in sorted(CORPORA[corpus].glob("*.json"))]


def _cases() -> list[Any]:
    params = []
    for corpus in CORPORA:
        for fixture in _fixtures(corpus):
            case = f"{corpus}/{fixture['case']}"
            marks = []
            if case in ENGINE_GAPS:
                marks.append(pytest.mark.xfail(strict=True, reason=f"engine gap: {ENGINE_GAPS[case]}"))
            params.append(pytest.param(fixture, id=case, marks=marks))
    return params


def _reported(result: Comparison) -> Counter[tuple[str, str, str]]:
    return Counter((d.field, str(d.kind), d.path) for d in result.differences)


def _expected(fixture: dict[str, Any]) -> Counter[tuple[str, str, str]]:
    return Counter((d["field"], d["kind"], d["path"]) for d in fixture["expected"]["differences"])


def test_every_engine_gap_names_a_fixture() -> None:
    """A mark left behind after a fixture is renamed or removed would silently mark nothing."""
    cases = {f"{corpus}/{fixture['case']}" for corpus in CORPORA for fixture in _fixtures(corpus)}
    assert set(ENGINE_GAPS) <= cases


@pytest.mark.parametrize("corpus", CORPORA)
def test_corpus_is_present_and_covers_both_outcomes(corpus: str) -> None:
    """An empty or one-sided corpus would make the replay below pass without testing anything."""
    outcomes = Counter(f["expected"]["equal"] for f in _fixtures(corpus))
    assert outcomes[True] >= 10
    assert outcomes[False] >= 10


@pytest.mark.parametrize("corpus", CORPORA)
def test_pairs_equal_in_data_differ_in_representation(corpus: str) -> None:
    """The equal pairs are there to catch false positives, so nearly all must differ as sent (key casing,
    numbers as text, instants spelled differently); a generator that made both sides alike would not."""
    equal_pairs = [f["pair"] for f in _fixtures(corpus) if f["expected"]["equal"]]
    spelled_differently = [
        p for p in equal_pairs if orjson.dumps(p["legacy"]["result"]) != orjson.dumps(p["orm"]["result"])
    ]
    assert len(spelled_differently) >= len(equal_pairs) - 3


@pytest.mark.parametrize("fixture", _cases())
def test_engine_reports_exactly_the_expected_differences(fixture: dict[str, Any]) -> None:
    pair = fixture["pair"]
    result = compare(pair["legacy"]["result"], pair["orm"]["result"], Spec.from_dict(pair.get("spec")))

    assert (result.equal, _reported(result)) == (fixture["expected"]["equal"], _expected(fixture))
