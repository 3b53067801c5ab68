"""pip install glassnet without extras: the engine, metrics and diagnosis work; the rest
says which extra to install.

A lean environment is imitated in a fresh interpreter by an import hook that finds
no package an extra brings (as if it were not installed), then glassnet is used as a
notebook would.
"""

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from glassnet._extras import EXTRAS

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
# Import names of everything the extras add (psycopg and dask besides the checked ones).
EXTRA_MODULES = sorted(
    {module for _, modules in EXTRAS.values() for module in modules} | {"psycopg", "dask"}
)
BLOCK = f"""
import sys


class NotInstalled:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {EXTRA_MODULES!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)


sys.meta_path.insert(0, NotInstalled())
"""


def run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", BLOCK + code], capture_output=True, text=True, check=False
    )


def test_the_core_dependencies_are_the_engine_s():
    names = {spec.split(">")[0].split("<")[0].split("[")[0] for spec in PROJECT["dependencies"]}
    assert names == {"numpy", "scipy", "scikit-learn", "pandas", "threadpoolctl"}


def test_each_extra_of_glassnet_extras_is_in_pyproject():
    extras = PROJECT["optional-dependencies"]
    assert set(EXTRAS) <= set(extras)
    # [all] is every feature; the tools that build the documentation (docs) come with dev.
    features = [e for e in extras if e not in ("all", "dev", "docs")]
    assert extras["all"] == [f"glassnet[{','.join(features)}]"]
    assert "glassnet[all,docs]" in extras["dev"]


def test_engine_metrics_and_diagnosis_work_without_any_extra():
    done = run(
        """
import warnings
from sklearn.datasets import make_moons
from glassnet import MLPClassifier, diagnose
from glassnet.metrics import ConfusionMatrix, classification_report, roc_curve
from glassnet.experiments import smallest_network
X, y = make_moons(200, noise=0.2, random_state=0)
model = MLPClassifier((8,), max_iter=300, random_state=0).fit(X, y)
cm = ConfusionMatrix(y, model.predict(X))
print(cm.explain()[:20], classification_report(y, model.predict(X))[:10])
print(round(roc_curve(y, model.predict_proba(X)[:, 1]).auc, 3))
print(str(diagnose(model))[:16], model.history_.epochs_frame().shape[0] == model.n_iter_)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    print(smallest_network(X, y, target=0.8, seeds=1, max_layers=1, max_units=2).solved)
"""
    )
    assert done.returncode == 0, done.stderr
    assert "Training health" in done.stdout and "True" in done.stdout


@pytest.mark.parametrize(
    ("code", "extra"),
    [
        (
            "from glassnet import MLPClassifier; from glassnet.diagnostics.plots import "
            "plot_training; from sklearn.datasets import make_moons; X, y = make_moons(50); "
            "plot_training(MLPClassifier((2,), max_iter=2).fit(X, y))",
            "plot",
        ),
        (
            "from glassnet.experiments._runner import task_runner\n"
            "with task_runner(scheduler='tcp://127.0.0.1:9'): pass",
            "dask",
        ),
        ("from glassnet._console import main; main()", "cli"),
        (
            "from glassnet import MLPClassifier; from glassnet.export import to_onnx; "
            "from sklearn.datasets import make_moons; X, y = make_moons(50); "
            "to_onnx(MLPClassifier((2,), max_iter=2).fit(X, y))",
            "onnx",
        ),
    ],
    ids=["plot", "dask", "cli", "onnx"],
)
def test_a_missing_extra_is_named_with_its_install_command(code, extra):
    done = run(code)
    assert done.returncode != 0
    said = done.stderr.strip().splitlines()[-1]
    assert f"pip install 'glassnet[{extra}]'" in said, done.stderr


def test_the_oldest_scikit_learn_tested_is_the_oldest_allowed():
    """make test-sklearn-oldest installs the floor pyproject.toml gives, not another."""
    import re

    root = Path(__file__).resolve().parents[1]
    dependencies = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    floor = next(
        re.search(r">=([\d.]+)", d).group(1)
        for d in dependencies["dependencies"]
        if d.startswith("scikit-learn")
    )
    tested = re.search(r"^SKLEARN_OLDEST := (\S+)$", (root / "Makefile").read_text(), re.M)
    assert tested is not None
    assert tuple(map(int, tested.group(1).split("."))) == (*map(int, floor.split(".")), 0)[:3]
    assert "make test-sklearn-oldest" in (root / ".ci" / "run").read_text()
