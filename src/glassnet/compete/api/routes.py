"""The REST API (JSON). Tokens come as ``Authorization: Bearer TOKEN``."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response
from sqlalchemy import select

from glassnet.compete import crud
from glassnet.compete.api import instructor, service
from glassnet.compete.api.upload import UPLOAD_BODY
from glassnet.compete.csv_export import csv_text
from glassnet.compete.db import SessionDep
from glassnet.compete.models import Competition
from glassnet.compete.schemas import (
    CompetitionInfo,
    Grade,
    Health,
    Leaderboard,
    NewTeam,
    NewTeamToken,
    Revealed,
    RosterTeamToken,
    Selection,
    SubmissionOut,
    SubmitResult,
    TeamView,
)

router = APIRouter(prefix="/api")


@router.get("/health")
def health() -> Health:
    """Answer ``{"status": "ok"}`` while the server runs."""
    return Health()


@router.get("/competitions")
def competitions(request: Request, session: SessionDep) -> list[CompetitionInfo]:
    """List the competitions."""
    found = session.scalars(select(Competition).order_by(Competition.name)).all()
    return [service.public_info(request, session, c) for c in found]


@router.get("/competitions/{name}")
def competition(name: str, request: Request, session: SessionDep) -> CompetitionInfo:
    """Describe a competition: metric, expected header, labels, limits, deadline."""
    return service.public_info(request, session, service.get_competition(session, name))


@router.get("/competitions/{name}/files/{filename}", response_class=Response)
def student_file(name: str, filename: str, session: SessionDep) -> Response:
    """Download one of the students' files (train.csv, test.csv, sample_submission.csv)."""
    found = service.get_competition(session, name)
    return service.student_file_response(session, found, filename)


@router.get("/competitions/{name}/leaderboard")
def leaderboard(name: str, request: Request, session: SessionDep) -> Leaderboard:
    """Show the leaderboard: public scores; private scores and ranks once revealed."""
    found = service.get_competition(session, name)
    return service.cached_leaderboard(request, session, found)


@router.get("/competitions/{name}/leaderboard.csv", response_class=Response)
def leaderboard_csv(name: str, request: Request, session: SessionDep) -> Response:
    """Export the leaderboard as CSV (cells a spreadsheet would run as formulas are quoted)."""
    found = service.get_competition(session, name)
    board = service.cached_leaderboard(request, session, found)
    fields = ["rank", "team", "public_score", "private_score", "private_rank", "baseline"]
    rows = ([row.model_dump()[f] for f in fields] for row in board.rows)
    return service.csv_response(csv_text(fields, rows), f"{board.competition}.csv")


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
    service.require_instructor(request, session, found, service.bearer_token(request))
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
    service.require_instructor(request, session, found, service.bearer_token(request))
    found.revealed = True
    crud.bump_board(session, found)
    session.commit()
    return Revealed(revealed=True)


@router.post("/competitions/{name}/roster", status_code=201, openapi_extra=UPLOAD_BODY)
def add_roster(name: str, request: Request, session: SessionDep) -> list[RosterTeamToken]:
    """Add every team of a roster CSV, the form field ``file`` (instructor token).

    The file's columns are team, members (separated by ';') and optionally email; all
    its teams are added, or none. Each token is in the answer, this once.
    """
    found = service.get_competition(session, name)
    token = service.bearer_token(request) or ""
    return instructor.add_roster(request, session, found, token)


@router.post("/competitions/{name}/teams/{team}/token", status_code=201)
def reset_token(name: str, team: str, request: Request, session: SessionDep) -> NewTeamToken:
    """Give a team a new token; the old one stops working (instructor token)."""
    found = service.get_competition(session, name)
    service.require_instructor(request, session, found, service.bearer_token(request))
    return instructor.reset_token(session, found, team)


@router.get("/competitions/{name}/grades")
def grades(name: str, request: Request, session: SessionDep) -> list[Grade]:
    """Every team's grades line (private parts once revealed; instructor token)."""
    found = service.get_competition(session, name)
    service.require_instructor(request, session, found, service.bearer_token(request))
    return instructor.grades(session, found)


@router.get("/competitions/{name}/grades.csv", response_class=Response)
def grades_csv(name: str, request: Request, session: SessionDep) -> Response:
    """Export the grades as CSV, for a gradebook (instructor token)."""
    found = service.get_competition(session, name)
    service.require_instructor(request, session, found, service.bearer_token(request))
    return instructor.grades_csv(session, found)


@router.get("/competitions/{name}/submissions.csv", response_class=Response)
def submissions_csv(name: str, request: Request, session: SessionDep) -> Response:
    """Every submission of every team as CSV, notes included (instructor token)."""
    found = service.get_competition(session, name)
    service.require_instructor(request, session, found, service.bearer_token(request))
    return instructor.submissions_csv(session, found)
