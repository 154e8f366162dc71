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
_MODULES = ("django", "django_htmx", "csp", "template_partials", "ninja", "waitress", "argon2")


def require_web() -> None:
    """Raise :class:`MedtraceError` naming the install command when a web dependency is
    missing (call it before importing anything of Django)."""
    missing = [name for name in _MODULES if importlib.util.find_spec(name) is None]
    if missing:
        raise MedtraceError(
            f"the web application needs {', '.join(missing)}, which "
            f"{'is' if len(missing) == 1 else 'are'} not installed",
            hint=f"install them with: {INSTALL}",
        )
