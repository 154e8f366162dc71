"""Set up a conformance case for a check: a copy outside any git repository, or, for a
case whose ``expected.json`` says ``"git": true``, a repository of its own.

In a repository the case's files are committed once, on 2025-06-01 (so that rules that
compare dates with commits see a fixed date), and then every ``@HEAD@`` in an item file
is replaced by that commit's id (a change request can name the commit it is about).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

COMMIT_DATE = "2025-06-01T12:00:00+00:00"
HEAD = "@HEAD@"


def prepare(case: Path, target: Path) -> Path:
    """Copy ``case`` to ``target`` (in git when the case asks for it); returns ``target``."""
    shutil.copytree(case, target, ignore=shutil.ignore_patterns(".medtrace"))
    if not json.loads((case / "expected.json").read_text("utf-8")).get("git"):
        return target
    env = {**os.environ, "GIT_AUTHOR_DATE": COMMIT_DATE, "GIT_COMMITTER_DATE": COMMIT_DATE}
    identity = ("-c", "user.name=Conformance", "-c", "user.email=case@example.com")

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", *identity, *args], cwd=target, env=env, check=True, capture_output=True
        )
        return done.stdout.decode().strip()

    git("init", "-q")
    git("add", "-A")
    git("commit", "-qm", "The case")
    commit = git("rev-parse", "HEAD")
    for path in target.rglob("*.md"):
        text = path.read_text("utf-8")
        if HEAD in text:
            path.write_text(text.replace(HEAD, commit), "utf-8")
    return target
