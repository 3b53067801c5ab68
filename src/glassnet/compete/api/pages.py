"""Server-rendered pages (Jinja2, no build step, nothing loaded from elsewhere).

Tokens are typed into forms and sent in POST bodies, never put in URLs (which end
up in logs and browser histories).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from glassnet.compete import crud
from glassnet.compete.api import service
from glassnet.compete.db import SessionDep
from glassnet.compete.models import Competition

router = APIRouter(include_in_schema=False)


def _render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    templates = request.app.state.templates
    return templates.TemplateResponse(request, template, context, status_code=status)


def _competition(request: Request, session: SessionDep, name: str) -> tuple[Competition, Any]:
    """Return the competition a page is about and its public description."""
    found = service.get_competition(session, name)
    return found, service.competition_info(found, service.solution_for(request, session, found))


@router.get("/", response_model=None)
def index(request: Request, session: SessionDep) -> Response:
    """Open the only competition's leaderboard, or list them."""
    names = session.scalars(select(Competition.name).order_by(Competition.name)).all()
    if len(names) == 1:
        # A path, not request.url_for's absolute URL, which takes its host from the
        # request's Host header: anyone could make the server link elsewhere.
        return RedirectResponse(request.app.url_path_for("leaderboard_page", name=names[0]), 303)
    return _render(request, "index.html", names=names)


@router.get("/c/{name}", name="leaderboard_page")
def leaderboard_page(name: str, request: Request, session: SessionDep) -> HTMLResponse:
    """Show the leaderboard (it refreshes itself from the JSON API)."""
    found, info = _competition(request, session, name)
    board = service.leaderboard(session, found)
    return _render(request, "leaderboard.html", info=info, board=board)


@router.get("/c/{name}/submit")
def submit_page(name: str, request: Request, session: SessionDep) -> HTMLResponse:
    """Show the upload form."""
    _, info = _competition(request, session, name)
    return _render(request, "submit.html", info=info)


@router.post("/c/{name}/submit")
def submit_form(name: str, request: Request, session: SessionDep) -> HTMLResponse:
    """Score an upload from the form and show the score or the reason it was refused."""
    found, info = _competition(request, session, name)
    try:
        team, result = service.submit_upload(request, session, found, None)
    except HTTPException as err:
        return _render(request, "submit.html", err.status_code, info=info, error=err.detail)
    return _render(request, "submit.html", info=info, result=result, team=team.name)


@router.get("/c/{name}/team")
def team_page(name: str, request: Request, session: SessionDep) -> HTMLResponse:
    """Ask for the team's token."""
    _, info = _competition(request, session, name)
    return _render(request, "team.html", info=info)


@router.post("/c/{name}/team")
def team_view_page(
    name: str,
    request: Request,
    session: SessionDep,
    token: Annotated[str, Form()] = "",
    submission_id: Annotated[int | None, Form()] = None,
    selected: Annotated[bool, Form()] = True,
) -> HTMLResponse:
    """Show the team's submissions; with `submission_id`, choose or unchoose a final first."""
    found, info = _competition(request, session, name)
    try:
        team = service.require_team(request, session, found, token.strip())
    except HTTPException as err:
        return _render(request, "team.html", err.status_code, info=info, error=err.detail)
    message = None
    if submission_id is not None:
        message = _select(session, found, team, submission_id, selected)
    view = service.team_view(session, found, team)
    return _render(request, "team.html", info=info, view=view, token=token, message=message)


def _select(
    session: SessionDep, found: Competition, team: Any, submission_id: int, selected: bool
) -> str:
    if crud.is_closed(found):
        return "The competition is closed: finals can no longer change."
    try:
        crud.set_selected(session, found, team, submission_id, selected)
    except (LookupError, ValueError) as err:
        session.rollback()
        return str(err)
    return f"Submission {submission_id} is {'now' if selected else 'no longer'} a final one."


@router.get("/docs")
def docs_page(request: Request) -> HTMLResponse:
    """List the REST API's routes from the OpenAPI document (also at /openapi.json)."""
    spec = request.app.openapi()
    routes = [
        (method.upper(), path, operation.get("summary", ""), operation.get("description", ""))
        for path, methods in spec["paths"].items()
        for method, operation in methods.items()
    ]
    return _render(request, "docs.html", routes=routes, title=spec["info"]["title"])
