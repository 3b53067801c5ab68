"""Evaluation results in a notebook: confusion matrices, curves, chosen thresholds."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from glassnet._display import _html as h
from glassnet._display._svg import unit_curve


def _rate(compute: Callable[[], float]) -> str:
    """Format a rate to three decimals, or a dash when it is 0/0 (scikit-learn warns then)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = compute()
    if caught:  # UndefinedMetricWarning: the denominator was 0
        return f"{h.MISSING} (0/0)"
    return h.number(value, 3)


def confusion_body(cm: Any) -> str:
    """Show a confusion matrix, cells named and rates beside, without the style sheet."""
    labels = cm.labels.tolist()
    names = [cm.label_names[label] for label in labels]
    n_samples = h.count(cm.n_samples)
    head = f"Confusion matrix: {n_samples} samples"
    if cm.positive_label is not None:
        head += f", positive class {cm.label_names[cm.positive_label]}"
    matrix = cm.matrix
    pos = labels.index(cm.positive_label) if cm.positive_label is not None else None
    binary = len(labels) == 2 and pos is not None
    cell_names = {}
    if binary:
        neg = 1 - pos
        cell_names = {
            (neg, neg): "TN",
            (neg, pos): "FP, type I error",
            (pos, neg): "FN, type II error",
            (pos, pos): "TP",
        }
    head_cells = "".join(f"<th>predicted {h.esc(name)}</th>" for name in names)
    rows = []
    for i, name in enumerate(names):
        cells = []
        for j in range(len(names)):
            tone = "gn-right" if i == j else ("gn-wrong" if matrix[i, j] else "")
            label = cell_names.get((i, j))
            tag = f'<span class="gn-cell-name">{h.esc(label)}</span>' if label else ""
            cells.append(
                f'<td class="gn-cell {tone}">{tag}<span class="gn-cell-count">'
                f"{h.esc(h.count(matrix[i, j]))}</span></td>"
            )
        rows.append(f'<tr><th class="gn-l">true {h.esc(name)}</th>{"".join(cells)}</tr>')
    grid = (
        f"<table><thead><tr><th></th>{head_cells}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
    facts = [("accuracy", _rate(cm.accuracy)), ("balanced accuracy", _rate(cm.balanced_accuracy))]
    if pos is not None:
        facts += [
            ("recall (TPR) = TP / (TP + FN)", _rate(cm.recall)),
            ("precision (PPV) = TP / (TP + FP)", _rate(cm.precision)),
            ("specificity (TNR) = TN / (TN + FP)", _rate(cm.specificity)),
            ("NPV = TN / (TN + FN)", _rate(cm.npv)),
            ("FPR, type I rate = FP / (FP + TN)", _rate(cm.fpr)),
            ("FNR, type II rate = FN / (FN + TP)", _rate(cm.fnr)),
            ("F1", _rate(cm.f1)),
        ]
    else:
        facts.append(("macro F1", _rate(lambda: cm.f1(average="macro"))))
    facts.append(("MCC", _rate(cm.mcc)))
    baseline = cm.majority_baseline()
    facts.append(
        (
            "always the majority class",
            f"{h.number(baseline.accuracy, 3)} accuracy ({cm.label_names[baseline.label]})",
        )
    )
    foot = ""
    if pos is not None and not binary:
        foot = h.footnotes(
            [
                f"{cm.label_names[cm.positive_label]} against the rest: TP = {h.count(cm.tp)}, "
                f"FP = {h.count(cm.fp)}, FN = {h.count(cm.fn)}, TN = {h.count(cm.tn)}"
            ]
        )
    return h.title(head) + f'<div class="gn-row"><div>{grid}{foot}</div>{h.facts(facts)}</div>'


def confusion_html(cm: Any) -> str:
    """Show a :class:`~glassnet.metrics.ConfusionMatrix` as a self-contained fragment."""
    return h.view(confusion_body(cm), "confusion")


def roc_html(curve: Any) -> str:
    """Show a :class:`~glassnet.metrics.RocCurve`: the curve, its area and the chance line."""
    picture = unit_curve(
        curve.fpr,
        curve.tpr,
        f"ROC curve, area {h.number(curve.auc)}",
        "false positive rate",
        "true positive rate",
        reference=((0, 0), (1, 1)),
    )
    facts = [
        ("area under the curve (AUC)", h.number(curve.auc, 4)),
        ("positive class", curve.positive_label),
        ("points", len(curve.fpr)),
        ("chance", "0.5 (the dashed diagonal)"),
    ]
    body = h.title("ROC curve") + f'<div class="gn-row">{picture}{h.facts(facts)}</div>'
    return h.view(body, "roc")


def pr_html(curve: Any) -> str:
    """Show a :class:`~glassnet.metrics.PrecisionRecallCurve`: the curve, AP, no skill."""
    p = float(curve.prevalence)
    picture = unit_curve(
        curve.recall,
        curve.precision,
        f"precision-recall curve, average precision {h.number(curve.average_precision)}",
        "recall",
        "precision",
        reference=((0, p), (1, p)),
    )
    facts = [
        ("average precision (AP)", h.number(curve.average_precision, 4)),
        ("positive class", curve.positive_label),
        ("no skill (prevalence)", f"{h.number(p, 3)} (the dashed line)"),
        ("thresholds", len(curve.thresholds)),
    ]
    body = (
        h.title("Precision-recall curve") + f'<div class="gn-row">{picture}{h.facts(facts)}</div>'
    )
    return h.view(body, "pr")


def threshold_html(choice: Any) -> str:
    """Show a :class:`~glassnet.metrics.ThresholdChoice`: the threshold, why, and its matrix."""
    facts = [
        ("predict positive when", f"score \u2265 {choice.threshold:.6g}"),
        ("chosen by", choice.criterion),
        ("criterion's value", h.number(choice.value, 4)),
        ("true positive rate (recall)", h.number(choice.tpr, 4)),
        ("false positive rate", h.number(choice.fpr, 4)),
        ("precision", h.number(choice.precision, 4)),
    ]
    body = (
        h.title(f"Threshold {choice.threshold:.6g}, chosen by {choice.criterion}")
        + h.facts(facts)
        + f'<div class="gn-section">{confusion_body(choice.confusion_matrix)}</div>'
    )
    return h.view(body, "threshold")
