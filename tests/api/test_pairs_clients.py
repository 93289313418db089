"""What client libraries rely on (issue 12), against the live service on both backends: ``pair_id``
answered once, ``context`` kept with mismatch samples and redacted, gzip bodies (and bombs), the
module's ``state``/``version`` in every answer and ``default_state`` in ``/v1/config``."""

from __future__ import annotations

import gzip
import re
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.api.client import TOKENS_ENV, Api, auth, pair, unique
from tests.live import LiveService, live_service

ROWS = [{"id": 1, "name": "Ada"}]


def comparisons(api: Api, module: str) -> dict[str, float]:
    text = api.request("GET", "/metrics", role=None).text
    found: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        if family.name == "shadow_comparisons":
            for sample in family.samples:
                if sample.name.endswith("_total") and sample.labels.get("module") == module:
                    outcome = sample.labels["outcome"]
                    found[outcome] = found.get(outcome, 0.0) + sample.value
    return {k: v for k, v in found.items() if v}


def post_gzip(api: Api, path: str, body: bytes, encoding: str = "gzip") -> Any:
    return api.request("POST", path, role="ingest", content=body, headers={"Content-Encoding": encoding})


def test_every_answer_carries_the_module_state_and_version(api: Api) -> None:
    module = unique()
    first = api.pair(pair(module, ROWS, ROWS)).json()
    assert (first["outcome"], first["state"], first["version"]) == ("match", "shadow", 1)
    assert api.put_flag(module, state="legacy").status_code == 200
    after = api.pair(pair(module, ROWS, ROWS)).json()
    assert (after["outcome"], after["reason"], after["state"], after["version"]) == (
        "skipped",
        "module_off",
        "legacy",
        2,
    )


def test_a_repeated_pair_id_gets_its_first_outcome_and_counts_once(api: Api) -> None:
    module = unique()
    body = pair(module, ROWS, [{"id": 1, "name": "Bob"}], pair_id="p-" + unique())
    first = api.pair(body).json()
    again = api.pair(body).json()
    assert first["outcome"] == "mismatch" and "duplicate" not in first
    assert (again["outcome"], again["reason"], again["duplicate"], again["difference_count"]) == (
        "mismatch",
        None,
        True,
        1,
    )
    # a retried batch: its pairs are not counted again, a new id in it is
    ids = [unique("p") for _ in range(3)]
    batch = [pair(module, ROWS, ROWS, pair_id=i) for i in ids]
    assert api.batch(batch).json()["accepted"] == 3
    retried = api.batch([*batch, pair(module, ROWS, ROWS, pair_id=unique("p"))]).json()
    assert [r.get("duplicate", False) for r in retried["results"]] == [True, True, True, False]
    assert comparisons(api, module) == {"mismatch": 1.0, "match": 4.0}


def test_a_pair_id_is_a_bounded_string(api: Api) -> None:
    for bad in ("", "x" * 129, 7):
        response = api.pair(pair(unique(), 1, 1, pair_id=bad))
        assert response.status_code == 422, response.text
        assert "pair_id" in response.json()["message"]
    assert api.pair(pair(unique(), 1, 1, pair_id="x" * 128)).status_code == 202


def test_context_is_kept_with_the_mismatch_sample_and_redacted(api: Api) -> None:
    module = unique()
    context = {"email": "ada@example.com", "password": "hunter2", "filter": {"api_key": "k", "page": 2}}
    answer = api.pair(pair(module, ROWS, [{"id": 1, "name": "Bob"}], request_id="r1", context=context))
    assert answer.json()["outcome"] == "mismatch"
    deadline = time.monotonic() + 10
    while True:
        samples = api.request("GET", f"/v1/mismatches?module={module}", role="read").json()["mismatches"]
        if samples or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert len(samples) == 1
    stored = samples[0]["context"]
    # masked as the sample's rows are, keyed hashes (README, "Masked values in samples")
    assert (stored["email"], stored["filter"]["page"]) == ("ada@example.com", 2)
    assert re.fullmatch(r"\*\*\*#[0-9A-F]{12}", stored["password"]), stored
    assert re.fullmatch(r"\*\*\*#[0-9A-F]{12}", stored["filter"]["api_key"]), stored
    assert stored["password"] != stored["filter"]["api_key"]  # two different values, two hashes


def test_context_must_be_an_object_of_at_most_8_kb(api: Api) -> None:
    too_big = {"ids": ["x" * 100 for _ in range(90)]}
    for bad, says in ((["a"], "object"), ("text", "object"), (too_big, "8192")):
        response = api.pair(pair(unique(), 1, 1, context=bad))
        assert response.status_code == 422, response.text
        assert says in response.json()["message"]
    assert api.pair(pair(unique(), 1, 1, context={"ids": ["x" * 100 for _ in range(70)]})).status_code == 202


def test_gzip_bodies_are_read_like_plain_ones(api: Api) -> None:
    module = unique()
    single = post_gzip(api, "/v1/pairs", gzip.compress(orjson.dumps(pair(module, ROWS, ROWS))))
    assert (single.status_code, single.json()["outcome"]) == (202, "match")
    pairs = [pair(module, ROWS, ROWS) for _ in range(5)]
    batch = post_gzip(api, "/v1/pairs/batch", gzip.compress(orjson.dumps({"pairs": pairs})))
    assert (batch.status_code, batch.json()["accepted"]) == (202, 5)
    # two concatenated members read as one body, as gzip.decompress reads them
    text = orjson.dumps(pair(module, ROWS, ROWS))
    two = gzip.compress(text[:20]) + gzip.compress(text[20:])
    assert post_gzip(api, "/v1/pairs", two).status_code == 202


def test_bad_encodings_get_a_4xx_that_says_why(api: Api) -> None:
    body = gzip.compress(orjson.dumps(pair(unique(), 1, 1)))
    truncated = post_gzip(api, "/v1/pairs", body[:-12])
    assert truncated.status_code == 400 and "truncated" in truncated.json()["message"]
    not_gzip = post_gzip(api, "/v1/pairs", orjson.dumps(pair(unique(), 1, 1)))
    assert not_gzip.status_code == 400 and "gzip" in not_gzip.json()["message"]
    brotli = post_gzip(api, "/v1/pairs", body, encoding="br")
    assert (brotli.status_code, brotli.json()["error"]) == (415, "unsupported_encoding")


def gzip_bomb(inflated_mib: int) -> bytes:
    """A gzip stream that inflates to ``inflated_mib`` MiB of zeros: one fully flushed deflate segment
    of 1 MiB, repeated (each segment stands alone, so the repetition is valid deflate). The trailer
    is never reached by a reader that stops at its limit, so none is written."""
    deflate = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    segment = deflate.compress(bytes(1 << 20)) + deflate.flush(zlib.Z_FULL_FLUSH)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    return header + segment * inflated_mib


def peak_rss_kib(service: LiveService) -> int:
    status = Path(f"/proc/{service.process.pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")))


def test_a_compression_bomb_gets_413_fast_without_inflating_it(api: Api, service: LiveService) -> None:
    bomb = gzip_bomb(60)  # ~60 KB on the wire (under this service's 64 KiB limit), 60 MiB inflated
    assert len(bomb) < 65536
    before = peak_rss_kib(service)
    started = time.monotonic()
    response = post_gzip(api, "/v1/pairs/batch", bomb)
    elapsed = time.monotonic() - started
    assert (response.status_code, response.json()["error"]) == (413, "body_too_large")
    assert elapsed < 5  # a hang guard: inflating stops one byte past the 64 KiB limit
    assert peak_rss_kib(service) - before < 16 * 1024  # never near the 60 MiB the bomb holds
    # an honest body that inflates past the limit is refused the same way
    big = gzip.compress(orjson.dumps(pair(unique(), ["x" * 100] * 1000, [])))
    assert len(big) < 65536 and post_gzip(api, "/v1/pairs", big).status_code == 413


def test_config_names_the_default_state(api: Api) -> None:
    assert api.request("GET", "/v1/config", role="read").json()["default_state"] == "shadow"


@pytest.fixture(scope="module")
def legacy_default(module_tmp: Path) -> Iterator[Api]:
    env = {
        "SHADOWDIFF_DATA_DIR": str(module_tmp / "legacy-default"),
        "SHADOWDIFF_TOKENS": TOKENS_ENV,
        "SHADOWDIFF_DEFAULT_STATE": "legacy",
    }
    with live_service(env, module_tmp) as service:
        client = Api(service.url)
        yield client
        client.close()


def test_with_default_state_legacy_new_modules_register_in_legacy(legacy_default: Api) -> None:
    config = legacy_default.request("GET", "/v1/config", headers=auth("read"), role=None).json()
    assert config["default_state"] == "legacy"
    module = unique()
    answer = legacy_default.pair(pair(module, 1, 2)).json()
    assert (answer["outcome"], answer["reason"], answer["state"]) == ("skipped", "module_off", "legacy")
    assert legacy_default.flag(module)["state"] == "legacy"


def test_a_default_state_where_the_orm_serves_is_refused_at_start(module_tmp: Path) -> None:
    env = {"SHADOWDIFF_DATA_DIR": str(module_tmp / "bad"), "SHADOWDIFF_DEFAULT_STATE": "orm"}
    with pytest.raises(RuntimeError, match="exited with 2"), live_service(env, module_tmp):
        pass
