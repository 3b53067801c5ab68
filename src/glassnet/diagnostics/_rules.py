"""The rules that turn a training record into findings.

Each rule reads the per-epoch arrays of a :class:`~glassnet.nn._history.TrainingHistory`
and the model's settings, and returns findings (or none). Thresholds are module
constants, named and explained here, so a reader can check each rule in a few lines.

Two promises hold across the rules. The words say what the record measured (a unit
"dead in the last epoch", not "dead for good" when units of that layer came back), and
a cause is named only when the record or the settings support it. The advice is data
(:class:`~glassnet.diagnostics._advice.Advice`), merged across the findings by
:func:`diagnose` so that no parameter is told to go both ways.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from glassnet.diagnostics._advice import Advice, merge_advice
from glassnet.diagnostics._findings import SEVERITIES, Finding, HealthReport
from glassnet.nn._history import BOUNDED, RELU_FAMILY, TrainingHistory

Array = np.ndarray

VANISHING_RATIO = 1e-3  # first layer's gradient norm below this times the last's ...
SUSTAINED = 0.5  # ... in at least this share of the epochs
EXPLODING_GROWTH = 100.0  # gradient norm growing by two orders of magnitude
SEVERE_SHARE = 0.5  # dead, off or saturated units: severe from half the layer ...
WARN_SHARE = 0.2  # ... a warning from a fifth
# A network whose recent loss is below half its first epoch's (or half the chance loss,
# ln n_classes, when that is lower: a first epoch can blow up) has learned despite its
# dead or switched-off units: they cost it capacity (a warning), they do not stop it.
LEARNED_SHARE = 0.5
FLAT_LOSS = 0.01  # no learning: loss never fell (nor rose) by 1 % of its start
# Stuck at chance: the loss never went 2 % below ln(n_classes), the loss of predicting
# equal class shares without looking at the inputs (ln 2 = 0.693 for two classes).
CHANCE_MARGIN = 0.02
SMALL_STEP = 0.01  # learning rates up to this rarely kill ReLU units by themselves
MIN_EPOCHS = 5  # the trend rules need this many epochs
# Switched-off units can switch back on: they are reported once a fifth of the layer has
# been off for this many epochs in a row, not for a dip of one epoch.
OFF_EPOCHS = 5
OVERFIT_DROP = 0.02  # validation accuracy two points below its best ...
OVERFIT_LOSS_RISE = 0.10  # ... or validation loss 10 % above its lowest
# Not converged: at the rate the loss fell over the last tenth of the epochs, as many
# epochs again would lower it by at least this share; less is the creep of a loss that
# has settled, which more epochs would not visibly lower.
STILL_FALLING = 0.02
# The plateau rule: the network's training accuracy is within this of a linear model's
# on the same rows ("no better than a straight line") ...
LINEAR_MARGIN = 0.02
# ... while a curved reference (k nearest neighbours, cross-validated) beats the
# linear model (cross-validated) by at least this: the rows have a curve to learn.
CURVE_GAIN = 0.03
PLATEAU_ROWS = 2000  # the references are fitted on at most this many rows (seeded)
CURVED_NEIGHBOURS = 15  # k of the curved reference: smooth enough to ignore the noise
REFERENCE_FOLDS = 3  # cross-validation folds of both references

# What a switched-off unit (input negative on every sample) still passes back, per
# activation of the ReLU family other than relu (whose off units are dead).
OFF_SLOPE = {
    "leaky_relu": "its slope is 0.01, so it passes back a hundredth of the gradient and "
    "computes little more than 0.01 times its input",
    "elu": "its output lies between -1 and 0 and its slope, e^x, falls towards 0 as the "
    "input goes further below 0: a unit far below passes almost no gradient back, like "
    "a saturated one",
    "selu": "its slope, 1.76·e^x, falls towards 0 as the input goes further below 0: a "
    "unit far below passes almost no gradient back",
}
OFF_SLOPE_OTHER = "its slope is small for negative inputs, so it passes back little gradient"


@dataclass(frozen=True)
class Context:
    """What the rules know about the run besides its record."""

    history: TrainingHistory
    settings: dict[str, Any]
    diverged_at: int | None
    n_iter: int | None
    max_iter: int | None
    n_classes: int | None = None
    inputs_scaled: bool | None = None
    model: Any = None
    data: tuple[Any, Any] | None = None

    def setting(self, name: str, default: Any = None) -> Any:
        return self.settings.get(name, default)

    @property
    def stopped_early(self) -> bool:
        """Training ended by its stopping rule, before max_iter and without diverging."""
        return (
            self.diverged_at is None
            and self.n_iter is not None
            and self.max_iter is not None
            and self.n_iter < self.max_iter
        )


def diagnose(
    model: Any,
    X: Any = None,
    y: Any = None,
    *,
    inputs_scaled: bool | None = None,
) -> HealthReport:
    """Read a training record and say what went wrong, in plain language.

    Parameters
    ----------
    model : MLPClassifier, Pipeline or TrainingHistory
        A fitted model (or one whose training diverged: its ``history_`` is kept),
        a scikit-learn ``Pipeline`` ending in one (``X`` then goes through its other
        steps first), or a training history alone (the advice is then less specific).
    X, y : array-like, optional
        The training rows. With them, a network that stopped on a plateau no better
        than a straight line is found too (the 'plateau' finding), by fitting a
        linear and a curved reference model on at most 2000 of the rows.
    inputs_scaled : bool, optional
        Whether the inputs were scaled (the command line knows: ``--scale``). When
        None, the advice to scale them is given only when the record shows large
        inputs, or worded "if the inputs are not scaled yet".

    Returns
    -------
    HealthReport
        Findings, most severe first and, within a severity, most likely cause first:
        a network born dead, exploding gradients, dead or switched-off units,
        saturated units, vanishing gradients, no learning, a plateau, overfitting,
        not converged. Its ``advice`` merges what they advise.

    Examples
    --------
    >>> from sklearn.datasets import make_moons
    >>> from glassnet import MLPClassifier
    >>> X, y = make_moons(300, noise=0.2, random_state=0)
    >>> model = MLPClassifier((16, 8), activation="tanh", max_iter=500, random_state=0)
    >>> model = model.fit(X, y)
    >>> print(model.diagnose())
    Training health: no problem found in 220 epochs.
    >>> diagnose(model, X, y).codes()  # with the rows: no better than a straight line
    ['plateau']
    >>> print(diagnose(model, X, y).text(dialect="cli"))  # doctest: +ELLIPSIS
    Training health: 1 finding in 220 epochs.
    ...
      - raise --learning-rate (now 0.001)
    ...
    """
    if (X is None) != (y is None):
        raise ValueError("diagnose() takes the training rows as X and y together; got only one.")
    if hasattr(model, "steps") and X is not None:  # a Pipeline: the network sees X transformed
        X = model[:-1].transform(X)
    if hasattr(model, "steps"):
        model = model.steps[-1][1]
    context = _context(model, inputs_scaled, None if X is None else (X, y))
    findings: list[Finding] = []
    if len(context.history) or context.diverged_at is not None:
        for rule in RULES:
            findings.extend(rule(context))
    findings = _explained_away(findings)
    # Stable sort: within a severity, RULES' order, which puts causes before effects.
    findings.sort(key=lambda f: SEVERITIES.index(f.severity))
    merged = merge_advice(findings)
    # Each finding keeps only the advice the merge kept, so that a finding read alone
    # (the warning at the end of fit, the playground) never contradicts the report.
    kept = {a.parameter: a for a in merged}
    findings = [
        replace(f, actions=tuple(a for a in f.actions if kept[a.parameter].agrees(a)))
        for f in findings
    ]
    return HealthReport(findings, len(context.history), context.diverged_at, merged)


def _context(model: Any, inputs_scaled: bool | None, data: tuple[Any, Any] | None) -> Context:
    if isinstance(model, TrainingHistory):
        return Context(model, {}, None, None, None, inputs_scaled=inputs_scaled)
    history = getattr(model, "history_", None)
    if not isinstance(history, TrainingHistory):
        raise ValueError("This model has no training record yet: call fit before diagnose().")
    classes = getattr(model, "classes_", None)
    n_classes = len(classes) if isinstance(classes, np.ndarray) and classes.ndim == 1 else None
    return Context(
        history,
        model.get_params(),
        getattr(model, "_diverged_at", None),
        getattr(model, "n_iter_", None),
        model.max_iter,
        n_classes,
        inputs_scaled,
        model,
        data,
    )


def _explained_away(findings: list[Finding]) -> list[Finding]:
    """Drop findings that another one already explains."""
    codes = {f.code for f in findings}
    constant = any(f.code == "dead_units" and f.evidence["dead fraction"] >= 1.0 for f in findings)
    if "born_dead" in codes or constant:
        # A constant output explains the flat loss, and more epochs cannot lower it.
        findings = [f for f in findings if f.code not in ("no_learning", "not_converged")]
    if any(f.code in ("dead_units", "switched_off") and f.severity == "severe" for f in findings):
        # Dead or switched-off units pass (almost) no gradient back: the small
        # first-layer gradient is theirs.
        findings = [f for f in findings if f.code != "vanishing_gradients"]
    return findings


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


def _lr(ctx: Context, direction: str) -> Advice:
    return Advice("learning_rate_init", direction=direction, now=ctx.setting("learning_rate_init"))


def _large_step(ctx: Context) -> bool:
    lr = ctx.setting("learning_rate_init")
    return lr is not None and lr > SMALL_STEP


def _he_init(ctx: Context, note: str = "") -> list[Advice]:
    """``init='he_uniform'``, unless the network has it already."""
    if str(ctx.setting("init", "")).startswith("he_"):
        return []
    return [Advice("init", value="he_uniform", note=note)]


def _reseed(ctx: Context) -> Advice:
    return Advice("random_state", direction="another", now=ctx.setting("random_state"))


def _layers(ctx: Context) -> bool:
    return ctx.history.has_layers and len(ctx.history) > 0


def _learned(ctx: Context) -> bool:
    """Tell whether the recent training loss is below LEARNED_SHARE of where it started.

    "Recent" is the lowest of the last MIN_EPOCHS epochs, so that one noisy epoch does
    not flip the finding's severity on a growing record.
    """
    loss = ctx.history.loss
    if not len(loss) or not np.isfinite(loss[-MIN_EPOCHS:]).all() or not np.isfinite(loss[0]):
        return False
    start = float(loss[0])
    if ctx.n_classes and ctx.n_classes > 1:
        start = min(start, math.log(ctx.n_classes))
    return bool(np.min(loss[-MIN_EPOCHS:]) <= LEARNED_SHARE * start)


def _scale_advice(ctx: Context) -> list[Advice]:
    """Scale the inputs: plainly when known to be unscaled, else conditionally.

    The record cannot tell: epoch 1's outputs already carry that epoch's steps, so
    large outputs may be large inputs or large steps.
    """
    if ctx.inputs_scaled is True:
        return []
    if ctx.inputs_scaled is False:
        return [Advice("scale")]
    return [Advice("scale", condition="if the inputs are not scaled yet")]


def _count(share: float, units: int) -> str:
    return f"{round(share * units)} of its {units}"


# ---------------------------------------------------------------- rules


def born_dead(ctx: Context) -> list[Finding]:
    h = ctx.history
    if not len(h):
        return []
    first_norm = h.grad_norm[0]
    dead_layer = None
    if _layers(ctx):
        dead = h.dead_fraction
        for i, act in enumerate(h.activations):
            if act == "relu" and dead[0, i] >= 1.0:
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
            (
                *_he_init(ctx),
                Advice("activation", value=("leaky_relu", "elu")),
                *_scale_advice(ctx),
                _reseed(ctx),
            ),
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
    if _layers(ctx) and len(h) >= 2 and growth >= EXPLODING_GROWTH:
        per_layer = h.layer_grad_norm
        with np.errstate(divide="ignore", invalid="ignore"):
            layer_growth = np.nanmax(per_layer, axis=0) / per_layer[0]
        if np.isfinite(layer_growth).any():
            layer = h.layer_names[int(np.nanargmax(layer_growth))]
    peak = int(np.nanargmax(np.where(finite, norms, -np.inf))) + 1 if finite.any() else None
    if diverged and not len(h):
        summary = (
            f"training diverged in epoch {ctx.diverged_at}, before it ended: the loss and "
            "weights stopped being finite"
        )
    elif diverged:
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
    if growth >= EXPLODING_GROWTH:
        explanation = (
            "Each layer multiplies the error signal by its weights; with large weights "
            "the product grows layer after layer, the steps overshoot and training "
            "becomes unstable."
        )
    else:  # diverged without a record of the growth: say what divergence is, no more
        explanation = (
            "The steps overshot: each made the loss larger instead of smaller until the "
            "numbers overflowed. Large steps, large initial weights and large inputs all "
            "make the steps larger."
        )
    clip = ctx.setting("clip_grad_norm")
    init = ctx.setting("init")
    actions = [
        Advice("clip_grad_norm", value=1.0)
        if clip is None
        else Advice("clip_grad_norm", direction="lower", now=clip),
        _lr(ctx, "lower"),
    ]
    if init == "normal":  # N(0, 1) whatever the width: the large initial weights
        actions.append(Advice("init", value=("he_uniform", "glorot_uniform")))
    actions += _scale_advice(ctx)
    return [
        Finding(
            "exploding_gradients",
            "severe",
            "Exploding gradients",
            layer,
            (1, ctx.diverged_at or len(h)),
            {"growth": growth, "diverged at epoch": ctx.diverged_at},
            summary,
            explanation,
            tuple(actions),
        )
    ]


def dead_units(ctx: Context) -> list[Finding]:
    h = ctx.history
    if not _layers(ctx):
        return []
    out = []
    dead = h.dead_fraction
    for i, act in enumerate(h.activations):
        if act != "relu":
            continue  # the rest of the ReLU family: switched_off
        frac = dead[:, i]
        last = float(frac[-1])
        if not np.isfinite(last) or last < WARN_SHARE:
            continue
        if frac[0] >= 1.0 and last >= 1.0 and (frac >= 1.0).all():
            continue  # born dead: reported by its own rule
        out.append(_dead_finding(ctx, i, frac))
    return out


def _dead_finding(ctx: Context, i: int, frac: Array) -> Finding:
    """Describe relu layer ``i`` from its per-epoch dead shares ``frac``."""
    h = ctx.history
    units = h.units[i + 1]
    last, first = float(frac[-1]), float(frac[0])
    half_unit = 0.5 / units
    peak_at = int(np.argmax(frac))
    peak = float(frac[peak_at])
    came_back = peak > last + half_unit
    reached = _since(frac >= last - half_unit) or len(h)
    # What the record shows, in its own terms.
    n_first = round(first * units)
    story = (
        "none was dead in epoch 1"
        if n_first == 0
        else f"{n_first} of them {'was' if n_first == 1 else 'were'} dead in epoch 1"
    )
    if came_back:
        story += f", {round(peak * units)} in epoch {peak_at + 1}; some came back since"
    elif last > first + half_unit:
        story += f"; the share reached {last:.0%} in epoch {reached}"
    if i == 0:
        revival = (
            "A dead relu unit outputs 0 for every sample, so it gets no gradient; in "
            "hidden 1 its inputs are the data, which do not change, so it cannot come "
            "back by itself."
        )
    else:
        revival = (
            "A dead relu unit outputs 0 for every sample, so it gets no gradient itself; "
            "it comes back only if the layers below change what they feed it"
            + (", as some did here." if came_back else ".")
        )
    # The cause, only as far as the settings and the record support one.
    lr = ctx.setting("learning_rate_init")
    alternatives = Advice("activation", value=("leaky_relu", "elu"))
    if _large_step(ctx):
        cause = (
            f" Steps of learning_rate_init={lr} can push a unit's bias so far negative "
            "that no sample switches it on."
        )
        actions = [_lr(ctx, "lower"), alternatives, *_he_init(ctx)]
    elif first >= WARN_SHARE:
        later = last > first + half_unit  # more dead now than in epoch 1
        cause = (
            " With steps this small, the initial weights most likely put those of epoch 1 "
            "there" + ("; the record does not show why the others died." if later else ".")
        )
        actions = [*_he_init(ctx), alternatives, _reseed(ctx)]
    else:
        cause = (
            f" {'They' if n_first == 0 else 'The rest'} died during training (by epoch "
            f"{reached}), not at the start; the record does not show why."
        )
        actions = [alternatives]
    learned = _learned(ctx)
    severity = "severe" if last >= 1.0 or (last >= SEVERE_SHARE and not learned) else "warning"
    tail = ""
    if severity == "warning" and learned:
        loss = h.loss
        tail = (
            f" The network learned regardless (loss {loss[0]:.3g} to {loss[-1]:.3g}): the "
            "dead units are capacity it does not use."
        )
    elif i > 0 and last >= SEVERE_SHARE:
        tail = " Little gradient reaches the layers below through this one" + (
            ", and the layers above see a constant input." if last >= 1.0 else "."
        )
    return Finding(
        "dead_units",
        severity,
        "Dead ReLU units",
        h.layer_names[i],
        (reached, len(h)),
        {
            "dead fraction": last,
            "units": units,
            "dead in epoch 1": first,
            "peak dead fraction": peak,
            "peak epoch": peak_at + 1,
        },
        f"{_count(last, units)} relu units ({last:.0%}) were dead in the last epoch "
        f"(output 0 on every sample); {story}",
        revival + cause + tail,
        tuple(actions),
    )


def switched_off(ctx: Context) -> list[Finding]:
    """ReLU-family layers other than relu whose units are mostly switched off."""
    h = ctx.history
    if not _layers(ctx):
        return []
    out = []
    off = h.off_fraction
    for i, act in enumerate(h.activations):
        if act == "relu" or act not in RELU_FAMILY:
            continue
        frac = off[:, i]
        last = float(frac[-1])
        if not np.isfinite(last) or last < WARN_SHARE:
            continue
        units = h.units[i + 1]
        since = _since(frac >= WARN_SHARE) or len(h)
        if len(h) - since + 1 < OFF_EPOCHS:
            continue
        learned = _learned(ctx)
        severity = "severe" if last >= SEVERE_SHARE and not learned else "warning"
        actions = [_lr(ctx, "lower")] if _large_step(ctx) else []
        actions += [*_he_init(ctx), _reseed(ctx)]
        tail = ""
        if learned:
            loss = h.loss
            tail = (
                f" The network learned regardless (loss {loss[0]:.3g} to {loss[-1]:.3g}): "
                "the switched-off units are capacity it hardly uses."
            )
        elif _large_step(ctx):
            tail = (
                f" Steps of learning_rate_init={ctx.setting('learning_rate_init')} can push "
                "a unit's bias far negative."
            )
        out.append(
            Finding(
                "switched_off",
                severity,
                "Switched-off units",
                h.layer_names[i],
                (since, len(h)),
                {"off fraction": last, "units": units, "since epoch": since},
                f"{_count(last, units)} {act} units ({last:.0%}) were switched off in the "
                f"last epoch (input below 0 on every sample), a fifth of them or more in "
                f"every epoch since epoch {since}",
                f"A switched-off {act} unit is not dead: {OFF_SLOPE.get(act, OFF_SLOPE_OTHER)}"
                ", and it can switch back on." + tail,
                tuple(actions),
            )
        )
    return out


def saturation(ctx: Context) -> list[Finding]:
    h = ctx.history
    if not _layers(ctx):
        return []
    out = []
    sat = h.saturated_fraction
    share = h.thresholds.share
    for i, act in enumerate(h.activations):
        if act not in BOUNDED:
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
                (
                    Advice("activation", value=("elu", "relu")),
                    Advice(
                        "init",
                        value="he_uniform",
                        note="with elu or relu; 'glorot_uniform' if you keep " + act,
                    ),
                    *_scale_advice(ctx),
                    _lr(ctx, "lower"),
                ),
            )
        )
    return out


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
    if acts & set(BOUNDED):
        why = (
            "each multiplies it by its units' slopes: at most 0.25 for the sigmoid "
            "(logistic), at most 1 for tanh, and near 0 for saturated units"
        )
        actions = [
            Advice("activation", value=("elu", "relu")),
            Advice(
                "init",
                value="he_uniform",
                note="with elu or relu; 'glorot_uniform' with logistic or tanh",
            ),
        ]
    elif acts & set(RELU_FAMILY):
        why = (
            "each multiplies it by its units' slopes, which are 0 or small for units "
            "whose input is below 0"
        )
        actions = _he_init(ctx)
    else:
        why = "each multiplies it by its weights, which are small here"
        actions = _he_init(ctx)
    actions = [
        *actions,
        Advice(
            "hidden_layer_sizes",
            direction="fewer layers in",
            now=ctx.setting("hidden_layer_sizes"),
        ),
        *_scale_advice(ctx),
    ]
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
            f"The error signal shrinks each time it passes back through a layer ({why}), "
            "so the first layers barely learn.",
            tuple(actions),
        )
    ]


def no_learning(ctx: Context) -> list[Finding]:
    """Find a loss that stayed flat, or never beat guessing the class shares.

    Both tests only turn off as the record grows (the lowest loss only falls, the
    highest only rises), so on a growing record the finding never comes back once gone.
    """
    h = ctx.history
    loss = h.loss
    if len(loss) < MIN_EPOCHS or not np.isfinite(loss).all() or loss[0] <= 0:
        return []
    fell = (loss[0] - np.min(loss)) / loss[0]
    rose = (np.max(loss) - loss[0]) / loss[0]
    flat = fell < FLAT_LOSS and rose < FLAT_LOSS
    chance = math.log(ctx.n_classes) if ctx.n_classes and ctx.n_classes > 1 else None
    at_chance = chance is not None and np.min(loss) >= chance * (1 - CHANCE_MARGIN)
    if not (flat or at_chance):
        return []
    evidence: dict[str, Any] = {
        "first loss": float(loss[0]),
        "lowest loss": float(np.min(loss)),
        "last loss": float(loss[-1]),
        "change": float(max(fell, rose)),
    }
    if flat:
        summary = (
            f"the training loss stayed at {loss[0]:.4g} (moved by {max(fell, rose):.1%} "
            f"over {len(h)} epochs)"
        )
    else:
        evidence["chance loss"] = chance
        summary = (
            f"the training loss never went below {np.min(loss):.4g} in {len(h)} epochs; "
            f"predicting the {ctx.n_classes} classes in equal shares, without looking at "
            f"the inputs, scores ln {ctx.n_classes} = {chance:.3f}"
        )
    # Too-small steps leave the loss where it was; a loss that moved but stayed at chance
    # says nothing about the step size.
    actions = [_lr(ctx, "raise")] if flat else []
    if set(h.activations) & set(BOUNDED):
        actions += [
            Advice("activation", value=("elu", "relu")),
            Advice("init", value="he_uniform", note="with elu or relu"),
        ]
    actions += [*_scale_advice(ctx), Advice("target")]
    return [
        Finding(
            "no_learning",
            "severe",
            "No learning",
            None,
            (1, len(h)),
            evidence,
            summary,
            "The predictions are no better than a guess that ignores the inputs. The "
            "usual reasons: steps too small (or so large they undo each other), a "
            "gradient that does not reach the weights, or inputs that carry nothing "
            "the network can use.",
            tuple(actions),
        )
    ]


def plateau(ctx: Context) -> list[Finding]:
    """Find a stop on a plateau: no better than a straight line, on rows with a curve.

    Needs the training rows (``diagnose(model, X, y)``): the record alone cannot tell
    a loss that stalled at what the data allows from one that stalled on the way.
    """
    if ctx.data is None or ctx.model is None or not ctx.stopped_early or ctx.n_classes is None:
        return []
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_score
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = ctx.data
    y = np.asarray(y)
    if len(y) > PLATEAU_ROWS:  # the same rows each time the report is made
        rows = np.random.RandomState(0).choice(len(y), PLATEAU_ROWS, replace=False)
        X = X.iloc[rows] if hasattr(X, "iloc") else np.asarray(X)[rows]
        y = y[rows]
    if np.min(np.unique(y, return_counts=True)[1]) < REFERENCE_FOLDS:
        return []
    linear = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    curved = make_pipeline(StandardScaler(), KNeighborsClassifier(CURVED_NEIGHBOURS))
    linear_cv = float(cross_val_score(linear, X, y, cv=REFERENCE_FOLDS).mean())
    curved_cv = float(cross_val_score(curved, X, y, cv=REFERENCE_FOLDS).mean())
    if curved_cv < linear_cv + CURVE_GAIN:
        return []  # a straight line is as good as a curve here: nothing to beat
    linear_train = float(linear.fit(X, y).score(X, y))
    network = float(ctx.model.score(X, y))
    if network > linear_train + LINEAR_MARGIN:
        return []
    h = ctx.history
    loss = h.loss
    acts = set(h.activations)
    other = ("elu", "relu") if acts & set(BOUNDED) else ("tanh", "elu")
    patience = ctx.setting("n_iter_no_change")
    steps = [_lr(ctx, "raise"), Advice("n_iter_no_change", direction="raise", now=patience)]
    shape = [Advice("activation", value=other), *_he_init(ctx)]
    # Sigmoid-type units start near their linear middle and leave it slowly: their
    # plateau is the activation's and the initialisation's (on the two moons, elu or
    # he_uniform passes it, a ten times larger step does not); other units' is the steps'.
    actions = shape + steps if acts & set(BOUNDED) else steps + shape
    return [
        Finding(
            "plateau",
            "warning",
            "Stopped on a plateau",
            None,
            (len(h), len(h)),
            {
                "training accuracy": network,
                "linear model's training accuracy": linear_train,
                "linear model, cross-validated": linear_cv,
                "nearest neighbours, cross-validated": curved_cv,
                "stopped at epoch": len(h),
            },
            f"training stopped at epoch {len(h)} with the loss stalled at {loss[-1]:.3g}, "
            f"training accuracy {network:.3f}: no better than a linear model on the same "
            f"rows ({linear_train:.3f}), while a curved boundary does better on them "
            f"({CURVED_NEIGHBOURS} nearest neighbours, cross-validated: {curved_cv:.3f})",
            "The network has the capacity to bend its boundary but stopped before using "
            f"it: the loss improved by less than tol={ctx.setting('tol')} for {patience} "
            "epochs (n_iter_no_change), as it does "
            "on a plateau, where the gradient is small until the units start to "
            "specialise.",
            tuple(actions),
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
    # A regressor's validation score is R² (MLPRegressor), a classifier's accuracy.
    from sklearn.base import is_regressor

    name = "R²" if ctx.model is not None and is_regressor(ctx.model) else "accuracy"
    actions = [
        Advice("alpha", direction="raise", now=ctx.setting("alpha"), note="the L2 penalty"),
        Advice(
            "hidden_layer_sizes",
            direction="fewer or smaller layers in",
            now=ctx.setting("hidden_layer_sizes"),
        ),
        Advice("dropout", value=0.1),
    ]
    if not ctx.setting("early_stopping"):
        actions.append(Advice("early_stopping", value=True, note="keeps the best epoch's weights"))
    return [
        Finding(
            "overfitting",
            "warning",
            "Overfitting",
            None,
            (peak, len(h)),
            {
                f"best validation {name}": float(np.nanmax(score)),
                "best epoch": best + 1,
                f"last validation {name}": float(score[-1]),
                "validation loss rise": rise,
            },
            f"validation {name} peaked at {np.nanmax(score):.3f} in epoch {best + 1} "
            f"and ended at {score[-1]:.3f}, while the training loss kept falling",
            "The network is learning the training rows by heart rather than the pattern "
            "that carries over to new rows.",
            tuple(actions),
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
    if recent / (tail - 1) * len(loss) < STILL_FALLING * abs(loss[-1]):
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
            (Advice("max_iter", direction="raise", now=ctx.max_iter), _lr(ctx, "raise")),
        )
    ]


# In this order within a severity: causes before the effects they explain (dead or
# saturated units before the vanishing gradient they make, a flat loss after them), so
# that the merged advice follows the most likely cause.
RULES: list[Callable[[Context], list[Finding]]] = [
    born_dead,
    exploding_gradients,
    dead_units,
    switched_off,
    saturation,
    vanishing_gradients,
    no_learning,
    plateau,
    overfitting,
    not_converged,
]
