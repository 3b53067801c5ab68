"""One open page: its WebSocket, its run, and the messages between them.

The page sends commands as JSON; a :class:`PageSession` turns them into a run (on
``configure``) and into the run's commands. The run's thread hands messages to a
:class:`Mailbox` on the server's event loop; the session sends them in order, and
when the page falls behind, consecutive frames are merged rather than queued, so
a slow page gets the latest picture and every point of the curves.
"""

from __future__ import annotations

import asyncio
import collections
import secrets
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from glassnet.playground import datasets
from glassnet.playground.datasets import PlaneData
from glassnet.playground.export import sklearn_gaps
from glassnet.playground.lane import UNIT_GRID, signed_maps
from glassnet.playground.runs import SPEEDS, Run, merge_frames
from glassnet.playground.spec import RunSpec, explain
from glassnet.playground.uploads import UploadError, Uploads
from glassnet.workflow.data import DataError
from glassnet.workflow.plane import plane_features

# Messages a page may send; anything else is answered with an error.
COMMANDS = ("configure", "play", "pause", "step", "run_to", "reset", "speed", "ping")


class Mailbox:
    """Messages for one page, in order, consecutive frames merged."""

    def __init__(self) -> None:
        self._messages: collections.deque[dict] = collections.deque()
        self._ready = asyncio.Event()

    def put(self, message: dict) -> None:
        """Add a message (on the event loop's thread)."""
        if self._messages and self._messages[-1].get("type") == message.get("type") == "frame":
            self._messages[-1] = merge_frames(self._messages[-1], message)
        else:
            self._messages.append(message)
        self._ready.set()

    async def get(self) -> dict:
        """Return the next message, waiting for one."""
        while not self._messages:
            self._ready.clear()
            await self._ready.wait()
        return self._messages.popleft()


class PageSession:
    """The server's side of one page.

    Parameters
    ----------
    uploads : Uploads
        Where uploaded CSV files are.
    course_file : pathlib.Path or None
        The course's Titanic file, if the server has it.
    """

    def __init__(self, uploads: Uploads, course_file: Path | None) -> None:
        self.id = secrets.token_urlsafe(16)
        self.uploads = uploads
        self.course_file = course_file
        self.mailbox = Mailbox()
        self.run: Run | None = None
        self.file: Path | None = None
        self._loop = asyncio.get_running_loop()

    def send(self, message: dict) -> None:
        """Queue a message for the page (from the event loop's thread)."""
        self.mailbox.put(message)

    def close(self) -> None:
        """Stop the run's thread, if any (without waiting for it)."""
        if self.run is not None:
            self.run.close(wait=None)
            self.run = None

    async def handle(self, message: Any) -> None:
        """Act on one message from the page."""
        if not isinstance(message, dict) or message.get("type") not in COMMANDS:
            self.send({"type": "error", "message": f"unknown message; send one of {COMMANDS}"})
            return
        kind = message["type"]
        if kind == "ping":
            return
        if kind == "configure":
            await self._configure(message.get("spec"))
            return
        if self.run is None:
            self.send({"type": "error", "message": "configure a run first"})
            return
        value = message.get("value")
        if kind == "speed":
            if value not in SPEEDS:
                self.send({"type": "error", "message": f"speed must be one of {SPEEDS}"})
                return
        elif kind == "run_to" and not (isinstance(value, int) and 0 <= value):
            self.send({"type": "error", "message": "run_to needs an epoch number"})
            return
        self.run.command(kind, value)

    async def _configure(self, raw: Any) -> None:
        try:
            spec = RunSpec.model_validate(raw if raw is not None else {})
        except ValidationError as err:
            self.send({"type": "error", "message": explain(err)})
            return
        try:
            file = self._file_for(spec)
            data = await run_in_threadpool(datasets.load, spec.data, spec.seed, file)
        except (DataError, UploadError) as err:
            self.send({"type": "error", "message": str(err)})
            return
        self.close()
        self.file = file
        run = Run(spec, data, self._publish)
        self.run = run
        self.send(self._ready(spec, data, run))
        run.start()

    def _file_for(self, spec: RunSpec) -> Path | None:
        if spec.data.dataset == "titanic":
            if self.course_file is None:
                raise DataError(
                    f"this server has no copy of the course's file {datasets.COURSE_FILE}: "
                    "start it with glassnet playground --course-file PATH, or upload the "
                    "file with 'Upload CSV'."
                )
            return self.course_file
        if spec.data.dataset == "csv":
            return self.uploads.path(spec.data.upload or "")
        return None

    def _publish(self, message: dict) -> None:
        # Called from the run's thread: hand the message to the event loop.
        if not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self.mailbox.put, message)

    def _ready(self, spec: RunSpec, data: PlaneData, run: Run) -> dict:
        """Describe what the page needs once per run: the points, the input maps, the lanes."""
        classes = {c: i for i, c in enumerate(data.classes.tolist())}
        maps, _ = signed_maps(plane_features(run.grid.points(UNIT_GRID), spec.features))
        return {
            "type": "ready",
            "run": self.id,
            "spec": spec.model_dump(),
            "data": {
                "columns": list(data.columns),
                "label": data.label,
                "classes": [str(c) for c in data.classes],
                "extent": data.extent,
                "train": _points(data.P_train, data.y_train, classes),
                "test": _points(data.P_test, data.y_test, classes),
                "notes": data.notes,
                "file": self.file.name if self.file else None,
            },
            "features": spec.features,
            "feature_maps": {"size": UNIT_GRID, "maps": maps},
            "lanes": [
                {
                    "notes": lane.notes,
                    "batch_size": lane.params["batch_size"],
                    "sklearn_gaps": sklearn_gaps(lane.spec),
                }
                for lane in run.lanes
            ],
        }


def _points(P: Any, y: Any, classes: dict) -> dict:
    """Points for the wire: coordinates to 4 decimals and class indices."""
    return {
        "xy": [[round(a, 4), round(b, 4)] for a, b in P.tolist()],
        "y": [classes[v] for v in y.tolist()],
    }
