"""Triage rules: one option added to a query's stored spec, with a reason and an optional expiry.

From a difference a person proposes "ignore this field/path", "declare this field's type" or "set a
tolerance"; :func:`with_rule` merges that into the stored spec (validated by ``Spec.from_dict`` like any
``PUT``), the rule is kept beside the spec (``spec_rules``: who, why, until when) and the module's
history gets an entry (action ``spec_rule``). A background task (:meth:`SpecRules.expire_due`, every
``SHADOWDIFF_RULE_EXPIRY_SECONDS``) takes an expired rule out of the spec again with its own history
entry (action ``spec_rule_expired``, actor ``expiry``). Removal is exact: only the value the rule added
goes (an ignore entry, a declared type, a tolerance still equal to the rule's), so later edits survive.
"""

from __future__ import annotations

import asyncio
import copy
import enum
import logging
from datetime import UTC, datetime
from typing import Any

from app.errors import InvalidPayload
from app.flag_service import FlagService
from app.spec_service import SpecService
from app.store.base import SpecRule, Store
from comparators import Spec
from flags.model import FlagChange, Source, now

log = logging.getLogger("shadowdiff.rules")

EXPIRY_ACTOR = "expiry"
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)


class RuleOption(enum.StrEnum):
    IGNORE = "ignore"
    FLOAT_TOLERANCE = "float_tolerance"
    TYPES = "types"


def with_rule(spec: dict[str, Any], option: RuleOption, value: Any) -> dict[str, Any]:
    """``spec`` (raw, as stored) with the rule merged in; the input is not changed."""
    out = copy.deepcopy(spec)
    if option is RuleOption.IGNORE:
        if not isinstance(value, str) or not value:
            raise InvalidPayload("an ignore rule's value is a field name or dotted path")
        ignored = list(out.get("ignore") or [])
        if value not in ignored:
            ignored.append(value)
        out["ignore"] = ignored
    elif option is RuleOption.FLOAT_TOLERANCE:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidPayload("a tolerance rule's value is a number in [0, 1)")
        out["float_tolerance"] = value
    else:
        if not isinstance(value, dict) or len(value) != 1:
            raise InvalidPayload('a types rule\'s value is {"field": "type"}')
        out["types"] = {**(out.get("types") or {}), **value}
    return out


def without_rule(spec: dict[str, Any], option: RuleOption, value: Any) -> dict[str, Any]:
    """``spec`` with exactly what the rule added taken out again."""
    out = copy.deepcopy(spec)
    if option is RuleOption.IGNORE:
        ignored = [p for p in out.get("ignore") or [] if p != value]
        if ignored:
            out["ignore"] = ignored
        else:
            out.pop("ignore", None)
    elif option is RuleOption.FLOAT_TOLERANCE:
        if out.get("float_tolerance") == value:
            out.pop("float_tolerance")
    else:
        types = dict(out.get("types") or {})
        for field, kind in dict(value).items():
            if types.get(field) == kind:
                del types[field]
        if types:
            out["types"] = types
        else:
            out.pop("types", None)
    return out


def rule_wire(rule: SpecRule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "module": rule.module,
        "query_name": rule.query_name,
        "option": rule.option,
        "value": rule.value,
        "reason": rule.reason,
        "actor": rule.actor,
        "created_at": rule.created_at.isoformat(),
        "expires_at": rule.expires_at.isoformat() if rule.expires_at else None,
        "removed_at": rule.removed_at.isoformat() if rule.removed_at else None,
        "removed_by": rule.removed_by,
    }


class SpecRules:
    def __init__(self, *, store: Store, specs: SpecService, flags: FlagService) -> None:
        self.store = store
        self.specs = specs
        self.flags = flags

    async def add(
        self,
        module: str,
        query_name: str,
        option: RuleOption,
        value: Any,
        reason: str,
        actor: str,
        expires_at: datetime | None,
    ) -> tuple[SpecRule, dict[str, Any]]:
        """Merge the rule into the stored spec (validated first), keep it, and audit it."""
        if expires_at is not None:  # a past time expires at the next round; the store keeps 4-digit years
            expires_at = min(max(expires_at, EARLIEST), LATEST)
        before = self._stored(module, query_name)
        after = with_rule(before, option, value)
        Spec.from_dict(after)  # SpecError -> 422 naming the option, before anything is saved
        await self.specs.put(module, query_name, after, actor)
        rule = await self.store.add_spec_rule(
            SpecRule(module, query_name, option.value, value, reason, actor, now(), expires_at)
        )
        await self._audit(rule, "spec_rule", actor, reason, before, after)
        return rule, after

    async def expire_due(self) -> int:
        """Take every expired rule out of its spec; returns how many were removed here."""
        removed = 0
        for rule in await self.store.spec_rules(open_only=True):
            if rule.expires_at is None or rule.expires_at > now() or rule.id is None:
                continue
            if not await self.store.close_spec_rule(rule.id, now(), EXPIRY_ACTOR):
                continue  # another replica took it
            before = self._stored(rule.module, rule.query_name)
            after = without_rule(before, RuleOption(rule.option), rule.value)
            await self.specs.put(rule.module, rule.query_name, after, EXPIRY_ACTOR)
            reason = f"rule {rule.id} expired ({rule.option} {rule.value!r}; added because: {rule.reason})"
            await self._audit(rule, "spec_rule_expired", EXPIRY_ACTOR, reason, before, after)
            removed += 1
        return removed

    async def run(self, interval: float) -> None:
        while True:
            try:
                await self.expire_due()
            except Exception:  # the store may be down for a while; the next round retries
                log.warning("could not expire spec rules", exc_info=True)
            await asyncio.sleep(interval)

    def _stored(self, module: str, query_name: str) -> dict[str, Any]:
        for stored in self.specs.cache.all():
            if (stored.module, stored.query_name) == (module, query_name):
                return dict(stored.spec)
        return {}

    async def _audit(
        self,
        rule: SpecRule,
        action: str,
        actor: str,
        reason: str,
        before: dict[str, Any],
        after: dict[str, Any],
    ) -> None:
        await self.flags.record(
            FlagChange(
                module=rule.module,
                action=action,
                actor=actor,
                source=Source.API,
                reason=reason,
                at=now(),
                before={"query_name": rule.query_name, "spec": before},
                after={"query_name": rule.query_name, "spec": after, "rule": rule_wire(rule)},
            )
        )
