"""Console sessions: a token typed once at ``/ui/login`` becomes a signed, HttpOnly, SameSite=Lax cookie.

The cookie holds the token's *name* (never the token), a random nonce and an expiry, signed with
HMAC-SHA256 under a key derived from ``SHADOWDIFF_SECRET_KEY``; each request looks the name up in the
configured tokens again, so removing a token ends its sessions. The CSRF token of a session is an HMAC
of its nonce: forms carry it as a field, the console's own calls to the API as ``X-CSRF-Token``.

The API accepts the cookie in place of a bearer token (``app.deps.authorize``), for reads always and
for changes only with the matching ``X-CSRF-Token``, so the console is a client of the same endpoints
with the same roles: ``read`` sees everything and changes nothing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

import orjson

COOKIE = "shadowdiff_session"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf"
SESSION_SECONDS = 12 * 3600
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True, slots=True)
class Session:
    name: str
    nonce: str
    expires: int


class Sessions:
    def __init__(self, secret: bytes, lifetime: int = SESSION_SECONDS) -> None:
        self._sign_key = hmac.new(secret, b"shadowdiff console session", hashlib.sha256).digest()
        self._csrf_key = hmac.new(secret, b"shadowdiff console csrf", hashlib.sha256).digest()
        self.lifetime = lifetime

    def issue(self, name: str) -> tuple[Session, str]:
        session = Session(name, secrets.token_hex(16), int(time.time()) + self.lifetime)
        payload = base64.urlsafe_b64encode(
            orjson.dumps({"n": session.name, "c": session.nonce, "e": session.expires})
        ).decode()
        return session, f"{payload}.{self._sign(payload)}"

    def read(self, cookie: str | None) -> Session | None:
        """The session of a cookie whose signature holds and that has not expired; else None."""
        if not cookie or "." not in cookie:
            return None
        payload, _, signature = cookie.rpartition(".")
        if not hmac.compare_digest(signature, self._sign(payload)):
            return None
        try:
            data = orjson.loads(base64.urlsafe_b64decode(payload.encode()))
            session = Session(str(data["n"]), str(data["c"]), int(data["e"]))
        except (ValueError, KeyError, TypeError):
            return None
        return session if session.expires > time.time() else None

    def csrf(self, session: Session) -> str:
        return hmac.new(self._csrf_key, session.nonce.encode(), hashlib.sha256).hexdigest()

    def csrf_ok(self, session: Session, presented: str | None) -> bool:
        return bool(presented) and hmac.compare_digest(str(presented), self.csrf(session))

    def _sign(self, payload: str) -> str:
        return hmac.new(self._sign_key, payload.encode(), hashlib.sha256).hexdigest()
