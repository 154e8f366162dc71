"""Start the application: Django set up from the configuration, the database migrated,
the first account made when there is none, and the WSGI application served by waitress
(a threaded production server; never Django's development server)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from medtrace.web.config import WebConfig

THREADS = 8


def setup(config: WebConfig) -> None:
    """Point Django at ``config`` and set it up, with the database migrated."""
    os.environ.update(config.to_environ())
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    from django.core import checks

    from medtrace.web.signing import server_key

    server_key(Path(config.state_dir))  # made on first start, for signing in the browser
    errors = [m for m in checks.run_checks() if m.is_serious()]
    if errors:
        from medtrace.errors import MedtraceError

        first = errors[0]
        raise MedtraceError(f"{first.id}: {first.msg}", hint=first.hint)


def run(config: WebConfig, announce: Callable[[str], None] = print) -> None:
    """Serve until interrupted."""
    from waitress import serve

    from medtrace.api.sign import server_key_problem
    from medtrace.web.signing import server_key
    from medtrace.web.wsgi import application

    problem = server_key_problem(Path(config.project), server_key(Path(config.state_dir)))
    if problem is not None:
        announce(f"medtrace: signing in the browser is off until {problem}")
    announce(f"medtrace: serving {config.project} on http://{_shown(config.host)}:{config.port}/")
    serve(application, host=config.host, port=config.port, threads=THREADS, ident="medtrace")


def _shown(host: str) -> str:
    return f"[{host}]" if ":" in host else host
