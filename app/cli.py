"""``shadowdiff``: every operator action of the HTTP API from a shell, without hand-built JSON.

It is only an HTTP client (httpx) of a running service: it reads ``SHADOWDIFF_URL`` and
``SHADOWDIFF_TOKEN`` (or ``--url``/``--token``), prints tables for people and, with ``--json``, the
service's own JSON for scripts. Exit codes are a contract for scripts::

    0  done
    1  the service refused or failed (its message is printed), or it could not be reached
    2  bad usage, refused before asking the service: an unknown command or option, a missing argument,
       a name the service would refuse, an unreadable spec file, a move with nowhere to go (promote
       past migrated, create a module that exists)

A refusal's advice names this CLI's commands and options, never the HTTP API's: the service answers the
problem and its remedies by name (``flags.errors.Remedy``), worded here by :data:`ADVICE`.

A flag change always sends the version it was based on (read just before), so two people acting on one
module at once get a clear refusal instead of one silently overwriting the other.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, NoReturn

import httpx
import typer
import yaml
from rich.console import Console
from rich.table import Table
from rich.text import Text

from app.text_patterns import NAME
from comparators.report import MISSING_WIRE
from flags.errors import InvalidFlag, Remedy, advise
from flags.model import AutoRollback, FlagState

DEFAULT_URL = "http://127.0.0.1:8000"
TIMEOUT_SECONDS = 30.0
EXIT_REFUSED = 1
EXIT_USAGE = 2

# The lifecycle in order; ``promote`` moves one stage along it (the service checks the move).
LIFECYCLE: tuple[FlagState, ...] = tuple(FlagState)

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


# The service's note when entering orm armed the guard names the API field to send; here, the option.
NOTE_AUTO_ROLLBACK_ON = (
    "auto rollback turned on: in orm the guard rolls {module} back to shadow when its mismatch rate "
    "crosses the threshold; promote with --auto-rollback notify (record only) or off to keep it off"
)

ADVICE: dict[Remedy, str] = {
    Remedy.CREATE: "check its spelling (shadowdiff status lists every module), or create it: "
    "shadowdiff flags create {module} --reason ...",
    Remedy.REREAD: "run the command again: it reads the flag's current version first",
    Remedy.FORCE: "add --force (with the --reason) to do it anyway (recorded as forced)",
    Remedy.AWAIT_READINESS: "wait until those are met (shadowdiff flags readiness {module} shows where "
    "each query stands)",
    Remedy.AWAIT_GUARD: "wait until its mismatch rate is back under the threshold (shadowdiff status)",
    Remedy.RAMP_FULLY: "ramp it to 1 first: shadowdiff flags ramp {module} 1 --reason ...",
    Remedy.LEAVE_MIGRATED: "if its SQL path still runs, move it back with "
    "shadowdiff flags promote {module} --to orm --force --reason ... and roll it back from there; "
    "otherwise fix forward on the ORM path",
}
"""Each remedy the service may name, as this CLI's command (``flags.errors.HTTP_ADVICE`` has the API's)."""


class Refused(Exception):
    """The service answered with an error, or could not be reached; the message says which and why.
    ``code`` is the service's error code (None when it could not be reached)."""

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Client:
    url: str
    token: str | None

    def call(self, method: str, path: str, body: Any = None, params: dict[str, Any] | None = None) -> Any:
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        query = {k: v for k, v in (params or {}).items() if v is not None}
        try:
            response = httpx.request(
                method,
                self.url.rstrip("/") + path,
                json=body,
                params=query,
                headers=headers,
                timeout=TIMEOUT_SECONDS,
            )
        except httpx.HTTPError as exc:
            raise Refused(
                f"cannot reach shadowdiff at {self.url}: {exc}; is it running there? (make run serves on "
                f"{DEFAULT_URL}; name another with SHADOWDIFF_URL or --url before the command)"
            ) from exc
        if response.status_code >= 400:
            raise _refusal(response, self.token)
        if not response.content:
            return None
        return response.json()


def _refusal(response: httpx.Response, token: str | None) -> Refused:
    """The service's error code and message, its advice in this CLI's terms (:data:`ADVICE`)."""
    try:
        data = response.json()
    except ValueError:
        data = None
    if not isinstance(data, dict) or "message" not in data:
        return Refused(f"HTTP {response.status_code}: {response.text[:500]}")
    code = str(data.get("error", "error"))
    message = str(data["message"])
    known = {r.value for r in Remedy}
    remedies = tuple(Remedy(r) for r in data.get("remedies") or () if r in known)
    if code == "unauthenticated":  # the service's hint names the HTTP header; a CLI user sets a variable
        problem = "the service does not know this token" if token else "no token was sent"
        message = f"{problem}; set SHADOWDIFF_TOKEN or pass --token before the command"
    elif remedies and "problem" in data:
        message = advise(str(data["problem"]), remedies, ADVICE, data.get("module") or "<module>")
    return Refused(f"{code} (HTTP {response.status_code}): {message}", code)


@dataclass(frozen=True)
class Context:
    client: Client
    as_json: bool


app = typer.Typer(
    name="shadowdiff",
    help="Operate shadowdiff: module flags, mismatch samples and comparison specs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
flags_app = typer.Typer(help="Read and move module flags.", no_args_is_help=True)
specs_app = typer.Typer(help="Stored comparison specs.", no_args_is_help=True)
app.add_typer(flags_app, name="flags")
app.add_typer(specs_app, name="specs")

_NAME = re.compile(NAME.regex)


def _name(value: str | None) -> str | None:
    """A module, query or field name as the service takes it, else bad usage (2) before any request: a
    name with a ``/`` would otherwise reach another endpoint."""
    if value is not None and _NAME.fullmatch(value) is None:
        raise typer.BadParameter(f"{value!r} is not {NAME.accepts}")
    return value


Module = Annotated[str, typer.Argument(help="the module's name", callback=_name)]
Query = Annotated[str, typer.Argument(help="the query's name", callback=_name)]
Reason = Annotated[str, typer.Option("--reason", "-r", help="why (kept in the audit history)")]
By = Annotated[str | None, typer.Option("--by", help="the person acting, recorded beside the token's name")]


@app.callback()
def main_options(
    ctx: typer.Context,
    url: Annotated[
        str, typer.Option("--url", envvar="SHADOWDIFF_URL", help="the service's base URL")
    ] = DEFAULT_URL,
    token: Annotated[
        str | None,
        typer.Option("--token", envvar="SHADOWDIFF_TOKEN", help="a bearer token", show_default=False),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the service's JSON (for scripts)")] = False,
) -> None:
    ctx.obj = Context(Client(url, token), as_json)


def _ctx(ctx: typer.Context) -> Context:
    obj = ctx.find_root().obj
    assert isinstance(obj, Context)
    return obj


def _fail(message: str) -> NoReturn:
    err.print("[red]error:[/red] ", Text(message), sep="", highlight=False)
    raise typer.Exit(EXIT_REFUSED)


def _usage(message: str) -> NoReturn:
    """Refused before asking the service (a move with nowhere to go): bad usage, exit 2."""
    err.print("[red]error:[/red] ", Text(message), sep="", highlight=False)
    raise typer.Exit(EXIT_USAGE)


def _call(ctx: typer.Context, method: str, path: str, body: Any = None, **params: Any) -> Any:
    try:
        return _ctx(ctx).client.call(method, path, body, params)
    except Refused as exc:
        _fail(str(exc))


def _emit(ctx: typer.Context, data: Any, table: Table | str | None) -> None:
    if _ctx(ctx).as_json or table is None:
        sys.stdout.write(json.dumps(data, indent=2, sort_keys=True) + "\n")
    else:
        out.print(table)


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return str(value)


def _value(value: Any) -> str:
    """A differing value as the JSON it was sent as, so that what differs shows: ``"12"`` (text) and
    ``12`` (a number) stay apart, a float keeps every digit (``12.0001``, never ``12``), a trailing
    space shows inside the quotes, the text ``"null"`` is not ``null``; a key one side lacks (the
    wire's ``"__missing__"``) reads ``(missing)``."""
    if value == MISSING_WIRE:
        return "(missing)"
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _when(value: Any) -> str:
    """``2026-11-29 22:07:25``: an ISO instant to the second, short enough not to be cut in a table."""
    return "-" if value is None else str(value).replace("T", " ")[:19]


def _when_column(table: Table) -> None:
    table.add_column("at", no_wrap=True, min_width=19)


def _rate(value: Any) -> str:
    return "-" if value is None else f"{100 * float(value):.3g}%"


def _served(flag: dict[str, Any]) -> str:
    """The share of requests the ORM serves now: none in legacy and shadow (a ``serve_rate`` kept there
    is where a promotion to orm resumes, not a share served), all in migrated; as the console shows it."""
    state = flag.get("state")
    if state == FlagState.ORM:
        return _rate(flag.get("serve_rate"))
    return "100%" if state == FlagState.MIGRATED else "-"


def _row(table: Table, *cells: str) -> None:
    """Cells as plain text: a path such as ``[id=1].total`` is not Rich markup."""
    table.add_row(*(Text(cell) for cell in cells))


def _kv_table(title: str, data: dict[str, Any]) -> Table:
    table = Table(title=title, show_header=False, title_justify="left")
    table.add_column("field", style="bold")
    table.add_column("value")
    for key, value in data.items():
        shown = _auto_rollback(value) if key == "auto_rollback" else _fmt(value)
        _row(table, key, _settings(value) if isinstance(value, dict) else shown)
    return table


def _auto_rollback(value: Any) -> str:
    """``on``/``off``/``notify``, the words ``promote --auto-rollback`` takes (the wire's true/false
    printed as Python's True/False)."""
    try:
        return AutoRollback.parse(value).value
    except InvalidFlag:
        return _fmt(value)


def _settings(value: dict[str, Any]) -> str:
    """A nested object of overrides (guard, readiness) as its set keys; null keys take the service's
    defaults, and a row of nulls as JSON read as noise."""
    given = [f"{k} {_fmt(v)}" for k, v in value.items() if v is not None]
    return ", ".join(given) if given else "(service defaults)"


@app.command()
def status(ctx: typer.Context) -> None:
    """Every module: state, rates, version and its compared pairs and mismatch rate over the last hour
    (every replica's, from the stored per-minute rollups: /metrics/json's default window)."""
    flags = _call(ctx, "GET", "/v1/flags")
    summary = _call(ctx, "GET", "/metrics/json").get("modules", {})
    if _ctx(ctx).as_json:
        _emit(ctx, {"flags": flags, "metrics": summary}, None)
        return
    table = Table(title=f"shadowdiff at {_ctx(ctx).client.url}", title_justify="left", collapse_padding=True)
    # The module and its state are what a reader looks for: never cut (an 80-column terminal showed
    # 'paymen…' and 'migrat…'); the headers wrap instead.
    longest = max((len(f["module"]) for f in flags.get("flags", [])), default=6)
    table.add_column("module", no_wrap=True, min_width=longest)
    table.add_column("state", no_wrap=True, min_width=max(len(s) for s in FlagState))
    for column in ("sample", "serve", "auto rollback", "version", "compared 1h", "mismatch 1h"):
        table.add_column(column)
    for flag in flags.get("flags", []):
        figures = summary.get(flag["module"], {})
        counts = figures.get("comparisons", {})
        compared = int(counts.get("match", 0) + counts.get("mismatch", 0))
        _row(
            table,
            flag["module"],
            # a retired module changes no more and is posted nothing: not one more module in legacy
            "retired" if flag.get("retired") else flag["state"],
            _rate(flag.get("effective_sample_rate", flag.get("sample_rate"))),
            _served(flag),
            _auto_rollback(flag.get("auto_rollback")),
            _fmt(flag.get("version")),
            str(compared),
            _rate(figures.get("mismatch_rate")),
        )
    out.print(table)


@flags_app.command("get")
def flags_get(ctx: typer.Context, module: Module) -> None:
    """One module's flag."""
    flag = _call(ctx, "GET", f"/v1/flags/{module}")
    _emit(ctx, flag, _kv_table(f"flag {module}", flag))


@flags_app.command("readiness")
def flags_readiness(ctx: typer.Context, module: Module) -> None:
    """Whether a module may move from shadow to orm: per query, compared pairs, mismatches, p95s, errors.

    The same verdict ``promote`` is refused with, readable before trying; exit 0 whatever the verdict
    (``--json`` for scripts: ``.verdict``)."""
    data = _call(ctx, "GET", f"/v1/flags/{module}/readiness")
    table = Table(
        title=f"readiness of {module} ({data.get('state')}): {data.get('verdict')}", title_justify="left"
    )
    table.add_column("query", overflow="fold")  # what a reader looks for: wrapped, never cut
    table.add_column("verdict", no_wrap=True)
    for column in ("compared", "mismatches", "p95 ms sql / orm", "ratio", "error rate +"):
        table.add_column(column, justify="right")
    for name, query in sorted((data.get("queries") or {}).items()):
        p95 = query.get("p95_latency_ms") or {}
        _row(
            table,
            name,
            _fmt(query.get("verdict")),
            _fmt(query.get("compared")),
            _fmt(query.get("mismatches")),
            f"{_fmt(p95.get('sql'))} / {_fmt(p95.get('prisma'))}",
            _fmt(query.get("latency_ratio")),
            _fmt(query.get("error_rate_increase")),
        )
    _emit(ctx, data, table)
    if not _ctx(ctx).as_json:
        for reason in data.get("reasons") or ():
            out.print(Text(f"- {reason}"))


def _next_state(module: str, current: str, to: str | None) -> str:
    if to is not None:
        return to
    states = [s.value for s in LIFECYCLE]
    if current not in states or current == states[-1]:
        _usage(
            f"module {module!r} is {current!r}, the last state: there is nothing to promote it to "
            "(name another state with --to; leaving 'migrated' also needs --force)",
        )
    return states[states.index(current) + 1]


def _change(
    ctx: typer.Context,
    module: str,
    changes: dict[str, Any],
    reason: str,
    by: str | None,
    force: bool,
    current: dict[str, Any] | None = None,
) -> None:
    current = current or _call(ctx, "GET", f"/v1/flags/{module}")
    body: dict[str, Any] = {**changes, "reason": reason, "version": current["version"]}
    if by is not None:
        body["by"] = by
    if force:
        body["force"] = True
    flag = _call(ctx, "PUT", f"/v1/flags/{module}", body)
    if flag.get("notes") and flag.get("state") == FlagState.ORM and "auto_rollback" not in changes:
        # The service's one note (entering orm armed the guard) tells an API caller which field to send.
        flag = {**flag, "notes": [NOTE_AUTO_ROLLBACK_ON.format(module=module)]}
    _emit(ctx, flag, _kv_table(f"flag {module} (was {current['state']}, version {current['version']})", flag))


@flags_app.command("promote")
def flags_promote(
    ctx: typer.Context,
    module: Module,
    reason: Reason,
    to: Annotated[
        FlagState | None, typer.Option("--to", help="the target state (default: the next one)")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="skip stages or readiness (needs a reason)")] = False,
    auto_rollback: Annotated[
        AutoRollback | None,
        typer.Option(
            "--auto-rollback",
            help="what the guard does in orm: on (roll back), notify (record only) or off; "
            "entering orm turns it on unless given",
        ),
    ] = None,
    by: By = None,
) -> None:
    """Move a module one stage along legacy -> shadow -> orm -> migrated."""
    current = _call(ctx, "GET", f"/v1/flags/{module}")
    target = _next_state(module, current["state"], None if to is None else to.value)
    changes: dict[str, Any] = {"state": target}
    if auto_rollback is not None:
        changes["auto_rollback"] = auto_rollback.to_wire()
    _change(ctx, module, changes, reason, by, force, current)


@flags_app.command("create")
def flags_create(
    ctx: typer.Context,
    module: Module,
    reason: Reason,
    state: Annotated[
        FlagState | None,
        typer.Option("--state", help="its first state (default: the service's default state, shadow)"),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="create it in orm or migrated (needs a reason)")
    ] = False,
    by: By = None,
) -> None:
    """Create a module's flag (a module is also registered by the first pair posted for it)."""
    try:
        existing = _ctx(ctx).client.call("GET", f"/v1/flags/{module}")
    except Refused as exc:
        if exc.code != "unknown_module":
            _fail(str(exc))
        existing = None
    if existing is not None:
        _usage(
            f"module {module!r} already exists (state {existing['state']!r}); move it with "
            f"shadowdiff flags promote {module} --reason ...",
        )
    body: dict[str, Any] = {"reason": reason, "version": 0}  # version 0: only if it still does not exist
    if state is not None:
        body["state"] = state.value
    if by is not None:
        body["by"] = by
    if force:
        body["force"] = True
    flag = _call(ctx, "PUT", f"/v1/flags/{module}", body)
    _emit(ctx, flag, _kv_table(f"flag {module} created", flag))


@flags_app.command("ramp")
def flags_ramp(
    ctx: typer.Context,
    module: Module,
    rate: Annotated[float, typer.Argument(min=0.0, max=1.0, help="share of requests the ORM serves (0..1)")],
    reason: Reason,
    by: By = None,
) -> None:
    """Set the share of requests the ORM path serves in state orm (serve_rate)."""
    _change(ctx, module, {"serve_rate": rate}, reason, by, False)


@flags_app.command("rollback")
def flags_rollback(ctx: typer.Context, module: Module, reason: Reason, by: By = None) -> None:
    """Move a module whose ORM path serves (orm) back to shadow."""
    body: dict[str, Any] = {"reason": reason}
    if by is not None:
        body["by"] = by
    flag = _call(ctx, "POST", f"/v1/flags/{module}/rollback", body)
    # From shadow the service changes nothing ("already rolled back"): the title must not say it acted.
    done = "rolled back" if flag.get("changed", True) else "already rolled back: nothing changed"
    _emit(ctx, flag, _kv_table(f"flag {module} {done}", flag))


@flags_app.command("history")
def flags_history(
    ctx: typer.Context,
    module: Annotated[
        str | None, typer.Argument(help="one module (default: every module)", callback=_name)
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000)] = 20,
) -> None:
    """The audit trail, newest first (one module, or all of them)."""
    path = f"/v1/flags/{module}/history" if module else "/v1/history"
    data = _call(ctx, "GET", path, limit=limit)
    if _ctx(ctx).as_json:
        _emit(ctx, data, None)
        return
    # A timeline, as the console draws it: a table at 80 columns cut the action, the actor and every
    # word of the reason ('rollba…', 'alertma…'); here the reason gets a line of its own and wraps.
    out.print(Text(f"history of {module or 'every module'}", style="bold"))
    for entry in data.get("history", []):
        move = ""
        if "state" in (entry.get("to") or {}):
            move = f"{_fmt((entry.get('from') or {}).get('state'))} -> {_fmt(entry['to']['state'])}"
        who = _fmt(entry.get("actor"))
        if entry.get("by"):  # the person acting, beside the token that made the change
            who = f"{entry['by']} via {who}"
        head = [
            _when(entry.get("at")),
            *([] if module else [_fmt(entry.get("module"))]),
            _fmt(entry.get("action")) + (" (forced)" if entry.get("forced") else ""),
            *([move] if move else []),
            f"by {who}",
        ]
        out.print(Text("  ".join(head)))
        out.print(Text("    " + _fmt(entry.get("reason"))))  # whole: the terminal wraps it
        examples = ((entry.get("decision") or {}).get("samples") or {}).get("examples") or []
        for example in examples:  # an automatic rollback's decision record: its samples, as a command
            look = f"shadowdiff mismatches --module {entry.get('module', module)}"
            look += f" --query {example.get('query_name')}"
            fields = example.get("fields") or []
            look += f" --field {fields[0]}" if len(fields) == 1 else ""
            out.print(Text(f"    samples: {look}"))


@app.command()
def mismatches(
    ctx: typer.Context,
    module: Annotated[str | None, typer.Option("--module", "-m", callback=_name)] = None,
    query: Annotated[str | None, typer.Option("--query", "-q", help="query name", callback=_name)] = None,
    field: Annotated[str | None, typer.Option("--field", "-f", callback=_name)] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000)] = 20,
) -> None:
    """Recent mismatch samples, newest first (values redacted)."""
    data = _call(ctx, "GET", "/v1/mismatches", module=module, query_name=query, field=field, limit=limit)
    table = Table(title="mismatch samples", title_justify="left")
    table.add_column("id")
    _when_column(table)
    for column in ("module", "query"):
        table.add_column(column)
    table.add_column("path", overflow="fold")  # the path is what a reader looks for: wrapped, never cut
    for column in ("kind", "legacy", "orm"):
        table.add_column(column)
    for sample in data.get("mismatches", []):
        for i, diff in enumerate(sample.get("differences", [])):
            _row(
                table,
                _fmt(sample.get("id")) if i == 0 else "",
                _when(sample.get("at")) if i == 0 else "",
                sample["module"] if i == 0 else "",
                sample["query_name"] if i == 0 else "",
                _fmt(diff.get("path")),
                _fmt(diff.get("kind")),
                _value(diff.get("legacy")),
                _value(diff.get("orm")),
            )
    _emit(ctx, data, table)


@specs_app.command("get")
def specs_get(
    ctx: typer.Context,
    module: Annotated[str | None, typer.Argument(help="only this module", callback=_name)] = None,
    query: Annotated[str | None, typer.Argument(help="only this query", callback=_name)] = None,
) -> None:
    """Stored comparison specs."""
    data = _call(ctx, "GET", "/v1/specs")
    specs = [
        s
        for s in data.get("specs", [])
        if (module is None or s["module"] == module) and (query is None or s["query_name"] == query)
    ]
    if (module or query) and not specs:
        _fail(f"no stored spec for {module}{'/' + query if query else ''}")
    table = Table(title="stored specs", title_justify="left")
    for column in ("module", "query", "spec", "updated", "by"):
        table.add_column(column)
    for s in specs:
        _row(table, s["module"], s["query_name"], _fmt(s["spec"]), _fmt(s["updated_at"]), s["updated_by"])
    _emit(ctx, {"specs": specs}, table)


def _read_spec(source: str) -> Any:
    """A spec from a file (JSON or YAML) or ``-`` (standard input); an unreadable one is bad usage."""
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
        return yaml.safe_load(text)  # YAML is a superset of JSON
    except (OSError, yaml.YAMLError) as exc:
        raise typer.BadParameter(f"cannot read a spec from {source!r}: {exc}", param_hint="SPEC") from exc


SpecFile = Annotated[str, typer.Argument(help="a JSON or YAML file of spec options, or - for stdin")]


@specs_app.command("put")
def specs_put(
    ctx: typer.Context,
    module: Module,
    query: Query,
    spec: SpecFile,
    reason: Reason,
    by: By = None,
) -> None:
    """Store the comparison spec of one query (validated by the service; audited with the reason)."""
    body: dict[str, Any] = {"spec": _read_spec(spec), "reason": reason}
    if by is not None:
        body["by"] = by
    data = _call(ctx, "PUT", f"/v1/specs/{module}/{query}", body)
    _emit(ctx, data, _kv_table(f"spec {module}/{query} stored", data))


@specs_app.command("dry-run")
def specs_dry_run(ctx: typer.Context, module: Module, query: Query, spec: SpecFile) -> None:
    """Re-diff the stored samples of one query under a proposed spec; changes nothing."""
    data = _call(ctx, "POST", f"/v1/specs/{module}/{query}/dry-run", {"spec": _read_spec(spec)})
    table = Table(title=f"dry run of {module}/{query}", title_justify="left")
    for column in ("sample", "at", "verdict", "still differing"):
        table.add_column(column)
    for item in data.get("samples", []):
        remaining = ", ".join(d.get("path", "") for d in item.get("differences", [])) or "-"
        _row(table, _fmt(item.get("id")), _fmt(item.get("at")), item.get("verdict", "?"), remaining)
    counts = data.get("counts", {})
    _emit(ctx, data, table)
    if not _ctx(ctx).as_json:
        out.print("  ".join(f"{k}: {v}" for k, v in counts.items()))
        for warning in data.get("warnings", []):
            out.print(Text(f"warning: {warning.get('option')}: {warning.get('message')}"))


def main() -> None:
    app()
