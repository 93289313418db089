"""Finds compiled engine modules that no longer match their source (used by conftest.py at session start).

setup.py compiles ``comparators/*.py`` with mypyc into extension modules beside the sources, and Python
imports ``equal.cpython-311-x86_64-linux-gnu.so`` in preference to ``equal.py``: after an edit, tests
run by plain ``pytest`` (not ``make test``, which rebuilds first) would silently exercise the old code.
"""

from __future__ import annotations

from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "comparators"
GROUP_LIBRARY = "_compiled__mypyc"
"""The shared library in the package holding all the compiled code (setup.py's group_name); each
module's own .so is a shim that loads it."""

REMEDY = (
    "Run `make test` (it rebuilds the compiled modules when a source changes), or rebuild with"
    " `.venv/bin/python setup.py build_ext --inplace`; `SHADOWDIFF_COMPILE=0 make test` removes them and"
    " tests pure Python."
)


def _extension(directory: Path, stem: str) -> Path | None:
    """The extension module Python would import for ``stem`` in ``directory``, if any."""
    for suffix in EXTENSION_SUFFIXES:
        candidate = directory / f"{stem}{suffix}"
        if candidate.exists():
            return candidate
    return None


def stale_compiled_modules(root: Path = ROOT) -> list[str]:
    """One message per compiled module that would shadow a newer source, or has no source any more."""
    package = root / PACKAGE
    group = _extension(package, GROUP_LIBRARY)
    problems: list[str] = []
    for compiled in sorted(package.iterdir()):
        suffix = next((s for s in EXTENSION_SUFFIXES if compiled.name.endswith(s)), None)
        if suffix is None or compiled.name == GROUP_LIBRARY + suffix:
            continue
        source = package / (compiled.name.removesuffix(suffix) + ".py")
        shown = compiled.relative_to(root)
        if not source.exists():
            problems.append(f"{shown} has no source {source.relative_to(root)} any more, yet is importable.")
            continue
        built = compiled.stat().st_mtime_ns
        if group is not None:
            built = min(built, group.stat().st_mtime_ns)
        if source.stat().st_mtime_ns > built:
            problems.append(
                f"{source.relative_to(root)} is newer than its compiled module {shown}, which Python"
                " imports instead of it, so the old code would run."
            )
    return problems
