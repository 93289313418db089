"""The console at ``/ui`` and the API docs at ``/docs``, both served entirely by shadowdiff itself.

``install(app)`` adds the console's pages and assets (htmx, CSS under ``/ui/static``) and replaces
FastAPI's ``/docs`` (which loads Swagger UI from a CDN) by the same page with Swagger UI 5's files
vendored under ``static/swagger`` (see ``static/VENDORED.md``): both work on a network without
internet. ReDoc (CDN only) is off.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS_STATIC = "/docs/static"


def install(app: FastAPI) -> None:
    # Imported here, not at the top: app.services imports app.console.session, and the routes import
    # app.services, so importing this package must not pull the routes in.
    from app.console.routes import HERE, PREFIX, router, static

    app.include_router(router)
    app.mount(f"{PREFIX}/static", static, name="console-static")
    app.mount(DOCS_STATIC, StaticFiles(directory=HERE / "static" / "swagger"), name="docs-static")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title="shadowdiff API",
            swagger_js_url=f"{DOCS_STATIC}/swagger-ui-bundle.js",
            swagger_css_url=f"{DOCS_STATIC}/swagger-ui.css",
            swagger_favicon_url=f"{DOCS_STATIC}/favicon-32x32.png",
        )
