"""The training progress bar follows the epochs as MLPClassifier reports them."""

import io

from rich.console import Console
from sklearn.datasets import make_moons

from glassnet import MLPClassifier
from glassnet.cli._progress import EpochProgress


def test_bar_counts_epochs_and_shows_the_scores():
    X, y = make_moons(200, noise=0.2, random_state=0)
    buffer = io.StringIO()
    console = Console(file=buffer, width=120, force_terminal=False)
    model = MLPClassifier((8,), max_iter=300, early_stopping=True, random_state=0)
    with EpochProgress(console, max_iter=model.max_iter) as progress:
        model.set_params(callbacks=[progress]).fit(X, y)
    assert progress.epochs == model.n_iter_ < 300  # early stopping ended it
    assert progress.last["loss"] == model.loss_curve_[-1]
    text = buffer.getvalue()
    assert f"{model.n_iter_}/{model.n_iter_}" in text  # the bar ends where training did
    assert f"validation accuracy {model.validation_scores_[-1]:.3f}" in text


def test_disabled_bar_draws_nothing_but_counts():
    X, y = make_moons(100, noise=0.2, random_state=0)
    buffer = io.StringIO()
    model = MLPClassifier((4,), max_iter=5, random_state=0)
    with EpochProgress(Console(file=buffer), max_iter=5, enabled=False) as progress:
        model.set_params(callbacks=[progress]).fit(X, y)
    assert progress.epochs == 5 and buffer.getvalue() == ""
