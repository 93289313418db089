"""Issue 13 item 6: no redaction holes, checked in the live service's answers and in /v1/mismatches.

Every secret below is a unique marker string; the test fails if any marker appears in either place.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.client import TOKENS_ENV, Api, unique
from tests.live import live_service
from tests.reliability.raw import wait_for


@pytest.fixture(scope="module")
def api(module_tmp: Path) -> Iterator[Api]:
    env = {
        "SHADOWDIFF_DATA_DIR": str(module_tmp / "data"),
        "SHADOWDIFF_TOKENS": TOKENS_ENV,
        "SHADOWDIFF_GUARD_ENABLED": "false",
    }
    with live_service(env, module_tmp) as live:
        client = Api(live.url)
        yield client
        client.close()


def secret() -> str:
    return f"SECRET{unique('s')}"


def post_and_read(api: Api, legacy: object, orm: object, spec: dict[str, object] | None = None) -> str:
    """The answer and the stored sample, as text."""
    module = unique()
    body: dict[str, object] = {
        "module": module,
        "query_name": "q",
        "legacy": {"result": legacy},
        "orm": {"result": orm},
    }
    if spec is not None:
        body["spec"] = spec
    answer = api.pair(body)
    assert answer.json()["outcome"] == "mismatch", answer.text

    def stored() -> str | None:
        found = api.request("GET", f"/v1/mismatches?module={module}", role="read").json()["mismatches"]
        return json.dumps(found) if found else None

    wait_for(lambda: stored() is not None)
    return answer.text + (stored() or "")


def test_json_text_inside_a_value_is_redacted_like_the_parsed_value(api: Api) -> None:
    a, b = secret(), secret()
    legacy = [{"id": 1, "settings": json.dumps({"password": a, "theme": "dark"})}]
    orm = [{"id": 1, "settings": json.dumps({"password": b, "theme": "light"})}]
    text = post_and_read(api, legacy, orm)
    assert a not in text and b not in text
    assert "light" in text  # the rest of the value is still shown


def test_json_text_inside_extra_and_missing_rows(api: Api) -> None:
    a, b = secret(), secret()
    legacy = [{"id": 1, "prefs": json.dumps({"api_key": a})}]
    orm = [{"id": 2, "prefs": json.dumps({"nested": {"token": b}})}]
    text = post_and_read(api, legacy, orm)
    assert a not in text and b not in text


def test_a_whole_result_sent_as_json_text(api: Api) -> None:
    a, b = secret(), secret()
    text = post_and_read(api, json.dumps({"secret": a, "n": 1}), json.dumps([{"secret": b}]))
    assert a not in text and b not in text


def test_a_sensitive_key_column_is_masked_in_the_path(api: Api) -> None:
    a = secret()
    legacy = [{"session_token": a, "email": "x@example.com"}]
    orm = [{"session_token": a, "email": "y@example.com"}]
    text = post_and_read(api, legacy, orm, spec={"key": ["session_token"]})
    assert a not in text
    assert "[session_token=***]" in text
