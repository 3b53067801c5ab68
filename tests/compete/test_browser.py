"""The competition's pages in a real headless Chromium (Debian's, driven by Playwright).

A student opens the leaderboard, submits a file through the form, reads the score at
once, and the leaderboard page, never reloaded, shows the team's new row. A bad file
shows its validation error in the page. A leaderboard with several teams and baselines
renders; with ``GLASSNET_SCREENSHOTS=docs/images`` its picture is written there for the
README (``docs/images/compete_leaderboard.png``).
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # before pyplot: render to files, never open a window

import matplotlib.image
import numpy as np
import pytest
from typer.testing import CliRunner

from glassnet.cli import app

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (no `chromium` on PATH)"
)
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install -e '.[dev]')"
)

# The flags that work here (as in tests/report/test_report_browser.py); Playwright adds
# --headless and its own automation flags, and the profile folder is new for each test.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The leaderboard polls the API every 5 s: a new row shows within one or two polls.
LIVE_TIMEOUT_MS = 15_000
SCREENSHOTS = os.environ.get("GLASSNET_SCREENSHOTS")
TITANIC_TRAIN = (Path(__file__).resolve().parents[2] / "../shared/data/titanic_train.csv").resolve()


@pytest.fixture
def browser(tmp_path):
    """A fresh headless Chromium profile; yields its context (pages share the profile)."""
    try:
        driver = sync_api.sync_playwright().start()
    except Exception as error:  # its Node.js driver did not run: a missing system library
        pytest.skip(
            f"Playwright's driver does not start here ({error}); `make browser` installs libatomic1"
        )
    try:
        context = driver.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=CHROMIUM,
            headless=True,
            args=FLAGS,
            viewport={"width": 1100, "height": 560},
        )
        context.set_default_timeout(20_000)
        yield context
        context.close()
    finally:
        driver.stop()


def predictions_file(folder: Path, solution, wrong: float, seed: int = 0) -> Path:
    """The hidden labels with a share ``wrong`` of them flipped, as a submission CSV."""
    id_column, target = solution.columns[:2]
    frame = solution[[id_column, target]].copy()
    flip = np.random.default_rng(seed).random(len(frame)) < wrong
    frame.loc[flip, target] = np.where(frame.loc[flip, target] == "1", "0", "1")
    path = folder / f"predictions_{seed}_{wrong:g}.csv"
    frame.to_csv(path, index=False)
    return path


def board_rows(page) -> dict[str, list[str]]:
    """The leaderboard table as the browser shows it: team -> its cells' text."""
    rows = page.locator("#leaderboard tbody tr[data-team]")
    return {
        rows.nth(k).get_attribute("data-team"): [
            cell.strip() for cell in rows.nth(k).locator("td").all_inner_texts()
        ]
        for k in range(rows.count())
    }


def test_submit_through_the_form_and_the_open_leaderboard_shows_the_new_row(
    live_server, browser, tmp_path
):
    board = browser.new_page()
    board.goto(f"{live_server.url}/c/{live_server.competition}")
    before = board_rows(board)
    assert "alpha" not in before
    assert board.locator('tr[data-team="majority class"].baseline').count() == 1

    form = browser.new_page()
    form.goto(f"{live_server.url}/c/{live_server.competition}/submit")
    form.fill("#submit-form input[name=token]", live_server.team_tokens["alpha"])
    upload = predictions_file(tmp_path, live_server.solution, wrong=0.2)
    form.set_input_files("#submit-form input[name=file]", str(upload))
    form.click("#submit-button")
    result = form.locator("#result")
    result.wait_for()
    assert "scored" in result.inner_text(), result.inner_text()
    shown = form.locator("#public-score").inner_text()
    with live_server.client(live_server.team_tokens["alpha"]) as client:
        team = client.get(f"/api/competitions/{live_server.competition}/team").json()
    assert [float(shown)] == [s["public_score"] for s in team["submissions"]]

    # Back on the leaderboard page opened before the submission, not reloaded.
    board.bring_to_front()
    row = board.locator('#leaderboard tr[data-team="alpha"]')
    row.wait_for(timeout=LIVE_TIMEOUT_MS)
    cells = board_rows(board)["alpha"]
    assert shown in cells and "baseline" not in row.inner_text()
    # Drawn by the page's script: as many decimals as the server's own rows.
    assert re.fullmatch(r"[01]\.\d{5}", shown) and re.fullmatch(r"[01]\.\d{5}", cells[2])
    assert set(board_rows(board)) == set(before) | {"alpha"}

    # The result's link leads to the same board.
    form.click("#result a")
    form.locator('#leaderboard tr[data-team="alpha"]').wait_for()


def test_a_bad_file_shows_its_error_in_the_page(live_server, browser, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("Id,Survived\n10001,1\n")
    page = browser.new_page()
    page.goto(f"{live_server.url}/c/{live_server.competition}/submit")
    page.fill("input[name=token]", live_server.token)
    page.set_input_files("input[name=file]", str(bad))
    page.click("#submit-button")
    result = page.locator("#result.error")
    result.wait_for()
    assert "Id,Label" in result.inner_text()  # the header it expected, never the labels
    with live_server.client(live_server.token) as client:
        team = client.get(f"/api/competitions/{live_server.competition}/team").json()
    assert team["submissions"] == []


# Teams of the screenshot: (name, share of wrong labels in each of their submissions).
TEAMS = {
    "Lifeboat 7": [0.30, 0.18, 0.10],
    "Iceberg Ahead": [0.25, 0.15],
    "Steerage Statistics": [0.20],
    "The Unsinkables": [0.35, 0.28, 0.21, 0.13],
    "Deck Chairs": [0.45],
    "Third Class Heroes": [0.26, 0.23],
}


@pytest.fixture
def lazy_model(tmp_path):
    """The course's lazy MLP as a model file: Kaggle's Titanic rows, text columns left out."""
    if not TITANIC_TRAIN.is_file():
        pytest.skip(f"course data not found: {TITANIC_TRAIN} does not exist")
    model = tmp_path / "lazy.glassnet"
    drops = ["--drop", "PassengerId", "Name", "Ticket", "Cabin"]
    command = ["train", str(TITANIC_TRAIN), "--target", "Survived", *drops, "--hidden", "8"]
    result = CliRunner().invoke(
        app, [*command, "--max-iter", "100", "--quiet", "--out", str(model)]
    )
    assert result.exit_code == 0, result.output
    return model


def test_leaderboard_with_teams_and_baselines_renders(
    live_server_factory, lazy_model, browser, tmp_path
):
    server = live_server_factory(
        titanic=True,
        teams=list(TEAMS),
        daily_limit=5,
        baselines={"lazy MLP": lazy_model},
        fresh=True,  # the README screenshot shows the plain name
    )
    for seed, (team, wrongs) in enumerate(TEAMS.items()):
        with server.client(server.team_tokens[team]) as client:
            for k, wrong in enumerate(wrongs):
                upload = predictions_file(tmp_path, server.solution, wrong, seed=10 * seed + k)
                reply = client.post(
                    f"/api/competitions/{server.competition}/submissions",
                    files={"file": (upload.name, upload.read_bytes(), "text/csv")},
                )
                assert reply.status_code == 201, reply.text

    page = browser.new_page()
    page.goto(f"{server.url}/c/{server.competition}")
    rows = board_rows(page)
    assert set(rows) == set(TEAMS) | {"majority class", "lazy MLP"}
    assert page.locator("#leaderboard tr.baseline").count() == 2
    # Ranked by public accuracy, best first, as the API ranks them.
    with server.client() as client:
        api = client.get(f"/api/competitions/{server.competition}/leaderboard").json()
    assert list(rows) == [row["team"] for row in api["rows"]]
    # Every score with the stated 5 decimals (0.80000 beside 0.89600, not 0.8).
    assert all(re.fullmatch(r"[01]\.\d{5}", cells[2]) for cells in rows.values())

    shot = tmp_path / "compete_leaderboard.png"
    page.screenshot(path=str(shot), full_page=True)
    pixels = matplotlib.image.imread(shot)  # (height, width, channels), floats in [0, 1]
    assert pixels.shape[1] == 1100 and pixels.shape[0] >= 300
    assert pixels[..., :3].std() > 0.05  # not a blank page
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, Path(SCREENSHOTS) / shot.name)


def test_a_term_from_roster_to_grades_in_the_pages(live_server, browser, tmp_path):
    """The instructor adds a roster and downloads grades; a student downloads, submits, reads."""
    name = live_server.competition
    teacher = browser.new_page()
    teacher.goto(f"{live_server.url}/c/{name}/instructor")
    teacher.fill("#instructor-form input[name=token]", live_server.instructor_token)
    teacher.click("#instructor-form button")
    roster = tmp_path / "roster.csv"
    roster.write_text("team,members,email\nLovelace,Ada;Bo,ada@example.org\nBabbage,Cy,\n")
    teacher.set_input_files("#roster-form input[name=file]", str(roster))
    teacher.click("#roster-button")
    tokens = teacher.locator("#new-tokens tbody tr")
    tokens.first.wait_for()
    given = {
        tokens.nth(k).get_attribute("data-team"): tokens.nth(k).locator("code").inner_text()
        for k in range(tokens.count())
    }
    assert set(given) == {"Lovelace", "Babbage"}
    assert teacher.locator('#grades tr[data-team="Lovelace"]').count() == 1

    student = browser.new_page()
    student.goto(f"{live_server.url}/c/{name}")
    with student.expect_download() as download:
        student.click('#files a:text("test.csv")')
    assert download.value.path().read_bytes() == live_server.files["test"].read_bytes()
    student.click("nav >> text=Submit")
    student.fill("#submit-form input[name=token]", given["Lovelace"])
    student.fill("#submit-form input[name=note]", "two hidden layers, <b>Age</b> filled")
    upload = predictions_file(tmp_path, live_server.solution, wrong=0.15)
    student.set_input_files("#submit-form input[name=file]", str(upload))
    student.click("#submit-button")
    student.locator("#result.ok").wait_for()
    student.click("nav >> text=Team")
    student.fill("#team-form input[name=token]", given["Lovelace"])
    student.click("#team-form button")
    assert student.locator("td.note").first.inner_text() == "two hidden layers, <b>Age</b> filled"
    assert student.locator("#score-chart circle").count() == 1

    teacher.click("#reveal")
    teacher.locator("#result.ok").wait_for()
    with teacher.expect_download() as download:
        teacher.click("#grades-csv")
    grades = download.value.path().read_text()
    rows = {row["team"]: row for row in csv.DictReader(io.StringIO(grades))}
    assert grades.startswith("team,members,email,best_public,public_rank,final_private")
    assert rows["Lovelace"]["members"] == "Ada, Bo" and rows["Lovelace"]["public_rank"] == "1"
    assert rows["Lovelace"]["final_private"] != ""  # after the reveal
    student.goto(f"{live_server.url}/c/{name}")
    assert student.locator('#shake-up-chart g.move[data-team="Lovelace"]').count() == 1
