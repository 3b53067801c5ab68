"""What the routes and the pages share: lookups, token checks and the documents they show.

Every document a route returns is built here from the tables, with private scores
only when the competition is revealed.
"""

from __future__ import annotations

import hashlib
import mimetypes

from fastapi import HTTPException, Request, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from glassnet.compete import board, crud
from glassnet.compete.api.upload import receive_upload
from glassnet.compete.auth_limit import FailedAuthLimiter
from glassnet.compete.models import Competition, Submission, Team
from glassnet.compete.schemas import (
    CompetitionInfo,
    Leaderboard,
    LeaderboardRow,
    SubmissionOut,
    SubmitResult,
    TeamView,
)
from glassnet.compete.scoring import get_metric
from glassnet.compete.submission_file import FileSpec, SubmissionError, read_submission


def bearer_token(request: Request) -> str | None:
    """Return the token of an ``Authorization: Bearer TOKEN`` header, if any."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def get_competition(session: Session, name: str) -> Competition:
    """Find a competition or answer 404."""
    competition = session.scalar(select(Competition).where(Competition.name == name))
    if competition is None:
        raise HTTPException(404, f"There is no competition named {name[:100]!r}.")
    return competition


def require_team(
    request: Request, session: Session, competition: Competition, token: str | None
) -> Team:
    """Return the team whose token this is, or answer 401 (429 to an address that guesses)."""
    limiter: FailedAuthLimiter = request.app.state.auth_limiter
    address = _address(request)
    # Whether the address is blocked is read with the team, in one query; a wrong
    # token reads it on its own.
    team, until = crud.team_and(session, competition, token, limiter.blocked_until(address))
    if team is None:
        _refuse_if_blocked(limiter, limiter.blocked_for(session, address))
        _count_failure(request, token)
        raise HTTPException(
            401,
            "This needs your team's token (Authorization: Bearer TOKEN); "
            "the one given is missing or unknown. Ask your instructor for it.",
        )
    _refuse_if_blocked(limiter, limiter.seconds_left(until))
    return team


def require_instructor(
    request: Request, session: Session, competition: Competition, token: str | None
) -> None:
    """Answer 401 unless the token is the competition's instructor token (429, see above)."""
    limiter: FailedAuthLimiter = request.app.state.auth_limiter
    _refuse_if_blocked(limiter, limiter.blocked_for(session, _address(request)))
    if not crud.token_matches(token, competition.instructor_token_hash):
        _count_failure(request, token)
        raise HTTPException(401, "This needs the instructor token (Authorization: Bearer TOKEN).")


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _refuse_if_blocked(limiter: FailedAuthLimiter, left: float) -> None:
    """Answer 429 while the client's address is blocked (`left` seconds more) for guessing."""
    if left > 0:
        seconds = max(int(left + 0.999), 1)
        raise HTTPException(
            429,
            f"Too many wrong tokens from your address ({limiter.failures} within a minute); "
            f"token checks from it are refused for {seconds} s more. Check the token you "
            "were given, then try again.",
            headers={"Retry-After": str(seconds)},
        )


def _count_failure(request: Request, token: str | None) -> None:
    # A request without a token guesses nothing (a visitor opening the team page).
    if token:
        request.app.state.auth_limiter.failed(request.app.state.sessionmaker, _address(request))


def solution_for(request: Request, session: Session, competition: Competition) -> crud.Solution:
    """Return the solution, read once and kept in memory (it never changes)."""
    cache: dict[int, crud.Solution] = request.app.state.solutions
    if competition.id not in cache:
        cache[competition.id] = crud.load_solution(session, competition)
    return cache[competition.id]


def public_info(request: Request, session: Session, competition: Competition) -> CompetitionInfo:
    """Describe a competition as pages and the API do, its students' files included."""
    files = [name for name, _ in crud.student_file_names(session, competition)]
    return competition_info(competition, solution_for(request, session, competition), files)


def student_file_response(session: Session, competition: Competition, filename: str) -> Response:
    """Answer one of the students' files as a download, or 404."""
    content = crud.student_file(session, competition, filename)
    if content is None:
        raise HTTPException(
            404,
            f"{competition.name!r} has no file named {filename[:100]!r}; its files are listed "
            f"at /api/competitions/{competition.name}.",
        )
    kind = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return Response(
        content,
        media_type="text/csv" if filename.endswith(".csv") else kind,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def csv_response(text: str, filename: str) -> Response:
    """Answer CSV text as a download named `filename`."""
    return Response(
        text,
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def file_spec(request: Request, competition: Competition, solution: crud.Solution) -> FileSpec:
    """Describe what a submission file must look like."""
    return FileSpec(
        id_column=competition.id_column,
        target=competition.target,
        ids=solution.ids,
        classes=solution.classes,
        wants=solution.metric.wants,
        positive_label=competition.positive_label,
        max_bytes=request.app.state.settings.max_upload_bytes,
    )


def competition_info(
    competition: Competition, solution: crud.Solution, files: list[str] | None = None
) -> CompetitionInfo:
    """Collect the public facts of a competition (and the names of its students' files)."""
    return CompetitionInfo(
        name=competition.name,
        metric=competition.metric,
        greater_is_better=solution.metric.greater_is_better,
        wants=solution.metric.wants,
        id_column=competition.id_column,
        target=competition.target,
        expected_header=f"{competition.id_column},{competition.target}",
        labels=solution.classes,
        positive_label=competition.positive_label,
        test_rows=len(solution.ids),
        daily_limit=competition.daily_limit,
        final_selections=competition.final_selections,
        deadline=competition.deadline,
        scoring=competition.scoring,
        precision=competition.precision,
        revealed=crud.is_revealed(competition),
        closed=crud.is_closed(competition),
        late_until=competition.late_until,
        takes_late=crud.takes_late(competition),
        files=files or [],
    )


def leaderboard(session: Session, competition: Competition) -> Leaderboard:
    """Build the board, rounded to the competition's precision."""
    revealed = crud.is_revealed(competition)
    digits = competition.precision
    rows = []
    for row in board.leaderboard(session, competition):
        shown = LeaderboardRow(
            rank=row.rank,
            team=row.team,
            public_score=round(row.public_score, digits),
            baseline=row.baseline,
            entries=row.entries,
        )
        if revealed and row.private_score is not None:
            shown.private_score = round(row.private_score, digits)
            shown.private_rank = row.private_rank
            if row.rank is not None and row.private_rank is not None:
                shown.shake_up = row.rank - row.private_rank
        rows.append(shown)
    metric = get_metric(competition.metric)
    return Leaderboard(
        competition=competition.name,
        metric=competition.metric,
        greater_is_better=metric.greater_is_better,
        revealed=revealed,
        precision=digits,
        rows=rows,
    )


def cached_leaderboard(request: Request, session: Session, competition: Competition) -> Leaderboard:
    """Return the board from the server's cache, rebuilt only when a score changed."""
    return request.app.state.board_cache.get(session, competition)


def closed_message(competition: Competition) -> str:
    """Say why the competition takes no more submissions."""
    if competition.revealed:
        said = "The competition is closed: the instructor has revealed the private scores."
    else:
        said = "The competition is closed: its deadline has passed."
    if competition.late_until is not None:
        said += f" Late work was taken until {competition.late_until:%Y-%m-%d %H:%M} UTC."
    return said


def submission_out(competition: Competition, submission: Submission) -> SubmissionOut:
    """Show one submission as its team may see it."""
    digits = competition.precision
    revealed = crud.is_revealed(competition)
    return SubmissionOut(
        id=submission.id,
        created_at=submission.created_at,
        filename=submission.filename,
        public_score=round(submission.public_shown, digits),
        released=submission.released,
        private_score=round(submission.private_score, digits) if revealed else None,
        selected=submission.selected,
        note=submission.note,
        late=submission.late,
    )


def team_view(session: Session, competition: Competition, team: Team) -> TeamView:
    """Build a team's view: submissions, what is left today."""
    used = crud.used_today(session, team)
    return TeamView(
        team=team.name,
        members=team.members,
        remaining_today=max(competition.daily_limit - used, 0),
        daily_limit=competition.daily_limit,
        final_selections=competition.final_selections,
        submissions=[submission_out(competition, s) for s in crud.team_submissions(session, team)],
    )


def submit_upload(
    request: Request, session: Session, competition: Competition, token: str | None
) -> tuple[Team, SubmitResult]:
    """Check the token, then read, check, score and store an upload (HTTP errors for refusals).

    Nothing of the body is read before the token is checked: `token` is the
    Authorization header's; None means the form's ``token`` field, which the page's
    form sends before the file and which is checked as soon as the file part begins.
    """
    teams: list[Team] = []

    def check(fields: dict[str, str]) -> None:
        teams.append(require_team(request, session, competition, fields.get("token", "").strip()))

    if token is not None:
        check({"token": token})
    late = crud.takes_late(competition)
    if crud.is_closed(competition) and not late:
        raise HTTPException(409, closed_message(competition))
    solution = solution_for(request, session, competition)
    limit = request.app.state.settings.max_upload_bytes
    try:
        upload = receive_upload(request, limit, None if teams else check)
        predictions = read_submission(upload.content, file_spec(request, competition, solution))
        note = _note(upload.fields.get("note", ""))
    except SubmissionError as err:
        # receive_upload checks the token before any refusal, so the team is known.
        try:
            crud.record_invalid(session, competition, teams[0])
        except crud.LimitReached as limit_reached:
            raise HTTPException(429, str(limit_reached)) from None
        raise HTTPException(err.status, str(err)) from None
    team = teams[0]
    window = request.app.state.settings.duplicate_window_seconds
    digest = hashlib.sha256(upload.content).hexdigest()
    try:
        accepted = crud.record_submission(
            session,
            competition,
            team,
            solution,
            predictions,
            digest,
            upload.filename,
            window,
            note=note,
            late=late,
        )
    except crud.LimitReached as limit_reached:
        raise HTTPException(429, str(limit_reached)) from None
    out = submission_out(competition, accepted.submission)
    return team, SubmitResult(
        **out.model_dump(), duplicate=accepted.duplicate, remaining_today=accepted.remaining_today
    )


def _note(text: str) -> str:
    """Check a submission's note (a refusal counts as a refused file)."""
    try:
        return crud.check_note(text)
    except ValueError as err:
        raise SubmissionError(str(err)) from None
