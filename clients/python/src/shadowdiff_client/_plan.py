"""Which path serves a request and whether the other one is shadowed: a pure function of the config.

Per module state (shadowdiff SPEC section 3):

| state | serves | shadows (when sampled) |
| --- | --- | --- |
| ``legacy`` | legacy | nothing |
| ``shadow`` | legacy | the ORM |
| ``orm`` | the ORM for requests in the ``serve_rate`` ramp (1 when absent), else legacy | the other path |
| ``migrated`` | the ORM | nothing |
| retired (``"retired": true``) | the path the config names in ``serves`` | nothing (posts nothing) |

A module the config does not list gets ``default_state`` at ``default_sample_rate``; before the first
config answer everything serves legacy and nothing is shadowed.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from shadowdiff_client._hash import BUCKETS, SERVE_SALT, bucket, threshold


class Path(enum.StrEnum):
    LEGACY = "legacy"
    ORM = "orm"

    @property
    def other(self) -> Path:
        return Path.ORM if self is Path.LEGACY else Path.LEGACY


class State(enum.StrEnum):
    LEGACY = "legacy"
    SHADOW = "shadow"
    ORM = "orm"
    MIGRATED = "migrated"


@dataclass(frozen=True, slots=True)
class ModuleConfig:
    state: State
    sample_rate: float
    serve_rate: float = 1.0
    version: int = 0
    retired: bool = False
    serves: Path = Path.LEGACY  # retired modules only


@dataclass(frozen=True, slots=True)
class Config:
    default_state: State = State.SHADOW
    default_sample_rate: float = 1.0
    modules: Mapping[str, ModuleConfig] = field(default_factory=dict)
    # Per module, the plan when it does not depend on the request (rates 0 or 1), or None: filled on
    # first use, so the caller's path is one dictionary lookup in the common case.
    fixed: dict[str, Plan | None] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> Config:
        """``GET /v1/config``'s body; unknown fields are ignored (the service may add more)."""
        default_rate = _rate(data.get("default_sample_rate"), 1.0)
        default_state = _state(data.get("default_state"), State.SHADOW)
        modules: dict[str, ModuleConfig] = {}
        raw_modules = data.get("modules")
        for name, raw in raw_modules.items() if isinstance(raw_modules, Mapping) else ():
            if not isinstance(raw, Mapping):
                continue
            if raw.get("retired") is True:
                serves = Path.ORM if raw.get("serves") == "orm" else Path.LEGACY
                modules[name] = ModuleConfig(State.LEGACY, 0.0, retired=True, serves=serves)
                continue
            version = raw.get("version")
            modules[name] = ModuleConfig(
                state=_state(raw.get("state"), State.LEGACY),
                sample_rate=_rate(raw.get("sample_rate"), default_rate),
                serve_rate=_rate(raw.get("serve_rate"), 1.0),
                version=version if isinstance(version, int) else 0,
            )
        return cls(default_state, default_rate, modules)

    def module(self, name: str) -> ModuleConfig:
        found = self.modules.get(name)
        if found is not None:
            return found
        state = self.default_state if self.default_state in (State.SHADOW, State.LEGACY) else State.LEGACY
        return ModuleConfig(state, self.default_sample_rate)

    def learned(self, name: str, state: str, version: int) -> Config:
        """This config with a module's state as a pair's answer reported it, when that is newer."""
        current = self.modules.get(name)
        if current is not None and (current.retired or current.version >= version):
            return self
        try:
            new_state = State(state)
        except ValueError:
            return self
        base = current or self.module(name)
        modules = dict(self.modules)
        modules[name] = ModuleConfig(new_state, base.sample_rate, base.serve_rate, version)
        return Config(self.default_state, self.default_sample_rate, modules)


@dataclass(frozen=True, slots=True)
class Plan:
    serve: Path
    shadow: bool
    post: bool = True
    # The id the decision hashed: the caller's, or one drawn here when a partial rate needed a hash
    # (posted with the pair, so the service's sampling agrees); None when no hash was needed.
    request_id: str | None = None


LEGACY_ONLY = Plan(Path.LEGACY, shadow=False, post=False)
_FIXED = {(serve, shadow): Plan(serve, shadow) for serve in Path for shadow in (False, True)}


def draw_request_id() -> str:
    return os.urandom(16).hex()


def plan(config: Config | None, module: str, request_id: str | None = None) -> Plan:
    """The decision for one call. Rates of 0 and 1 need no hash (the common case while shadowing
    everything): that plan is computed once per module and config."""
    if config is None:
        return LEGACY_ONLY
    fixed = config.fixed.get(module, _UNKNOWN)
    if fixed is _UNKNOWN:
        fixed = config.fixed[module] = _decide(config.module(module), module, None, fixed_only=True)
    if fixed is not None:
        return fixed
    decided = _decide(config.module(module), module, request_id, fixed_only=False)
    assert decided is not None
    return decided


_UNKNOWN = Plan(Path.LEGACY, shadow=False, post=False, request_id="unknown")


def _decide(found: ModuleConfig, module: str, request_id: str | None, fixed_only: bool) -> Plan | None:
    """The plan; with ``fixed_only``, None when it would need a request's hash."""
    if found.retired:
        return Plan(found.serves, shadow=False, post=False)
    state = found.state
    if state is State.LEGACY:
        return LEGACY_ONLY
    if state is State.MIGRATED:
        return Plan(Path.ORM, shadow=False, post=False)
    serve = Path.LEGACY
    if state is State.ORM:
        limit = threshold(found.serve_rate)
        if limit >= BUCKETS:
            serve = Path.ORM
        elif limit > 0:
            if fixed_only:
                return None
            request_id = request_id or draw_request_id()
            if bucket(module + SERVE_SALT, request_id) < limit:
                serve = Path.ORM
    limit = threshold(found.sample_rate)
    if limit >= BUCKETS:
        shadow = True
    elif limit <= 0:
        shadow = False
    else:
        if fixed_only:
            return None
        request_id = request_id or draw_request_id()
        shadow = bucket(module, request_id) < limit
    if request_id is None:
        return _FIXED[serve, shadow]
    return Plan(serve, shadow, True, request_id)


def _rate(value: Any, default: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    return min(max(float(value), 0.0), 1.0)


def _state(value: Any, default: State) -> State:
    try:
        return State(value)
    except ValueError:
        return default
