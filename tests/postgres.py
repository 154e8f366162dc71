"""A throwaway PostgreSQL cluster for the tests: made with ``initdb`` in a temporary
folder, started with ``pg_ctl`` on a free loopback port (trust authentication, so no
password), and removed afterwards. No running service is assumed. Run as root (as CI
is), the cluster belongs to the unprivileged ``postgres`` account that Debian's package
makes, since PostgreSQL refuses to run as root.

Where the binaries are absent the tests that need them skip, except under ``CI=true``,
where they fail: ``.ci/run`` installs PostgreSQL from Debian's packages.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

USER = "medtrace"  # the database superuser of the throwaway cluster
POSTGRESQL_SWITCH = "MEDTRACE_TEST_POSTGRESQL"  # =1: the web tests run on PostgreSQL


def binaries() -> Path | None:
    """The folder of ``initdb`` and ``pg_ctl``: on the PATH, else Debian's
    ``/usr/lib/postgresql/N/bin`` (newest first)."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(folder) / "initdb").exists():
            return Path(folder)
    return None


def require_binaries() -> Path:
    folder = binaries()
    if folder is None:
        message = "PostgreSQL's initdb and pg_ctl are not installed (apt-get install postgresql)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + ", and CI=true requires them")
        pytest.skip(message)
    return folder


class Cluster:
    """One cluster: ``start()``, ``url(name)``, ``stop()``, ``restart()``."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin = bin_dir
        self.base = Path(tempfile.mkdtemp(prefix="medtrace-pg-"))
        self.data = self.base / "data"
        self.port = _free_port()
        self._owner = _unprivileged()
        if self._owner is not None:
            os.chown(self.base, self._owner.pw_uid, self._owner.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", USER, "-A", "trust", "-E", "UTF8",
                  "--no-sync", "--locale=C.UTF-8")  # fmt: skip

    def _run(self, tool: str, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin / tool), *args]
        if self._owner is not None:
            command = ["runuser", "-u", self._owner.pw_name, "--", *command]
        done = subprocess.run(
            command, cwd=self.base, capture_output=True, text=True, check=False, timeout=120
        )
        if done.returncode != 0:
            raise RuntimeError(f"{tool} failed: {done.stderr.strip() or done.stdout.strip()}")
        return done

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c max_connections=200 -c full_page_writes=off"
        )
        log = str(self.base / "log")
        self._run("pg_ctl", "-D", str(self.data), "-l", log, "-o", options, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self) -> None:
        self.stop()
        self.start()

    def url(self, name: str = "postgres") -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{name}"

    def create_database(self, name: str) -> str:
        self.psql("postgres", f'CREATE DATABASE "{name}"')
        return self.url(name)

    def psql(self, name: str, sql: str) -> str:
        done = subprocess.run(
            [str(self.bin / "psql") if (self.bin / "psql").exists() else "psql",
             "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-d", self.url(name), "-c", sql],
            capture_output=True, text=True, check=True, timeout=60,
        )  # fmt: skip
        return done.stdout

    def remove(self) -> None:
        with contextlib.suppress(RuntimeError):  # already stopped
            self.stop("immediate")
        shutil.rmtree(self.base, ignore_errors=True)


def start_test_cluster() -> str:
    """Start a cluster for this test process (removed when it exits); the URL of its
    ``medtrace`` database (pytest-django makes ``test_medtrace`` beside it)."""
    folder = binaries()
    if folder is None:
        raise RuntimeError(f"{POSTGRESQL_SWITCH}=1 but PostgreSQL's initdb is not installed")
    made = Cluster(folder)
    made.start()
    atexit.register(made.remove)
    return made.url("medtrace")


def _unprivileged() -> pwd.struct_passwd | None:
    """The account the cluster runs as when this process is root (else ``None``)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise RuntimeError("running as root with neither a postgres nor a nobody account")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
