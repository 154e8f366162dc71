"""The web application (``medtrace serve``): a Django layer over :mod:`medtrace.api`.

It holds no rules, parsers or renderers of its own: pages and the REST API
call the same service layer (:mod:`medtrace.web.services`), which calls
:mod:`medtrace.api`. Django and the other web dependencies are the ``web``
extra; :func:`require_web` says how to install them when they are missing.
"""

from __future__ import annotations

import importlib.util

from medtrace.errors import MedtraceError

INSTALL = "pip install 'medtrace[web]'"
INSTALL_SERVER = "pip install 'medtrace[server]'"
_MODULES = ("django", "django_htmx", "csp", "template_partials", "ninja", "waitress", "argon2")
_SERVER_MODULES = ("psycopg", "gunicorn")


def require_web(*, postgresql: bool = False, workers: bool = False) -> None:
    """Raise :class:`MedtraceError` naming the install command when a web dependency is
    missing (call it before importing anything of Django); with ``postgresql`` psycopg
    too, with ``workers`` gunicorn too (the ``server`` extra)."""
    wanted = [*_MODULES, *(["psycopg"] if postgresql else []), *(["gunicorn"] if workers else [])]
    missing = [name for name in wanted if importlib.util.find_spec(name) is None]
    if missing:
        server = any(name in _SERVER_MODULES for name in missing)
        raise MedtraceError(
            f"the web application needs {', '.join(missing)}, which "
            f"{'is' if len(missing) == 1 else 'are'} not installed",
            hint=f"install them with: {INSTALL_SERVER if server else INSTALL}",
        )
