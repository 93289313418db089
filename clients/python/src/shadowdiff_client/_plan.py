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
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from shadowdiff_client._hash import orm_serves, sampled


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


LEGACY_ONLY = Plan(Path.LEGACY, shadow=False, post=False)


def plan(config: Config | None, module: str, request_id: str) -> Plan:
    if config is None:
        return LEGACY_ONLY
    found = config.module(module)
    if found.retired:
        return Plan(found.serves, shadow=False, post=False)
    state = found.state
    if state is State.LEGACY:
        return LEGACY_ONLY
    if state is State.MIGRATED:
        return Plan(Path.ORM, shadow=False, post=False)
    serve = Path.LEGACY
    if state is State.ORM and orm_serves(module, request_id, found.serve_rate):
        serve = Path.ORM
    return Plan(serve, shadow=sampled(module, request_id, found.sample_rate))


def _rate(value: Any, default: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    return min(max(float(value), 0.0), 1.0)


def _state(value: Any, default: State) -> State:
    try:
        return State(value)
    except ValueError:
        return default
