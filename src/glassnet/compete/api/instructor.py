"""The instructor's actions, shared by the API and the instructor page.

The roster, tokens, grades and exports. Each caller has checked the instructor token first, except
:func:`add_roster`, which checks it before reading the upload (as submissions do).
"""

from __future__ import annotations

from fastapi import HTTPException, Request, Response
from sqlalchemy.orm import Session

from glassnet.compete import crud
from glassnet.compete import grades as grades_module
from glassnet.compete.api import service
from glassnet.compete.api.upload import receive_upload
from glassnet.compete.csv_export import csv_text
from glassnet.compete.models import Competition
from glassnet.compete.roster import MAX_ROSTER_BYTES, RosterError, read_roster
from glassnet.compete.schemas import Grade, NewTeamToken, RosterTeamToken
from glassnet.compete.submission_file import SubmissionError


def add_roster(
    request: Request, session: Session, competition: Competition, token: str | None
) -> list[RosterTeamToken]:
    """Read a roster upload and add all its teams, or none; return their tokens.

    `token` is the Authorization header's; None means the form's ``token`` field,
    checked when the file part begins.
    """

    def check(fields: dict[str, str]) -> None:
        checked = fields.get("token", "").strip()
        service.require_instructor(request, session, competition, checked)
        request.state.instructor_token = checked  # the page's forms carry it on

    if token is not None:
        check({"token": token})
    try:
        upload = receive_upload(request, MAX_ROSTER_BYTES, None if token is not None else check)
        roster = read_roster(upload.content, upload.filename)
        added = crud.add_roster(session, competition, roster, upload.filename)
    except (SubmissionError, RosterError, ValueError) as err:
        session.rollback()
        raise HTTPException(getattr(err, "status", 422), str(err)) from None
    session.commit()
    return [
        RosterTeamToken(team=t.name, members=t.members, email=t.email, token=token)
        for t, token in added
    ]


def reset_token(session: Session, competition: Competition, team: str) -> NewTeamToken:
    """Give the team a new token (404 for an unknown team)."""
    try:
        token = crud.reset_token(session, competition, team)
    except LookupError as err:
        raise HTTPException(404, str(err)) from None
    session.commit()
    return NewTeamToken(team=team.strip(), token=token)


def grades(session: Session, competition: Competition) -> list[Grade]:
    """Every team's grades line."""
    rows = grades_module.grades(session, competition)
    return [Grade(**dict(zip(grades_module.GRADE_COLUMNS, r.cells(), strict=True))) for r in rows]


def grades_csv(session: Session, competition: Competition) -> Response:
    """Answer the grades as a CSV download."""
    rows = [r.cells() for r in grades_module.grades(session, competition)]
    text = csv_text(grades_module.GRADE_COLUMNS, rows)
    return service.csv_response(text, f"{competition.name}-grades.csv")


def submissions_csv(session: Session, competition: Competition) -> Response:
    """Every submission as a CSV download."""
    rows = grades_module.submission_rows(session, competition)
    text = csv_text(grades_module.SUBMISSION_COLUMNS, rows)
    return service.csv_response(text, f"{competition.name}-submissions.csv")
