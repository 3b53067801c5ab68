"""The command line answers at once: help, version and submit load no scientific stack."""

import json
import subprocess
import sys

from glassnet.cli.search import PROBLEMS
from glassnet.experiments._sweep import DATASETS

HEAVY = ("sklearn", "pandas", "matplotlib", "scipy", "skops", "onnx", "skl2onnx", "onnxruntime")

# Runs the command line in one fresh interpreter once per argument list (JSON on
# argv[1]) and prints, after each, the heavy packages loaded so far.
PROBE = """
import json, sys
from glassnet.cli import app
for args in json.loads(sys.argv[1]):
    try:
        app(args, prog_name="glassnet")
    except SystemExit:
        pass
    print("LOADED:" + " ".join(args) + ":" + ",".join(m for m in {heavy!r} if m in sys.modules))
"""
HELP = [
    ["--help"],
    ["--version"],
    *([command, "--help"] for command in ("train", "predict", "evaluate", "inspect", "export")),
    *([command, "--help"] for command in ("search", "sweep", "demo", "activations")),
    ["playground", "--help"],
    ["compete", "--help"],
    *(["compete", command, "--help"] for command in ("submit", "leaderboard", "init")),
]


def loaded(*runs: list[str]) -> tuple[dict[str, list[str]], str]:
    """Run the argument lists in one interpreter; say what each had loaded by its end."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY), json.dumps(runs)],
        capture_output=True,
        text=True,
        check=False,
    )
    found = {}
    for line in done.stdout.splitlines():
        if line.startswith("LOADED:"):
            command, _, modules = line.removeprefix("LOADED:").rpartition(":")
            found[command] = [m for m in modules.split(",") if m]
    return found, done.stdout + done.stderr


def test_help_and_version_import_no_scientific_stack():
    found, output = loaded(*HELP)
    assert list(found) == [" ".join(args) for args in HELP], output
    assert all(modules == [] for modules in found.values()), found
    assert output.count("Usage:") >= len(HELP) - 1 and "glassnet 0." in output


def test_submit_imports_no_scientific_stack(tmp_path):
    # A server that is not there: submit reads the file, tries to post it, and says so.
    predictions = tmp_path / "p.csv"
    predictions.write_text("PassengerId,Survived\n892,0\n")
    found, output = loaded(
        ["compete", "submit", str(predictions), "--server", "http://127.0.0.1:9", "--token", "t"]
    )
    assert list(found.values()) == [[]], output
    assert "Could not reach the server" in output


def test_version_names_the_package():
    from glassnet import __version__

    done = subprocess.run(
        [sys.executable, "-m", "glassnet", "--version"], capture_output=True, text=True
    )
    assert done.returncode == 0 and done.stdout.strip() == f"glassnet {__version__}"


def test_search_knows_the_problems_the_experiments_know():
    # The command line names them without importing the experiments.
    assert set(PROBLEMS) == set(DATASETS)


def test_the_package_names_its_api_on_first_use():
    code = (
        "import sys, glassnet; assert 'sklearn' not in sys.modules; "
        "from glassnet import MLPClassifier, diagnose, TrainingHealthWarning; "
        "print(MLPClassifier.__module__, diagnose.__module__)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["glassnet.nn._mlp", "glassnet.diagnostics._rules"]
