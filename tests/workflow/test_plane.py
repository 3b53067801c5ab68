"""PlaneFeatures: Playground's input features as a scikit-learn transformer."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import make_moons
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from glassnet import MLPClassifier
from glassnet.workflow.model_file import load_model, save_model
from glassnet.workflow.plane import PLANE_FEATURES, PlaneFeatures


def test_each_feature_is_its_formula():
    X = np.array([[2.0, -3.0], [0.5, 4.0]])
    out = PlaneFeatures(list(PLANE_FEATURES)).fit_transform(X)
    x1, x2 = X[:, 0], X[:, 1]
    expected = np.column_stack([x1, x2, x1**2, x2**2, x1 * x2, np.sin(x1), np.sin(x2)])
    np.testing.assert_allclose(out, expected, rtol=1e-15)
    names = PlaneFeatures(["x1*x2", "sin(x2)"]).fit(X).get_feature_names_out()
    assert names.tolist() == ["x1*x2", "sin(x2)"]


@pytest.mark.parametrize(
    ("features", "X", "words"),
    [
        (["x3"], np.zeros((2, 2)), "features must be one or more distinct names of x1, x2"),
        (["x1", "x1"], np.zeros((2, 2)), "distinct"),
        ([], np.zeros((2, 2)), "one or more"),
        (["x1"], np.zeros((2, 3)), "exactly two columns"),
    ],
)
def test_bad_features_or_columns_are_refused(features, X, words):
    with pytest.raises(ValueError, match=words):
        PlaneFeatures(features).fit(X)


def test_a_pipeline_with_it_is_a_safe_model_file(tmp_path):
    X, y = make_moons(200, noise=0.2, random_state=0)
    pipeline = make_pipeline(
        StandardScaler(),
        PlaneFeatures(["x1", "x2", "x1*x2"]),
        MLPClassifier((4,), max_iter=30, random_state=0, health_warnings=False),
    )
    with pytest.warns(Warning):
        pipeline.fit(X, y)
    path = save_model(tmp_path / "m.glassnet", pipeline, {"columns": ["x1", "x2"]})
    loaded, _ = load_model(path)
    np.testing.assert_array_equal(loaded.predict_proba(X), pipeline.predict_proba(X))
