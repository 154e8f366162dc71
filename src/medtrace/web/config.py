"""The web application's configuration: one frozen value, passed in one environment
variable from ``medtrace serve`` to Django's settings (no Django import here, so the
command line can check it before booting anything).

The state folder holds what the application keeps of its own: the SQLite database
of users, sessions and the audit log (unless a PostgreSQL URL names another database),
and the secret key. By default it is
``.medtrace-web/`` in the project, ignored by git through a ``.gitignore`` of its
own, and never the rebuildable ``.medtrace/`` cache, which may be deleted at any
time.
"""

from __future__ import annotations

import ipaddress
import json
import os
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

from medtrace.api.discover import find_root
from medtrace.errors import MedtraceError
from medtrace.web.database import check_url

ENVIRONMENT = "MEDTRACE_WEB_CONFIG"
SETTINGS_MODULE = "medtrace.web.settings"
STATE_DIR = ".medtrace-web"
SECRET_FILE = "secret-key"
DATABASE_FILE = "web.sqlite3"
DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8000


@dataclass(frozen=True, slots=True, kw_only=True)
class WebConfig:
    project: str  # the project root
    state_dir: str
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    https: bool = False  # behind a TLS-terminating proxy: secure cookies, HSTS
    refresh: float = 1.0  # seconds between looks at the project's files
    login_limit: int = 10  # failed sign-ins per account and per address in 15 minutes
    database_url: str = ""  # PostgreSQL (a team server); empty: the SQLite file below
    trusted_origins: tuple[str, ...] = ()  # https://host of a reverse proxy, for CSRF
    log_format: str = "text"  # or json: one object a line (medtrace server run)
    remote: str = ""  # the shared repository (a git remote of the project's clone)
    fetch_interval: float = 30.0  # seconds between fetches from the remote

    @property
    def database(self) -> Path:
        return Path(self.state_dir) / DATABASE_FILE

    @property
    def loopback(self) -> bool:
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return self.host == "localhost"

    def to_environ(self) -> dict[str, str]:
        return {ENVIRONMENT: json.dumps(asdict(self)), "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE}

    @classmethod
    def from_environ(cls) -> WebConfig:
        text = os.environ.get(ENVIRONMENT)
        if not text:
            raise MedtraceError(
                f"{ENVIRONMENT} is not set: start the application with medtrace serve"
            )
        fields = json.loads(text)
        fields["trusted_origins"] = tuple(fields.get("trusted_origins", ()))
        return cls(**fields)


def web_config_for(
    path: Path,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    https: bool = False,
    state_dir: Path | None = None,
    database_url: str = "",
    remote: str = "",
) -> WebConfig:
    """The configuration for the project at or above ``path``; the state folder made.
    ``database_url`` names a PostgreSQL database (checked here), else SQLite is used."""
    if database_url:
        check_url(database_url)
    root = find_root(path)
    if not 0 < port < 65536:
        raise MedtraceError(f"port {port} is not between 1 and 65535")
    if remote:
        from medtrace.api.shared_repo import check_remote

        check_remote(root, remote)
    state = state_dir if state_dir is not None else root / STATE_DIR
    prepare_state(state)
    return WebConfig(
        project=str(root),
        state_dir=str(state.resolve()),
        host=host,
        port=port,
        https=https,
        database_url=database_url,
        remote=remote,
    )


def prepare_state(state: Path) -> None:
    """Make the state folder (ignored by git) and its secret key, readable by the owner only."""
    try:
        state.mkdir(mode=0o700, parents=True, exist_ok=True)
        ignore = state / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# medtrace serve's own state: never committed\n*\n", "utf-8")
        secret = state / SECRET_FILE
        if not secret.exists():
            descriptor = os.open(secret, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
                stream.write(secrets.token_urlsafe(50))
    except OSError as error:
        raise MedtraceError(
            f"{state}: cannot prepare the state folder ({error.strerror})"
        ) from None


def read_secret(state_dir: str) -> str:
    return (Path(state_dir) / SECRET_FILE).read_text("utf-8").strip()
