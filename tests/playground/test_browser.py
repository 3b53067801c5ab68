"""The playground's page in a real headless Chromium (Debian's, driven by Playwright).

A student clicks a lesson, presses play and sees its finding appear while units die
on the drawing; steps one epoch; shares a link that reproduces the run; uploads a
CSV; exports the script, whose numbers are the page's. No request leaves 127.0.0.1.
With ``GLASSNET_SCREENSHOTS=docs/images`` the README's pictures are written there.
"""

from __future__ import annotations

import os
import re
import shutil
import warnings
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
import pandas as pd
import pytest

from glassnet.playground.lessons import LESSONS

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (no `chromium` on PATH)"
)
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install -e '.[dev]')"
)

FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = os.environ.get("GLASSNET_SCREENSHOTS")
# Lessons at the fastest speed reach their finding in a few seconds; a loaded CI
# machine gets ten times that.
FINDING_TIMEOUT_MS = 60_000


@pytest.fixture
def browser(tmp_path):
    """A fresh headless Chromium profile; yields its context."""
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
            viewport={"width": 1400, "height": 900},
        )
        context.set_default_timeout(30_000)
        yield context
        context.close()
    finally:
        driver.stop()


@pytest.fixture
def open_page(browser, playground):
    """Open the playground (with an optional hash); every request must stay on 127.0.0.1."""
    requests: list[str] = []
    errors: list[str] = []

    def open_(hash_: str = ""):
        page = browser.new_page()
        page.on("request", lambda request: requests.append(request.url))
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{playground.url}/{hash_}")
        page.get_by_test_id("epoch").wait_for()
        # Ready: at epoch 0, or at the epoch a shared link asks for (the page may reach
        # it before the first look, so waiting for 0 would wait for ever).
        asked = re.search(r"epoch=(\d+)", hash_)
        wait_epoch(page, lambda e: e == (int(asked.group(1)) if asked else 0))
        return page

    yield open_
    hosts = {urlparse(url).hostname for url in requests}
    assert hosts <= {"127.0.0.1"}, hosts
    assert errors == []


def epoch(page, lane=None) -> int:
    scope = page.get_by_test_id(lane) if lane else page
    return int(re.sub(r"\D", "", scope.get_by_test_id("epoch").first.inner_text()))


def wait_epoch(page, condition, timeout: float = 60.0) -> int:
    """Poll the epoch counter (the page's CSP forbids Playwright's in-page waiting)."""
    deadline = timeout * 1000
    waited = 0
    while True:
        try:
            value = epoch(page)
        except ValueError:
            value = -1
        if value >= 0 and condition(value):
            return value
        if waited > deadline:
            raise AssertionError(f"epoch stayed at {value}")
        page.wait_for_timeout(100)
        waited += 100


def play_fast(page) -> None:
    page.get_by_test_id("speed").select_option("max")
    page.get_by_test_id("play").click()


def pause(page) -> None:
    page.get_by_test_id("play").click()
    page.wait_for_timeout(300)


def load_lesson(page, key: str) -> None:
    page.get_by_test_id("preset").click()
    page.get_by_test_id(f"preset-{key}").click()
    wait_epoch(page, lambda e: e == 0)


def shot(page, name: str, full_page: bool = False) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / name), full_page=full_page)


def test_the_dead_relu_lesson_kills_units_and_says_why(open_page):
    page = open_page()
    load_lesson(page, "dead_relu")
    assert "Dead ReLUs" in page.get_by_test_id("lesson").inner_text()
    play_fast(page)
    finding = page.locator('[data-testid="finding"][data-code="dead_units"]').first
    finding.wait_for(timeout=FINDING_TIMEOUT_MS)
    assert "Try:" in finding.inner_text() and "learning_rate_init" in finding.inner_text()
    page.locator('[data-testid="unit"][data-health="dead"]').first.wait_for()
    wait_epoch(page, lambda e: e >= 15)
    pause(page)
    dead = page.locator('[data-testid="unit"][data-health="dead"]').count()
    assert dead >= 8  # at least a layer's worth, marked on the drawing
    # The layer the finding names is highlighted on the drawing.
    layer = finding.get_attribute("data-layer")
    assert layer.startswith("hidden ")
    shot(page, "playground_dead_relu.png")


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.key for lesson in LESSONS])
def test_each_lesson_shows_its_finding_in_the_page(open_page, lesson):
    page = open_page()
    load_lesson(page, lesson.key)
    play_fast(page)
    lane = page.get_by_test_id("lane-a")
    if lesson.expect:
        for code in lesson.expect:
            lane.locator(f'[data-testid="finding"][data-code="{code}"]').first.wait_for(
                timeout=FINDING_TIMEOUT_MS
            )
    else:
        wait_epoch(page, lambda e: e >= lesson.by_epoch, timeout=120)
        pause(page)
        assert lane.locator('[data-testid="finding"]').count() == 0
        assert "No problem found" in lane.get_by_test_id("findings").inner_text()
    if lesson.key == "sigmoid_vs_elu":
        wait_epoch(page, lambda e: e >= 60, timeout=120)
        pause(page)
        right = page.get_by_test_id("lane-b")
        assert right.locator('[data-testid="finding"]').count() == 0
        assert float(right.get_by_test_id("test-accuracy").inner_text().rstrip(" %")) > 90
        shot(page, "playground_side_by_side.png", full_page=True)


def test_step_advances_exactly_one_epoch(open_page):
    page = open_page()
    for expected in (1, 2, 3):
        page.get_by_test_id("step").click()
        assert wait_epoch(page, lambda e, x=expected: e >= x) == expected
    page.wait_for_timeout(500)
    assert epoch(page) == 3


def test_a_shared_link_reproduces_the_run(open_page):
    page = open_page()
    page.get_by_test_id("dataset-xor").click()
    page.get_by_test_id("learning-rate").select_option("0.1")
    wait_epoch(page, lambda e: e == 0)
    for _ in range(5):
        page.get_by_test_id("step").click()
    wait_epoch(page, lambda e: e == 5)
    page.wait_for_timeout(500)
    url = page.url
    assert "data=xor" in url and "lr=0.1" in url and "epoch=5" in url
    shown = {
        name: page.get_by_test_id(name).first.inner_text()
        for name in ("test-loss", "test-accuracy")
    }
    again = open_page(url[url.index("#") :])
    wait_epoch(again, lambda e: e == 5)
    again.wait_for_timeout(500)
    assert again.url == url
    assert {name: again.get_by_test_id(name).first.inner_text() for name in shown} == shown


def test_the_exported_script_prints_the_pages_numbers(open_page):
    page = open_page()
    for _ in range(4):
        page.get_by_test_id("step").click()
    wait_epoch(page, lambda e: e == 4)
    page.wait_for_timeout(500)
    shown_accuracy = page.get_by_test_id("test-accuracy").first.inner_text()
    shown_loss = page.get_by_test_id("test-loss").first.inner_text()
    page.get_by_test_id("export").click()
    code = page.get_by_test_id("export-code")
    code.wait_for()
    page.wait_for_timeout(500)
    shot(page, "playground_export.png")
    scope: dict = {"__name__": "__main__"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(compile(code.inner_text(), "exported.py", "exec"), scope)
    model, X_test, y_test = scope["model"], scope["X_test"], scope["y_test"]
    assert scope["network"].n_iter_ == 4
    assert shown_accuracy == f"{model.score(X_test, y_test) * 100:.1f} %"
    from sklearn.metrics import log_loss

    assert shown_loss == f"{log_loss(y_test, model.predict_proba(X_test)):.3f}"


def test_an_uploaded_csv_trains_and_a_bad_one_is_explained(open_page, tmp_path):
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"length": rng.normal(5, 1, 150), "width": rng.normal(3, 0.5, 150)})
    frame["kind"] = np.where(frame["length"] + frame["width"] > 8, "big", "small")
    good = tmp_path / "flowers.csv"
    frame.to_csv(good, index=False)
    page = open_page()
    page.get_by_test_id("upload").locator("input").set_input_files(str(good))
    page.get_by_test_id("csv-x1").wait_for()
    page.wait_for_timeout(500)
    assert page.get_by_test_id("csv-label").input_value() == "kind"
    wait_epoch(page, lambda e: e == 0)
    page.get_by_test_id("step").click()
    wait_epoch(page, lambda e: e == 1)
    assert "data=csv" in page.url
    bad = tmp_path / "notes.csv"
    bad.write_text("name,comment\nann,hello\nbob,bye\n")
    page.get_by_test_id("upload").locator("input").set_input_files(str(bad))
    message = page.get_by_test_id("message")
    message.wait_for()
    assert "needs two numeric columns" in message.inner_text()
