"""``POST /v1/alerts/alertmanager``: Alertmanager's webhook receiver (role ``operator``).

Point a ``webhook_configs`` receiver at it with ``http_config.authorization.credentials`` set to an
operator token. The answer lists, per alert, what happened and why (``results[].result``); Alertmanager
only looks at the status code, people and tests read the rest.
"""

from __future__ import annotations

from typing import Annotated, Any, cast

from fastapi import APIRouter, Depends, Request

from app.deps import Operator
from app.rollback import AlertmanagerPayload, RollbackCoordinator
from app.routes.schemas import ERRORS
from app.services import Services

router = APIRouter(tags=["alerts"])


def get_rollbacks(request: Request) -> RollbackCoordinator:
    return cast(Services, request.app.state.services).rollbacks


Rollbacks = Annotated[RollbackCoordinator, Depends(get_rollbacks)]


@router.post(
    "/v1/alerts/alertmanager",
    summary="Alertmanager webhook (payload version 4): roll back modules named by firing critical alerts",
    responses=ERRORS,
)
async def alertmanager_webhook(
    payload: AlertmanagerPayload, _: Operator, rollbacks: Rollbacks
) -> dict[str, Any]:
    return await rollbacks.handle_alertmanager(payload)
