"""The training report: real fits, the HTML checked for content, images and self-containment."""

import base64
import html
import os
import re
import shlex
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # before pyplot: render to files, never open a window

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_blobs, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from glassnet import MLPClassifier
from glassnet.metrics import roc_curve
from glassnet.report import REPORT_SECTIONS, Page, training_report, write_html
from glassnet.report.html import figure_html, text_html

# The course data sit beside the repository, in ../shared/data.
SHARED_DATA = (Path(__file__).resolve().parents[2] / "../shared/data").resolve()
TITANIC = SHARED_DATA / "titanic_train_500_age_passengerclass.csv"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
IMAGE = re.compile(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)" alt="([^"]*)"')
COMMAND = "glassnet train data.csv --target y --report 'out<1>&2.html'"


def summary(n_train, n_test, columns):
    frame = pd.DataFrame(
        {
            "column": columns,
            "kind": ["numeric"] * len(columns),
            "missing": [0] * len(columns),
            "treatment": ["standardised"] * len(columns),
        }
    )
    return {
        "file": "data.csv",
        "rows": n_train + n_test,
        "train_rows": n_train,
        "test_rows": n_test,
        "target": "y",
        "split": f"head:{n_train}",
        "columns": frame,
        "notes": ["a note with <markup> & ampersands"],
    }


def fit_quietly(model, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X, y)


@pytest.fixture(scope="module")
def binary():
    X, y = make_classification(n_samples=300, n_features=4, random_state=0)
    X = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    pipe = make_pipeline(StandardScaler(), MLPClassifier((8,), max_iter=150, random_state=0))
    fit_quietly(pipe, X[:200], y[:200])
    X_test, y_test = X[200:], y[200:]
    page = training_report(
        pipe, X_test, y_test, data=summary(200, 100, list(X.columns)), command=COMMAND
    )
    return pipe, X_test, y_test, page


@pytest.fixture(scope="module")
def multiclass():
    X, y = make_blobs(n_samples=240, n_features=3, centers=3, random_state=0)
    model = fit_quietly(MLPClassifier((6,), max_iter=100, random_state=0), X[:180], y[:180])
    page = training_report(
        model, X[180:], y[180:], data=summary(180, 60, ["x1", "x2", "x3"]), command="glassnet"
    )
    return model, X[180:], y[180:], page


def images(page):
    return IMAGE.findall(page)


def test_every_section_has_its_id_a_heading_and_a_contents_link(binary):
    page = binary[3]
    assert page.startswith("<!DOCTYPE html>")
    for section in REPORT_SECTIONS:
        assert re.search(rf'<section id="{section}">\s*<h2>[^<]+</h2>', page), section
        assert f'href="#{section}"' in page
    # In the order of REPORT_SECTIONS.
    positions = [page.index(f'<section id="{section}">') for section in REPORT_SECTIONS]
    assert positions == sorted(positions)


def test_figures_are_embedded_pngs_with_alt_text(binary):
    found = images(binary[3])
    # Loss, gradient norms, unit health, confusion matrix, ROC curve.
    assert len(found) >= 5
    for data, alt in found:
        assert base64.b64decode(data).startswith(PNG_SIGNATURE)
        assert alt.strip()


def test_auc_is_glassnet_roc_curve_auc(binary):
    pipe, X_test, y_test, page = binary
    curve = roc_curve(y_test, pipe.predict_proba(X_test)[:, 1], positive_label=pipe.classes_[1])
    assert f"AUC = {curve.auc:.3f}" in page
    assert "<h3>Threshold table</h3>" in page


def test_accuracy_is_shown_against_the_majority_baseline(binary):
    pipe, X_test, y_test, page = binary
    accuracy = np.mean(pipe.predict(X_test) == y_test)
    baseline = np.bincount(y_test).max() / len(y_test)
    assert f"{accuracy:.3f} on {len(y_test)} test rows" in page
    assert f"{baseline:.3f} (always answering" in page


def test_model_section_names_architecture_and_changed_parameters(binary):
    page = binary[3]
    model = page[page.index('<section id="model">') : page.index('<section id="training">')]
    assert "4 → 8 → 1 units" in model
    assert "49 (weights and biases)" in model  # 4*8 + 8 + 8*1 + 1
    assert "max_iter" in model and "150" in model
    assert "standardscaler (StandardScaler)" in model


def test_text_is_escaped_and_the_command_is_verbatim(binary):
    page = binary[3]
    assert f"<pre><code>{html.escape(COMMAND)}</code></pre>" in page
    assert COMMAND not in page  # its < and & only appear escaped
    assert "a note with &lt;markup&gt; &amp; ampersands" in page


def test_report_is_self_contained(binary):
    page = binary[3]
    assert not re.search(r"https?://", page)
    assert "<script" not in page and "<link" not in page
    sources = re.findall(r'src="([^"]*)"', page)
    assert sources and all(source.startswith("data:image/png;base64,") for source in sources)
    assert "Content-Security-Policy" in page


def test_multiclass_has_no_roc_but_says_why(multiclass):
    page = multiclass[3]
    assert "No ROC curve or threshold table: the target has 3 classes" in page
    assert "AUC" not in page
    assert len(images(page)) == 4  # loss, gradient norms, unit health, confusion matrix
    assert "<h3>Classification report</h3>" in page


def test_decision_boundary_of_the_course_titanic_file():
    if not TITANIC.is_file():
        pytest.skip(f"course Titanic data not found: {TITANIC} does not exist")
    df = pd.read_csv(TITANIC)
    X, y = df[["Pclass", "Age"]], df["Survived"].to_numpy()
    pipe = make_pipeline(
        SimpleImputer(), StandardScaler(), MLPClassifier((8,), max_iter=100, random_state=0)
    )
    fit_quietly(pipe, X[:400], y[:400])
    page = training_report(
        pipe, X[400:], y[400:], data=summary(400, 100, ["Pclass", "Age"]), command="glassnet"
    )
    complete = int(X[400:].notna().all(axis=1).sum())
    assert f"Decision boundary, with the {complete} test rows that have both values." in page
    assert len(images(page)) == 6


def test_wrong_model_and_incomplete_data_are_refused(binary):
    X, y = make_classification(n_samples=60, random_state=0)
    other = make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y)
    with pytest.raises(TypeError, match="a Pipeline ending in LogisticRegression"):
        training_report(other, X, y, data=summary(60, 0, ["x"]), command="")
    pipe, X_test, y_test, _ = binary
    data = summary(200, 100, ["a"])
    del data["split"]
    with pytest.raises(ValueError, match="data lacks 'split'"):
        training_report(pipe, X_test, y_test, data=data, command="")


def test_page_refuses_bad_and_duplicate_ids():
    page = Page("t")
    page.add_section("ok-1", "OK", "")
    with pytest.raises(ValueError, match="already on the page"):
        page.add_section("ok-1", "again", "")
    with pytest.raises(ValueError, match="not usable as a link target"):
        page.add_section("1 bad", "bad", "")


def test_figure_html_needs_alt_text_and_closes_the_figure():
    figure, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    with pytest.raises(ValueError, match="alt is empty"):
        figure_html(figure, " ")
    fragment = figure_html(ax, 'a line "falling"')
    assert not plt.fignum_exists(figure.number)
    assert 'alt="a line &quot;falling&quot;"' in fragment


def test_text_html_makes_one_paragraph_per_line():
    assert text_html("a < b\n\nc") == "<p>a &lt; b</p><p>c</p>"


def test_write_html_writes_and_replaces(tmp_path):
    target = tmp_path / "report.html"
    assert write_html("<p>first</p>", target) == target
    write_html("<p>second é</p>", str(target))
    assert target.read_text(encoding="utf-8") == "<p>second é</p>"
    assert os.listdir(tmp_path) == ["report.html"]
    assert target.stat().st_mode & 0o777 == 0o644


def test_write_html_into_a_file_raises_and_leaves_nothing(tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    target = blocker / "report.html"
    with pytest.raises(OSError) as error:
        write_html("<p>x</p>", target)
    assert error.value.filename == str(target)
    assert os.listdir(tmp_path) == ["not-a-directory"]


def test_write_html_failing_at_the_rename_removes_its_temporary_file(tmp_path):
    # A directory where the file should go: the temporary file is written, the
    # rename fails, and the temporary file must not stay behind.
    (tmp_path / "report.html").mkdir()
    with pytest.raises(OSError) as error:
        write_html("<p>x</p>", tmp_path / "report.html")
    assert error.value.filename == str(tmp_path / "report.html")
    assert os.listdir(tmp_path) == ["report.html"]
    assert (tmp_path / "report.html").is_dir()


def test_the_command_wraps_between_options_and_still_runs():
    from glassnet.report.html import command_lines

    command = (
        "glassnet train ../shared/data/titanic_train_500_age_passengerclass.csv --target "
        "Survived --drop PassengerId Name --split head:400 --hidden 16 8 --seed -1 "
        "--report 'my report.html' --out titanic.glassnet"
    )
    laid_out = command_lines(command)
    lines = laid_out.split("\n")
    assert len(lines) > 1 and all(len(line) <= 80 for line in lines)
    assert all(line.endswith(" \\") for line in lines[:-1])
    # A shell reads it as the same words, and no option is parted from its values.
    assert shlex.split(laid_out.replace("\\\n", "")) == shlex.split(command)
    for option in ("--drop PassengerId Name", "--hidden 16 8", "--seed -1", "'my report.html'"):
        assert any(option in line for line in lines), option
