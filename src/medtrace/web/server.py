"""Start the application: Django set up from the configuration, the database migrated,
the first account made when there is none, and the WSGI application served by waitress
(a threaded production server; never Django's development server). A team server runs
it under gunicorn instead (:mod:`medtrace.web.workers`)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from medtrace.errors import MedtraceError
from medtrace.web.config import WebConfig

THREADS = 8
MIGRATE_LOCK = 0x6D74_6D67  # the advisory lock key of ``migrate`` on PostgreSQL ("mtmg")


def setup(config: WebConfig, *, migrate: bool = True, reconcile: bool = False) -> tuple[str, ...]:
    """Point Django at ``config`` and set it up, with the database migrated (or, with
    ``migrate`` off, checked to be migrated: a team server migrates in one step of its
    own, ``medtrace server migrate``); with ``reconcile`` (a server starting) the audit log
    reconciled with git first. The migrations applied now."""
    os.environ.update(config.to_environ())
    import django

    django.setup()
    from django.db import DatabaseError

    applied: tuple[str, ...] = ()
    try:
        if migrate:
            applied = migrate_database()
        elif pending := pending_migrations():
            raise MedtraceError(
                f"the database lacks {len(pending)} migration(s) ({pending[0]}...)",
                hint="run: medtrace server migrate",
            )
    except DatabaseError as error:
        raise MedtraceError(f"cannot use the database: {_first_line(error)}") from None
    if reconcile:
        reconcile_at_start(config)
    from django.core import checks

    from medtrace.web.signing import server_key

    server_key(Path(config.state_dir))  # made on first start, for signing in the browser
    errors = [m for m in checks.run_checks() if m.is_serious()]
    if errors:
        first = errors[0]
        raise MedtraceError(f"{first.id}: {first.msg}", hint=first.hint)
    return applied


def reconcile_at_start(config: WebConfig) -> None:
    """Reconcile the audit log with git before serving (a process killed mid-save): in the
    server's own clone (with a remote) what was written and never committed is put back
    and what was committed and never pushed is pushed; every commit made through the
    application that the log does not name gets its entry."""
    from django.db import DatabaseError

    from medtrace.api.shared_repo import recover_clone
    from medtrace.web.audit import reconcile
    from medtrace.web.services import sharing

    root = Path(config.project)
    try:
        with sharing.write_lock(root):
            if config.remote:
                recover_clone(root)
                try:
                    sharing.sync_locked(root)
                except MedtraceError as error:  # the remote down: serve, and push later
                    sharing.log.warning("cannot reach the shared repository: %s", error)
            reconcile(root)
    except DatabaseError as error:
        raise MedtraceError(f"cannot use the database: {_first_line(error)}") from None
    finally:
        from django.db import connections

        connections.close_all()


def migrate_database() -> tuple[str, ...]:
    """Apply the migrations the database lacks; the names of those applied. On PostgreSQL
    the processes that start at once take turns (an advisory lock for the session)."""
    from django.core.management import call_command
    from django.db import connection

    postgresql = connection.vendor == "postgresql"
    try:
        if postgresql:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATE_LOCK])
        pending = pending_migrations()
        call_command("migrate", interactive=False, verbosity=0)
    finally:
        if postgresql:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATE_LOCK])
    return pending


def pending_migrations() -> tuple[str, ...]:
    """The migrations not yet applied to the database, as ``app.name``."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return tuple(f"{migration.app_label}.{migration.name}" for migration, _ in plan)


def run(config: WebConfig, announce: Callable[[str], None] = print) -> None:
    """Serve until interrupted."""
    from waitress import serve

    from medtrace.web.wsgi import application

    announce_key(config, announce)
    announce(f"medtrace: serving {config.project} on http://{_shown(config.host)}:{config.port}/")
    serve(application, host=config.host, port=config.port, threads=THREADS, ident="medtrace")


def announce_key(config: WebConfig, announce: Callable[[str], None]) -> None:
    """Say so when signing in the browser is off (the server's key is not registered)."""
    from medtrace.api.sign import server_key_problem
    from medtrace.web.signing import server_key

    problem = server_key_problem(Path(config.project), server_key(Path(config.state_dir)))
    if problem is not None:
        announce(f"medtrace: signing in the browser is off until {problem}")


def _first_line(error: BaseException) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__


def _shown(host: str) -> str:
    return f"[{host}]" if ":" in host else host
