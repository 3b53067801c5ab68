"""Why training fails, shown on real runs: saturation, dead units, explosion.

Four demonstrations from the course's theory part, each a network that fails next to
the same network with the fix, and what ``diagnose()`` says about each:

(a) a deep sigmoid network saturates and its first layer's gradient vanishes; ELU
    (or tanh) with a matching initialisation trains;
(b) a ReLU network with a too-high learning rate loses most of its units; leaky ReLU
    and ELU with the same settings keep theirs;
(c) a deep network with large initial weights explodes; ``clip_grad_norm`` fixes it;
(d) a healthy network on the two moons has nothing to report.

Run it::

    python examples/training_problems.py                 # reports, pictures in ./pictures
    python examples/training_problems.py --out docs/images

The tests (``tests/test_training_problems.py``) run the same demonstrations and check
each finding and the layer it names.
"""

from __future__ import annotations

import argparse
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn.datasets import make_classification, make_moons
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from glassnet import MLPClassifier, TrainingDivergedError, TrainingHealthWarning
from glassnet.diagnostics import HealthReport


@dataclass
class Run:
    """One fitted (or diverged) network and what diagnose() says about it."""

    label: str
    model: MLPClassifier
    report: HealthReport
    accuracy: float | None  # None when training diverged


@dataclass
class Demonstration:
    """A failing network, its fixes, and the data they were trained on."""

    title: str
    bad: Run
    fixes: list[Run] = field(default_factory=list)


def tabular(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Return 1000 rows of 20 features (10 informative), standard-scaled."""
    X, y = make_classification(1000, n_features=20, n_informative=10, random_state=seed)
    return StandardScaler().fit_transform(X), y


def moons(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Return the two moons: 500 rows, noise 0.2, standard-scaled."""
    X, y = make_moons(500, noise=0.2, random_state=seed)
    return StandardScaler().fit_transform(X), y


def fit(label: str, model: MLPClassifier, X: np.ndarray, y: np.ndarray) -> Run:
    """Train (keeping a diverged model: its history_ stays) and diagnose."""
    accuracy = None
    with warnings.catch_warnings(), np.errstate(over="ignore", invalid="ignore"):
        # The failing runs overflow on purpose; their reports say so in words.
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", TrainingHealthWarning)
        try:
            accuracy = model.fit(X, y).score(X, y)
        except TrainingDivergedError:
            pass
    return Run(label, model, model.diagnose(), accuracy)


def saturation(seed: int = 0) -> Demonstration:
    """Train (a): four logistic layers, N(0, 1) weights, big Adam steps."""
    X, y = tabular(seed)
    deep = dict(
        hidden_layer_sizes=(64, 64, 64, 64),
        learning_rate_init=0.1,
        max_iter=40,
        n_iter_no_change=1000,
        random_state=seed,
    )
    return Demonstration(
        "(a) Saturated sigmoid units, vanishing gradients",
        fit(
            "logistic, init='normal'",
            MLPClassifier(activation="logistic", init="normal", **deep),
            X,
            y,
        ),
        [
            fit(
                "elu, init='he_uniform'",
                MLPClassifier(activation="elu", init="he_uniform", **deep),
                X,
                y,
            ),
            fit(
                "tanh, init='glorot_uniform'",
                MLPClassifier(activation="tanh", init="glorot_uniform", **deep),
                X,
                y,
            ),
        ],
    )


def dead_relu(seed: int = 0) -> Demonstration:
    """Train (b): three small ReLU layers with a learning rate of 0.3."""
    X, y = tabular(seed)
    hot = dict(
        hidden_layer_sizes=(8, 8, 8),
        learning_rate_init=0.3,
        max_iter=30,
        n_iter_no_change=1000,
        random_state=seed,
    )
    return Demonstration(
        "(b) Dead ReLU units",
        fit("relu", MLPClassifier(activation="relu", **hot), X, y),
        [
            fit("leaky_relu", MLPClassifier(activation="leaky_relu", **hot), X, y),
            fit("elu", MLPClassifier(activation="elu", **hot), X, y),
        ],
    )


def exploding(seed: int = 0) -> Demonstration:
    """Train (c): four ReLU layers with N(0, 1) weights, full-batch SGD."""
    X, y = tabular(seed)
    large = dict(
        hidden_layer_sizes=(64, 64, 64, 64),
        activation="relu",
        init="normal",
        solver="sgd",
        learning_rate_init=0.013,
        momentum=0.9,
        batch_size=1000,
        n_iter_no_change=1000,
        random_state=seed,
    )
    return Demonstration(
        "(c) Exploding gradients",
        fit("init='normal'", MLPClassifier(max_iter=30, **large), X, y),
        [fit("clip_grad_norm=10", MLPClassifier(max_iter=150, clip_grad_norm=10.0, **large), X, y)],
    )


def healthy(seed: int = 0) -> Demonstration:
    """Train (d): a small ELU network on the moons."""
    X, y = moons(seed)
    model = MLPClassifier(
        (16, 8),
        activation="elu",
        batch_size=32,
        learning_rate_init=0.01,
        max_iter=1000,
        random_state=seed,
    )
    return Demonstration("(d) A healthy network", fit("elu (16, 8)", model, X, y))


DEMONSTRATIONS: list[Callable[[int], Demonstration]] = [saturation, dead_relu, exploding, healthy]


def describe(demo: Demonstration) -> str:
    """Return the demonstration's runs and reports as text."""
    lines = [demo.title, "=" * len(demo.title)]
    tags = ["fails"] if demo.fixes else ["as is"]
    for tag, run in zip(tags + ["fix"] * len(demo.fixes), [demo.bad, *demo.fixes], strict=True):
        score = "diverged" if run.accuracy is None else f"training accuracy {run.accuracy:.3f}"
        lines.append(f"-- {run.label} ({tag}): {score}")
        lines.append(str(run.report))
    return "\n".join(lines)


def draw(demo: Demonstration, path: Path) -> None:
    """Save a picture: per run, gradient norms per layer and unit health over epochs."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from glassnet.diagnostics.plots import plot_gradient_norms, plot_unit_health

    runs = [demo.bad, *demo.fixes]
    fig, axes = plt.subplots(
        2, len(runs), figsize=(4.2 * len(runs), 6.4), layout="constrained", squeeze=False
    )
    for column, run in enumerate(runs):
        plot_gradient_norms(run.model, ax=axes[0, column])
        plot_unit_health(run.model, ax=axes[1, column])
        verdict = "; ".join(f.title.lower() for f in run.report.severe) or "no severe finding"
        axes[0, column].set_title(f"{run.label}\n{verdict}", fontsize=10)
    fig.suptitle(demo.title)
    fig.savefig(path, dpi=90)
    plt.close(fig)


def main() -> None:
    """Print every demonstration's reports and save its picture."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("pictures"), help="where to save PNGs")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for make in DEMONSTRATIONS:
        demo = make(0)
        print(describe(demo), end="\n\n")
        path = args.out / f"training_problems_{make.__name__}.png"
        draw(demo, path)
        print(f"picture: {path}\n")
    import matplotlib.pyplot as plt

    from glassnet.diagnostics.plots import plot_activation_gallery

    gallery = plot_activation_gallery()  # the activations and their slopes, side by side
    gallery.savefig(args.out / "activation_gallery.png", dpi=80)
    plt.close(gallery)
    print(f"picture: {args.out / 'activation_gallery.png'}")


if __name__ == "__main__":
    main()
