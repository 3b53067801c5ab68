"""``glassnet.save`` and ``glassnet.load``: the command line's model files, from Python.

A model saved here is the file ``glassnet train`` writes (see
:mod:`glassnet.workflow.model_file`: skops, an allowlist of types, checksums and an
optional signature), so it loads with ``glassnet predict`` and ``glassnet evaluate``
too, and a file changed by someone else is refused with the command line's message.
A bare estimator is stored as a one-step Pipeline and given back bare.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

from glassnet._extras import need

# What glassnet.json says a Python caller saved, so that load gives the same kind back.
_ESTIMATOR, _PIPELINE = "estimator", "pipeline"
# The metadata keys glassnet writes itself; a caller's own keys may not replace them.
_OWN_KEYS = ("saved_from", "object", "classes", "epochs", "glassnet_version", "command")


def save(
    model: Any,
    path: str | os.PathLike[str],
    *,
    sign: bool = False,
    metadata: dict[str, Any] | None = None,
) -> Path:
    """Save a fitted model to a ``.glassnet`` file, safe to load from a stranger.

    Parameters
    ----------
    model : MLPClassifier or sklearn.pipeline.Pipeline
        A fitted glassnet ``MLPClassifier``, or a fitted Pipeline whose last step is
        one. Its ``callbacks`` are not saved (they are code, which a model file never
        holds); the model you pass keeps them.
    path : str or path-like
        The file to write, usually ending in ``.glassnet``; replaced in one rename.
    sign : bool, default=False
        Sign the file with the key in ``GLASSNET_SIGNING_KEY`` (as ``glassnet train
        --sign``).
    metadata : dict, optional
        JSON values to store beside the model (readable without loading it:
        ``glassnet.workflow.model_file.read_metadata``). A ``"columns"`` list (the
        input column names) lets ``glassnet predict`` pick them from a CSV file; it
        is filled from the model's ``feature_names_in_`` when it was fitted on a
        DataFrame. ``"target"`` (the label column's name) lets ``glassnet
        evaluate`` find the labels.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    ValueError
        If the model is not a fitted glassnet model, or ``metadata`` is not JSON.
    glassnet.workflow.errors.ModelFileError
        If the file cannot be written (the message says why).

    Examples
    --------
    >>> import glassnet  # doctest: +SKIP
    >>> glassnet.save(model, "moons.glassnet")  # doctest: +SKIP
    >>> glassnet.load("moons.glassnet").predict(X)  # doctest: +SKIP
    """
    need("cli")
    from glassnet.workflow.model_file import save_model

    pipeline, kind = _as_pipeline(model)
    return save_model(path, pipeline, _metadata(pipeline, kind, metadata), sign=sign)


def load(path: str | os.PathLike[str], *, require_signature: bool = False) -> Any:
    """Load a ``.glassnet`` file written by ``glassnet.save`` or ``glassnet train``.

    Every check of the command line is made: bounds, checksums, the signature where
    ``GLASSNET_SIGNING_KEY`` is set, and the allowlist of types, before any object
    is rebuilt; no code from the file runs.

    Parameters
    ----------
    path : str or path-like
        The model file.
    require_signature : bool, default=False
        Refuse the file unless its signature verifies (``--require-signature``).

    Returns
    -------
    MLPClassifier or sklearn.pipeline.Pipeline
        What was saved: the bare estimator for a file saved from one, else the
        Pipeline (``glassnet train``'s files hold a Pipeline).

    Raises
    ------
    glassnet.workflow.errors.ModelFileError
        If the file is missing, damaged, changed after signing, or holds anything
        but a glassnet model; the message is the command line's.
    """
    need("cli")
    from glassnet.workflow.model_file import load_model

    pipeline, metadata = load_model(path, require_signature=require_signature)
    if metadata.get("saved_from") == "python" and metadata.get("object") == _ESTIMATOR:
        return pipeline.steps[-1][1]
    return pipeline


def _as_pipeline(model: Any) -> tuple[Any, str]:
    """Return a Pipeline holding a copy of ``model`` without callbacks, and its kind."""
    from sklearn.pipeline import Pipeline

    from glassnet.nn import MLPClassifier

    last = model[-1] if isinstance(model, Pipeline) and model.steps else model
    if isinstance(last, MLPClassifier) and not hasattr(last, "coefs_"):
        raise ValueError(
            f"glassnet.save saves a fitted model, and this {type(model).__name__} is not "
            "fitted (or its training diverged); call fit first."
        )
    if isinstance(model, MLPClassifier):
        return Pipeline([("model", _without_callbacks(model))]), _ESTIMATOR
    if isinstance(model, Pipeline) and model.steps and isinstance(model[-1], MLPClassifier):
        stripped = copy.copy(model)  # the caller's pipeline keeps its steps
        name, last = model.steps[-1]
        stripped.steps = [*model.steps[:-1], (name, _without_callbacks(last))]
        return stripped, _PIPELINE
    what = type(model).__name__
    if isinstance(model, Pipeline) and model.steps:
        what = f"Pipeline ending in {type(model[-1]).__name__}"
    raise ValueError(
        f"glassnet.save saves a fitted glassnet MLPClassifier, or a fitted Pipeline whose "
        f"last step is one; got a {what}. Save other models with skops.io or joblib."
    )


def _without_callbacks(model: Any) -> Any:
    # A shallow copy shares the weights; only the copy's callbacks change.
    stripped = copy.copy(model)
    stripped.callbacks = None
    return stripped


def _metadata(pipeline: Any, kind: str, extra: dict[str, Any] | None) -> dict[str, Any]:
    """Say what a Python caller's model file records (the command line's records more)."""
    import glassnet

    if extra is not None and not isinstance(extra, dict):
        raise ValueError(f"metadata must be a dict of JSON values, got {type(extra).__name__}.")
    clashes = sorted(set(extra or {}) & set(_OWN_KEYS))
    if clashes:
        raise ValueError(
            f"metadata may not set {', '.join(map(repr, clashes))}: glassnet writes "
            "these itself. Give your values other names."
        )
    mlp = pipeline.steps[-1][1]
    own: dict[str, Any] = {
        "saved_from": "python",
        "object": kind,
        "classes": [str(c) for c in getattr(mlp, "classes_", [])],
        "epochs": int(getattr(mlp, "n_iter_", 0)),
        "glassnet_version": glassnet.__version__,
        "command": "",
    }
    names = getattr(pipeline, "feature_names_in_", None)
    if names is not None and "columns" not in (extra or {}):
        own["columns"] = [str(name) for name in names]
    return {**(extra or {}), **own}
