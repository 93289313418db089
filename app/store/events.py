"""Calling flag listeners: one failing listener must neither sink a flag write nor starve the others."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Iterable

from flags.persistence import FlagListener

logger = logging.getLogger(__name__)


async def notify_listeners(listeners: Iterable[FlagListener], module: str) -> None:
    """Call each listener in turn (awaiting async ones); log, do not raise, what they raise."""
    for listener in list(listeners):
        try:
            result = listener(module)
            if inspect.isawaitable(result):
                await result
        except Exception:
            logger.exception("flag listener %r failed for module %r", listener, module)
