"""What both backends share: the save contract, the column lists and the samples query."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.store.base import MismatchSample, SpecRule
from flags.errors import InvalidFlag
from flags.model import Flag, FlagChange

FLAG_COLUMNS = (
    "module, state, sample_rate, auto_rollback, version, updated_at, updated_by, serve_rate, policy, retired"
)
HISTORY_COLUMNS = (
    "id, module, action, actor, source, reason, at, before, after, decision, forced, by_person, query_name"
)
SAMPLE_COLUMNS = "id, module, query_name, fields, differences, request_id, at, context, detail"


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


def samples_query(
    module: str | None,
    query_name: str | None,
    field: str | None,
    limit: int,
    placeholder: Callable[[int], str],
) -> tuple[str, list[Any]]:
    """The newest mismatch samples matching the filters, newest first: (SQL, arguments).

    ``placeholder(n)`` spells the n-th (1-based) parameter in the backend's style: ``?`` or ``$n``.
    """
    where: list[str] = []
    args: list[Any] = []

    def bind(value: Any) -> str:
        args.append(value)
        return placeholder(len(args))

    if module is not None:
        where.append(f"module = {bind(module)}")
    if query_name is not None:
        where.append(f"query_name = {bind(query_name)}")
    if field is not None:
        where.append(
            "EXISTS (SELECT 1 FROM mismatch_fields f"
            f" WHERE f.sample_id = s.id AND f.field = {bind(safe_text(field))})"
        )
    sql = f"SELECT {SAMPLE_COLUMNS} FROM mismatch_samples s"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += f" ORDER BY at DESC, id DESC LIMIT {bind(max(limit, 0))}"
    return sql, args


RULE_COLUMNS = (
    "id, module, query_name, option, value, reason, actor, created_at, expires_at, removed_at, removed_by"
)


def rule_filter(
    module: str | None, open_only: bool, placeholder: Callable[[int], str]
) -> tuple[str, list[Any]]:
    where: list[str] = []
    args: list[Any] = []
    if module is not None:
        args.append(module)
        where.append(f"module = {placeholder(len(args))}")
    if open_only:
        where.append("removed_at IS NULL")
    return (" WHERE " + " AND ".join(where) if where else ""), args


def rule_from_row(row: tuple[Any, ...], value: Callable[[Any], Any], when: Callable[[Any], Any]) -> SpecRule:
    """A row of ``RULE_COLUMNS`` as a rule; ``value`` decodes the JSON, ``when`` the times."""
    id_, module, query_name, option, raw, reason, actor, created, expires, removed, removed_by = row
    return SpecRule(
        module=module,
        query_name=query_name,
        option=option,
        value=value(raw),
        reason=reason,
        actor=actor,
        created_at=when(created),
        expires_at=None if expires is None else when(expires),
        removed_at=None if removed is None else when(removed),
        removed_by=removed_by,
        id=id_,
    )
