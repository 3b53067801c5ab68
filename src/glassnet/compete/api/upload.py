"""Reading a submission upload: after the token check, in memory, limited while it streams.

FastAPI parses a route's ``UploadFile`` before the route runs and spools a file over
1 MB to a temporary file on disk, whoever sent it: an upload without a token could
fill the server's disk. The submission routes therefore declare no file parameter.
They find the competition and check the token first, then read the body here, through
Starlette's multipart parser with the file held in memory. The app's ``max_body_size``
ends the stream just past the upload limit (chunked bodies announce no length), and
the file part is refused as soon as it passes the limit.

The page's form sends its token as a field before the file (browsers send fields in
the form's order): :func:`receive_upload` checks it the moment the file part begins,
when at most one network read of the file has arrived.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import anyio.from_thread
import anyio.to_thread
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request

from glassnet.compete.submission_file import SubmissionError

# Room for the multipart envelope (boundaries, part headers, the form's token field)
# around a file of the upload limit: the app's body limit is the sum.
MULTIPART_OVERHEAD = 64 * 1024
# The form's fields besides the file are a token and little else.
_MAX_FIELDS = 10
_MAX_FIELD_BYTES = 4096

UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary"}},
                }
            }
        },
    }
}
"""The OpenAPI description of the body the submission route reads itself."""


@dataclass(frozen=True)
class Upload:
    """An uploaded file and the form's other fields."""

    filename: str
    content: bytes
    fields: dict[str, str]


def too_large(limit: int) -> SubmissionError:
    """Refuse a file over the upload limit (413)."""
    return SubmissionError(
        f"The file is too large: more than {limit:,} bytes, the limit. A submission holds "
        "only the ID and prediction columns.",
        status=413,
    )


def receive_upload(
    request: Request, limit: int, before_file: Callable[[dict[str, str]], None] | None = None
) -> Upload:
    """Read the multipart body's ``file`` field, refusing it past `limit` bytes.

    Called from a route's worker thread (plain ``def`` routes run there).

    Parameters
    ----------
    request : starlette.requests.Request
        The request whose body has not been read yet.
    limit : int
        The most bytes the file may have.
    before_file : callable, optional
        Called once with the fields received so far when the file part begins (or at
        the end, without one), in a worker thread: it raises to refuse the upload
        before the file is read.

    Returns
    -------
    Upload

    Raises
    ------
    SubmissionError
        413 past the limit; 422 for a body that is not a form with a file.
    """
    return anyio.from_thread.run(_receive, request, limit, before_file)


class _Parser(MultiPartParser):
    """Starlette's parser, with the file in memory and limited, and a hook at its start."""

    def __init__(
        self,
        request: Request,
        limit: int,
        before_file: Callable[[dict[str, str]], None] | None,
    ) -> None:
        super().__init__(
            request.headers,
            self._chunks(request),
            max_files=1,
            max_fields=_MAX_FIELDS,
            max_part_size=_MAX_FIELD_BYTES,
        )
        # A SpooledTemporaryFile stays in memory up to this size; the file never
        # passes it (on_part_data refuses first), so nothing goes to disk.
        self.spool_max_size = limit
        self.limit = limit
        self.file_bytes = 0
        self.file_begun = False
        self.before_file = before_file

    def fields(self) -> dict[str, str]:
        """Return the text fields received so far."""
        return {name: value for name, value in self.items if isinstance(value, str)}

    async def check(self) -> None:
        """Run `before_file` once, in a worker thread (it may query the database)."""
        if self.before_file is not None:
            check, self.before_file = self.before_file, None
            await anyio.to_thread.run_sync(check, self.fields())

    def on_headers_finished(self) -> None:
        super().on_headers_finished()
        self.file_begun = self.file_begun or self._current_part.file is not None

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._current_part.file is not None:
            self.file_bytes += end - start
            if self.file_bytes > self.limit:
                raise too_large(self.limit)
        super().on_part_data(data, start, end)

    async def _chunks(self, request: Request) -> AsyncIterator[bytes]:
        async for chunk in request.stream():
            yield chunk
            # The parser has taken the chunk (it asks for the next one only then).
            if self.file_begun:
                await self.check()


async def _receive(
    request: Request, limit: int, before_file: Callable[[dict[str, str]], None] | None
) -> Upload:
    not_a_form = SubmissionError(
        "The upload should be a form (multipart/form-data) with the CSV file in a field "
        "named file, e.g. curl -F file=@predictions.csv."
    )
    parser = _Parser(request, limit, before_file)
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        await parser.check()
        raise not_a_form
    try:
        form = await parser.parse()
    except HTTPException as err:
        if err.status_code != 413:  # the app's body limit, past the file's and the form's
            raise
        await parser.check()
        raise too_large(limit) from None
    except (MultiPartException, SubmissionError) as err:
        await parser.check()  # a wrong token is told as such, not as a bad form
        if isinstance(err, SubmissionError):
            raise
        raise not_a_form from None
    await parser.check()
    file = form.get("file")
    if not isinstance(file, UploadFile):
        raise not_a_form
    content = await file.read()
    await file.close()
    # Shown on pages and in terminals, stored in text columns: no control characters
    # (PostgreSQL refuses NUL; a terminal runs escape sequences).
    filename = "".join(c for c in file.filename or "" if c.isprintable()).strip()
    return Upload(filename or "upload.csv", content, parser.fields())
