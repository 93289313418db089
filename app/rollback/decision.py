"""What to do with one alert, given the module's flag: a pure decision with a reason a person can read."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from app.rollback.payload import AlertmanagerAlert
from flags.model import AutoRollback, Flag, FlagState

MODULE_NAME = re.compile(r"[A-Za-z0-9_.:-]{1,128}")


class Verdict(enum.StrEnum):
    """Why an alert did or did not act; the ``reason`` of each result in the webhook's answer."""

    ROLLED_BACK = "rolled_back"
    NOTIFIED = "notified"
    DUPLICATE = "duplicate"
    RESOLVED = "resolved"
    NOT_CRITICAL = "not_critical"
    NO_MODULE = "no_module"
    UNKNOWN_MODULE = "unknown_module"
    NOT_ORM = "not_orm"
    AUTO_ROLLBACK_OFF = "auto_rollback_off"


@dataclass(frozen=True, slots=True)
class Plan:
    verdict: Verdict
    message: str

    @property
    def acts(self) -> bool:
        return self.verdict in (Verdict.ROLLED_BACK, Verdict.NOTIFIED)


def module_of(alert: AlertmanagerAlert) -> str | None:
    module = alert.labels.get("module")
    return module if module and MODULE_NAME.fullmatch(module) else None


def plan(alert: AlertmanagerAlert, flag: Flag | None) -> Plan:
    """Decide for one alert given the module's current flag; the checks run cheapest-first."""
    if alert.status != "firing":
        return Plan(Verdict.RESOLVED, "a resolved alert changes nothing: a person re-promotes the module")
    severity = alert.labels.get("severity", "")
    if severity != "critical":
        return Plan(
            Verdict.NOT_CRITICAL, f"severity is {severity or 'unset'!r}; only critical alerts roll back"
        )
    module = module_of(alert)
    if module is None:
        raw = alert.labels.get("module")
        why = "has no module label" if raw is None else f"has module label {raw!r}, not a valid module name"
        return Plan(Verdict.NO_MODULE, f"the alert {why}, so there is nothing to roll back")
    if flag is None:
        return Plan(Verdict.UNKNOWN_MODULE, f"no flag for module {module!r}; nothing changed")
    if flag.state is not FlagState.ORM:
        return Plan(
            Verdict.NOT_ORM,
            f"module {module!r} is in state {flag.state.value!r}, not 'orm': the ORM path does not serve, "
            "nothing to roll back",
        )
    if flag.auto_rollback is AutoRollback.OFF:
        return Plan(
            Verdict.AUTO_ROLLBACK_OFF,
            f"module {module!r} has auto_rollback off; "
            f"roll it back by hand with POST /v1/flags/{module}/rollback",
        )
    if flag.auto_rollback is AutoRollback.NOTIFY:
        return Plan(
            Verdict.NOTIFIED, f"module {module!r} is in notify mode: decision recorded, flag unchanged"
        )
    return Plan(Verdict.ROLLED_BACK, f"module {module!r} rolled back from 'orm' to 'shadow'")
