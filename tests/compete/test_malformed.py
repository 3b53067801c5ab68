"""Malformed requests get a 4xx with a sentence, never a 500; refused files are counted.

A 500 is not counted as a refused file, so a team could send such files without end;
each case here once answered 500.
"""

from __future__ import annotations

import pytest


def counted_refusals(server, client, content: bytes, status: int, limit: int) -> str:
    """Send `content` `limit` times (each refused with `status`), then once more: 429."""
    for _ in range(limit):
        answer = server.upload(client, content)
        assert answer.status_code == status, answer.text
    assert server.upload(client, content).status_code == 429  # every one was counted
    return answer.json()["detail"]


def test_a_file_with_old_mac_line_ends_is_read(live_server):
    # Excel's "CSV (Macintosh)" ends lines with CR alone.
    content = live_server.predictions_csv(flip=4).replace(b"\r\n", b"\n").replace(b"\n", b"\r")
    with live_server.client(live_server.token) as client:
        answer = live_server.upload(client, content)
    assert answer.status_code == 201, answer.text


def test_a_field_over_the_csv_readers_limit_is_a_counted_refusal(live_server_factory):
    server = live_server_factory(invalid_daily_limit=2)
    content = b"Id,Label\n10001," + b"1" * 200_000 + b"\n"
    with server.client(server.token) as client:
        detail = counted_refusals(server, client, content, 422, limit=2)
    assert "line 2 has a field of more than 131,072 characters" in detail
    assert "one ID and one prediction" in detail


def test_a_quoted_field_left_open_is_a_counted_refusal(live_server_factory):
    server = live_server_factory(invalid_daily_limit=2)
    content = b'Id,Label\n10001,"1\n' + b"x" * 140_000
    with server.client(server.token) as client:
        detail = counted_refusals(server, client, content, 422, limit=2)
    assert "more than 131,072 characters" in detail


def test_a_file_name_with_control_characters_is_stored_without_them(live_server):
    # Written by hand: HTTP clients escape a NUL in a file name; an attacker need not.
    # (PostgreSQL refuses NUL in text; terminals run escape sequences.)
    content = live_server.predictions_csv(flip=6)
    body = (
        b"--b\r\nContent-Disposition: form-data; name=file; "
        b'filename="pre\x00dic\x1b[31mtions\x07.csv"\r\n\r\n' + content + b"\r\n--b--\r\n"
    )
    headers = {"Content-Type": "multipart/form-data; boundary=b"}
    path = f"/api/competitions/{live_server.competition}/submissions"
    with live_server.client(live_server.token) as client:
        answer = client.post(path, content=body, headers=headers)
        assert answer.status_code == 201, answer.text
        assert answer.json()["filename"] == "predic[31mtions.csv"


@pytest.mark.parametrize("submission_id", [2**63, 2**64, 2**31, -1, 0])
def test_a_submission_id_out_of_range_is_not_found(live_server, submission_id):
    path = f"/api/competitions/{live_server.competition}/submissions/{submission_id}/select"
    with live_server.client(live_server.token) as client:
        answer = client.post(path)
        assert answer.status_code == 404, answer.text
        assert answer.json()["detail"] == f"Your team has no submission {submission_id}."
        page = client.post(
            f"/c/{live_server.competition}/team",
            data={"token": live_server.token, "submission_id": str(submission_id)},
        )
        assert page.status_code == 200
        assert f"Your team has no submission {submission_id}." in page.text
