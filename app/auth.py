"""Bearer tokens with roles, compared in constant time.

With no tokens configured the service only listens on loopback (``Settings`` refuses anything else) and
every caller on that loopback gets every role. ``operator`` implies ``read``: whoever may change a flag
may look at it first (the ETag they need comes from a GET).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from app.errors import Forbidden, Unauthenticated
from app.settings import Role, Settings, TokenConfig, is_loopback

IMPLIED: dict[Role, frozenset[Role]] = {
    Role.OPERATOR: frozenset({Role.OPERATOR, Role.READ}),
    Role.INGEST: frozenset({Role.INGEST}),
    Role.READ: frozenset({Role.READ}),
}

LOCAL_ACTOR = "local"


@dataclass(frozen=True, slots=True)
class Principal:
    name: str
    roles: frozenset[Role]
    modules: frozenset[str] | None = None  # None: every module; else only these may be changed


def check_module(principal: Principal, module: str) -> None:
    """A token limited to a list of modules changes only those (flags and specs); reading is not limited."""
    if principal.modules is not None and module not in principal.modules:
        allowed = ", ".join(sorted(principal.modules)) or "none"
        raise Forbidden(f"token {principal.name!r} may change modules {allowed} only, not {module!r}")


class Authenticator:
    def __init__(self, settings: Settings) -> None:
        self._tokens: tuple[tuple[bytes, Principal], ...] = tuple(
            (t.token.get_secret_value().encode(), _principal(t)) for t in settings.tokens
        )
        self._everyone = Principal(LOCAL_ACTOR, frozenset(Role))

    def by_name(self, name: str) -> Principal | None:
        """The principal of a configured token by its name (console sessions keep only the name);
        every role on loopback when no tokens are configured."""
        if not self._tokens:
            return self._everyone
        for _, principal in self._tokens:
            if principal.name == name:
                return principal
        return None

    def authenticate(self, authorization: str | None, client_host: str | None) -> Principal:
        if not self._tokens:
            if client_host is not None and not is_loopback(client_host):
                raise Forbidden("no tokens are configured, so only loopback callers are served")
            return self._everyone
        if not authorization:
            # A person following a link (an alert's samples_url) has no header to send: the console's
            # session cookie is accepted here too, once signed in.
            raise Unauthenticated(
                "missing bearer token: send 'Authorization: Bearer <token>'; in a browser, sign in to the "
                "console at /ui/ first (its session is accepted here)"
            )
        scheme, _, presented = authorization.partition(" ")
        if scheme.lower() != "bearer" or not presented.strip():
            raise Unauthenticated("the Authorization header must be 'Bearer <token>'")
        candidate = presented.strip().encode()
        found: Principal | None = None
        for secret, principal in self._tokens:  # no early exit: the time taken does not reveal which
            if hmac.compare_digest(secret, candidate):
                found = principal
        if found is None:
            raise Unauthenticated("unknown bearer token")
        return found

    @staticmethod
    def authorize(principal: Principal, allowed: frozenset[Role]) -> Principal:
        if principal.roles & allowed:
            return principal
        names = " or ".join(sorted(r.value for r in allowed))
        raise Forbidden(
            f"token {principal.name!r} lacks the role this needs ({names}); use a token that has it"
        )


def _principal(token: TokenConfig) -> Principal:
    roles: set[Role] = set()
    for role in token.roles:
        roles |= IMPLIED[role]
    modules = None if token.modules is None else frozenset(token.modules)
    return Principal(token.name, frozenset(roles), modules)
