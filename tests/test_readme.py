"""The README's examples run as written."""

import doctest
import re
import textwrap
from pathlib import Path

import matplotlib
import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
SHARED_DATA = ROOT.parent / "shared" / "data"
COURSE_FILE = "titanic_train_500_age_passengerclass.csv"


def _python_blocks():
    return re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.DOTALL)


def _run(block: int, name: str) -> None:
    # A block inside a list item is indented with it.
    code = textwrap.dedent(_python_blocks()[block])
    exec(compile(code, f"README.md[{name}]", "exec"), {})


def test_readme_has_the_nine_python_blocks():
    assert len(_python_blocks()) == 9


def _block_with(text: str) -> int:
    """The index of the one python block that contains ``text`` (robust to new blocks)."""
    found = [i for i, block in enumerate(_python_blocks()) if text in block]
    assert len(found) == 1, found
    return found[0]


def test_course_quickstart_runs(tmp_path, monkeypatch, capsys):
    source = SHARED_DATA / COURSE_FILE
    if not source.exists():
        pytest.skip(f"the course file is not at {source}")
    # Run from the repository's folder, as the README says: the data is in ../shared.
    monkeypatch.chdir(ROOT)
    _run(0, "course quickstart")
    out = capsys.readouterr().out
    assert "precision" in out and "recall" in out


def test_extras_quickstart_runs(capsys):
    _run(1, "extras")
    assert "[(3, 16), (3, 8)]" in capsys.readouterr().out


def test_fit_epochs_example_stops_where_the_readme_says(capsys):
    _run(2, "fit_epochs")
    assert capsys.readouterr().out.startswith("27 [0.218")


def test_diagnostics_example_prints_what_the_readme_says(capsys):
    _run(_block_with("report = model.diagnose()"), "diagnostics")
    out = capsys.readouterr().out
    assert "Training health: 2 findings in 30 epochs." in out
    assert "Hidden 2: 8 of its 8 relu units (100%) were dead in the last epoch" in out
    assert "  - lower learning_rate_init (now 0.3) [for Dead ReLU units (hidden 2)" in out
    assert "[0. 1. 1.]" in out


def test_thresholds_example_runs(tmp_path, monkeypatch, capsys):
    matplotlib.use("Agg")
    monkeypatch.chdir(tmp_path)
    _run(_block_with("choose_threshold"), "thresholds")
    out = capsys.readouterr().out
    assert "AUC = " in out and "threshold" in out
    assert (tmp_path / "roc.png").stat().st_size > 0


def test_confusion_matrix_session_prints_what_the_readme_says(tmp_path, monkeypatch):
    matplotlib.use("Agg")
    monkeypatch.chdir(tmp_path)
    result = doctest.testfile(str(README), module_relative=False, verbose=False)
    assert result.attempted > 0
    assert result.failed == 0
    assert (tmp_path / "confusion.png").stat().st_size > 0


def test_smallest_network_example_prints_what_the_readme_says(tmp_path, monkeypatch, capsys):
    matplotlib.use("Agg")
    monkeypatch.chdir(tmp_path)
    _run(_block_with("smallest_network(X, y"), "experiments")
    out = capsys.readouterr().out
    assert "is one hidden layer of 3 units (13 parameters); it did on 8 of 10 seeds." in out
    assert "2 hidden layers: 3 units each (25 parameters), 9 of 10 seeds" in out
    assert (tmp_path / "smallest_network.png").stat().st_size > 0


def test_onnx_export_example_prints_what_the_readme_says(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    _run(_block_with("to_onnx("), "onnx")
    assert capsys.readouterr().out == "True True\n"
    assert (tmp_path / "moons.onnx").stat().st_size > 0


def test_callbacks_example_prints_what_the_readme_says(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    _run(_block_with("from glassnet.callbacks import"), "callbacks")
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "11 31"
    assert out[1] == "[0.1   0.05  0.025]"
    assert (tmp_path / "epochs.csv").read_text().count("\n") == 32  # a header, 31 epochs
    assert (tmp_path / "best.glassnet").stat().st_size > 0


def test_save_load_report_example_runs(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    _run(_block_with("glassnet.save(pipe"), "save, load, report")
    assert capsys.readouterr().out == "True\n"
    assert "Reproduce" in (tmp_path / "moons.html").read_text()
