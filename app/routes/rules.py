"""Triage rules on stored specs: ``POST /v1/specs/{module}/{query_name}/rules`` adds one (audited, with
an optional expiry), ``GET /v1/spec-rules`` lists them. See ``app.spec_rules``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from app.deps import ModuleName, Operator, OptionalName, QueryName, Reader, ServicesDep
from app.routes.schemas import ERRORS
from app.spec_rules import RuleOption, rule_wire
from app.text_patterns import FIELD_PATH, REASON
from comparators.spec import TYPES

router = APIRouter(tags=["specs"])


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(
        min_length=1,
        max_length=2000,
        pattern=REASON.regex,
        description="why (kept beside the rule and in the module's history)",
        examples=["the ORM stamps updated_at itself; fixed in JIRA-123"],
    )
    expires_at: AwareDatetime | None = Field(
        None,
        description="when a background task takes the rule out again (null: never; past: at its next round)",
        examples=["2030-01-31T00:00:00Z"],
    )


class IgnoreRule(_Rule):
    option: Literal["ignore"] = Field(description="ignore a field (every level) or a dotted path")
    value: str = Field(
        pattern=FIELD_PATH.regex, description="the field name or path", examples=["updated_at"]
    )


class ToleranceRule(_Rule):
    option: Literal["float_tolerance"] = Field(description="relative tolerance when a side is a JSON float")
    value: float = Field(ge=0, lt=1, strict=True, description="the tolerance", examples=[1e-6])


class TypesRule(_Rule):
    option: Literal["types"] = Field(description="declare one field's type (comparators.spec TYPES)")
    value: dict[Annotated[str, Field(pattern=FIELD_PATH.regex)], Literal[TYPES]] = Field(  # type: ignore[valid-type]
        min_length=1, max_length=1, description='{"field or path": "type"}', examples=[{"flags": "json"}]
    )


RuleIn = Annotated[IgnoreRule | ToleranceRule | TypesRule, Field(discriminator="option")]


@router.post(
    "/v1/specs/{module}/{query_name}/rules",
    summary="Add one rule to a query's stored spec (audited, with an optional expiry)",
    responses=ERRORS,
)
async def add_rule(
    module: ModuleName, query_name: QueryName, body: RuleIn, principal: Operator, services: ServicesDep
) -> dict[str, Any]:
    expires: datetime | None = body.expires_at
    rule, spec = await services.rules.add(
        module, query_name, RuleOption(body.option), body.value, body.reason, principal.name, expires
    )
    return {"rule": rule_wire(rule), "spec": spec}


@router.get("/v1/spec-rules", summary="Triage rules, newest first", responses=ERRORS)
async def list_rules(
    _: Reader,
    services: ServicesDep,
    module: OptionalName = None,
    open_only: Annotated[bool, Query(description="only rules still in their spec")] = False,
) -> dict[str, Any]:
    rules = await services.store.spec_rules(module, open_only)
    return {"rules": [rule_wire(r) for r in rules]}
