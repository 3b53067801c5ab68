"""Server-rendered pages (Jinja2, no build step, nothing loaded from elsewhere).

Tokens are typed into forms and sent in POST bodies, never put in URLs (which end
up in logs and browser histories).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from glassnet.compete import charts, crud
from glassnet.compete.api import instructor, service
from glassnet.compete.db import SessionDep
from glassnet.compete.models import Competition

router = APIRouter(include_in_schema=False)


def _render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    templates = request.app.state.templates
    return templates.TemplateResponse(request, template, context, status_code=status)


def _competition(request: Request, session: SessionDep, name: str) -> tuple[Competition, Any]:
    """Return the competition a page is about and its public description."""
    found = service.get_competition(session, name)
    return found, service.public_info(request, session, found)


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
    board = service.cached_leaderboard(request, session, found)
    moves = [
        charts.Move(row.team, row.rank, row.private_rank)
        for row in board.rows
        if row.rank is not None and row.private_rank is not None
    ]
    return _render(
        request, "leaderboard.html", info=info, board=board, shake_up=charts.shake_up(moves)
    )


@router.get("/c/{name}/files/{filename}")
def student_file(name: str, filename: str, session: SessionDep) -> Response:
    """Download one of the students' files."""
    found = service.get_competition(session, name)
    return service.student_file_response(session, found, filename)


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
    points = [
        charts.Point(s.created_at, s.public_score, s.late) for s in reversed(view.submissions)
    ]
    greater = info.greater_is_better
    chart = charts.score_over_time(points, greater, info.precision)
    return _render(
        request, "team.html", info=info, view=view, token=token, message=message, chart=chart
    )


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


@router.get("/c/{name}/instructor")
def instructor_page(name: str, request: Request, session: SessionDep) -> HTMLResponse:
    """Ask for the instructor token."""
    _, info = _competition(request, session, name)
    return _render(request, "instructor.html", info=info)


@router.post("/c/{name}/instructor", response_model=None)
def instructor_view(
    name: str,
    request: Request,
    session: SessionDep,
    token: Annotated[str, Form()] = "",
    action: Annotated[str, Form()] = "",
    team: Annotated[str, Form()] = "",
) -> Response:
    """Show the instructor's page; with `action`, reset a token, reveal, or download first."""
    found, info = _competition(request, session, name)
    token = token.strip()
    try:
        service.require_instructor(request, session, found, token)
    except HTTPException as err:
        return _render(request, "instructor.html", err.status_code, info=info, error=err.detail)
    message, new_tokens = None, []
    if action == "grades.csv":
        return instructor.grades_csv(session, found)
    if action == "submissions.csv":
        return instructor.submissions_csv(session, found)
    if action == "reset-token":
        try:
            new_tokens = [instructor.reset_token(session, found, team)]
        except HTTPException as err:
            return _instructor(request, session, found, token, err.detail, [], err.status_code)
    elif action == "reveal":
        found.revealed = True
        crud.bump_board(session, found)
        session.commit()
        message = "The private scores are now on the leaderboard."
    return _instructor(request, session, found, token, message, new_tokens)


@router.post("/c/{name}/instructor/roster")
def instructor_roster(name: str, request: Request, session: SessionDep) -> HTMLResponse:
    """Add a roster's teams from the instructor page's form; show their tokens once."""
    found, info = _competition(request, session, name)
    try:
        added = instructor.add_roster(request, session, found, None)
    except HTTPException as err:
        if err.status_code in (401, 429):
            return _render(request, "instructor.html", err.status_code, info=info, error=err.detail)
        return _instructor(request, session, found, _form_token(request), err.detail, [], 422)
    message = f"{len(added)} teams added: hand each its token below (shown this once)."
    return _instructor(request, session, found, _form_token(request), message, added)


def _form_token(request: Request) -> str:
    # The roster form's token, checked by add_roster before the file was read.
    return getattr(request.state, "instructor_token", "")


def _instructor(
    request: Request,
    session: SessionDep,
    found: Competition,
    token: str,
    message: str | None,
    new_tokens: list[Any],
    status: int = 200,
) -> HTMLResponse:
    info = service.public_info(request, session, found)
    return _render(
        request,
        "instructor.html",
        status,
        info=info,
        token=token,
        message=message,
        new_tokens=new_tokens,
        ok=status == 200,
        grades=instructor.grades(session, found),
    )


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
