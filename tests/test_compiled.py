"""The engine that tests and benchmarks exercise is the compiled one that ships, and never a stale one."""

from __future__ import annotations

import importlib
import inspect
import os
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

import comparators
from tests.compiled import GROUP_LIBRARY, PACKAGE, ROOT, stale_compiled_modules

SUFFIX = EXTENSION_SUFFIXES[0]
ENGINE_MODULES = sorted(f"{PACKAGE}.{p.stem}" for p in (ROOT / PACKAGE).glob("*.py") if p.stem != "__init__")


def test_engine_modules_are_built_as_the_install_mode_says() -> None:
    """Compiled by default, so benchmarks and CI measure the code that ships; pure Python when installed
    with SHADOWDIFF_COMPILE=0 (the coverage run), so coverage sees the engine's lines. Without this, a
    build that silently fell back to Python, or a stale .so left in a pure run, would go unnoticed."""
    assert ENGINE_MODULES, "no engine modules found"
    pure = [
        name
        for name in ENGINE_MODULES
        if not str(importlib.import_module(name).__file__).endswith(tuple(EXTENSION_SUFFIXES))
    ]
    if os.environ.get("SHADOWDIFF_COMPILE") == "0":
        assert pure == ENGINE_MODULES, "SHADOWDIFF_COMPILE=0, yet compiled modules are imported"
        assert inspect.isfunction(comparators.compare)
        return
    assert pure == [], (
        f"{', '.join(pure)} run as Python, not compiled: rebuild with `make test`; installed with"
        " SHADOWDIFF_COMPILE=0 on purpose? Set it for pytest too."
    )
    # The public entry point, re-exported by the (pure) package __init__, is the native function.
    assert not inspect.isfunction(comparators.compare)


def _write(path: Path, mtime_ns: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")
    os.utime(path, ns=(mtime_ns, mtime_ns))
    return path


SECOND = 1_000_000_000
T0 = 1_700_000_000 * SECOND


def test_a_fresh_build_is_not_stale(tmp_path: Path) -> None:
    _write(tmp_path / PACKAGE / "equal.py", T0)
    _write(tmp_path / PACKAGE / f"equal{SUFFIX}", T0 + SECOND)
    _write(tmp_path / PACKAGE / f"{GROUP_LIBRARY}{SUFFIX}", T0 + SECOND)
    assert stale_compiled_modules(tmp_path) == []


def test_a_source_edited_after_the_build_is_named(tmp_path: Path) -> None:
    _write(tmp_path / PACKAGE / "equal.py", T0 + 2 * SECOND)
    _write(tmp_path / PACKAGE / "match.py", T0)
    _write(tmp_path / PACKAGE / f"equal{SUFFIX}", T0 + SECOND)
    _write(tmp_path / PACKAGE / f"match{SUFFIX}", T0 + SECOND)
    problems = stale_compiled_modules(tmp_path)
    assert len(problems) == 1
    assert problems[0].startswith(
        f"comparators/equal.py is newer than its compiled module comparators/equal{SUFFIX}"
    )


def test_a_shim_rebuilt_without_its_code_library_is_stale(tmp_path: Path) -> None:
    """The per-module .so only forwards to the group library, which holds the code."""
    _write(tmp_path / PACKAGE / "equal.py", T0 + SECOND)
    _write(tmp_path / PACKAGE / f"equal{SUFFIX}", T0 + 2 * SECOND)
    _write(tmp_path / PACKAGE / f"{GROUP_LIBRARY}{SUFFIX}", T0)
    assert [p.split()[0] for p in stale_compiled_modules(tmp_path)] == ["comparators/equal.py"]


def test_a_compiled_module_whose_source_is_gone_is_named(tmp_path: Path) -> None:
    _write(tmp_path / PACKAGE / "__init__.py", T0)
    _write(tmp_path / PACKAGE / f"old{SUFFIX}", T0 + SECOND)
    assert stale_compiled_modules(tmp_path) == [
        f"comparators/old{SUFFIX} has no source comparators/old.py any more, yet is importable."
    ]
