"""Shared test fixtures: a scratch directory per test module for service logs and data.

Also refuses to start when a compiled engine module is older than its source (see tests/compiled.py):
the suite would otherwise pass or fail on code that is no longer in the tree.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.compiled import REMEDY, stale_compiled_modules


def pytest_sessionstart(session: pytest.Session) -> None:
    problems = stale_compiled_modules()
    if problems:
        raise pytest.UsageError("\n".join([*problems, REMEDY]))


@pytest.fixture(scope="module")
def module_tmp(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    """A temporary directory shared by the tests of one module (their server's data and log)."""
    return tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1])
