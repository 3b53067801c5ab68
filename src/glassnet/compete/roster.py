"""Reading a class roster: one team a row (``team``, ``members``, optional ``email``).

The whole file is checked before any team is added, and every refusal names the
file, the row and the column, and says what to do: an instructor fixes the roster and
runs the command again, with nothing half added.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from glassnet.compete.crud import check_team_name

# A class roster is a few kilobytes; a file far larger is the wrong file.
MAX_ROSTER_BYTES = 1_000_000
MAX_ROSTER_TEAMS = 5_000
COLUMNS = ("team", "members", "email")
# What a gradebook's e-mail column holds; anything stranger is more likely a shifted
# column than an address (RFC 5321 allows more, which no class roster needs).
_EMAIL = re.compile(r"[^@\s,;<>\"]+@[^@\s,;<>\".]+(\.[^@\s,;<>\".]+)+")
_EMAIL_LENGTH = 254


class RosterError(ValueError):
    """The roster cannot be read; the message names the row and column."""


@dataclass(frozen=True)
class RosterTeam:
    """One team of the roster, as checked: its line number, name, members and e-mail."""

    row: int
    name: str
    members: str
    email: str


def read_roster(content: bytes, source: str) -> list[RosterTeam]:
    """Read and check a roster CSV file.

    Parameters
    ----------
    content : bytes
        The file, UTF-8 (a byte-order mark, as Excel writes, is skipped).
    source : str
        Its name, for the messages.

    Returns
    -------
    list of RosterTeam
        In the file's order.

    Raises
    ------
    RosterError
        For a file too large, not UTF-8 or CSV, without a ``team`` column, with an
        unknown column, a blank or unreadable name, a name given twice, or an e-mail
        that is not one.
    """
    if len(content) > MAX_ROSTER_BYTES:
        raise RosterError(
            f"{source}: {len(content):,} bytes, more than a roster's {MAX_ROSTER_BYTES:,}; "
            "give a CSV file of team, members, email."
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        row = content[: err.start].count(b"\n") + 1
        raise RosterError(
            f"{source}, row {row}: byte {err.start + 1} is not UTF-8; save the roster as CSV UTF-8."
        ) from None
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as err:
        raise RosterError(f"{source}: not a CSV file ({err}); save the roster as CSV.") from None
    if not rows:
        raise RosterError(f"{source} is empty; its first row should be team,members,email.")
    columns = _columns(rows[0], source)
    teams: list[RosterTeam] = []
    first_row: dict[str, int] = {}
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue  # a blank line, as spreadsheets leave at the end
        if len(teams) == MAX_ROSTER_TEAMS:
            raise RosterError(f"{source}: more than {MAX_ROSTER_TEAMS:,} teams; split the roster.")
        team = _team(cells, columns, number, source)
        key = team.name.casefold()
        if key in first_row:
            raise RosterError(
                f"{source}, rows {first_row[key]} and {number}, column team: the name "
                f"{team.name!r} is given twice; give each team one row and its own name."
            )
        first_row[key] = number
        teams.append(team)
    if not teams:
        raise RosterError(f"{source} has a header but no teams; add one row per team.")
    return teams


def _columns(header: list[str], source: str) -> dict[str, int]:
    """Map each known column to its position (``e-mail`` is ``email``), or refuse."""
    names = [cell.strip().lower().replace("e-mail", "email") for cell in header]
    unknown = [cell for cell, name in zip(header, names, strict=True) if name not in COLUMNS]
    if unknown or "team" not in names or len(set(names)) != len(names):
        raise RosterError(
            f"{source}, row 1: the header should be team,members,email (email may be left "
            f"out); received {','.join(header)}. Rename or remove the other columns."
        )
    return {name: names.index(name) for name in COLUMNS if name in names}


def _team(cells: list[str], columns: dict[str, int], number: int, source: str) -> RosterTeam:
    def cell(column: str) -> str:
        position = columns.get(column)
        return cells[position].strip() if position is not None and position < len(cells) else ""

    try:
        name = check_team_name(cell("team"))
    except ValueError as err:
        raise RosterError(f"{source}, row {number}, column team: {err}") from None
    # Members are separated by ';' (a member may be written "Lovelace, Ada").
    members = ", ".join(m.strip() for m in cell("members").split(";") if m.strip())
    if any(not c.isprintable() for c in members):
        raise RosterError(
            f"{source}, row {number}, column members: control characters; "
            "write the members' names separated by ';'."
        )
    email = cell("email")
    if email and (len(email) > _EMAIL_LENGTH or not _EMAIL.fullmatch(email)):
        raise RosterError(
            f"{source}, row {number}, column email: {email[:60]!r} is not an e-mail address; "
            "write one address such as ada@example.org, or leave the cell empty."
        )
    return RosterTeam(number, name, members, email)
