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


def safe_text(value: str) -> str:
    """NUL as U+FFFD: PostgreSQL text cannot hold NUL, and user data (a JSON key, a request id) may.
    Both backends store the same text, so a sample reads back the same whichever is used."""
    return value.replace("\x00", "\ufffd")


def optional_text(value: str | None) -> str | None:
    return None if value is None else safe_text(value)


def sample_fields(sample: MismatchSample) -> list[str]:
    """The retention keys of a sample: its distinct fields ("" when it names none)."""
    return list(dict.fromkeys(safe_text(f) for f in sample.fields)) or [""]
