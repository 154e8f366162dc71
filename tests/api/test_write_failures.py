"""Issue 19: a write that fails (a full disk, a read-only file) is a one-line message
naming the file and saying nothing was changed, exit 2, and nothing is changed.

The full disk is real: each command runs in a forked process whose files may not grow
beyond a few bytes (``RLIMIT_FSIZE``), so every write of a file fails as on a full disk.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import resource
import signal
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.api.test_concurrent_writes import REQIF, _issue

from medtrace.cli.main import cli, main

_FORK = multiprocessing.get_context("fork")
LIMIT = 40  # bytes a file may hold


def _snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(root).as_posix(): (p.read_bytes(), os.stat(p).st_mode)
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".medtrace" not in p.relative_to(root).parts
    }


def _run_limited(args: list[str]) -> tuple[int, str]:
    """Run the command in a forked process whose files cannot grow past :data:`LIMIT`
    bytes; its exit code and output (through a pipe, which the limit does not touch)."""
    reader, writer = os.pipe()

    def child() -> None:
        import sys

        os.close(reader)
        os.dup2(writer, 1)
        os.dup2(writer, 2)
        sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115 - (pytest replaced them)
        sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))
        sys.argv = ["medtrace", *args]
        code = 0
        try:
            main()
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)

    process = _FORK.Process(target=child)
    process.start()
    os.close(writer)
    with os.fdopen(reader, "r", errors="replace") as stream:
        output = stream.read()
    process.join(120)
    return (process.exitcode if process.exitcode is not None else -1), output


JUNIT = '<testsuite name="s" tests="1"><testcase classname="c" name="t"/></testsuite>'


def _inputs(tmp_path: Path) -> dict[str, Path]:
    files = {
        "issues.json": json.dumps([_issue(7)]),
        "report.xml": JUNIT,
        "rows.csv": "id,title\nSRS-900,New row\n",
        "requirements.txt": "click==8.1.7\nrich==13.7.0\n",
        "made.reqif": REQIF.format(title="Made"),
    }
    paths = {}
    for name, text in files.items():
        paths[name] = tmp_path / name
        paths[name].write_text(text, "utf-8")
    return paths


COMMANDS: dict[str, Callable[[Path, dict[str, Path]], list[str]]] = {
    "review": lambda root, _: ["review", "--all", "--reason", "Looked again.", "--path", str(root)],
    "problems import": lambda root, f: [
        "problems",
        "import",
        str(f["issues.json"]),
        "--path",
        str(root),
    ],
    "soup sync": lambda root, f: ["soup", "sync", str(f["requirements.txt"]), "--path", str(root)],
    "results import": lambda root, f: [
        "results",
        "import",
        str(f["report.xml"]),
        "--revision",
        "v9",
        "--path",
        str(root),
    ],
    "migrate table import": lambda root, f: [
        "migrate",
        "table",
        "import",
        "software-requirement",
        str(f["rows.csv"]),
        "--path",
        str(root),
    ],
    "docs build": lambda root, _: ["docs", "build", "--path", str(root)],
    "classify": lambda root, _: [
        "classify",
        "--path",
        str(root),
        "--system",
        "SWS-009",
        "--no-contributes",
        "--rationale",
        "None.",
    ],
    "migrate reqif": lambda root, f: [
        "migrate",
        "reqif",
        str(f["made.reqif"]),
        "--path",
        str(root),
    ],
    "init": lambda root, _: ["init", "--path", str(root / "new-project")],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_full_disk_is_a_one_line_message_and_changes_nothing(
    tmp_path: Path, example: Path, command: str
) -> None:
    root = example
    (root / "architecture" / "SWS-009.md").write_text(  # a system to classify
        "---\nid: SWS-009\nkind: software-system\ntitle: Another system\n---\nText.\n", "utf-8"
    )
    args = COMMANDS[command](root, _inputs(tmp_path))
    before = _snapshot(root)
    code, output = _run_limited(args)
    assert code == 2, output
    assert "internal error" not in output and "Traceback" not in output, output
    lines = [line for line in output.splitlines() if line.strip()]
    assert lines, output
    assert "nothing was changed" in lines[-1] or "nothing was written" in lines[-1], output
    assert re.search(r"/\S+", lines[-1]), output  # the file is named
    assert _snapshot(root) == before


def test_a_read_only_reviews_file_is_refused_and_kept(tmp_path: Path, example: Path) -> None:
    root = example
    reviews = root / "medtrace-reviews.yaml"
    os.chmod(reviews, 0o444)
    before = _snapshot(root)
    result = CliRunner().invoke(
        cli, ["review", "--all", "--reason", "Looked again.", "--path", str(root)]
    )
    assert result.exit_code == 2, result.output
    assert "medtrace-reviews.yaml" in result.stderr and "read-only" in result.stderr
    assert "nothing was changed" in result.stderr
    assert _snapshot(root) == before
