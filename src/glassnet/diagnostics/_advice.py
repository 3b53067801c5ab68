"""What to try, as data: one :class:`Advice` per parameter, in two dialects.

A rule says what to change (``Advice("learning_rate_init", direction="lower",
now=0.3)``), not how to spell it: the same advice reads
``lower learning_rate_init (now 0.3)`` in Python and ``lower --learning-rate (now
0.3)`` on the command line. :func:`merge_advice` joins the advice of a whole report so
that each parameter is named once, in the direction of the most likely cause.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from glassnet.diagnostics._findings import Finding

Dialect = Literal["python", "cli"]
DIALECTS: tuple[str, ...] = ("python", "cli")

# MLPClassifier's parameter -> the option of `glassnet train` that sets it.
CLI_OPTIONS: dict[str, str] = {
    "hidden_layer_sizes": "--hidden",
    "activation": "--activation",
    "solver": "--solver",
    "batch_size": "--batch-size",
    "learning_rate_init": "--learning-rate",
    "max_iter": "--max-iter",
    "n_iter_no_change": "--n-iter-no-change",
    "early_stopping": "--early-stopping",
    "random_state": "--seed",
    "init": "--init",
    "clip_grad_norm": "--clip-grad-norm",
    "alpha": "--alpha",
    "dropout": "--dropout",
    "class_weight": "--class-weight",
    "momentum": "--momentum",
    "tol": "--tol",
    "validation_fraction": "--validation-fraction",
}

# Advice about the data rather than a parameter: its words in each dialect.
DATA_ADVICE: dict[str, dict[str, str]] = {
    "scale": {
        "python": "scale the inputs (StandardScaler)",
        "cli": "--scale standard",
    },
    "target": {
        "python": "check that y is the target you meant",
        "cli": "check that --target names the column you meant",
    },
}


@dataclass(frozen=True)
class Advice:
    """One thing to try: a parameter to set or move, said in either dialect.

    Attributes
    ----------
    parameter : str
        A parameter of ``MLPClassifier`` (``'learning_rate_init'``, ``'init'``, ...),
        or ``'scale'`` (scale the inputs) or ``'target'`` (check the target).
    value : object or tuple, optional
        The value to set; a tuple gives alternatives (``('leaky_relu', 'elu')``).
    direction : str, optional
        Which way to move the parameter instead: ``'lower'``, ``'raise'``, or for
        ``hidden_layer_sizes`` ``'fewer'``.
    now : object, optional
        The parameter's current value, shown next to a direction.
    note : str
        A few words on why or how, the same in both dialects.
    condition : str
        When the advice applies, if the record cannot tell (``'if the inputs are not
        scaled yet'``).
    findings : tuple of str
        Filled by :func:`merge_advice`: the findings this advice answers.
    overruled : tuple of str
        Filled by :func:`merge_advice`: findings that, alone, would have advised the
        other way.
    """

    parameter: str
    value: Any = None
    direction: str | None = None
    now: Any = None
    note: str = ""
    condition: str = ""
    findings: tuple[str, ...] = ()
    overruled: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[Any, ...]:
        """What the advice asks for: two pieces of advice agree when their keys match."""
        return (self.parameter, self.direction, self.value)

    def agrees(self, other: Advice) -> bool:
        """Tell whether ``other`` asks the same of the same parameter.

        The same direction, or values in common: ``init='he_uniform'`` agrees with
        ``init='he_uniform' or 'glorot_uniform'``.
        """
        if self.parameter != other.parameter or self.direction != other.direction:
            return False
        if self.direction is not None:
            return True
        return bool(set(_alternatives(self.value)) & set(_alternatives(other.value)))

    def text(self, dialect: Dialect = "python") -> str:
        """Say the advice, e.g. ``init='he_uniform'`` or ``--init he_uniform``.

        Parameters
        ----------
        dialect : {'python', 'cli'}
            Parameter names (``learning_rate_init``) or ``glassnet train``'s options
            (``--learning-rate``).

        Returns
        -------
        str
        """
        _check_dialect(dialect)
        if self.parameter in DATA_ADVICE:
            words = DATA_ADVICE[self.parameter][dialect]
        elif self.direction is not None:
            words = f"{self.direction} {_name(self.parameter, dialect)}"
            if self.now is not None:
                words += f" (now {_value(self.now, dialect)})"
        else:
            words = _setting(self.parameter, self.value, dialect)
        if self.note:
            words += f" ({self.note})"
        if self.condition:
            words = f"{self.condition}: {words}"
        return words


def translate(text: str, dialect: Dialect) -> str:
    """Say a finding's sentence in ``dialect``: parameters as ``glassnet train``'s options.

    ``learning_rate_init=0.3`` becomes ``--learning-rate 0.3`` and a bare
    ``max_iter`` becomes ``--max-iter``; Python's words are returned unchanged. Bare
    names are translated only when they cannot be an English word (they hold an
    underscore): "activation" in a sentence stays a word.

    Parameters
    ----------
    text : str
    dialect : {'python', 'cli'}

    Returns
    -------
    str
    """
    _check_dialect(dialect)
    if dialect == "python":
        return text

    def setting(match: re.Match[str]) -> str:
        value = match.group(2)
        if value[0] in "'\"":
            value = value[1:-1]
        elif value[0] == "(":
            value = " ".join(v.strip() for v in value[1:-1].split(",") if v.strip())
        return f"{_name(match.group(1), 'cli')} {value}"

    text = _SETTING.sub(setting, text)
    return _BARE.sub(lambda match: _name(match.group(1), "cli"), text)


_NAMES = "|".join(sorted(CLI_OPTIONS, key=len, reverse=True))
# name=value: a quoted string, a tuple, or up to the next space or punctuation that
# ends a clause (a full stop only when a space or the end follows: 0.3. ends at 0.3).
_SETTING = re.compile(
    rf"\b({_NAMES})=('[^']*'|\"[^\"]*\"|\([^)]*\)|[^\s,;:)]+?)(?=[\s,;:)]|\.(?:\s|$)|$)"
)
_BARE = re.compile(rf"\b({'|'.join(n for n in CLI_OPTIONS if '_' in n)})\b(?!=)")


def merge_advice(findings: Iterable[Finding]) -> list[Advice]:
    """Join the advice of findings, most likely cause first: one entry per parameter.

    The findings come most likely cause first (as :func:`diagnose` orders them). The
    first finding to name a parameter decides what it says about it; a later one that
    asks the same is added to its ``findings``, one that asks otherwise (the other
    direction, another value) to its ``overruled``.

    Parameters
    ----------
    findings : iterable of Finding

    Returns
    -------
    list of Advice
        In the order they were first advised.
    """
    merged: dict[str, Advice] = {}
    for finding in findings:
        label = finding.label
        for advice in finding.actions:
            first = merged.get(advice.parameter)
            if first is None:
                merged[advice.parameter] = replace(advice, findings=(label,), overruled=())
            elif first.agrees(advice):
                if label not in first.findings:
                    merged[advice.parameter] = replace(first, findings=(*first.findings, label))
            elif label not in first.overruled and label not in first.findings:
                merged[advice.parameter] = replace(first, overruled=(*first.overruled, label))
    return list(merged.values())


def _alternatives(value: Any) -> tuple[Any, ...]:
    return value if isinstance(value, tuple) else (value,)


def _check_dialect(dialect: str) -> None:
    if dialect not in DIALECTS:
        raise ValueError(
            f"dialect {dialect!r} is not one of {', '.join(map(repr, DIALECTS))}: 'python' "
            "names MLPClassifier's parameters, 'cli' the options of glassnet train."
        )


def _name(parameter: str, dialect: Dialect) -> str:
    if dialect == "cli":
        return CLI_OPTIONS.get(parameter, "--" + parameter.replace("_", "-"))
    return parameter


def _value(value: Any, dialect: Dialect) -> str:
    """Write a value as the dialect does: ``(16, 8)`` / ``16 8``, ``'relu'`` / ``relu``."""
    if dialect == "python":
        return repr(value)
    if isinstance(value, tuple | list):
        return " ".join(str(v) for v in value)
    return str(value)


def _setting(parameter: str, value: Any, dialect: Dialect) -> str:
    """``init='he_uniform'`` / ``--init he_uniform``; a tuple of values as alternatives."""
    values = value if isinstance(value, tuple) else (value,)
    if dialect == "python":
        return f"{parameter}=" + " or ".join(repr(v) for v in values)
    option = _name(parameter, dialect)
    if len(values) == 1 and values[0] is True:
        return option  # a flag: --early-stopping
    return f"{option} " + " or ".join(_value(v, dialect) for v in values)
