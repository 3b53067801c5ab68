"""The README's Python blocks run as written."""

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
COURSE_FILE = "titanic_train_500_age_passengerclass.csv"


def _python_blocks():
    text = (ROOT / "README.md").read_text()
    return re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)


def test_readme_has_the_two_quickstart_blocks():
    assert len(_python_blocks()) == 2


def test_course_quickstart_runs(tmp_path, monkeypatch, capsys):
    source = SHARED_DATA / COURSE_FILE
    if not source.exists():
        pytest.skip(f"the course file is not at {source}")
    # A link, not a copy: the data stays in shared/.
    os.symlink(source, tmp_path / COURSE_FILE)
    monkeypatch.chdir(tmp_path)
    exec(compile(_python_blocks()[0], "README.md[0]", "exec"), {})
    out = capsys.readouterr().out
    assert "precision" in out and "recall" in out


def test_extras_quickstart_runs(capsys):
    exec(compile(_python_blocks()[1], "README.md[1]", "exec"), {})
    out = capsys.readouterr().out
    assert "[(3, 16), (3, 8)]" in out
