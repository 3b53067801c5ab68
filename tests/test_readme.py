"""The README's and the user guide's examples run as written, and their links lead somewhere.

The README is the front page; the guide's pages (``docs/guide/*.md``) hold the
sections. A python block the README shows is a copy of one of the guide's, which runs.
"""

import doctest
import re
import textwrap
from pathlib import Path

import matplotlib
import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
GUIDE = sorted((ROOT / "docs" / "guide").glob("*.md"))
SHARED_DATA = ROOT.parent / "shared" / "data"
COURSE_FILE = "titanic_train_500_age_passengerclass.csv"
README_MAX_LINES = 300


def _python_blocks(page: Path) -> list[str]:
    # A block inside a list item is indented with it.
    found = re.findall(r"```python\n(.*?)```", page.read_text(), flags=re.DOTALL)
    return [textwrap.dedent(block) for block in found]


def _block_with(text: str) -> tuple[Path, str]:
    """The one python block of the guide that contains ``text`` (robust to new blocks)."""
    found = [(page, block) for page in GUIDE for block in _python_blocks(page) if text in block]
    assert len(found) == 1, [page.name for page, _ in found]
    return found[0]


def _run(text: str, name: str) -> None:
    page, code = _block_with(text)
    exec(compile(code, f"{page.name}[{name}]", "exec"), {})


def test_the_guide_has_the_nine_python_blocks():
    assert sum(len(_python_blocks(page)) for page in GUIDE) == 9


def test_each_python_block_of_the_readme_is_one_of_the_guides_which_run():
    shown = _python_blocks(README)
    assert shown, "the front page shows the course workflow"
    in_the_guide = {block for page in GUIDE for block in _python_blocks(page)}
    assert all(block in in_the_guide for block in shown)


def test_course_quickstart_runs(tmp_path, monkeypatch, capsys):
    source = SHARED_DATA / COURSE_FILE
    if not source.exists():
        pytest.skip(f"the course file is not at {source}")
    # Run from the repository's folder, as the guide says: the data is in ../shared.
    monkeypatch.chdir(ROOT)
    _run(COURSE_FILE, "course quickstart")
    out = capsys.readouterr().out
    assert "precision" in out and "recall" in out


def test_extras_quickstart_runs(capsys):
    _run("hidden_activations(X[:3])", "extras")
    assert "[(3, 16), (3, 8)]" in capsys.readouterr().out


def test_fit_epochs_example_stops_where_the_readme_says(capsys):
    _run("model.fit_epochs(X, y)", "fit_epochs")
    assert capsys.readouterr().out.startswith("27 [0.218")


def test_diagnostics_example_prints_what_the_readme_says(capsys):
    _run("report = model.diagnose()", "diagnostics")
    out = capsys.readouterr().out
    assert "Training health: 2 findings in 30 epochs." in out
    assert "Hidden 2: 8 of its 8 relu units (100%) were dead in the last epoch" in out
    assert "  - lower learning_rate_init (now 0.3) [for Dead ReLU units (hidden 2)" in out
    assert "[0. 1. 1.]" in out


def test_thresholds_example_runs(tmp_path, monkeypatch, capsys):
    matplotlib.use("Agg")
    monkeypatch.chdir(tmp_path)
    _run("choose_threshold", "thresholds")
    out = capsys.readouterr().out
    assert "AUC = " in out and "threshold" in out
    assert (tmp_path / "roc.png").stat().st_size > 0


def test_confusion_matrix_session_prints_what_the_guide_says(tmp_path, monkeypatch):
    matplotlib.use("Agg")
    monkeypatch.chdir(tmp_path)
    # Every '>>>' session, wherever it is: each file is one doctest (its names shared).
    sessions = [page for page in [README, *GUIDE] if ">>> " in page.read_text()]
    assert sessions
    for page in sessions:
        result = doctest.testfile(str(page), module_relative=False, verbose=False)
        assert result.attempted > 0, page.name
        assert result.failed == 0, page.name
    assert (tmp_path / "confusion.png").stat().st_size > 0


def test_smallest_network_example_prints_what_the_readme_says(tmp_path, monkeypatch, capsys):
    matplotlib.use("Agg")
    monkeypatch.chdir(tmp_path)
    _run("smallest_network(X, y", "experiments")
    out = capsys.readouterr().out
    assert "is one hidden layer of 3 units (13 parameters); it did on 8 of 10 seeds." in out
    assert "2 hidden layers: 3 units each (25 parameters), 9 of 10 seeds" in out
    assert (tmp_path / "smallest_network.png").stat().st_size > 0


def test_onnx_export_example_prints_what_the_readme_says(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    _run("to_onnx(", "onnx")
    assert capsys.readouterr().out == "True True\n"
    assert (tmp_path / "moons.onnx").stat().st_size > 0


def test_callbacks_example_prints_what_the_readme_says(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    _run("from glassnet.callbacks import", "callbacks")
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "11 31"
    assert out[1] == "[0.1   0.05  0.025]"
    assert (tmp_path / "epochs.csv").read_text().count("\n") == 32  # a header, 31 epochs
    assert (tmp_path / "best.glassnet").stat().st_size > 0


def test_save_load_report_example_runs(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    _run("glassnet.save(pipe", "save, load, report")
    assert capsys.readouterr().out == "True\n"
    assert "Reproduce" in (tmp_path / "moons.html").read_text()


def _headings(page: Path) -> list[str]:
    """The page's headings, outside fenced code (a shell comment is not one)."""
    headings, fence = [], None
    for line in page.read_text().splitlines():
        marker = re.match(r"\s*(```|~~~)", line)
        if marker and fence is None:
            fence = marker.group(1)
        elif marker and line.strip().startswith(fence or "\0"):
            fence = None
        elif fence is None and (heading := re.match(r"#{1,6} (.+)", line)):
            headings.append(heading.group(1))
    return headings


def _anchor(heading: str) -> str:
    """GitHub's (and MyST's) anchor for a heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _local_links(page: Path) -> list[str]:
    targets = re.findall(r"\]\(([^)\s]+)\)", page.read_text())
    return [t for t in targets if not re.match(r"[a-z]+:", t)]


def test_the_readme_is_a_front_page_of_at_most_300_lines():
    lines = README.read_text().count("\n")
    assert lines <= README_MAX_LINES, (
        f"README.md has {lines} lines, more than {README_MAX_LINES}: move the details to a "
        "page of docs/guide/ and link to it"
    )


def test_every_local_link_leads_to_a_file_and_its_heading():
    broken = []
    for page in [README, *GUIDE]:
        for link in _local_links(page):
            path, _, anchor = link.partition("#")
            target = (page.parent / path).resolve() if path else page
            if not target.exists():
                broken.append(f"{page.name}: {link} (no file {target})")
            elif anchor and target.suffix == ".md":
                if anchor not in {_anchor(h) for h in _headings(target)}:
                    broken.append(f"{page.name}: {link} (no such heading in {target.name})")
    assert not broken, broken


def test_the_readme_links_to_every_page_of_the_guide():
    linked = {(ROOT / link.partition("#")[0]).resolve() for link in _local_links(README)}
    assert [page.name for page in GUIDE if page.resolve() not in linked] == []
