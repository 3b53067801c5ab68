"""A page's run: its networks trained in lockstep by one thread, at the page's pace.

Each open page owns one :class:`Run`. Its thread trains every lane one epoch, then
the next epoch, as fast as the chosen speed allows, and hands a frame (what the page
draws) to the server at most :data:`FRAMES_PER_SECOND` times a second, and whenever
training pauses. The page's commands (play, pause, one step, reset, speed) reach the
thread through a queue, so training and drawing never race.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from glassnet.playground.datasets import PlaneData
from glassnet.playground.lane import Grid, Lane
from glassnet.playground.spec import RunSpec

FRAMES_PER_SECOND = 20
# Epochs per second the page can ask for; None trains as fast as the thread can.
SPEEDS = (1, 3, 10, 30, 100, None)
DEFAULT_SPEED = 30


class Run:
    """The lanes of one page and the thread that trains them.

    Parameters
    ----------
    spec : RunSpec
        The page's state.
    data : PlaneData
        The data the lanes learn.
    publish : callable
        Called from the run's thread with each message for the page (a dict).
    """

    def __init__(self, spec: RunSpec, data: PlaneData, publish: Callable[[dict], None]) -> None:
        self.spec = spec
        self.data = data
        self._publish = publish
        self.grid = Grid(data.extent, spec.features)
        self.lanes = self._new_lanes()
        self.playing = False
        self.speed: int | None = DEFAULT_SPEED
        self._target: int | None = None  # pause when the lanes reach this epoch
        self._commands: queue.SimpleQueue = queue.SimpleQueue()
        self._closed = False
        self._thread = threading.Thread(
            target=self._work, name="glassnet-playground-run", daemon=True
        )

    # ------------------------------------------------------------ from the server

    def start(self) -> None:
        """Start the run's thread; it sends the first frame (epoch 0) at once."""
        self._thread.start()

    def command(self, name: str, value: Any = None) -> None:
        """Queue a command: 'play', 'pause', 'step', 'run_to' (epoch), 'reset', 'speed'."""
        self._commands.put((name, value))

    def call(self, function: Callable[[Run], Any]) -> Future:
        """Run ``function(run)`` in the run's thread between two epochs."""
        future: Future = Future()
        self._commands.put(("call", (function, future)))
        return future

    def close(self, wait: float | None = 5.0) -> None:
        """Stop the thread (it finishes the epoch it is in) and free the lanes."""
        self._commands.put(("close", None))
        if wait and self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(wait)

    @property
    def epoch(self) -> int:
        """The epoch the lanes are at (they move together)."""
        return max(lane.epoch for lane in self.lanes)

    # ------------------------------------------------------------ the thread

    def _new_lanes(self) -> list[Lane]:
        return [
            Lane(net, self.data, self.spec.features, self.spec.seed, self.grid)
            for net in self.spec.lanes
        ]

    def _work(self) -> None:
        self._send_frame()
        next_epoch = time.perf_counter()
        last_frame = 0.0
        while not self._closed:
            training = self.playing or self._target is not None
            wait = None if not training else max(0.0, next_epoch - time.perf_counter())
            try:
                name, value = (
                    self._commands.get_nowait() if wait == 0.0 else self._commands.get(timeout=wait)
                )
            except queue.Empty:
                pass
            else:
                self._handle(name, value)
                if name in ("pause", "reset", "speed", "play", "step", "run_to"):
                    next_epoch = time.perf_counter()
                continue
            trained = [lane.step() for lane in self.lanes]
            now = time.perf_counter()
            pace = self.speed if self._target is None else None  # stepping: at once
            next_epoch = now if pace is None else max(next_epoch + 1 / pace, now - 0.5)
            if not any(trained):
                self.playing, self._target = False, None
            elif self._target is not None and self.epoch >= self._target:
                self.playing, self._target = False, None
            if not (self.playing or self._target) or now - last_frame >= 1 / FRAMES_PER_SECOND:
                self._send_frame()
                last_frame = now
        for lane in self.lanes:
            lane.close()

    def _handle(self, name: str, value: Any) -> None:
        if name == "close":
            self._closed = True
        elif name == "play":
            self.playing = any(lane.ended is None for lane in self.lanes)
            self._target = None
            self._send_state()
        elif name == "pause":
            self.playing, self._target = False, None
            self._send_frame()
        elif name == "step":
            # Clicks faster than epochs add up: each is one more epoch, none is lost.
            pending = self._target is not None and not self.playing
            self.playing, self._target = False, (self._target if pending else self.epoch) + 1
        elif name == "run_to":
            self.playing, self._target = False, max(int(value), self.epoch)
            if self._target == self.epoch:
                self._target = None
        elif name == "speed":
            self.speed = value
            self._send_state()
        elif name == "reset":
            for lane in self.lanes:
                lane.close()
            self.lanes = self._new_lanes()
            self.playing, self._target = False, None
            self._send_frame(reset=True)
        elif name == "call":
            function, future = value
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(function(self))
                except Exception as err:  # handed to the caller, who reports it
                    future.set_exception(err)

    def _send_state(self) -> None:
        self._publish({"type": "state", "playing": self.playing, "speed": self.speed})

    def _send_frame(self, reset: bool = False) -> None:
        playing = self.playing or self._target is not None
        self._publish(
            {
                "type": "frame",
                "reset": reset,
                "playing": playing,
                "speed": self.speed,
                "epoch": self.epoch,
                "lanes": [lane.frame(final=not playing) for lane in self.lanes],
            }
        )


def merge_frames(older: dict, newer: dict) -> dict:
    """One frame for a page that has not yet received ``older``: curves joined.

    The newer pictures replace the older; the curves' points since the older frame
    are kept, so a slow page still draws every epoch. A reset drops what came before.
    """
    if newer.get("type") != "frame" or older.get("type") != "frame" or newer.get("reset"):
        return newer
    lanes = []
    for old, new in zip(older["lanes"], newer["lanes"], strict=True):
        series = {key: old["series"].get(key, []) + values for key, values in new["series"].items()}
        if "grad_norm" in old["series"] and "grad_norm" not in new["series"]:
            series["grad_norm"] = old["series"]["grad_norm"]
        lanes.append({**old, **new, "series": series})
    return {**newer, "reset": older.get("reset", False), "lanes": lanes}
