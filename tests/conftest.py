"""Shared test fixtures: a scratch directory per test module for service logs and data.

Also refuses to start when a compiled engine module is older than its source (see tests/compiled.py):
the suite would otherwise pass or fail on code that is no longer in the tree.

Every test that needs a live part (a uvicorn process, PostgreSQL, MariaDB, promtool, a browser, Node)
is marked ``live`` at collection, found by what its module and the fixtures it uses call: nobody has to
remember a marker. ``make check`` runs the rest (``-m "not live"``) as the quick edit loop; ``make test``
runs everything.
"""

from __future__ import annotations

import inspect
import re
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest

from tests.compiled import REMEDY, stale_compiled_modules

LIVE_PARTS = re.compile(
    r"live_service|fresh_database|running_program|PostgresStore|subprocess|shutil\.which|playwright"
    r"|private_cluster|mariadb|chromium"
)
"""Names whose use means a test starts or reaches something outside this process."""


def _source_mentions_live_parts(module: ModuleType) -> bool:
    try:
        return LIVE_PARTS.search(inspect.getsource(module)) is not None
    except (OSError, TypeError):
        return False


@cache
def _uses_live_parts(module: ModuleType) -> bool:
    """The module, or a test helper module it imports from (one level: tests/monitoring/tools.py)."""
    helpers = {sys.modules.get(getattr(value, "__module__", "") or "") for value in vars(module).values()}
    helpers |= {value for value in vars(module).values() if isinstance(value, ModuleType)}
    return any(
        m is not None and m.__name__.startswith("tests") and _source_mentions_live_parts(m)
        for m in {module, *helpers}
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "live: needs a live part (found at collection; see tests/conftest.py)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        modules = {getattr(item, "module", None)}
        info = getattr(item, "_fixtureinfo", None)
        for defs in info.name2fixturedefs.values() if info is not None else ():
            modules.update(sys.modules.get(d.func.__module__) for d in defs)
        if any(m is not None and m.__name__.startswith("tests") and _uses_live_parts(m) for m in modules):
            item.add_marker(pytest.mark.live)


def pytest_sessionstart(session: pytest.Session) -> None:
    problems = stale_compiled_modules()
    if problems:
        raise pytest.UsageError("\n".join([*problems, REMEDY]))


@pytest.fixture(scope="module")
def module_tmp(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    """A temporary directory shared by the tests of one module (their server's data and log)."""
    return tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1])


_SKIPPED: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and not hasattr(report, "wasxfail"):
        _SKIPPED.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A skipped test is a failed run (issue 13): every test runs its real parts or says why it cannot."""
    if _SKIPPED and exitstatus == 0:
        sys.stderr.write(
            f"\n{len(_SKIPPED)} test(s) skipped, which this suite does not allow: {_SKIPPED[:5]}\n"
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
