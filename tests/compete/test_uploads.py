"""Uploads cannot fill the server's disk or memory: limited while they stream, token first.

Each test sends a chunked body (no Content-Length) over a raw socket, as an attacker
would, and watches what the server holds on disk for it meanwhile: the files in its
temporary folder (TMPDIR, pointed at the test's own folder) and the deleted ones it
still has open there (Linux creates temporary files unnamed, so only /proc shows them).
"""

from __future__ import annotations

import os
import select
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

CHUNK = 64 * 1024
# What the kernel's socket buffers on loopback take in before the server reads a byte:
# a client sees the answer only after sending about this much more than was read.
SOCKET_SLACK = 16_000_000
BOUNDARY = "glassnet-test-boundary"

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/fd").is_dir(), reason="reads the server's open files in /proc"
)


def disk_held(pid: int, folder: Path) -> int:
    """Bytes of the files in `folder`, and of those the process holds open there."""
    sizes = {path: path.stat().st_size for path in folder.rglob("*") if path.is_file()}
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            if os.readlink(fd).startswith(str(folder)):
                sizes[fd] = fd.stat().st_size
        except OSError:  # closed meanwhile
            continue
    return sum(sizes.values())


def multipart(fields: dict[str, str], filler: bytes, total: int) -> Iterator[bytes]:
    """A multipart body: the fields, then a file part of `total` bytes of `filler`."""
    head = "".join(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    )
    head += (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="p.csv"\r\n'
        "Content-Type: text/csv\r\n\r\nId,Label\r\n"
    )
    yield head.encode()
    block = filler * (CHUNK // len(filler))
    for _ in range(total // len(block)):
        yield block
    yield f"\r\n--{BOUNDARY}--\r\n".encode()


def stream(
    port: int, path: str, headers: dict[str, str], body: Iterator[bytes], watch: Callable[[], int]
) -> tuple[int, int, int]:
    """POST `body` chunked; stop sending once the server answers.

    Returns the status, the body bytes sent before the answer, and the most bytes
    `watch` saw held on disk meanwhile.
    """
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Transfer-Encoding: chunked"]
    lines += [f"Content-Type: multipart/form-data; boundary={BOUNDARY}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    sent, most = 0, 0
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        for chunk in body:
            if select.select([sock], [], [], 0)[0]:
                break  # the server has answered
            try:
                sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            except OSError:  # it answered and closed the connection
                break
            sent += len(chunk)
            most = max(most, watch())
        else:
            sock.sendall(b"0\r\n\r\n")
        answer = sock.recv(4096)
    return int(answer.split(b" ", 2)[1]), sent, most


@pytest.fixture
def server(live_server_factory, tmp_path):
    """A server of its own whose temporary folder is the test's."""
    folder = tmp_path / "server-tmp"
    folder.mkdir()
    found = live_server_factory(env={"TMPDIR": str(folder)})
    found.tmp = folder
    return found


def watcher(server) -> Callable[[], int]:
    return lambda: disk_held(server.process.pid, server.tmp)


@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_an_upload_without_the_right_token_is_refused_before_it_is_read(server, token):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    path = f"/api/competitions/{server.competition}/submissions"
    total = 200_000_000  # an attacker's 200 MB (the issue tried 1 GB)
    status, sent, held = stream(
        server.port, path, headers, multipart({}, b"1,0\n", total), watcher(server)
    )
    assert status == 401
    assert held == 0  # nothing of it on disk
    assert sent < SOCKET_SLACK  # refused before it was read


def test_the_form_refuses_a_wrong_token_before_the_file(server):
    # The page's form sends the token field before the file: that is enough to refuse.
    path = f"/c/{server.competition}/submit"
    body = multipart({"token": "wrong-token"}, b"1,0\n", 200_000_000)
    status, sent, held = stream(server.port, path, {}, body, watcher(server))
    assert status == 401
    assert held == 0  # nothing of it on disk
    assert sent < SOCKET_SLACK  # refused before it was read


def test_an_upload_over_the_limit_is_refused_while_it_streams(server):
    path = f"/api/competitions/{server.competition}/submissions"
    headers = {"Authorization": f"Bearer {server.token}"}
    total = 100_000_000  # twenty times the 5 MB limit
    status, sent, held = stream(
        server.port, path, headers, multipart({}, b"1,0\n", total), watcher(server)
    )
    assert status == 413
    assert held == 0  # kept in memory, never on disk
    assert sent < 5_000_000 + SOCKET_SLACK  # refused once past the limit, not at the end
    # Nothing was counted: the team still has all of today's submissions.
    with server.client(server.token) as client:
        team = client.get(f"/api/competitions/{server.competition}/team").json()
    assert team["remaining_today"] == 5 and not team["submissions"]


def test_a_good_upload_is_not_written_to_disk_either(server):
    content = server.predictions_csv(flip=5)
    with server.client(server.token) as client:
        assert server.upload(client, content).status_code == 201
    assert disk_held(server.process.pid, server.tmp) == 0
