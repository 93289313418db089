"""The console's pages over plain HTTP against the live service: login and logout, refusals shown as
pages, the triage options besides ignore, and a service without tokens (loopback: no login)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api.client import TOKENS, TOKENS_ENV, auth, unique
from tests.live import LiveService, live_service


@pytest.fixture(scope="module")
def service(module_tmp: Path) -> Iterator[LiveService]:
    env = {
        "SHADOWDIFF_DATA_DIR": str(module_tmp / "data"),
        "SHADOWDIFF_TOKENS": TOKENS_ENV,
        "SHADOWDIFF_GUARD_ENABLED": "false",
    }
    with live_service(env, module_tmp) as live:
        yield live


@contextmanager
def signed_in(service: LiveService, role: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=service.url, timeout=30) as client:
        response = client.post("/ui/login", data={"token": TOKENS[role], "next": "/ui/"})
        assert response.status_code == 303 and response.headers["location"] == "/ui/"
        cookie = response.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie
        yield client


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
    assert found, "no CSRF field on the page"
    return found.group(1)


def mismatch(service: LiveService, module: str, legacy: Any, orm: Any) -> None:
    body = {"module": module, "query_name": "q", "legacy": {"result": legacy}, "orm": {"result": orm}}
    response = httpx.post(f"{service.url}/v1/pairs", json=body, headers=auth("ingest"), timeout=10)
    assert response.status_code == 202, response.text


def test_login_refuses_an_unknown_token_and_never_redirects_off_the_console(service: LiveService) -> None:
    with httpx.Client(base_url=service.url, timeout=30) as client:
        bad = client.post("/ui/login", data={"token": "not-a-token", "next": "/ui/"})
        assert bad.status_code == 401 and "unknown token" in bad.text
        off_site = client.post("/ui/login", data={"token": TOKENS["read"], "next": "https://evil.example/"})
        assert off_site.headers["location"] == "/ui/"
        page = client.get("/ui/login", params={"next": "//evil.example"})
        assert 'value="/ui/"' in page.text


def test_login_refuses_a_token_that_cannot_read_and_names_the_roles_it_needs(service: LiveService) -> None:
    with httpx.Client(base_url=service.url, timeout=30) as client:
        refused = client.post("/ui/login", data={"token": TOKENS["ingest"], "next": "/ui/"})
        assert refused.status_code == 403, refused.text
        assert "has no read role (it has ingest)" in refused.text, refused.text
        assert "the read or operator role" in refused.text
        assert "set-cookie" not in refused.headers


def test_logout_ends_the_session_in_the_browser(service: LiveService) -> None:
    with signed_in(service, "read") as client:
        assert client.get("/ui/").status_code == 200
        out = client.post("/ui/logout")
        assert out.status_code == 303 and 'shadowdiff_session=""' in out.headers["set-cookie"]
        client.cookies.clear()
        again = client.get("/ui/modules/x")
        assert again.status_code == 303 and again.headers["location"] == "/ui/login?next=%2Fui%2Fmodules%2Fx"


def test_unknown_module_and_sample_are_pages_that_say_so(service: LiveService) -> None:
    with signed_in(service, "read") as client:
        for path in ("/ui/modules/nothing_here", "/ui/modules/nothing_here/changes", "/ui/samples/999999"):
            response = client.get(path)
            assert response.status_code == 404 and "That did not work" in response.text, path


def test_tolerance_and_type_proposals_dry_run_and_apply(service: LiveService) -> None:
    module = unique("opts")
    mismatch(service, module, [{"id": 1, "price": 10.0, "flags": '{"a": 1}'}], [{"id": 1, "price": 10.001}])
    deadline = time.monotonic() + 20
    while not httpx.get(
        f"{service.url}/v1/mismatches", params={"module": module}, headers=auth("read")
    ).json()["mismatches"]:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    with signed_in(service, "operator") as client:
        path = f"/ui/modules/{module}/queries/q/triage"
        token = csrf_of(client.get(path, params={"field": "price"}).text)
        dry = client.post(
            path, data={"csrf": token, "action": "float_tolerance", "tolerance": "0.01", "do": "dry-run"}
        )
        assert dry.status_code == 200 and '"float_tolerance": 0.01' in dry.text
        typed = client.post(path, data={"csrf": token, "action": "types", "target": "flags", "type": "json"})
        assert typed.status_code == 200 and "Dry run of" in typed.text
        bad = client.post(
            path,
            data={
                "csrf": token,
                "action": "float_tolerance",
                "tolerance": "lots",
                "do": "apply",
                "reason": "x",
                "expires_hours": "soon",
            },
        )
        assert "Refused (422)" in bad.text
        applied = client.post(
            path,
            data={
                "csrf": token,
                "action": "float_tolerance",
                "tolerance": "0.01",
                "do": "apply",
                "reason": "cents",
            },
            headers={"HX-Request": "true"},
        )
        assert "Applied rule" in applied.text and "<html" not in applied.text  # an htmx fragment
        forged = client.post(path, data={"csrf": "0" * 64, "action": "ignore", "target": "x", "do": "apply"})
        assert forged.status_code == 403
        specs = httpx.get(f"{service.url}/v1/specs", headers=auth("read")).json()["specs"]
        assert [s["spec"] for s in specs if s["module"] == module] == [{"float_tolerance": 0.01}]


def test_ramp_and_rollback_refusals_are_shown_with_the_service_message(service: LiveService) -> None:
    module = unique("ramp")
    mismatch(service, module, [], [])
    with signed_in(service, "operator") as client:
        path = f"/ui/modules/{module}/changes"
        token = csrf_of(client.get(path).text)
        ramp = client.post(path, data={"csrf": token, "action": "ramp", "serve_rate": "half", "reason": "x"})
        assert ramp.status_code == 422 and "Refused (422)" in ramp.text
        back = client.post(path, data={"csrf": token, "action": "rollback", "reason": "x"})
        assert "Refused" in back.text or "Done" in back.text  # shadow: refused (409) or "already rolled back"
        assert httpx.get(f"{service.url}/v1/flags/{module}", headers=auth("read")).json()["state"] == "shadow"


def test_without_tokens_the_console_opens_on_loopback_without_a_login(module_tmp: Path) -> None:
    env = {
        "SHADOWDIFF_DATA_DIR": str(module_tmp / "open"),
        "SHADOWDIFF_GUARD_ENABLED": "false",
        "SHADOWDIFF_TOKENS": "",
    }
    with live_service(env, module_tmp) as open_service, httpx.Client(base_url=open_service.url) as client:
        board = client.get("/ui/")
        assert board.status_code == 200 and "signed in as <b>local</b>" in board.text
        assert "shadowdiff_session=" in board.headers["set-cookie"]
        assert client.get("/ui/").status_code == 200  # the cookie it set is good


def test_an_empty_board_says_no_module_has_arrived_and_nothing_about_missing_endpoints(
    module_tmp: Path,
) -> None:
    env = {"SHADOWDIFF_DATA_DIR": str(module_tmp / "empty"), "SHADOWDIFF_TOKENS": ""}
    with live_service(env, module_tmp) as fresh, httpx.Client(base_url=fresh.url) as client:
        board = client.get("/ui/")
    assert board.status_code == 200
    assert "No modules yet" in board.text
    assert "appears here once the service has" not in board.text, board.text


def test_a_refused_move_advises_what_to_do_in_the_consoles_terms(service: LiveService) -> None:
    module = unique("skip")
    mismatch(service, module, [], [])  # registers the module in shadow
    with signed_in(service, "operator") as client:
        path = f"/ui/modules/{module}/changes"
        page = client.get(path).text
        version = re.search(r'name="version" value="(\d+)"', page)
        assert version is not None
        skip = client.post(
            path,
            data={
                "csrf": csrf_of(page),
                "action": "move",
                "state": "migrated",
                "reason": "x",
                "version": version.group(1),
            },
        )
        assert skip.status_code == 409 and "tick Force" in skip.text
        assert "PUT" not in skip.text and "&#34;force&#34;" not in skip.text
        unknown = client.get(f"/ui/modules/{unique('nobody')}/changes")
        assert (
            unknown.status_code == 404
            and "appears on the board when its first pair is posted" in unknown.text
        )


def test_a_forced_move_into_orm_says_auto_rollback_turned_on_and_the_history_marks_it_forced(
    service: LiveService,
) -> None:
    """The page said only "Done: move → orm": not that the move armed the guard (the answer's note,
    which the CLI shows), nor in the history that it was forced; auto rollback read True/False."""
    module = unique("arm")
    mismatch(service, module, [], [])  # registers the module in shadow, far from ready
    with signed_in(service, "operator") as client:
        path = f"/ui/modules/{module}/changes"
        page = client.get(path).text
        assert 'id="current-auto-rollback">off<' in page
        version = re.search(r'name="version" value="(\d+)"', page)
        assert version is not None
        data = {"csrf": csrf_of(page), "action": "move", "state": "orm", "reason": "trial", "force": "on"}
        moved = client.post(path, data={**data, "version": version.group(1)})
    assert moved.status_code == 200, moved.text
    assert "Done: move → orm (version 2), forced." in moved.text
    armed = f"Auto rollback turned on: in orm the guard (and a critical alert) rolls {module} back"
    assert armed in moved.text
    assert f"shadowdiff flags promote {module} --auto-rollback notify|off" in moved.text
    assert "&#34;auto_rollback&#34;" not in moved.text and '"auto_rollback"' not in moved.text
    assert 'id="current-auto-rollback">on<' in moved.text
    newest = moved.text.split('id="history"', 1)[1].split("</li>", 1)[0]
    assert '<b>update</b> <b class="forced">forced</b>' in newest, newest


def test_the_move_form_says_how_much_a_move_to_orm_serves_and_the_ramp_is_offered_in_shadow(
    service: LiveService,
) -> None:
    """A module never ramped has serve_rate 1: the console moved it to orm, every request on the ORM,
    without a word (the CLI's README warns), and labelled the ramp 'state orm' though it works in shadow."""
    module = unique("share")
    mismatch(service, module, [], [])  # registers the module in shadow, serve_rate 1
    with signed_in(service, "operator") as client:
        path = f"/ui/modules/{module}/changes"
        page = client.get(path).text
        assert "A move to orm serves 100% of requests from the ORM at once: every request." in page
        assert "in shadow the share a move to orm starts at" in page
        data = {"csrf": csrf_of(page), "action": "ramp", "serve_rate": "0.1", "reason": "start small"}
        version = re.search(r'name="version" value="(\d+)"', page)
        assert version is not None
        ramped = client.post(path, data={**data, "version": version.group(1)})
    assert ramped.status_code == 200, ramped.text
    assert "A move to orm serves 10% of requests from the ORM at once." in ramped.text


def test_the_board_marks_a_retired_module(service: LiveService) -> None:
    module = unique("gone")
    mismatch(service, module, [], [])
    moved = httpx.put(
        f"{service.url}/v1/flags/{module}", json={"state": "legacy", "reason": "r"}, headers=auth("operator")
    )
    assert moved.status_code == 200, moved.text
    gone = httpx.request(
        "DELETE", f"{service.url}/v1/flags/{module}", json={"reason": "r"}, headers=auth("operator")
    )
    assert gone.status_code == 200, gone.text
    with signed_in(service, "read") as client:
        board = client.get("/ui/").text
    row = board.split(f'<tr data-module="{module}">', 1)[1].split("</tr>", 1)[0]
    assert ">retired</span>" in row, row
