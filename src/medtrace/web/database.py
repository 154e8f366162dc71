"""Which database the web application keeps its state in: the SQLite file of the state
folder by default, or a PostgreSQL server named by a URL (``--database`` or the
``MEDTRACE_DATABASE_URL`` environment variable) for a team server. No Django import here,
so the command line checks the URL before booting anything.

A URL is ``postgresql://USER:PASSWORD@HOST:PORT/NAME?sslmode=...`` (``postgres://`` too);
its query parameters are passed to libpq as they are. The password may be left out of
the URL and given the way libpq looks for it (``PGPASSWORD``, ``~/.pgpass``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from medtrace.errors import MedtraceError

ENVIRONMENT = "MEDTRACE_DATABASE_URL"
SCHEMES = ("postgresql", "postgres")
CONNECT_TIMEOUT = 5  # seconds: a database that is down is an error, not a hang


def check_url(url: str) -> str:
    """``url`` when it names a PostgreSQL database, else a one-line error."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises on a port that is not a number)
    except ValueError as error:
        raise MedtraceError(f"database URL {_shown(url)} is malformed ({error})") from None
    if parts.scheme not in SCHEMES:
        raise MedtraceError(
            f"database URL {_shown(url)} is not postgresql://...",
            hint="leave --database out for the SQLite file in the state folder",
        )
    if not parts.path.strip("/"):
        raise MedtraceError(f"database URL {_shown(url)} names no database (…/NAME)")
    return url


def database_settings(url: str, sqlite_file: Path) -> dict[str, Any]:
    """Django's ``DATABASES["default"]`` for ``url`` (PostgreSQL), or for the SQLite file
    when ``url`` is empty."""
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(sqlite_file),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL;",
            },
        }
    parts = urlsplit(check_url(url))
    options: dict[str, Any] = {"connect_timeout": CONNECT_TIMEOUT}
    options.update(parse_qsl(parts.query))
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": unquote(parts.hostname or ""),
        "PORT": str(parts.port or ""),
        "OPTIONS": options,
        # A connection is kept for a minute and checked before each request reuses it, so
        # a database restart costs the requests in flight, not the process (issue 22).
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"NAME": f"test_{unquote(parts.path.lstrip('/'))}"},
    }


def _shown(url: str) -> str:
    """``url`` with its password replaced by ``***`` (it goes into messages and logs)."""
    try:
        parts = urlsplit(url)
        if parts.password:
            url = url.replace(f":{parts.password}@", ":***@", 1)
    except ValueError:
        return "(unparseable)"
    return repr(url)
