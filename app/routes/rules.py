"""Triage rules on stored specs: ``POST /v1/specs/{module}/{query_name}/rules`` adds one (audited, with
an optional expiry), ``GET /v1/spec-rules`` lists them. See ``app.spec_rules``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from app.deps import ModuleName, Operator, OptionalName, QueryName, Reader, ServicesDep
from app.routes.schemas import ERRORS
from app.spec_rules import RuleOption, rule_wire

router = APIRouter(tags=["specs"])


class RuleIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "option": "ignore",
                "value": "updated_at",
                "reason": "the ORM sets updated_at itself; tracked in JIRA-123",
                "expires_at": "2030-01-31T00:00:00Z",
            }
        },
    )

    option: RuleOption = Field(description="which spec option the rule sets", examples=["ignore"])
    value: Any = Field(
        description=(
            'ignore: a field or dotted path; float_tolerance: a number in [0, 1); types: {"field": "type"}'
        ),
        examples=["updated_at"],
    )
    reason: str = Field(
        min_length=1,
        max_length=2000,
        pattern=r"\S",
        description="why (kept beside the rule and in the history)",
    )
    expires_at: AwareDatetime | None = Field(
        None, description="when a background task takes the rule out again (null: never)"
    )


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
        module, query_name, body.option, body.value, body.reason, principal.name, expires
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
