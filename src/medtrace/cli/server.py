"""``medtrace server``: the team server (PostgreSQL, several worker processes)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click

from medtrace.cli.boundary import user_errors
from medtrace.cli.context import SETTINGS, Context, project_option
from medtrace.cli.serve import database_option, remote_option


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
        setup(config, migrate=False)
        announce_key(config, click.echo)
        from medtrace.web.workers import run as run_workers

        run_workers(config, workers=workers, threads=threads,
                    forwarded_allow_ips=forwarded_allow_ips, announce=click.echo)  # fmt: skip
