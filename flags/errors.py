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

from typing import Any


class FlagError(Exception):
    """Base of every flag error; ``str(err)`` is a message a person can act on."""


class InvalidFlag(FlagError):
    pass


class UnknownModule(FlagError):
    def __init__(self, module: str) -> None:
        super().__init__(f"no flag for module {module!r}; create it with PUT /v1/flags/{module}")
        self.module = module


class VersionConflict(FlagError):
    def __init__(self, module: str, expected: int, actual: int) -> None:
        super().__init__(
            f"flag {module!r} is at version {actual}, not {expected}: "
            "someone changed it since you read it; GET it again and retry"
        )
        self.module = module
        self.expected = expected
        self.actual = actual


class InvalidTransition(FlagError):
    pass


class NotReady(InvalidTransition):
    """``shadow -> orm`` refused: the module's readiness verdict is ``not_ready``."""

    def __init__(self, module: str, reasons: list[str], readiness: dict[str, Any]) -> None:
        super().__init__(
            f"module {module!r} is not ready for 'orm': {'; '.join(reasons)}. Wait until "
            f'GET /v1/flags/{module}/readiness says ready, or send "force": true with a reason'
        )
        self.module = module
        self.reasons = reasons
        self.readiness = readiness


class AlreadyRolledBack(InvalidTransition):
    """Rollback of a module already in ``shadow``: nothing to do, nothing recorded."""
