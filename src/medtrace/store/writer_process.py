"""Creating new files in a helper process, while this one goes on working.

A large import spends much of its time in the kernel creating files. Started
before the import reads its source, :class:`BackgroundFiles` runs this module's
:func:`main` as a small program (the same Python, the same module path) that
receives the files through a pipe as they are rendered and creates them with
:func:`~medtrace.store.files.create_files` on the other core: all or none, the
same staging folders, one sync at the end.

The stream is a sequence of frames, each a header (two little-endian unsigned
32-bit lengths: the path's UTF-8 bytes, the content) followed by the path and
the content; an empty frame (two zeros) commits. An end of the stream without
one (this process failed or was interrupted) abandons the files: the helper
removes its staging folders and nothing is written. The helper answers one
line of JSON on its standard output: ``{"created": n}``, or the error that
stopped it (``errno``, ``strerror``, ``filename``).
"""

from __future__ import annotations

import json
import queue
import struct
import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import BinaryIO

from medtrace.store.files import NewFiles, create_files

# The helper's program: this module, found where this process found it (a virtual
# environment, a source tree on PYTHONPATH, a zip application).
_START = (
    "import json, sys; sys.path[:0] = json.loads(sys.argv[1]); "
    f"from {__name__} import main; sys.exit(main())"
)
HEADER = struct.Struct("<II")
BATCH = 1 << 20  # bytes handed to the pipe at a time


class AbandonedError(Exception):
    """The stream ended without the frame that commits."""


class BackgroundFiles(NewFiles):
    """:class:`~medtrace.store.files.NewFiles` created by a helper process as they
    are added (see the module's docstring). Use it in a ``with`` block; an error
    in the helper is raised as the :class:`OSError` that stopped it, at the next
    :meth:`add` or at :meth:`finish`."""

    def __init__(self) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-c", _START, json.dumps(sys.path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self._pending: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._broken = threading.Event()  # the helper stopped reading
        self._dropping = threading.Event()  # abandoned: what is queued is not sent
        self._sender = threading.Thread(target=self._send, name="medtrace-writer", daemon=True)
        self._sender.start()
        self._parts: list[bytes] = []
        self._size = 0
        self._closed = False

    def add(self, path: str, data: bytes) -> None:
        if self._broken.is_set():
            raise self._failure(self._close(commit=False))
        name = path.encode("utf-8", "surrogateescape")
        self._parts += (HEADER.pack(len(name), len(data)), name, data)
        self._size += len(name) + len(data)
        if self._size >= BATCH:
            self._flush()

    def finish(self) -> int:
        """Commit: wait until the helper has created and synced every file; the count."""
        self._parts.append(HEADER.pack(0, 0))
        reply = self._close(commit=True)
        created = reply.get("created")
        if isinstance(created, int):
            return created
        raise self._failure(reply)

    def abandon(self) -> None:
        if not self._closed:
            self._close(commit=False)

    def _flush(self) -> None:
        if self._parts:
            self._pending.put(b"".join(self._parts))
            self._parts, self._size = [], 0

    def _send(self) -> None:
        stream = self._process.stdin
        assert stream is not None
        while (chunk := self._pending.get()) is not None:
            if self._broken.is_set() or self._dropping.is_set():
                continue  # the helper has stopped, or will remove the files: dropped
            try:
                stream.write(chunk)
            except OSError:  # a broken pipe: its answer says why
                self._broken.set()
        try:
            stream.close()
        except OSError:
            self._broken.set()

    def _close(self, *, commit: bool) -> dict[str, object]:
        """End the stream (committing or not), wait for the helper; its answer."""
        self._closed = True
        if commit:
            self._flush()
        else:
            self._parts = []
            self._dropping.set()
        self._pending.put(None)
        self._sender.join()
        assert self._process.stdout is not None
        answer = self._process.stdout.read()
        self._process.stdout.close()
        self._process.wait()
        try:
            reply = json.loads(answer)
        except ValueError:
            reply = None
        return reply if isinstance(reply, dict) else {}

    def _failure(self, reply: dict[str, object]) -> OSError:
        number, reason, name = reply.get("errno"), reply.get("strerror"), reply.get("filename")
        if isinstance(number, int) and isinstance(reason, str):
            if isinstance(name, str):
                return OSError(number, reason, name)
            return OSError(number, reason)
        if isinstance(reason, str):
            return OSError(reason)
        code = self._process.returncode
        return OSError(f"the process creating the files stopped (exit code {code})")


def read_frames(stream: BinaryIO) -> Iterator[tuple[str, bytes]]:
    """The files of a stream of frames, up to the one that commits; raises
    :class:`AbandonedError` if the stream ends before it."""
    while True:
        header = stream.read(HEADER.size)
        if len(header) < HEADER.size:
            raise AbandonedError
        name_size, data_size = HEADER.unpack(header)
        if not name_size:
            return
        name = stream.read(name_size)
        data = stream.read(data_size)
        if len(name) < name_size or len(data) < data_size:
            raise AbandonedError
        yield name.decode("utf-8", "surrogateescape"), data


def main() -> int:
    """The helper: create the files of the frames on standard input, answer on
    standard output (see the module's docstring)."""
    reply: dict[str, object]
    try:
        reply = {"created": create_files(read_frames(sys.stdin.buffer))}
    except AbandonedError:
        return 1
    except KeyboardInterrupt:  # the terminal interrupts both processes
        return 130
    except OSError as error:
        reply = {"errno": error.errno, "strerror": error.strerror or str(error)}
        if isinstance(error.filename, str):
            reply["filename"] = error.filename
    except Exception as error:  # a fault of medtrace's: the files are removed all the same
        reply = {"strerror": f"internal error: {type(error).__name__}: {error}"}
    sys.stdout.write(json.dumps(reply) + "\n")
    sys.stdout.flush()
    return 0 if "created" in reply else 1


if __name__ == "__main__":
    sys.exit(main())
