"""The FastAPI application: ``create_app(settings)``; the engine is built in its lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from glassnet.compete.api import pages, routes, service
from glassnet.compete.api.upload import MULTIPART_OVERHEAD
from glassnet.compete.auth_limit import FailedAuthLimiter
from glassnet.compete.board_cache import BoardCache
from glassnet.compete.config import Settings
from glassnet.compete.db import make_engine, upgrade

TEMPLATES = Path(__file__).with_name("templates")
STATIC = Path(__file__).with_name("static")
SECURITY_HEADERS = {
    # Scripts, styles and requests from this server only, nothing inline (a team name
    # that slipped past escaping could not run), no framing (clickjacking the forms).
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
    "connect-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the competition server.

    Parameters
    ----------
    settings : Settings, optional
        Database URL and limits; by default read from GLASSNET_COMPETE_* variables.

    Returns
    -------
    fastapi.FastAPI
        The app; its lifespan migrates the database and opens the engine.
    """
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await run_in_threadpool(upgrade, settings.database_url)
        engine = make_engine(
            settings.database_url, settings.sqlite_busy_timeout_ms, settings.sync_each_commit
        )
        app.state.sessionmaker = sessionmaker(engine, class_=Session, expire_on_commit=False)
        app.state.solutions = {}
        app.state.board_cache = BoardCache(service.leaderboard)
        try:
            yield
        finally:
            engine.dispose()

    # FastAPI's own /docs page loads Swagger UI from a CDN; ours is served from here.
    app = FastAPI(
        title="glassnet compete",
        summary="A leaderboard server for class prediction competitions.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.auth_limiter = FailedAuthLimiter(
        settings.auth_failures_per_minute, 60.0, settings.auth_block_seconds
    )
    app.state.templates = Jinja2Templates(directory=str(TEMPLATES))
    app.state.templates.env.filters["decimals"] = decimals
    # Bodies counted as they stream in, chunked ones too: past the limit, 413. Set on
    # the routers, not the app, so that the 413 passes the security headers' middleware.
    limit = settings.max_upload_bytes + MULTIPART_OVERHEAD
    app.include_router(routes.router, max_body_size=limit)
    app.include_router(pages.router, max_body_size=limit)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(SecurityHeadersMiddleware)
    if settings.proxies():
        # Added last, so it runs first: the token-guess limit sees the client's address.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.proxies())
    return app


def decimals(score: float | None, digits: int) -> str:
    """Write a score with exactly `digits` decimals (0.80000 beside 0.89600); None as ""."""
    return "" if score is None else f"{score:.{digits}f}"


class SecurityHeadersMiddleware:
    """Add :data:`SECURITY_HEADERS` to every HTTP answer (pages, API, files, errors)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add the headers to the answer's start."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)
