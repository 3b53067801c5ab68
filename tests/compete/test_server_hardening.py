"""The server's own defences: whom it believes about addresses, what its pages link to,
the headers every answer carries, and who may read its database file."""

from __future__ import annotations

import os
import socket
import stat

import httpx
import pytest
from sqlalchemy import make_url

SECURITY_HEADERS = {
    "content-security-policy",
    "x-frame-options",
    "x-content-type-options",
    "referrer-policy",
}


def guess(server, addresses: list[str]) -> list[int]:
    """Send a wrong token from each address in turn, as X-Forwarded-For says."""
    path = f"/api/competitions/{server.competition}/team"
    with server.client() as client:
        return [
            client.get(
                path, headers={"X-Forwarded-For": address, "Authorization": f"Bearer no-{k}"}
            ).status_code
            for k, address in enumerate(addresses)
        ]


EIGHT = [f"198.51.100.{k}" for k in range(8)]


def test_a_forwarded_address_from_an_untrusted_client_is_ignored(live_server_factory):
    # Each guess claims another address: believed, no address would ever be blocked.
    server = live_server_factory(env={"GLASSNET_COMPETE_AUTH_FAILURES_PER_MINUTE": "5"})
    assert guess(server, EIGHT) == [401] * 5 + [429] * 3


def test_a_named_proxy_is_believed(live_server_factory):
    server = live_server_factory(
        env={
            "GLASSNET_COMPETE_AUTH_FAILURES_PER_MINUTE": "5",
            "GLASSNET_COMPETE_TRUSTED_PROXIES": "127.0.0.1",
        }
    )
    # The proxy forwards eight clients, one guess each: none of them is blocked ...
    assert guess(server, EIGHT) == [401] * 8
    # ... and one client guessing through it is, alone.
    assert guess(server, ["203.0.113.7"] * 6) == [401] * 5 + [429]
    assert guess(server, ["203.0.113.8"]) == [401]


def test_links_do_not_follow_the_host_header(live_server_factory):
    server = live_server_factory(fresh=True)  # its only competition: / redirects
    evil = {"Host": "evil.example"}
    with server.client() as client:
        answer = client.get("/", headers=evil, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"] == "/c/demo"
        for path in ("/c/demo", "/c/demo/submit", "/c/demo/team", "/docs"):
            page = client.get(path, headers=evil)
            assert page.status_code == 200 and "evil.example" not in page.text, path


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/c/{name}", 200),
        ("GET", "/c/{name}/submit", 200),
        ("GET", "/c/{name}/team", 200),
        ("GET", "/docs", 200),
        ("GET", "/openapi.json", 200),
        ("GET", "/api/health", 200),
        ("GET", "/api/competitions/{name}/leaderboard", 200),
        ("GET", "/api/competitions/{name}/leaderboard.csv", 200),
        ("GET", "/api/competitions/nope/leaderboard", 404),
        ("GET", "/nowhere", 404),
        ("GET", "/api/competitions/{name}/team", 401),
        ("POST", "/api/competitions/{name}/submissions", 401),
        ("POST", "/c/{name}/submit", 401),
    ],
)
def test_every_answer_carries_the_security_headers(live_server, method, path, status):
    with live_server.client() as client:
        answer = client.request(method, path.format(name=live_server.competition))
    assert answer.status_code == status
    assert SECURITY_HEADERS <= set(answer.headers)
    assert answer.headers["x-frame-options"] == "DENY"
    assert answer.headers["x-content-type-options"] == "nosniff"
    policy = answer.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy


def test_a_body_refused_for_its_announced_size_carries_them_too(live_server):
    # Refused from its Content-Length alone, before a byte of it is read.
    path = f"/api/competitions/{live_server.competition}/teams"
    headers = {"Content-Length": str(10**9), "Content-Type": "application/json"}
    with socket.create_connection(("127.0.0.1", live_server.port), timeout=30) as sock:
        head = f"POST {path} HTTP/1.1\r\nHost: x\r\n"
        head += "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        sock.sendall((head + "\r\n").encode())
        answer = sock.recv(65536).decode("latin-1").lower()
    assert answer.startswith("http/1.1 413")
    for name in SECURITY_HEADERS:
        assert f"\r\n{name}: " in answer, name


def test_the_pages_load_nothing_inline(live_server):
    # The policy allows scripts and styles from the server's own files only.
    with live_server.client() as client:
        page = client.get(f"/c/{live_server.competition}").text
        assert "<script>" not in page and "<style>" not in page and " style=" not in page
        for asset in ("/static/compete.css", "/static/leaderboard.js"):
            answer = client.get(asset)
            assert answer.status_code == 200 and SECURITY_HEADERS <= set(answer.headers)


def test_the_database_file_is_readable_by_its_owner_only(live_server_factory, backend):
    if backend != "sqlite":
        pytest.skip("a SQLite file only")
    old = os.umask(0o022)  # the usual umask, which leaves new files readable by all
    try:
        server = live_server_factory(fresh=True)
        with server.client(server.token) as client:
            assert server.upload(client, server.predictions_csv(flip=3)).status_code == 201
    finally:
        os.umask(old)
    database = make_url(server.database_url).database
    for suffix in ("", "-wal", "-shm"):
        mode = stat.S_IMODE(os.stat(database + suffix).st_mode)
        assert mode == 0o600, f"{database + suffix}: {oct(mode)}"


def test_the_live_server_answers_over_plain_http(live_server):
    # Sanity for the tests above: the Host header a client sends by default is served.
    assert httpx.get(live_server.url + "/api/health").status_code == 200
