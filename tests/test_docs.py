"""The documentation site builds as CI builds it, and shows what it should.

The build (``make docs``: Sphinx with warnings as errors) runs the example notebooks,
once, in a Jupyter kernel; each notebook asserts its own numbers, so a notebook whose
claim stops being true fails the build and this test.
"""

import base64
import importlib
import importlib.util
import pkgutil
import re
import shutil
import subprocess
import sys
import types
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
# The command line's one name, the Typer app, is documented as commands in the guide.
NOT_IN_THE_API_REFERENCE = {"glassnet.cli"}


def _public_modules():
    """Return glassnet and each of its public modules that declares __all__."""
    import glassnet

    names = ["glassnet"] + [
        f"glassnet.{found.name}"
        for found in pkgutil.iter_modules(glassnet.__path__)
        if not found.name.startswith("_")
    ]
    modules = [importlib.import_module(name) for name in names]
    return [
        m for m in modules if hasattr(m, "__all__") and m.__name__ not in NOT_IN_THE_API_REFERENCE
    ]


def _extension(name):
    spec = importlib.util.spec_from_file_location(name, DOCS / "_ext" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _api_reference():
    """Return the objects api.rst lists, and (module, name) for each."""
    listed, module = {}, None
    for line in (DOCS / "api.rst").read_text().splitlines():
        if match := re.match(r"\.\. currentmodule:: (\S+)", line):
            module = importlib.import_module(match.group(1))
        elif module is not None and re.fullmatch(r"   [A-Za-z_]\w*", line):
            name = line.strip()
            listed[(module.__name__, name)] = getattr(module, name)
    return listed


def test_every_public_name_is_in_the_api_reference():
    listed = _api_reference()
    documented = {id(obj) for obj in listed.values()}
    modules = _public_modules()
    assert {"glassnet", "glassnet.metrics", "glassnet.report"} <= {m.__name__ for m in modules}
    missing = [
        f"{module.__name__}.{name}"
        for module in modules
        for name in module.__all__
        # A subpackage (glassnet.callbacks, the callable glassnet.report) has its own section.
        if not isinstance(getattr(module, name), types.ModuleType)
        and id(getattr(module, name)) not in documented
    ]
    assert not missing, f"add these to docs/api.rst: {missing}"
    # Each object once: a name re-exported by glassnet is documented there only.
    assert len(documented) == len(listed)


def test_a_failing_notebook_fails_the_build_naming_it(tmp_path):
    gallery = _extension("notebook_gallery")
    broken = tmp_path / "broken.py"
    broken.write_text("# %% [markdown]\n# # Broken\n\n# %%\nassert 1 + 1 == 3, 'arithmetic'\n")
    with pytest.raises(Exception, match=r"(?s)broken\.py failed.*AssertionError: arithmetic"):
        gallery.execute(broken)


def test_a_notebook_chooses_its_cards_picture_with_a_tag():
    import nbformat

    gallery = _extension("notebook_gallery")
    notebook = nbformat.v4.new_notebook()
    for picture, tags in [(None, []), (b"curves", []), (b"roc", ["thumbnail"])]:
        cell = nbformat.v4.new_code_cell("", metadata={"tags": tags})
        if picture is not None:
            data = {"image/png": base64.b64encode(picture).decode()}
            cell.outputs = [nbformat.v4.new_output("display_data", data=data)]
        notebook.cells.append(cell)
    assert gallery.first_picture(notebook) == b"roc"
    notebook.cells[2].metadata.tags = []
    assert gallery.first_picture(notebook) == b"curves"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("docs")
    # As make docs builds it: warnings are errors.
    sphinx = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html"]
    build = subprocess.run(
        [*sphinx, "-d", str(out / "doctrees"), str(DOCS), str(out / "html")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    return out / "html"


def test_the_examples_ran_and_show_their_pictures_and_downloads(site):
    gallery = (site / "auto_examples" / "index.html").read_text()
    for name in ["titanic", "confusion_matrix", "moons", "training_problems"]:
        assert f'href="{name}.html"' in gallery
        page = (site / "auto_examples" / f"{name}.html").read_text()
        assert re.search(r'<img[^>]+src="\.\./_images/[^"]+\.png"', page), name
        assert f"{name}.ipynb" in page and f"{name}.py" in page
        assert list(site.glob(f"_downloads/*/{name}.ipynb")), name
    titanic = (site / "auto_examples" / "titanic.html").read_text()
    if (ROOT.parent / "shared" / "data").exists():  # the course's numbers, not made-up ones
        assert "Of the 36 passengers who survived, the model found 10" in titanic


def test_the_titanic_notebook_shows_training_live_and_keeps_its_model(site):
    # The notebook as the build ran it in a real kernel, outputs as a student sees them.
    import nbformat

    executed = DOCS / "auto_examples" / "downloads" / "titanic.ipynb"
    cells = [c for c in nbformat.read(executed, as_version=4).cells if c.cell_type == "code"]

    def cell(snippet):
        return next(c for c in cells if snippet in c.source)

    def shown(cell, kind):
        return [out["data"][kind] for out in cell.outputs if kind in out.get("data", {})]

    def printed(cell):
        return "".join(out.get("text", "") for out in cell.outputs if out.output_type == "stream")

    fit = cell("LivePlot(")
    # LivePlot and ProgressBar redraw their one output in place (update_display_data):
    # one picture and one bar, however often they were drawn.
    (picture,), (bar,) = shown(fit, "image/png"), shown(fit, "text/html")
    assert picture.startswith("iVBORw0KGgo")  # a PNG, base64
    drawn = re.search(r"(\d+) epochs; the curves above were drawn (\d+) times", printed(fit))
    assert drawn and int(drawn.group(2)) >= 2, printed(fit)
    assert 'value="1.0000"' in bar and f"{drawn.group(1)} epochs in " in bar
    (matrix,) = shown(cell("lazy_cm = ConfusionMatrix("), "text/html")
    for name in ["TN", "FP", "type I error", "FN", "type II error", "TP", "recall"]:
        assert name in matrix
    (summary,) = shown(cell("lazy.summary()"), "text/html")
    assert "hidden 1" in summary and "grad norm (last epoch)" in summary
    # The model and the report were written by this build's run, beside the notebook.
    save = cell("glassnet.save(")
    started = datetime.fromisoformat(save.metadata["execution"]["iopub.execute_input"])
    output = DOCS / "examples" / "titanic_output"
    # (The notebook checks itself that the loaded model predicts as the saved one.)
    for name in ["titanic.glassnet", "titanic_report.html"]:
        assert f"wrote titanic_output/{name}" in printed(save)
        written = datetime.fromtimestamp((output / name).stat().st_mtime, UTC)
        assert written >= started - timedelta(seconds=1), name
    report = (output / "titanic_report.html").read_text()
    assert "<title>Training report: Kaggle&#x27;s Titanic passengers</title>" in report
    page = (site / "auto_examples" / "titanic.html").read_text()
    assert "<progress" in page and 'class="gn-view gn-confusion"' in page


# The lowest contrast ratio (WCAG's, 1 to 21) between each kind of text in glassnet's
# displays and what lies behind it, the backgrounds of its ancestors blended.
LOWEST_CONTRAST_JS = """
() => {
  const rgba = (css) => {
    const [r, g, b, a = 1] = css.match(/[\\d.]+/g).map(Number);
    return [r, g, b, a];
  };
  const channel = (c) => (c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  const behind = (element) => {
    const layers = [];
    for (let e = element; e; e = e.parentElement) {
      const colour = rgba(getComputedStyle(e).backgroundColor);
      if (colour[3] > 0) layers.unshift(colour);
      if (colour[3] >= 1) break;
    }
    return layers.reduce((under, [r, g, b, a]) =>
      [r, g, b].map((c, i) => under[i] * (1 - a) + c * a), [255, 255, 255]);
  };
  const contrast = (element) => {
    const [x, y] = [luminance(rgba(getComputedStyle(element).color)), luminance(behind(element))];
    return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
  };
  const texts = {
    title: ".gn-view .gn-title", "cell name": ".gn-cell-name", count: ".gn-cell-count",
    header: ".gn-view th", "rate name": ".gn-view dt", rate: ".gn-view dd",
    "small print": ".gn-foot", "progress bar": "progress + span",
  };
  return Object.fromEntries(Object.entries(texts).map(([name, selector]) =>
    [name, Math.min(...[...document.querySelectorAll(selector)].map(contrast))]));
}
"""


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed")
def test_the_notebooks_displays_read_well_in_the_sites_light_and_dark_themes(site):
    # The site's theme switch (light, dark, or the system's) must win over the system's
    # colours, both for glassnet's displays and for the card the theme puts behind
    # HTML outputs in its dark theme.
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    page_url = (site / "auto_examples" / "titanic.html").as_uri()
    try:
        driver = sync_api.sync_playwright().start()
    except Exception as error:  # its Node.js driver did not run: a missing system library
        pytest.skip(f"Playwright's driver does not start here ({error}); see make browser")
    try:
        browser = driver.chromium.launch(
            executable_path=shutil.which("chromium"), args=["--no-sandbox", "--disable-gpu"]
        )
        for system, switch, theme in [
            ("dark", "auto", "dark"),
            ("dark", "light", "light"),
            ("light", "dark", "dark"),
        ]:
            context = browser.new_context(color_scheme=system)
            context.add_init_script(
                f"localStorage.setItem('mode', '{switch}');"
                f"localStorage.setItem('theme', '{theme}');"
            )
            page = context.new_page()
            page.goto(page_url)
            assert page.evaluate("document.documentElement.dataset.theme") == theme
            lowest = page.evaluate(LOWEST_CONTRAST_JS)
            faint = {name: round(ratio, 2) for name, ratio in lowest.items() if ratio < 4.5}
            assert not faint, f"system {system}, site {switch}: {faint}"
            context.close()
        browser.close()
    finally:
        driver.stop()


def test_the_guide_and_the_api_reference_are_there(site):
    pages = ["getting_started", "engine", "diagnostics", "evaluation", "command_line", "export"]
    for page in pages:
        assert (site / "guide" / f"{page}.html").exists()
    # A link between the guide's Markdown files becomes a link between its pages.
    start = (site / "guide" / "getting_started.html").read_text()
    assert 'href="command_line.html#command-line-from-a-csv-file' in start
    estimator = (site / "generated" / "glassnet.MLPClassifier.html").read_text()
    assert "Inherited from scikit-learn" in estimator
    assert "sklearn.base.BaseEstimator.html#sklearn.base.BaseEstimator.get_params" in estimator
    assert "partial_fit" in estimator and "hidden_activations" in estimator
    # The regressor shares its base class: its page has the shared methods too.
    regressor = (site / "generated" / "glassnet.MLPRegressor.html").read_text()
    assert "fit_epochs" in regressor and "transform" in regressor
    assert "sklearn.base.RegressorMixin.html#sklearn.base.RegressorMixin.score" in regressor


def test_the_site_loads_nothing_from_elsewhere(site):
    for page in site.rglob("*.html"):
        html = page.read_text()
        remote = re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="(https?:[^"]+)"', html)
        assert not remote, f"{page.relative_to(site)} loads {remote}"


def test_without_the_course_files_the_titanic_notebook_says_so_and_goes_on(
    tmp_path, monkeypatch, capsys
):
    # Only its data cell, in this process: the build runs the whole notebook once.
    import jupytext

    notebook = jupytext.read(DOCS / "examples" / "titanic.py")
    data_cell = next(c.source for c in notebook.cells if "DATA = find_data()" in c.source)
    monkeypatch.setenv("GLASSNET_DATA", str(tmp_path))
    names = {}
    exec(compile(data_cell, "titanic.py[data]", "exec"), names)
    said = capsys.readouterr().out
    assert f"THE COURSE'S TITANIC FILES ARE NOT HERE: no {names['COURSE_FILE']} in " in said
    assert f"GLASSNET_DATA={tmp_path}" in said and "MADE-UP passengers" in said
    assert not names["REAL_DATA"]
    assert len(names["course"]) == 500 and len(names["kaggle_test"]) == 418
    assert set(names["kaggle"]) >= {"Survived", "Pclass", "Sex", "Age", "Fare", "Embarked"}
