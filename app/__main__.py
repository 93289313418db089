"""``python -m app``: read the settings from the environment, say how callers are authorised, serve."""

from __future__ import annotations

import logging
import sys

import uvicorn
from pydantic import ValidationError
from pydantic_settings import SettingsError

from app.main import create_app
from app.settings import Settings

log = logging.getLogger("shadowdiff")


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}" for e in exc.errors()
        )
        log.error("refusing to start: %s", problems)
        return 2
    except SettingsError as exc:
        log.error("refusing to start: %s", exc)
        return 2
    if settings.auth_enabled:
        log.info("bearer-token auth on: %d tokens configured", len(settings.tokens))
    else:
        log.warning(
            "NO TOKENS CONFIGURED (SHADOWDIFF_TOKENS): listening on loopback %s only and granting every "
            "role (ingest, operator, read) to every local caller",
            settings.host,
        )
    store = "PostgreSQL" if settings.database_url else f"SQLite in {settings.data_dir}"
    log.info("store: %s; listening on http://%s:%d", store, settings.host, settings.port)
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        access_log=False,
        lifespan="on",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
