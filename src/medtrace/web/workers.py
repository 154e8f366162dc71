"""``medtrace server run``: the application under gunicorn, several worker processes of a
few threads each (the ``gthread`` worker), on one PostgreSQL database. The master checks
the configuration and the database once, then forks; each worker sets Django up itself and
opens its own connections. gunicorn trusts ``X-Forwarded-*`` from the proxy addresses
given; requests are logged by the application as JSON lines (:mod:`medtrace.web.logs`),
so gunicorn's own access log is off."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gunicorn.app.base import BaseApplication

from medtrace.web.config import WebConfig

THREADS = 4
TIMEOUT = 60  # seconds a request may take before its worker is replaced
GRACEFUL = 30  # seconds the requests in flight get on SIGTERM


class _Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Callable[..., Any]:
        from medtrace.web.wsgi import application

        return application


def run(
    config: WebConfig,
    *,
    workers: int,
    threads: int = THREADS,
    forwarded_allow_ips: str = "127.0.0.1,::1",
    announce: Callable[[str], None] = print,
) -> None:
    """Serve ``config`` with ``workers`` processes until SIGTERM or SIGINT."""
    from django.db import connections

    connections.close_all()  # no connection of the master's is carried into the workers
    announce(
        f"medtrace: serving {config.project} on http://{config.host}:{config.port}/ with "
        f"{workers} worker(s) of {threads} thread(s)"
    )
    _Server(
        {
            "bind": f"[{config.host}]:{config.port}"
            if ":" in config.host
            else f"{config.host}:{config.port}",
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            "timeout": TIMEOUT,
            "graceful_timeout": GRACEFUL,
            "forwarded_allow_ips": forwarded_allow_ips,
            "accesslog": None,
            "errorlog": "-",
            "loglevel": "warning",
            "proc_name": "medtrace",
            "preload_app": False,
        }
    ).run()
