"""``POST /v1/specs/{module}/{query_name}/dry-run``: what a proposed spec would do to the stored samples.

Nothing is changed: each stored sample of the query is compared again, on its kept rows, under the
proposed spec, and the answer says which would now match, which still differ (with what), and which
cannot be re-diffed (no rows kept, or only masked values left). Role ``read``: it changes nothing.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from app.deps import ModuleName, QueryName, Reader, ServicesDep
from app.errors import InvalidPayload
from app.routes.schemas import ERRORS, SPEC, body
from app.samples import dry_run
from app.validation import parse_json
from comparators import Spec

router = APIRouter(tags=["specs"])

DEFAULT_SAMPLES = 50
MAX_SAMPLES = 1000

DRY_RUN_BODY: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["spec"],
    "properties": {
        "spec": SPEC,
        "limit": {
            "type": "integer",
            "minimum": 1,
            "maximum": MAX_SAMPLES,
            "description": f"how many of the newest stored samples to re-diff (default {DEFAULT_SAMPLES})",
        },
    },
    "example": {"spec": {"key": ["id"], "ignore": ["updated_at"]}, "limit": 50},
}


@router.post(
    "/v1/specs/{module}/{query_name}/dry-run",
    summary="Re-diff the stored samples of one query under a proposed spec (changes nothing)",
    openapi_extra=body(DRY_RUN_BODY),
    responses=ERRORS,
)
async def dry_run_spec(
    module: ModuleName, query_name: QueryName, request: Request, _: Reader, services: ServicesDep
) -> dict[str, Any]:
    raw = parse_json(await request.body(), services.settings.max_depth)
    if not isinstance(raw, dict) or not isinstance(raw.get("spec"), dict) or raw.keys() - {"spec", "limit"}:
        raise InvalidPayload('a dry run is {"spec": {comparison options}, "limit"?: n}')
    limit = raw.get("limit", DEFAULT_SAMPLES)
    if isinstance(limit, float) and limit.is_integer():  # JSON Schema's integer includes 829.0
        limit = int(limit)
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_SAMPLES:
        raise InvalidPayload(f"limit must be an integer from 1 to {MAX_SAMPLES}")
    spec = Spec.from_dict(raw["spec"])  # SpecError -> 422 naming the option
    samples = await services.store.recent_mismatches(module, query_name, None, limit)
    current = services.specs.cache.stored(module, query_name)
    return {
        "module": module,
        "query_name": query_name,
        "spec": spec.to_dict(),
        "current_spec": current.to_dict() if current is not None else None,
        **dry_run(samples, spec),
    }
