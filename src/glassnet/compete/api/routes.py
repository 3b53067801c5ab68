"""The REST API (JSON). Tokens come as ``Authorization: Bearer TOKEN``."""

from __future__ import annotations

import csv
import io

from fastapi import APIRouter, HTTPException, Request, Response
from sqlalchemy import select

from glassnet.compete import crud
from glassnet.compete.api import service
from glassnet.compete.api.upload import UPLOAD_BODY
from glassnet.compete.db import SessionDep
from glassnet.compete.models import Competition
from glassnet.compete.schemas import (
    CompetitionInfo,
    Health,
    Leaderboard,
    NewTeam,
    NewTeamToken,
    Revealed,
    Selection,
    SubmissionOut,
    SubmitResult,
    TeamView,
)

router = APIRouter(prefix="/api")
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@router.get("/health")
def health() -> Health:
    """Answer ``{"status": "ok"}`` while the server runs."""
    return Health()


@router.get("/competitions")
def competitions(request: Request, session: SessionDep) -> list[CompetitionInfo]:
    """List the competitions."""
    found = session.scalars(select(Competition).order_by(Competition.name)).all()
    return [service.competition_info(c, service.solution_for(request, session, c)) for c in found]


@router.get("/competitions/{name}")
def competition(name: str, request: Request, session: SessionDep) -> CompetitionInfo:
    """Describe a competition: metric, expected header, labels, limits, deadline."""
    found = service.get_competition(session, name)
    return service.competition_info(found, service.solution_for(request, session, found))


@router.get("/competitions/{name}/leaderboard")
def leaderboard(name: str, session: SessionDep) -> Leaderboard:
    """Show the leaderboard: public scores; private scores and ranks once revealed."""
    return service.leaderboard(session, service.get_competition(session, name))


@router.get("/competitions/{name}/leaderboard.csv", response_class=Response)
def leaderboard_csv(name: str, session: SessionDep) -> Response:
    """Export the leaderboard as CSV (cells a spreadsheet would run as formulas are quoted)."""
    board = service.leaderboard(session, service.get_competition(session, name))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    fields = ["rank", "team", "public_score", "private_score", "private_rank", "baseline"]
    writer.writerow(fields)
    for row in board.rows:
        values = row.model_dump()
        writer.writerow([safe_cell(values[f]) for f in fields])
    return Response(
        buffer.getvalue(),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{board.competition}.csv"'},
    )


def safe_cell(value: object) -> str:
    """Write a value for a CSV export; text a spreadsheet would run gets a leading ``'``."""
    text = "" if value is None else str(value)
    if isinstance(value, str) and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


@router.post("/competitions/{name}/submissions", status_code=201, openapi_extra=UPLOAD_BODY)
def submit(name: str, request: Request, session: SessionDep) -> SubmitResult:
    """Upload a submission CSV, the form field ``file`` (team token): scored, or refused."""
    found = service.get_competition(session, name)
    token = service.bearer_token(request) or ""  # read before the body: none is a wrong one
    return service.submit_upload(request, session, found, token)[1]


@router.get("/competitions/{name}/team")
def team(name: str, request: Request, session: SessionDep) -> TeamView:
    """Show the team's submissions and what it has left today (team token)."""
    found = service.get_competition(session, name)
    member = service.require_team(request, session, found, service.bearer_token(request))
    return service.team_view(session, found, member)


@router.post("/competitions/{name}/submissions/{submission_id}/select")
def select_final(
    name: str,
    submission_id: int,
    request: Request,
    session: SessionDep,
    selection: Selection | None = None,
) -> SubmissionOut:
    """Choose a submission as one of the team's finals, or unchoose it (team token)."""
    found = service.get_competition(session, name)
    member = service.require_team(request, session, found, service.bearer_token(request))
    if crud.is_closed(found):
        raise HTTPException(409, service.closed_message(found) + " Finals can no longer change.")
    try:
        chosen = crud.set_selected(
            session, found, member, submission_id, (selection or Selection()).selected
        )
    except LookupError as err:
        raise HTTPException(404, str(err)) from None
    except ValueError as err:
        raise HTTPException(409, str(err)) from None
    return service.submission_out(found, chosen)


@router.post("/competitions/{name}/teams", status_code=201)
def add_team(name: str, new: NewTeam, request: Request, session: SessionDep) -> NewTeamToken:
    """Add a team (instructor token); its token is in the answer, this once."""
    found = service.get_competition(session, name)
    service.require_instructor(request, found, service.bearer_token(request))
    try:
        created, token = crud.add_team(session, found, new.name, ", ".join(new.members))
    except ValueError as err:
        raise HTTPException(409, str(err)) from None
    session.commit()
    return NewTeamToken(team=created.name, token=token or "")


@router.post("/competitions/{name}/reveal")
def reveal(name: str, request: Request, session: SessionDep) -> Revealed:
    """Show the private scores now, before the deadline (instructor token)."""
    found = service.get_competition(session, name)
    service.require_instructor(request, found, service.bearer_token(request))
    found.revealed = True
    session.commit()
    return Revealed(revealed=True)
