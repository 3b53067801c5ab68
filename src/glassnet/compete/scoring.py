"""Metrics with their direction, the public/private split, and the Ladder.

Labels are compared as text (``"0"``, ``"1"``, ``"yes"``), the way they sit in the
database; probability metrics take each row's probability of the positive label.
The numbers come from ``glassnet.metrics`` and ``sklearn.metrics``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
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
    losses : callable or None
        ``losses(y_true, predictions, positive_label)``: per-row losses whose mean is
        the score, or one minus it (0/1 error for accuracy, class-weighted error for
        balanced accuracy, log loss), as exact fractions: what the Ladder compares.
        None for a metric that is no such mean (F1, ROC AUC): the Ladder refuses it.
    """

    name: str
    greater_is_better: bool
    wants: Literal["labels", "probabilities"]
    score: Callable[[np.ndarray, np.ndarray, str], float]
    losses: Callable[[np.ndarray, np.ndarray, str], list[Fraction]] | None = None


def _f1(y: np.ndarray, labels: np.ndarray, positive: str) -> float:
    if len(np.unique(y)) <= 2:
        return float(skm.f1_score(y, labels, pos_label=positive, zero_division=0))
    return float(skm.f1_score(y, labels, average="macro", zero_division=0))


def _accuracy(y: np.ndarray, labels: np.ndarray) -> float:
    # sklearn's accuracy_score is this mean, after input checks (the type of target,
    # sorting the labels) that cost far more than the mean on every submission: the
    # labels here are already checked, two arrays of text of one length.
    return float(np.mean(y == labels))


def _errors(y: np.ndarray, labels: np.ndarray, _positive: str) -> list[Fraction]:
    return [Fraction(int(wrong)) for wrong in y != labels]


def _balanced_errors(y: np.ndarray, labels: np.ndarray, _positive: str) -> list[Fraction]:
    # Balanced accuracy is the mean recall of the K labels present: one minus the mean
    # of the errors weighted n / (K n_label), n_label the rows of the row's true label.
    present, counts = np.unique(y, return_counts=True)
    k = len(present)
    weight = {c: Fraction(len(y), k * int(n)) for c, n in zip(present, counts, strict=True)}
    return [weight[t] if t != p else Fraction(0) for t, p in zip(y, labels, strict=True)]


def _log_losses(y: np.ndarray, p: np.ndarray, positive: str) -> list[Fraction]:
    # Clipped as sklearn's log_loss clips, so that a confident wrong answer stays finite;
    # each float is then taken exactly as the fraction it is.
    eps = np.finfo(np.float64).eps
    p = np.clip(p.astype(np.float64), eps, 1 - eps)
    return [Fraction(v) for v in -np.where(y == positive, np.log(p), np.log1p(-p))]


METRICS: dict[str, Metric] = {
    m.name: m
    for m in [
        Metric("accuracy", True, "labels", lambda y, q, _: _accuracy(y, q), _errors),
        Metric("f1", True, "labels", _f1),
        Metric(
            "balanced_accuracy",
            True,
            "labels",
            lambda y, q, _: float(skm.balanced_accuracy_score(y, q)),
            _balanced_errors,
        ),
        Metric(
            "roc_auc",
            True,
            "probabilities",
            lambda y, p, pos: float(roc_auc(y, p, positive_label=pos)),
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


def ladder_metrics() -> list[str]:
    """Name the metrics the Ladder can guard: those that are a mean of per-row losses."""
    return [name for name, metric in METRICS.items() if metric.losses is not None]


def ladder_releases(
    metric: Metric, y: np.ndarray, new: np.ndarray, best: np.ndarray, positive: str
) -> bool:
    """Decide, exactly, whether the parameter-free Ladder releases a new public score.

    Blum & Hardt (2015), "The Ladder: A Reliable Leaderboard for Machine Learning
    Competitions", Algorithm 2: a new submission is released only when its mean loss
    on the ``n`` public rows beats the previous release's by more than ``s / sqrt(n)``,
    ``s`` the sample standard deviation of the per-row loss differences ``d`` (new
    minus previous). With ``S = sum(d)`` and ``Q = sum(d**2)``, ``s**2 = (Q - S**2 / n)
    / (n - 1)``, and ``-S / n > s / sqrt(n)`` is, squared and simplified,

        S < 0  and  S**2 > Q.

    Computed in fractions, no rounding decides it. A change of one row's loss, whatever
    its size, gives ``S**2 == Q``: never released, so probing the public labels one row
    at a time learns nothing. (In floats, the two sides of a one-row change were both
    ``1/n`` and rounding released most of them.) The paper's further rounding of the
    released score to a multiple of ``1/n`` is left to the board's display precision.

    Parameters
    ----------
    metric : Metric
        Supplies the per-row losses; a metric without them cannot be laddered.
    y : numpy.ndarray
        The public rows' labels.
    new, best : numpy.ndarray
        The new submission's and the previous release's predictions on those rows.
    positive : str
        The positive label.

    Returns
    -------
    bool
        Whether the new score is released.

    Raises
    ------
    ValueError
        For a metric that is not a mean of per-row losses.
    """
    if metric.losses is None:
        raise ValueError(
            f"the Ladder needs a metric that is a mean of per-row losses "
            f"({', '.join(ladder_metrics())}); {metric.name} is not."
        )
    pairs = zip(metric.losses(y, new, positive), metric.losses(y, best, positive), strict=True)
    diff = [a - b for a, b in pairs if a != b]
    total = sum(diff, Fraction(0))
    return total < 0 and total**2 > sum((d * d for d in diff), Fraction(0))
