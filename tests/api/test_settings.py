"""Settings refuse unsafe values; a service without tokens serves loopback callers every role."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from app.settings import Settings
from tests.api.client import Api, pair, unique
from tests.live import ROOT, LiveService, live_service

REFUSED = {
    "public bind without tokens": ({"host": "0.0.0.0"}, "without SHADOWDIFF_TOKENS"),
    "rate above one": ({"default_sample_rate": 1.5}, "default_sample_rate"),
    "negative rate": ({"default_sample_rate": -0.1}, "default_sample_rate"),
    "short token": (
        {"tokens": [{"name": "a", "token": "short", "roles": ["read"]}]},
        "at least 8 characters",
    ),
    "unknown role": ({"tokens": [{"name": "a", "token": "long-enough-1", "roles": ["admin"]}]}, "roles"),
    "duplicate token names": (
        {
            "tokens": [
                {"name": "a", "token": "long-enough-1", "roles": ["read"]},
                {"name": "a", "token": "long-enough-2", "roles": ["read"]},
            ]
        },
        "unique",
    ),
    "not a postgres url": ({"database_url": "mysql://x"}, "postgresql://"),
    "zero poll interval": ({"flag_poll_seconds": 0}, "flag_poll_seconds"),
    "public host name without tokens": ({"host": "shadowdiff.internal"}, "without SHADOWDIFF_TOKENS"),
    "two entries share one token": (
        {
            "tokens": [
                {"name": "a", "token": "long-enough-1", "roles": ["read"]},
                {"name": "b", "token": "long-enough-1", "roles": ["operator"]},
            ]
        },
        "two entries share one token value",
    ),
    "tokens not JSON": ({"tokens": "ops:long-enough-1"}, 'must be a JSON list of {"name", "token", "roles"}'),
    "tokens and a tokens file": (
        {
            "tokens": '[{"name": "a", "token": "long-enough-1", "roles": ["read"]}]',
            "tokens_file": "tokens.json",
        },
        "set SHADOWDIFF_TOKENS or SHADOWDIFF_TOKENS_FILE, not both",
    ),
    "tokens file not there": (
        {"tokens_file": "/nonexistent/tokens.json"},
        "SHADOWDIFF_TOKENS_FILE '/nonexistent/tokens.json' cannot be read: No such file or directory",
    ),
    "empty redaction pattern": (
        {"redact": ["password", ""]},
        "redaction pattern .* must be 1 to 128 characters",
    ),
    "redaction pattern too long": ({"redact": ["x" * 129]}, "must be 1 to 128 characters"),
}


@pytest.mark.parametrize(("values", "says"), REFUSED.values(), ids=REFUSED.keys())
def test_unsafe_settings_are_refused(values: dict[str, Any], says: str) -> None:
    with pytest.raises(ValidationError, match=says):
        Settings(**values)


def test_localhost_is_a_loopback_address() -> None:
    assert not Settings(host="localhost").auth_enabled


def test_redaction_patterns_may_be_a_json_list() -> None:
    assert Settings(redact='["password", "ssn"]').redact == ("password", "ssn")


def test_empty_entries_of_a_comma_separated_redaction_list_are_dropped() -> None:
    assert Settings(redact="password,,ssn, ").redact == ("password", "ssn")


def test_a_public_bind_with_tokens_is_allowed() -> None:
    tokens = [{"name": "ops", "token": "long-enough-1", "roles": ["operator"]}]
    assert Settings(host="0.0.0.0", tokens=tokens).auth_enabled


def test_settings_read_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/x")
    monkeypatch.setenv("SHADOWDIFF_REDACT", "pin, mothers_maiden_name")
    monkeypatch.setenv("SHADOWDIFF_DEFAULT_SAMPLE_RATE", "0.25")
    settings = Settings()
    assert (settings.database_url, settings.redact, settings.default_sample_rate) == (
        "postgresql://db/x",
        ("pin", "mothers_maiden_name"),
        0.25,
    )


def test_the_process_refuses_a_public_bind_without_tokens() -> None:
    env = {"PATH": "/usr/bin:/bin", "SHADOWDIFF_HOST": "0.0.0.0", "SHADOWDIFF_TOKENS": ""}
    done = subprocess.run(
        [sys.executable, "-m", "app"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 2
    assert "refusing to start" in done.stderr and "SHADOWDIFF_TOKENS" in done.stderr


def test_a_port_in_use_is_refused_naming_the_variable_that_picks_another(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {
            "PATH": "/usr/bin:/bin",
            "SHADOWDIFF_PORT": str(port),
            "SHADOWDIFF_DATA_DIR": str(tmp_path / "data"),
        }
        done = subprocess.run(
            [sys.executable, "-m", "app"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=30
        )
    assert done.returncode == 2, done.stderr
    assert f"refusing to start: 127.0.0.1:{port} is already in use" in done.stderr, done.stderr
    assert f"SHADOWDIFF_PORT={port + 1}" in done.stderr, done.stderr
    assert not (tmp_path / "data").exists()  # refused before the store was opened


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("SHADOWDIFF_DEFAULT_SAMPLE_RATE", "1.5", "SHADOWDIFF_DEFAULT_SAMPLE_RATE: Input should be less"),
        ("SHADOWDIFF_DEFAULT_STATE", "orm", "SHADOWDIFF_DEFAULT_STATE: Input should be 'shadow' or 'legacy'"),
        (
            "SHADOWDIFF_TOKENS",
            '[{"name": "a", "token": "short", "roles": ["read"]}]',
            "SHADOWDIFF_TOKENS (0.token): Value error, a token needs at least 8 characters",
        ),
    ],
)
def test_a_bad_setting_is_refused_naming_the_variable_to_fix(variable: str, value: str, says: str) -> None:
    env = {"PATH": "/usr/bin:/bin", variable: value}
    done = subprocess.run(
        [sys.executable, "-m", "app"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 2, done.stderr
    assert f"refusing to start: {says}" in done.stderr, done.stderr


SPECS_YAML = """
billing:
  listInvoices:
    ordered: true
"""


@pytest.fixture(scope="module")
def open_service(module_tmp: Path) -> Iterator[LiveService]:
    """No tokens, no value storage, tiny label caps and a specs file."""
    specs = module_tmp / "specs.yaml"
    specs.write_text(SPECS_YAML)
    env = {
        "SHADOWDIFF_TOKENS": "",
        "SHADOWDIFF_DATA_DIR": str(module_tmp / "data"),
        "SHADOWDIFF_STORE_VALUES": "false",
        "SHADOWDIFF_SPECS_FILE": str(specs),
        "SHADOWDIFF_MAX_QUERY_NAMES": "2",
        "SHADOWDIFF_MAX_FIELDS": "2",
    }
    with live_service(env, module_tmp) as service:
        yield service


@pytest.fixture(scope="module")
def open_api(open_service: LiveService) -> Iterator[Api]:
    client = Api(open_service.url)
    yield client
    client.close()


def test_without_tokens_it_says_so_and_grants_every_role_on_loopback(
    open_service: LiveService, open_api: Api
) -> None:
    assert "NO TOKENS CONFIGURED" in open_service.log()
    module = unique()
    assert open_api.request("PUT", f"/v1/flags/{module}", role=None, json={"reason": "r"}).status_code == 201
    assert open_api.request("POST", "/v1/pairs", role=None, json=pair(module, 1, 1)).status_code == 202


def test_the_specs_file_is_loaded_at_start(open_api: Api) -> None:
    specs = open_api.request("GET", "/v1/specs", role=None).json()["specs"]
    assert [(s["module"], s["query_name"], s["spec"]) for s in specs] == [
        ("billing", "listInvoices", {"ordered": True})
    ]
    rows, reversed_rows = [{"id": 1}, {"id": 2}], [{"id": 2}, {"id": 1}]
    answer = open_api.request(
        "POST", "/v1/pairs", role=None, json=pair("billing", rows, reversed_rows, "listInvoices")
    )
    assert answer.json()["outcome"] == "mismatch"


def test_with_value_storage_off_samples_keep_fields_but_no_values(open_api: Api) -> None:
    module = unique()
    answer = open_api.request("POST", "/v1/pairs", role=None, json=pair(module, {"a": "v1"}, {"a": "v2"}))
    assert answer.json()["differences"][0]["legacy"] == "v1"  # the caller sent it; it is not stored
    from tests.api.test_pairs import wait_for_samples

    (sample,) = wait_for_samples(open_api, module)
    assert sample["fields"] == ["a"]
    assert "legacy" not in sample["differences"][0] and "orm" not in sample["differences"][0]


def test_label_sets_past_the_cap_fold_into_other(open_api: Api) -> None:
    module = unique()
    for query in ("q1", "q2", "q3", "q4"):
        open_api.request(
            "POST",
            "/v1/pairs",
            role=None,
            json=pair(module, {"a": 1, "b": 1, "c": 1}, {"a": 2, "b": 2, "c": 2}, query),
        )
    text = open_api.request("GET", "/metrics", role=None).text
    from prometheus_client.parser import text_string_to_metric_families

    families = {f.name: f for f in text_string_to_metric_families(text)}
    queries = {
        s.labels["queryName"]: s.value
        for s in families["shadow_comparisons"].samples
        if s.labels["module"] == module and s.labels["outcome"] == "mismatch" and s.name.endswith("_total")
    }
    assert queries == {"q1": 1.0, "q2": 1.0, "__other__": 2.0}
    fields = {
        s.labels["field"]: s.value
        for s in families["shadow_mismatch"].samples
        if s.labels["module"] == module and s.labels["queryName"] == "q1" and s.name.endswith("_total")
    }
    assert fields == {"a": 1.0, "b": 1.0, "__other__": 1.0}


def test_a_specs_file_with_an_unknown_option_stops_the_start_naming_the_entry(tmp_path: Path) -> None:
    specs = tmp_path / "specs.yaml"
    specs.write_text("billing:\n  listInvoices:\n    orderd: true\n")
    env = {"SHADOWDIFF_DATA_DIR": str(tmp_path / "data"), "SHADOWDIFF_SPECS_FILE": str(specs)}
    refused = pytest.raises(RuntimeError, match=r"exited with 2(.|\n)*billing\.listInvoices.*orderd")
    with refused, live_service(env, tmp_path):
        pass
