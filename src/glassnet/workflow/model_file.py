"""Model files: a trained pipeline saved in a format that is safe to load from a stranger.

A pickle runs whatever code its author chose the moment it is loaded, so glassnet
never writes or reads one. A model file (``MODEL_NAME.glassnet``) is a zip archive:

- the members written by ``skops.io`` for the fitted scikit-learn ``Pipeline``
  (``schema.json`` and one ``.npy`` file per array): the objects are described, not
  pickled, and rebuilding one means looking its type up by name;
- ``glassnet.json``, written by glassnet beside them, holding a format marker, the
  format version and the caller's metadata (command line, target, columns, training
  summary, ...). skops ignores members it did not write, and anyone can read this
  one without loading the model: ``unzip -p model.glassnet glassnet.json``.

Loading refuses every type outside :data:`TRUSTED_TYPES` (on top of the types skops
trusts by default: builtins, NumPy arrays, scikit-learn's estimators), before any
object is rebuilt. Nothing else than this allowlist is ever passed to skops as
trusted.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import secrets
import zipfile
from pathlib import Path
from typing import Any

import sklearn
import skops
import skops.io as sio
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted
from skops.io.exceptions import UntrustedTypesFoundException

import glassnet
from glassnet.nn import MLPClassifier

FORMAT = "glassnet-model"
"""The format marker stored in ``glassnet.json``."""

FORMAT_VERSION = 1
"""The version of the layout described above; raised on any incompatible change."""

METADATA_MEMBER = "glassnet.json"
"""The zip member that holds the format marker and the metadata."""

MODEL_SUFFIX = ".glassnet"
"""The usual file-name ending of a model file."""

TRUSTED_TYPES: tuple[str, ...] = (
    # glassnet's estimator. Its __setstate__ turns the stored activation names back
    # into functions through the activation registry, so no function is ever stored.
    "glassnet.nn._mlp.MLPClassifier",
    # history_, the training record, and its saturation thresholds (a frozen
    # dataclass): plain attributes of numbers, strings, lists, dicts and arrays.
    "glassnet.nn._history.TrainingHistory",
    "glassnet.nn._recorder.SaturationThresholds",
    # _optimizer, kept so that partial_fit after loading continues exactly where
    # training stopped (Adam's moments, SGD's velocity): numbers and arrays.
    "glassnet.nn._optimizers.Adam",
    "glassnet.nn._optimizers.SGD",
    # The playground's input features (x1*x2, sin(x1), ...): a transformer holding
    # only the feature names, computed by NumPy from a fixed table.
    "glassnet.workflow.plane.PlaneFeatures",
    # SimpleImputer's fitted _fit_dtype and _fill_dtype. skops rebuilds a dtype from
    # an empty .npy array read with allow_pickle=False, so nothing is called; skops
    # simply lists no default for it.
    "numpy.dtype",
)
"""Types beyond skops' defaults that a glassnet model file may contain.

Found by saving pipelines of every kind the workflow builds (SimpleImputer,
OneHotEncoder, StandardScaler, MinMaxScaler, 'drop', 'passthrough', every solver,
early stopping, dropout, each ``record`` level, float32) and listing what
``skops.io.get_untrusted_types`` reports.
"""


class ModelFileError(ValueError):
    """A model file cannot be written, or is not one glassnet can load safely."""


def save_model(path: str | os.PathLike[str], pipeline: Pipeline, metadata: dict) -> Path:
    """Save a fitted pipeline and its metadata to a model file, atomically.

    The file is written to a temporary file in the same directory and renamed over
    ``path`` only when complete, so a failure (disk full, no permission) leaves no
    half-written model behind, and an existing file at ``path`` untouched.

    Parameters
    ----------
    path : str or path-like
        Where to write, usually ending in ``.glassnet``; its directory must exist.
    pipeline : sklearn.pipeline.Pipeline
        A fitted pipeline whose last step is a glassnet ``MLPClassifier``.
    metadata : dict
        JSON-serialisable description of the model (command line, target column,
        feature names, training summary, versions, creation time). Stored as JSON,
        so :func:`load_model` gives back lists for tuples; NaN and infinity are
        refused, as JSON has no such numbers.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    ModelFileError
        If the file cannot be written (the message names the path and the reason),
        or if the pipeline holds objects that :func:`load_model` would refuse (for
        example ``callbacks``, which are functions).
    ValueError
        If ``pipeline`` is not a fitted pipeline ending in a glassnet
        ``MLPClassifier``, or ``metadata`` is not a JSON-serialisable dict.
    """
    path = Path(path)
    _check_pipeline(pipeline, "save_model cannot save this model")
    header = _header(metadata)
    payload = sio.dumps(pipeline)
    refused = sorted(set(sio.get_untrusted_types(data=payload)) - set(TRUSTED_TYPES))
    if refused:
        # Better to fail now than to write a file that can never be loaded back.
        raise ModelFileError(
            f"cannot save the model to {path}: the pipeline holds objects that "
            f"glassnet does not load from model files: {', '.join(refused)}. Remove "
            "them before saving (for example set the classifier's callbacks to None)."
        )
    buffer = io.BytesIO(payload)
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr(METADATA_MEMBER, header)
    _write_atomically(path, buffer.getvalue())
    return path


def load_model(path: str | os.PathLike[str]) -> tuple[Pipeline, dict]:
    """Load a model file written by :func:`save_model`, refusing anything unexpected.

    The file's types are checked against :data:`TRUSTED_TYPES` before any object is
    rebuilt; a pickle, or a skops file holding any other type, is never executed.

    Parameters
    ----------
    path : str or path-like
        The model file.

    Returns
    -------
    pipeline : sklearn.pipeline.Pipeline
        The fitted pipeline, its last step a glassnet ``MLPClassifier``.
    metadata : dict
        The metadata given to :func:`save_model`.

    Raises
    ------
    ModelFileError
        If the file is missing, is not a glassnet model file (not a zip archive,
        truncated, corrupted, no ``glassnet.json``), was written in an unknown format
        version, or contains types outside the allowlist (it may have been tampered
        with). The message names the file and the reason.
    """
    path = Path(path)
    data = _read_bytes(path)
    header = _read_header(path, data)
    try:
        found = sio.get_untrusted_types(data=data)
    except Exception as err:  # any failure to parse a stranger's bytes: not our file
        raise _not_a_model_file(path, err) from err
    refused = sorted(set(found) - set(TRUSTED_TYPES))
    if refused:
        raise ModelFileError(
            f"refusing to load {path}: it contains types that glassnet does not trust: "
            f"{', '.join(refused)}. A model file saved by glassnet holds none of these; "
            "the file may have been tampered with, or was written by another program. "
            "Ask its author for the file again, or train the model again."
        )
    try:
        pipeline = sio.loads(data, trusted=list(TRUSTED_TYPES))
    except UntrustedTypesFoundException as err:  # a second line of defence
        raise ModelFileError(
            f"refusing to load {path}: {err}. The file may have been tampered with."
        ) from err
    except Exception as err:
        written = header.get("versions", {})
        raise ModelFileError(
            f"{path} could not be rebuilt ({type(err).__name__}: {err}). It was written "
            f"with {_versions_text(written)}; this is {_versions_text(_versions())}. "
            "The file may be corrupted, or need the versions it was written with."
        ) from err
    _check_pipeline(pipeline, f"{path} does not hold a fitted glassnet pipeline", ModelFileError)
    return pipeline, header["metadata"]


def read_metadata(path: str | os.PathLike[str]) -> dict:
    """Read a model file's metadata without loading the model.

    Only ``glassnet.json`` is read; no object is rebuilt, so this is safe on any
    file. The model itself is not checked: :func:`load_model` does that.

    Parameters
    ----------
    path : str or path-like
        The model file.

    Returns
    -------
    dict
        The metadata given to :func:`save_model`.

    Raises
    ------
    ModelFileError
        If the file is missing or is not a glassnet model file.
    """
    path = Path(path)
    return _read_header(path, _read_bytes(path))["metadata"]


# ---------------------------------------------------------------- writing


def _header(metadata: dict) -> str:
    """Return the text of ``glassnet.json``: format marker, versions and metadata."""
    if not isinstance(metadata, dict):
        raise ValueError(f"metadata must be a dict, got {type(metadata).__name__}.")
    header = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "versions": _versions(),
        "metadata": metadata,
    }
    try:
        return json.dumps(header, indent=2, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as err:
        raise ValueError(
            f"metadata must hold only JSON values (str, int, float, bool, None, lists, "
            f"dicts; no NaN or infinity): {err}. Convert the offending "
            "value, for example with float() or str(), or None for NaN."
        ) from err


def _write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    # A hidden name beside the target: same file system, so os.replace is atomic.
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        # O_EXCL: never follow or reuse a file someone else put there; 0o666 lets the
        # umask decide the permissions, as for any file the user creates.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())  # on disk before the rename makes it visible
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
    except OSError as err:
        reason = err.strerror or str(err)
        raise ModelFileError(
            f"cannot write the model file {path}: {reason}. Check that the directory "
            f"{path.parent} exists and that you may write to it, or choose another path."
        ) from err


# ---------------------------------------------------------------- reading


def _read_bytes(path: Path) -> bytes:
    # Read once: the bytes checked are the bytes loaded, even if the file changes.
    try:
        return path.read_bytes()
    except FileNotFoundError as err:
        raise ModelFileError(f"no model file at {path}: the file does not exist.") from err
    except IsADirectoryError as err:
        raise ModelFileError(f"{path} is a directory, not a model file.") from err
    except OSError as err:
        raise ModelFileError(f"cannot read the model file {path}: {err.strerror or err}.") from err


def _read_header(path: Path, data: bytes) -> dict[str, Any]:
    """Return the parsed ``glassnet.json`` of a model file, its format checked."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            # Check every member's CRC-32 now: skops skips members it does not use,
            # and a damaged byte should not go unnoticed anywhere in the file.
            damaged = archive.testzip()
            names = archive.namelist()
            raw = archive.read(METADATA_MEMBER) if METADATA_MEMBER in names else None
    except Exception as err:  # any failure to parse a stranger's bytes: not our file
        raise _not_a_model_file(path, err) from err
    if damaged is not None:
        raise _not_a_model_file(path, f"its member {damaged!r} is damaged: bad CRC-32")
    if raw is None:
        raise _not_a_model_file(path, f"a zip archive without {METADATA_MEMBER}")
    try:
        header = json.loads(raw.decode("utf-8"))
    except ValueError as err:  # UnicodeDecodeError and JSONDecodeError alike
        raise _not_a_model_file(path, err) from err
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise _not_a_model_file(path, f"{METADATA_MEMBER} has no format {FORMAT!r}")
    version = header.get("format_version")
    if version != FORMAT_VERSION:
        newer = isinstance(version, int) and version > FORMAT_VERSION
        advice = "upgrade glassnet to load it" if newer else "train the model again"
        raise ModelFileError(
            f"{path} is a glassnet model file of format version {version!r}; this "
            f"glassnet ({glassnet.__version__}) reads version {FORMAT_VERSION}: {advice}."
        )
    if not isinstance(header.get("metadata"), dict):
        raise _not_a_model_file(path, f"{METADATA_MEMBER} has no metadata")
    return header


def _not_a_model_file(path: Path, why: object) -> ModelFileError:
    if isinstance(why, BaseException):
        why = f"{type(why).__name__}: {why}"
    return ModelFileError(
        f"{path} is not a glassnet model file ({why}). It may be truncated or corrupted; "
        "save the model again with glassnet."
    )


# ---------------------------------------------------------------- checks


def _check_pipeline(pipeline: object, message: str, error: type[ValueError] = ValueError) -> None:
    """Raise ``error`` unless ``pipeline`` is a fitted Pipeline ending in MLPClassifier."""
    last = _last_step(pipeline)
    if isinstance(last, MLPClassifier):
        try:
            check_is_fitted(pipeline)
            return
        except NotFittedError:
            what = "Pipeline that is not fitted"
    elif isinstance(pipeline, Pipeline):
        what = f"Pipeline ending in {type(last).__name__}"
    else:
        what = type(pipeline).__name__
    raise error(
        f"{message}: a fitted scikit-learn Pipeline whose last step is glassnet's "
        f"MLPClassifier was expected, got a {what}."
    )


def _last_step(pipeline: object) -> object:
    """Return a Pipeline's last estimator, or None for anything else."""
    if not isinstance(pipeline, Pipeline):
        return None
    try:
        return pipeline.steps[-1][1]
    except (AttributeError, IndexError, KeyError, TypeError):  # a malformed, loaded one
        return None


def _versions() -> dict[str, str]:
    return {
        "glassnet": glassnet.__version__,
        "scikit-learn": sklearn.__version__,
        "skops": skops.__version__,
    }


def _versions_text(versions: object) -> str:
    if not isinstance(versions, dict) or not versions:
        return "unknown versions"
    return ", ".join(f"{name} {version}" for name, version in versions.items())
