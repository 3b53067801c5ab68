"""The server-rendered pages, over HTTP (the browser test drives them in Chromium)."""

from __future__ import annotations

import re


def test_index_redirects_to_the_only_leaderboard(live_server_factory):
    live_server = live_server_factory(fresh=True)  # the only competition of its server
    with live_server.client() as client:
        answer = client.get("/", follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"].endswith("/c/demo")
        page = client.get("/c/demo").text
        script = client.get("/static/leaderboard.js").text
    assert '<table id="leaderboard" data-url="/api/competitions/demo/leaderboard">' in page
    assert '<tr data-team="majority class" class="baseline">' in page
    assert '<script src="/static/leaderboard.js">' in page and "setInterval" in script
    assert "http://" not in page.replace(live_server.url, "")  # nothing loaded from elsewhere


def test_submit_form_shows_the_score_or_the_reason(live_server):
    content = live_server.predictions_csv(flip=12)
    with live_server.client() as client:
        form = client.get(f"/c/{live_server.competition}/submit").text
        for needed in ('id="submit-form"', 'name="token"', 'name="file"', 'id="submit-button"'):
            assert needed in form
        assert "<code>Id,Label</code>" in form
        files = {"file": ("mine.csv", content, "text/csv")}
        done = client.post(
            f"/c/{live_server.competition}/submit", data={"token": live_server.token}, files=files
        )
        assert done.status_code == 200
        result = re.search(r'<div id="result" class="ok">(.*?)</div>', done.text, re.S).group(1)
        assert "scored" in result and "4 submissions left today" in result
        bad = {"file": ("bad.csv", b"Id,Label\n", "text/csv")}
        refused = client.post(
            f"/c/{live_server.competition}/submit", data={"token": live_server.token}, files=bad
        )
        assert refused.status_code == 422
        assert '<div id="result" class="error">The file has a header but no predictions' in (
            refused.text
        )
        anonymous = client.post(
            f"/c/{live_server.competition}/submit", data={"token": "x"}, files=files
        )
        assert anonymous.status_code == 401 and "team&#39;s token" in anonymous.text
        board = client.get(f"/c/{live_server.competition}").text
    assert '<tr data-team="alpha">' in board


def test_team_page_lists_submissions_and_chooses_finals(live_server):
    with live_server.client(live_server.token) as client:
        first = live_server.upload(client, live_server.predictions_csv(flip=9)).json()
    with live_server.client() as client:
        assert 'name="token"' in client.get(f"/c/{live_server.competition}/team").text
        page = client.post(
            f"/c/{live_server.competition}/team", data={"token": live_server.token}
        ).text
        assert f'<tr data-submission="{first["id"]}">' in page
        assert "4 of 5 submissions left today" in page
        chosen = client.post(
            f"/c/{live_server.competition}/team",
            data={"token": live_server.token, "submission_id": first["id"], "selected": "true"},
        ).text
        assert f"Submission {first['id']} is now a final one." in chosen
        assert "<strong>final</strong>" in chosen
        wrong = client.post(f"/c/{live_server.competition}/team", data={"token": "nope"})
        assert wrong.status_code == 401


def test_api_description_needs_no_cdn(live_server):
    with live_server.client() as client:
        docs = client.get("/docs").text
        assert "/api/competitions/{name}/submissions" in docs and "<script" not in docs
        spec = client.get("/openapi.json").json()
    assert "/api/competitions/{name}/leaderboard" in spec["paths"]
    assert not any(path.startswith("/c/") for path in spec["paths"])


def test_every_score_is_shown_with_the_stated_decimals(live_server_factory):
    server = live_server_factory(precision=3)
    with server.client(server.token) as client:
        done = server.upload(client, server.predictions_csv())  # all right: 1.0
        assert done.status_code == 201
    with server.client(server.instructor_token) as instructor:
        instructor.post(f"/api/competitions/{server.competition}/reveal")
    with server.client() as client:
        page = client.get(f"/c/{server.competition}").text
        team = client.post(f"/c/{server.competition}/team", data={"token": server.token}).text
        script = client.get("/static/leaderboard.js").text
    board = page.split('<table id="leaderboard"')[1].split("</table>")[0]
    rows = re.findall(r'<tr data-team="([^"]+)"[^>]*>(.*?)</tr>', board, re.S)
    cells = {team: re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for team, row in rows}
    assert cells["alpha"][2:4] == ["1.000", "1.000"]  # not "1.0" beside "0.624"
    scores = [c.strip() for row in cells.values() for c in row[2:4]]
    assert len(scores) == 4 and all(re.fullmatch(r"[01]\.\d{3}", s) for s in scores), scores
    assert '<td class="num">1.000' in team
    # The live refresh writes them the same way, with the precision the API states.
    assert "toFixed(digits)" in script
    api = server.client().get(f"/api/competitions/{server.competition}/leaderboard").json()
    assert api["precision"] == 3
