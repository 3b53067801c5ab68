"""MLPRegressor passes scikit-learn's estimator checks."""

import numpy as np
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from glassnet import MLPRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

ESTIMATORS = [
    MLPRegressor(max_iter=100),
    MLPRegressor(solver="lbfgs", activation="tanh", max_iter=100),
    # glassnet's extras at once. Two layers of 8 units reach R² 0.03 in 100 epochs
    # of check_regressors_train (which asks for 0.5): wider ones, and a larger step.
    MLPRegressor(
        dropout=0.1,
        activation=["relu", "gelu"],
        init="he_uniform",
        hidden_layer_sizes=(16, 16),
        learning_rate_init=0.01,
        max_iter=100,
    ),
    MLPRegressor(loss="poisson", activation="elu", init="he_uniform", max_iter=100),
]

_DROPOUT_WEIGHTS = (
    "dropout draws a random mask for every training row, so a row repeated twice gets "
    "two masks while a row of weight 2 gets one: weighting is not repetition"
)
DROPOUT_FAILURES = {
    "check_sample_weight_equivalence_on_dense_data": _DROPOUT_WEIGHTS,
    "check_sample_weight_equivalence_on_sparse_data": _DROPOUT_WEIGHTS,
}
_POISSON_SCORE = (
    "the check asks for R² > 0.5 after 100 epochs on a target linear in X (shifted "
    "positive for the Poisson loss); a network with an exp output, which bends it, "
    "stays below (scikit-learn's MLPRegressor(loss='poisson') gets 0.30 on it)"
)
POISSON_FAILURES = {
    "check_regressors_train": _POISSON_SCORE,
    "check_regressors_train(readonly_memmap=True)": _POISSON_SCORE,
    "check_regressors_train(readonly_memmap=True,X_dtype=float32)": _POISSON_SCORE,
}


def expected_failed_checks(estimator):
    if np.any(np.asarray(estimator.dropout) > 0):
        return DROPOUT_FAILURES
    if estimator.loss == "poisson":
        return POISSON_FAILURES
    return {}


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible(estimator, check):
    check(estimator)
