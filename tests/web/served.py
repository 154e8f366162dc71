"""The project the web tests serve: the infusion-pump example in its own git repository,
with an item whose body tries to run script, and a suspect link (SWU-001 changed after
DD-001 was reviewed against it)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from medtrace.api import init_project

GIT_ID = ["-c", "user.name=Example Author", "-c", "user.email=author@example.org"]
HOSTILE_ID = "SRS-900"
HOSTILE = """---
id: SRS-900
kind: software-requirement
title: A body that tries to run script
derived-from: [SYS-001]
---
<script>document.title = "owned"</script>

[click me](javascript:document.title='owned') and <img src=x onerror="document.title='owned'">
"""
SUSPECT_ITEM, SUSPECT_UPSTREAM = "DD-001", "SWU-001"
PASSWORD = "correct-horse-battery-staple"


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", *GIT_ID, *args], cwd=root, capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def make_served_project(root: Path) -> Path:
    """Create the project at ``root`` (a new folder) and commit it; returns ``root``."""
    init_project(root, example="infusion-pump")
    (root / "requirements" / "software" / f"{HOSTILE_ID}.md").write_text(HOSTILE, "utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "The example project")
    unit = next((root / "architecture").rglob(f"{SUSPECT_UPSTREAM}.md"))
    text = unit.read_text("utf-8")
    unit.write_text(text.rstrip("\n") + "\nIt also keeps the last delivery in memory.\n", "utf-8")
    git(root, "commit", "-qam", f"Change {SUSPECT_UPSTREAM} after its review")
    git(root, "tag", "start")
    return root


def reset(root: Path) -> None:
    """Put the project back as :func:`make_served_project` left it."""
    git(root, "reset", "-q", "--hard", "start")
    git(root, "clean", "-qfd", "-e", ".medtrace-web", "-e", ".medtrace")
