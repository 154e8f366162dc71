"""The WSGI application (for ``medtrace serve`` and, on a team server, any WSGI server)."""

from __future__ import annotations

from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()
