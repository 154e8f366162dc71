"""Issue 19: every example of the README runs on the demo project as written.

The demo project is made as ``scripts/demo.sh`` makes it (``scripts/demo-project.sh``,
in a scratch folder with ``.venv`` beside it), then each command of the README's
examples runs there, in order, as the README writes it: with bash, from the folder
that holds ``build/``. A command may report findings (exit 1); none may be refused
(exit 2), crash, or use a spelling that is deprecated.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIRST_EXAMPLES = "After the demo"  # the examples start here (before: how to run the demo)


def readme_commands() -> list[str]:
    text = (REPO / "README.md").read_text("utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", text[text.index(FIRST_EXAMPLES) :], re.DOTALL)
    commands = [line for block in blocks for line in block.splitlines() if line.strip()]
    assert len(commands) >= 20, "the README's examples moved: update this test"
    return commands


@pytest.fixture(scope="module")
def demo_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("bash") is None or shutil.which("git") is None:
        pytest.skip("the README's examples need bash and git")
    root = tmp_path_factory.mktemp("readme")
    venv = Path(sys.executable).parents[1]
    medtrace = Path(sys.executable).parent / "medtrace"
    assert medtrace.is_file(), "medtrace is not installed beside this Python"
    (root / ".venv").symlink_to(venv)
    environment = {**os.environ, "MEDTRACE": str(medtrace), "PYTHON": sys.executable}
    subprocess.run(
        ["bash", str(REPO / "scripts" / "demo-project.sh"), str(root)],
        check=True,
        env=environment,
        capture_output=True,
    )
    assert (root / "build" / "demo" / "medtrace.toml").is_file()
    return root


# A reader has git set up: review and approve record their git identity.
READER = {"GIT_AUTHOR_NAME": "Ana Ruiz", "GIT_AUTHOR_EMAIL": "ana@example.org"}


def test_every_readme_example_runs_on_the_demo_as_written(demo_root: Path) -> None:
    failed = []
    for command in readme_commands():
        done = subprocess.run(
            ["bash", "-c", command],
            cwd=demo_root,
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, **READER},
        )
        said = done.stdout + done.stderr
        if done.returncode not in (0, 1) or re.search("deprecated|internal error|Traceback", said):
            failed.append(f"{command}\n  exit {done.returncode}: {said.strip()[-400:]}")
    assert not failed, "\n".join(failed)
