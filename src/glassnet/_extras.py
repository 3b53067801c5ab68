"""Which optional part of glassnet needs which package, and the message when it is missing.

``pip install glassnet`` brings what the engine, the metrics and the diagnosis need
(NumPy, SciPy, scikit-learn, pandas); pictures, the command line, the servers, Dask
and ONNX export come with extras. A feature whose extra is missing says which one to install,
instead of ending in a bare ``ModuleNotFoundError``.
"""

from __future__ import annotations

import importlib.util

# extra -> (what it is for, the packages it adds, as imported)
EXTRAS: dict[str, tuple[str, tuple[str, ...]]] = {
    "plot": ("pictures (plots, the HTML report)", ("matplotlib",)),
    "cli": (
        "the glassnet command and model files (glassnet.save, load)",
        ("typer", "rich", "skops", "matplotlib", "pyarrow"),
    ),
    "playground": (
        "glassnet playground",
        ("fastapi", "uvicorn", "websockets", "pydantic_settings"),
    ),
    "compete": (
        "glassnet compete",
        ("fastapi", "uvicorn", "sqlalchemy", "alembic", "pydantic_settings", "jinja2", "httpx"),
    ),
    "dask": ("experiments on a Dask cluster (scheduler=)", ("distributed",)),
    "onnx": ("ONNX export (glassnet.export.to_onnx)", ("skl2onnx", "onnx", "onnxruntime")),
}


class MissingExtraError(ModuleNotFoundError):
    """A feature needs a package that comes with one of glassnet's extras."""


def missing_message(extra: str, module: str) -> str:
    """Say what is missing and the command that installs it."""
    purpose = EXTRAS[extra][0]
    return (
        f"{purpose} needs {module}, which is not installed: install glassnet with its "
        f"{extra!r} extra, pip install 'glassnet[{extra}]' (or 'glassnet[all]')."
    )


def need(extra: str) -> None:
    """Raise `MissingExtraError` naming `extra` if one of its packages is missing.

    Looks the packages up without importing them, so it costs nothing when they are
    there.

    Parameters
    ----------
    extra : str
        A key of `EXTRAS`.

    Raises
    ------
    MissingExtraError
    """
    for module in EXTRAS[extra][1]:
        try:
            found = importlib.util.find_spec(module) is not None
        except ImportError:  # a finder that knows it is not there
            found = False
        if not found:
            raise MissingExtraError(missing_message(extra, module), name=module)
