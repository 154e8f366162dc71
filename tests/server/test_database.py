"""The web application's state in PostgreSQL: ``medtrace server migrate``, the database
URL from ``--database`` or the environment, and clear errors for a bad URL or a database
that cannot be reached."""

from __future__ import annotations

from pathlib import Path

from tests.postgres import Cluster
from tests.server.process import add_user, medtrace
from tests.web.served import PASSWORD, make_served_project


def test_migrate_creates_the_tables_once(cluster: Cluster, tmp_path: Path) -> None:
    url = cluster.create_database("migrate_once")
    root = make_served_project(tmp_path / "pump")
    first = medtrace("server", "migrate", "--database", url, "--path", str(root))
    assert "applied medtrace_web.0001_initial" in first.stdout
    assert "applied auth.0001_initial" in first.stdout
    tables = cluster.psql("migrate_once", "SELECT tablename FROM pg_tables ORDER BY 1")
    assert "medtrace_web_auditevent" in tables.split()
    again = medtrace("server", "migrate", "--path", str(root), database=url)
    assert "applied" not in again.stdout.replace("applied now", "")
    assert "(0 migration(s) applied now)" in again.stdout


def test_accounts_and_the_audit_log_live_in_postgresql(cluster: Cluster, tmp_path: Path) -> None:
    url = cluster.create_database("accounts_here")
    root = make_served_project(tmp_path / "pump")
    medtrace("server", "migrate", "--path", str(root), database=url)
    add_user(root, "ana", "admin", PASSWORD, url)
    listed = medtrace("users", "list", "--path", str(root), database=url).stdout
    assert listed.startswith("ana\tadmin\tactive")
    assert not (root / ".medtrace-web" / "web.sqlite3").exists()
    names = cluster.psql("accounts_here", "SELECT username FROM auth_user")
    assert names.split() == ["ana"]
    actions = cluster.psql("accounts_here", "SELECT action FROM medtrace_web_auditevent")
    assert actions.split() == ["account-add"]
    verified = medtrace("audit", "verify", "--path", str(root), database=url)
    assert "audit verify passed: 1 events" in verified.stdout
    # the SQLite default is a different database: no account there
    assert medtrace("users", "list", "--path", str(root)).stdout == ""


def test_a_bad_url_is_one_line_and_exit_2(tmp_path: Path) -> None:
    root = make_served_project(tmp_path / "pump")
    done = medtrace("serve", "--database", "mysql://db/x", "--path", str(root), check=False)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "Error: database URL 'mysql://db/x' is not postgresql://... (hint: leave --database "
        "out for the SQLite file in the state folder)"
    ]


def test_a_database_that_is_down_is_a_clear_error(cluster: Cluster, tmp_path: Path) -> None:
    root = make_served_project(tmp_path / "pump")
    closed = f"postgresql://medtrace:hunter2@127.0.0.1:{_closed_port()}/nothing"
    done = medtrace("server", "migrate", "--path", str(root), database=closed, check=False)
    assert done.returncode == 2
    assert done.stderr.startswith("Error: cannot use the database: ")
    assert "Traceback" not in done.stderr
    assert "hunter2" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_serve_refuses_a_database_not_migrated_for_server_run(
    cluster: Cluster, tmp_path: Path
) -> None:
    url = cluster.create_database("not_migrated")
    root = make_served_project(tmp_path / "pump")
    done = medtrace("server", "run", "--path", str(root), database=url, check=False)
    assert done.returncode == 2
    assert "the database lacks" in done.stderr
    assert "medtrace server migrate" in done.stderr


def _closed_port() -> int:
    from tests.postgres import _free_port

    return _free_port()
