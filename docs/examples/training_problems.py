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
# # Why training fails: saturation, vanishing, dead ReLUs, exploding
#
# The course's training problems, each shown on a real run next to the same network
# with the fix, with what `model.diagnose()` reads in the training record
# (`model.history_`: every epoch's gradient norm per layer, and the share of units
# saturated, switched off or dead).

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from glassnet import MLPClassifier, TrainingDivergedError, TrainingHealthWarning
from glassnet.diagnostics.plots import plot_gradient_norms, plot_unit_health

X, y = make_classification(1000, n_features=20, n_informative=10, random_state=0)
X = StandardScaler().fit_transform(X)


def train(model: MLPClassifier) -> MLPClassifier:
    """Fit quietly: the findings below say in words what the warnings would."""
    with warnings.catch_warnings(), np.errstate(over="ignore", invalid="ignore"):
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", TrainingHealthWarning)
        try:
            model.fit(X, y)
        except TrainingDivergedError as error:
            print(f"diverged: {error}".splitlines()[0])
    return model


def side_by_side(models: dict[str, MLPClassifier]) -> None:
    """Draw each run's gradient norms per layer (top) and its units' health (bottom)."""
    _, axes = plt.subplots(
        2, len(models), figsize=(4.3 * len(models), 6), layout="constrained", squeeze=False
    )
    for column, (label, model) in enumerate(models.items()):
        plot_gradient_norms(model, ax=axes[0, column])
        plot_unit_health(model, ax=axes[1, column])
        axes[0, column].set_title(label)
    plt.show()


def codes(model: MLPClassifier) -> set[str]:
    """Return the kinds of finding diagnose() reports."""
    return {finding.code for finding in model.diagnose()}


# %% [markdown]
# ## Saturation and vanishing gradients, and the ELU fix
#
# Four layers of logistic (sigmoid) units with weights drawn from N(0, 1) and big
# Adam steps: the units' inputs are large, the sigmoids sit at 0 or 1 where their
# slope is nearly 0, and each layer multiplies the gradient by those slopes on its
# way back, so the first layer hardly learns. ELU units, with He initialisation
# matched to them, keep a slope of 1 for positive inputs.

# %%
deep = dict(
    hidden_layer_sizes=(64, 64, 64, 64),
    learning_rate_init=0.1,
    max_iter=40,
    n_iter_no_change=1000,
    random_state=0,
)
sigmoid = train(MLPClassifier(activation="logistic", init="normal", **deep))
elu = train(MLPClassifier(activation="elu", init="he_uniform", **deep))
print(sigmoid.diagnose())
print(f"\nlogistic accuracy {sigmoid.score(X, y):.2f}, elu accuracy {elu.score(X, y):.2f}")
assert {"vanishing_gradients", "saturation"} <= codes(sigmoid)
assert not {"vanishing_gradients", "saturation"} & codes(elu)
assert elu.score(X, y) > sigmoid.score(X, y) + 0.2

# %%
side_by_side({"logistic, init='normal'": sigmoid, "elu, init='he_uniform'": elu})

# %% [markdown]
# ## Dead ReLUs
#
# A learning rate of 0.3 throws many ReLU units' inputs below zero for every sample:
# their output is 0 and so is their gradient, and nothing brings them back. Leaky
# ReLU and ELU keep a slope below zero, so their units recover.

# %%
hot = dict(
    hidden_layer_sizes=(8, 8, 8),
    learning_rate_init=0.3,
    max_iter=30,
    n_iter_no_change=1000,
    random_state=0,
)
relu = train(MLPClassifier(activation="relu", **hot))
leaky = train(MLPClassifier(activation="leaky_relu", **hot))
elu_hot = train(MLPClassifier(activation="elu", **hot))
print(relu.diagnose())
assert "dead_units" in codes(relu)
assert "dead_units" not in codes(leaky) | codes(elu_hot)
print(f"\nlast epoch's dead share per layer (relu): {relu.history_.dead_fraction[-1]}")

# %%
side_by_side({"relu, lr 0.3": relu, "leaky_relu, lr 0.3": leaky, "elu, lr 0.3": elu_hot})

# %% [markdown]
# ## Exploding gradients
#
# Four ReLU layers with N(0, 1) weights and full-batch SGD with momentum: each layer
# multiplies the gradient by more than 1, the steps grow, and the loss overflows.
# glassnet stops with `TrainingDivergedError` and keeps the record, so the
# diagnosis can say where it grew. Clipping the gradient's norm bounds each step.

# %%
large = dict(
    hidden_layer_sizes=(64, 64, 64, 64),
    activation="relu",
    init="normal",
    solver="sgd",
    learning_rate_init=0.013,
    momentum=0.9,
    batch_size=1000,
    n_iter_no_change=1000,
    random_state=0,
)
exploded = train(MLPClassifier(max_iter=30, **large))
clipped = train(MLPClassifier(max_iter=150, clip_grad_norm=10.0, **large))
print(exploded.diagnose())
print(f"\nclipped: accuracy {clipped.score(X, y):.2f}; findings: {codes(clipped) or 'none'}")
assert "exploding_gradients" in codes(exploded) and "exploding_gradients" not in codes(clipped)

# %%
side_by_side({"init='normal', sgd": exploded, "clip_grad_norm=10": clipped})

# %% [markdown]
# ## What a healthy run says
#
# The fixes above have no severe finding; the ELU network of the first part, for
# one, reports:

# %%
print(elu.diagnose())
assert not elu.diagnose().severe
