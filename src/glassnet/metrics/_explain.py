"""Plain-language explanations of a confusion matrix: what the counts and rates say.

``ConfusionMatrix.explain`` calls :func:`explain`; the rest are the sentences it is
built from and the small text helpers that format counts, percentages and plurals.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from glassnet.metrics._confusion import ConfusionMatrix, Number

# Nouns for which explain() says "passengers who survived" rather than "emails that".
_PERSON_NOUNS = frozenset(
    "passengers people persons patients students customers clients users applicants "
    "employees children adults men women individuals participants subjects respondents "
    "voters members players candidates borrowers".split()
)


def _count(value: Number) -> str:
    """Format a count: an int when it is whole (no weights), else two decimals."""
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


def _percent(value: float) -> str:
    return f"{100 * value:.0f} %"


def _plural(count: Number, word: str) -> str:
    return f"{_count(count)} {word}" + ("" if count == 1 else "s")


def _the(count: Number, noun: str) -> str:
    """Return 'the 36 passengers', or 'the 1 passenger' (a plain English plural)."""
    if count == 1 and noun.endswith("s") and not noun.endswith("ss"):
        noun = noun[:-1]
    return f"the {_count(count)} {noun}"


def _of_the(count: Number, noun: str) -> str:
    return f"Of {_the(count, noun)}"


def _were_right(count: Number) -> str:
    return "was right" if count == 1 else "were right"


def explain(cm: ConfusionMatrix, noun: str = "samples") -> str:
    """Say in plain sentences what ``cm`` shows (see :meth:`ConfusionMatrix.explain`).

    Parameters
    ----------
    cm : ConfusionMatrix
        The matrix to explain.
    noun : str, default='samples'
        What the samples are, in the plural ('passengers', 'emails').

    Returns
    -------
    str
        One paragraph per line.
    """
    if cm.positive_label is None:
        return "\n".join(_explain_classes(cm, noun))
    return "\n".join(_explain_positive(cm, noun))


def _accuracy_sentence(cm: ConfusionMatrix, lead: str) -> str:
    accuracy = cm.accuracy()
    baseline = cm.majority_baseline()
    sentence = (
        f"{lead} {_percent(accuracy)} accurate; always answering "
        f"'{cm.label_names[baseline.label]}' would be {_percent(baseline.accuracy)} accurate"
    )
    if accuracy <= baseline.accuracy:
        sentence += ", so it does no better than that"
    return sentence + "."


def _phrases(cm: ConfusionMatrix, noun: str) -> dict[str, str]:
    """Choose the words explain() uses for the positive and the negative class."""
    pos = cm.label_names[cm.positive_label]
    if len(cm.labels) == 2 and cm._names_given:
        # Names the user gave for two outcomes read as verbs: "passengers who survived".
        (other,) = (label for label in cm.labels.tolist() if label != cm.positive_label)
        neg = cm.label_names[other]
        who = "who" if noun.lower() in _PERSON_NOUNS else "that"
        return {
            "pos": pos,
            "are_pos": f"{who} {pos}",
            "are_neg": f"{who} {neg}",
            "said_pos": f"it said {pos}",
            "fp": f"{noun} it said {pos} {who} {neg}",
            "fn": f"{noun} it said {neg} {who} {pos}",
            "answer_neg": f"answering '{neg}'",
        }
    # Bare labels are quoted, which reads right whatever the label is; with more
    # than two classes the negative side is every other class.
    if len(cm.labels) == 2:
        (other,) = (label for label in cm.labels.tolist() if label != cm.positive_label)
        neg = f"'{cm.label_names[other]}'"
    else:
        neg = "something else"
    return {
        "pos": pos,
        "are_pos": f"labelled '{pos}'",
        "are_neg": f"labelled {neg}" if len(cm.labels) == 2 else f"not labelled '{pos}'",
        "said_pos": f"it labelled '{pos}'",
        "fp": f"labelled '{pos}' but truly {neg}",
        "fn": f"labelled {neg} but truly '{pos}'",
        "answer_neg": f"answering {neg}" if len(cm.labels) == 2 else "the other classes",
    }


def _explain_positive(cm: ConfusionMatrix, noun: str) -> list[str]:
    tn, fp, fn, tp = cm.tn, cm.fp, cm.fn, cm.tp
    words = _phrases(cm, noun)
    positives, said_positive, negatives = tp + fn, tp + fp, tn + fp
    found = (
        f"{_of_the(positives, noun)} {words['are_pos']}, the model found {_count(tp)} "
        f"(recall {tp / positives:.2f})"
        if positives
        else f"There are no {noun} {words['are_pos']}, so recall is undefined"
    )
    right = (
        f"of the {_count(said_positive)} {words['said_pos']}, {_count(tp)} "
        f"{'did' if cm._names_given and len(cm.labels) == 2 else _were_right(tp)} "
        f"(precision {tp / said_positive:.2f})"
        if said_positive
        else f"it never answered '{words['pos']}', so precision is undefined"
    )
    errors = (
        f"It made {_plural(fp, 'type I error')} (false positives: {words['fp']}) and "
        f"{_plural(fn, 'type II error')} (false negatives: {words['fn']})."
    )
    if negatives:
        errors += (
            f" {_of_the(negatives, noun)} {words['are_neg']}, it got {_count(tn)} right "
            f"(specificity {tn / negatives:.2f})."
        )
    paragraphs = [f"{found}; {right}. " + _accuracy_sentence(cm, "It is"), errors]
    if tn + fn == 0:
        recall = f"its recall of {tp / positives:.2f}" if positives else "its recall"
        paragraphs.append(
            f"Beware: it answers '{words['pos']}' for every one of the "
            f"{_count(cm.n_samples)} {noun}, so {recall} is meaningless: a model that "
            f"always answers '{words['pos']}' finds every positive without looking at the "
            "data. Judge it by precision and specificity instead."
        )
    elif said_positive == 0 and positives:
        paragraphs.append(
            f"Beware: it never answers '{words['pos']}', so it finds none of "
            f"{_the(positives, noun)} {words['are_pos']}; its accuracy comes only "
            f"from {words['answer_neg']}."
        )
    return paragraphs


def _explain_classes(cm: ConfusionMatrix, noun: str) -> list[str]:
    _, fp, fn, tp = cm._cells()
    names = [cm.label_names[label] for label in cm.labels.tolist()]
    lines = []
    for k, name in enumerate(names):
        positives, said = tp[k] + fn[k], tp[k] + fp[k]
        found = (
            f"{_of_the(positives, noun)} labelled '{name}', the model found "
            f"{_count(tp[k])} (recall {tp[k] / positives:.2f})"
            if positives
            else f"There are no {noun} labelled '{name}'"
        )
        right = (
            f"of the {_count(said)} it labelled '{name}', {_count(tp[k])} "
            f"{_were_right(tp[k])} (precision {tp[k] / said:.2f})"
            if said
            else f"it never answers '{name}'"
        )
        lines.append(f"{found}; {right}.")
    lines.append(_accuracy_sentence(cm, "Overall it is"))
    predicted = cm.matrix.sum(axis=0)
    if np.count_nonzero(predicted) == 1:
        k = int(np.argmax(predicted))
        recall = f"its recall of {tp[k] / (tp[k] + fn[k]):.2f}" if tp[k] else "its recall"
        lines.append(
            f"Beware: it answers '{names[k]}' for every one of the {_count(cm.n_samples)} "
            f"{noun}, so {recall} for '{names[k]}' is meaningless: it finds every "
            f"'{names[k]}' without looking at the data. Judge it by precision instead."
        )
    return lines
