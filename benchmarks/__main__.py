"""``python -m benchmarks``: run the ``main()`` of every ``benchmarks/bench_*.py`` module, in name order."""

from __future__ import annotations

import importlib
import pkgutil

import benchmarks


def main() -> None:
    names = sorted(m.name for m in pkgutil.iter_modules(benchmarks.__path__) if m.name.startswith("bench_"))
    for name in names:
        print(f"== benchmarks.{name}")
        importlib.import_module(f"benchmarks.{name}").main()
        print()


if __name__ == "__main__":
    main()
