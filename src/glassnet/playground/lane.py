"""One network learning on the page: glassnet's own ``MLPClassifier``, one epoch at a time.

A :class:`Lane` trains with :meth:`MLPClassifier.fit_epochs`, so after epoch k its
weights are those of ``fit`` with ``max_iter=k`` (what the exported script gives).
After each epoch it notes the numbers the curves need; when the page is due a
picture, :meth:`Lane.frame` draws the network over the plane: the decision
boundary, every hidden unit's output map, the weights, each unit's health and the
findings of :func:`glassnet.diagnose` as they stand at that epoch.
"""

from __future__ import annotations

import base64
import copy
import time
from typing import Any

import numpy as np
from sklearn.pipeline import Pipeline

from glassnet.diagnostics import diagnose
from glassnet.metrics import ConfusionMatrix
from glassnet.nn import MLPClassifier, TrainingDivergedError
from glassnet.nn._history import BOUNDED, RELU_FAMILY
from glassnet.playground.datasets import PlaneData
from glassnet.playground.spec import NetworkSpec
from glassnet.workflow.plane import PlaneFeatures, plane_features

Array = np.ndarray

# The most epochs a run trains; a student who leaves a page playing is stopped here.
MAX_EPOCHS = 50_000
BOUNDARY_GRID = 100  # the output map, as Playground draws it
UNIT_GRID = 24  # each unit's own map (Playground: 10)


class Grid:
    """Points of the plane where the maps are drawn, and their features.

    Parameters
    ----------
    extent : float
        The plane spans ``[-extent, extent]`` on both axes.
    features : list of str
        The network's input features.
    """

    def __init__(self, extent: float, features: list[str]) -> None:
        self.extent = extent
        self.boundary = plane_features(self.points(BOUNDARY_GRID), features)
        self.units = plane_features(self.points(UNIT_GRID), features)

    def points(self, size: int) -> Array:
        """``(size * size, 2)`` cell centres, row by row from the top (x2 high) down."""
        centres = (np.arange(size) + 0.5) / size * 2 * self.extent - self.extent
        x1, x2 = np.meshgrid(centres, centres[::-1])
        return np.column_stack([x1.ravel(), x2.ravel()])


def encode(values: Array) -> str:
    """Values in [0, 1] as base64 bytes 0-255: a map costs one byte a cell on the wire."""
    scaled = np.rint(np.clip(np.nan_to_num(values, nan=0.5), 0.0, 1.0) * 255)
    return base64.b64encode(scaled.astype(np.uint8).tobytes()).decode("ascii")


def signed_maps(outputs: Array) -> tuple[list[str], list[float]]:
    """Each column's map scaled by its largest magnitude to [-1, 1], then to [0, 1].

    Returns the encoded maps and the scales (0 for a unit flat at 0, a dead one).
    """
    scales = np.abs(outputs).max(axis=0)
    safe = np.where(scales > 0, scales, 1.0)
    maps = (outputs / safe + 1.0) / 2.0
    return [encode(maps[:, j]) for j in range(outputs.shape[1])], [float(s) for s in scales]


def log_loss(proba: Array, y_index: Array) -> float:
    """Mean log loss of the true classes' probabilities, clipped as scikit-learn clips."""
    eps = np.finfo(proba.dtype).eps
    p = np.clip(proba[np.arange(y_index.size), y_index], eps, 1 - eps)
    return float(-np.log(p).mean())


class Lane:
    """One network of a run, trained epoch by epoch on the run's data.

    Parameters
    ----------
    spec : NetworkSpec
        The network and its training settings.
    data : PlaneData
        The run's data.
    features : list of str
        The input features.
    seed : int
        ``random_state`` of the network.
    grid : Grid
        Where the maps are drawn.
    """

    def __init__(
        self, spec: NetworkSpec, data: PlaneData, features: list[str], seed: int, grid: Grid
    ) -> None:
        self.spec = spec
        self.data = data
        self.features = features
        self.grid = grid
        self.notes: list[str] = []
        params = spec.estimator_params(seed, MAX_EPOCHS + 1)
        n_train = len(data.y_train)
        if spec.batch_size > n_train:
            params["batch_size"] = n_train
            self.notes.append(
                f"batch size {spec.batch_size} is more than the {n_train} training rows: "
                "each step uses them all."
            )
        self.params = params
        # health_warnings: the page shows the findings; no warning for the server's log.
        self.model = MLPClassifier(**params, health_warnings=False)
        self.F_train = plane_features(data.P_train, features)
        self.F_test = plane_features(data.P_test, features)
        self._train_index = np.searchsorted(data.classes, data.y_train)
        self._test_index = np.searchsorted(data.classes, data.y_test)
        self._epochs = self.model.fit_epochs(self.F_train, data.y_train)
        self.epoch = next(self._epochs)  # 0: the initial network, drawn before training
        self.ended: str | None = None  # why this lane trains no more
        self.diverged = False
        self._series: dict[str, list] = _empty_series()
        self._sent_layers = 0  # epochs whose gradient norms the page already has
        self._first_seen: dict[tuple[str, str | None], int] = {}
        self._explained: tuple[bytes, str | None] = (b"", None)  # (matrix, its sentences)
        self._explained_at = -1.0

    # ------------------------------------------------------------ training

    def step(self) -> bool:
        """Train one epoch; False when the lane has ended (diverged, or the cap)."""
        if self.ended is not None:
            return False
        try:
            # Overflow on the way to divergence is what the page reports, in words:
            # NumPy's warnings would only reach the server's console.
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                self.epoch = next(self._epochs)
                self._note_epoch()
        except TrainingDivergedError as err:
            self.ended, self.diverged = str(err), True
            return False
        except ValueError:
            # The weights are still finite but what they compute is not: the step
            # after this one would diverge. Said so, rather than drawn as NaN.
            self.ended = (
                f"training diverged at epoch {self.epoch}: the weights grew so large that "
                "the network's outputs overflow"
            )
            self.diverged = True
            return False
        except StopIteration:  # pragma: no cover - max_iter is above the cap
            self.ended = "training ended"
            return False
        if self.epoch >= MAX_EPOCHS:
            self.ended = (
                f"stopped at epoch {MAX_EPOCHS:,}, the most a playground run trains; "
                "reset to start again"
            )
            self._epochs.close()
        return True

    def close(self) -> None:
        """Stop training (the generator releases the network's work arrays)."""
        self._epochs.close()

    def _note_epoch(self) -> None:
        proba_train = self.model.predict_proba(self.F_train)
        proba_test = self.model.predict_proba(self.F_test)
        s = self._series
        s["epoch"].append(self.epoch)
        s["loss"].append(float(self.model.loss_))
        s["train_loss"].append(log_loss(proba_train, self._train_index))
        s["test_loss"].append(log_loss(proba_test, self._test_index))
        s["train_accuracy"].append(float((proba_train.argmax(1) == self._train_index).mean()))
        s["test_accuracy"].append(float((proba_test.argmax(1) == self._test_index).mean()))

    # ------------------------------------------------------------ what the page shows

    def frame(self, final: bool = True) -> dict[str, Any]:
        """Everything the page draws of this lane now; the curves since the last frame.

        ``final``: the last frame before training pauses (it carries every sentence).
        """
        series, self._series = self._series, _empty_series()
        history = self.model.history_ if hasattr(self.model, "history_") else None
        if history is not None and len(history) > self._sent_layers:
            series["grad_norm"] = _finite(history.layer_grad_norm[self._sent_layers :])
            self._sent_layers = len(history)
        out: dict[str, Any] = {
            "epoch": self.epoch,
            "series": series,
            "ended": self.ended,
            "diverged": self.diverged,
            "findings": self._findings(),
        }
        if self.diverged or not hasattr(self.model, "coefs_"):
            return out  # no weights to draw: the page keeps the last picture
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            out |= self._pictures()
            out["health"] = self._health()
            out["confusion"] = self._confusion(final)
        return out

    def _pictures(self) -> dict[str, Any]:
        model = self.model
        proba = model.predict_proba(self.grid.boundary)
        if proba.shape[1] == 2:
            boundary = {"kind": "binary", "values": encode(proba[:, 1])}
        else:
            boundary = {
                "kind": "multiclass",
                "classes": encode(proba.argmax(1) / 255),
                "values": encode(proba.max(1)),
            }
        boundary["size"] = BOUNDARY_GRID
        units, scales = [], []
        for outputs in model.hidden_activations(self.grid.units):
            maps, layer_scales = signed_maps(outputs)
            units.append(maps)
            scales.append(layer_scales)
        return {
            "boundary": boundary,
            "units": {"size": UNIT_GRID, "maps": units, "scales": scales},
            "weights": [_finite(c) for c in model.coefs_],
            "biases": [_finite(b) for b in model.intercepts_],
        }

    def _health(self) -> list[list[str]]:
        """Per hidden unit in the last epoch: 'dead', 'off', 'saturated' or 'ok'.

        The same rules as the record's fractions (``TrainingHistory.dead_fraction``
        and its neighbours), unit by unit.
        """
        history = self.model.history_
        if not len(history) or not history.has_layers:
            return [["ok"] * units for units in self.spec.hidden]
        share = history.thresholds.share
        out = []
        for act, active in zip(history.activations, history.active_fraction, strict=True):
            last = active[-1]
            if act == "relu":
                states = np.where(last == 0, "dead", "ok")
            elif act in RELU_FAMILY:
                states = np.where(last == 0, "off", "ok")
            elif act in BOUNDED:
                states = np.where(last < 1.0 - share, "saturated", "ok")
            else:
                states = np.full(last.shape, "ok")
            out.append(states.tolist())
        return out

    def _findings(self) -> list[dict[str, Any]]:
        if not hasattr(self.model, "history_") or not len(self.model.history_):
            return []
        found = []
        for finding in diagnose(self.model):
            key = (finding.code, finding.layer)
            since = self._first_seen.setdefault(key, self.epoch)
            found.append(
                {
                    "code": finding.code,
                    "severity": finding.severity,
                    "title": finding.title,
                    "layer": finding.layer,
                    "epochs": list(finding.epochs) if finding.epochs else None,
                    "summary": finding.summary,
                    "explanation": finding.explanation,
                    "advice": list(finding.advice),
                    "message": finding.message(),
                    "seen_since": since,
                }
            )
        return found

    def _confusion(self, final: bool) -> dict[str, Any]:
        """Count the test points' confusion matrix, its named cells and rates.

        Counted here rather than by ``ConfusionMatrix``, whose scikit-learn checks cost
        more than the rest of a frame; its plain-language explanation is added when the
        frame is the last before a pause, and at most once a second while playing
        (None when the matrix has changed since).
        """
        classes = self.data.classes
        k = len(classes)
        predicted = self.model.predict_proba(self.F_test).argmax(1)
        matrix = np.bincount(self._test_index * k + predicted, minlength=k * k).reshape(k, k)
        out: dict[str, Any] = {
            "labels": [str(c) for c in classes],
            "matrix": matrix.tolist(),
            "accuracy": float(np.trace(matrix) / matrix.sum()),
        }
        if k == 2:
            (tn, fp), (fn, tp) = matrix.tolist()
            precision = tp / (tp + fp) if tp + fp else 0.0
            recall = tp / (tp + fn) if tp + fn else 0.0
            f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
            out |= {
                "cells": {"TN": tn, "FP": fp, "FN": fn, "TP": tp},
                "precision": precision,
                "recall": recall,
                "f1": f1,
            }
        key = matrix.tobytes()
        now = time.monotonic()
        if key != self._explained[0] and (final or now - self._explained_at >= 1.0):
            cm = ConfusionMatrix(
                self.data.y_test,
                classes[predicted],
                labels=classes,
                positive_label=classes[1] if k == 2 else None,
                zero_division=0,
            )
            self._explained = (key, cm.explain(noun="test points"))
            self._explained_at = now
        out["explanation"] = self._explained[1] if key == self._explained[0] else None
        return out

    # ------------------------------------------------------------ taking it home

    def pipeline(self) -> Pipeline:
        """Return the network as it is now, behind the data's filling and scaling.

        Takes the two raw input columns (a ``.glassnet`` file of it predicts from a
        CSV with those columns). Call between epochs.
        """
        if not hasattr(self.model, "coefs_"):
            raise ValueError("this network has no weights to save: its training diverged")
        steps: list[tuple[str, Any]] = []
        if self.data.imputer is not None:
            steps.append(("fill", copy.deepcopy(self.data.imputer)))
        steps.append(("scale", copy.deepcopy(self.data.scaler)))
        steps.append(("features", PlaneFeatures(self.features).fit(self.data.P_train)))
        steps.append(("network", copy.deepcopy(self.model)))
        return Pipeline(steps)


def _empty_series() -> dict[str, list]:
    keys = ("epoch", "loss", "train_loss", "test_loss", "train_accuracy", "test_accuracy")
    return {key: [] for key in keys}


def _finite(a: Array) -> list:
    """Make a JSON-safe nested list: NaN and infinities become None."""
    a = np.asarray(a, dtype=float)
    return np.where(np.isfinite(a), a, None).tolist()
