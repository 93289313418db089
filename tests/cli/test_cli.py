"""The ``shadowdiff`` command, run as the installed console script against a live service (SQLite).

Each command is run the way an operator or a script runs it: a subprocess with ``SHADOWDIFF_URL`` and
``SHADOWDIFF_TOKEN`` in its environment; the outcome is checked both in the exit code and in what the
service holds afterwards.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api.client import TOKENS, TOKENS_ENV, auth, unique
from tests.live import LiveService, live_service
from tests.rollback.payloads import load, retarget

SCRIPT = shutil.which("shadowdiff", path=str(Path(sys.executable).parent))
HTTP_WORDING = ("PUT", "GET", "POST", "DELETE", "/v1/", '"force"', "Authorization", "header", "endpoint")
"""What a CLI user never types: advice in these words is advice they cannot follow as written."""


@pytest.fixture(scope="module")
def service(module_tmp: Path) -> Iterator[LiveService]:
    env = {
        "SHADOWDIFF_DATA_DIR": str(module_tmp / "data"),
        "SHADOWDIFF_TOKENS": TOKENS_ENV,
        "SHADOWDIFF_GUARD_ENABLED": "false",
    }
    with live_service(env, module_tmp) as live:
        yield live


def run(
    service: LiveService, *args: str, role: str = "operator", stdin: str | None = None, columns: int = 200
) -> subprocess.CompletedProcess[str]:
    assert SCRIPT is not None, "the shadowdiff console script is not installed in the venv (pip install -e .)"
    env = {
        **os.environ,
        "SHADOWDIFF_URL": service.url,
        "SHADOWDIFF_TOKEN": TOKENS[role],
        "COLUMNS": str(columns),
    }
    return subprocess.run(
        [SCRIPT, *args], env=env, input=stdin, capture_output=True, text=True, timeout=60, check=False
    )


def run_json(service: LiveService, *args: str, role: str = "operator") -> Any:
    done = run(service, "--json", *args, role=role)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def post_pair(
    service: LiveService, module: str, legacy: Any, orm: Any, query: str = "getUser"
) -> dict[str, Any]:
    body = {"module": module, "query_name": query, "legacy": {"result": legacy}, "orm": {"result": orm}}
    response = httpx.post(f"{service.url}/v1/pairs", json=body, headers=auth("ingest"), timeout=10)
    assert response.status_code == 202, response.text
    answer: dict[str, Any] = response.json()
    return answer


def flag(service: LiveService, module: str) -> dict[str, Any]:
    response = httpx.get(f"{service.url}/v1/flags/{module}", headers=auth("read"), timeout=10)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def test_status_lists_every_module_in_a_table_and_as_json(service: LiveService) -> None:
    module = unique("status")
    post_pair(service, module, [{"id": 1, "name": "a"}], [{"id": 1, "name": "b"}])
    done = run(service, "status", role="read")
    assert done.returncode == 0, done.stderr
    assert module in done.stdout and "shadow" in done.stdout
    # the figures' window is named: they are the last hour's, not since the start or of one replica
    header = next(line for line in done.stdout.splitlines() if "module" in line and "state" in line)
    assert "compared 1h" in header and "mismatch 1h" in header, done.stdout
    assert status_row(done.stdout, module)[6:] == ["1", "100%"], done.stdout
    data = run_json(service, "status", role="read")
    assert module in {f["module"] for f in data["flags"]["flags"]}
    assert data["metrics"][module]["comparisons"]["mismatch"] == 1


def status_row(stdout: str, module: str) -> list[str]:
    """The cells of one module's row in the ``status`` table."""
    (row,) = [line for line in stdout.splitlines() if f" {module} " in line]
    return [cell.strip() for cell in row.split("│")[1:-1]]


@pytest.mark.parametrize(
    ("state", "serve_rate", "shown"),
    [("shadow", 0.25, "-"), ("orm", 0.25, "25%"), ("migrated", 1, "100%")],
    ids=["shadow: none", "orm: the ramp", "migrated: all"],
)
def test_status_shows_the_share_the_orm_serves_now(
    service: LiveService, state: str, serve_rate: float, shown: str
) -> None:
    module = unique("served")
    put_flag(service, module, state=state, serve_rate=serve_rate)
    done = run(service, "status", role="read")
    assert done.returncode == 0, done.stderr
    assert status_row(done.stdout, module)[1:4] == [state, "100%", shown], done.stdout


def test_status_in_an_80_column_terminal_keeps_every_module_and_state_whole(service: LiveService) -> None:
    """At 80 columns a full table cut them to 'paymen…' and 'migrat…'; the headers wrap instead."""
    module = unique("whole-module-name")
    put_flag(service, module, state="migrated", serve_rate=1)
    done = run(service, "status", role="read", columns=80)
    assert done.returncode == 0, done.stderr
    assert status_row(done.stdout, module)[:2] == [module, "migrated"], done.stdout
    assert all(len(line) <= 80 for line in done.stdout.splitlines()), done.stdout


def test_status_shows_a_retired_module_as_retired(service: LiveService) -> None:
    """It read 'legacy', like a module still to be migrated."""
    module = unique("retired")
    put_flag(service, module, state="legacy")
    body = {"reason": "done with it"}
    gone = httpx.request(
        "DELETE", f"{service.url}/v1/flags/{module}", json=body, headers=auth("operator"), timeout=10
    )
    assert gone.status_code == 200, gone.text
    done = run(service, "status", role="read")
    assert status_row(done.stdout, module)[1] == "retired", done.stdout


def test_flags_readiness_shows_each_query_and_why_it_is_not_ready(service: LiveService) -> None:
    module = unique("ready")
    post_pair(service, module, [{"id": 1}], [{"id": 1}], query="getOrder")
    done = run(service, "flags", "readiness", module, role="read")
    assert done.returncode == 0, done.stderr
    assert f"readiness of {module} (shadow): not_ready" in done.stdout, done.stdout
    (row,) = [line for line in done.stdout.splitlines() if "getOrder" in line and "│" in line]
    assert [cell.strip() for cell in row.split("│")[1:5]] == ["getOrder", "not_ready", "1", "0"], row
    assert "- getOrder: 1 compared pairs in the last 24h, needs 1000" in done.stdout, done.stdout
    assert run_json(service, "flags", "readiness", module, role="read")["verdict"] == "not_ready"


def test_flags_get_promote_rollback_and_history(service: LiveService) -> None:
    module = unique("lifecycle")
    post_pair(service, module, [{"id": 1}], [{"id": 1}])  # registers the module in shadow
    assert run_json(service, "flags", "get", module, role="read")["state"] == "shadow"

    done = run(service, "flags", "promote", module, "--reason", "green for a week", "--force")
    assert done.returncode == 0, done.stderr
    assert "orm" in done.stdout
    assert flag(service, module)["state"] == "orm"

    done = run(service, "flags", "rollback", module, "--reason", "pager at 3am")
    assert done.returncode == 0, done.stderr
    assert flag(service, module)["state"] == "shadow"

    history = run_json(service, "flags", "history", module, role="read")["history"]
    assert [h["reason"] for h in history[:2]] == ["pager at 3am", "green for a week"]
    table = run(service, "flags", "history", module, role="read")
    assert table.returncode == 0 and "pager at 3am" in table.stdout


def test_tables_in_an_80_column_terminal_keep_the_time_to_the_second_and_the_whole_path(
    service: LiveService,
) -> None:
    module = unique("narrow")
    legacy = [{"id": 1, "shipping_address_line": "a"}]
    post_pair(service, module, legacy, [{"id": 1, "shippingAddressLine": "b"}])
    seconds = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
    history = run(service, "flags", "history", module, role="read", columns=80)
    assert history.returncode == 0, history.stderr
    assert seconds.search(history.stdout), history.stdout
    for _ in range(50):  # the writer stores samples in the background
        table = run(service, "mismatches", "--module", module, role="read", columns=80)
        if "shipping" in table.stdout:
            break
    assert seconds.search(table.stdout), table.stdout
    path_cells = "".join(
        line.split("│")[5].strip() for line in table.stdout.splitlines() if line.count("│") > 5
    )
    assert "[id=1].shipping_address_line" in path_cells, table.stdout


def test_history_in_an_80_column_terminal_shows_each_change_whole_and_where_its_samples_are(
    service: LiveService,
) -> None:
    """The table cut 'rollba…', 'alertma…' and every word of the reason at 80 columns, never showed
    the person (by) nor a forced move, and left a rollback's samples to --json."""
    module = unique("timeline")
    put_flag(service, module, state="orm", auto_rollback=True, by="dana")
    post_pair(service, module, [{"id": 1, "total": 5}], [{"id": 1, "total": 6}], query="getOrder")
    for _ in range(50):  # the writer stores samples in the background
        if run_json(service, "mismatches", "--module", module, role="read")["mismatches"]:
            break
    alert = retarget(load("firing"), {"auth": module})
    hook = httpx.post(
        f"{service.url}/v1/alerts/alertmanager", json=alert, headers=auth("operator"), timeout=10
    )
    assert hook.status_code == 200 and hook.json()["results"][0]["result"] == "rolled_back", hook.text
    done = run(service, "flags", "history", module, role="read", columns=80)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d  rollback  orm -> shadow  by alertmanager", lines[1])
    assert lines[2].startswith("    alertmanager: alert ShadowMismatchRateCritical firing since ")
    assert lines[3] == f"    samples: shadowdiff mismatches --module {module} --query getOrder --field total"
    assert lines[4].endswith("  create (forced)  - -> orm  by dana via alice"), done.stdout
    assert lines[5] == "    setup"
    every = run(service, "flags", "history", "--limit", "200", role="read", columns=80)
    assert f"  {module}  rollback  orm -> shadow  by alertmanager" in every.stdout


def test_promote_to_a_named_state_sends_the_version_it_read(service: LiveService) -> None:
    module = unique("named")
    post_pair(service, module, [], [])
    version = flag(service, module)["version"]
    assert run(service, "flags", "promote", module, "--to", "legacy", "-r", "back off").returncode == 0
    after = flag(service, module)
    assert (after["state"], after["version"]) == ("legacy", version + 1)


def test_refusals_exit_1_with_the_service_message(service: LiveService) -> None:
    module = unique("refused")
    post_pair(service, module, [], [])
    # rollback from shadow is already done (200); from legacy it is refused: the 409 message is printed
    assert run(service, "flags", "rollback", module, "--reason", "again").returncode == 0
    to_legacy = {"state": "legacy", "reason": "back off"}
    httpx.put(f"{service.url}/v1/flags/{module}", json=to_legacy, headers=auth("operator"), timeout=10)
    done = run(service, "flags", "rollback", module, "--reason", "nope")
    assert done.returncode == 1
    assert "invalid_transition" in done.stderr
    # a read token may look but not change
    done = run(service, "flags", "promote", module, "--reason", "x", role="read")
    assert done.returncode == 1 and "forbidden" in done.stderr
    assert flag(service, module)["state"] == "legacy"
    # an unknown module
    done = run(service, "flags", "ramp", unique("nothing"), "0.5", "--reason", "x")
    assert done.returncode == 1 and "unknown_module" in done.stderr
    # an unreachable service
    env = {**os.environ, "SHADOWDIFF_URL": "http://127.0.0.1:9", "SHADOWDIFF_TOKEN": TOKENS["read"]}
    assert SCRIPT is not None
    down = subprocess.run(
        [SCRIPT, "status"], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert down.returncode == 1 and "cannot reach" in down.stderr


def test_an_unreachable_service_names_where_the_cli_looked_and_how_to_look_elsewhere() -> None:
    assert SCRIPT is not None
    env = {**os.environ, "SHADOWDIFF_URL": "http://127.0.0.1:9", "COLUMNS": "1000"}
    down = subprocess.run(
        [SCRIPT, "status"], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert down.returncode == 1
    assert "cannot reach shadowdiff at http://127.0.0.1:9: " in down.stderr, down.stderr
    assert "is it running there?" in down.stderr and "SHADOWDIFF_URL or --url" in down.stderr, down.stderr


def test_a_missing_or_wrong_token_says_how_the_cli_takes_one(service: LiveService) -> None:
    assert SCRIPT is not None
    for token in ("", "not-a-configured-token"):
        env = {**os.environ, "SHADOWDIFF_URL": service.url, "SHADOWDIFF_TOKEN": token}
        done = subprocess.run(
            [SCRIPT, "status"], env=env, capture_output=True, text=True, timeout=60, check=False
        )
        assert done.returncode == 1, done.stderr
        assert "unauthenticated (HTTP 401)" in done.stderr
        assert "SHADOWDIFF_TOKEN or pass --token" in done.stderr, done.stderr
        assert not [w for w in HTTP_WORDING if w in done.stderr], done.stderr


def test_a_refusal_that_force_overrides_names_the_cli_option(service: LiveService) -> None:
    module = unique("rails")
    post_pair(service, module, [], [])  # registers the module in shadow
    done = run(service, "flags", "promote", module, "--to", "migrated", "--reason", "skip")
    assert done.returncode == 1 and "invalid_transition" in done.stderr
    assert "add --force (with the --reason) to do it anyway" in done.stderr, done.stderr
    assert flag(service, module)["state"] == "shadow"


def test_bad_usage_exits_2(service: LiveService) -> None:
    assert run(service, "flags", "promote", "m").returncode == 2  # no --reason
    assert run(service, "flags", "ramp", "m", "1.5", "-r", "x").returncode == 2  # rate out of 0..1
    assert run(service, "nonsense").returncode == 2
    assert run(service, "specs", "put", "m", "q", "/nonexistent/spec.yaml", "-r", "x").returncode == 2
    assert run(service, "specs", "put", "m", "q", "-").returncode == 2  # no --reason


def test_mismatches_filters_by_module_query_and_field(service: LiveService) -> None:
    module = unique("mm")
    post_pair(service, module, [{"id": 1, "total": 5}], [{"id": 1, "total": 6}], query="getOrder")
    post_pair(service, module, [{"id": 2, "name": "a"}], [{"id": 2, "name": "b"}], query="getUser")

    def samples(*args: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for _ in range(50):  # the writer stores samples in the background
            found = run_json(service, "mismatches", "--module", module, *args, role="read")["mismatches"]
            if found:
                break
        return found

    by_query = samples("--query", "getOrder")
    assert [s["query_name"] for s in by_query] == ["getOrder"]
    by_field = samples("--field", "name")
    assert [s["fields"] for s in by_field] == [["name"]]
    table = run(service, "mismatches", "--module", module, "--query", "getOrder", role="read")
    assert table.returncode == 0 and "[id=1].total" in table.stdout


def test_mismatches_table_shows_the_differing_values_as_sent(service: LiveService) -> None:
    """Values as JSON: a float's every digit, text apart from numbers and null, a trailing space,
    and a key one side lacks named as missing (the table printed 12.0001 as 12 and "A " as A)."""
    module = unique("values")
    legacy = [{"id": 1, "n": "12", "code": "A", "note": "null", "gone": 1}]
    post_pair(service, module, legacy, [{"id": 1, "n": 12.0001, "code": "A ", "note": None}])
    for _ in range(50):  # the writer stores samples in the background
        table = run(service, "mismatches", "--module", module, role="read")
        if "[id=1]" in table.stdout:
            break
    assert table.returncode == 0, table.stderr
    cells = {
        parts[5].strip(): (parts[7].strip(), parts[8].strip())
        for parts in (line.split("│") for line in table.stdout.splitlines())
        if len(parts) > 8 and parts[5].strip().startswith("[id=1]")
    }
    assert cells == {
        "[id=1].n": ('"12"', "12.0001"),
        "[id=1].code": ('"A"', '"A "'),
        "[id=1].note": ('"null"', "null"),
        "[id=1].gone": ("1", "(missing)"),
    }, table.stdout


def test_rollback_of_a_module_already_in_shadow_does_not_say_it_rolled_back(service: LiveService) -> None:
    module = unique("again")
    post_pair(service, module, [{"id": 1}], [{"id": 1}])  # registers the module in shadow
    done = run(service, "flags", "rollback", module, "--reason", "pager")
    assert done.returncode == 0, done.stderr
    assert f"flag {module} already rolled back: nothing changed" in done.stdout, done.stdout
    assert f"flag {module} rolled back" not in done.stdout
    assert flag(service, module)["version"] == 1


def test_specs_put_and_get(service: LiveService, tmp_path: Path) -> None:
    module = unique("specs")
    spec_file = tmp_path / "spec.yaml"
    spec_file.write_text("key: [id]\nignore: [updated_at]\n")
    done = run(service, "specs", "put", module, "getUser", str(spec_file), "--reason", "rows keyed by id")
    assert done.returncode == 0, done.stderr
    got = run_json(service, "specs", "get", module, "getUser", role="read")["specs"]
    assert [s["spec"] for s in got] == [{"key": ["id"], "ignore": ["updated_at"]}]
    # from stdin, refused by the service: exit 1 naming the option
    bad = run(service, "specs", "put", module, "getUser", "-", "-r", "x", stdin='{"colour": "red"}')
    assert bad.returncode == 1 and "colour" in bad.stderr
    missing = run(service, "specs", "get", module, "noSuchQuery", role="read")
    assert missing.returncode == 1


def test_specs_dry_run_shows_what_a_proposed_spec_would_do(service: LiveService, tmp_path: Path) -> None:
    module = unique("dryrun")
    post_pair(service, module, [{"id": 1, "seen": "a"}], [{"id": 1, "seen": "b"}])
    for _ in range(100):  # the sample is written in the background
        if run_json(service, "mismatches", "--module", module, role="read")["mismatches"]:
            break
    spec_file = tmp_path / "spec.json"
    spec_file.write_text('{"key": ["id"], "ignore": ["seen"]}')
    data = run_json(service, "specs", "dry-run", module, "getUser", str(spec_file), role="read")
    assert data["counts"] == {"would_match": 1, "still_differs": 0, "cannot_rediff": 0}
    table = run(service, "specs", "dry-run", module, "getUser", str(spec_file), role="read")
    assert table.returncode == 0 and "would_match" in table.stdout
    spec_file.write_text('{"key": ["id"], "ignore": ["sen"]}')  # a typo: matches nothing
    typo = run(service, "specs", "dry-run", module, "getUser", str(spec_file), role="read")
    assert typo.returncode == 0 and "still_differs: 1" in typo.stdout
    assert "warning: ignore: 'sen' matched no field" in typo.stdout, typo.stdout
    assert run_json(service, "specs", "get", role="read")["specs"] == [
        s for s in run_json(service, "specs", "get", role="read")["specs"] if s["module"] != module
    ]


def test_flags_ramp_sets_the_serve_rate_in_orm(service: LiveService) -> None:
    module = unique("ramp")
    post_pair(service, module, [{"id": 1}], [{"id": 1}])
    assert run(service, "flags", "promote", module, "-r", "try it", "--force").returncode == 0
    done = run(service, "flags", "ramp", module, "0.25", "--reason", "a quarter on the ORM", "--by", "dana")
    assert done.returncode == 0, done.stderr
    assert flag(service, module)["serve_rate"] == 0.25
    (latest, *_) = run_json(service, "flags", "history", module, role="read")["history"]
    assert latest["reason"] == "a quarter on the ORM"


# -- exit codes: 2 for what the CLI refuses before asking, 1 for what the service refuses -------------


def put_flag(service: LiveService, module: str, **fields: Any) -> None:
    body = {"reason": "setup", "force": True, **fields}
    response = httpx.put(f"{service.url}/v1/flags/{module}", json=body, headers=auth("operator"), timeout=10)
    assert response.status_code in (200, 201), response.text


def test_promoting_a_migrated_module_is_bad_usage(service: LiveService) -> None:
    module = unique("last")
    put_flag(service, module, state="migrated")
    done = run(service, "flags", "promote", module, "--reason", "further")
    assert done.returncode == 2, done.stderr
    assert "'migrated', the last state: there is nothing to promote it to" in done.stderr
    assert flag(service, module)["version"] == 1


def test_creating_a_module_that_exists_is_bad_usage(service: LiveService) -> None:
    module = unique("twice")
    put_flag(service, module, state="legacy")
    done = run(service, "flags", "create", module, "--reason", "again")
    assert done.returncode == 2, done.stderr
    assert f"module {module!r} already exists (state 'legacy')" in done.stderr
    assert flag(service, module)["version"] == 1


@pytest.mark.parametrize(
    "args",
    [
        ("flags", "get", "orders/history"),
        ("flags", "promote", "auth svc", "-r", "x"),
        ("mismatches", "--module", "auth svc"),
        ("specs", "put", "orders", "get order", "-", "-r", "x"),
    ],
    ids=["a slash", "a space", "an option", "a query"],
)
def test_a_name_the_service_would_refuse_is_bad_usage(service: LiveService, args: tuple[str, ...]) -> None:
    done = run(service, *args, stdin="{}")
    assert done.returncode == 2, done.stderr
    assert "is not a name of 1 to 128 of the characters A-Z a-z 0-9 _ . : -" in done.stderr, done.stderr


@pytest.mark.parametrize(
    ("setup", "args", "code"),
    [
        ({"state": "legacy"}, ("flags", "promote", "{m}", "--to", "orm", "-r", "x"), "invalid_transition"),
        ({"state": "shadow"}, ("flags", "promote", "{m}", "-r", "x"), "not_ready"),
        ({"state": "legacy"}, ("flags", "rollback", "{m}", "-r", "x"), "invalid_transition"),
        (None, ("flags", "promote", "{m}", "-r", "x"), "unknown_module"),
    ],
    ids=["a skipped stage", "not ready", "a rollback from legacy", "an unknown module"],
)
def test_a_move_the_service_refuses_exits_1(
    service: LiveService, setup: dict[str, Any] | None, args: tuple[str, ...], code: str
) -> None:
    module = unique("refused")
    if setup is not None:
        put_flag(service, module, **setup)
    done = run(service, *(a.replace("{m}", module) for a in args))
    assert done.returncode == 1, done.stderr
    assert f"{code} (HTTP " in done.stderr


def test_flags_create_creates_the_module_in_the_state_named(service: LiveService) -> None:
    module = unique("new")
    done = run(service, "flags", "create", module, "--state", "legacy", "--reason", "onboard", "--by", "dana")
    assert done.returncode == 0, done.stderr
    created = flag(service, module)
    assert (created["state"], created["version"]) == ("legacy", 1)
    (entry, *_) = run_json(service, "flags", "history", module, role="read")["history"]
    assert (entry["reason"], entry["by"]) == ("onboard", "dana")


# -- a refusal's advice: the CLI command to run, never the HTTP request --------------------------------

ADVICE_CASES: dict[str, tuple[dict[str, Any] | None, tuple[str, ...], str]] = {
    "an unknown module": (
        None, ("flags", "get", "{m}"),
        "no flag for module '{m}'; check its spelling (shadowdiff status lists every module), "
        "or create it: shadowdiff flags create {m} --reason ...",
    ),
    "a rail force passes": (
        {"state": "shadow"}, ("flags", "promote", "{m}", "--to", "migrated", "-r", "x"),
        "move one stage at a time (legacy <-> shadow <-> orm <-> migrated); "
        "add --force (with the --reason) to do it anyway (recorded as forced)",
    ),
    "not ready": (
        {"state": "shadow"}, ("flags", "promote", "{m}", "-r", "x"),
        "Wait until those are met (shadowdiff flags readiness {m} shows where each query stands), "
        "or add --force (with the --reason) to do it anyway (recorded as forced)",
    ),
    "migrated before the full ramp": (
        {"state": "orm", "serve_rate": 0.5}, ("flags", "promote", "{m}", "-r", "x"),
        "ramp it to 1 first: shadowdiff flags ramp {m} 1 --reason ..., "
        "or add --force (with the --reason) to do it anyway (recorded as forced)",
    ),
    "a rollback of a migrated module": (
        {"state": "migrated"}, ("flags", "rollback", "{m}", "-r", "x"),
        "If its SQL path still runs, move it back with shadowdiff flags promote {m} --to orm --force "
        "--reason ... and roll it back from there; otherwise fix forward on the ORM path",
    ),
}  # fmt: skip


@pytest.mark.parametrize(("setup", "args", "advice"), ADVICE_CASES.values(), ids=ADVICE_CASES.keys())
def test_a_refusal_advises_the_cli_command_to_run(
    service: LiveService, setup: dict[str, Any] | None, args: tuple[str, ...], advice: str
) -> None:
    module = unique("advice")
    if setup is not None:
        put_flag(service, module, **setup)
    done = run(service, *(a.replace("{m}", module) for a in args), columns=1000)
    assert done.returncode == 1, done.stderr
    assert advice.replace("{m}", module) in done.stderr, done.stderr
    assert not [w for w in HTTP_WORDING if w in done.stderr], done.stderr


def test_a_token_without_the_role_is_told_so_without_http_terms(service: LiveService) -> None:
    module = unique("role")
    put_flag(service, module, state="legacy")
    done = run(service, "flags", "promote", module, "--reason", "x", role="read")
    assert done.returncode == 1
    assert "lacks the role this needs (operator); use a token that has it" in done.stderr, done.stderr
    assert not [w for w in HTTP_WORDING if w in done.stderr], done.stderr


def test_promote_to_orm_says_in_the_clis_words_that_auto_rollback_turned_on(service: LiveService) -> None:
    module = unique("armed")
    post_pair(service, module, [{"id": 1}], [{"id": 1}])  # registers the module in shadow
    done = run(service, "flags", "promote", module, "--reason", "green", "--force", columns=400)
    assert done.returncode == 0, done.stderr
    assert "promote with --auto-rollback notify (record only) or off" in done.stdout, done.stdout
    assert '"auto_rollback"' not in done.stdout
    assert flag(service, module)["auto_rollback"] is True


@pytest.mark.parametrize(("given", "stored"), [("notify", "notify"), ("off", False), ("on", True)])
def test_promote_keeps_the_auto_rollback_it_is_given(
    service: LiveService, given: str, stored: object
) -> None:
    module = unique("kept")
    post_pair(service, module, [{"id": 1}], [{"id": 1}])
    done = run(service, "flags", "promote", module, "-r", "green", "--force", "--auto-rollback", given)
    assert done.returncode == 0, done.stderr
    assert "turned on" not in done.stdout
    assert flag(service, module)["auto_rollback"] == stored
    # shown in the words the option takes, not as the wire's true/false printed True/False
    shown = run(service, "flags", "get", module, role="read")
    assert re.search(rf"│ auto_rollback +│ {given} +│", shown.stdout), shown.stdout
    status = run(service, "status", role="read")
    assert status_row(status.stdout, module)[4] == given, status.stdout


def test_flags_get_shows_override_objects_by_their_set_keys(service: LiveService) -> None:
    module = unique("overrides")
    post_pair(service, module, [{"id": 1}], [{"id": 1}])
    plain = run(service, "flags", "get", module, role="read")
    assert plain.returncode == 0 and "(service defaults)" in plain.stdout and "null" not in plain.stdout
    body = {"guard": {"threshold": 0.01}, "reason": "tighter", "version": flag(service, module)["version"]}
    changed = httpx.put(f"{service.url}/v1/flags/{module}", json=body, headers=auth("operator"), timeout=10)
    assert changed.status_code == 200, changed.text
    shown = run(service, "flags", "get", module, role="read")
    assert "threshold 0.01" in shown.stdout and "null" not in shown.stdout, shown.stdout
