"""The console at /ui in a real headless Chromium (Debian's /usr/bin/chromium driven by Playwright)
against the live service: what an on-call person does, click by click.

Screenshots of each step are saved under the pytest temporary directory (``console-screens``), the
test artifacts of a run. Browser downloads are unreachable here: ``playwright install`` is never run;
``.ci/run`` installs Debian's chromium.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.api.client import TOKENS, TOKENS_ENV, auth, unique
from tests.live import LiveService, live_service

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def service(module_tmp: Path) -> Iterator[LiveService]:
    env = {
        "SHADOWDIFF_DATA_DIR": str(module_tmp / "data"),
        "SHADOWDIFF_TOKENS": TOKENS_ENV,
        "SHADOWDIFF_GUARD_ENABLED": "false",
        "SHADOWDIFF_SECRET_KEY": "console-test-secret-key",
        "SHADOWDIFF_RULE_EXPIRY_SECONDS": "0.5",
    }
    with live_service(env, module_tmp) as live:
        yield live


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def screens(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("console-screens")


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    yield context.new_page()
    context.close()


def shot(page: Page, screens: Path, name: str) -> None:
    page.screenshot(path=str(screens / f"{name}.png"), full_page=True)
    assert (screens / f"{name}.png").stat().st_size > 1000


def login(page: Page, service: LiveService, role: str, path: str = "/ui/") -> None:
    page.goto(service.url + path)
    expect(page).to_have_url(re.compile(r"/ui/login\?next="))
    page.fill("input[name=token]", TOKENS[role])
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(re.escape(path.split("?")[0]) + r"(\?.*)?$"))


def post_pair(service: LiveService, module: str, legacy: Any, orm: Any, **extra: Any) -> dict[str, Any]:
    body = {
        "module": module,
        "query_name": "getOrder",
        "legacy": {"result": legacy, "latency_ms": 2.0},
        "orm": {"result": orm, "latency_ms": 3.0},
        **extra,
    }
    response = httpx.post(f"{service.url}/v1/pairs", json=body, headers=auth("ingest"), timeout=10)
    assert response.status_code == 202, response.text
    answer: dict[str, Any] = response.json()
    return answer


def api(service: LiveService, method: str, path: str, role: str = "read", **kw: Any) -> httpx.Response:
    return httpx.request(method, service.url + path, headers=auth(role), timeout=10, **kw)


def newest_sample(service: LiveService, module: str) -> dict[str, Any]:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        found = api(service, "GET", "/v1/mismatches", params={"module": module}).json()["mismatches"]
        if found:
            sample: dict[str, Any] = found[0]
            return sample
        time.sleep(0.1)
    raise AssertionError(f"no sample stored for {module}")


def order(index: int, name: str, updated: str, token: str = "t-1") -> list[dict[str, Any]]:
    return [{"id": index, "total": "12.50", "customer_name": name, "updated_at": updated, "api_token": token}]


def test_the_board_lists_every_module_with_its_state_and_rates(
    service: LiveService, page: Page, screens: Path
) -> None:
    module = unique("board")
    post_pair(service, module, order(1, "Ada", "a"), order(1, "Ada L.", "b"))
    login(page, service, "read")
    row = page.locator(f"#board tr[data-module={module}]")
    expect(row).to_be_visible()
    expect(row).to_contain_text("shadow")
    expect(row).to_contain_text("100%")  # one compared pair, one mismatch
    expect(row.locator(".chart span").first).to_be_visible()
    expect(row.locator("td").nth(4)).to_contain_text("not_ready")  # readiness: one pair is too few
    expect(row.locator("td").nth(5)).to_contain_text("1/1")  # the guard's window: 1 mismatch of 1
    expect(page.locator("header")).to_contain_text("viewer")
    shot(page, screens, "board")


def test_a_link_to_a_sample_lands_there_after_login_with_both_sides_side_by_side(
    service: LiveService, page: Page, screens: Path
) -> None:
    module = unique("sample")
    post_pair(
        service,
        module,
        order(7, "Ada", "2025-01-01T00:00:00Z", "same"),
        [
            {
                "id": 7,
                "total": 12.5,
                "customerName": "Ada L.",
                "updatedAt": "2025-01-01T00:00:00Z",
                "apiToken": "same",
            }
        ],
        context={"order_id": 7},
        request_id="req-7",
    )
    sample = newest_sample(service, module)
    login(page, service, "read", f"/ui/samples/{sample['id']}")  # as a link from a chat would
    legacy, orm = page.locator("#side-legacy"), page.locator("#side-orm")
    expect(legacy.locator(".differs")).to_contain_text("customer_name")
    expect(orm.locator(".differs")).to_contain_text("customerName")
    expect(legacy.locator(".differs")).not_to_contain_text("total")  # "12.50" = 12.5: not highlighted
    masked_legacy = legacy.locator(".masked").inner_text()
    masked_orm = orm.locator(".masked").inner_text()
    assert "***#" in masked_legacy and masked_legacy.split(": ")[1] == masked_orm.split(": ")[1]
    assert "same" not in page.content().replace("the same", "")
    expect(page.locator("body")).to_contain_text("req-7")
    expect(page.locator("body")).to_contain_text('"order_id": 7')
    shot(page, screens, "sample")


def test_a_flag_changes_with_a_reason_and_shows_in_the_history(
    service: LiveService, page: Page, screens: Path
) -> None:
    module = unique("changes")
    post_pair(service, module, order(1, "a", "x"), order(1, "a", "x"))
    # one equal pair is enough for this module (readiness criteria), so shadow -> orm may go
    one = {"readiness": {"min_pairs": 1, "max_latency_ratio": 2}, "reason": "one pair is enough here"}
    assert api(service, "PUT", f"/v1/flags/{module}", role="operator", json=one).status_code == 200
    version = api(service, "GET", f"/v1/flags/{module}").json()["version"]
    login(page, service, "operator", f"/ui/modules/{module}/changes")
    form = page.locator("form#move")
    form.locator("select[name=state]").select_option("orm")
    form.locator("input[name=reason]").fill("readiness green all week")
    form.locator("button[type=submit]").click()
    expect(page.locator("#outcome")).to_contain_text("Done")
    expect(page.locator("#current-state")).to_have_text("orm")
    flag = api(service, "GET", f"/v1/flags/{module}").json()
    assert (flag["state"], flag["version"]) == ("orm", version + 1)
    expect(page.locator("#history li").first).to_contain_text("readiness green all week")
    shot(page, screens, "changes")
    # a stale version (someone else changed the flag meanwhile) is refused, not overwritten
    api(service, "PUT", f"/v1/flags/{module}", role="operator", json={"sample_rate": 0.5, "reason": "other"})
    form = page.locator("form#rollback")
    page.locator("form#move select[name=state]").select_option("shadow")
    page.locator("form#move input[name=reason]").fill("stale page")
    page.locator("form#move button[type=submit]").click()
    expect(page.locator("#outcome")).to_contain_text("Refused")
    assert api(service, "GET", f"/v1/flags/{module}").json()["state"] == "orm"


def test_an_ignore_rule_is_dry_run_then_applied_and_the_next_pair_matches(
    service: LiveService, page: Page, screens: Path
) -> None:
    module = unique("triage")
    for i in (1, 2):
        post_pair(service, module, order(i, "Ada", "2025-01-01"), order(i, "Ada", "2025-01-02"))
    sample = newest_sample(service, module)
    login(page, service, "operator", f"/ui/samples/{sample['id']}")
    page.locator("#differences a", has_text="triage").first.click()
    expect(page.locator("input[name=target]")).to_have_value("updated_at")
    page.click("button[value=dry-run]")
    expect(page.locator("#dry-run")).to_contain_text("would now match")
    assert page.locator("#dry-run td", has_text="would_match").count() >= 1
    assert page.locator("#dry-run td", has_text="still_differs").count() == 0
    shot(page, screens, "triage-dry-run")
    page.fill("input[name=reason]", "the ORM stamps updated_at itself (JIRA-42)")
    page.fill("input[name=expires_hours]", "24")
    page.click("button[value=apply]")
    expect(page.locator("#applied")).to_contain_text("Applied rule")
    shot(page, screens, "triage-applied")
    answer = post_pair(service, module, order(3, "Ada", "2025-01-01"), order(3, "Ada", "2025-01-02"))
    assert answer["outcome"] == "match"
    rules = api(service, "GET", "/v1/spec-rules", params={"module": module}).json()["rules"]
    assert [(r["option"], r["value"], r["actor"]) for r in rules] == [("ignore", "updated_at", "alice")]
    history = api(service, "GET", f"/v1/flags/{module}/history").json()["history"]
    assert history[0]["action"] == "spec_rule" and "JIRA-42" in history[0]["reason"]


def test_a_read_token_sees_everything_and_changes_nothing(
    service: LiveService, page: Page, screens: Path
) -> None:
    module = unique("readonly")
    post_pair(service, module, order(1, "a", "x"), order(1, "b", "x"))
    before = api(service, "GET", f"/v1/flags/{module}").json()
    login(page, service, "read", f"/ui/modules/{module}/changes")
    expect(page.locator("form#move")).to_have_count(0)
    expect(page.locator("body")).to_contain_text("Read only")
    shot(page, screens, "read-only")
    assert page.locator("input[name=csrf]").count() == 0
    token = page.evaluate("JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRF-Token']")
    # a hand-made form post with the session's own CSRF token: the API refuses the role
    refused = page.request.post(
        f"{service.url}/ui/modules/{module}/changes",
        form={"csrf": token, "action": "move", "state": "orm", "reason": "sneaky", "version": "1"},
    )
    assert refused.status == 403 and "lacks the role" in refused.text()
    refused = page.request.post(
        f"{service.url}/ui/modules/{module}/queries/getOrder/triage",
        form={"csrf": token, "action": "ignore", "target": "customer_name", "reason": "x", "do": "apply"},
    )
    assert "Refused (403)" in refused.text()
    # the API itself, with the cookie: reads yes, changes no (with or without the CSRF header)
    assert page.request.get(f"{service.url}/v1/flags/{module}").status == 200
    put = page.request.put(
        f"{service.url}/v1/flags/{module}",
        data={"state": "orm", "reason": "x"},
        headers={"X-CSRF-Token": token},
    )
    assert put.status == 403
    assert api(service, "GET", f"/v1/flags/{module}").json() == before
    specs = api(service, "GET", "/v1/specs").json()["specs"]
    assert not [s for s in specs if s["module"] == module]


def test_changes_need_the_csrf_token(service: LiveService, page: Page) -> None:
    module = unique("csrf")
    post_pair(service, module, order(1, "a", "x"), order(1, "a", "x"))
    login(page, service, "operator", f"/ui/modules/{module}/changes")
    forged = page.request.post(
        f"{service.url}/ui/modules/{module}/changes",
        form={"csrf": "0" * 64, "action": "move", "state": "orm", "reason": "forged"},
    )
    assert forged.status == 403
    no_header = page.request.put(f"{service.url}/v1/flags/{module}", data={"state": "orm", "reason": "x"})
    assert no_header.status == 403 and "CSRF" in no_header.text()
    assert api(service, "GET", f"/v1/flags/{module}").json()["state"] == "shadow"


def test_an_expired_rule_is_taken_out_of_its_spec_with_a_history_entry(service: LiveService) -> None:
    module = unique("expiry")
    post_pair(service, module, [], [])  # the module exists, so its history can be read
    api(
        service,
        "PUT",
        f"/v1/specs/{module}/getOrder",
        role="operator",
        json={"spec": {"key": ["id"]}, "reason": "keyed"},
    )
    expires = (datetime.now(UTC) + timedelta(seconds=2)).isoformat()
    body = {"option": "ignore", "value": "updated_at", "reason": "until the fix ships", "expires_at": expires}
    added = api(service, "POST", f"/v1/specs/{module}/getOrder/rules", role="operator", json=body)
    assert added.status_code == 200, added.text
    assert added.json()["spec"] == {"key": ["id"], "ignore": ["updated_at"]}
    # a read token cannot add one
    denied = api(service, "POST", f"/v1/specs/{module}/getOrder/rules", role="read", json=body)
    assert denied.status_code == 403

    def spec() -> dict[str, Any]:
        for s in api(service, "GET", "/v1/specs").json()["specs"]:
            if s["module"] == module:
                found: dict[str, Any] = s["spec"]
                return found
        return {}

    deadline = time.monotonic() + 30
    while spec() != {"key": ["id"]}:
        assert time.monotonic() < deadline, f"the rule was not removed: {spec()}"
        time.sleep(0.2)
    (rule,) = api(service, "GET", "/v1/spec-rules", params={"module": module}).json()["rules"]
    assert rule["removed_by"] == "expiry" and rule["removed_at"] is not None
    actions = [h["action"] for h in api(service, "GET", f"/v1/flags/{module}/history").json()["history"]]
    assert actions[:2] == ["spec_rule_expired", "spec_rule"]


def test_the_module_page_ranks_fields_and_names_the_rules_that_absorbed_representation(
    service: LiveService, page: Page, screens: Path
) -> None:
    module = unique("module")
    for i in (1, 2, 3):  # status differs three times, name once; "12.50" = 12.5 by a rule each time
        legacy = [{"id": i, "total": "12.50", "status": "paid", "name": "a"}]
        orm = [{"id": i, "total": 12.5, "status": "PAID", "name": "b" if i == 1 else "a"}]
        post_pair(service, module, legacy, orm)
    deadline = time.monotonic() + 20
    while len(api(service, "GET", "/v1/mismatches", params={"module": module}).json()["mismatches"]) < 3:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    login(page, service, "read", f"/ui/modules/{module}")
    rows = page.locator("table.fields tbody tr")
    expect(rows.first).to_contain_text("status")
    expect(rows.first).to_contain_text("3")
    expect(rows.nth(1)).to_contain_text("name")
    expect(rows.first).to_contain_text("changed")
    panel = page.locator(".panel", has_text="getOrder")
    expect(panel).to_contain_text("rules that absorbed representation")
    expect(panel).not_to_contain_text("none for this query")
    shot(page, screens, "module")
