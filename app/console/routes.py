"""The console at ``/ui``: server-rendered pages (Jinja2) over the service's own JSON API.

Every figure on a page comes from the same endpoints a script would call, requested in-process
(``httpx.ASGITransport``) with the visitor's session cookie and CSRF header, so the console has exactly
the API's roles, validation, audit and error messages, and shows an endpoint's data only once the
endpoint exists (readiness, the guard view and windowed figures say so when they do not yet).

Pages: Board (``/ui``), Module (``/ui/modules/{m}``), Sample (``/ui/samples/{id}``), Triage
(``/ui/modules/{m}/queries/{q}/triage``), Changes (``/ui/modules/{m}/changes``). Assets (htmx, CSS) are
served from ``/ui/static``: nothing comes from another host.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import parse_qs, quote

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape

from app.console.session import COOKIE, CSRF_FIELD, CSRF_HEADER, Session
from app.console.view import board_rows, field_table, json_lines, refusal
from app.errors import Unauthenticated
from app.settings import Role
from flags.model import FlagState

if TYPE_CHECKING:  # app.services imports the console (its session store): no import cycle at runtime
    from app.services import Services

HERE = Path(__file__).resolve().parent
PREFIX = "/ui"
WINDOWS = ("5m", "1h", "6h", "24h")

templates = Environment(
    loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]), trim_blocks=True
)
templates.filters["pretty"] = lambda value: json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)
templates.filters["pct"] = lambda v: "—" if v is None else f"{100 * float(v):.3g}%"
# auto_rollback in the words the CLI's --auto-rollback takes (on/notify/off), not Python's True/False.
templates.filters["rollback_mode"] = lambda v: {
    True: "on",
    False: "off",
    "notify": "notify (records only)",
}.get(v, str(v))

# The service's note when a move into orm armed the guard names the API field to send; the console has
# no such control, so it says what happened and where it can be chosen (as the CLI words its option).
NOTE_AUTO_ROLLBACK_ON = (
    "Auto rollback turned on: in orm the guard (and a critical alert) rolls {module} back to shadow when "
    "its mismatch rate crosses the threshold. To promote with it off or in notify mode, use "
    "shadowdiff flags promote {module} --auto-rollback notify|off."
)


def change_notes(module: str, data: dict[str, Any]) -> list[str]:
    """The notes of a change's answer for the page: the one about auto rollback in the console's terms."""
    return [
        NOTE_AUTO_ROLLBACK_ON.format(module=module) if note.startswith("auto_rollback turned on") else note
        for note in data.get("notes") or []
        if isinstance(note, str)
    ]


router = APIRouter(prefix=PREFIX, include_in_schema=False)
static = StaticFiles(directory=HERE / "static")


class Visitor:
    """Who is looking, and a client of the API acting as them."""

    def __init__(self, request: Request, session: Session, cookie: str) -> None:
        services = cast("Services", request.app.state.services)
        self.request = request
        self.session = session
        self.fresh_cookie: str | None = None  # set when this request opened the session
        self.csrf = services.sessions.csrf(session)
        principal = services.auth.by_name(session.name)
        if principal is None:
            raise Unauthenticated("the token of this session is no longer configured")
        self.name = principal.name
        self.can_change = Role.OPERATOR in principal.roles
        self.api = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=request.app, client=("127.0.0.1", 0)),
            base_url="http://console.internal",
            cookies={COOKIE: cookie},
            headers={CSRF_HEADER: self.csrf},
            timeout=30,
        )

    async def get(self, path: str, **params: Any) -> tuple[int, Any]:
        response = await self.api.get(path, params={k: v for k, v in params.items() if v is not None})
        return response.status_code, _json(response)

    async def send(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        response = await self.api.request(method, path, json=body)
        return response.status_code, _json(response)


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return {"error": "http_error", "message": response.text[:500]}


def _services(request: Request) -> Services:
    return cast("Services", request.app.state.services)


def _login_redirect(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"{PREFIX}/login?next={quote(target, safe='')}", status_code=303)


async def _visitor(request: Request) -> tuple[Visitor | None, Response | None]:
    """The visitor of a valid session; without tokens configured a loopback visitor gets a session at
    once (every role, as the API grants there). Else a redirect to the login page."""
    services = _services(request)
    cookie = request.cookies.get(COOKIE)
    session = services.sessions.read(cookie)
    fresh: str | None = None
    if session is None and not services.settings.auth_enabled:
        session, fresh = services.sessions.issue("local")
        cookie = fresh
    if session is None or cookie is None or services.auth.by_name(session.name) is None:
        return None, _login_redirect(request)
    visitor = Visitor(request, session, cookie)
    visitor.fresh_cookie = fresh
    return visitor, None


def _render(visitor: Visitor | None, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = templates.get_template(name).render(
        visitor=visitor,
        csrf=visitor.csrf if visitor else "",
        csrf_field=CSRF_FIELD,
        prefix=PREFIX,
        **context,
    )
    response = HTMLResponse(html, status_code=status)
    if visitor is not None and visitor.fresh_cookie:
        _set_cookie(visitor.request, response, visitor.fresh_cookie)
    return response


def _set_cookie(request: Request, response: Response, value: str) -> None:
    response.set_cookie(
        COOKIE,
        value,
        max_age=_services(request).sessions.lifetime,
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


async def _form(request: Request) -> dict[str, str]:
    body = (await request.body()).decode("utf-8", errors="replace")
    return {k: v[-1] for k, v in parse_qs(body, keep_blank_values=True).items()}


def _safe_next(target: str | None) -> str:
    """Only a path of the console: a login link must not redirect elsewhere."""
    if target and target.startswith(PREFIX) and not target.startswith("//"):
        return target
    return PREFIX + "/"


# -- login ------------------------------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
async def login_page(request: Request, next: str | None = None) -> Response:
    return _render(None, "login.html", next=_safe_next(next), error=None)


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request) -> Response:
    services = _services(request)
    form = await _form(request)
    target = _safe_next(form.get("next"))
    client = request.client.host if request.client else None
    try:
        principal = services.auth.authenticate(f"Bearer {form.get('token', '').strip()}", client)
    except Exception:
        return _render(None, "login.html", status=401, next=target, error="unknown token")
    if Role.READ not in principal.roles:  # every page reads; such a session would see empty, wrong pages
        roles = ", ".join(sorted(r.value for r in principal.roles))
        error = (
            f"token {principal.name!r} has no read role (it has {roles}): the console needs a token "
            "with the read or operator role"
        )
        return _render(None, "login.html", status=403, next=target, error=error)
    _, cookie = services.sessions.issue(principal.name)
    response = RedirectResponse(target, status_code=303)
    _set_cookie(request, response, cookie)
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    response = RedirectResponse(f"{PREFIX}/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


# -- board ------------------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
async def board(request: Request) -> Response:
    visitor, redirect = await _visitor(request)
    if visitor is None:
        return cast(Response, redirect)
    _, flags = await visitor.get("/v1/flags")
    windows: dict[str, Any] = {}
    windowed = True
    for window in WINDOWS:
        status, data = await visitor.get("/metrics/json", window=window)
        windows[window] = data.get("modules", {}) if status == 200 else {}
        windowed = windowed and status == 200 and "window" in data
    extras: dict[str, dict[str, Any]] = defaultdict(dict)
    found = {"readiness": False, "guard": False}
    for flag in flags.get("flags", []):
        module = flag["module"]
        for view in ("readiness", "guard"):
            status, data = await visitor.get(f"/v1/flags/{module}/{view}")
            if status == 200:
                extras[module][view] = data
                found[view] = True
        _, history = await visitor.get(f"/v1/flags/{module}/history", limit=1)
        extras[module]["last"] = (history.get("history") or [None])[0]
    rows = board_rows(flags.get("flags", []), windows, extras)
    return _render(
        visitor, "board.html", rows=rows, windows=WINDOWS, windowed=windowed, found=found, now=_now()
    )


# -- module -----------------------------------------------------------------------------------------


@router.get("/modules/{module}", response_class=HTMLResponse)
async def module_page(request: Request, module: str) -> Response:
    visitor, redirect = await _visitor(request)
    if visitor is None:
        return cast(Response, redirect)
    status, flag = await visitor.get(f"/v1/flags/{module}")
    if status != 200:
        return _render(visitor, "error.html", status=status, error={**flag, "message": refusal(flag)})
    _, samples = await visitor.get("/v1/mismatches", module=module, limit=1000)
    _, metrics = await visitor.get("/metrics/json", window="24h")
    _, specs = await visitor.get("/v1/specs")
    _, rules = await visitor.get("/v1/spec-rules", module=module)
    queries = field_table(samples.get("mismatches", []))
    summary = metrics.get("modules", {}).get(module, {})
    stored = {s["query_name"]: s for s in specs.get("specs", []) if s["module"] == module}
    return _render(
        visitor,
        "module.html",
        module=module,
        flag=flag,
        queries=queries,
        summary=summary,
        specs=stored,
        rules=rules.get("rules", []),
        samples=samples.get("mismatches", [])[:20],
    )


# -- sample -----------------------------------------------------------------------------------------


@router.get("/samples/{sample_id}", response_class=HTMLResponse)
async def sample_page(request: Request, sample_id: int) -> Response:
    visitor, redirect = await _visitor(request)
    if visitor is None:
        return cast(Response, redirect)
    status, sample = await visitor.get(f"/v1/mismatches/{sample_id}")
    if status != 200:
        return _render(visitor, "error.html", status=status, error=sample)
    detail = sample.get("detail") or {}
    rows = detail.get("rows") or {}
    paths = [d.get("path", "") for d in sample.get("differences", [])]
    key = (detail.get("spec") or {}).get("key")
    sides = {
        side: json_lines(rows.get(side), paths, key) if side in rows else None for side in ("legacy", "orm")
    }
    return _render(visitor, "sample.html", sample=sample, detail=detail, sides=sides)


# -- triage -----------------------------------------------------------------------------------------


def _proposal(form: dict[str, str]) -> tuple[str, Any]:
    """(option, value) of a triage form: ignore a field or path, declare a type, set a tolerance."""
    action = form.get("action", "ignore")
    target = form.get("target", "").strip()
    if action == "types":
        return "types", {target: form.get("type", "text")}
    if action == "float_tolerance":
        try:
            return "float_tolerance", float(form.get("tolerance", ""))
        except ValueError:
            return "float_tolerance", form.get("tolerance", "")
    return "ignore", target


def _merged(current: dict[str, Any], option: str, value: Any) -> dict[str, Any]:
    from app.spec_rules import RuleOption, with_rule

    try:
        return with_rule(current, RuleOption(option), value)
    except Exception:
        return {**current, option: value}


@router.get("/modules/{module}/queries/{query_name}/triage", response_class=HTMLResponse)
async def triage_page(
    request: Request, module: str, query_name: str, path: str = "", field: str = "", sample: int | None = None
) -> Response:
    visitor, redirect = await _visitor(request)
    if visitor is None:
        return cast(Response, redirect)
    _, specs = await visitor.get("/v1/specs")
    current: dict[str, Any] = next(
        (s["spec"] for s in specs.get("specs", []) if (s["module"], s["query_name"]) == (module, query_name)),
        {},
    )
    target = _ignore_target(path) or field
    return _render(
        visitor,
        "triage.html",
        module=module,
        query_name=query_name,
        current=current,
        target=target,
        field=field,
        path=path,
        sample_id=sample,
        result=None,
        outcome=None,
    )


def _ignore_target(path: str) -> str:
    """The spec path of a difference path, without row keys and indexes (``[id=3].a.b`` -> ``a.b``)."""
    parts = []
    for part in path.replace("[", ".[").split("."):
        if part and not part.startswith("["):
            parts.append(part)
    return ".".join(parts)


@router.post("/modules/{module}/queries/{query_name}/triage", response_class=HTMLResponse)
async def triage_submit(request: Request, module: str, query_name: str) -> Response:
    visitor, redirect = await _visitor(request)
    if visitor is None:
        return cast(Response, redirect)
    form = await _form(request)
    if not _services(request).sessions.csrf_ok(visitor.session, form.get(CSRF_FIELD)):
        return _render(visitor, "error.html", status=403, error={"message": "the form's CSRF token is wrong"})
    option, value = _proposal(form)
    _, specs = await visitor.get("/v1/specs")
    current: dict[str, Any] = next(
        (s["spec"] for s in specs.get("specs", []) if (s["module"], s["query_name"]) == (module, query_name)),
        {},
    )
    proposed = _merged(current, option, value)
    result: Any = None
    outcome: Any = None
    if form.get("do") == "apply":
        expires = None
        hours = form.get("expires_hours", "").strip()
        if hours:
            try:
                expires = (datetime.now(UTC) + timedelta(hours=float(hours))).isoformat()
            except ValueError:
                expires = hours
        body = {"option": option, "value": value, "reason": form.get("reason", ""), "expires_at": expires}
        status, outcome = await visitor.send("POST", f"/v1/specs/{module}/{query_name}/rules", body)
        outcome = {"status": status, **(outcome if isinstance(outcome, dict) else {"data": outcome})}
    else:
        status, result = await visitor.send(
            "POST", f"/v1/specs/{module}/{query_name}/dry-run", {"spec": proposed}
        )
        result = {"status": status, **(result if isinstance(result, dict) else {"data": result})}
    template = "triage_result.html" if request.headers.get("hx-request") else "triage.html"
    return _render(
        visitor,
        template,
        module=module,
        query_name=query_name,
        current=current,
        proposed=proposed,
        target=form.get("target", ""),
        field=form.get("target", ""),
        path="",
        sample_id=None,
        form=form,
        result=result,
        outcome=outcome,
    )


# -- changes ----------------------------------------------------------------------------------------


@router.get("/modules/{module}/changes", response_class=HTMLResponse)
async def changes_page(request: Request, module: str) -> Response:
    visitor, redirect = await _visitor(request)
    if visitor is None:
        return cast(Response, redirect)
    return await _changes(visitor, module, None)


async def _changes(visitor: Visitor, module: str, outcome: Any, status: int = 200) -> Response:
    code, flag = await visitor.get(f"/v1/flags/{module}")
    if code != 200:
        return _render(visitor, "error.html", status=code, error={**flag, "message": refusal(flag)})
    _, history = await visitor.get(f"/v1/flags/{module}/history", limit=200)
    return _render(
        visitor,
        "changes.html",
        status=status,
        module=module,
        flag=flag,
        history=history.get("history", []),
        states=[s.value for s in FlagState],
        outcome=outcome,
    )


@router.post("/modules/{module}/changes", response_class=HTMLResponse)
async def changes_submit(request: Request, module: str) -> Response:
    visitor, redirect = await _visitor(request)
    if visitor is None:
        return cast(Response, redirect)
    form = await _form(request)
    if not _services(request).sessions.csrf_ok(visitor.session, form.get(CSRF_FIELD)):
        return _render(visitor, "error.html", status=403, error={"message": "the form's CSRF token is wrong"})
    action = form.get("action", "")
    reason = form.get("reason", "")
    version = int(form["version"]) if form.get("version", "").isdigit() else None
    if action == "rollback":
        status, data = await visitor.send("POST", f"/v1/flags/{module}/rollback", {"reason": reason})
    else:
        body: dict[str, Any] = {"reason": reason, "version": version}
        if action == "ramp":
            try:
                body["serve_rate"] = float(form.get("serve_rate", ""))
            except ValueError:
                body["serve_rate"] = form.get("serve_rate")
        else:
            body["state"] = form.get("state")
            if form.get("force") == "on":
                body["force"] = True
        status, data = await visitor.send("PUT", f"/v1/flags/{module}", body)
    outcome = {"status": status, "action": action, **(data if isinstance(data, dict) else {})}
    if status >= 400 and isinstance(data, dict):
        outcome["message"] = refusal(data)
    elif isinstance(data, dict):
        outcome["notes"] = change_notes(module, data)
    return await _changes(visitor, module, outcome, status=200 if status < 400 else status)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
