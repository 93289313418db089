"""Specs audited like flags, one history feed, tokens limited to modules, retired modules; both backends."""

from __future__ import annotations

from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.api.client import TOKENS_ENV, Api, auth, pair, unique
from tests.api.conftest import backend_env
from tests.live import live_service


def feed(api: Api, **query: str | int) -> list[dict[str, Any]]:
    response = api.request("GET", "/v1/history", role="read", params=query)
    assert response.status_code == 200, response.text
    return list(response.json()["history"])


def test_a_spec_change_takes_a_reason_and_is_audited_with_before_and_after(api: Api) -> None:
    module = unique("spec")
    path = f"/v1/specs/{module}/listOrders"
    missing = api.request("PUT", path, json={"spec": {"key": ["id"]}})
    assert missing.status_code == 422 and "reason" in missing.text
    first = api.request(
        "PUT", path, json={"spec": {"key": ["id"]}, "reason": "rows keyed by id", "by": "Ann"}
    )
    assert first.status_code == 200, first.text
    bare = api.request("PUT", path, params={"reason": "order matters"}, json={"key": ["id"], "ordered": True})
    assert bare.status_code == 200, bare.text
    got = api.request("GET", path, role="read").json()
    assert (got["spec"], got["updated_by"]) == ({"key": ["id"], "ordered": True}, "alice")
    newest, oldest = feed(api, module=module)
    assert (oldest["action"], oldest["query_name"], oldest["by"], oldest["reason"]) == (
        "spec_put",
        "listOrders",
        "Ann",
        "rows keyed by id",
    )
    assert (oldest["from"], oldest["to"]) == (None, {"spec": {"key": ["id"]}})
    assert (newest["from"], newest["to"]) == (
        {"spec": {"key": ["id"]}},
        {"spec": {"key": ["id"], "ordered": True}},
    )


def test_a_spec_is_deleted_with_a_reason_and_the_deletion_is_kept(api: Api) -> None:
    module = unique("spec")
    path = f"/v1/specs/{module}/q"
    api.request("PUT", path, json={"spec": {"ordered": True}, "reason": "order shows"})
    assert api.request("DELETE", path, json={}).status_code == 422
    gone = api.request("DELETE", path, json={"reason": "order no longer shown", "by": "Ann"})
    assert gone.status_code == 200 and gone.json()["deleted"] is True
    assert api.request("GET", path, role="read").status_code == 404
    assert api.request("DELETE", path, json={"reason": "again"}).status_code == 404
    newest = feed(api, module=module)[0]
    assert (newest["action"], newest["to"]) == ("spec_delete", None)
    # the deleted spec no longer applies: reversed rows match again
    rows = [{"id": 1}, {"id": 2}]
    assert api.pair(pair(module, rows, rows[::-1])).json()["outcome"] == "match"


def test_one_feed_across_modules_filtered_by_module_person_and_time(api: Api) -> None:
    a, b = unique("feed"), unique("feed")
    person = unique("person")
    api.put_flag(a, state="legacy", by=person, reason="first")
    api.put_flag(b, state="legacy", reason="second")
    api.request("PUT", f"/v1/specs/{b}/q", json={"spec": {}, "reason": "third", "by": person})
    everything = feed(api, limit=1000)
    mine = [h for h in everything if h["module"] in (a, b)]
    assert [h["reason"] for h in mine] == ["third", "second", "first"]
    assert [h["reason"] for h in feed(api, by=person)] == ["third", "first"]
    assert [h["reason"] for h in feed(api, module=b)] == ["third", "second"]
    assert feed(api, module=b, limit=1)[0]["reason"] == "third"
    later = (datetime.now(UTC) + timedelta(minutes=5)).isoformat()
    assert feed(api, module=a, since=later) == []


def test_a_token_limited_to_modules_changes_only_those(api: Api) -> None:
    other = unique("other")
    ok = api.request("PUT", "/v1/flags/scoped_a", headers=auth("scoped"), json={"reason": "mine"}, role=None)
    assert ok.status_code == 201, ok.text
    refused = api.request(
        "PUT", f"/v1/flags/{other}", headers=auth("scoped"), json={"reason": "x"}, role=None
    )
    assert refused.status_code == 403 and "scoped_a" in refused.json()["message"]
    spec = api.request(
        "PUT", f"/v1/specs/{other}/q", headers=auth("scoped"), json={"spec": {}, "reason": "x"}, role=None
    )
    assert spec.status_code == 403
    assert api.request("GET", f"/v1/flags/{other}", headers=auth("scoped"), role=None).status_code in (
        200,
        404,
    )


def test_a_retired_module_leaves_the_metrics_and_stays_in_config(api: Api) -> None:
    module = unique("retire")
    api.put_flag(module, state="shadow")
    assert api.pair(pair(module, 1, 1)).json()["outcome"] == "match"
    assert f'module="{module}"' in api.request("GET", "/metrics", role=None).text
    refused = api.request("DELETE", f"/v1/flags/{module}", json={"reason": "done"})
    assert refused.status_code == 409 and "'legacy'" in refused.json()["message"]
    api.put_flag(module, state="legacy", reason="SQL stays")
    retired = api.request("DELETE", f"/v1/flags/{module}", json={"reason": "feature removed", "by": "Ann"})
    assert retired.status_code == 200, retired.text
    assert (retired.json()["retired"], retired.json()["serves"]) == (True, "legacy")
    config = api.request("GET", "/v1/config", role="ingest").json()["modules"][module]
    assert config == {"retired": True, "serves": "legacy", "version": retired.json()["version"]}
    answer = api.pair(pair(module, 1, 2)).json()
    assert (answer["outcome"], answer["reason"]) == ("skipped", "module_retired")
    assert f'module="{module}"' not in api.request("GET", "/metrics", role=None).text
    assert f'flag="{module}"' not in api.request("GET", "/metrics", role=None).text
    modules = api.request("GET", "/metrics/json?window=5m", role="read").json()["modules"]
    assert module not in modules
    assert [h["action"] for h in api.history(module)][:2] == ["retire", "update"]
    assert api.put_flag(module, state="shadow").status_code == 409


def test_a_migrated_module_retires_serving_the_orm(api: Api) -> None:
    module = unique("retire")
    api.put_flag(module, state="migrated", force=True)
    assert api.request("DELETE", f"/v1/flags/{module}", json={"reason": "SQL gone"}).json()["serves"] == "orm"
    config = api.request("GET", "/v1/config", role="ingest").json()["modules"][module]
    assert (config["retired"], config["serves"]) == (True, "orm")


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_the_specs_file_seeds_and_never_overwrites_an_api_change(backend: str, tmp_path: Path) -> None:
    specs = tmp_path / "specs.yaml"
    specs.write_text("billing:\n  listInvoices:\n    ordered: true\n  getInvoice:\n    key: [id]\n")
    with ExitStack() as stack:
        env = {
            **backend_env(stack, backend, tmp_path / "data"),
            "SHADOWDIFF_TOKENS": TOKENS_ENV,
            "SHADOWDIFF_SPECS_FILE": str(specs),
        }
        with live_service(env, tmp_path) as first:
            api = Api(first.url)
            assert api.request("GET", "/v1/specs/billing/getInvoice", role="read").json()["spec"] == {
                "key": ["id"]
            }
            changed = {"spec": {"ordered": False}, "reason": "order not shown"}
            assert api.request("PUT", "/v1/specs/billing/listInvoices", json=changed).status_code == 200
            assert (
                api.request("DELETE", "/v1/specs/billing/getInvoice", json={"reason": "gone"}).status_code
                == 200
            )
            api.close()
        with live_service(env, tmp_path) as second:
            api = Api(second.url)
            kept = api.request("GET", "/v1/specs/billing/listInvoices", role="read").json()["spec"]
            assert kept == {"ordered": False}
            assert api.request("GET", "/v1/specs/billing/getInvoice", role="read").status_code == 404
            log = second.log()
            assert "skipped billing.listInvoices: changed through the API by alice" in log
            assert "skipped billing.getInvoice: deleted through the API by alice" in log
            api.close()
