"""Model files: round trips, metadata, and refusal of anything glassnet did not write."""

import functools
import io
import json
import os
import pickle
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from sklearn.compose import ColumnTransformer
from sklearn.datasets import make_moons
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

from glassnet import MLPClassifier, MLPRegressor
from glassnet.workflow.model_file import (
    FORMAT,
    FORMAT_VERSION,
    METADATA_MEMBER,
    TRUSTED_TYPES,
    ModelFileError,
    load_model,
    read_metadata,
    save_model,
)
from glassnet.workflow.plane import PlaneFeatures

METADATA = {
    "command": "glassnet train passengers.csv --target Survived",
    "target": "Survived",
    "columns": ["Age", "Fare", "Sex"],
    "summary": {"epochs": 5, "train_accuracy": 0.75, "classes": ["no", "yes"]},
    "created": "2026-01-01T12:00:00+00:00",
}


def make_data(n=60, seed=0):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(
        {
            "Age": rng.normal(30, 10, n),
            "Fare": rng.exponential(20, n),
            "Sex": rng.choice(["female", "male"], n),
        }
    )
    X.loc[[2, 7], "Age"] = np.nan
    y = np.where((X["Sex"] == "female") | (X["Fare"] > 30), "yes", "no")
    return X, y


def make_pipeline_fitted(solver="adam", **mlp_params):
    X, y = make_data()
    prep = ColumnTransformer(
        [
            ("num", make_pipeline(SimpleImputer(), StandardScaler()), ["Age", "Fare"]),
            ("cat", OneHotEncoder(handle_unknown="ignore"), ["Sex"]),
        ]
    )
    mlp = MLPClassifier(
        (4,),
        activation="tanh",
        solver=solver,
        max_iter=5,
        random_state=0,
        health_warnings=False,
        **mlp_params,
    )
    pipeline = Pipeline([("prep", prep), ("mlp", mlp)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 5 epochs do not converge, on purpose
        return pipeline.fit(X, y)


@pytest.fixture(scope="module")
def pipeline():
    return make_pipeline_fitted()


@pytest.fixture
def model_path(tmp_path, pipeline):
    return save_model(tmp_path / "model.glassnet", pipeline, METADATA)


def new_rows():
    # Unseen rows, with a missing age and a category not seen in training.
    return pd.DataFrame(
        {"Age": [22.0, np.nan, 61.5], "Fare": [7.25, 71.3, 0.0], "Sex": ["male", "female", "x"]}
    )


def rezip(data, replace):
    """Copy a zip archive, replacing members (bytes) or dropping them (None)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            if name not in replace:
                dst.writestr(name, src.read(name))
        for name, content in replace.items():
            if content is not None:
                dst.writestr(name, content)
    return out.getvalue()


def header(**changes):
    return json.dumps(
        {"format": FORMAT, "format_version": FORMAT_VERSION, "metadata": {}} | changes
    )


# ---------------------------------------------------------------- round trips


def test_round_trip_in_the_same_process(model_path, pipeline):
    X, _ = make_data()
    loaded, metadata = load_model(model_path)
    for rows in (X, new_rows()):
        np.testing.assert_array_equal(loaded.predict_proba(rows), pipeline.predict_proba(rows))
        np.testing.assert_array_equal(loaded.predict(rows), pipeline.predict(rows))
    np.testing.assert_array_equal(loaded.classes_, pipeline.classes_)
    assert metadata == METADATA
    assert loaded[-1].history_ == pipeline[-1].history_


def test_round_trip_in_a_fresh_process(model_path, pipeline, tmp_path):
    rows = new_rows()
    script = (
        "import json, sys\n"
        "import pandas as pd\n"
        "from glassnet.workflow.model_file import load_model\n"
        "pipeline, _ = load_model(sys.argv[1])\n"
        "rows = pd.DataFrame(json.loads(sys.argv[2]))\n"
        "print(json.dumps({'proba': pipeline.predict_proba(rows).tolist(),\n"
        "                  'labels': pipeline.predict(rows).tolist()}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(model_path), json.dumps(rows.to_dict("list"))],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    # json writes floats with repr, which reads back to the same float: exact equality.
    got = json.loads(done.stdout)
    assert got["proba"] == pipeline.predict_proba(rows).tolist()
    assert got["labels"] == pipeline.predict(rows).tolist()


@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_partial_fit_after_loading_continues_where_training_stopped(tmp_path, solver):
    original = make_pipeline_fitted(solver)
    loaded, _ = load_model(save_model(tmp_path / "m.glassnet", original, {}))
    X, y = make_data(seed=1)
    for pipeline in (original, loaded):
        pipeline[-1].partial_fit(pipeline[0].transform(X), y)
    for a, b in zip(original[-1].coefs_, loaded[-1].coefs_, strict=True):
        np.testing.assert_array_equal(a, b)


def test_metadata_is_readable_without_loading_the_model(model_path):
    assert read_metadata(model_path) == METADATA
    # Plain JSON in the archive: any zip tool can read it, no glassnet needed.
    with zipfile.ZipFile(model_path) as archive:
        stored = json.loads(archive.read(METADATA_MEMBER))
    assert stored["format"] == "glassnet-model"
    assert stored["format_version"] == 1
    assert stored["metadata"] == METADATA
    assert set(stored["versions"]) == {"glassnet", "scikit-learn", "skops"}


def make_playground_pipeline():
    # What the playground's "model file" button saves: scaling, the plane's
    # features, the network.
    X, y = make_moons(60, noise=0.2, random_state=0)
    mlp = MLPClassifier((4,), max_iter=5, random_state=0, health_warnings=False)
    pipeline = make_pipeline(StandardScaler(), PlaneFeatures(["x1", "x2", "x1*x2"]), mlp)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 5 epochs do not converge, on purpose
        return pipeline.fit(X, y)


def test_the_allowlist_is_exactly_what_glassnet_pipelines_need():
    # Every trusted name is needed by some pipeline, and none is missing: a renamed
    # glassnet class or a new kind of fitted state shows up here.
    needed = set()
    for solver in ("adam", "sgd"):
        needed |= set(sio.get_untrusted_types(data=sio.dumps(make_pipeline_fitted(solver))))
    needed |= set(sio.get_untrusted_types(data=sio.dumps(make_playground_pipeline())))
    regression = make_pipeline_fitted()  # glassnet train on a numeric target
    regression.steps[-1] = ("mlp", MLPRegressor(hidden_layer_sizes=(4,), max_iter=5))
    X, _ = make_data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 5 epochs do not converge, on purpose
        regression.fit(X, np.linspace(0.0, 1.0, len(X)))
    needed |= set(sio.get_untrusted_types(data=sio.dumps(regression)))
    assert needed == set(TRUSTED_TYPES)


def test_the_fitted_model_stores_activation_names_not_functions(pipeline):
    state = pipeline[-1].__getstate__()
    assert state["_hidden_acts"] == ["tanh"]
    assert pipeline[-1]._hidden_acts[0].name == "tanh"  # the model itself is untouched


def test_a_stored_activation_name_is_looked_up_never_called():
    model = MLPClassifier.__new__(MLPClassifier)
    with pytest.raises(ValueError, match="'system' is not a known activation"):
        model.__setstate__({"_hidden_acts": ["system"]})


# ---------------------------------------------------------------- saving


def test_save_replaces_an_existing_file_and_leaves_no_temporary_file(tmp_path, pipeline):
    path = tmp_path / "model.glassnet"
    path.write_bytes(b"an older model")
    assert save_model(path, pipeline, METADATA) == path
    assert read_metadata(path) == METADATA
    assert os.listdir(tmp_path) == ["model.glassnet"]


def test_save_under_a_file_fails_clearly_and_leaves_nothing(tmp_path, pipeline):
    (tmp_path / "afile").write_text("not a directory")
    path = tmp_path / "afile" / "model.glassnet"
    with pytest.raises(ModelFileError, match=r"cannot write the model file .*afile"):
        save_model(path, pipeline, METADATA)
    assert os.listdir(tmp_path) == ["afile"]


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="root writes into read-only directories",
)
def test_save_into_a_read_only_directory_fails_clearly_and_leaves_nothing(tmp_path, pipeline):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(ModelFileError, match="Permission denied"):
            save_model(folder / "model.glassnet", pipeline, METADATA)
        assert os.listdir(folder) == []
    finally:
        folder.chmod(0o700)


def test_a_failed_rename_removes_the_temporary_file(tmp_path, pipeline):
    # A directory in the way: the temporary file is written, then cannot replace it.
    (tmp_path / "model.glassnet").mkdir()
    with pytest.raises(ModelFileError, match=r"cannot write the model file .*model\.glassnet"):
        save_model(tmp_path / "model.glassnet", pipeline, METADATA)
    assert os.listdir(tmp_path) == ["model.glassnet"]
    assert os.listdir(tmp_path / "model.glassnet") == []


def _never_stop(record):
    return False


def test_save_refuses_a_pipeline_it_could_not_load_back(tmp_path):
    pipeline = make_pipeline_fitted(callbacks=[_never_stop])
    with pytest.raises(ModelFileError, match="_never_stop"):
        save_model(tmp_path / "model.glassnet", pipeline, METADATA)
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    ("make", "got"),
    [
        (lambda p: p[0], "got a ColumnTransformer"),
        (lambda p: Pipeline([("prep", p[0]), ("lr", LogisticRegression())]), "ending in Log"),
        (lambda p: Pipeline([("mlp", MLPClassifier())]), "Pipeline that is not fitted"),
    ],
)
def test_save_needs_a_fitted_glassnet_pipeline(tmp_path, pipeline, make, got):
    with pytest.raises(ValueError, match=got):
        save_model(tmp_path / "model.glassnet", make(pipeline), METADATA)


@pytest.mark.parametrize(
    ("metadata", "match"),
    [({"loss": float("nan")}, "no NaN"), ({"when": object()}, "JSON values"), ([1], "a dict")],
)
def test_save_needs_json_metadata(tmp_path, pipeline, metadata, match):
    with pytest.raises(ValueError, match=match):
        save_model(tmp_path / "model.glassnet", pipeline, metadata)
    assert os.listdir(tmp_path) == []


# ---------------------------------------------------------------- refusing files


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(ModelFileError, match=r"no model file at .*nothing\.glassnet"):
        load_model(tmp_path / "nothing.glassnet")


@pytest.mark.parametrize(
    ("damage", "why"),
    [
        (lambda data: data[: len(data) // 2], "BadZipFile"),
        (lambda data: data[:-10], "BadZipFile"),
        (lambda data: b"", "BadZipFile"),
        (lambda data: b"Survived,Age\n1,22\n", "BadZipFile"),
        (lambda data: rezip(data, {METADATA_MEMBER: None}), "without glassnet.json"),
        (lambda data: rezip(data, {METADATA_MEMBER: b"{not json"}), "JSONDecodeError"),
        (lambda data: rezip(data, {METADATA_MEMBER: header(format="x")}), "no format"),
        (lambda data: rezip(data, {METADATA_MEMBER: header(metadata=[])}), "no metadata"),
        (lambda data: rezip(data, {"schema.json": None}), "schema.json"),
    ],
    ids=[
        "truncated",
        "end cut",
        "empty",
        "csv",
        "no header",
        "bad header",
        "other format",
        "bad metadata",
        "no schema",
    ],
)
def test_a_damaged_file_is_not_a_model_file(model_path, damage, why):
    model_path.write_bytes(damage(model_path.read_bytes()))
    with pytest.raises(ModelFileError, match=r"model\.glassnet is not a glassnet model file"):
        load_model(model_path)
    with pytest.raises(ModelFileError, match=why):
        load_model(model_path)


def test_a_flipped_byte_in_any_member_is_noticed(model_path):
    data = model_path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
    assert len(members) > 3
    for info in members:
        # The middle byte of the member's stored data, past its local header.
        start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
        at = start + info.compress_size // 2
        model_path.write_bytes(data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1 :])
        with pytest.raises(ModelFileError, match=r"is not a glassnet model file.*CRC-32"):
            load_model(model_path)


def test_a_newer_format_version_asks_for_a_newer_glassnet(model_path):
    data = rezip(model_path.read_bytes(), {METADATA_MEMBER: header(format_version=2)})
    model_path.write_bytes(data)
    with pytest.raises(ModelFileError, match=r"format version 2.*upgrade glassnet"):
        load_model(model_path)


class Payload:
    """Stands for an attacker's object; rebuilding it would leave a marker file."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __setstate__(self, state):
        Path(state["marker"]).touch()


@pytest.mark.parametrize(
    ("make", "refused"),
    [
        (lambda marker: {"x": Payload(marker)}, "test_model_file.Payload"),
        (
            lambda marker: Pipeline(
                [("t", FunctionTransformer(functools.partial(os.system, f"touch {marker}")))]
            ),
            "functools.partial, .*system",
        ),
    ],
    ids=["custom class", "os.system"],
)
def test_a_file_with_an_untrusted_type_is_refused_before_anything_runs(tmp_path, make, refused):
    marker = tmp_path / "marker"
    # A well-formed glassnet header, so that only the type check stands in the way.
    data = rezip(sio.dumps(make(marker)), {METADATA_MEMBER: header()})
    path = tmp_path / "evil.glassnet"
    path.write_bytes(data)
    with pytest.raises(ModelFileError, match=f"refusing to load .*{refused}.*tampered"):
        load_model(path)
    assert not marker.exists()


class Trap:
    """A pickle that creates a file when unpickled."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (Path(self.marker),))


def test_a_pickle_is_refused_and_never_unpickled(tmp_path):
    # The trap is live: unpickling it does create its marker.
    pickle.loads(pickle.dumps(Trap(tmp_path / "control")))
    assert (tmp_path / "control").exists()
    marker = tmp_path / "marker"
    path = tmp_path / "model.glassnet"
    path.write_bytes(pickle.dumps(Trap(marker)))
    with pytest.raises(ModelFileError, match="is not a glassnet model file"):
        load_model(path)
    with pytest.raises(ModelFileError, match="is not a glassnet model file"):
        read_metadata(path)
    assert not marker.exists()


def test_a_file_holding_another_model_is_refused(tmp_path):
    X, y = make_data()
    other = Pipeline([("lr", LogisticRegression())]).fit(X[["Fare"]], y)
    path = tmp_path / "model.glassnet"
    path.write_bytes(rezip(sio.dumps(other), {METADATA_MEMBER: header()}))
    with pytest.raises(ModelFileError, match="does not hold a fitted glassnet pipeline"):
        load_model(path)


# ---------------------------------------------------------------- signatures

KEY = "a-signing-key-of-forty-characters-------"


@pytest.fixture
def signed_path(tmp_path, pipeline, monkeypatch):
    monkeypatch.setenv("GLASSNET_SIGNING_KEY", KEY)
    path = save_model(tmp_path / "signed.glassnet", pipeline, METADATA, sign=True)
    monkeypatch.delenv("GLASSNET_SIGNING_KEY")
    return path


def negated_weights(data):
    """The network's weights negated, every checksum recomputed, the signature kept."""
    from .hostile_models import edited_weights

    return edited_weights(data)


def test_a_signed_file_loads_with_its_key(signed_path, monkeypatch):
    monkeypatch.setenv("GLASSNET_SIGNING_KEY", KEY)
    loaded, metadata = load_model(signed_path, require_signature=True)
    assert metadata == METADATA
    X, _ = make_data()
    assert loaded.predict(X).shape == (len(X),)


def test_edited_weights_pass_the_checksums_but_not_the_signature(signed_path, monkeypatch):
    signed_path.write_bytes(negated_weights(signed_path.read_bytes()))
    load_model(signed_path)  # without a key: the checksums are right, the edit unseen
    monkeypatch.setenv("GLASSNET_SIGNING_KEY", KEY)
    with pytest.raises(ModelFileError, match="signature does not match GLASSNET_SIGNING_KEY"):
        load_model(signed_path)


def test_another_key_does_not_verify(signed_path, monkeypatch):
    monkeypatch.setenv("GLASSNET_SIGNING_KEY", KEY.replace("a", "b"))
    with pytest.raises(ModelFileError, match="changed after it was signed, or signed with"):
        load_model(signed_path)


def test_with_a_key_set_an_unsigned_file_is_refused(signed_path, model_path, monkeypatch):
    monkeypatch.setenv("GLASSNET_SIGNING_KEY", KEY)
    with pytest.raises(ModelFileError, match="it is not signed, and GLASSNET_SIGNING_KEY is set"):
        load_model(model_path)
    # Removing the signature from a signed file makes it an unsigned one: refused too.
    signed_path.write_bytes(rezip(signed_path.read_bytes(), {"glassnet.sig": None}))
    with pytest.raises(ModelFileError, match="it is not signed"):
        load_model(signed_path)


def test_requiring_a_signature_needs_the_key(signed_path):
    with pytest.raises(ModelFileError, match="needs a key: set the environment variable"):
        load_model(signed_path, require_signature=True)


def test_signing_needs_a_long_enough_key(tmp_path, pipeline, monkeypatch):
    with pytest.raises(ModelFileError, match=r"Signing a model file \(--sign\) needs a key"):
        save_model(tmp_path / "m.glassnet", pipeline, METADATA, sign=True)
    monkeypatch.setenv("GLASSNET_SIGNING_KEY", "short")
    with pytest.raises(ModelFileError, match="holds 5 characters; a signing key needs at least"):
        save_model(tmp_path / "m.glassnet", pipeline, METADATA, sign=True)
    assert not (tmp_path / "m.glassnet").exists()


# ---------------------------------------------------------------- bounds


@pytest.mark.parametrize(
    ("replace", "why"),
    [
        ({"evil.py": b"print(1)"}, "members glassnet does not write: 'evil.py'"),
        ({"../escape.npy": b""}, "members glassnet does not write"),
        ({"glassnet.json": b'{"format": "glassnet-model", ' + b" " * 2**20 + b"}"}, "more than"),
    ],
    ids=["a script", "a path", "huge metadata"],
)
def test_members_glassnet_does_not_write_are_refused(model_path, replace, why):
    model_path.write_bytes(rezip(model_path.read_bytes(), replace))
    with pytest.raises(ModelFileError, match=why):
        load_model(model_path)


def test_a_member_twice_is_refused(model_path):
    # zipfile reads the last of two members of one name; some other reader, the first.
    buffer = io.BytesIO(model_path.read_bytes())
    with zipfile.ZipFile(buffer, "a") as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate name
        archive.writestr(METADATA_MEMBER, header())
    model_path.write_bytes(buffer.getvalue())
    with pytest.raises(ModelFileError, match="a member name appears twice"):
        load_model(model_path)


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path, monkeypatch):
    import glassnet.workflow.model_file as model_file

    monkeypatch.setattr(model_file, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "big.glassnet"
    path.write_bytes(b"\0" * 1001)
    with pytest.raises(ModelFileError, match="it holds 1,001 bytes, more than the 1,000"):
        load_model(path)
