"""glassnet.report: the command line's HTML report, for a model trained in Python."""

import html
import importlib
import re

import matplotlib

matplotlib.use("Agg")  # render to files, never open a window

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_moons
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import glassnet
from glassnet import MLPClassifier
from glassnet.report import REPORT_SECTIONS

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

X, y = make_moons(160, noise=0.2, random_state=0)
FRAME = pd.DataFrame(X, columns=["width", "height"])
FRAME.loc[3, "width"] = np.nan  # one missing value, counted in the data section


def test_report_of_a_pipeline_written_from_python(tmp_path):
    train, test = FRAME.iloc[:120], FRAME.iloc[120:]
    net = MLPClassifier((6,), max_iter=40, random_state=0, health_warnings=False)
    pipe = make_pipeline(StandardScaler(), net)
    pipe.fit(train.fillna(0), y[:120])
    path = glassnet.report(
        pipe, test, pd.Series(y[120:], name="kind"), tmp_path / "r.html", X_train=train
    )
    page = path.read_text()
    for section in REPORT_SECTIONS:
        assert f'id="{section}"' in page
    text = html.unescape(page)
    assert "An MLP trained on 120 rows of data given in Python to predict 'kind'" in text
    assert "as the pipeline's steps do (StandardScaler → MLPClassifier)" in text
    assert "<td>width</td><td>numeric</td><td>1</td>" in re.sub(r">\s+<", "><", text)
    assert "model.fit(X_train, y_train)" in text and "hidden_layer_sizes=(6,)" in text


def test_glassnet_report_stays_callable_once_the_package_is_imported(tmp_path):
    importlib.import_module("glassnet.report.html")  # sets glassnet.report to the package
    model = MLPClassifier((4,), max_iter=20, random_state=0, health_warnings=False)
    model.fit(X[:120].clip(-2, 3), y[:120])
    path = glassnet.report(model, X[120:], y[120:], tmp_path / "bare.html")
    assert "an unknown number of rows" in html.unescape(path.read_text())
    with pytest.raises(TypeError, match=r"needs a fitted glassnet.MLPClassifier"):
        glassnet.report(StandardScaler(), X, y, tmp_path / "x.html")
