"""Shared test fixtures: a scratch directory per test module for service logs and data."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def module_tmp(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    """A temporary directory shared by the tests of one module (their server's data and log)."""
    return tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1])
