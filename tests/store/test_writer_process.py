"""Creating files in a helper process: the same files as in this one, all or none, and
the helper's errors raised here as the OSError that stopped it."""

from __future__ import annotations

import errno
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.store.test_files import listing

from medtrace.store import writer_process
from medtrace.store.files import StagedFiles
from medtrace.store.writer_process import (
    BATCH,
    HEADER,
    AbandonedError,
    BackgroundFiles,
    read_frames,
)


def entries(root: Path, count: int) -> list[tuple[str, bytes]]:
    """Files in a new folder, an existing one and a new nested one; some larger than a
    batch, one empty, one with a name outside ASCII."""
    made = []
    for index in range(count):
        folder = ("new", "old", "deep/er")[index % 3]
        size = BATCH + 17 if index % 50 == 7 else index
        made.append((str(root / folder / f"F-{index}.md"), bytes([65 + index % 26]) * size))
    made.append((str(root / "new" / "Ä-1.md"), b""))
    return made


def test_the_helper_creates_what_this_process_creates(tmp_path: Path) -> None:
    for name in ("here", "helper"):
        (tmp_path / name / "old").mkdir(parents=True)
        (tmp_path / name / "old" / "kept.md").write_bytes(b"kept\n")
    files: StagedFiles | BackgroundFiles
    for name, files in (("here", StagedFiles()), ("helper", BackgroundFiles())):
        with files:
            for path, data in entries(tmp_path / name, 120):
                files.add(path, data)
            assert files.finish() == 121
    here, helper = listing(tmp_path / "here"), listing(tmp_path / "helper")
    assert len(here) == 122 and here["new/Ä-1.md"] == b""
    assert helper == here
    assert list(tmp_path.rglob(".*")) == []  # no staging folder left


def test_leaving_without_finishing_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="render"), BackgroundFiles() as files:
        for path, data in entries(tmp_path, 60):
            files.add(path, data)
        raise RuntimeError("cannot render the next item")
    assert list(tmp_path.iterdir()) == []


def test_an_error_of_the_helper_is_raised_here_and_nothing_is_written(tmp_path: Path) -> None:
    (tmp_path / "blocker").write_bytes(b"a file, not a folder\n")
    with pytest.raises(OSError) as raised, BackgroundFiles() as files:
        for path, data in entries(tmp_path, 30):
            files.add(path, data)
        files.add(str(tmp_path / "blocker" / "sub" / "F.md"), b"x\n")
        files.finish()
    assert raised.value.errno == errno.ENOTDIR
    assert str(raised.value.filename).startswith(str(tmp_path / "blocker" / ".sub."))
    assert sorted(path.name for path in tmp_path.iterdir()) == ["blocker"]


def test_a_helper_that_dies_is_an_error_not_a_success(tmp_path: Path) -> None:
    with pytest.raises(OSError, match="stopped"), BackgroundFiles() as files:
        files.add(str(tmp_path / "a" / "F-1.md"), b"one\n")
        os.kill(files._process.pid, signal.SIGKILL)
        files._process.wait()
        files.finish()


def test_frames_end_at_the_commit_and_a_cut_stream_is_abandoned() -> None:
    frame = HEADER.pack(3, 2) + b"a/b" + b"hi"
    commit = HEADER.pack(0, 0)
    assert list(read_frames(io.BytesIO(frame + commit + b"ignored"))) == [("a/b", b"hi")]
    for cut in (frame, frame[:-1], frame + commit[:5], b""):
        with pytest.raises(AbandonedError):
            list(read_frames(io.BytesIO(cut)))


class _Input:
    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)


def _stream(files: list[tuple[str, bytes]], commit: bool = True) -> bytes:
    frames = [HEADER.pack(len(p.encode()), len(d)) + p.encode() + d for p, d in files]
    return b"".join(frames) + (HEADER.pack(0, 0) if commit else b"")


def test_the_helper_answers_what_it_did_in_one_line_of_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    files = entries(tmp_path / "ok", 5)
    monkeypatch.setattr("sys.stdin", _Input(_stream(files)))
    assert writer_process.main() == 0
    assert json.loads(capsys.readouterr().out) == {"created": 6}
    assert len(listing(tmp_path / "ok")) == 6
    monkeypatch.setattr("sys.stdin", _Input(_stream(entries(tmp_path / "cut", 5), False)))
    assert writer_process.main() == 1  # abandoned: no answer, nothing written
    assert capsys.readouterr().out == ""
    assert not (tmp_path / "cut").exists()


def test_a_fault_of_the_helper_is_answered_not_printed_as_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(entries: object) -> int:
        raise ValueError("a bug")

    monkeypatch.setattr(writer_process, "create_files", broken)
    monkeypatch.setattr("sys.stdin", _Input(_stream(entries(tmp_path, 2))))
    assert writer_process.main() == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out) == {"strerror": "internal error: ValueError: a bug"}
    assert captured.err == ""


def test_the_helper_removes_its_files_when_this_process_dies(tmp_path: Path) -> None:
    script = (
        "import os, sys\n"
        "from medtrace.store.writer_process import BATCH, BackgroundFiles\n"
        "files = BackgroundFiles()\n"
        "for index in range(40):\n"
        "    files.add(os.path.join(sys.argv[1], 'a', f'F-{index}.md'), b'x' * (BATCH // 8))\n"
        "files._flush()\n"
        "files._pending.put(None)\n"
        "files._sender.join()  # all of it sent, nothing committed\n"
        "os._exit(3)  # as if killed: no clean-up here\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path)], check=False)
    assert done.returncode == 3
    deadline = time.monotonic() + 20
    while list(tmp_path.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(tmp_path.iterdir()) == []
