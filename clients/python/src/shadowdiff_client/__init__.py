"""shadowdiff-client: shadow a legacy-SQL query with its ORM version in one line.

from shadowdiff_client import Shadow
shadow = Shadow("http://127.0.0.1:8000", token=None)
rows = shadow.run("auth", "getUserByEmail", legacy=lambda: sql_get(email), orm=lambda: orm_get(email),
                  request_id=req_id, context={"email": email})
"""

from shadowdiff_client._hash import bucket, orm_serves, sampled, threshold
from shadowdiff_client._plan import Config, ModuleConfig, Path, Plan, State, plan
from shadowdiff_client._request import RequestInfo, current_request, request_scope, reset_request, set_request
from shadowdiff_client._serialize import to_json
from shadowdiff_client._shadow import Shadow, ShadowTimeout

__all__ = [
    "Config",
    "ModuleConfig",
    "Path",
    "Plan",
    "RequestInfo",
    "Shadow",
    "ShadowTimeout",
    "State",
    "bucket",
    "current_request",
    "orm_serves",
    "plan",
    "request_scope",
    "reset_request",
    "sampled",
    "set_request",
    "threshold",
    "to_json",
]
