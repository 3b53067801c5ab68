"""The written report in a real headless Chromium: it renders, and every image decodes."""

import html
import json
import re
import shutil
import subprocess
import warnings

import matplotlib

matplotlib.use("Agg")  # before pyplot: render to files, never open a window

import matplotlib.image
import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from glassnet import MLPClassifier
from glassnet.report import REPORT_SECTIONS, training_report, write_html

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (no `chromium` on PATH)"
)

# Run after the page has loaded: count the images and those the browser decoded, list
# the sections, and write the answer into the DOM for --dump-dom to print.
CHECK_SCRIPT = """<script>
window.addEventListener("load", () => {
  const images = Array.from(document.images);
  const result = {
    images: images.length,
    decoded: images.filter((img) => img.complete && img.naturalWidth > 0).length,
    sections: Array.from(document.querySelectorAll("section[id]"), (s) => s.id),
  };
  const pre = document.createElement("pre");
  pre.id = "result";
  pre.textContent = JSON.stringify(result);
  document.body.appendChild(pre);
});
</script>"""


def chromium(user_data_dir, *args):
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={user_data_dir}",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=True)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    X, y = make_classification(n_samples=300, n_features=4, random_state=0)
    X = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    pipe = make_pipeline(StandardScaler(), MLPClassifier((8,), max_iter=150, random_state=0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        pipe.fit(X[:200], y[:200])
    columns = pd.DataFrame(
        {"column": list("abcd"), "kind": "numeric", "missing": 0, "treatment": "standardised"}
    )
    data = {
        "file": "data.csv",
        "rows": 300,
        "train_rows": 200,
        "test_rows": 100,
        "target": "y",
        "split": "head:200",
        "columns": columns,
    }
    page = training_report(pipe, X[200:], y[200:], data=data, command="glassnet train data.csv")
    return write_html(page, tmp_path_factory.mktemp("report") / "report.html")


def test_screenshot_is_not_blank(report, tmp_path):
    shot = tmp_path / "shot.png"
    chromium(
        tmp_path / "profile",
        f"--screenshot={shot}",
        "--window-size=1280,4000",
        report.as_uri(),
    )
    assert shot.is_file()
    pixels = matplotlib.image.imread(shot)  # (4000, 1280, channels), floats in [0, 1]
    assert pixels.shape[:2] == (4000, 1280)
    rgb = (pixels[..., :3] * 255).round().astype(np.int64)
    colours = np.unique(rgb[..., 0] << 16 | rgb[..., 1] << 8 | rgb[..., 2])  # one int each
    # A blank or text-only page has a handful of colours; plots bring hundreds.
    assert len(colours) > 200


def test_every_image_decodes_and_every_section_is_in_the_dom(report, tmp_path):
    page = report.read_text(encoding="utf-8")
    # A copy with the check script; its policy also allows that inline script (the
    # report itself allows no script at all). Images stay limited to data: URIs.
    checked = page.replace("default-src 'none';", "default-src 'none'; script-src 'unsafe-inline';")
    checked = checked.replace("</body>", CHECK_SCRIPT + "</body>")
    copy = tmp_path / "checked.html"
    copy.write_text(checked, encoding="utf-8")
    dom = chromium(
        tmp_path / "profile",
        "--virtual-time-budget=5000",
        "--run-all-compositor-stages-before-draw",
        "--dump-dom",
        copy.as_uri(),
    ).stdout
    match = re.search(r'<pre id="result">(.*?)</pre>', dom, re.DOTALL)
    assert match, "the check script did not run; the page's DOM was:\n" + dom[:2000]
    result = json.loads(html.unescape(match.group(1)))
    assert result["images"] == page.count("<img ") >= 5
    assert result["decoded"] == result["images"]
    assert result["sections"] == list(REPORT_SECTIONS)
