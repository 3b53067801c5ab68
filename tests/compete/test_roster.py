"""Reading a roster: every refusal names the file, the row and the column."""

from __future__ import annotations

import pytest

from glassnet.compete.roster import MAX_ROSTER_BYTES, RosterError, read_roster


def test_a_roster_from_excel_with_a_bom_crlf_and_a_blank_line_is_read():
    content = "\ufeffTeam,Members,E-mail\r\nAda and Bo,Ada; Bo,ada@example.org\r\nCy,,\r\n,,\r\n"
    teams = read_roster(content.encode("utf-8"), "roster.csv")
    assert [(t.row, t.name, t.members, t.email) for t in teams] == [
        (2, "Ada and Bo", "Ada, Bo", "ada@example.org"),
        (3, "Cy", "", ""),
    ]


def test_members_may_hold_commas_when_quoted_and_email_may_be_left_out():
    teams = read_roster(b'team,members\n"Lovelace, Ada","Lovelace, Ada;Byron, G."\n', "r.csv")
    assert teams[0].name == "Lovelace, Ada" and teams[0].members == "Lovelace, Ada, Byron, G."


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"team,members\nAda,A\nBo,B\nada,C\n", "r.csv, rows 2 and 4, column team: the name 'ada'"),
        (b"team,members\nAda,A\n  ,B\n", "r.csv, row 3, column team: A team needs a name"),
        (b"team,members,email\nAda,A,ada-at-example\n", "row 2, column email: 'ada-at-example'"),
        (b"team,members,email\nAda,A,a@b.org;c@d.org\n", "row 2, column email"),
        (b"team,members,mail\nAda,A,a@b.org\n", "r.csv, row 1: the header should be team,members"),
        (b"members,email\nA,a@b.org\n", "the header should be team,members,email"),
        (b"team,members\n", "has a header but no teams"),
        (b"", "r.csv is empty"),
        (b"team,members\nAd\xe9,A\n", "r.csv, row 2: byte 16 is not UTF-8"),
        (b"team,members\nAda\x1b[2J,A\n", "row 2, column team: A team's name may not hold control"),
        (b"team,members\n" + b"x" * 101 + b",A\n", "at most 100 characters"),
    ],
)
def test_a_bad_roster_is_refused_naming_the_row_and_column(content, message):
    with pytest.raises(RosterError) as caught:
        read_roster(content, "r.csv")
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)  # one line


def test_a_huge_file_is_refused_before_it_is_read():
    content = b"team,members\n" + b"a,b\n" * (MAX_ROSTER_BYTES // 4)
    with pytest.raises(RosterError, match=r"r.csv: 1,000,01\d bytes, more than a roster's"):
        read_roster(content, "r.csv")
