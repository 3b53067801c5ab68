"""smallest_network on the two moons, checked against independent refits and exhaustive scans."""

import math
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_moons
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import train_test_split

from glassnet import MLPClassifier
from glassnet.experiments import SmallestNetwork, smallest_network
from glassnet.experiments._result import describe, n_parameters
from glassnet.experiments._search import DEFAULT_MLP_PARAMS, smallest_width

SEARCH = {"max_layers": 3, "max_units": 8, "seeds": 3, "max_iter": 500}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def moons():
    return make_moons(300, noise=0.1, random_state=0)


@pytest.fixture(scope="module")
def result(moons):
    return smallest_network(*moons, **SEARCH)


@pytest.fixture(scope="module")
def unreachable():
    X, y = make_moons(300, noise=0.4, random_state=0)
    # Fewer iterations than SEARCH: these fits run to the limit on noisy data.
    return smallest_network(X, y, target=1.0, **{**SEARCH, "max_iter": 200})


def solving_archs(scores, needed):
    """Architectures (as strings) that reached the target on enough seeds, from raw scores."""
    counts = scores.groupby("hidden_layer_sizes")["solved"].sum()
    return set(counts[counts >= needed].index)


# The width search alone, against an exhaustive scan


@pytest.mark.parametrize("max_units", [1, 2, 5, 8, 64, 100])
def test_width_search_finds_every_threshold_asking_each_width_once(max_units):
    for threshold in range(1, max_units + 2):
        asked = []

        def solves(k, threshold=threshold, asked=asked):
            asked.append(k)
            return k >= threshold

        found = smallest_width(solves, max_units)
        assert found == (threshold if threshold <= max_units else None)
        assert len(asked) == len(set(asked)), asked
        assert all(1 <= k <= max_units for k in asked)
        assert len(asked) <= 2 * math.ceil(math.log2(max_units)) + 1


# The answer on the moons


def test_the_answer_is_a_small_network_that_solves_when_refitted(moons, result):
    X, y = moons
    assert result.solved
    assert result.hidden_layer_sizes is not None
    assert len(result.hidden_layer_sizes) == 1 and result.hidden_layer_sizes[0] <= 8
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=0
    )
    table = result.scores[result.scores["hidden_layer_sizes"] == str(result.hidden_layer_sizes)]
    refits = []
    for seed in range(SEARCH["seeds"]):
        # Alone, with the search's defaults: the batched engine must give the same scores.
        params = {**DEFAULT_MLP_PARAMS, "max_iter": SEARCH["max_iter"], "random_state": seed}
        model = MLPClassifier(result.hidden_layer_sizes, **params).fit(X_train, y_train)
        refits.append(model.score(X_test, y_test))
    assert table["seed"].tolist() == list(range(SEARCH["seeds"]))
    np.testing.assert_array_equal(table["score"], refits)
    reached = sum(score >= 0.97 for score in refits)
    assert reached >= math.ceil(0.8 * SEARCH["seeds"])
    assert result.success_rate == reached / SEARCH["seeds"]
    n_weights = sum(c.size for c in model.coefs_) + sum(b.size for b in model.intercepts_)
    assert result.n_parameters == n_weights


def test_the_answer_has_the_fewest_parameters_of_all_solving_architectures(result):
    needed = math.ceil(0.8 * SEARCH["seeds"])
    solving = result.scores[
        result.scores["hidden_layer_sizes"].isin(solving_archs(result.scores, needed))
    ]
    fewest = solving["n_parameters"].min()
    assert result.n_parameters == fewest
    # Ties go to fewer layers.
    assert (
        len(result.hidden_layer_sizes)
        == solving.loc[solving["n_parameters"] == fewest, "depth"].min()
    )


def test_every_narrower_architecture_tried_at_a_depth_fails(result):
    needed = math.ceil(0.8 * SEARCH["seeds"])
    solving = solving_archs(result.scores, needed)
    per_depth = result.smallest_per_depth
    assert per_depth[1] == result.hidden_layer_sizes[0]
    for depth, smallest in per_depth.items():
        tried = result.scores.loc[result.scores["depth"] == depth, "units"].unique()
        assert len(tried) > 0
        for units in tried:
            solves = str((int(units),) * depth) in solving
            assert solves == (smallest is not None and units >= smallest), (depth, units)


def test_the_table_holds_each_architecture_and_seed_once(result):
    scores = result.scores
    assert list(scores.columns) == [
        "depth",
        "units",
        "hidden_layer_sizes",
        "n_parameters",
        "seed",
        "score",
        "solved",
        "n_iter",
    ]
    assert not scores.duplicated(["hidden_layer_sizes", "seed"]).any()
    seeds = scores.groupby("hidden_layer_sizes")["seed"].apply(sorted)
    assert all(s == list(range(SEARCH["seeds"])) for s in seeds)
    assert (
        scores["hidden_layer_sizes"]
        == [str((u,) * d) for d, u in zip(scores["depth"], scores["units"], strict=True)]
    ).all()
    assert (scores["solved"] == (scores["score"] >= 0.97)).all()
    # The summary is the table grouped, one row per architecture.
    assert len(result.summary) == scores["hidden_layer_sizes"].nunique()
    rates = scores.groupby("hidden_layer_sizes")["solved"].mean()
    summary = result.summary.set_index("hidden_layer_sizes")
    pd.testing.assert_series_equal(
        summary["success_rate"].sort_index(), rates.sort_index(), check_names=False
    )
    assert sorted(summary["step"]) == list(range(1, len(summary) + 1))


def test_the_search_fits_fewer_architectures_than_an_exhaustive_scan(result):
    per_depth = result.summary.groupby("depth").size()
    exhaustive = SEARCH["max_units"]
    assert (per_depth < exhaustive).all(), per_depth
    assert len(result.summary) < SEARCH["max_layers"] * exhaustive
    # Galloping first: the first widths tried at depth 1 are 1, 2, 4.
    first = result.summary[result.summary["depth"] == 1].sort_values("step")
    assert first["units"].tolist()[:3] == [1, 2, 4]


def test_the_result_says_the_answer_in_words(result):
    text = str(result)
    assert text.startswith(
        "The smallest network that reaches accuracy 0.97 on at least 80 % of 3 seeds is "
        f"{describe(result.hidden_layer_sizes)} ({result.n_parameters} parameters)"
    )
    assert "By depth:" in text
    assert f"fitted {len(result.summary)} of the 24 architectures" in text


def test_describe_counts_layers_and_units_in_words():
    assert describe((4,)) == "one hidden layer of 4 units"
    assert describe((3, 3)) == "two hidden layers of 3 units each"
    assert describe((1,)) == "one hidden layer of 1 unit"


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize(("hidden", "n_classes"), [((4,), 2), ((3, 5), 3), ((), 4)])
def test_parameter_count_matches_a_fitted_model(hidden, n_classes):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 5))
    y = np.arange(40) % n_classes
    model = MLPClassifier(hidden, max_iter=1).fit(X, y)
    n_outputs = 1 if n_classes == 2 else n_classes
    expected = sum(c.size for c in model.coefs_) + sum(b.size for b in model.intercepts_)
    assert n_parameters(5, hidden, n_outputs) == expected


# Targets out of reach


def test_an_unreachable_target_names_the_best_and_what_to_try(unreachable):
    assert isinstance(unreachable, SmallestNetwork)
    assert not unreachable.solved
    assert unreachable.hidden_layer_sizes is None and unreachable.n_parameters is None
    assert not unreachable.summary["solves"].any()
    best = unreachable.summary.sort_values(
        ["mean_score", "n_parameters"], ascending=[False, True]
    ).iloc[0]
    best_arch = (int(best["units"]),) * int(best["depth"])
    text = str(unreachable)
    assert text.startswith("No network up to three hidden layers of 8 units reaches accuracy 1")
    assert f"best mean accuracy was {best['mean_score']:.3f}, by {describe(best_arch)}" in text
    assert "max_units=16" in text and "max_layers=4" in text and "lower target" in text
    assert "none up to 8 units per layer" in text


# Parallel and sequential


def test_parallel_fits_give_the_same_table(moons):
    small = {"max_layers": 2, "max_units": 4, "seeds": 3, "max_iter": 300}
    sequential = smallest_network(*moons, **small)
    parallel = smallest_network(*moons, n_jobs=2, **small)
    pd.testing.assert_frame_equal(sequential.scores, parallel.scores)
    assert parallel.hidden_layer_sizes == sequential.hidden_layer_sizes


# The batched engine and lone fits


def test_batched_and_lone_fits_give_the_same_table(moons):
    small = {"max_layers": 2, "max_units": 4, "seeds": 3, "max_iter": 300}
    batched = smallest_network(*moons, **small)
    alone = smallest_network(*moons, batched=False, **small)
    pd.testing.assert_frame_equal(batched.scores, alone.scores)
    assert batched.hidden_layer_sizes == alone.hidden_layer_sizes


@pytest.mark.parametrize("params", [{"solver": "lbfgs"}, {"early_stopping": True}])
def test_settings_the_batched_engine_lacks_are_fitted_one_by_one(moons, params):
    X, y = moons
    small = {"max_layers": 1, "max_units": 2, "seeds": 2, "max_iter": 100, **params}
    result = smallest_network(X, y, **small)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=0
    )
    for _, row in result.scores.iterrows():
        model = MLPClassifier(
            (row["units"],),
            random_state=row["seed"],
            **{**DEFAULT_MLP_PARAMS, "max_iter": 100, **params},
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(X_train, y_train)
        assert row["score"] == model.score(X_test, y_test)
        assert row["n_iter"] == model.n_iter_


def test_progress_counts_every_fit(moons):
    counts = []
    result = smallest_network(
        *moons, max_layers=2, max_units=4, seeds=3, max_iter=100, progress=counts.append
    )
    # One call per architecture on the batched engine, with all of its seeds.
    assert counts == [3] * len(result.summary)
    lone = []
    smallest_network(
        *moons, max_layers=1, max_units=2, seeds=2, max_iter=50, batched=False, progress=lone.append
    )
    assert set(lone) == {1}


def test_a_diverging_network_scores_nan_and_fails(moons):
    X, y = moons
    # Unscaled inputs and SGD with a step of 100: the weights blow up within 20 epochs.
    settings = {"max_layers": 1, "max_units": 1, "seeds": 2, "max_iter": 20}
    diverging = {"solver": "sgd", "activation": "relu", "learning_rate_init": 100.0}
    for batched in (True, False):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # overflow on the way
            result = smallest_network(X * 1000, y, batched=batched, **settings, **diverging)
        assert result.scores["score"].isna().all(), result.scores
        assert not result.scores["solved"].any() and not result.solved


# Metrics and training parameters


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_other_metrics_and_mlp_parameters_reach_the_fits(moons):
    X, y = moons
    # 50 Adam epochs never converge: the search must keep that warning to itself.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = smallest_network(
            X,
            y,
            metric="balanced_accuracy",
            target=0.9,
            max_layers=1,
            max_units=2,
            seeds=1,
            solver="adam",
            activation="relu",
            max_iter=50,
        )
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=0
    )
    for _, row in result.scores.iterrows():
        params = {**DEFAULT_MLP_PARAMS, "activation": "relu", "max_iter": 50}
        model = MLPClassifier((row["units"],), random_state=0, **params).fit(X_train, y_train)
        assert row["score"] == balanced_accuracy_score(y_test, model.predict(X_test))
        assert row["n_iter"] == model.n_iter_ == 50
    assert DEFAULT_MLP_PARAMS["activation"] == "tanh"  # not changed by the override


def test_the_split_seed_moves_the_test_rows(moons):
    settings = {"max_layers": 1, "max_units": 1, "seeds": 1, "max_iter": 100}
    a = smallest_network(*moons, split_seed=0, **settings)
    b = smallest_network(*moons, split_seed=1, **settings)
    assert a.scores["score"].iloc[0] != b.scores["score"].iloc[0]


# Bad arguments


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"target": 0}, r"target=0 is not a reachable score.*\(0, 1\]"),
        ({"target": 1.2}, r"target=1.2 is not a reachable score"),
        ({"success_rate": 0}, r"success_rate=0 is the share of seeds"),
        ({"success_rate": 1.5}, r"success_rate=1.5 .* give a value in \(0, 1\]"),
        ({"seeds": 0}, r"seeds=0; it must be a whole number, at least 1"),
        ({"seeds": 2.5}, r"seeds=2.5; it must be a whole number"),
        ({"max_units": 0}, r"max_units=0; it must be a whole number, at least 1"),
        ({"max_layers": 0}, r"max_layers=0; it must be a whole number"),
        ({"test_size": 1.0}, r"test_size=1.0 .* strictly between 0 and 1"),
        ({"metric": "auc"}, r"metric='auc' is unknown; use one of accuracy, balanced_accuracy"),
        ({"hidden_layer_sizes": (3,)}, r"hidden_layer_sizes is chosen by the search; set "),
        ({"random_state": 1}, r"random_state is chosen by the search; set seeds"),
    ],
)
def test_bad_arguments_are_refused(moons, kwargs, message):
    with pytest.raises(ValueError, match=message):
        smallest_network(*moons, **kwargs)


def test_bad_data_is_refused(moons):
    X, y = moons
    with pytest.raises(ValueError, match="X has 300 rows but y has 299 labels"):
        smallest_network(X, y[:-1])
    with pytest.raises(ValueError, match=r"y has a single class .* at least two classes"):
        smallest_network(X, np.ones_like(y))
    three = np.arange(300) % 3
    with pytest.raises(ValueError, match="metric='f1' scores one positive class, but y has 3"):
        smallest_network(X, three, metric="f1")
    rare = np.zeros(300, dtype=int)
    rare[0] = 1
    with pytest.raises(ValueError, match=r"classes \{.*: 299, .*: 1\} cannot be split"):
        smallest_network(X, rare)


def test_an_unknown_mlp_parameter_fails_before_training(moons):
    with pytest.raises(TypeError, match="learning_rat"):
        smallest_network(*moons, learning_rat=0.1)


# The plot


def test_the_plot_has_one_line_per_depth_at_the_summary_rates(result):
    ax = result.plot()
    depth_lines = [line for line in ax.get_lines() if "hidden layer" in line.get_label()]
    assert [line.get_label() for line in depth_lines] == [
        "1 hidden layer",
        "2 hidden layers",
        "3 hidden layers",
    ]
    for depth, line in enumerate(depth_lines, start=1):
        rows = result.summary[result.summary["depth"] == depth].sort_values("units")
        np.testing.assert_array_equal(line.get_xdata(), rows["units"])
        np.testing.assert_array_equal(line.get_ydata(), rows["success_rate"])
    needed = [line for line in ax.get_lines() if line.get_label().startswith("needed")]
    assert len(needed) == 1 and set(needed[0].get_ydata()) == {0.8}
    ax.figure.canvas.draw()  # renders without error


def test_the_plot_draws_on_a_given_axes(unreachable):
    _, ax = plt.subplots()
    assert unreachable.plot(ax=ax) is ax
    assert len([line for line in ax.get_lines() if "hidden layer" in line.get_label()]) == 3
