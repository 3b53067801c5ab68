"""The playground's pace: page updates per second, epochs per second, server CPU per run.

What it measures
----------------
1. **Through the server.** It starts ``glassnet playground`` on a free loopback port as
   its own process, opens ``--pages`` WebSocket pages (as browsers do), configures each
   with the issue's workload -- a (8, 8) ReLU network on 500 two-moons points, half held
   out, batch 10, Adam -- and lets them play for ``--seconds`` seconds, first at the
   page's default speed (30 epochs a second) and then as fast as possible. It prints
   the frames (page updates) each page received per second, the epochs per second, the
   size of a frame, and the server's CPU time per page per second of wall time (from
   the process's user and system times).
2. **Beside scikit-learn.** The same update loop in this process, glassnet against the
   peer a student would write without the playground: scikit-learn's ``MLPClassifier``
   trained one epoch at a time (``partial_fit``, which draws its epochs differently but
   does the same arithmetic) and asked for the same numbers every epoch (training and
   test probabilities) and, once per update, the 100 x 100 boundary map. glassnet's
   update also draws every hidden unit's map, the health of each unit and the findings
   of ``diagnose()``, which scikit-learn has no way to give. It prints epochs per second
   of both and the ratio.

How to run
----------
::

    python benchmarks/playground_updates.py                 # ~40 s
    python benchmarks/playground_updates.py --pages 4 --seconds 5
"""

from __future__ import annotations

import argparse
import contextlib
import json
import platform
import socket
import subprocess
import sys
import time
import warnings

import httpx
import numpy as np
import psutil
from sklearn.datasets import make_moons
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier as SklearnMLP
from sklearn.preprocessing import StandardScaler
from websockets.sync.client import connect

from glassnet.playground.datasets import load
from glassnet.playground.lane import Grid, Lane, log_loss
from glassnet.playground.spec import RunSpec

SPEC = {
    "data": {"dataset": "moons", "noise": 20, "samples": 500, "test_share": 50},
    "seed": 0,
    "lanes": [
        {
            "hidden": [8, 8],
            "activation": ["relu", "relu"],
            "solver": "adam",
            "learning_rate_init": 0.03,
            "batch_size": 10,
        }
    ],
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, pages: int) -> subprocess.Popen:
    command = [sys.executable, "-m", "glassnet", "playground", "--no-browser"]
    process = subprocess.Popen(
        [*command, "--port", str(port), "--max-runs", str(pages)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(600):
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/info", timeout=1)
            return process
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError("the playground did not start")


def through_server(pages: int, seconds: float, speed: int | None) -> dict:
    port = free_port()
    server = start_server(port, pages)
    cpu = psutil.Process(server.pid)
    stack = contextlib.ExitStack()
    connections = [
        stack.enter_context(connect(f"ws://127.0.0.1:{port}/ws", max_size=None))
        for _ in range(pages)
    ]
    try:
        for ws in connections:
            ws.send(json.dumps({"type": "configure", "spec": SPEC}))
            ws.send(json.dumps({"type": "speed", "value": speed}))
        for ws in connections:  # ready and the epoch-0 frame
            while json.loads(ws.recv())["type"] != "frame":
                pass
        for ws in connections:
            ws.send(json.dumps({"type": "play"}))
        before = cpu.cpu_times()
        started = time.perf_counter()
        frames = [0] * pages
        sizes: list[int] = []
        epochs = [0] * pages
        while time.perf_counter() - started < seconds:
            for k, ws in enumerate(connections):
                try:
                    text = ws.recv(timeout=0.01)
                except TimeoutError:
                    continue
                message = json.loads(text)
                if message["type"] == "frame":
                    frames[k] += 1
                    sizes.append(len(text))
                    epochs[k] = message["epoch"]
        wall = time.perf_counter() - started
        after = cpu.cpu_times()
    finally:
        stack.close()
        server.terminate()
        server.wait(10)
    used = (after.user - before.user) + (after.system - before.system)
    return {
        "frames_per_s": np.mean(frames) / wall,
        "epochs_per_s": np.mean(epochs) / wall,
        "frame_kb": np.median(sizes) / 1000,
        "cpu_per_page": used / wall / pages,
    }


def glassnet_updates(seconds: float, epochs_per_frame: int) -> float:
    spec = RunSpec.model_validate(SPEC)
    data = load(spec.data, spec.seed)
    lane = Lane(spec.lanes[0], data, spec.features, spec.seed, Grid(data.extent, spec.features))
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        for _ in range(epochs_per_frame):
            lane.step()
        lane.frame()
    rate = lane.epoch / (time.perf_counter() - started)
    lane.close()
    return rate


def sklearn_updates(seconds: float, epochs_per_frame: int) -> float:
    X, y = make_moons(500, noise=0.2, random_state=0)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.5, random_state=0, stratify=y
    )
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    g = np.linspace(-3, 3, 100)
    grid = np.column_stack([a.ravel() for a in np.meshgrid(g, g)])
    model = SklearnMLP((8, 8), learning_rate_init=0.03, batch_size=10, random_state=0)
    epochs = 0
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        while time.perf_counter() - started < seconds:
            for _ in range(epochs_per_frame):
                model.partial_fit(X_train, y_train, classes=[0, 1])
                for X_, y_ in ((X_train, y_train), (X_test, y_test)):
                    proba = model.predict_proba(X_)
                    log_loss(proba, y_)
                    (proba.argmax(1) == y_).mean()
                epochs += 1
            model.predict_proba(grid)
    return epochs / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=8.0)
    args = parser.parse_args()
    print(f"{platform.processor() or platform.machine()}, {psutil.cpu_count()} cores")
    print(f"\n1. Through the server: {args.pages} page(s), (8, 8) relu, 500 moons, batch 10")
    print(f"{'speed':>10} {'updates/s':>10} {'epochs/s':>9} {'frame KB':>9} {'CPU/page':>9}")
    for speed in (30, None):
        r = through_server(args.pages, args.seconds, speed)
        print(
            f"{speed or 'max':>10} {r['frames_per_s']:>10.1f} {r['epochs_per_s']:>9.1f} "
            f"{r['frame_kb']:>9.1f} {r['cpu_per_page']:>8.0%}"
        )
    print("\n2. The update loop in this process, epochs per second (every epoch measured)")
    print(f"{'epochs per update':>18} {'scikit-learn':>13} {'glassnet':>9} {'ratio':>6}")
    for per_frame in (1, 5):
        theirs = sklearn_updates(args.seconds / 2, per_frame)
        ours = glassnet_updates(args.seconds / 2, per_frame)
        print(f"{per_frame:>18} {theirs:>13.1f} {ours:>9.1f} {ours / theirs:>5.2f}x")


if __name__ == "__main__":
    main()
