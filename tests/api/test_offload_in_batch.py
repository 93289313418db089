"""A mid-size batch is parsed in place and only its large pairs go to a worker process: the size
check reads each pair's bound from the parse walk and measures exactly only a pair the bound leaves
in doubt (``SHADOWDIFF_OFFLOAD_BYTES``)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import orjson
import pytest

from app.main import create_app
from app.offload import Compared, Offloader
from app.settings import Settings
from app.validation import decode_body

THRESHOLD = 4096


def pair(query: str, rows: int, value: str) -> dict[str, Any]:
    result = [{"id": i, "note": value} for i in range(rows)]
    return {"module": "m", "query_name": query, "legacy": {"result": result}, "orm": {"result": result}}


@pytest.mark.parametrize("note", ["x" * 40, "\u00e9" * 40, "\x01" * 40])  # 1, 2 and 6 JSON bytes a char
def test_only_the_large_pair_of_a_mid_size_batch_is_compared_in_a_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, note: str
) -> None:
    small = [pair(f"small{i}", 2, note) for i in range(3)]
    large = pair("large", 80, note)  # past the threshold as JSON, whatever the spelling of its text
    body = orjson.dumps({"pairs": [small[0], large, *small[1:]]})
    assert len(orjson.dumps(large)) > THRESHOLD
    assert THRESHOLD < len(body) <= 16 * THRESHOLD  # parsed in place, not sent to a worker whole
    assert all(len(orjson.dumps(p)) <= THRESHOLD for p in small)

    sent: list[Any] = []
    real_compare = Offloader.compare

    async def spy(self: Offloader, legacy: Any, orm: Any, *args: Any) -> Compared:
        sent.append(legacy)
        return await real_compare(self, legacy, orm, *args)

    monkeypatch.setattr(Offloader, "compare", spy)
    app = create_app(Settings(data_dir=tmp_path, tokens="", offload_bytes=THRESHOLD, compare_processes=1))

    async def post() -> dict[str, Any]:
        async with app.router.lifespan_context(app):
            answer: dict[str, Any] = await app.state.services.ingestor.receive(
                decode_body(body, None, 10**7), "test", batch=True, max_depth=64, max_batch=100
            )
            return answer

    answer = asyncio.run(post())
    assert sent == [large["legacy"]["result"]]
    assert [r["outcome"] for r in answer["results"]] == ["match"] * 4
