"""Hostile model files are refused in one line, within bounded memory and time.

Each file (built in hostile_models.py from a real one, its checksums correct) is given
to the real command line in a worker process whose address space is capped
(RLIMIT_AS): the worker reports, per command, the exit code, the output, the seconds
taken and how much the process's peak memory rose. Before these checks, the zip bomb
took 2.1 GB and 35 s to refuse, /dev/zero ended in a MemoryError after 2.5 GB, and
deep JSON and text weights in tracebacks.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from glassnet.cli import app

from . import hostile_models as hostile

KEY = "k" * 40
# The worker's caps: NumPy and its BLAS reserve some 1.6 GB of address space by
# themselves; a refused file may raise the peak memory by a little, in little time.
ADDRESS_SPACE = 3 * 2**30
MEMORY_RISE_MB = 100
SECONDS = 10

WORKER = """
import json, os, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
from typer.testing import CliRunner
from glassnet.cli import app

def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

results = {{}}
for name, args, env in json.loads(sys.argv[1]):
    before, start = peak_mb(), time.monotonic()
    result = CliRunner().invoke(app, args, env=env)
    results[name] = {{
        "exit_code": result.exit_code,
        "stdout": result.stdout,
        "stderr": result.stderr,
        "exception": type(result.exception).__name__,
        "seconds": time.monotonic() - start,
        "rise_mb": peak_mb() - before,
    }}
print(json.dumps(results))
"""


def train(folder, sign=False):
    rng = np.random.default_rng(0)
    rows = pd.DataFrame({"Age": rng.normal(30, 10, 200), "Sex": rng.choice(["f", "m"], 200)})
    rows["Survived"] = ((rows["Sex"] == "f") | (rows["Age"] < 20)).astype(int)
    data = folder / "data.csv"
    rows.to_csv(data, index=False)
    model = folder / ("signed.glassnet" if sign else "good.glassnet")
    args = ["train", str(data), "--target", "Survived", "--hidden", "8", "--max-iter", "20"]
    args += ["--quiet", "--out", str(model)] + (["--sign"] if sign else [])
    result = CliRunner().invoke(app, args, env={"GLASSNET_SIGNING_KEY": KEY} if sign else {})
    assert result.exit_code == 0, result.output
    return data, model


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """Run every case in the capped worker; return its report per case."""
    folder = tmp_path_factory.mktemp("hostile")
    data, good = train(folder)
    _, signed = train(folder, sign=True)
    files = {
        "zip bomb": hostile.zip_bomb,
        "huge array": hostile.huge_array,
        "deep metadata": hostile.deep_json,
        "deep schema": lambda d: hostile.deep_json(d, "schema.json"),
        "text weights": hostile.string_weights,
    }
    cases = [("good", ["inspect", str(good)], {})]
    for name, build in files.items():
        path = folder / f"{name.replace(' ', '_')}.glassnet"
        path.write_bytes(build(good.read_bytes()))
        cases.append((name, ["inspect", str(path)], {}))
        cases.append((f"{name} (predict)", ["predict", str(path), str(data), "-o", "p.csv"], {}))
    cases.append(("/dev/zero", ["inspect", "/dev/zero"], {}))
    edited = folder / "edited.glassnet"
    edited.write_bytes(hostile.edited_weights(signed.read_bytes()))
    cases.append(("edited, signed", ["predict", str(edited), str(data), "-o", "p.csv"], {}))
    cases.append(("edited, checked", ["inspect", str(edited)], {"GLASSNET_SIGNING_KEY": KEY}))
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    worker = subprocess.run(
        [sys.executable, "-c", WORKER.format(limit=ADDRESS_SPACE), json.dumps(cases)],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
        cwd=folder,
    )
    assert worker.returncode == 0, worker.stderr[-3000:]
    return json.loads(worker.stdout.splitlines()[-1])


@pytest.mark.parametrize(
    ("case", "says"),
    [
        ("zip bomb", "bytes uncompressed, more than the 104,857,600 a model file may"),
        ("huge array", "promises 250,000,000,000 bytes of data but holds 64"),
        ("deep metadata", "glassnet.json nests deeper than 100 levels"),
        ("deep schema", "schema.json nests deeper than 100 levels"),
        ("text weights", "layer 1's weights are <U32, not floating-point numbers"),
        ("/dev/zero", "/dev/zero is not a regular file"),
        ("edited, checked", "its signature does not match GLASSNET_SIGNING_KEY"),
    ],
)
def test_a_hostile_file_is_refused_in_one_line_within_bounds(reports, case, says):
    for name in (case, f"{case} (predict)"):
        if name not in reports:
            continue
        report = reports[name]
        assert report["exception"] == "SystemExit", report  # no traceback
        assert report["exit_code"] == 1 and report["stdout"] == ""
        line = report["stderr"].strip()
        assert line.startswith("Error: ") and "\n" not in line, line
        assert says in line
        assert report["rise_mb"] < MEMORY_RISE_MB and report["seconds"] < SECONDS, report


def test_the_worker_loads_a_good_file(reports):
    assert reports["good"]["exit_code"] == 0, reports["good"]


def test_weights_edited_with_checksums_recomputed_load_without_a_key(reports):
    # The checksums are right: they catch corruption, not intent. Only a signature,
    # checked where the key is set, tells the edit (the case above).
    assert reports["edited, signed"]["exit_code"] == 0, reports["edited, signed"]
