"""Shared fixtures: a fresh copy of the example project, tiny projects, the CLI runner."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from medtrace.api import init_project

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--slow",
        action="store_true",
        help="Run the long forms of the slow tests (the fuzz tests: 20,000 examples each).",
    )


def pytest_configure(config: pytest.Config) -> None:
    # The fuzz tests' profile (tests/test_fuzz.py): 2,000 examples per parser in CI.
    from hypothesis import HealthCheck, settings

    settings.register_profile(
        "fuzz",
        max_examples=20_000 if config.getoption("--slow") else 2_000,
        deadline=None,  # the fuzz tests bound each example's time themselves
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        print_blob=True,
    )


@pytest.fixture(scope="session", autouse=True)
def git_identity(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every test sees the same git set-up, whatever the machine's: a global git config
    naming a tester (reviews, approvals and commits record a git identity; a fresh
    machine has none) and no system config. A test that needs another sets its own."""
    config = tmp_path_factory.mktemp("git") / "gitconfig"
    config.write_text(
        "[user]\n\tname = Medtrace Tester\n\temail = tester@medtrace.invalid\n"
        "[init]\n\tdefaultBranch = main\n",
        "utf-8",
    )
    saved = {name: os.environ.get(name) for name in ("GIT_CONFIG_GLOBAL", "GIT_CONFIG_NOSYSTEM")}
    os.environ.update(GIT_CONFIG_GLOBAL=str(config), GIT_CONFIG_NOSYSTEM="1")
    yield config
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def shared_path(*parts: str) -> Path:
    """A path in ../shared; skips the test when it is absent, fails instead when CI=true."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} is missing, and CI=true requires ../shared beside the repository")
        pytest.skip(f"{path} is absent (../shared is not beside this clone)")
    return path


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A fresh copy of the infusion-pump example project (not in git: see ``committed``)."""
    target = tmp_path / "pump"
    init_project(target, example="infusion-pump")
    return target


def commit_all(root: Path) -> Path:
    """Put ``root`` under git with one commit of everything in it, as a project lives in a
    repository (IEC 62304 8.1.1: configuration items have versions); returns ``root``."""
    identity = ("-c", "user.name=Test", "-c", "user.email=test@example.com")
    for args in (("init", "-q"), ("add", "-A"), ("commit", "-qm", "The project")):
        subprocess.run(["git", *identity, *args], cwd=root, check=True, capture_output=True)
    return root


@pytest.fixture
def committed(example: Path) -> Path:
    """The example in a git repository of its own, with one commit: it checks clean."""
    return commit_all(example)


@pytest.fixture(scope="session")
def example_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The JUnit report of the example's own pytest suite, run once per session on a
    fresh copy (its test ids do not depend on where the copy is)."""
    target = tmp_path_factory.mktemp("example") / "pump"
    init_project(target, example="infusion-pump")
    report = target.parent / "junit.xml"
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}"],
        cwd=target / "code",
        capture_output=True,
        check=False,
    )
    assert report.is_file(), "the example's suite wrote no report"
    return report


ItemWriter = Callable[..., Path]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """An empty project folder with a minimal medtrace.toml."""
    root = tmp_path / "proj"
    root.mkdir()
    (root / "medtrace.toml").write_text('[project]\nname = "Test project"\n', "utf-8")
    return root


@pytest.fixture
def write_item(project: Path) -> ItemWriter:
    """Write an item file: ``write_item("SRS-1", "software-requirement", **front)``."""

    def write(item_id: str, kind: str, body: str = "Text.", **front: object) -> Path:
        lines = ["---", f"id: {item_id}", f"kind: {kind}", f"title: Title of {item_id}"]
        for key, value in front.items():
            rendered = f"[{', '.join(map(str, value))}]" if isinstance(value, list) else value
            lines.append(f"{key.replace('_', '-')}: {rendered}")
        path = project / "items" / f"{item_id}.md"
        path.parent.mkdir(exist_ok=True)
        path.write_text("\n".join([*lines, "---", body, ""]), "utf-8")
        return path

    return write


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
