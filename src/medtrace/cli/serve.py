"""``medtrace serve`` and ``medtrace users``: the web application and its accounts."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from medtrace.cli.boundary import UserFacingError, user_errors
from medtrace.cli.context import SETTINGS, Context, project_option, project_path

if TYPE_CHECKING:
    from medtrace.web.config import WebConfig

ROLES = ("viewer", "author", "reviewer", "approver", "admin")


DATABASE_ENVIRONMENT = "MEDTRACE_DATABASE_URL"
database_option = click.option(
    "--database",
    envvar=DATABASE_ENVIRONMENT,
    default="",
    metavar="URL",
    help="PostgreSQL database (postgresql://USER@HOST:PORT/NAME) instead of the SQLite "
    f"file of the state folder [env: {DATABASE_ENVIRONMENT}].",
)

remote_option = click.option(
    "--remote",
    default="",
    metavar="NAME",
    help="The git remote of the shared repository (the project is the server's own "
    "clone): every change is pushed there, and what others push is fetched.",
)


def _setup(path: Path, host: str = "127.0.0.1", port: int = 8000, https: bool = False,
           database: str | None = None, migrate: bool = True,
           remote: str = "", reconcile: bool = False) -> WebConfig:  # fmt: skip
    """Check the web dependencies, make the state folder, set Django up; the config. The
    database is ``database``, else the one ``MEDTRACE_DATABASE_URL`` names, else SQLite."""
    if database is None:
        database = os.environ.get(DATABASE_ENVIRONMENT, "")
    from medtrace.web import require_web

    require_web(postgresql=bool(database))
    from medtrace.web.config import web_config_for
    from medtrace.web.server import setup

    config = web_config_for(
        path, host=host, port=port, https=https, database_url=database, remote=remote
    )
    setup(config, migrate=migrate, reconcile=reconcile)
    return config


@click.command(context_settings=SETTINGS)
@project_path
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=int, default=8000, show_default=True, help="Port to listen on.")
@click.option("--https", is_flag=True, help="Behind a TLS proxy: secure cookies and HSTS.")
@database_option
@remote_option
@click.pass_obj
def serve(obj: Context, path: Path, host: str, port: int, https: bool, database: str,
          remote: str) -> None:  # fmt: skip
    """Serve the project as a web application (sign-in needed on every page).

    Its users, sessions and audit log live in the project's .medtrace-web/ folder
    (ignored by git), or in the PostgreSQL database --database names (migrated at
    start). With no account yet, asks for a first admin account on the terminal
    (or create one with: medtrace users add NAME --role admin).
    """
    with user_errors(obj.debug):
        config = _setup(path, host, port, https, database, remote=remote, reconcile=True)
        from medtrace.web import accounts
        from medtrace.web.server import run

        if not accounts.has_accounts():
            _first_account()
        run(config, announce=click.echo)


def _first_account() -> None:
    from medtrace.web import accounts
    from medtrace.web.roles import Role

    if not sys.stdin.isatty():
        raise UserFacingError(
            "there is no account yet; create one first: medtrace users add NAME --role admin"
        )
    click.echo("No account yet: create the first one (an admin).")
    name = click.prompt("User name")
    password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    accounts.add_account(name, Role.ADMIN, password)
    click.echo(f"Account {name} (admin) created.")


@click.group(context_settings=SETTINGS)
def users() -> None:
    """Manage the web application's accounts (see: medtrace serve)."""


@users.command("add", context_settings=SETTINGS)
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True, help="What the person may do.")
@click.option("--email", default="", help="E-mail address (the author of their commits).")
@click.option("--full-name", default="", help="Name shown on pages and in commits.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@project_option
@click.pass_obj
def add(obj: Context, name: str, role: str, email: str, full_name: str, password_stdin: bool,
        path: Path) -> None:  # fmt: skip
    """Create the account NAME with ROLE (the password is asked for, twice)."""
    with user_errors(obj.debug):
        _setup(path)
        from medtrace.web import accounts
        from medtrace.web.roles import Role

        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        made = accounts.add_account(
            name, Role.parse(role), password, email=email, full_name=full_name
        )
    click.echo(f"Account {made.name} ({made.role}) created.")


@users.command("list", context_settings=SETTINGS)
@project_option
@click.pass_obj
def list_accounts(obj: Context, path: Path) -> None:
    """List the accounts: name, role, whether active, full name."""
    with user_errors(obj.debug):
        _setup(path)
        from medtrace.web import accounts

        for account in accounts.accounts():
            state = "active" if account.active else "deactivated"
            click.echo(f"{account.name}\t{account.role}\t{state}\t{account.full_name}")


@users.command("deactivate", context_settings=SETTINGS)
@click.argument("name")
@project_option
@click.pass_obj
def deactivate(obj: Context, name: str, path: Path) -> None:
    """Deactivate NAME: no more sign-in or signing (kept, never reused; also in the register)."""
    with user_errors(obj.debug):
        _setup(path)
        from medtrace.web import accounts

        accounts.deactivate(name)
    click.echo(f"Account {name} deactivated; commit signatures/signers.toml.")


@users.command("role", context_settings=SETTINGS)
@click.argument("name")
@click.argument("role", type=click.Choice(ROLES))
@project_option
@click.pass_obj
def set_role(obj: Context, name: str, role: str, path: Path) -> None:
    """Give NAME the role ROLE (also in the register of signers)."""
    with user_errors(obj.debug):
        _setup(path)
        from medtrace.web import accounts
        from medtrace.web.roles import Role

        accounts.set_role(name, Role.parse(role))
    click.echo(f"Account {name} is now {role}; commit signatures/signers.toml.")


@users.command("totp", context_settings=SETTINGS)
@click.argument("name")
@project_option
@click.pass_obj
def totp(obj: Context, name: str, path: Path) -> None:
    """Enrol NAME in a second factor (TOTP); prints the URI for their authenticator app."""
    with user_errors(obj.debug):
        _setup(path)
        from medtrace.web import accounts

        uri = accounts.enrol_second_factor(name)
    click.echo(uri)
