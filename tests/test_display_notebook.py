"""A real notebook shows glassnet's objects richly: run one in a kernel and read its outputs.

The kernel is ipykernel's ``python3`` kernelspec, which jupyter_client starts with the
interpreter running these tests (the one glassnet is installed in); no kernel needs
installing by hand.
"""

import sys

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

CELLS = [
    "import sys, warnings\n"
    "warnings.simplefilter('ignore')\n"
    "from sklearn.datasets import make_moons\n"
    "from glassnet import MLPClassifier\n"
    "from glassnet.metrics import ConfusionMatrix\n"
    "X, y = make_moons(100, noise=0.2, random_state=0)\n"
    "model = MLPClassifier((4,), max_iter=20, random_state=0).fit(X, y)\n"
    "model",
    "ConfusionMatrix(y, model.predict(X))",
    "model.summary()",
    "print(sys.executable)",
]


def test_a_notebook_shows_the_model_and_the_matrix_as_html(tmp_path, monkeypatch):
    # Keep the kernel's files (connection file, IPython's history) out of the home folder.
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    client = nbclient.NotebookClient(notebook, kernel_name="python3", timeout=120)
    client.execute(cwd=str(tmp_path))

    model_out, matrix_out, summary_out, where = (cell.outputs for cell in notebook.cells)
    (model_result,) = [o for o in model_out if o.output_type == "execute_result"]
    assert model_result.data["text/plain"].startswith("MLPClassifier(")
    html = model_result.data["text/html"]
    assert "sk-top-container" in html and 'class="gn-view gn-model"' in html
    assert "2 inputs \u2192 4 relu \u2192 1 logistic" in html

    (matrix_result,) = matrix_out
    assert matrix_result.data["text/plain"].startswith("ConfusionMatrix: 100 samples")
    assert 'class="gn-view gn-confusion"' in matrix_result.data["text/html"]
    assert "FP, type I error" in matrix_result.data["text/html"]

    (summary_result,) = summary_out
    assert "Total parameters: 17" in summary_result.data["text/plain"]
    assert 'class="gn-view gn-summary"' in summary_result.data["text/html"]

    # The kernel ran the interpreter these tests run in.
    assert where[0].text.strip() == sys.executable
