"""The arrows point inward: no module imports a package further out than its own.

Every ``import`` and ``from ... import`` in ``src/glassnet``, at module level or inside a
function, is read from the source. Each package has a layer, the engine and the metrics
innermost and the command line outermost; a module may import its own package and the
packages of lower layers only. The few places where an outer package plugs into an inner
one (the diagnosis into the engine, the notebook displays into the engine and the
metrics) are slots the inner side defines and the outer side fills, loaded by name
(``nn/_hooks.py``, ``_display_slot.py``): no import statement of the inner side names
the outer package.
"""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "glassnet"

LAYERS = {
    # What every layer may use: helpers that import nothing of glassnet's.
    "_extras": 0, "_files": 0, "_display_slot": 0,
    # The math.
    "nn": 1, "metrics": 1,
    # What reads the math: the diagnosis, the HTML of a notebook, ONNX.
    "diagnostics": 2, "_display": 2, "export": 2,
    # Libraries built on those.
    "experiments": 3, "workflow": 3,
    "report": 4, "callbacks": 4,
    # The edges: servers, then the command line that starts them, then its entry points.
    "compete": 5, "playground": 5,
    "cli": 6, "_console": 7, "__main__": 8,
}  # fmt: skip
FACADE = 4


def _package(module: str) -> str | None:
    """The package a dotted name of glassnet's lies in; None for the root, ``glassnet``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def _imports() -> list[tuple[str, str, int]]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC)
        if relative.parts == ("__init__.py",):
            continue  # the facade: it names everything, lazily (PEP 562)
        package = relative.parts[0].removesuffix(".py")
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
                if node.module == "glassnet":  # from glassnet import _files, __version__
                    names = [f"glassnet.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                if name.startswith("glassnet"):
                    found.append((str(relative), package, name, node.lineno))
    return found


IMPORTS = _imports()


def test_every_package_has_a_layer():
    packages = {p.name.removesuffix(".py") for p in SRC.iterdir()}
    packages -= {"__init__", "__pycache__", "py.typed"}
    assert packages == set(LAYERS)


def test_the_reader_sees_lazy_imports_too():
    # The notebook displays used to be imported inside methods of the engine's classes.
    assert any(name == "glassnet._display_slot" for _, _, name, _ in IMPORTS)
    assert len(IMPORTS) > 200


@pytest.mark.parametrize("package", sorted(LAYERS))
def test_imports_point_inward(package):
    outward = []
    for relative, source, name, line in IMPORTS:
        target = _package(name)
        if source != package or target is None or target == source:
            continue
        # The root's version, the one source of it, may be read from anywhere.
        if target == "__version__":
            continue
        # Any other root name (from glassnet import MLPClassifier) is the facade's, which
        # reaches as far out as the report and the callbacks.
        layer = LAYERS.get(target, FACADE)
        if layer >= LAYERS[source]:
            outward.append(f"{relative}:{line} imports {name}")
    assert not outward, "\n".join(outward)
