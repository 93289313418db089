"""Errors of the flag model. The API maps each to a status code in ``app/errors.py``.

FlagError
├── InvalidFlag         a field of a flag change is out of range or of the wrong type   (422)
├── UnknownModule       no flag exists for the module                                    (404)
├── VersionConflict     optimistic concurrency: someone changed the flag since you read it (409/412)
└── InvalidTransition   the change is not allowed from the current state (e.g. rollback
    │                   of a module whose ORM path does not serve)                        (409)
    ├── NotReady        shadow -> orm without readiness (the reasons travel with it)      (409)
    └── AlreadyRolledBack  rollback of a module already in shadow: the API answers 200
"""

from __future__ import annotations

import enum
from typing import Any


class Remedy(enum.StrEnum):
    """What a refused caller can do next, one closed set. The error's message words each for the HTTP
    API (:data:`HTTP_ADVICE`); the answer also carries the remedies by name (``remedies``) beside the
    problem alone (``problem``), so the command line can advise its own commands instead: its user
    never types ``PUT`` (``app.cli`` words every remedy, and a test fails on one it does not)."""

    CREATE = "create"  # the module does not exist yet
    REREAD = "reread"  # the flag changed since it was read
    FORCE = "force"  # a lifecycle rail that a forced change with a reason may pass
    AWAIT_READINESS = "await_readiness"  # shadow -> orm before the module is ready
    AWAIT_GUARD = "await_guard"  # entering orm while the guard would roll the module back
    RAMP_FULLY = "ramp_fully"  # orm -> migrated while the ORM serves only part of the requests
    LEAVE_MIGRATED = "leave_migrated"  # a rollback of a module whose SQL path may be gone


HTTP_ADVICE: dict[Remedy, str] = {
    Remedy.CREATE: "create it with PUT /v1/flags/{module}",
    Remedy.REREAD: "GET it again and retry",
    Remedy.FORCE: 'send "force": true with a reason to do it anyway (recorded as forced)',
    Remedy.AWAIT_READINESS: "wait until GET /v1/flags/{module}/readiness says ready",
    Remedy.AWAIT_GUARD: "see GET /v1/flags/{module}/guard",
    Remedy.RAMP_FULLY: "ramp serve_rate to 1 first",
    Remedy.LEAVE_MIGRATED: "if its SQL path still runs, move the module back with "
    'PUT /v1/flags/{module} {{"state": "orm", "force": true, "reason": ...}} and roll it back from there; '
    "otherwise fix forward on the ORM path",
}


def advise(problem: str, remedies: tuple[Remedy, ...], words: dict[Remedy, str], module: str | None) -> str:
    """``problem`` followed by what to do, each remedy in ``words`` (``{module}`` filled in): after
    ``; `` or, when the problem is a whole sentence, as the next sentence."""
    if not remedies:
        return problem
    advice = ", or ".join(words[r].format(module=module) for r in remedies)
    if problem.endswith("."):
        return f"{problem} {advice[:1].upper()}{advice[1:]}"
    return f"{problem}; {advice}"


class FlagError(Exception):
    """Base of every flag error; ``str(err)`` is a message a person can act on: the ``problem`` and,
    when something can be done about it, the ``remedies`` in the HTTP API's words."""

    def __init__(self, problem: str, *remedies: Remedy, module: str | None = None) -> None:
        super().__init__(advise(problem, remedies, HTTP_ADVICE, module))
        self.problem = problem
        self.remedies = remedies
        self.module = module


class InvalidFlag(FlagError):
    pass


class UnknownModule(FlagError):
    def __init__(self, module: str) -> None:
        super().__init__(f"no flag for module {module!r}", Remedy.CREATE, module=module)


class VersionConflict(FlagError):
    def __init__(self, module: str, expected: int, actual: int) -> None:
        super().__init__(
            f"flag {module!r} is at version {actual}, not {expected}: someone changed it since you read it",
            Remedy.REREAD,
            module=module,
        )
        self.expected = expected
        self.actual = actual


class InvalidTransition(FlagError):
    pass


class NotReady(InvalidTransition):
    """``shadow -> orm`` refused: the module's readiness verdict is ``not_ready``."""

    def __init__(
        self, module: str, reasons: list[str], readiness: dict[str, Any], guard_acting: bool = False
    ) -> None:
        waits = (Remedy.AWAIT_READINESS, Remedy.AWAIT_GUARD) if guard_acting else (Remedy.AWAIT_READINESS,)
        super().__init__(
            f"module {module!r} is not ready for 'orm': {'; '.join(reasons)}.",
            *waits,
            Remedy.FORCE,
            module=module,
        )
        self.reasons = reasons
        self.readiness = readiness


class AlreadyRolledBack(InvalidTransition):
    """Rollback of a module already in ``shadow``: nothing to do, nothing recorded."""
