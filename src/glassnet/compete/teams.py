"""The instructor's files: a roster in, its tokens, the grades and the submissions out.

Every file is written whole or not at all (a temporary file and a rename); the tokens
file is created readable and writable by its owner only (0600), as it holds the
teams' secrets.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy.orm import Session

from glassnet._files import write_atomically
from glassnet.compete import crud, grades
from glassnet.compete.csv_export import csv_text
from glassnet.compete.models import Competition
from glassnet.compete.roster import RosterTeam, read_roster

TOKEN_COLUMNS = ("team", "members", "email", "token")


def add_roster_file(
    session: Session, competition: Competition, roster: Path, tokens_out: Path
) -> list[RosterTeam]:
    """Add every team of a roster file and write their tokens, in one step.

    The teams are added in the session and checked by the database (flushed) first;
    then the tokens file is written; the caller's commit comes last. Any refusal leaves
    the database and the tokens file as they were.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
    competition : Competition
    roster : pathlib.Path
        CSV of team, members (separated by ``;``), optionally email.
    tokens_out : pathlib.Path
        A new file for the tokens (team, members, email, token), created 0600.

    Returns
    -------
    list of RosterTeam

    Raises
    ------
    ValueError
        For a roster that cannot be read (row and column named), a team that exists,
        or a tokens file that exists already (its tokens would be lost).
    """
    if tokens_out.exists():
        raise ValueError(
            f"{tokens_out} exists already; writing over it would lose the tokens it holds. "
            "Give --tokens-out a new file name."
        )
    if not roster.is_file():
        raise ValueError(f"{roster} is not a file; give the roster CSV (team,members,email).")
    teams = read_roster(roster.read_bytes(), str(roster))
    added = crud.add_roster(session, competition, teams, str(roster))
    session.flush()
    rows = [(team.name, team.members, team.email, token) for team, token in added]
    write_atomically(tokens_out, csv_text(TOKEN_COLUMNS, rows).encode("utf-8"), mode=0o600)
    return teams


# Files a class downloads are a few megabytes; the database keeps them whole.
MAX_STUDENT_FILE_BYTES = 100_000_000


def store_student_files(session: Session, competition: Competition, files: list[Path]) -> list[str]:
    """Offer files on the competition's pages under their names, replacing same-named ones.

    Raises
    ------
    ValueError
        For a path that is not a file, a file over 100 MB, or two files of one name.
    """
    names = [path.name for path in files]
    if len(set(names)) != len(names):
        raise ValueError(f"Two files are named alike ({', '.join(names)}); give each its own name.")
    contents = {}
    for path in files:
        # The name goes into a URL and a Content-Disposition header as it is.
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}", path.name):
            raise ValueError(
                f"{path.name!r}: a file offered for download is named with letters, digits, "
                "'.', '_' and '-' only (at most 100); rename it."
            )
        if not path.is_file():
            raise ValueError(f"{path} is not a file; give the files students should download.")
        if path.stat().st_size > MAX_STUDENT_FILE_BYTES:
            raise ValueError(
                f"{path} has {path.stat().st_size:,} bytes, more than {MAX_STUDENT_FILE_BYTES:,}; "
                "share a file that large another way."
            )
        contents[path.name] = path.read_bytes()
    crud.store_student_files(session, competition, contents)
    return names


def write_grades(session: Session, competition: Competition, out: Path) -> int:
    """Write the grades CSV (see ``grades.GRADE_COLUMNS``); return the number of teams."""
    rows = [row.cells() for row in grades.grades(session, competition)]
    write_atomically(out, csv_text(grades.GRADE_COLUMNS, rows).encode("utf-8"))
    return len(rows)


def write_submissions(session: Session, competition: Competition, out: Path) -> int:
    """Write every submission as CSV (see ``grades.SUBMISSION_COLUMNS``); return how many."""
    rows = grades.submission_rows(session, competition)
    write_atomically(out, csv_text(grades.SUBMISSION_COLUMNS, rows).encode("utf-8"))
    return len(rows)
