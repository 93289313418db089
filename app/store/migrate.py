"""Versioned schema migrations: ``migrations/<backend>/NNNN_name.sql``, applied in version order.

Each backend applies the pending files at ``open()`` inside one transaction per file and records the
version in ``schema_migrations``, so reopening a database never reapplies a file. A file, once
shipped, never changes: a schema change is a new file with the next number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


class MigrationError(Exception):
    """The migration files on disk are inconsistent (a packaging or authoring mistake)."""


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def load_migrations(backend: str, directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """The migrations of ``backend`` in the order they must be applied."""
    folder = directory / backend
    if not folder.is_dir():
        raise MigrationError(f"no migrations folder for backend {backend!r} at {folder}")
    found: dict[int, Migration] = {}
    for path in sorted(folder.iterdir()):
        if path.suffix != ".sql":
            continue
        match = _NAME.match(path.name)
        if match is None:
            raise MigrationError(f"migration {path} is not named NNNN_lower_snake.sql")
        version = int(match.group(1))
        if version in found:
            raise MigrationError(f"two migrations with version {version} in {folder}")
        found[version] = Migration(version, match.group(2), path.read_text(encoding="utf-8"))
    if not found:
        raise MigrationError(f"no migrations in {folder}")
    return [found[v] for v in sorted(found)]
