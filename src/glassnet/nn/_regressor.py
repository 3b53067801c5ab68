"""MLPRegressor: a drop-in for scikit-learn's, on the engine of MLPClassifier.

Same parameters, attributes and methods as ``sklearn.neural_network.MLPRegressor``
(versions 1.7 to 1.9): the squared error with an identity output, or the Poisson deviance
with an exponential output (a log link); the same random draws in the same order,
so the same weights after training. Everything else (activations per layer,
initialisations, gradient clipping, dropout, callbacks, ``history_``,
``diagnose()``, ``transform``) is the shared training code of ``_mlp._BaseMLP``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Self

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

from glassnet.nn._mlp import EpochCallback, _BaseMLP, _check_solver

Array = np.ndarray

# loss -> the output activation it is paired with (_losses.LOSSES).
_OUTPUTS = {"squared_error": "identity", "poisson": "exp"}


class MLPRegressor(RegressorMixin, _BaseMLP):
    """Multi-layer perceptron regressor, a drop-in for scikit-learn's.

    Trains a feed-forward network of dense layers on half the squared error (an
    identity output) or half the Poisson deviance (an exponential output) with
    L-BFGS, SGD or Adam. With the default ``init='auto'`` and float64, it draws the
    same initial weights and shuffles the same way as scikit-learn's
    ``MLPRegressor``, so it learns the same weights, only faster.

    Parameters
    ----------
    loss : {'squared_error', 'poisson'}, default='squared_error'
        Half the squared error, or half the Poisson deviance, whose output layer is
        ``exp`` (predictions are positive) and which needs targets ``y >= 0``.
    hidden_layer_sizes : array-like of int, default=(100,)
        The number of units of each hidden layer; ``()`` gives a linear model
        (with ``loss='poisson'``, a Poisson GLM).
    activation : str or list of str, default='relu'
        Hidden-layer activation: 'identity', 'logistic', 'tanh', 'relu' (as in
        scikit-learn) or 'elu', 'selu', 'leaky_relu', 'gelu', 'softplus', 'swish',
        'mish'. A list gives one activation per hidden layer.
    solver : {'lbfgs', 'sgd', 'adam'}, default='adam'
        The optimiser.
    alpha : float, default=0.0001
        Strength of the L2 penalty, divided by the total sample weight.
    batch_size : int or 'auto', default='auto'
        Minibatch size for 'sgd' and 'adam'; 'auto' is ``min(200, n_samples)``.
    learning_rate : {'constant', 'invscaling', 'adaptive'}, default='constant'
        Step-size schedule for 'sgd'.
    learning_rate_init : float, default=0.001
        Initial step size ('sgd', 'adam').
    power_t : float, default=0.5
        Exponent of the 'invscaling' schedule.
    max_iter : int, default=200
        Maximum epochs ('sgd', 'adam') or iterations ('lbfgs').
    shuffle : bool, default=True
        Shuffle the samples every epoch ('sgd', 'adam').
    random_state : int, RandomState instance or None, default=None
        Seeds initial weights, the validation split, shuffling and dropout.
    tol : float, default=1e-4
        Improvement below which an epoch counts as no progress.
    verbose : bool, default=False
        Print the loss after every epoch.
    warm_start : bool, default=False
        Continue from the previous solution when ``fit`` is called again.
    momentum : float, default=0.9
        Momentum of 'sgd'.
    nesterovs_momentum : bool, default=True
        Use Nesterov's momentum ('sgd').
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the data and stop when the validation
        R² stops improving; the best weights are kept.
    validation_fraction : float, default=0.1
        Share of the data held out for early stopping.
    beta_1, beta_2 : float, default=0.9, 0.999
        Adam's decay rates.
    epsilon : float, default=1e-8
        Adam's numerical-stability constant.
    n_iter_no_change : int, default=10
        Epochs without improvement of at least ``tol`` before stopping.
    max_fun : int, default=15000
        Maximum loss evaluations for 'lbfgs'.
    init : str, default='auto'
        Weight initialisation: 'auto' (scikit-learn's scheme exactly),
        'glorot_uniform', 'glorot_normal', 'he_uniform', 'he_normal',
        'lecun_normal', or 'normal'.
    clip_grad_norm : float or None, default=None
        Rescale each minibatch gradient whose L2 norm exceeds this value.
    dropout : float or list of float, default=0.0
        Probability of dropping each hidden unit during training (inverted
        dropout; nothing is dropped at prediction). A list gives one per layer.
    callbacks : list of callable or callback objects, or None, default=None
        Called after every epoch with that epoch's record (a dict, see
        ``history_``); a callback that returns True stops training. Objects with
        ``on_train_begin(model)``, ``on_epoch_end(model, record)`` and
        ``on_train_end(model)`` reach the model too (``glassnet.callbacks``).
    dtype : {'float64', 'float32'} or None, default=None
        Floating-point type for training. None follows scikit-learn: float32
        input is trained in float32, anything else in float64.
    record : {'layers', 'epochs', 'full'}, default='layers'
        What ``history_`` keeps (see ``MLPClassifier``).
    saturation : dict or None, default=None
        When a logistic or tanh unit counts as saturated (see ``MLPClassifier``).
    health_warnings : bool, default=True
        Emit a ``TrainingHealthWarning`` at the end of ``fit`` when
        :meth:`diagnose` finds a severe problem.

    Attributes
    ----------
    loss_ : float
        Loss at the end of training (half the mean squared error, or half the mean
        Poisson deviance, plus the L2 term).
    best_loss_ : float or None
        Lowest training loss reached ('sgd', 'adam'; None with early stopping).
    loss_curve_ : list of float
        Training loss per epoch (per iteration for 'lbfgs').
    validation_scores_ : list of float or None
        Validation R² per epoch, with early stopping.
    validation_loss_curve_ : list of float or None
        Validation loss per epoch, with early stopping.
    best_validation_score_ : float or None
        Best validation R², with early stopping.
    t_ : int
        Training samples seen by the solver.
    coefs_ : list of ndarray
        Weight matrix of each layer, ``(fan_in, fan_out)``.
    intercepts_ : list of ndarray
        Bias vector of each layer.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of str
        Feature names, when X had string column names.
    n_iter_ : int
        Epochs (or L-BFGS iterations) run.
    n_layers_ : int
        Number of layers, input and output included.
    n_outputs_ : int
        Number of outputs.
    out_activation_ : str
        'identity' (``loss='squared_error'``) or 'exp' (``loss='poisson'``).
    history_ : TrainingHistory
        The training record, as ``MLPClassifier``'s (``validation_score`` is R²).

    See Also
    --------
    sklearn.neural_network.MLPRegressor : The estimator this one stands in for.
    MLPClassifier : The same network for class labels.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn.preprocessing import StandardScaler
    >>> from glassnet import MLPRegressor
    >>> X, y = load_diabetes(return_X_y=True)
    >>> X = StandardScaler().fit_transform(X)
    >>> reg = MLPRegressor((16,), solver="lbfgs", max_iter=300, random_state=0)
    >>> round(reg.fit(X, y).score(X, y), 2)
    0.66
    """

    def __init__(
        self,
        loss: str = "squared_error",
        hidden_layer_sizes: Any = (100,),
        activation: str | Sequence[str] = "relu",
        *,
        solver: str = "adam",
        alpha: float = 0.0001,
        batch_size: int | str = "auto",
        learning_rate: str = "constant",
        learning_rate_init: float = 0.001,
        power_t: float = 0.5,
        max_iter: int = 200,
        shuffle: bool = True,
        random_state: Any = None,
        tol: float = 1e-4,
        verbose: bool = False,
        warm_start: bool = False,
        momentum: float = 0.9,
        nesterovs_momentum: bool = True,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
        n_iter_no_change: int = 10,
        max_fun: int = 15000,
        init: str = "auto",
        clip_grad_norm: float | None = None,
        dropout: float | Sequence[float] = 0.0,
        callbacks: Sequence[EpochCallback] | None = None,
        dtype: Any = None,
        record: str = "layers",
        saturation: dict | None = None,
        health_warnings: bool = True,
    ) -> None:
        self.loss = loss
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.init = init
        self.clip_grad_norm = clip_grad_norm
        self.dropout = dropout
        self.callbacks = callbacks
        self.dtype = dtype
        self.record = record
        self.saturation = saturation
        self.health_warnings = health_warnings

    # ------------------------------------------------------------------ public API

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> Self:
        """Fit the model to data matrix X and targets y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target values (non-negative for ``loss='poisson'``).
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        self : MLPRegressor
            The fitted model.
        """
        return self._fit(X, y, sample_weight, incremental=False)

    @available_if(_check_solver)
    def partial_fit(self, X: Any, y: Any, sample_weight: Any = None) -> Self:
        """Update the model with one epoch over the given data ('sgd' and 'adam').

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        self : MLPRegressor
            The updated model.
        """
        if self.early_stopping:
            raise ValueError("partial_fit does not support early_stopping=True")
        return self._fit(X, y, sample_weight, incremental=True)

    def predict(self, X: Any) -> Array:
        """Predict target values.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The predicted values (1-D when the model was fitted on one target).
        """
        check_is_fitted(self)
        out = self._forward(self._check_X(X))
        return out.ravel() if out.shape[1] == 1 else out

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.target_tags.positive_only = self.loss == "poisson"
        return tags

    # ------------------------------------------------------------ the targets

    def _validate_input(self, X: Any, y: Any, incremental: bool, reset: bool) -> tuple[Any, Array]:
        if not isinstance(self.loss, str) or self.loss not in _OUTPUTS:
            valid = ", ".join(repr(k) for k in _OUTPUTS)
            hint = ""
            if not isinstance(self.loss, str):
                hint = (
                    " MLPRegressor's first argument is loss, as in scikit-learn: pass the "
                    f"layers by name, MLPRegressor(hidden_layer_sizes={self.loss!r})."
                )
            raise ValueError(f"loss={self.loss!r} is not valid; choose one of {valid}.{hint}")
        X, y = self._check_data(X, y, reset, y_numeric=True)
        if y.dtype.kind not in "biuf":
            raise ValueError(
                f"MLPRegressor needs numeric targets; y has dtype {y.dtype} (for example "
                f"{y.ravel()[:3].tolist()}). For class labels use MLPClassifier."
            )
        if self.loss == "poisson" and np.any(y < 0):
            raise ValueError(
                f"loss='poisson' needs targets y >= 0 (counts, rates); y has "
                f"{int(np.sum(y < 0))} negative values, the smallest {y.min()!r}. Use "
                "loss='squared_error' for targets that can be negative."
            )
        # The targets in the training dtype, one column per output: (n_samples, n_outputs).
        Y = np.ascontiguousarray(y.reshape(y.shape[0], -1), dtype=X.dtype)
        return X, Y

    def _out_activation(self) -> str:
        return _OUTPUTS[self.loss]

    def _validation_score(self, pred: Array, Y: Array, sample_weight: Array | None) -> float:
        return r2_score(Y, pred, sample_weight)


def r2_score(y: Array, pred: Array, sample_weight: Array | None = None) -> float:
    """Coefficient of determination R², averaged over outputs, as scikit-learn's.

    Parameters
    ----------
    y, pred : ndarray of shape (n_samples, n_outputs)
        Targets and predictions.
    sample_weight : ndarray of shape (n_samples,) or None
        Row weights.

    Returns
    -------
    float
        ``1 - sum w (y - pred)² / sum w (y - mean y)²`` per output, averaged; an
        output with constant targets scores 1.0 when predicted exactly, 0.0
        otherwise (scikit-learn's ``force_finite``). The same operations in the
        same order as ``sklearn.metrics.r2_score``, every epoch without its checks.
    """
    weight = 1.0 if sample_weight is None else sample_weight[:, None]
    numerator = np.sum(weight * (y - pred) ** 2, axis=0)
    mean = np.average(y, axis=0, weights=sample_weight)
    denominator = np.sum(weight * (y - mean) ** 2, axis=0)
    scores = np.ones(y.shape[1])
    valid = (denominator != 0) & (numerator != 0)
    scores[valid] = 1 - numerator[valid] / denominator[valid]
    scores[(numerator != 0) & (denominator == 0)] = 0.0
    return float(np.average(scores))
