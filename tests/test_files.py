"""The one way glassnet writes files: whole or not at all, never a temporary left behind."""

import os

import pytest

from glassnet._files import write_atomically


def test_bytes_text_and_a_writer_function(tmp_path):
    assert write_atomically(tmp_path / "a", b"\x00bytes").read_bytes() == b"\x00bytes"
    assert write_atomically(tmp_path / "b", "héllo").read_text(encoding="utf-8") == "héllo"
    write_atomically(tmp_path / "c", lambda file: file.write(b"from a writer"))
    assert (tmp_path / "c").read_bytes() == b"from a writer"
    assert sorted(os.listdir(tmp_path)) == ["a", "b", "c"]


def test_a_failing_writer_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "predictions.csv"
    target.write_text("the old predictions")

    def fails_halfway(file):
        file.write(b"half of the new")
        raise KeyboardInterrupt  # Ctrl-C mid-write

    with pytest.raises(KeyboardInterrupt):
        write_atomically(target, fails_halfway)
    assert target.read_text() == "the old predictions"
    assert os.listdir(tmp_path) == ["predictions.csv"]


def test_a_missing_folder_is_named_not_the_temporary_file(tmp_path):
    target = tmp_path / "no such folder" / "report.html"
    with pytest.raises(FileNotFoundError) as caught:
        write_atomically(target, "x")
    assert caught.value.filename == str(target)


def test_permissions_kept_on_replace_and_set_when_asked(tmp_path):
    secret = write_atomically(tmp_path / "tokens.csv", "team,token\n", mode=0o600)
    assert secret.stat().st_mode & 0o777 == 0o600
    write_atomically(secret, "team,token\na,b\n")  # replaced: still private
    assert secret.stat().st_mode & 0o777 == 0o600


def test_a_planted_temporary_name_is_never_followed(tmp_path):
    # Links planted where a predictable temporary name would go (out.tmp, out.partial,
    # .out.tmp) are not written through: each write picks a fresh random name.
    victim = tmp_path / "victim"
    victim.write_text("untouched")
    for name in ("out.tmp", "out.partial", ".out.tmp"):
        (tmp_path / name).symlink_to(victim)
    write_atomically(tmp_path / "out", "new")
    assert victim.read_text() == "untouched" and (tmp_path / "out").read_text() == "new"
