"""Hostile model files, each built from a real one: what a stranger could send.

Every builder takes the bytes of a model file saved by glassnet and returns the bytes
of a file that is still a well-formed zip archive with correct CRC-32 checksums
(zipfile computes them as it writes): only the content is hostile.
"""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np

ZIP_BOMB_BYTES = 400_000_000  # what glassnet.json inflates to
HUGE_ARRAY_BYTES = 250_000_000_000  # what an array header promises
DEEP = 200_000  # JSON nesting


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rezip(data: bytes, replace: dict[str, bytes]) -> bytes:
    """Copy a model file with some members replaced (checksums recomputed)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in {**members(data), **replace}.items():
            archive.writestr(name, content)
    return out.getvalue()


def zip_bomb(data: bytes) -> bytes:
    """glassnet.json deflated from 400 MB of spaces to under half a megabyte."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in members(data).items():
            if name != "glassnet.json":
                archive.writestr(name, content)
        info = zipfile.ZipInfo("glassnet.json")
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w") as member:
            spaces = b" " * 10_000_000
            for _ in range(ZIP_BOMB_BYTES // len(spaces)):
                member.write(spaces)
    return out.getvalue()


def weight_members(data: bytes) -> list[str]:
    """The .npy members of the network's weight matrices (coefs_), from schema.json."""
    schema = json.loads(members(data)["schema.json"])
    found = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            coefs = node.get("coefs_")
            if isinstance(coefs, dict) and coefs.get("__loader__") == "ListNode":
                found.extend(item["file"] for item in coefs["content"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return found


def huge_array(data: bytes) -> bytes:
    """A weight array whose header promises 250 GB, followed by its few real bytes."""
    name = weight_members(data)[0]
    header = np.lib.format.header_data_from_array_1_0(np.zeros(1))
    header["shape"] = (HUGE_ARRAY_BYTES // 8,)
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, header)
    return rezip(data, {name: buffer.getvalue() + members(data)[name][-64:]})


def deep_json(data: bytes, member: str = "glassnet.json") -> bytes:
    return rezip(data, {member: b"[" * DEEP + b"]" * DEEP})


def string_weights(data: bytes) -> bytes:
    """The network's weights stored as text (a valid array of strings)."""
    replaced = {}
    for name in weight_members(data):
        weights = np.load(io.BytesIO(members(data)[name]))
        buffer = io.BytesIO()
        np.save(buffer, weights.astype(str), allow_pickle=False)
        replaced[name] = buffer.getvalue()
    return rezip(data, replaced)


def edited_weights(data: bytes) -> bytes:
    """The network's weights negated: a plausible model that answers the opposite."""
    replaced = {}
    for name in weight_members(data):
        buffer = io.BytesIO()
        np.save(buffer, -np.load(io.BytesIO(members(data)[name])), allow_pickle=False)
        replaced[name] = buffer.getvalue()
    return rezip(data, replaced)


TERMINAL_ATTACK = "\x1b]0;pwned\x07\x1b[2J[blink][link=https://evil.example]Survived[/link]"


def hostile_metadata(data: bytes) -> bytes:
    """Metadata whose strings hold escape sequences and Rich markup."""
    header = json.loads(members(data)["glassnet.json"])
    header["metadata"]["target"] = TERMINAL_ATTACK
    header["metadata"]["command"] = TERMINAL_ATTACK
    header["metadata"]["data"] = "[bold red]not your data[/bold red]\x1b[8m"
    return rezip(data, {"glassnet.json": json.dumps(header).encode()})
