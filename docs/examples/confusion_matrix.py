# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # The confusion-matrix exercises and the ROC table
#
# The course's exercises, worked with `glassnet.metrics`: two tables of counts to read,
# a zip-code reader whose recall means nothing, and the table of thresholds a ROC
# curve is drawn from. Every number is checked against the hand computation.

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from glassnet import MLPClassifier
from glassnet.metrics import (
    ConfusionMatrix,
    ConfusionMatrixDisplay,
    RocCurveDisplay,
    roc_curve,
    threshold_table,
)


def from_counts(tn: int, fp: int, fn: int, tp: int) -> tuple[np.ndarray, np.ndarray]:
    """Return labels and predictions that make a 2 x 2 table with these counts."""
    y_true = np.repeat([0, 0, 1, 1], [tn, fp, fn, tp])
    y_pred = np.repeat([0, 1, 0, 1], [tn, fp, fn, tp])
    return y_true, y_pred


# %% [markdown]
# ## Exercise 1: the table of 165 patients
#
# A test for a disease on 165 patients: it said "yes" 110 times and "no" 55 times;
# in truth 105 have the disease and 60 do not.
#
# |            | predicted no | predicted yes |
# |------------|-------------:|--------------:|
# | actual no  | TN = 50      | FP = 10       |
# | actual yes | FN = 5       | TP = 100      |

# %%
patients = {0: "are healthy", 1: "are ill"}  # read in sentences: "patients who are ill"
cm = ConfusionMatrix(*from_counts(tn=50, fp=10, fn=5, tp=100), label_names=patients)
print(cm.explain(noun="patients"))
rates = {
    "accuracy (TP + TN) / n": (cm.accuracy(), (100 + 50) / 165),
    "error rate (FP + FN) / n": (cm.error_rate(), (10 + 5) / 165),
    "recall, TPR  TP / actual yes": (cm.recall(), 100 / 105),
    "FPR  FP / actual no": (cm.fpr(), 10 / 60),
    "specificity  TN / actual no": (cm.specificity(), 50 / 60),
    "precision  TP / predicted yes": (cm.precision(), 100 / 110),
    "prevalence  actual yes / n": ((cm.tp + cm.fn) / cm.n_samples, 105 / 165),
}
for name, (glassnet_value, by_hand) in rates.items():
    assert np.isclose(glassnet_value, by_hand), name
    print(f"{name:32} {glassnet_value:.3f}")

# %%
ConfusionMatrixDisplay(cm).plot()
plt.show()

# %% [markdown]
# ## Exercise 2: TN = 12, TP = 23, FP = 5, FN = 10
#
# Fifty cases. Which rates are good, which are not?

# %%
cm2 = ConfusionMatrix(*from_counts(tn=12, fp=5, fn=10, tp=23))
assert cm2.n_samples == 50
assert np.isclose(cm2.accuracy(), 35 / 50)
assert np.isclose(cm2.precision(), 23 / 28)
assert np.isclose(cm2.recall(), 23 / 33)
assert np.isclose(cm2.specificity(), 12 / 17)
assert np.isclose(cm2.f1(), 2 * 23 / (2 * 23 + 5 + 10))
print(cm2.explain())
print(cm2.to_frame())
print(f"F1 = {cm2.f1():.3f}, MCC = {cm2.mcc():.3f}")

# %% [markdown]
# Precision (0.82) is better than recall (0.70): when it says "positive" it is
# usually right, but it misses 10 of the 33 positives. Both kinds of error are about
# equally common here (5 and 10), so accuracy (0.70) is not far off the mark; the
# next exercise shows when it is.

# %% [markdown]
# ## Exercise 3: the zip-code reader that always reads "5"
#
# A post office reads handwritten digits (scikit-learn's 1,797 8 x 8 digits stand in
# for the zip codes). The question is "is this digit a 5?". A reader that always says
# "5" finds every 5: its recall is 1.0. A reader that never says "5" is right 90 % of
# the time. Neither has learnt anything.

# %%
digits = load_digits()
is_five = (digits.target == 5).astype(int)
print(f"{is_five.sum()} fives among {len(is_five)} images ({is_five.mean():.0%})")

images = {0: "show another digit", 1: "show a 5"}
always_five = ConfusionMatrix(is_five, np.ones_like(is_five), label_names=images)
# It never says "5": its precision is 0 / 0, which we call 0.
never_five = ConfusionMatrix(is_five, np.zeros_like(is_five), label_names=images, zero_division=0)
print(always_five.explain(noun="images"), end="\n\n")
print(f"never '5': accuracy {never_five.accuracy():.2f}, recall {never_five.recall():.2f}")
assert always_five.recall() == 1.0 and always_five.precision() == is_five.mean()
assert never_five.accuracy() > 0.89 and never_five.recall() == 0.0

# %% [markdown]
# Accuracy alone praises the reader that never says "5"; recall alone praises the one
# that always does. A reader that has learnt something has to be good at both, which
# precision, recall and F1 together show. A small network, trained on three quarters
# of the digits and tested on the rest:

# %%
X_train, X_test, y_train, y_test = train_test_split(
    digits.data, is_five, test_size=0.25, stratify=is_five, random_state=0
)
scaler = StandardScaler().fit(X_train)
reader = MLPClassifier((16,), max_iter=200, random_state=0).fit(scaler.transform(X_train), y_train)
learnt = ConfusionMatrix.from_estimator(
    reader, scaler.transform(X_test), y_test, label_names=images
)
for name, matrix in [("always 5", always_five), ("never 5", never_five), ("network", learnt)]:
    print(
        f"{name:9} accuracy {matrix.accuracy():.3f}  precision {matrix.precision():.3f}  "
        f"recall {matrix.recall():.3f}  F1 {matrix.f1():.3f}"
    )
assert learnt.f1() > 0.9

# %% [markdown]
# ## The ROC slide's threshold table
#
# A classifier gives each of ten cases a score; a threshold turns scores into
# answers (positive when the score is at least the threshold). Each threshold gives
# one confusion matrix, hence one (FPR, TPR) point; the ROC curve joins them.

# %%
labels = np.array([1, 1, 0, 1, 1, 0, 1, 0, 0, 0])
scores = np.array([0.95, 0.85, 0.80, 0.70, 0.55, 0.45, 0.40, 0.30, 0.20, 0.10])
table = threshold_table(labels, scores)
print(table[["threshold", "tp", "fp", "tn", "fn", "tpr", "fpr"]].round(2).to_string(index=False))

# %% [markdown]
# Read a row by hand: at threshold 0.55 the four highest scores but one are positive
# cases (0.95, 0.85, 0.70, 0.55) and one is not (0.80), so TPR = 4/5 and FPR = 1/5.

# %%
row = table.set_index("threshold").loc[0.55]
assert (row.tp, row.fp, row.tpr, row.fpr) == (4, 1, 0.8, 0.2)
curve = roc_curve(labels, scores)
print(f"AUC = {curve.auc:.2f}")
assert np.isclose(curve.auc, 0.84)  # 21 of the 25 (positive, negative) pairs in order
RocCurveDisplay.from_predictions(labels, scores)
plt.show()
