"""The save contract both backends check before touching their database."""

from __future__ import annotations

from app.store.base import MismatchSample
from flags.errors import InvalidFlag
from flags.model import Flag, FlagChange


def check_write(flag: Flag, change: FlagChange, expected_version: int) -> None:
    """The caller's side of the save contract, checked before touching the database."""
    if expected_version < 0:
        raise InvalidFlag(f"expected_version must be 0 (new flag) or more, not {expected_version}")
    if flag.version != expected_version + 1:
        raise InvalidFlag(
            f"flag {flag.module!r} carries version {flag.version}; a save expecting version "
            f"{expected_version} must write version {expected_version + 1}"
        )
    if change.module != flag.module:
        raise InvalidFlag(f"history entry for {change.module!r} saved with the flag of {flag.module!r}")


def sample_fields(sample: MismatchSample) -> list[str]:
    """The retention keys of a sample: its distinct fields ("" when it names none)."""
    return list(dict.fromkeys(sample.fields)) or [""]
