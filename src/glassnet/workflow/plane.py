"""Input features of a point in the plane, as TensorFlow Playground offers them.

Two input columns ``x1`` and ``x2`` (scaled) become any of ``x1``, ``x2``, ``x1^2``,
``x2^2``, ``x1*x2``, ``sin(x1)``, ``sin(x2)``: the hand-made features that let a
network without hidden layers draw a circle. :class:`PlaneFeatures` is the
scikit-learn transformer, so a playground model saved as a ``.glassnet`` file takes
the two raw columns and does the same.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

Array = np.ndarray

# name -> the feature from the two columns (both (n,) arrays)
PLANE_FEATURES: dict[str, Callable[[Array, Array], Array]] = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1^2": lambda x1, x2: x1 * x1,
    "x2^2": lambda x1, x2: x2 * x2,
    "x1*x2": lambda x1, x2: x1 * x2,
    "sin(x1)": lambda x1, x2: np.sin(x1),
    "sin(x2)": lambda x1, x2: np.sin(x2),
}


def check_plane_features(names: Sequence[str]) -> list[str]:
    """Return ``names`` as a list, or raise ValueError naming the valid features."""
    names = list(names)
    unknown = [n for n in names if n not in PLANE_FEATURES]
    if unknown or not names or len(set(names)) != len(names):
        raise ValueError(
            f"features must be one or more distinct names of {', '.join(PLANE_FEATURES)}; "
            f"got {names!r}."
        )
    return names


def plane_features(X: Array, names: Sequence[str]) -> Array:
    """Compute the named features of the rows of ``X`` (columns x1, x2).

    Parameters
    ----------
    X : ndarray of shape (n_samples, 2)
        The two input columns.
    names : sequence of str
        Features to compute, in this order (keys of ``PLANE_FEATURES``).

    Returns
    -------
    ndarray of shape (n_samples, len(names))
    """
    x1, x2 = X[:, 0], X[:, 1]
    return np.column_stack([PLANE_FEATURES[name](x1, x2) for name in names])


class PlaneFeatures(TransformerMixin, BaseEstimator):
    """Turn two columns into Playground's input features.

    Parameters
    ----------
    features : sequence of str, default=('x1', 'x2')
        Which of ``x1``, ``x2``, ``x1^2``, ``x2^2``, ``x1*x2``, ``sin(x1)``,
        ``sin(x2)`` to output, in this order.

    Examples
    --------
    >>> import numpy as np
    >>> from glassnet.workflow.plane import PlaneFeatures
    >>> PlaneFeatures(["x1", "x1*x2"]).fit_transform(np.array([[2.0, 3.0]]))
    array([[2., 6.]])
    """

    def __init__(self, features: Sequence[str] = ("x1", "x2")) -> None:
        self.features = features

    def fit(self, X: Any, y: Any = None) -> PlaneFeatures:
        """Check X has two columns and the feature names are known.

        Parameters
        ----------
        X : array-like of shape (n_samples, 2)
            The two input columns.
        y : ignored

        Returns
        -------
        self : PlaneFeatures
        """
        check_plane_features(self.features)
        X = validate_data(self, X)
        if X.shape[1] != 2:
            raise ValueError(
                f"PlaneFeatures takes exactly two columns (x1, x2); X has {X.shape[1]}."
            )
        return self

    def transform(self, X: Any) -> Array:
        """Compute the features.

        Parameters
        ----------
        X : array-like of shape (n_samples, 2)
            The two input columns.

        Returns
        -------
        ndarray of shape (n_samples, len(features))
        """
        check_is_fitted(self, "n_features_in_")
        X = validate_data(self, X, reset=False)
        return plane_features(X, self.features)

    def get_feature_names_out(self, input_features: Any = None) -> Array:
        """Return the feature names, e.g. ``['x1', 'x1*x2']``."""
        return np.asarray(list(self.features), dtype=object)
