"""The TypeScript client's caller latency and posting rate: runs ``clients/typescript/bench/latency.ts``.

Installs the package's dependencies from its lock file when missing (as ``make test`` does), builds it
with ``tsc`` and runs the benchmark, which prints its own table: a pg read called directly against the
same read through ``shadow.run`` (module in ``shadow`` at rate 1.0, Prisma 7 as the shadow path, pairs
posted to a live service), and pairs/s posted to a receiver that only acknowledges. Needs Node >= 20.19,
npm and PostgreSQL on 127.0.0.1:5432.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "clients" / "typescript"


def main() -> None:
    if not (PACKAGE / "node_modules" / ".installed").exists():
        subprocess.run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=PACKAGE, check=True)
        (PACKAGE / "node_modules" / ".installed").touch()
    subprocess.run(["npm", "run", "--silent", "bench"], cwd=PACKAGE, check=True)


if __name__ == "__main__":
    main()
