"""MLPClassifier: a drop-in for scikit-learn's, written here in NumPy.

Same parameters, attributes and methods as ``sklearn.neural_network.MLPClassifier``
(versions 1.7 to 1.9), the same random draws in the same order (so the same weights after
training), and more: modern activations, initialisations, gradient clipping,
dropout, class weights, callbacks and a per-epoch training record. The training
itself is ``_BaseMLP``'s, which ``MLPRegressor`` (``_regressor.py``) shares.
"""

from __future__ import annotations

import copy
import time
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Self

import numpy as np
import scipy.optimize
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin, is_classifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils import check_random_state, column_or_1d
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import type_of_target, unique_labels
from sklearn.utils.validation import check_is_fitted, validate_data

from glassnet import _display_slot
from glassnet.nn import _callbacks as callbacks
from glassnet.nn import _hooks as hooks
from glassnet.nn._activations import OUTPUT_ACTIVATIONS, Activation, get_activation
from glassnet.nn._blas import blas_threads_for, limit_blas_threads
from glassnet.nn._history import TrainingHistory
from glassnet.nn._init import get_initializer
from glassnet.nn._losses import output_loss
from glassnet.nn._minibatches import Minibatches
from glassnet.nn._network import Network, forward
from glassnet.nn._optimizers import OPTIMIZERS, Optimizer, get_optimizer
from glassnet.nn._params import batch_rows, check_params
from glassnet.nn._recorder import Recorder, SaturationThresholds
from glassnet.nn._stopping import no_improvement, warn_max_iter
from glassnet.nn._validation import check_same_length, explain_bad_features, explain_bad_target

Array = np.ndarray
EpochCallback = Callable[[dict[str, Any]], bool | None]


def _check_solver(est: _BaseMLP) -> bool:
    # As in scikit-learn, partial_fit exists only for the stochastic solvers.
    if est.solver not in OPTIMIZERS:
        raise AttributeError(
            f"partial_fit is only available for stochastic optimizers. {est.solver} is not "
            "stochastic; use solver='sgd' or 'adam'."
        )
    return True


class TrainingDivergedError(ValueError):
    """Training produced a non-finite loss or non-finite weights."""


@dataclass
class TrainingStart:
    """What a trainer outside the estimator needs to run its epochs.

    Returned by ``_BaseMLP._start_training`` (see its "fit protocol" section).

    Attributes
    ----------
    X : ndarray of shape (n_samples, n_features)
        The validated inputs, C-contiguous, in the training dtype.
    Y : ndarray of shape (n_samples, n_outputs)
        The targets as a 0/1 indicator matrix (bool, a classifier) or as numbers in
        the training dtype (a regressor).
    layer_units : list of int
        ``[n_features, *hidden_layer_sizes, n_outputs]``.
    activations : list of Activation
        One per hidden layer.
    random_state : RandomState
        The generator that drew the initial weights; it draws each epoch's order.
    batch_rows : int
        Rows per minibatch.
    no_improvement_count : int
        Epochs without progress so far (the stopping rule's count).
    """

    X: Array
    Y: Array
    layer_units: list[int]
    activations: list[Activation]
    random_state: np.random.RandomState
    batch_rows: int
    no_improvement_count: int


class _BaseMLP(TransformerMixin, BaseEstimator):
    """What MLPClassifier and MLPRegressor share: training, the record, the network.

    Not for direct use. A subclass gives ``__init__`` (its hyperparameters), ``fit``,
    ``partial_fit``, ``predict`` and these hooks: ``_validate_input`` (the checked
    inputs and the targets as a 2-D array the loss reads), ``_out_activation`` (the
    output layer, which picks the loss, ``_losses.LOSSES``) and
    ``_validation_score`` (early stopping's score, higher is better); a classifier
    also ``_class_sample_weight`` and ``_share_targets`` (its classes, for fit_many).
    """

    # ------------------------------------------------------------------ public API

    def fit_epochs(self, X: Any, y: Any, sample_weight: Any = None) -> Iterator[int]:
        """Fit as ``fit`` does, pausing after every epoch ('sgd' and 'adam').

        A generator: it yields 0 once the network is initialised (its initial
        weights, before any training), then trains one more epoch at each step and
        yields its number, with ``coefs_``, ``loss_curve_`` and ``history_`` up to
        date, so a loop can look at the network while it learns (the playground
        draws it). It ends where
        ``fit`` would (``max_iter``, the stopping rule, a callback); break out of the
        loop to stop earlier. The weights after epoch k are those ``fit`` gives with
        ``max_iter=k``: the same draws in the same order.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Class labels, or a label-indicator matrix for multilabel targets (a
            classifier); target values (a regressor).
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Yields
        ------
        int
            0 for the initial network, then the number of the epoch just trained.

        Notes
        -----
        Stopped early (``break``), the model keeps the last epoch's weights, even with
        ``early_stopping`` (whose best weights are restored only when training ends
        by itself), and no ``TrainingHealthWarning`` is raised.

        Examples
        --------
        >>> from sklearn.datasets import make_moons
        >>> from glassnet import MLPClassifier
        >>> X, y = make_moons(200, noise=0.1, random_state=0)
        >>> model = MLPClassifier((8,), max_iter=50, random_state=0)
        >>> for epoch in model.fit_epochs(X, y):
        ...     if model.score(X, y) > 0.85:
        ...         break
        >>> epoch, len(model.loss_curve_)
        (27, 27)
        """
        if self.solver == "lbfgs":
            raise ValueError(
                "fit_epochs trains one epoch at a time, which L-BFGS does not do: use "
                "solver='sgd' or 'adam', or fit() for 'lbfgs'."
            )
        yield from self._training(X, y, sample_weight, False, stepwise=True, stacklevel=4)

    def hidden_activations(self, X: Any) -> list[Array]:
        """Return the outputs of every hidden layer for X.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        list of ndarray
            One ``(n_samples, units)`` array per hidden layer.
        """
        check_is_fitted(self)
        _, hidden = forward(
            self._check_X(X),
            self.coefs_,
            self.intercepts_,
            self._hidden_acts,
            OUTPUT_ACTIVATIONS[self.out_activation_],
            keep_hidden=True,
        )
        return hidden

    def transform(self, X: Any, layer: int = -1) -> Array:
        """Return a hidden layer's outputs: the network as a feature extractor.

        With the default, the last hidden layer's outputs, the features the output
        layer classifies from, so a fitted network can feed another estimator in a
        ``Pipeline``. Only the layers up to ``layer`` are computed.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        layer : int, default=-1
            Which hidden layer, indexed as ``hidden_layer_sizes``: 0 is the first,
            -1 the last.

        Returns
        -------
        ndarray of shape (n_samples, hidden_layer_sizes[layer])
            The layer's outputs (after its activation), in the model's dtype.

        Raises
        ------
        ValueError
            If the network has no hidden layer, or ``layer`` is not one of them.

        Examples
        --------
        >>> from sklearn.datasets import make_moons
        >>> from sklearn.linear_model import LogisticRegression
        >>> from sklearn.pipeline import make_pipeline
        >>> from glassnet import MLPClassifier
        >>> X, y = make_moons(200, noise=0.1, random_state=0)
        >>> net = MLPClassifier((16, 8), max_iter=300, random_state=0).fit(X, y)
        >>> net.transform(X).shape, net.transform(X, layer=0).shape
        ((200, 8), (200, 16))
        >>> pipe = make_pipeline(net, LogisticRegression()).fit(X, y)
        """
        check_is_fitted(self)
        n_hidden = len(self.coefs_) - 1
        valid = isinstance(layer, int | np.integer) and not isinstance(layer, bool)
        if not valid or not -n_hidden <= layer < n_hidden:
            if n_hidden == 0:
                raise ValueError(
                    "transform returns a hidden layer's outputs, and this network has none "
                    "(hidden_layer_sizes=()). Give it a hidden layer, or use "
                    f"{'predict_proba' if is_classifier(self) else 'predict'}."
                )
            raise ValueError(
                f"layer={layer!r} is not a hidden layer of this network, which has "
                f"{n_hidden} (hidden_layer_sizes={tuple(c.shape[1] for c in self.coefs_[:-1])}); "
                f"pass an int from {-n_hidden} to {n_hidden - 1}."
            )
        stop = int(layer) % n_hidden + 1  # weight layers up to the wanted hidden one
        out, _ = forward(
            self._check_X(X),
            self.coefs_[:stop],
            self.intercepts_[:stop],
            self._hidden_acts[:stop],
            OUTPUT_ACTIVATIONS[self.out_activation_],  # not reached: every layer is hidden
        )
        return out

    def diagnose(self) -> Any:
        """Read the training record and say what went wrong, in plain language.

        Works on a fitted model and on one whose training diverged.

        Returns
        -------
        HealthReport
            Findings (severity, layer, epochs, evidence, explanation, what to try),
            most severe first; ``print`` it, or ``rich.print`` it, or ``to_html()``.
        """
        return hooks.diagnose(self)

    def __sklearn_is_fitted__(self) -> bool:
        # A diverged fit keeps its history_ but has no weights: it is not fitted.
        return hasattr(self, "coefs_")

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        if tags.classifier_tags is not None:
            tags.classifier_tags.multi_label = True
        # transform outputs the training dtype: the input's when dtype is None.
        preserved = ["float64", "float32"]
        if self.dtype is not None:
            try:
                preserved = [np.dtype(self.dtype).name]
            except TypeError:  # not a dtype: fit says so, tags must not raise
                pass
        tags.transformer_tags.preserves_dtype = preserved
        return tags

    def __getstate__(self) -> dict[str, Any]:
        # The hidden activations hold Python functions, which a format that is safe to
        # load from a stranger (skops) will not store: keep their names instead.
        state = dict(super().__getstate__())  # a copy: object's is self.__dict__ itself
        # Mid-training (a copy taken between fit_epochs' steps), the recorder holds the
        # network's work arrays: training-time state, not part of a model.
        state.pop("_recorder", None)
        if "_hidden_acts" in state:
            state["_hidden_acts"] = [act.name for act in state["_hidden_acts"]]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state = dict(state)
        if "_hidden_acts" in state:
            # Names only: an unknown one raises ValueError rather than being called.
            state["_hidden_acts"] = [get_activation(name) for name in state["_hidden_acts"]]
        super().__setstate__(state)

    # ------------------------------------------------------------ parameters

    # ------------------------------------------------------------ input checks

    def _check_data(self, X: Any, y: Any, reset: bool, **checks: Any) -> tuple[Any, Array]:
        """Validate X and y as scikit-learn does (``checks`` go to ``validate_data``)."""
        check_same_length(X, y)
        dtype = (np.float64, np.float32) if self.dtype is None else np.dtype(self.dtype)
        try:
            X, y = validate_data(
                self,
                X,
                y,
                accept_sparse=["csr", "csc"],
                multi_output=True,
                dtype=dtype,
                reset=reset,
                **checks,
            )
        except ValueError as err:
            if "feature" in str(err) and "names" in str(err):
                raise
            message = explain_bad_features(X) or explain_bad_target(y)
            if message is None:
                raise
            raise ValueError(message) from err
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        return X, y

    def _check_X(self, X: Any) -> Any:
        """Validate prediction input and cast it to the model's dtype."""
        try:
            X = validate_data(self, X, accept_sparse=["csr", "csc"], reset=False)
        except ValueError as err:
            if "feature" in str(err):
                raise
            message = explain_bad_features(X)
            if message is None:
                raise
            raise ValueError(message) from err
        dtype = self.coefs_[0].dtype
        return X.astype(dtype, copy=False)

    def _sample_weight(self, sample_weight: Any, X: Any, Y: Array) -> Array | None:
        sw = None
        if sample_weight is not None:
            sw = np.asarray(sample_weight, dtype=X.dtype)
            if sw.ndim == 0:
                sw = np.full(X.shape[0], sw, dtype=X.dtype)
            if sw.shape != (X.shape[0],):
                raise ValueError(
                    f"sample_weight has shape {sw.shape} but X has {X.shape[0]} rows; give "
                    "one weight per row."
                )
            if not np.all(np.isfinite(sw)) or np.any(sw < 0):
                raise ValueError("sample_weight must be finite and non-negative.")
        cw = self._class_sample_weight(Y, X.dtype)
        if cw is not None:
            sw = cw if sw is None else sw * cw
        if sw is not None and not sw.any():
            raise ValueError(
                "Sample weights must contain at least one non-zero number; every weight "
                "(sample_weight times class_weight) is 0, so there is nothing to learn from."
            )
        return sw

    def _class_sample_weight(self, Y: Array, dtype: np.dtype) -> Array | None:
        """Weights from ``class_weight``, one per row (a classifier's), or None."""
        return None

    def _share_targets(self, like: _BaseMLP) -> None:
        """Take what ``like`` learnt about the targets (a classifier's classes)."""

    # ------------------------------------------------------------ training

    def _fit(self, X: Any, y: Any, sample_weight: Any, incremental: bool) -> Self:
        # fit and partial_fit run the epochs without pausing; fit_epochs pauses after each.
        for _ in self._training(X, y, sample_weight, incremental, stepwise=False, stacklevel=5):
            pass
        return self

    def _training(
        self,
        X: Any,
        y: Any,
        sample_weight: Any,
        incremental: bool,
        stepwise: bool,
        stacklevel: int,
    ) -> Iterator[int]:
        """Train, yielding the epoch number after each epoch (nothing for 'lbfgs').

        ``stepwise`` yields 0 first, once the network is initialised, and brings
        ``history_`` up to date before each yield; ``stacklevel``
        points the warnings at the user's call, however deep this generator sits.
        """
        sizes, acts, dropout = check_params(self)
        first_pass = not hasattr(self, "coefs_") or (not self.warm_start and not incremental)
        X, Y = self._validate_input(X, y, incremental, reset=first_pass)
        if not sp.issparse(X):
            X = np.ascontiguousarray(X)
        sw = self._sample_weight(sample_weight, X, Y)
        layer_units = [X.shape[1], *sizes, Y.shape[1]]
        self._random_state = check_random_state(self.random_state)
        if first_pass:
            self._initialize(Y, layer_units, acts, X.dtype)
        elif [c.shape[0] for c in self.coefs_] + [self.coefs_[-1].shape[1]] != layer_units:
            raise ValueError(
                "warm_start and partial_fit need the same layers as the first fit: "
                f"the model has {[c.shape[0] for c in self.coefs_][1:]} hidden units, "
                f"hidden_layer_sizes is now {sizes}. Set warm_start=False to start over."
            )
        self._hidden_acts = acts
        self._diverged_at = None
        thresholds = SaturationThresholds.from_param(self.saturation)
        if first_pass or not isinstance(getattr(self, "history_", None), TrainingHistory):
            self.history_ = TrainingHistory(layer_units, [a.name for a in acts], thresholds)
        net = self._network(layer_units, acts, dropout, X.dtype, thresholds)
        batch = self._batch_rows(X.shape[0])
        self._recorder = Recorder(
            net,
            self.history_,
            self.record,
            -(-X.shape[0] // batch),
            need_norm=self.clip_grad_norm is not None,
        )
        threads = blas_threads_for(layer_units, self._batch_rows(X.shape[0]))
        with limit_blas_threads(threads):
            try:
                if first_pass or not incremental:  # later partial_fit calls continue a run
                    callbacks.train_begin(self.callbacks, self)
                if stepwise:
                    yield 0  # the initial network, before any training
                if self.solver == "lbfgs":
                    self._fit_lbfgs(net, X, Y, sw, stacklevel)
                else:
                    yield from self._fit_stochastic(
                        net, X, Y, sw, incremental, stepwise, stacklevel
                    )
            finally:
                self._recorder.flush()
                net.release()
                del self._recorder  # holds the network and its work arrays
        if not incremental:
            callbacks.train_end(self.callbacks, self)
        if self.health_warnings and not incremental and self.record != "epochs":
            self._warn_if_unhealthy(stacklevel)

    def _warn_if_unhealthy(self, stacklevel: int) -> None:
        # The rules that read the record live in glassnet.diagnostics, which installs
        # them (hooks); without them there is nothing to warn about.
        warning = hooks.health_warning(self)
        if warning is not None:
            warnings.warn(warning, stacklevel=stacklevel)

    # ------------------------------------------------------------ the fit protocol
    # How a trainer other than fit's own epoch loop (fit_many's stack) trains this
    # estimator, without reaching into its private attributes: _start_training does
    # everything fit does before the first epoch, the trainer runs the epochs from the
    # public attributes (coefs_, intercepts_, the hyperparameters) and what it returns,
    # and _finish_training hands back what the epochs produced.

    def _start_training(
        self, X: Any, y: Any, *, like: _BaseMLP | None = None, stacklevel: int = 2
    ) -> TrainingStart:
        """Validate the data, draw the initial weights and start ``history_``, as ``fit``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training inputs (dense).
        y : array-like
            Targets.
        like : MLPClassifier or MLPRegressor, optional
            An estimator already started on the same data: ``X`` and ``y`` are then its
            ``TrainingStart.X`` and ``.Y``, and its classes and input checks are reused.
        stacklevel : int, default=2
            Where the batch-size warning points.

        Returns
        -------
        TrainingStart
        """
        sizes, acts, _ = check_params(self)
        if like is None:
            X, Y = self._validate_input(X, y, incremental=False, reset=True)
            X = np.ascontiguousarray(X)
            self._warn_if_batch_too_large(X.shape[0], stacklevel + 1)
        else:
            Y = y
            for name in ("n_features_in_", "feature_names_in_"):
                if hasattr(like, name):
                    setattr(self, name, getattr(like, name))
            self._share_targets(like)
        layer_units = [X.shape[1], *sizes, Y.shape[1]]
        # The same draws in the same order as _training: weights first.
        self._random_state = check_random_state(self.random_state)
        self._initialize(Y, layer_units, acts, X.dtype)
        self._hidden_acts = acts
        self._diverged_at = None
        thresholds = SaturationThresholds.from_param(self.saturation)
        self.history_ = TrainingHistory(layer_units, [a.name for a in acts], thresholds)
        return TrainingStart(
            X,
            Y,
            layer_units,
            acts,
            self._random_state,
            self._batch_rows(X.shape[0]),
            self._no_improvement_count,
        )

    def _finish_training(
        self,
        epochs: Mapping[str, Array],
        n_samples: int,
        best_loss: float,
        no_improvement_count: int,
        params: tuple[list[Array], list[Array], Optimizer] | None,
    ) -> None:
        """Take the result of epochs run outside ``fit``.

        Parameters
        ----------
        epochs : mapping of str to ndarray
            The epoch-level columns of ``history_`` (``loss``, ``learning_rate``,
            ``weight_norm``, ``seconds``, ...), one entry per epoch run.
        n_samples : int
            Training rows seen in each epoch.
        best_loss : float
            The stopping rule's best loss.
        no_improvement_count : int
            The stopping rule's count.
        params : tuple or None
            ``(coefs, intercepts, optimizer)`` at the end of training, or None when
            training diverged in the epoch after the last one in ``epochs``.
        """
        self.history_.load_epochs(dict(epochs))
        self.loss_curve_ = np.asarray(epochs["loss"], dtype=float).tolist()
        self.n_iter_ = len(self.loss_curve_)
        self.t_ += self.n_iter_ * n_samples
        if self.n_iter_:
            self.loss_ = self.loss_curve_[-1]
        self.best_loss_ = float(best_loss)
        self._no_improvement_count = int(no_improvement_count)
        # Every fit draws a fresh RandomState (_training): the spent one only weighed
        # on copies to and from worker processes (5 KB, 0.2 ms to load).
        del self._random_state
        if params is None:
            for name in ("coefs_", "intercepts_"):
                self.__dict__.pop(name, None)
            self._diverged_at = self.n_iter_ + 1
            return
        self.coefs_, self.intercepts_, self._optimizer = params

    def _initialize(
        self, Y: Array, layer_units: list[int], acts: list[Activation], dtype: np.dtype
    ) -> None:
        self.n_iter_ = 0
        self.t_ = 0
        self.n_outputs_ = Y.shape[1]
        self.n_layers_ = len(layer_units)
        self.out_activation_ = self._out_activation()
        init = get_initializer(self.init)
        # scikit-learn sizes the 'auto' bound by the network's one activation; with one
        # activation per layer, each layer uses its own (the output layer, the last one).
        names = [a.name for a in acts] or [
            self.activation if isinstance(self.activation, str) else "relu"
        ]
        self.coefs_, self.intercepts_ = [], []
        for i in range(self.n_layers_ - 1):
            act = names[min(i, len(names) - 1)]
            coef, intercept = init(self._random_state, layer_units[i], layer_units[i + 1], act)
            self.coefs_.append(coef.astype(dtype, copy=False))
            self.intercepts_.append(intercept.astype(dtype, copy=False))
        self.loss_curve_ = []
        self._no_improvement_count = 0
        self._optimizer = None
        if self.early_stopping and self.solver != "lbfgs":
            self.validation_scores_ = []
            self.validation_loss_curve_ = []
            self.best_validation_score_ = -np.inf
            self.best_loss_ = None
        else:
            self.best_loss_ = np.inf
            self.validation_scores_ = None
            self.validation_loss_curve_ = None
            self.best_validation_score_ = None

    def _network(
        self,
        layer_units: list[int],
        acts: list[Activation],
        dropout: list[float],
        dtype: np.dtype,
        thresholds: SaturationThresholds,
    ) -> Network:
        """Build the flat-buffer network and make ``coefs_``/``intercepts_`` views into it."""
        output = OUTPUT_ACTIVATIONS[self.out_activation_]
        exact = self.solver == "lbfgs"
        rules = None
        if self.record != "epochs":
            rules = [a.active_rule(thresholds) for a in acts]
        net = Network(
            layer_units, acts, output, dtype, dropout, sklearn_order=exact, active_rules=rules
        )
        net.set_parameters(self.coefs_, self.intercepts_)
        self.coefs_, self.intercepts_ = net.coefs, net.intercepts
        return net

    def _warn_if_batch_too_large(self, n_samples: int, stacklevel: int) -> None:
        if self.batch_size != "auto" and self.batch_size > n_samples:
            warnings.warn(
                f"Got `batch_size` less than 1 or larger than sample size. It is going to "
                f"be clipped to the {n_samples} training rows.",
                stacklevel=stacklevel,
            )

    def _batch_rows(self, n_samples: int) -> int:
        if self.solver == "lbfgs":
            return n_samples
        return batch_rows(self.batch_size, n_samples)

    def _make_optimizer(self, n_params: int, dtype: np.dtype) -> Optimizer:
        optimizer = get_optimizer(self.solver)
        return optimizer.from_params(self, n_params, dtype, self.learning_rate_init)

    def _split_validation(self, X: Any, Y: Array, sw: Array | None) -> tuple:
        """Hold out the early-stopping validation rows exactly as scikit-learn does."""
        if not self.early_stopping:
            return X, Y, sw, None, None, None
        stratify = Y if self.n_outputs_ == 1 and is_classifier(self) else None
        arrays = [X, Y] if sw is None else [X, Y, sw]
        parts = train_test_split(
            *arrays,
            random_state=self._random_state,
            test_size=self.validation_fraction,
            stratify=stratify,
        )
        X_train, X_val, Y_train, Y_val = parts[:4]
        sw_train, sw_val = (None, None) if sw is None else parts[4:]
        if X_val.shape[0] < 2:
            raise ValueError(
                "The validation set is too small. Increase 'validation_fraction' or the "
                "size of your dataset."
            )
        return X_train, Y_train, sw_train, X_val, Y_val, sw_val

    def _fit_stochastic(
        self,
        net: Network,
        X: Any,
        Y: Array,
        sw: Array | None,
        incremental: bool,
        stepwise: bool,
        stacklevel: int,
    ) -> Iterator[int]:
        if self._optimizer is None or not incremental:
            self._optimizer = self._make_optimizer(net.params.size, net.params.dtype)
        X, Y, sw, X_val, Y_val, sw_val = self._split_validation(X, Y, sw)
        n_samples = X.shape[0]
        self._warn_if_batch_too_large(n_samples, stacklevel + 1)
        batches = Minibatches(X, Y, sw, self._batch_rows(n_samples), self.shuffle)
        self.n_iter_ = 0  # counts this call's epochs, as in scikit-learn (warm_start too)
        dropout_rng = (
            np.random.default_rng(self._random_state.randint(2**31)) if net.dropout else None
        )
        try:
            for _ in range(self.max_iter):
                started = time.perf_counter()
                self._recorder.start_epoch(batches.n_samples)
                batches.next_epoch(self._random_state)
                loss = self._run_epoch(net, batches, dropout_rng)
                stop = self._end_epoch(net, loss, n_samples, X_val, Y_val, sw_val, started)
                if stepwise:
                    self._recorder.flush()
                yield self.n_iter_
                if stop or incremental:
                    break
                if self.n_iter_ == self.max_iter:
                    warn_max_iter(self.max_iter, stacklevel)
        except KeyboardInterrupt:
            warnings.warn("Training interrupted by user.", stacklevel=stacklevel)
        if self.early_stopping:
            net.params[:] = self._best_params

    def _run_epoch(
        self, net: Network, batches: Minibatches, rng: np.random.Generator | None
    ) -> float:
        """One pass over the data in minibatches; returns the mean loss."""
        optimizer, alpha, clip = self._optimizer, self.alpha, self.clip_grad_norm
        measure = self._recorder.after_batch
        grads = net.grads
        total_loss = 0.0
        for X, Y, sw in batches:
            if sw is not None and not sw.any():
                self._recorder.skip(X.shape[0])
                continue  # a minibatch of zero total weight carries nothing to learn
            loss = net.loss_and_gradient(X, Y, sw, alpha, rng)
            total_loss += loss * X.shape[0]
            norm = measure()  # of the gradient before clipping
            if clip is not None and norm > clip:
                grads *= clip / norm
            optimizer.step(net.params, grads)
        return total_loss / batches.n_samples

    def _end_epoch(
        self,
        net: Network,
        loss: float,
        n_samples: int,
        X_val: Any,
        Y_val: Array | None,
        sw_val: Array | None,
        started: float,
    ) -> bool:
        """Bookkeeping after an epoch; returns True when training should stop."""
        self._check_finite(net, loss, self.n_iter_ + 1)
        self.n_iter_ += 1
        self.loss_ = loss
        self.t_ += n_samples
        self.loss_curve_.append(loss)
        if self.verbose:
            print(f"Iteration {self.n_iter_}, loss = {loss:.8f}")
        val_loss = val_score = None
        if self.early_stopping:
            val_loss, val_score = self._validation_scores(net, X_val, Y_val, sw_val)
            self.validation_scores_.append(val_score)
            self.validation_loss_curve_.append(val_loss)
            if self.verbose:
                print(f"Validation score: {val_score:f}")
        self._update_no_improvement_count(net, loss, val_score)
        self._optimizer.iteration_ends(self.t_)
        stop = self._record(loss, val_loss, val_score, started)
        if self._no_improvement_count > self.n_iter_no_change:
            what = "Validation score" if self.early_stopping else "Training loss"
            if self._optimizer.trigger_stopping():
                if self.verbose:
                    print(
                        f"{what} did not improve more than tol={self.tol:f} for "
                        f"{self.n_iter_no_change} consecutive epochs. Stopping."
                    )
                return True
            if self.verbose:
                print(f"Setting learning rate to {self._optimizer.learning_rate:f}")
            self._no_improvement_count = 0
        return stop

    def _validation_scores(
        self, net: Network, X_val: Any, Y_val: Array, sw_val: Array | None
    ) -> tuple[float, float]:
        out, _ = forward(X_val, net.coefs, net.intercepts, net.hidden, net.output)
        with np.errstate(over="ignore", invalid="ignore"):  # a diverging exp output
            val_loss = output_loss(out, Y_val, sw_val, net.output.name)
        if not np.isfinite(out).all():
            return val_loss, float("nan")
        return val_loss, self._validation_score(out, Y_val, sw_val)

    def _update_no_improvement_count(
        self, net: Network, loss: float, val_score: float | None
    ) -> None:
        if self.early_stopping:
            if val_score > self.best_validation_score_:
                self._best_params = net.params.copy()
            best, count = no_improvement(
                val_score,
                self.best_validation_score_,
                self._no_improvement_count,
                self.tol,
                higher_is_better=True,
            )
            self.best_validation_score_ = float(best)
        else:
            best, count = no_improvement(
                loss, self.best_loss_, self._no_improvement_count, self.tol
            )
            self.best_loss_ = float(best)
        self._no_improvement_count = int(count)

    def _record(
        self, loss: float, val_loss: float | None, val_score: float | None, started: float
    ) -> bool:
        """Write the epoch into ``history_`` and run the callbacks; True means stop."""
        self._recorder.end_epoch(
            loss=loss,
            validation_loss=val_loss,
            validation_score=val_score,
            learning_rate=float(self._optimizer.learning_rate) if self._optimizer else None,
            seconds=time.perf_counter() - started,
        )
        stop = False
        if self.callbacks:
            self._recorder.flush()
            stop = callbacks.epoch_end(self.callbacks, self, self.history_[-1])
        return stop

    def _check_finite(self, net: Network, loss: float, epoch: int) -> None:
        if np.isfinite(loss) and np.isfinite(net.params).all():
            return
        for name in ("coefs_", "intercepts_"):
            self.__dict__.pop(name, None)
        self._diverged_at = epoch
        if self.solver == "lbfgs":
            where = "in L-BFGS"
            advice = "scale the inputs (StandardScaler), raise alpha, or try solver='adam'"
        else:
            where = f"at epoch {epoch}"
            advice = (
                f"lower learning_rate_init (now {self.learning_rate_init}), set "
                "clip_grad_norm (for example 1.0), or scale the inputs (StandardScaler)"
            )
        raise TrainingDivergedError(
            f"Training diverged {where}: the loss became {loss} and the weights are no "
            f"longer finite. Try: {advice}. The model is left unfitted; history_ keeps "
            "the record of the epochs before it diverged."
        )

    def _fit_lbfgs(self, net: Network, X: Any, Y: Array, sw: Array | None, stacklevel: int) -> None:
        def loss_and_grad(x: Array) -> tuple[float, Array]:
            net.params[:] = x
            loss = net.loss_and_gradient(X, Y, sw, self.alpha)
            return loss, net.grads.astype(np.float64)

        started = [time.perf_counter()]
        recorder = self._recorder
        recorder.start_epoch(X.shape[0])

        def on_iteration(intermediate_result: scipy.optimize.OptimizeResult) -> None:
            loss = float(intermediate_result.fun)
            self.loss_curve_.append(loss)
            if self.verbose:
                print(f"Iteration {len(self.loss_curve_)}, loss = {loss:.8f}")
            # The work arrays hold the line search's last evaluation: the new iterate.
            recorder.after_batch()
            stop = self._record(loss, None, None, started[0])
            recorder.start_epoch(X.shape[0])
            started[0] = time.perf_counter()
            if stop:
                raise StopIteration

        result = scipy.optimize.minimize(
            loss_and_grad,
            net.params.astype(np.float64),
            method="L-BFGS-B",
            jac=True,
            callback=on_iteration,
            options={"maxfun": self.max_fun, "maxiter": self.max_iter, "gtol": self.tol},
        )
        if result.status not in (0, 99) and not (
            result.status == 2 and "callback" in str(result.message)
        ):
            warnings.warn(
                f"lbfgs failed to converge after {result.nit} iteration(s) "
                f"(status={result.status}): {result.message}. Increase the number of "
                "iterations (max_iter) or scale the data (StandardScaler).",
                ConvergenceWarning,
                stacklevel=stacklevel,
            )
        self.n_iter_ = min(result.nit, self.max_iter)
        self.loss_ = float(result.fun)
        self.best_loss_ = min(self.best_loss_ or np.inf, self.loss_)
        net.params[:] = result.x
        self._check_finite(net, self.loss_, self.n_iter_)

    # ------------------------------------------------------------ prediction

    def _forward(self, X: Any) -> Array:
        out, _ = forward(
            X,
            self.coefs_,
            self.intercepts_,
            self._hidden_acts,
            OUTPUT_ACTIVATIONS[self.out_activation_],
        )
        if not np.isfinite(out).all():
            rows = np.flatnonzero(~np.isfinite(out).all(axis=1))
            raise ValueError(
                f"The network's output is not finite for {rows.size} rows (first: "
                f"{rows[:5].tolist()}): their values are too large for the weights. "
                "Scale the inputs the same way as the training data."
            )
        return out

    # ------------------------------------------------------------ display

    @property
    def _repr_html_(self) -> Callable[[], str]:
        # A property, as scikit-learn's: absent (AttributeError) under
        # sklearn.set_config(display='text'). glassnet._display builds the HTML.
        return _display_slot.build("model_repr_html", self)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, str]:
        return _display_slot.build("model_mimebundle", self)

    def summary(self) -> Any:
        """Describe the network layer by layer, with each layer's health after fitting.

        Returns
        -------
        ModelSummary
            Per layer: units, activation, parameters and, from the training record's
            last epoch, the share of dead and of saturated units and the gradient norm.
            ``print`` it for a table; ``to_frame()`` for a DataFrame.
        """
        return _display_slot.build("summarize", self)


class MLPClassifier(ClassifierMixin, _BaseMLP):
    """Multi-layer perceptron classifier, a drop-in for scikit-learn's.

    Trains a feed-forward network of dense layers on the log loss with L-BFGS,
    SGD or Adam. With the default ``init='auto'`` and float64, it draws the same
    initial weights and shuffles the same way as scikit-learn's ``MLPClassifier``,
    so it learns the same weights, only faster.

    Parameters
    ----------
    hidden_layer_sizes : array-like of int, default=(100,)
        The number of units of each hidden layer; ``()`` gives logistic regression.
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
        accuracy stops improving; the best weights are kept.
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
        'lecun_normal', or 'normal' (N(0, 1) whatever the width: the naive scheme,
        kept to demonstrate saturation and explosion).
    clip_grad_norm : float or None, default=None
        Rescale each minibatch gradient whose L2 norm exceeds this value.
    dropout : float or list of float, default=0.0
        Probability of dropping each hidden unit during training (inverted
        dropout; nothing is dropped at prediction). A list gives one per layer.
    class_weight : dict, 'balanced' or None, default=None
        Weights of the classes, multiplied into ``sample_weight``.
    callbacks : list of callable or callback objects, or None, default=None
        Called after every epoch with that epoch's record (a dict, see
        ``history_``); a callback that returns True stops training. Objects with
        ``on_train_begin(model)``, ``on_epoch_end(model, record)`` and
        ``on_train_end(model)`` reach the model too (``glassnet.callbacks``).
    dtype : {'float64', 'float32'} or None, default=None
        Floating-point type for training. None follows scikit-learn: float32
        input is trained in float32, anything else in float64.
    record : {'layers', 'epochs', 'full'}, default='layers'
        What ``history_`` keeps: 'layers' measures every layer in every epoch
        (gradient norms, dead and saturated units, activation statistics) at a
        few per cent of training time; 'epochs' only the epoch-level numbers;
        'full' adds histograms of every hidden layer's outputs.
    saturation : dict or None, default=None
        When a logistic or tanh unit counts as saturated: keys 'logistic' (output
        below it or above 1 minus it, default 0.02), 'tanh' (``|output|`` above
        it, default 0.97) and 'share' (saturated on more than this share of an
        epoch's samples, default 0.99). See ``SaturationThresholds``.
    health_warnings : bool, default=True
        Emit a ``TrainingHealthWarning`` at the end of ``fit`` when
        :meth:`diagnose` finds a severe problem.

    Attributes
    ----------
    classes_ : ndarray or list of ndarray
        Class labels.
    loss_ : float
        Loss at the end of training.
    best_loss_ : float or None
        Lowest training loss reached ('sgd', 'adam'; None with early stopping).
    loss_curve_ : list of float
        Training loss per epoch (per iteration for 'lbfgs').
    validation_scores_ : list of float or None
        Validation accuracy per epoch, with early stopping.
    validation_loss_curve_ : list of float or None
        Validation loss per epoch, with early stopping.
    best_validation_score_ : float or None
        Best validation accuracy, with early stopping.
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
        Number of output units.
    out_activation_ : str
        'logistic' (binary, multilabel) or 'softmax' (multiclass).
    history_ : TrainingHistory
        The training record: per epoch ``loss``, ``validation_loss``,
        ``validation_score``, ``learning_rate``, ``grad_norm`` (mean over the
        epoch's minibatches), ``weight_norm`` and ``seconds``; per layer and
        epoch the gradient and weight norms, update-to-weight ratio, activation
        mean and std, dead and saturated fractions; per unit the share of
        samples it was active on. A sequence of per-epoch dicts, with the same
        numbers as arrays and as tidy DataFrames (``layers_frame()``).

    See Also
    --------
    sklearn.neural_network.MLPClassifier : The estimator this one stands in for.

    Examples
    --------
    >>> from sklearn.datasets import make_moons
    >>> from glassnet import MLPClassifier
    >>> X, y = make_moons(200, noise=0.1, random_state=0)
    >>> clf = MLPClassifier((16, 8), activation="elu", max_iter=1000, random_state=0)
    >>> round(clf.fit(X, y).score(X, y), 3), clf.n_iter_
    (0.885, 346)
    """

    def __init__(
        self,
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
        class_weight: dict | str | None = None,
        callbacks: Sequence[EpochCallback] | None = None,
        dtype: Any = None,
        record: str = "layers",
        saturation: dict | None = None,
        health_warnings: bool = True,
    ) -> None:
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
        self.class_weight = class_weight
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
            Class labels, or a label-indicator matrix for multilabel targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        self : MLPClassifier
            The fitted model.
        """
        return self._fit(X, y, sample_weight, incremental=False)

    @available_if(_check_solver)
    def partial_fit(self, X: Any, y: Any, sample_weight: Any = None, classes: Any = None) -> Self:
        """Update the model with one epoch over the given data ('sgd' and 'adam').

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.
        classes : array-like of shape (n_classes,), default=None
            All classes across calls; required on the first call.

        Returns
        -------
        self : MLPClassifier
            The updated model.
        """
        if self.early_stopping:
            raise ValueError("partial_fit does not support early_stopping=True")
        if self.class_weight == "balanced":
            raise ValueError(
                "class_weight='balanced' is not supported by partial_fit: the class "
                "frequencies of one batch are not those of the data. Pass a dict."
            )
        first_call = not hasattr(self, "classes_")
        if first_call:
            if classes is None:
                raise ValueError("classes must be passed on the first call to partial_fit.")
            self._label_binarizer = LabelBinarizer()
            if type_of_target(y).startswith("multilabel"):
                self._label_binarizer.fit(y)
            else:
                self._label_binarizer.fit(classes)
            # Set here, so that a first batch lacking some classes cannot redefine them.
            self.classes_ = unique_labels(classes)
        elif classes is not None and not np.array_equal(self.classes_, unique_labels(classes)):
            raise ValueError(
                f"`classes={classes!r}` is not the same as on the first call to "
                f"partial_fit, which was {self.classes_!r}."
            )
        return self._fit(X, y, sample_weight, incremental=True)

    def predict(self, X: Any) -> Array:
        """Predict class labels.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_classes)
            Predicted labels (an indicator matrix for multilabel targets).
        """
        check_is_fitted(self)
        return self._labels(self._forward(self._check_X(X)))

    def predict_proba(self, X: Any) -> Array:
        """Probability of each class.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            Probabilities, classes ordered as in ``classes_``.
        """
        check_is_fitted(self)
        out = self._forward(self._check_X(X))
        if self.n_outputs_ == 1:
            p = out.ravel()
            return np.vstack([1 - p, p]).T
        return out

    def predict_log_proba(self, X: Any) -> Array:
        """Natural logarithm of ``predict_proba``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            Log-probabilities, classes ordered as in ``classes_``.
        """
        proba = self.predict_proba(X)
        with np.errstate(divide="ignore"):
            return np.log(proba, out=proba)

    # ------------------------------------------------------------ the targets

    def _validate_input(self, X: Any, y: Any, incremental: bool, reset: bool) -> tuple[Any, Array]:
        X, y = self._check_data(X, y, reset)
        if not hasattr(self, "classes_") or (not self.warm_start and not incremental):
            self._label_binarizer = LabelBinarizer()
            try:
                self._label_binarizer.fit(y)
            except TypeError as err:  # e.g. None among the labels: they cannot be sorted
                raise ValueError(explain_bad_target(y) or str(err)) from err
            self.classes_ = self._label_binarizer.classes_
            if len(self.classes_) < 2 and self._label_binarizer.y_type_ != "multilabel-indicator":
                only = self.classes_[0].item() if self.classes_.size else None
                raise ValueError(
                    f"y has only one class ({only!r}); a classifier needs at "
                    "least two classes to learn from. Check that you chose the right "
                    "target column and that the rows were not filtered to one class."
                )
        else:
            classes = unique_labels(y)
            if self.warm_start and not incremental:
                if set(classes) != set(self.classes_):
                    raise ValueError(
                        "warm_start can only be used where `y` has the same classes as in "
                        f"the previous call to fit. Previously got {self.classes_}, `y` "
                        f"has {classes}"
                    )
            elif len(np.setdiff1d(classes, self.classes_, assume_unique=True)):
                raise ValueError(
                    f"`y` has classes not in `self.classes_`. `self.classes_` has "
                    f"{self.classes_}. 'y' has {classes}."
                )
        # bool keeps float32 data from being upcast when subtracting targets
        return X, self._label_binarizer.transform(y).astype(bool)

    def _out_activation(self) -> str:
        return "softmax" if self._label_binarizer.y_type_ == "multiclass" else "logistic"

    def _share_targets(self, like: MLPClassifier) -> None:
        self._label_binarizer = copy.deepcopy(like._label_binarizer)
        self.classes_ = self._label_binarizer.classes_

    def _class_sample_weight(self, Y: Array, dtype: np.dtype) -> Array | None:
        if self.class_weight is None:
            return None
        if self._label_binarizer.y_type_ == "multilabel-indicator":
            raise ValueError("class_weight is not supported for multilabel targets.")
        labels = self._label_binarizer.inverse_transform(Y)
        return compute_sample_weight(self.class_weight, labels).astype(dtype)

    def _validation_score(self, proba: Array, Y: Array, sample_weight: Array | None) -> float:
        # Accuracy on indicator rows, deciding labels as LabelBinarizer does (argmax for
        # softmax, > 0.5 for logistic): the same number as accuracy_score, without
        # converting labels back and forth every epoch.
        if self.out_activation_ == "softmax":
            correct = proba.argmax(axis=1) == Y.argmax(axis=1)
        else:
            correct = ((proba > 0.5) == Y).all(axis=1)
        return float(np.average(correct, weights=sample_weight))

    def _labels(self, out: Array) -> Array:
        if self.n_outputs_ == 1:
            out = out.ravel()
        return self._label_binarizer.inverse_transform(out)
