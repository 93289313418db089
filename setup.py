"""Compile the diff engine (``comparators/``) with mypyc at install time, as black does.

Everything else about the project lives in pyproject.toml; this file exists only because extension
modules cannot be declared there. ``SHADOWDIFF_COMPILE=0`` installs pure Python instead (no C compiler
needed, and an edited ``comparators/*.py`` runs without a rebuild).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import cast

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent


def compiled_modules() -> list[str]:
    """The engine's modules, relative to the project root (mypyc names the extensions after them).

    ``comparators/__init__.py`` stays Python: it only re-exports names, so compiling it gains nothing,
    and a compiled package ``__init__`` is loaded or not depending on how the package is found (the
    setuptools editable finder loads ``__init__.py``, a plain ``sys.path`` entry the .so).
    """
    return sorted(
        p.relative_to(ROOT).as_posix() for p in (ROOT / "comparators").glob("*.py") if p.stem != "__init__"
    )


def extensions() -> list[Extension]:
    modules = compiled_modules()
    if os.environ.get("SHADOWDIFF_COMPILE", "1") == "0" or not modules:
        return []
    from mypyc.build import mypycify

    # "--config-file=": the project's [tool.mypy] loads the pydantic plugin for app/, which the isolated
    # build environment does not have; `make lint` already checks comparators/ strictly with it.
    # group_name puts the shared library holding the code inside the package
    # (comparators/_compiled__mypyc.*.so, beside the per-module shims that load it) under a fixed name:
    # mypyc's default is a top-level module named by a hash of the module list, which a setuptools
    # editable finder only finds if the install that registered it compiled too, and which a module
    # added later would orphan.
    built = mypycify(["--config-file=", *modules], opt_level="3", group_name="comparators._compiled")
    # mypyc builds setuptools Extensions whenever setuptools is importable, as it is here.
    return cast("list[Extension]", built)


class StampedBuildExt(build_ext):
    """Gives every compiled module the time of this build, rebuilt or not.

    build_ext skips an extension whose generated C did not change (a comment edit, a checkout that
    rewrote a file unchanged), so its .so would stay older than its .py; tests/conftest.py reads that as
    "stale" and refuses to run. An unchanged C file means the .so is what the current source compiles
    to, so the new time is the truth.
    """

    def build_extension(self, ext: Extension) -> None:
        super().build_extension(ext)
        os.utime(self.get_ext_fullpath(ext.name))


setup(ext_modules=extensions(), cmdclass={"build_ext": StampedBuildExt})
