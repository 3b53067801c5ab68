"""A real ``glassnet playground`` process for the tests, and a WebSocket client for it.

playground
    One server for the session (default settings; the course file if it is in
    ../shared/data): ``.url``, ``.ws()`` (a :class:`Page`), ``.http`` (httpx).
playground_factory
    ``playground_factory(max_runs=2, env={"GLASSNET_PLAYGROUND_IDLE_SECONDS": "2"})``
    starts a server of the test's own.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.sync.client import ClientConnection, connect

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_DATA = (REPO_ROOT / "../shared/data").resolve()
COURSE_FILE = SHARED_DATA / "titanic_train_500_age_passengerclass.csv"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Page:
    """A page's connection: send commands, read the server's messages by type."""

    def __init__(self, url: str, headers: dict[str, str] | None = None) -> None:
        self._stack = contextlib.ExitStack()
        self.connection: ClientConnection = self._stack.enter_context(
            connect(url, additional_headers=headers)
        )

    def send(self, kind: str, **fields: Any) -> None:
        self.connection.send(json.dumps({"type": kind, **fields}))

    def recv(self, timeout: float = 20.0) -> dict:
        return json.loads(self.connection.recv(timeout=timeout))

    def until(self, kind: str, timeout: float = 30.0, where: Any = None) -> dict:
        """The next message of this type (and matching ``where``), skipping the others."""
        deadline = time.monotonic() + timeout
        while True:
            message = self.recv(timeout=max(deadline - time.monotonic(), 0.01))
            if message["type"] == kind and (where is None or where(message)):
                return message
            if message["type"] in ("error", "refused", "dropped") and kind != message["type"]:
                raise AssertionError(f"waiting for {kind}, got {message}")

    def configure(self, spec: dict) -> tuple[dict, dict]:
        """Configure a run; returns its ready message and first frame (epoch 0)."""
        self.send("configure", spec=spec)
        ready = self.until("ready")
        return ready, self.until("frame")

    def paused_frame(self, timeout: float = 60.0) -> dict:
        """The frame sent when training pauses (after step, run_to, pause)."""
        return self.until("frame", timeout, where=lambda m: not m["playing"])

    def close(self) -> None:
        self._stack.close()


@dataclass
class Server:
    port: int
    env: dict[str, str] = field(default_factory=dict)
    args: list[str] = field(default_factory=list)
    log: Path | None = None
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, log: Path) -> None:
        self.log = log
        command = [sys.executable, "-m", "glassnet", "playground", "--no-browser"]
        command += ["--port", str(self.port), *self.args]
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                command, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, **self.env}
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the playground exited: {log.read_text()}")
            try:
                httpx.get(f"{self.url}/api/info", timeout=1).raise_for_status()
                return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError(f"the playground did not start: {log.read_text()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def ws(self, origin: str | None = None) -> Page:
        headers = {"Origin": origin} if origin else None
        return Page(f"ws://127.0.0.1:{self.port}/ws", headers)

    @property
    def http(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=60)


@pytest.fixture(scope="session")
def playground(tmp_path_factory) -> Iterator[Server]:
    args = ["--course-file", str(COURSE_FILE)] if COURSE_FILE.is_file() else []
    # Runs of one test linger until their page closes: room for a whole session's.
    server = Server(free_port(), args=[*args, "--max-runs", "64"])
    server.start(tmp_path_factory.mktemp("playground") / "server.log")
    yield server
    server.stop()


@pytest.fixture
def playground_factory(tmp_path) -> Iterator[Any]:
    started: list[Server] = []

    def start(max_runs: int | None = None, env: dict[str, str] | None = None) -> Server:
        args = ["--max-runs", str(max_runs)] if max_runs else []
        server = Server(free_port(), env=env or {}, args=args)
        server.start(tmp_path / f"server{len(started)}.log")
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def page(playground) -> Iterator[Page]:
    connection = playground.ws()
    yield connection
    connection.close()


def course_file_or_skip() -> Path:
    if not COURSE_FILE.is_file():
        pytest.skip(f"course Titanic data not found: {COURSE_FILE} does not exist")
    return COURSE_FILE
