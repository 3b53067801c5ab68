"""The playground server, driven as a page drives it: a real process, a real WebSocket.

Every number a frame shows is checked against what the exported script computes
(glassnet's and scikit-learn's MLPClassifier) and against the downloaded model file.
"""

from __future__ import annotations

import io
import threading
import time
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import f1_score, log_loss, precision_score, recall_score
from websockets.exceptions import InvalidStatus

from glassnet.metrics import ConfusionMatrix
from glassnet.workflow.model_file import load_model

RELU_8_8 = {
    "data": {"dataset": "moons", "noise": 20, "samples": 300},
    "seed": 3,
    "lanes": [{"hidden": [8, 8], "activation": ["relu", "relu"], "learning_rate_init": 0.03}],
}


def run_script(code: str) -> dict:
    """Execute an exported script; its globals (model, X_test, ...) afterwards."""
    scope: dict = {"__name__": "__main__"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(compile(code, "exported.py", "exec"), scope)
    return scope


def test_step_trains_exactly_one_epoch(page):
    _, first = page.configure(RELU_8_8)
    assert first["epoch"] == 0 and not first["playing"]
    for expected in (1, 2, 3):
        page.send("step")
        frame = page.paused_frame()
        assert frame["epoch"] == expected
        assert frame["lanes"][0]["series"]["epoch"] == [expected]


def test_steps_clicked_faster_than_epochs_all_count(page):
    page.configure(RELU_8_8)
    for _ in range(5):  # sent at once: the run has trained none of them yet
        page.send("step")
    # Lost steps would leave it short of 5 (and this would time out).
    page.until("frame", where=lambda m: not m["playing"] and m["epoch"] >= 5)
    page.send("step")
    after = page.until("frame", where=lambda m: not m["playing"] and m["epoch"] >= 6)
    assert after["epoch"] == 6  # and none trained beyond


def test_play_then_pause_stops_training(page):
    page.configure(RELU_8_8)
    page.send("speed", value=None)
    page.send("play")
    playing = page.until("frame", where=lambda m: m["playing"] and m["epoch"] > 5)
    assert playing["lanes"][0]["series"]["epoch"]
    page.send("pause")
    paused = page.paused_frame()
    time.sleep(0.5)
    page.send("step")
    after = page.paused_frame()
    assert after["epoch"] == paused["epoch"] + 1  # nothing trained while paused


def test_reset_starts_the_same_run_again(page):
    page.configure(RELU_8_8)
    page.send("run_to", value=7)
    before = page.paused_frame()
    page.send("reset")
    reset = page.until("frame", where=lambda m: m["reset"])
    assert reset["epoch"] == 0
    page.send("run_to", value=7)
    again = page.paused_frame()
    # Same seed, same data: the same numbers.
    assert again["lanes"][0]["weights"] == before["lanes"][0]["weights"]


def test_the_pages_numbers_are_the_exported_scripts(page, playground):
    ready, _ = page.configure(RELU_8_8)
    page.send("run_to", value=40)
    frame = page.paused_frame()
    lane = frame["lanes"][0]
    assert frame["epoch"] == 40
    with playground.http as http:
        code = http.get(f"/api/export/{ready['run']}/0").raise_for_status().text
        model_bytes = http.get(f"/api/model/{ready['run']}/0").raise_for_status().content
    scope = run_script(code)
    model, network = scope["model"], scope["network"]
    X_train, X_test = scope["X_train"], scope["X_test"]
    y_train, y_test = scope["y_train"], scope["y_test"]
    assert network.n_iter_ == 40
    for shown, expected in zip(lane["weights"], network.coefs_, strict=True):
        np.testing.assert_array_equal(np.array(shown), expected)
    series = lane["series"]
    assert series["loss"][-1] == network.loss_
    assert series["train_accuracy"][-1] == model.score(X_train, y_train)
    assert series["test_accuracy"][-1] == model.score(X_test, y_test)
    assert series["train_loss"][-1] == pytest.approx(
        log_loss(y_train, model.predict_proba(X_train)), rel=1e-12
    )
    assert series["test_loss"][-1] == pytest.approx(
        log_loss(y_test, model.predict_proba(X_test)), rel=1e-12
    )
    # The confusion matrix's cells count the test points.
    predicted = model.predict(X_test)
    cells = lane["confusion"]["cells"]
    assert cells["TP"] == int(((predicted == 1) & (y_test == 1)).sum())
    assert cells["FP"] == int(((predicted == 1) & (y_test == 0)).sum())
    assert sum(cells.values()) == len(y_test)
    confusion = lane["confusion"]
    assert confusion["precision"] == precision_score(y_test, predicted)
    assert confusion["recall"] == recall_score(y_test, predicted)
    assert confusion["f1"] == pytest.approx(f1_score(y_test, predicted), rel=1e-15)
    assert confusion["explanation"] == ConfusionMatrix(y_test, predicted).explain("test points")
    # The findings are diagnose()'s on the same model.
    assert [f["message"] for f in lane["findings"]] == [f.message() for f in network.diagnose()]
    # The model file predicts as the script's model, from the two raw columns.
    path = playground.log.parent / "exported.glassnet"
    path.write_bytes(model_bytes)
    pipeline, metadata = load_model(path)
    assert metadata["epochs"] == 40 and metadata["columns"] == ["x1", "x2"]
    np.testing.assert_array_equal(pipeline.predict_proba(X_test), model.predict_proba(X_test))


def test_scikit_learns_script_gives_the_same_numbers_where_it_can(page, playground):
    spec = {
        "data": {"dataset": "xor", "noise": 10},
        "features": ["x1", "x2", "x1*x2"],
        "lanes": [{"hidden": [4], "activation": ["tanh"], "solver": "sgd"}],
    }
    ready, _ = page.configure(spec)
    assert ready["lanes"][0]["sklearn_gaps"] == []
    page.send("run_to", value=25)
    lane = page.paused_frame()["lanes"][0]
    with playground.http as http:
        code = http.get(f"/api/export/{ready['run']}/0?library=sklearn").raise_for_status().text
    assert "from sklearn.neural_network import MLPClassifier" in code
    assert "glassnet" not in code.split('"""')[2]  # scikit-learn only, after the docstring
    scope = run_script(code)
    np.testing.assert_allclose(
        np.array(lane["weights"][0]), scope["network"].coefs_[0], rtol=1e-12, atol=1e-14
    )
    assert lane["series"]["test_accuracy"][-1] == scope["model"].score(
        scope["X_test"], scope["y_test"]
    )


def test_scikit_learn_export_names_what_it_lacks(page, playground):
    spec = {"lanes": [{"hidden": [4], "activation": ["elu"], "dropout": 0.1}]}
    ready, _ = page.configure(spec)
    gaps = ready["lanes"][0]["sklearn_gaps"]
    assert any("elu" in g for g in gaps) and "dropout" in gaps
    with playground.http as http:
        answer = http.get(f"/api/export/{ready['run']}/0?library=sklearn")
    assert answer.status_code == 409
    assert "elu" in answer.json()["detail"] and "dropout" in answer.json()["detail"]


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ({"lanes": [{"hidden": [20], "activation": ["relu"]}]}, "1 to 16 per layer"),
        (
            {"lanes": [{"hidden": [4, 4], "activation": ["relu"]}]},
            "one activation per hidden layer",
        ),
        ({"lanes": [{"hidden": [4], "activation": ["swishy"]}]}, "'swishy' is not one of"),
        ({"lanes": [{"learning_rate_init": 0}]}, "lanes.0.learning_rate_init"),
        ({"data": {"samples": 10**6}}, "data.samples"),
        ({"features": ["x3"]}, "features must be distinct names of x1, x2"),
        ({"lanes": [{}, {}, {}]}, "lanes"),
        ({"data": {"dataset": "csv"}}, "needs the uploaded file"),
        (
            {"data": {"dataset": "csv", "upload": "0" * 64, "x1": "a", "x2": "b", "label": "c"}},
            "upload it again",
        ),
    ],
)
def test_a_bad_spec_gets_a_message_naming_the_setting(page, spec, words):
    page.send("configure", spec=spec)
    error = page.until("error")
    assert words in error["message"]


def test_commands_before_a_run_and_unknown_messages_are_answered(page):
    page.send("play")
    assert "configure a run first" in page.until("error")["message"]
    page.connection.send("not json")
    assert "JSON" in page.until("error")["message"]
    page.send("launch")
    assert "unknown message" in page.until("error")["message"]
    page.configure(RELU_8_8)
    page.send("speed", value=7)
    assert "speed must be one of" in page.until("error")["message"]


def csv_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    return buffer.getvalue().encode()


def test_an_uploaded_csv_trains_and_exports(page, playground, tmp_path):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "height": rng.normal(170, 10, 200),
            "weight": rng.normal(70, 12, 200),
            "name": [f"p{i}" for i in range(200)],
        }
    )
    frame["fit"] = np.where(frame["weight"] / (frame["height"] / 100) ** 2 > 24, "no", "yes")
    frame.loc[[3, 17], "weight"] = np.nan
    with playground.http as http:
        described = http.post("/api/upload?name=people.csv", content=csv_bytes(frame)).json()
        # A link to the run describes the file again (the page's column menus).
        assert http.get(f"/api/upload/{described['upload']}").json() == described
        missing = http.get(f"/api/upload/{'0' * 64}")
    assert missing.status_code == 404 and "upload it again" in missing.json()["detail"]
    assert described["rows"] == 200
    assert described["suggested"] == {"x1": "height", "x2": "weight", "label": "fit"}
    data = {"dataset": "csv", "upload": described["upload"], "samples": 2000, "test_share": 25}
    data |= described["suggested"]
    ready, _ = page.configure({"data": data, "lanes": [{"hidden": [6], "activation": ["relu"]}]})
    assert ready["data"]["classes"] == ["no", "yes"]
    assert any("2 missing values filled" in note for note in ready["data"]["notes"])
    page.send("run_to", value=30)
    lane = page.paused_frame()["lanes"][0]
    with playground.http as http:
        code = http.get(f"/api/export/{ready['run']}/0").raise_for_status().text
    (tmp_path / "people.csv").write_bytes(csv_bytes(frame))
    import os

    here = os.getcwd()
    os.chdir(tmp_path)  # the script reads the file by its name, as a student runs it
    try:
        scope = run_script(code)
    finally:
        os.chdir(here)
    assert lane["series"]["test_accuracy"][-1] == scope["model"].score(
        scope["X_test"], scope["y_test"]
    )


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "is empty"),
        (bytes(range(256)) * 40, "is not a text file"),
        (b"a,b,c\n1,u,x\n3,v,y\n", "needs two numeric columns"),
        (b"a,b,c\n", "no data rows"),
    ],
)
def test_a_bad_upload_gets_a_message(playground, content, words):
    with playground.http as http:
        answer = http.post("/api/upload?name=bad.csv", content=content)
    assert answer.status_code == 400
    assert words in answer.json()["detail"]
    assert "/tmp" not in answer.json()["detail"]  # no server paths


def test_a_chosen_column_that_is_not_numeric_is_named(page, playground):
    content = b"score,city,passed\n" + b"".join(
        f"{i},{'ab'[i % 2]},{i % 2}\n".encode() for i in range(60)
    )
    with playground.http as http:
        upload = http.post("/api/upload?name=cities.csv", content=content).json()["upload"]
    data = {"dataset": "csv", "upload": upload, "x1": "score", "x2": "city", "label": "passed"}
    page.send("configure", spec={"data": data})
    message = page.until("error")["message"]
    assert "column 'city' of cities.csv (chosen as x2) is not numeric" in message


def test_an_upload_too_large_is_refused_while_it_streams(playground_factory, tmp_path):
    folder = tmp_path / "tmp"
    folder.mkdir()
    server = playground_factory(
        env={"GLASSNET_PLAYGROUND_MAX_UPLOAD_BYTES": "100000", "TMPDIR": str(folder)}
    )

    def stored() -> int:
        return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())

    def chunks():  # no Content-Length: chunked, as an attacker would send it
        for _ in range(2000):
            yield b"1,2,3\n" * 1000

    peak = [0]
    done = threading.Event()

    def watch() -> None:  # the server's disk use while the 12 MB stream in
        while not done.is_set():
            peak[0] = max(peak[0], stored())
            time.sleep(0.002)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        with server.http as http:
            answer = http.post("/api/upload?name=huge.csv", content=chunks())
    finally:
        done.set()
        watcher.join()
    assert answer.status_code == 413
    assert "larger than the playground's limit of 0.1 MB" in answer.json()["detail"]
    assert peak[0] <= 100_000  # never more than the limit on disk
    assert stored() == 0  # and the partial file is gone
    # Refused with a Content-Length too, before reading the body.
    with server.http as http:
        answer = http.post("/api/upload?name=big.csv", content=b"x" * 200_000)
    assert answer.status_code == 413 and "0.2 MB" in answer.json()["detail"]


def test_the_course_file_is_offered_with_its_missing_ages_filled(page, playground):
    from tests.playground.conftest import course_file_or_skip

    course_file_or_skip()
    ready, _ = page.configure({"data": {"dataset": "titanic", "samples": 500}})
    assert ready["data"]["columns"] == ["Pclass", "Age"]
    assert any(note.startswith("Age: 102 missing values filled") for note in ready["data"]["notes"])


def test_runs_are_capped_and_a_page_over_the_cap_is_told(playground_factory):
    server = playground_factory(max_runs=1)
    first = server.ws()
    first.configure(RELU_8_8)
    second = server.ws()
    refused = second.until("refused")
    assert "as many as this server allows" in refused["message"]
    first.close()
    time.sleep(0.5)
    third = server.ws()
    third.configure(RELU_8_8)  # the slot was freed
    third.close()


def test_an_idle_page_loses_its_run(playground_factory):
    server = playground_factory(env={"GLASSNET_PLAYGROUND_IDLE_SECONDS": "1.5"})
    page = server.ws()
    page.configure(RELU_8_8)
    dropped = page.until("dropped", timeout=10)
    assert "idle" in dropped["message"]


def test_another_sites_page_cannot_connect(playground):
    with pytest.raises(InvalidStatus):
        playground.ws(origin="http://evil.example")


def test_every_response_carries_the_security_headers(playground):
    with playground.http as http:
        for path in ("/", "/api/info", "/static/playground.js", "/missing"):
            headers = http.get(path).headers
            assert "default-src 'self'" in headers["content-security-policy"], path
            assert headers["x-frame-options"] == "DENY"
            assert headers["x-content-type-options"] == "nosniff"
            assert headers["referrer-policy"] == "no-referrer"


def test_racing_pages_each_get_their_own_run(playground):
    pages = [playground.ws() for _ in range(5)]
    try:
        for k, page in enumerate(pages):
            page.configure(RELU_8_8 | {"seed": k % 2})
        for page in pages:
            page.send("speed", value=None)
            page.send("play")
        time.sleep(1.0)
        for page in pages:
            page.send("pause")
        stopped = [page.paused_frame()["epoch"] for page in pages]
        for page in pages:
            page.send("reset")
            page.until("frame", where=lambda m: m["reset"])
            page.send("run_to", value=12)
        frames = [page.paused_frame() for page in pages]
    finally:
        for page in pages:
            page.close()
    assert all(epoch > 0 for epoch in stopped)
    weights = [f["lanes"][0]["weights"] for f in frames]
    # Pages with the same seed see the same network; the two seeds differ.
    assert weights[0] == weights[2] == weights[4] and weights[1] == weights[3]
    assert weights[0] != weights[1]


def test_side_by_side_lanes_train_in_lockstep(page):
    spec = RELU_8_8 | {
        "lanes": [
            {"hidden": [8, 8], "activation": ["logistic", "logistic"]},
            {"hidden": [8, 8], "activation": ["elu", "elu"], "init": "he_uniform"},
        ]
    }
    ready, first = page.configure(spec)
    assert len(ready["lanes"]) == len(first["lanes"]) == 2
    page.send("run_to", value=9)
    frame = page.paused_frame()
    assert [lane["epoch"] for lane in frame["lanes"]] == [9, 9]
    assert frame["lanes"][0]["weights"] != frame["lanes"][1]["weights"]
