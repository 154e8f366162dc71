"""``medtrace server``: the team server (PostgreSQL, several worker processes)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click

from medtrace.cli.boundary import user_errors
from medtrace.cli.context import SETTINGS, Context, project_option
from medtrace.cli.serve import _setup, database_option, remote_option


@click.group("server", context_settings=SETTINGS)
def server() -> None:
    """The team server: one PostgreSQL database, several worker processes (docs/server.md)."""


@server.command("migrate", context_settings=SETTINGS)
@database_option
@project_option
@click.pass_obj
def migrate(obj: Context, database: str, path: Path) -> None:
    """Create the database's tables or bring them up to date (Django migrations); run it
    once before starting the server and after each upgrade of medtrace."""
    with user_errors(obj.debug):
        from medtrace.web import require_web

        require_web(postgresql=bool(database))
        from medtrace.web.config import web_config_for
        from medtrace.web.server import setup

        applied = setup(web_config_for(path, database_url=database))
    for name in applied:
        click.echo(f"applied {name}")
    click.echo(f"database up to date ({len(applied)} migration(s) applied now)")


@server.command("run", context_settings=SETTINGS)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=int, default=8000, show_default=True, help="Port to listen on.")
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True,
              help="Worker processes (gunicorn).")  # fmt: skip
@click.option("--threads", type=click.IntRange(1, 64), default=4, show_default=True,
              help="Threads per worker.")  # fmt: skip
@click.option("--https", is_flag=True,
              help="Behind a TLS proxy: secure cookies, HSTS, X-Forwarded-* trusted.")  # fmt: skip
@click.option("--trusted-origin", "origins", multiple=True, metavar="URL",
              help="An origin the proxy serves the site at (https://medtrace.example.org), "
              "for CSRF; repeatable.")  # fmt: skip
@click.option("--forwarded-allow-ips", default="127.0.0.1,::1", show_default=True,
              help="Proxy addresses whose X-Forwarded-* headers are believed.")  # fmt: skip
@remote_option
@click.option("--fetch-interval", type=click.FloatRange(0), default=30.0, show_default=True,
              help="Seconds between fetches from --remote (0: before writes only).")  # fmt: skip
@click.option("--log-format", type=click.Choice(("json", "text")), default="json",
              show_default=True, help="One JSON object a line, or plain text.")  # fmt: skip
@database_option
@project_option
@click.pass_obj
def run(obj: Context, host: str, port: int, workers: int, threads: int, https: bool,
        origins: tuple[str, ...], forwarded_allow_ips: str, remote: str, fetch_interval: float,
        log_format: str, database: str, path: Path) -> None:  # fmt: skip
    """Serve the project with several worker processes (gunicorn) on the database that
    --database names (migrated beforehand: medtrace server migrate). Static files are
    served by the application itself; /health/ answers 200 while the database does."""
    with user_errors(obj.debug):
        from medtrace.web import require_web

        require_web(postgresql=bool(database), workers=True)
        from medtrace.web.config import web_config_for
        from medtrace.web.server import announce_key, setup

        config = replace(
            web_config_for(
                path, host=host, port=port, https=https, database_url=database, remote=remote
            ),
            trusted_origins=tuple(origins),
            log_format=log_format,
            fetch_interval=fetch_interval,
        )
        setup(config, migrate=False, reconcile=True)
        announce_key(config, click.echo)
        from medtrace.web.workers import run as run_workers

        run_workers(config, workers=workers, threads=threads,
                    forwarded_allow_ips=forwarded_allow_ips, announce=click.echo)  # fmt: skip


@server.command("backup", context_settings=SETTINGS)
@click.argument("folder", type=click.Path(path_type=Path))
@database_option
@project_option
@click.pass_obj
def backup_command(obj: Context, folder: Path, database: str, path: Path) -> None:
    """Back up into the new FOLDER: the database's accounts and audit log, the project's
    repository as a git bundle, the state folder's keys, and a manifest of their SHA-256
    hashes. Taken with the write lock held, so it is consistent under load. The backup
    holds the keys: keep it as private as the server."""
    with user_errors(obj.debug):
        config = _setup(path, database=database, migrate=False)
        from medtrace.web.backup import backup

        made = backup(Path(config.project), Path(config.state_dir), folder)
    click.echo(f"backed up {made.events} audit events, the repository at {made.head[:12]} and "
               f"{made.files} files into {made.folder}")  # fmt: skip


@server.command("restore", context_settings=SETTINGS)
@click.argument("folder", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--into", "target", type=click.Path(path_type=Path), required=True,
              help="The new (or empty) folder for the repository.")  # fmt: skip
@database_option
@click.pass_obj
def restore_command(obj: Context, folder: Path, target: Path, database: str) -> None:
    """Restore the backup in FOLDER: the repository cloned into --into, the keys, and the
    database's rows loaded into an empty database (migrated here). Refuses a backup that
    does not match its manifest, and a database that holds accounts or audit entries."""
    with user_errors(obj.debug):
        from medtrace.web import require_web

        require_web(postgresql=bool(database))
        from medtrace.web.backup import load, unpack
        from medtrace.web.config import STATE_DIR

        root = unpack(folder, target, STATE_DIR)
        _setup(root, database=database)
        events = load(folder)
    click.echo(
        f"restored {events} audit events and the repository into {root}; run: medtrace audit verify"
    )
