"""The playground server: the page, its WebSocket, uploads and the take-home files.

``create_app(settings)`` builds a FastAPI app. Everything the page needs is served
from the package (``static/``); nothing is loaded from elsewhere, and the page's
Content-Security-Policy forbids it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Query, Request, Response, WebSocket
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.websockets import WebSocketDisconnect

import glassnet
from glassnet.nn import ACTIVATIONS, INITIALIZERS
from glassnet.playground import export
from glassnet.playground.config import Settings
from glassnet.playground.lane import MAX_EPOCHS
from glassnet.playground.lessons import LESSONS
from glassnet.playground.runs import SPEEDS
from glassnet.playground.session import PageSession
from glassnet.playground.spec import DATASETS, MAX_BATCH, MAX_LAYERS, MAX_POINTS, MAX_UNITS
from glassnet.playground.uploads import UploadError, Uploads, describe
from glassnet.workflow.data import read_csv
from glassnet.workflow.model_file import save_model

STATIC = Path(__file__).with_name("static")
# A page's messages are a few hundred bytes; a configure with two networks, a few KB.
MAX_MESSAGE_BYTES = 64 * 1024
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the playground server.

    Parameters
    ----------
    settings : Settings, optional
        Limits and the course file; by default read from GLASSNET_PLAYGROUND_* variables.

    Returns
    -------
    fastapi.FastAPI
    """
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.uploads = Uploads(settings.max_upload_bytes)
        app.state.sessions = {}
        try:
            yield
        finally:
            for session in list(app.state.sessions.values()):
                session.close()
            app.state.uploads.close()

    app = FastAPI(
        title="glassnet playground",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.settings = settings
    app.state.course_file = settings.find_course_file()
    app.middleware("http")(_security_headers)

    @app.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/api/info")
    async def info() -> dict[str, Any]:
        return {
            "version": glassnet.__version__,
            "datasets": list(DATASETS),
            "course_file": app.state.course_file is not None,
            "activations": list(ACTIVATIONS),
            "inits": list(INITIALIZERS),
            "speeds": list(SPEEDS),
            "limits": {
                "layers": MAX_LAYERS,
                "units": MAX_UNITS,
                "points": MAX_POINTS,
                "batch_size": MAX_BATCH,
                "epochs": MAX_EPOCHS,
                "upload_bytes": settings.max_upload_bytes,
            },
            "lessons": [lesson.as_dict() for lesson in LESSONS],
        }

    @app.post("/api/upload")
    async def upload(request: Request, name: str = Query("upload.csv", max_length=200)) -> Any:
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > settings.max_upload_bytes:
            return _error(
                413,
                f"{name} is {int(length) / 1e6:.1f} MB; the playground takes files up to "
                f"{settings.max_upload_bytes / 1e6:.0f} MB. Upload a smaller sample of it.",
            )
        try:
            digest, path = await app.state.uploads.receive(name, request.stream())
            return {"upload": digest, **(await run_in_threadpool(describe, path))}
        except UploadError as err:
            return _error(err.status, str(err))

    @app.get("/api/upload/{digest}")
    async def described(digest: str) -> Any:
        try:
            path = app.state.uploads.path(digest)
            return {"upload": digest, **(await run_in_threadpool(describe, path))}
        except UploadError as err:
            return _error(err.status, str(err))

    def _session(run: str) -> PageSession:
        session = app.state.sessions.get(run)
        if session is None or session.run is None:
            raise HTTPException(404, "no such run on this server: reload the page")
        return session

    @app.get("/api/export/{run}/{lane}")
    async def export_code(
        run: str, lane: int, library: str = "glassnet", download: bool = False
    ) -> Response:
        session = _session(run)
        spec, live = session.run.spec, session.run
        if not 0 <= lane < len(spec.lanes) or library not in ("glassnet", "sklearn"):
            raise HTTPException(404, "no such network or library")
        delimiter = ","
        if session.file is not None:
            delimiter = (await run_in_threadpool(read_csv, session.file)).delimiter
        try:
            code = export.script(
                spec,
                lane,
                live.lanes[lane].epoch,
                library=library,  # type: ignore[arg-type]
                file_name=session.file.name if session.file else None,
                delimiter=delimiter,
                batch_size=live.lanes[lane].params["batch_size"],
            )
        except ValueError as err:
            raise HTTPException(409, str(err)) from err
        headers = {}
        if download:
            name = f"playground_{spec.data.dataset}_{'ab'[lane]}_{library}.py"
            headers["Content-Disposition"] = f'attachment; filename="{name}"'
        return PlainTextResponse(code, headers=headers)

    @app.get("/api/model/{run}/{lane}")
    async def model_file(run: str, lane: int) -> Response:
        session = _session(run)
        live = session.run
        if not 0 <= lane < len(live.lanes):
            raise HTTPException(404, "no such network")
        future = live.call(lambda r: (r.lanes[lane].pipeline(), r.lanes[lane].epoch))
        try:
            pipeline, epoch = await asyncio.wait_for(asyncio.wrap_future(future), 30)
        except ValueError as err:
            raise HTTPException(409, str(err)) from err
        data = live.data
        metadata = {
            "data": session.file.name if session.file else f"playground {live.spec.data.dataset}",
            "target": data.label,
            "columns": list(data.columns),
            "numeric": list(data.columns),
            "features": list(live.spec.features),
            "classes": [str(c) for c in data.classes],
            "epochs": int(epoch),
            "command": "glassnet playground",
            "playground": live.spec.model_dump(),
            "glassnet_version": glassnet.__version__,
        }
        body = await run_in_threadpool(_model_bytes, pipeline, metadata)
        name = f"playground_{live.spec.data.dataset}_{'ab'[lane]}_epoch{epoch}.glassnet"
        return Response(
            body,
            media_type="application/zip",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    @app.websocket("/ws")
    async def socket(websocket: WebSocket) -> None:
        await _serve_page(app, websocket)

    return app


async def _serve_page(app: FastAPI, websocket: WebSocket) -> None:
    """One page's WebSocket: admit it, run its session, drop it when idle or gone."""
    settings: Settings = app.state.settings
    origin = websocket.headers.get("origin")
    if origin is not None and origin.split("://", 1)[-1] != websocket.headers.get("host"):
        # Another site's page must not drive (and spend the CPU of) this server.
        await websocket.close(code=1008)
        return
    await websocket.accept()
    sessions: dict[str, PageSession] = app.state.sessions
    if len(sessions) >= settings.max_runs:
        await websocket.send_json(
            {
                "type": "refused",
                "message": f"The playground is training {settings.max_runs} runs, as many as "
                "this server allows at once; try again when someone closes a page (the "
                "instructor can raise it: glassnet playground --max-runs N).",
            }
        )
        await websocket.close()
        return
    session = PageSession(app.state.uploads, app.state.course_file)
    sessions[session.id] = session
    sender = asyncio.create_task(_send_loop(websocket, session))
    try:
        while True:
            try:
                text = await asyncio.wait_for(websocket.receive_text(), settings.idle_seconds)
            except TimeoutError:
                session.send(
                    {
                        "type": "dropped",
                        "message": f"This page was idle for {settings.idle_seconds / 60:.0f} "
                        "minutes, so the server stopped its run. Reload to start again (the "
                        "link keeps your settings).",
                    }
                )
                await asyncio.sleep(0.2)  # let the sender deliver it
                break
            if len(text) > MAX_MESSAGE_BYTES:
                session.send({"type": "error", "message": "message too long"})
                continue
            try:
                message = json.loads(text)
            except json.JSONDecodeError:
                session.send({"type": "error", "message": "messages are JSON objects"})
                continue
            await session.handle(message)
    except WebSocketDisconnect:
        pass
    finally:
        sessions.pop(session.id, None)
        session.close()
        sender.cancel()
        with contextlib.suppress(Exception):
            await websocket.close()


async def _send_loop(websocket: WebSocket, session: PageSession) -> None:
    with contextlib.suppress(WebSocketDisconnect, RuntimeError, asyncio.CancelledError):
        while True:
            message = await session.mailbox.get()
            await websocket.send_text(json.dumps(message, separators=(",", ":")))


def _model_bytes(pipeline: Any, metadata: dict) -> bytes:
    with tempfile.TemporaryDirectory(prefix="glassnet-playground-") as folder:
        path = save_model(Path(folder) / "model.glassnet", pipeline, metadata)
        return path.read_bytes()


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"detail": message}, status_code=status)


async def _security_headers(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    response = await call_next(request)
    response.headers.update(SECURITY_HEADERS)
    return response
