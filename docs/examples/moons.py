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
# # The moons question: how small can the network be?
#
# The course asks: how many hidden layers, and how many neurons per layer, does the
# two-moons problem need? Then: change the noise, the number of samples and the
# share held out for testing, and answer again. One lucky run proves little, so
# glassnet answers over several seeds: a network *solves* the problem when it reaches
# the target accuracy on the test rows for most seeds.

# %%
import matplotlib.pyplot as plt
from sklearn.datasets import make_moons

from glassnet import MLPClassifier
from glassnet.diagnostics.plots import plot_decision_boundary
from glassnet.experiments import smallest_network, sweep

X, y = make_moons(1000, noise=0.1, random_state=0)
plt.scatter(X[:, 0], X[:, 1], c=y, cmap="coolwarm", s=8)
plt.title("make_moons(1000, noise=0.1)")
plt.show()

# %% [markdown]
# ## Minimum layers and neurons
#
# One or two hidden layers of equal width, up to 8 units; target 97 % test accuracy on
# at least 4 of 5 seeds, 30 % of the rows held out.

# %%
answer = smallest_network(X, y, target=0.97, seeds=5, success_rate=0.8, max_layers=2, max_units=8)
print(answer)
assert answer.solved and answer.n_parameters <= 40

# %%
answer.plot()
plt.show()
answer.summary

# %% [markdown]
# Why one unit, or two, is not enough: the boundary a single tanh unit can draw is a
# straight line; three bend it around the moons.

# %%
fig, axes = plt.subplots(1, 2, figsize=(9, 3.8), layout="constrained")
for ax, units in zip(axes, [1, answer.hidden_layer_sizes[0]], strict=True):
    model = MLPClassifier(
        (units,), activation="tanh", learning_rate_init=0.03, max_iter=1000, random_state=0
    )
    model.fit(X, y)
    plot_decision_boundary(model, X, y, ax=ax)
    ax.set_title(f"{units} tanh unit{'s' * (units > 1)}: accuracy {model.score(X, y):.2f}")
plt.show()

# %% [markdown]
# ## Then noise, samples and test share
#
# One search per cell: one hidden layer of up to 8 units, 3 seeds, at most 200 epochs,
# target 95 %. First the noise, with 500 samples:

# %%
small = dict(target=0.95, seeds=3, max_layers=1, max_units=8, max_iter=200)
by_noise = sweep("moons", n_samples=500, noise=(0.05, 0.15, 0.3), **small)
print(by_noise)
units = by_noise.table.set_index("noise")["units"]
assert units[0.05] <= units[0.15] and not by_noise.table["solved"].iloc[-1]

# %% [markdown]
# More noise asks for more units, until the moons overlap so much (noise 0.3) that no
# network of up to 8 units reaches 95 %: the classes overlap, and no boundary parts
# them that well.
# Then the number of samples and the share held out for testing, at noise 0.15:

# %%
by_size = sweep("moons", n_samples=(100, 500), noise=0.15, test_size=(0.2, 0.5), **small)
print(by_size)
by_size.heatmap("n_parameters", rows="test_size")
plt.show()

# %% [markdown]
# With 100 samples and a fifth held out, the exam is 20 test rows: 19 right is 95 %,
# so few units can pass it by luck. Hold out half and the same question needs more
# units; with 500 samples the answers settle. A small test set flatters small
# networks: the answer is only as good as its exam.
#
# The search's full table is in `answer.scores`; `sweep(out=...)` streams every cell
# to a file and resumes an interrupted sweep. The full-size runs (ten seeds, a 12-cell
# grid) are in the user guide's experiments page.
