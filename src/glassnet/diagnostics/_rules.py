"""The rules that turn a training record into findings.

Each rule reads the per-epoch arrays of a :class:`~glassnet.nn._history.TrainingHistory`
and the model's settings, and returns findings (or none). Thresholds are module
constants, named and explained here, so a reader can check each rule in a few lines.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from glassnet.diagnostics._findings import SEVERITIES, Finding, HealthReport
from glassnet.nn._activations import get_activation
from glassnet.nn._history import TrainingHistory

Array = np.ndarray

VANISHING_RATIO = 1e-3  # first layer's gradient norm below this times the last's ...
SUSTAINED = 0.5  # ... in at least this share of the epochs
EXPLODING_GROWTH = 100.0  # gradient norm growing by two orders of magnitude
SEVERE_SHARE = 0.5  # dead or saturated units: severe from half the layer
WARN_SHARE = 0.2  # ... a warning from a fifth
FLAT_LOSS = 0.01  # no learning: loss moved by less than 1 % of its start
SMALL_STEP = 0.01  # learning rates up to this rarely kill ReLU units by themselves
MIN_EPOCHS = 5  # the trend rules need this many epochs
OVERFIT_DROP = 0.02  # validation accuracy two points below its best ...
OVERFIT_LOSS_RISE = 0.10  # ... or validation loss 10 % above its lowest


@dataclass(frozen=True)
class Context:
    """What the rules know about the run besides its record."""

    history: TrainingHistory
    settings: dict[str, Any]
    diverged_at: int | None
    n_iter: int | None
    max_iter: int | None

    def setting(self, name: str, default: Any = None) -> Any:
        return self.settings.get(name, default)


def diagnose(model: Any) -> HealthReport:
    """Read a training record and say what went wrong, in plain language.

    Parameters
    ----------
    model : MLPClassifier or TrainingHistory
        A fitted model (or one whose training diverged: its ``history_`` is kept),
        or a training history alone (the advice is then less specific).

    Returns
    -------
    HealthReport
        Findings, most severe first: vanishing or exploding gradients,
        saturated or dead units, a network born dead, no learning, overfitting,
        not converged.

    Examples
    --------
    >>> from sklearn.datasets import make_moons
    >>> from glassnet import MLPClassifier
    >>> X, y = make_moons(300, noise=0.2, random_state=0)
    >>> model = MLPClassifier((16, 8), max_iter=500, random_state=0).fit(X, y)
    >>> print(model.diagnose())
    Training health: no problem found in ... epochs.
    """
    if isinstance(model, TrainingHistory):
        context = Context(model, {}, None, None, None)
    else:
        history = getattr(model, "history_", None)
        if not isinstance(history, TrainingHistory):
            raise ValueError("This model has no training record yet: call fit before diagnose().")
        context = Context(
            history,
            model.get_params(),
            getattr(model, "_diverged_at", None),
            getattr(model, "n_iter_", None),
            model.max_iter,
        )
    findings: list[Finding] = []
    if len(context.history):
        for rule in RULES:
            findings.extend(rule(context))
    codes = {f.code for f in findings}
    if "born_dead" in codes:  # its flat loss is explained already
        findings = [f for f in findings if f.code != "no_learning"]
    if any(f.code == "dead_units" and f.severity == "severe" for f in findings):
        # Dead units pass no gradient back: the small first-layer gradient is theirs.
        findings = [f for f in findings if f.code != "vanishing_gradients"]
    findings.sort(key=lambda f: SEVERITIES.index(f.severity))
    return HealthReport(findings, len(context.history))


# ---------------------------------------------------------------- helpers


def _epochs_where(mask: Array) -> tuple[int, int] | None:
    """First and last epoch (1-based) where ``mask`` holds."""
    hits = np.flatnonzero(mask)
    return None if hits.size == 0 else (int(hits[0]) + 1, int(hits[-1]) + 1)


def _since(mask: Array) -> int | None:
    """Return the epoch (1-based) from which ``mask`` holds to the end, or None."""
    if mask.size == 0 or not mask[-1]:
        return None
    broken = np.flatnonzero(~mask)
    return int(broken[-1]) + 2 if broken.size else 1


def _fold(growth: float) -> str:
    """Say how much something grew: '300-fold', or 'by 12 orders of magnitude'."""
    if growth < 1e4:
        return f"{growth:.0f}-fold"
    return f"by {np.log10(growth):.0f} orders of magnitude"


def _lr_advice(ctx: Context, verb: str = "lower") -> str:
    lr = ctx.setting("learning_rate_init")
    now = f" (now {lr})" if lr is not None else ""
    return f"{verb} learning_rate_init{now}"


def _layers(ctx: Context) -> bool:
    return ctx.history.has_layers


# ---------------------------------------------------------------- rules


def vanishing_gradients(ctx: Context) -> list[Finding]:
    h = ctx.history
    if not _layers(ctx) or len(h.layer_names) < 3:
        return []
    norms = h.layer_grad_norm
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = norms[:, 0] / norms[:, -1]
    small = ratio < VANISHING_RATIO
    if small.mean() < SUSTAINED or not np.isfinite(ratio).any():
        return []
    median = float(np.nanmedian(ratio))
    acts = set(h.activations)
    advice = []
    if any(get_activation(a).family == "bounded" for a in acts):
        advice.append("activation='elu' (or 'relu') with init='he_uniform'")
        advice.append("with logistic or tanh, init='glorot_uniform' keeps the signal's scale")
    else:
        advice.append("init='he_uniform' for the ReLU family, 'glorot_uniform' otherwise")
    advice += ["fewer hidden layers", "scale the inputs (StandardScaler)"]
    return [
        Finding(
            "vanishing_gradients",
            "severe",
            "Vanishing gradients",
            h.layer_names[0],
            _epochs_where(small),
            {"median first/last gradient ratio": median, "epochs": int(small.sum())},
            f"its gradient was below {VANISHING_RATIO:g} times the output layer's in "
            f"{int(small.sum())} of {len(h)} epochs (median ratio {median:.1e})",
            "The error signal shrinks each time it passes back through a layer (each "
            "multiplies it by the activation's slope, at most 0.25 for the sigmoid), so "
            "the first layers barely learn.",
            advice,
        )
    ]


def exploding_gradients(ctx: Context) -> list[Finding]:
    h = ctx.history
    norms = h.grad_norm
    finite = np.isfinite(norms) & (norms > 0)
    diverged = ctx.diverged_at is not None
    growth = 0.0
    if finite.sum() >= 2:
        first = norms[finite][0]
        growth = float(np.max(norms[finite]) / first)
    if not diverged and growth < EXPLODING_GROWTH:
        return []
    layer = None
    if _layers(ctx) and len(h) >= 2:
        per_layer = h.layer_grad_norm
        with np.errstate(divide="ignore", invalid="ignore"):
            layer_growth = np.nanmax(per_layer, axis=0) / per_layer[0]
        if np.isfinite(layer_growth).any():
            layer = h.layer_names[int(np.nanargmax(layer_growth))]
    peak = int(np.nanargmax(np.where(finite, norms, -np.inf))) + 1 if finite.any() else None
    if diverged:
        summary = (
            f"training diverged at epoch {ctx.diverged_at}: the loss and weights stopped "
            "being finite"
            + (f" after the gradient norm grew {_fold(growth)}" if growth > 1 else "")
        )
    else:
        summary = (
            f"the gradient norm grew {_fold(growth)}, from {norms[finite][0]:.3g} to "
            f"{np.max(norms[finite]):.3g} (epoch {peak})"
        )
    clip = ctx.setting("clip_grad_norm")
    advice = [
        "clip_grad_norm=1.0" if clip is None else f"a smaller clip_grad_norm (now {clip})",
        _lr_advice(ctx),
        "init='he_uniform' or 'glorot_uniform' instead of large initial weights",
        "scale the inputs (StandardScaler)",
    ]
    return [
        Finding(
            "exploding_gradients",
            "severe",
            "Exploding gradients",
            layer,
            (1, ctx.diverged_at or len(h)),
            {"growth": growth, "diverged at epoch": ctx.diverged_at},
            summary,
            "Each layer multiplies the error signal by its weights; with large weights "
            "the product grows layer after layer, the steps overshoot and training "
            "becomes unstable.",
            advice,
        )
    ]


def saturation(ctx: Context) -> list[Finding]:
    h = ctx.history
    if not _layers(ctx):
        return []
    out = []
    sat = h.saturated_fraction
    share = h.thresholds.share
    for i, act in enumerate(h.activations):
        if get_activation(act).family != "bounded":
            continue
        frac = sat[:, i]
        last = float(frac[-1])
        if not np.isfinite(last) or last < WARN_SHARE:
            continue
        severity = "severe" if last >= SEVERE_SHARE else "warning"
        since = _since(frac >= WARN_SHARE) or len(h)
        units = h.units[i + 1]
        limits = (
            f"below {h.thresholds.logistic:g} or above {1 - h.thresholds.logistic:g}"
            if act == "logistic"
            else f"beyond ±{h.thresholds.tanh:g}"
        )
        out.append(
            Finding(
                "saturation",
                severity,
                "Saturated units",
                h.layer_names[i],
                (since, len(h)),
                {"saturated fraction": last, "units": units, "since epoch": since},
                f"{last:.0%} of its {units} {act} units were saturated (output {limits} "
                f"on more than {share:.0%} of the samples) since epoch {since}",
                "A saturated unit sits on the flat end of its S-curve: its slope is almost "
                "0, so it passes almost no gradient back and hardly learns (Glorot & "
                "Bengio 2010).",
                [
                    "activation='elu' or 'relu' with init='he_uniform'",
                    "init='glorot_uniform' (scaled to the layer's width)",
                    "scale the inputs (StandardScaler)",
                    _lr_advice(ctx),
                ],
            )
        )
    return out


def dead_units(ctx: Context) -> list[Finding]:
    h = ctx.history
    if not _layers(ctx):
        return []
    out = []
    dead = h.dead_fraction
    for i, act in enumerate(h.activations):
        if not get_activation(act).mask_derivative:
            continue  # the rest of the ReLU family keeps a gradient for negative inputs
        frac = dead[:, i]
        last = float(frac[-1])
        if not np.isfinite(last) or last < WARN_SHARE:
            continue
        since = _since(frac >= WARN_SHARE) or len(h)
        if since == 1 and last >= 1.0:
            continue  # born dead: reported by its own rule
        units = h.units[i + 1]
        severity = "severe" if last >= SEVERE_SHARE else "warning"
        lr = ctx.setting("learning_rate_init")
        if lr is not None and lr <= SMALL_STEP:
            # Small steps rarely kill units: they were most likely dead from the start.
            cause = "with steps this small, the initial weights most likely put them there"
            advice = [
                "init='he_uniform'",
                "activation='leaky_relu' or 'elu'",
                "another random_state",
            ]
        else:
            cause = "often a too-large step pushed its bias far negative"
            advice = [_lr_advice(ctx), "activation='leaky_relu' or 'elu'", "init='he_uniform'"]
        trickle = ""
        if i > 0 and last >= SEVERE_SHARE:
            trickle = (
                " The death trickles through the network: the layers below get almost "
                "no gradient through this one"
                + (", and the layers above see a constant input." if last >= 1.0 else ".")
            )
        out.append(
            Finding(
                "dead_units",
                severity,
                "Dead ReLU units",
                h.layer_names[i],
                (since, len(h)),
                {"dead fraction": last, "units": units, "since epoch": since},
                f"{last:.0%} of its {units} relu units never fired after epoch {since} (dead)",
                "A dead ReLU unit outputs 0 for every sample, so its gradient is 0 and it "
                f"stops learning for good; {cause}." + trickle,
                advice,
            )
        )
    return out


def born_dead(ctx: Context) -> list[Finding]:
    h = ctx.history
    first_norm = h.grad_norm[0]
    dead_layer = None
    if _layers(ctx):
        dead = h.dead_fraction
        for i, act in enumerate(h.activations):
            if get_activation(act).mask_derivative and dead.shape[0] and dead[0, i] >= 1.0:
                dead_layer = h.layer_names[i]
                break
    if dead_layer is None and not (np.isfinite(first_norm) and first_norm == 0.0):
        return []
    return [
        Finding(
            "born_dead",
            "severe",
            "Network born dead",
            dead_layer,
            (1, len(h)),
            {"first gradient norm": float(first_norm)},
            "the network's output was constant from the first epoch"
            + (f": every unit of {dead_layer} was dead from the start" if dead_layer else ""),
            "No input changes the output, so there is no gradient to learn from; the "
            "initial weights or the inputs' scale put every unit in its flat region.",
            [
                "init='he_uniform'",
                "activation='leaky_relu' or 'elu'",
                "scale the inputs (StandardScaler)",
                "another random_state",
            ],
        )
    ]


def no_learning(ctx: Context) -> list[Finding]:
    h = ctx.history
    loss = h.loss
    if len(loss) < MIN_EPOCHS or not np.isfinite(loss).all() or loss[0] <= 0:
        return []
    moved = (np.max(loss) - np.min(loss)) / abs(loss[0])
    if moved >= FLAT_LOSS:
        return []
    return [
        Finding(
            "no_learning",
            "severe",
            "No learning",
            None,
            (1, len(h)),
            {"first loss": float(loss[0]), "last loss": float(loss[-1]), "change": moved},
            f"the training loss stayed at {loss[0]:.4g} (moved by {moved:.1%} over "
            f"{len(h)} epochs)",
            "The weights change but the predictions do not improve: the steps are too "
            "small, the gradient does not reach the weights, or the inputs carry "
            "nothing the network can use.",
            [
                _lr_advice(ctx, "raise"),
                "scale the inputs (StandardScaler)",
                "check that the target column is the one you meant",
            ],
        )
    ]


def overfitting(ctx: Context) -> list[Finding]:
    if ctx.setting("early_stopping") is False:
        return []  # no validation rows, no validation numbers to read
    h = ctx.history
    score, val_loss, loss = h.validation_score, h.validation_loss, h.loss
    if len(h) < MIN_EPOCHS or not np.isfinite(score).any():
        return []
    best = int(np.nanargmax(score))
    drop = float(np.nanmax(score) - score[-1])
    lowest = int(np.nanargmin(val_loss))
    rise = float(val_loss[-1] / val_loss[lowest] - 1) if val_loss[lowest] > 0 else 0.0
    train_falling = loss[-1] < loss[min(best, lowest)]
    if not train_falling or (drop < OVERFIT_DROP and rise < OVERFIT_LOSS_RISE):
        return []
    peak = min(best, lowest) + 1
    return [
        Finding(
            "overfitting",
            "warning",
            "Overfitting",
            None,
            (peak, len(h)),
            {
                "best validation accuracy": float(np.nanmax(score)),
                "best epoch": best + 1,
                "last validation accuracy": float(score[-1]),
                "validation loss rise": rise,
            },
            f"validation accuracy peaked at {np.nanmax(score):.3f} in epoch {best + 1} "
            f"and ended at {score[-1]:.3f}, while the training loss kept falling",
            "The network is learning the training rows by heart rather than the pattern "
            "that carries over to new rows.",
            [
                "raise alpha (L2 penalty)",
                "fewer or smaller hidden layers",
                "dropout=0.1",
                "early_stopping=True keeps the best epoch's weights",
            ],
        )
    ]


def not_converged(ctx: Context) -> list[Finding]:
    h = ctx.history
    if ctx.diverged_at is not None or ctx.n_iter is None or ctx.n_iter < ctx.max_iter:
        return []
    loss = h.loss
    tail = max(2, len(loss) // 10)
    if len(loss) < 2 or not np.isfinite(loss[-tail:]).all():
        return []
    recent = float(loss[-tail] - loss[-1])
    if recent <= 0:
        return []
    return [
        Finding(
            "not_converged",
            "warning",
            "Not converged",
            None,
            (len(h) - tail + 1, len(h)),
            {"max_iter": ctx.max_iter, "loss drop over the last epochs": recent},
            f"training stopped at max_iter={ctx.max_iter} while the loss was still "
            f"falling ({loss[-tail]:.4g} to {loss[-1]:.4g} over the last {tail} epochs)",
            "More epochs would likely lower the loss further.",
            [f"raise max_iter (now {ctx.max_iter})", _lr_advice(ctx, "raise")],
        )
    ]


RULES: list[Callable[[Context], list[Finding]]] = [
    born_dead,
    exploding_gradients,
    vanishing_gradients,
    saturation,
    dead_units,
    no_learning,
    overfitting,
    not_converged,
]
