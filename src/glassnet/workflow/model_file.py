"""Model files: a trained pipeline saved in a format that is safe to load from a stranger.

A pickle runs whatever code its author chose the moment it is loaded, so glassnet
never writes or reads one. A model file (``MODEL_NAME.glassnet``) is a zip archive:

- the members written by ``skops.io`` for the fitted scikit-learn ``Pipeline``
  (``schema.json`` and one ``.npy`` file per array): the objects are described, not
  pickled, and rebuilding one means looking its type up by name;
- ``glassnet.json``, written by glassnet beside them, holding a format marker, the
  format version and the caller's metadata (command line, target, columns, training
  summary, ...). skops ignores members it did not write, and anyone can read this
  one without loading the model: ``unzip -p model.glassnet glassnet.json``;
- optionally ``glassnet.sig``: an HMAC-SHA256 of every other member, made with the
  key in ``GLASSNET_SIGNING_KEY``.

Each check on loading catches one thing, and no more:

- bounds (:data:`MAX_FILE_BYTES`, :data:`MAX_JSON_DEPTH`, ...): a regular file, its
  members' declared sizes and every array header's promise checked against the file
  before anything is inflated or allocated, JSON parsed only when small and shallow:
  a hostile file costs at most about its size in memory, and is refused with a message;
- the members' CRC-32 checksums: corruption (a damaged download or disk). Anyone can
  recompute them, so they say nothing about who wrote the file;
- the signature, when a key is set: tampering by someone without the key;
- the allowlist: no code runs. Every type outside :data:`TRUSTED_TYPES` (on top of the
  types skops trusts by default: builtins, NumPy arrays, scikit-learn's estimators) is
  refused before any object is rebuilt; nothing else is ever passed to skops as trusted.

A file that passes them all still holds a model someone made, which may predict badly.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import math
import os
import re
import stat
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
import skops
import skops.io as sio
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted
from skops.io.exceptions import UntrustedTypesFoundException

import glassnet
from glassnet._files import write_atomically
from glassnet.nn import MLPClassifier, MLPRegressor
from glassnet.workflow.errors import ModelFileError

FORMAT = "glassnet-model"
"""The format marker stored in ``glassnet.json``."""

FORMAT_VERSION = 1
"""The version of the layout described above; raised on any incompatible change."""

METADATA_MEMBER = "glassnet.json"
"""The zip member that holds the format marker and the metadata."""

MODEL_SUFFIX = ".glassnet"
"""The usual file-name ending of a model file."""

SIGNATURE_MEMBER = "glassnet.sig"
"""The zip member that holds the signature of a signed model file."""

SIGNING_KEY_VARIABLE = "GLASSNET_SIGNING_KEY"
"""The environment variable holding the signing key (text, used as UTF-8)."""

MIN_KEY_LENGTH = 32
"""The shortest signing key accepted: a signature is only as strong as its key, and a
signed file lets anyone try keys offline (``secrets.token_urlsafe(32)`` makes one)."""

MAX_FILE_BYTES = 100 * 2**20
"""The largest model file read, and the most its members may hold uncompressed
together. A glassnet model of a few hundred thousand weights takes a few MB."""

MAX_MEMBERS = 10_000
"""The most members a model file may have (zipfile keeps an object per member)."""

MAX_METADATA_BYTES = 2**20
"""The largest ``glassnet.json`` read."""

MAX_SCHEMA_BYTES = 16 * 2**20
"""The largest ``schema.json`` read (parsed, JSON takes about ten times its size)."""

MAX_JSON_DEPTH = 100
"""The deepest nesting of lists and objects read; skops' own files nest about 30 deep."""

# The members a model file may hold: glassnet's, skops' schema and skops' arrays
# (named after the array's id). skops reads members by name: nothing else is needed.
_ARRAY_HEADERS = {
    (1, 0): np.lib.format.read_array_header_1_0,
    (2, 0): np.lib.format.read_array_header_2_0,
}
_MEMBER_NAME = re.compile(r"glassnet\.json|glassnet\.sig|schema\.json|[0-9]+\.npy")

TRUSTED_TYPES: tuple[str, ...] = (
    # glassnet's estimator. Its __setstate__ turns the stored activation names back
    # into functions through the activation registry, so no function is ever stored.
    "glassnet.nn._mlp.MLPClassifier",
    "glassnet.nn._regressor.MLPRegressor",
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


def save_model(
    path: str | os.PathLike[str], pipeline: Pipeline, metadata: dict, *, sign: bool = False
) -> Path:
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
    sign : bool, default False
        Add a signature made with the key in ``GLASSNET_SIGNING_KEY``, which
        :func:`load_model` checks wherever that key is set.

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
    key = _signing_key(needed="Signing a model file (--sign)") if sign else None
    buffer = io.BytesIO(payload)
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr(METADATA_MEMBER, header)
    if key is not None:
        members = _read_members(path, buffer.getvalue())
        with zipfile.ZipFile(buffer, "a") as archive:
            archive.writestr(SIGNATURE_MEMBER, _signature(key, members))
    data = buffer.getvalue()
    if len(data) > MAX_FILE_BYTES:
        raise ModelFileError(
            f"cannot save the model to {path}: it takes {len(data):,} bytes, more than the "
            f"{MAX_FILE_BYTES:,} a model file may hold. Train a smaller network."
        )
    # The same checks as loading: never write a file that load_model would refuse.
    _check_contents(path, _read_members(path, data), key)
    _write_atomically(path, data)
    return path


def load_model(
    path: str | os.PathLike[str], *, require_signature: bool = False
) -> tuple[Pipeline, dict]:
    """Load a model file written by :func:`save_model`, refusing anything unexpected.

    The file is read within bounds (see the module's description), its checksums
    and, when ``GLASSNET_SIGNING_KEY`` is set, its signature are checked, and its
    types are checked against :data:`TRUSTED_TYPES` before any object is rebuilt; a
    pickle, or a skops file holding any other type, is never executed.

    Parameters
    ----------
    path : str or path-like
        The model file.
    require_signature : bool, default False
        Refuse the file unless its signature verifies; ``GLASSNET_SIGNING_KEY`` must
        then be set. (With the key set, a signature is required anyway.)

    Returns
    -------
    pipeline : sklearn.pipeline.Pipeline
        The fitted pipeline, its last step a glassnet ``MLPClassifier``.
    metadata : dict
        The metadata given to :func:`save_model`.

    Raises
    ------
    ModelFileError
        If the file is missing, is not a regular file, is too large, is not a
        glassnet model file (not a zip archive, truncated, corrupted, members glassnet
        does not write, JSON too deep, arrays larger than their members), was written
        in an unknown format version, is unsigned or wrongly signed where a signature
        is needed, contains types outside the allowlist, or holds a network whose
        weights are not numbers. The message names the file and the reason.
    """
    path = Path(path)
    key = _signing_key(
        needed="Requiring a signature (--require-signature)" if require_signature else None
    )
    data = _read_bytes(path)
    header = _check_contents(path, _read_members(path, data), key)
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
    _check_network(path, pipeline.steps[-1][1])
    return pipeline, header["metadata"]


def read_metadata(path: str | os.PathLike[str]) -> dict:
    """Read a model file's metadata without loading the model.

    Only ``glassnet.json`` is parsed, within the same bounds as :func:`load_model`;
    no object is rebuilt, so this is safe on any file. Neither the model nor the
    signature is checked: :func:`load_model` does that.

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
    return _header_of(path, _read_members(path, _read_bytes(path)))["metadata"]


def signing_key_is_set() -> bool:
    """Whether ``GLASSNET_SIGNING_KEY`` is set (model files must then be signed with it)."""
    return bool(os.environ.get(SIGNING_KEY_VARIABLE))


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
    """Write the model file in one rename; a failure is a ModelFileError naming it."""
    try:
        write_atomically(path, data)
    except OSError as err:
        reason = err.strerror or str(err)
        raise ModelFileError(
            f"cannot write the model file {path}: {reason}. Check that the directory "
            f"{path.parent} exists and that you may write to it, or choose another path."
        ) from err


# ---------------------------------------------------------------- reading


def _read_bytes(path: Path) -> bytes:
    """Read a regular file of at most MAX_FILE_BYTES, once: the bytes checked are loaded."""
    try:
        mode = path.stat().st_mode  # before opening: opening a FIFO would wait forever
        if stat.S_ISDIR(mode):
            raise ModelFileError(f"{path} is a directory, not a model file.")
        if not stat.S_ISREG(mode):
            raise ModelFileError(
                f"{path} is not a regular file (a device, a pipe or a socket): a model "
                "file is a file saved by glassnet train."
            )
        with path.open("rb") as file:
            size = os.fstat(file.fileno()).st_size
            data = file.read(MAX_FILE_BYTES + 1) if size <= MAX_FILE_BYTES else b""
    except FileNotFoundError as err:
        raise ModelFileError(f"no model file at {path}: the file does not exist.") from err
    except OSError as err:
        raise ModelFileError(f"cannot read the model file {path}: {err.strerror or err}.") from err
    if size > MAX_FILE_BYTES or len(data) > MAX_FILE_BYTES:
        raise _too_large(path, f"{max(size, len(data)):,} bytes")
    return data


def _too_large(path: Path, what: str) -> ModelFileError:
    return ModelFileError(
        f"refusing to load {path}: it holds {what}, more than the {MAX_FILE_BYTES:,} a "
        "model file may (glassnet's hold a few MB). It is not a model glassnet wrote."
    )


def _read_members(path: Path, data: bytes) -> dict[str, bytes]:
    """Read every member, after checking names and declared sizes; CRC-32s checked."""
    # Each member has a central-directory record with this signature: an upper bound
    # on the members, counted before zipfile builds an object for each.
    if data.count(b"PK\x01\x02") > MAX_MEMBERS:
        raise _not_a_model_file(path, f"more than {MAX_MEMBERS:,} zip members")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            _check_members(path, infos)
            # zipfile inflates no more than each member's declared size, and checks
            # its CRC-32 at the end: a damaged byte anywhere is noticed.
            return {info.filename: archive.read(info) for info in infos}
    except ModelFileError:
        raise
    except Exception as err:  # any failure to parse a stranger's bytes: not our file
        raise _not_a_model_file(path, err) from err


def _check_members(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    names = [info.filename for info in infos]
    unknown = [name for name in names if not _MEMBER_NAME.fullmatch(name)]
    if unknown:
        shown = ", ".join(repr(name[:60]) for name in unknown[:3])
        raise _not_a_model_file(path, f"members glassnet does not write: {shown}")
    if len(set(names)) != len(names):
        raise _not_a_model_file(path, "a member name appears twice")
    for needed in (METADATA_MEMBER, "schema.json"):
        if needed not in names:
            raise _not_a_model_file(path, f"a zip archive without {needed}")
    if any(i.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) for i in infos):
        raise _not_a_model_file(path, "members compressed other than by deflate")
    total = sum(info.file_size for info in infos)
    if total > MAX_FILE_BYTES:  # a zip bomb: refused before anything is inflated
        raise _too_large(path, f"members of {total:,} bytes uncompressed")


def _check_contents(path: Path, members: dict[str, bytes], key: bytes | None) -> dict[str, Any]:
    """Check the signature, the JSON members and the arrays' headers; return the header."""
    if key is not None:
        _check_signature(path, members, key)
    header = _header_of(path, members)
    _parse_json(path, members["schema.json"], "schema.json", MAX_SCHEMA_BYTES)
    for name, content in members.items():
        if name.endswith(".npy"):
            _check_array_header(path, name, content)
    return header


def _header_of(path: Path, members: dict[str, bytes]) -> dict[str, Any]:
    """Return the parsed ``glassnet.json`` of a model file, its format checked."""
    header = _parse_json(path, members[METADATA_MEMBER], METADATA_MEMBER, MAX_METADATA_BYTES)
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


def _parse_json(path: Path, raw: bytes, name: str, limit: int) -> Any:
    """Parse a JSON member of at most `limit` bytes and MAX_JSON_DEPTH levels."""
    if len(raw) > limit:
        raise _not_a_model_file(path, f"{name} holds {len(raw):,} bytes, more than {limit:,}")
    try:
        value = json.loads(raw.decode("utf-8"))
    except RecursionError:  # nesting deeper than Python's own limit
        raise _not_a_model_file(path, f"{name} nests deeper than {MAX_JSON_DEPTH} levels") from None
    except ValueError as err:  # UnicodeDecodeError and JSONDecodeError alike
        raise _not_a_model_file(path, err) from err
    # skops walks its schema recursively: nesting is bounded before it does.
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise _not_a_model_file(path, f"{name} nests deeper than {MAX_JSON_DEPTH} levels")
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return value


def _check_array_header(path: Path, name: str, content: bytes) -> None:
    """Refuse an array whose header promises more (or less) than its member holds.

    NumPy allocates what the header promises before reading the data: a 100-byte
    member can ask for 250 GB. Object arrays would need pickle: refused too.
    """
    stream = io.BytesIO(content)
    try:
        version = np.lib.format.read_magic(stream)
        if version not in _ARRAY_HEADERS:
            raise ValueError(f"array format version {version}, which glassnet does not write")
        shape, _, dtype = _ARRAY_HEADERS[version](stream)
    except ValueError as err:
        raise _not_a_model_file(path, f"its array {name} is unreadable ({err})") from err
    if dtype.hasobject:
        raise _not_a_model_file(path, f"its array {name} holds Python objects")
    promised = math.prod(shape) * dtype.itemsize
    if promised != len(content) - stream.tell():
        raise _not_a_model_file(
            path,
            f"its array {name} promises {promised:,} bytes of data but holds "
            f"{len(content) - stream.tell():,}",
        )


def _not_a_model_file(path: Path, why: object) -> ModelFileError:
    if isinstance(why, BaseException):
        why = f"{type(why).__name__}: {why}"
    return ModelFileError(
        f"{path} is not a glassnet model file ({why}). It may be truncated or corrupted; "
        "save the model again with glassnet."
    )


# ---------------------------------------------------------------- signatures


def _signing_key(needed: str | None = None) -> bytes | None:
    """Return the key in GLASSNET_SIGNING_KEY, None when unset; `needed`: the option asking."""
    text = os.environ.get(SIGNING_KEY_VARIABLE, "")
    if not text:
        if needed is None:
            return None
        raise ModelFileError(
            f"{needed} needs a key: set the environment variable {SIGNING_KEY_VARIABLE} "
            "to the key the model files are signed with."
        )
    if len(text) < MIN_KEY_LENGTH:
        raise ModelFileError(
            f"{SIGNING_KEY_VARIABLE} holds {len(text)} characters; a signing key needs at "
            f'least {MIN_KEY_LENGTH} (make one with: python -c "import secrets; '
            'print(secrets.token_urlsafe(32))").'
        )
    return text.encode("utf-8")


def _signature(key: bytes, members: dict[str, bytes]) -> bytes:
    """Return the text of glassnet.sig: the HMAC-SHA256 of every other member.

    Each member contributes its name and content, both with their lengths, so no
    two different sets of members sign alike; names are unique (checked on loading).
    """
    mac = hmac.new(key, digestmod=hashlib.sha256)
    for name, content in members.items():
        if name != SIGNATURE_MEMBER:
            encoded = name.encode("utf-8")
            for part in (encoded, content):
                mac.update(len(part).to_bytes(8, "big"))
                mac.update(part)
    return json.dumps({"algorithm": "HMAC-SHA256", "signature": mac.hexdigest()}).encode()


def _check_signature(path: Path, members: dict[str, bytes], key: bytes) -> None:
    stored = members.get(SIGNATURE_MEMBER)
    if stored is None:
        raise ModelFileError(
            f"refusing to load {path}: it is not signed, and {SIGNING_KEY_VARIABLE} is set, "
            "so only model files signed with that key are loaded. Sign it with glassnet "
            f"train --sign, or unset {SIGNING_KEY_VARIABLE} to load unsigned files."
        )
    if not hmac.compare_digest(stored, _signature(key, members)):
        raise ModelFileError(
            f"refusing to load {path}: its signature does not match {SIGNING_KEY_VARIABLE}. "
            "The file was changed after it was signed, or signed with another key; ask its "
            "author for the file again."
        )


# ---------------------------------------------------------------- checks


def _check_pipeline(pipeline: object, message: str, error: type[ValueError] = ValueError) -> None:
    """Raise ``error`` unless ``pipeline`` is a fitted Pipeline ending in a glassnet MLP."""
    last = _last_step(pipeline)
    if isinstance(last, MLPClassifier | MLPRegressor):
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
        f"MLPClassifier (or MLPRegressor) was expected, got a {what}."
    )


def _check_network(path: Path, network: MLPClassifier) -> None:
    """Refuse weights that are not floating-point matrices chained layer to layer.

    The allowlist lets arrays of any dtype through: a file whose weights were stored
    as text would load, then fail in the middle of a prediction.
    """
    coefs, intercepts = network.coefs_, network.intercepts_
    problem = None
    if not (isinstance(coefs, list) and isinstance(intercepts, list) and coefs):
        problem = "no list of weight matrices"
    elif len(coefs) != len(intercepts):
        problem = f"{len(coefs)} weight matrices but {len(intercepts)} bias vectors"
    else:
        units = getattr(network, "n_features_in_", None)
        for layer, (w, b) in enumerate(zip(coefs, intercepts, strict=True), start=1):
            arrays = isinstance(w, np.ndarray) and isinstance(b, np.ndarray)
            if not arrays or w.dtype.kind != "f" or b.dtype.kind != "f":
                kinds = f"{getattr(w, 'dtype', type(w).__name__)}"
                problem = f"layer {layer}'s weights are {kinds}, not floating-point numbers"
            elif w.ndim != 2 or w.shape[0] != units or b.shape != (w.shape[1],):
                problem = f"layer {layer}'s weights have shape {w.shape}, not ({units}, n)"
            if problem:
                break
            units = w.shape[1]
        if problem is None and units != getattr(network, "n_outputs_", units):
            problem = f"{units} output units for {network.n_outputs_} outputs"
    if problem:
        raise ModelFileError(
            f"refusing to load {path}: its network is not one glassnet can run ({problem}). "
            "The file was not written by glassnet, or was changed; train the model again."
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
