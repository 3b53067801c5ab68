"""Metrics with their direction, the public/private split, and the Ladder.

Labels are compared as text (``"0"``, ``"1"``, ``"yes"``), the way they sit in the
database; probability metrics take each row's probability of the positive label.
The numbers come from ``glassnet.metrics`` and ``sklearn.metrics``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from sklearn import metrics as skm

from glassnet.metrics import roc_auc


@dataclass(frozen=True)
class Metric:
    """A competition metric.

    Attributes
    ----------
    name : str
        Its name on the command line and in the API.
    greater_is_better : bool
        Its direction: accuracy up, log loss down.
    wants : {"labels", "probabilities"}
        What a submission holds: one label per row, or the positive label's probability.
    score : callable
        ``score(y_true, predictions, positive_label) -> float``.
    losses : callable
        Per-row losses (lower is better), whose spread is the Ladder's noise.
    """

    name: str
    greater_is_better: bool
    wants: Literal["labels", "probabilities"]
    score: Callable[[np.ndarray, np.ndarray, str], float]
    losses: Callable[[np.ndarray, np.ndarray, str], np.ndarray]

    def better(self, score: float, than: float) -> float:
        """How much better `score` is than `than` (negative when worse)."""
        return score - than if self.greater_is_better else than - score


def _f1(y: np.ndarray, labels: np.ndarray, positive: str) -> float:
    if len(np.unique(y)) <= 2:
        return float(skm.f1_score(y, labels, pos_label=positive, zero_division=0))
    return float(skm.f1_score(y, labels, average="macro", zero_division=0))


def _errors(y: np.ndarray, labels: np.ndarray, _positive: str) -> np.ndarray:
    return (y != labels).astype(float)


def _log_losses(y: np.ndarray, p: np.ndarray, positive: str) -> np.ndarray:
    # Clipped as sklearn's log_loss clips, so that a confident wrong answer stays finite.
    eps = np.finfo(np.float64).eps
    p = np.clip(p.astype(np.float64), eps, 1 - eps)
    return -np.where(y == positive, np.log(p), np.log1p(-p))


def _squared_errors(y: np.ndarray, p: np.ndarray, positive: str) -> np.ndarray:
    return (p - (y == positive)) ** 2


METRICS: dict[str, Metric] = {
    m.name: m
    for m in [
        Metric(
            "accuracy", True, "labels", lambda y, q, _: float(skm.accuracy_score(y, q)), _errors
        ),
        Metric("f1", True, "labels", _f1, _errors),
        Metric(
            "balanced_accuracy",
            True,
            "labels",
            lambda y, q, _: float(skm.balanced_accuracy_score(y, q)),
            _errors,
        ),
        Metric(
            "roc_auc",
            True,
            "probabilities",
            lambda y, p, pos: float(roc_auc(y, p, positive_label=pos)),
            _squared_errors,
        ),
        Metric(
            "log_loss",
            False,
            "probabilities",
            lambda y, p, pos: float(skm.log_loss(y == pos, p, labels=[False, True])),
            _log_losses,
        ),
    ]
}


def get_metric(name: str) -> Metric:
    """Look a metric up by name; an unknown name gets the list of valid ones."""
    try:
        return METRICS[name]
    except KeyError:
        raise ValueError(f"unknown metric {name!r}; choose one of {', '.join(METRICS)}.") from None


def stratified_public_mask(labels: np.ndarray, fraction: float, seed: int) -> np.ndarray:
    """Draw the public rows: `fraction` of each label's rows, at random.

    Parameters
    ----------
    labels : numpy.ndarray of str
        The hidden labels, one per row.
    fraction : float
        Share of rows in the public part, in (0, 1).
    seed : int
        Seed of the draw, so that the same call draws the same rows.

    Returns
    -------
    numpy.ndarray of bool
        True for public rows.
    """
    if not 0 < fraction < 1:
        raise ValueError(f"--public-fraction must lie between 0 and 1; received {fraction}.")
    rng = np.random.default_rng(seed)
    public = np.zeros(len(labels), dtype=bool)
    for label in np.unique(labels):
        rows = rng.permutation(np.flatnonzero(labels == label))
        count = round(fraction * len(rows))
        if len(rows) >= 2:  # keep every label in both parts when it can be
            count = min(max(count, 1), len(rows) - 1)
        public[rows[:count]] = True
    return public


def ladder_threshold(
    metric: Metric, y: np.ndarray, new: np.ndarray, best: np.ndarray, positive: str
) -> float:
    """Compute the parameter-free Ladder's noise level for a submission against the best.

    Blum & Hardt (2015), "The Ladder: A Reliable Leaderboard for Machine Learning
    Competitions", Algorithm 2: a new score is released only when it beats the
    previous release by more than ``s / sqrt(n)``, where ``s`` is the sample standard
    deviation of the per-row loss differences between the two submissions on the
    ``n`` public rows. The paper's further rounding of the released score to a
    multiple of ``1/n`` is left to the board's display precision.

    Accuracy and log loss are averages of per-row losses (0/1 error, log loss), so
    ``s`` is the paper's. F1, balanced accuracy and ROC AUC are not: their per-row
    loss here is the 0/1 error of the labels or the squared error of the
    probabilities, which makes the threshold an estimate of their noise, not its
    exact value.

    Parameters
    ----------
    metric : Metric
        Supplies the per-row losses.
    y : numpy.ndarray
        The public rows' labels.
    new, best : numpy.ndarray
        The new submission's and the previous release's predictions on those rows.
    positive : str
        The positive label.

    Returns
    -------
    float
        ``s / sqrt(n)``.
    """
    diff = metric.losses(y, new, positive) - metric.losses(y, best, positive)
    if len(diff) < 2:
        return 0.0
    return float(np.std(diff, ddof=1) / np.sqrt(len(diff)))
