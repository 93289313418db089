"""The console's pure parts: triage rules merged into and taken out of a spec, session cookies, and the
shaping of API answers for the pages."""

from __future__ import annotations

import time

import pytest

from app.console.session import Sessions
from app.console.view import ADVICE, field_table, json_lines, refusal
from app.errors import InvalidPayload
from app.spec_rules import RuleOption, with_rule, without_rule
from flags.errors import Remedy


@pytest.mark.parametrize(
    ("option", "value", "merged"),
    [
        (RuleOption.IGNORE, "updated_at", {"key": ["id"], "ignore": ["a", "updated_at"]}),
        (RuleOption.FLOAT_TOLERANCE, 1e-6, {"key": ["id"], "ignore": ["a"], "float_tolerance": 1e-6}),
        (RuleOption.TYPES, {"flags": "json"}, {"key": ["id"], "ignore": ["a"], "types": {"flags": "json"}}),
    ],
)
def test_a_rule_goes_in_and_exactly_it_comes_out(
    option: RuleOption, value: object, merged: dict[str, object]
) -> None:
    spec = {"key": ["id"], "ignore": ["a"]}
    assert with_rule(spec, option, value) == merged
    assert spec == {"key": ["id"], "ignore": ["a"]}  # not changed in place
    assert without_rule(merged, option, value) == spec


def test_taking_a_rule_out_keeps_what_others_changed_since() -> None:
    assert without_rule({"float_tolerance": 0.1}, RuleOption.FLOAT_TOLERANCE, 0.2) == {"float_tolerance": 0.1}
    assert without_rule({"types": {"a": "text"}}, RuleOption.TYPES, {"a": "json"}) == {"types": {"a": "text"}}
    assert without_rule({"ignore": ["x"]}, RuleOption.IGNORE, "x") == {}
    assert with_rule({"ignore": ["x"]}, RuleOption.IGNORE, "x") == {"ignore": ["x"]}  # no duplicate


@pytest.mark.parametrize(
    ("option", "value"),
    [
        (RuleOption.IGNORE, ""),
        (RuleOption.FLOAT_TOLERANCE, True),
        (RuleOption.TYPES, {"a": "json", "b": "text"}),
    ],
)
def test_a_malformed_rule_is_refused(option: RuleOption, value: object) -> None:
    with pytest.raises(InvalidPayload):
        with_rule({}, option, value)


def test_a_session_cookie_is_only_good_signed_and_unexpired() -> None:
    sessions = Sessions(b"k" * 32)
    session, cookie = sessions.issue("alice")
    assert sessions.read(cookie) == session
    assert sessions.read(None) is None and sessions.read("no-dot") is None
    payload, _, signature = cookie.rpartition(".")
    assert sessions.read(f"{payload}x.{signature}") is None  # tampered
    assert Sessions(b"other key" * 4).read(cookie) is None  # another key
    forged = Sessions(b"k" * 32)
    forged_payload = "bm90IGpzb24"  # base64 of text that is not JSON, correctly signed
    assert forged.read(f"{forged_payload}.{forged._sign(forged_payload)}") is None
    expired = Sessions(b"k" * 32, lifetime=-1)
    _, old = expired.issue("alice")
    assert expired.read(old) is None
    assert sessions.csrf_ok(session, sessions.csrf(session))
    assert not sessions.csrf_ok(session, None) and not sessions.csrf_ok(session, "0" * 64)
    assert session.expires > time.time()


def test_json_lines_mark_the_differing_paths_whatever_the_spelling() -> None:
    legacy = [{"id": 1, "full_name": "a", "tags": [{"id": 5, "n": 1}], "k": None}]
    lines = json_lines(legacy, ["[id=1].fullName", "[id=1].tags[id=5].n"], None)
    marked = [line.text.strip() for line in lines if line.differs]
    assert marked == ['"full_name": "a",', '"n": 1']
    keyed = json_lines([{"tenant": "t", "no": 2, "v": 1}], ["[tenant=t,no=2].v"], ["tenant", "no"])
    assert [line.text.strip() for line in keyed if line.differs] == ['"v": 1']
    scalars = json_lines({"list": [1, 2], "empty": {}}, ["list[1]"], None)
    assert [line.text.strip() for line in scalars if line.differs] == ["2"]
    assert json_lines("***#ABC", [], None)[0].masked


def test_field_table_ranks_fields_by_mismatch_count() -> None:
    samples = [
        {
            "id": 2,
            "query_name": "q",
            "at": "2",
            "differences": [{"field": "a", "kind": "changed", "path": "a"}],
        },
        {
            "id": 1,
            "query_name": "q",
            "at": "1",
            "differences": [
                {"field": "a", "kind": "type", "path": "a"},
                {"field": "b", "kind": "missing", "path": "b"},
            ],
        },
    ]
    (query,) = field_table(samples)
    first, second = query["fields"]
    assert (first["field"], first["count"], first["kinds"], first["sample"]) == (
        "a",
        2,
        ["changed", "type"],
        2,
    )
    assert (first["first"], first["last"]) == ("1", "2")
    assert (second["field"], second["count"]) == ("b", 1)


HTTP_WORDING = ("PUT", "GET", "POST", "DELETE", "/v1/", '"force"', "header", "endpoint")


def test_every_remedy_has_the_consoles_words() -> None:
    assert set(ADVICE) == set(Remedy)


@pytest.mark.parametrize("remedy", list(Remedy))
def test_the_consoles_words_name_no_http_verb_path_or_body(remedy: Remedy) -> None:
    words = ADVICE[remedy]
    assert not [w for w in HTTP_WORDING if w in words], words


@pytest.mark.parametrize(
    ("answer", "shown"),
    [
        (
            {
                "message": '... send "force": true ...',
                "problem": "shadow -> migrated skips orm",
                "remedies": ["force"],
                "module": "m",
            },
            "shadow -> migrated skips orm; tick Force (the reason is recorded with it) to do it anyway",
        ),
        (
            {
                "message": "no flag ... PUT ...",
                "problem": "no flag for module 'm'",
                "remedies": ["create"],
                "module": "m",
            },
            "no flag for module 'm'; it appears on the board when its first pair is posted; to create it "
            "before that: shadowdiff flags create m --reason ...",
        ),
        (
            {"message": "serve_rate must be a number", "error": "invalid_payload"},
            "serve_rate must be a number",
        ),
        ({"problem": "p", "remedies": ["a remedy from a newer service"]}, "p"),
    ],
)
def test_a_refusal_is_worded_for_the_console(answer: dict[str, object], shown: str) -> None:
    assert refusal(answer) == shown
