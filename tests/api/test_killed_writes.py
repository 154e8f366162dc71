"""Issue 19: a writing command killed at any moment (``kill -9``) leaves no half-written
file, and the hidden temporary files it leaves are removed by the next run."""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import time
from pathlib import Path

import yaml

from medtrace.cli.main import cli
from medtrace.model.review import REVIEWS_FILE

KILLS = 30
_FORK = multiprocessing.get_context("fork")


def _review(root: Path, by: str) -> None:
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
    os.environ.update(GIT_AUTHOR_NAME=by, GIT_AUTHOR_EMAIL="reviewer@example.org")
    try:
        command = ["review", "--all", "--reason", "Looked again.", "--path", str(root)]
        cli.main(command, prog_name="medtrace")
    except SystemExit as exit_:
        os._exit(exit_.code if isinstance(exit_.code, int) else 1)
    os._exit(0)


def _temporaries(root: Path) -> list[str]:
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob(".*.tmp")
        if ".medtrace" not in p.relative_to(root).parts
    )


def test_killed_reviews_leave_nothing_behind_after_the_next_one(tmp_path: Path) -> None:
    root = tmp_path / "p"
    (root / "items").mkdir(parents=True)
    (root / "medtrace.toml").write_text('[project]\nname = "K"\n', "utf-8")
    (root / "items" / "SYS-1.md").write_text(
        "---\nid: SYS-1\nkind: system-requirement\ntitle: S\n---\n", "utf-8"
    )
    for number in range(40):
        (root / "items" / f"SRS-{number}.md").write_text(
            f"---\nid: SRS-{number}\nkind: software-requirement\ntitle: R\n"
            "derived-from: [SYS-1]\n---\n",
            "utf-8",
        )
    rng = random.Random(19)
    left = 0
    for kill in range(KILLS):
        child = _FORK.Process(target=_review, args=(root, f"reviewer {kill}"))
        child.start()
        time.sleep(rng.uniform(0.0, 0.08))
        assert child.pid is not None
        os.kill(child.pid, signal.SIGKILL)
        child.join()
        reviews = root / REVIEWS_FILE
        if reviews.exists():  # whole, never half-written
            assert isinstance(yaml.safe_load(reviews.read_text("utf-8")), list)
        left += bool(_temporaries(root))
    child = _FORK.Process(target=_review, args=(root, "the last"))
    child.start()
    child.join()
    assert child.exitcode == 0
    assert _temporaries(root) == [], f"left after {left} of {KILLS} kills"
    entries = yaml.safe_load((root / REVIEWS_FILE).read_text("utf-8"))
    assert entries[-1]["by"] == "the last <reviewer@example.org>"
