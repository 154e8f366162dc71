"""System checks: unsafe combinations of settings stop the application from starting."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from medtrace.web.config import WebConfig


@register()
def served_safely(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    config: WebConfig = settings.CONFIG
    problems: list[CheckMessage] = []
    if not config.loopback and not config.https:
        problems.append(
            Error(
                f"serving on {config.host}, beyond this machine, without https",
                hint="bind to 127.0.0.1, or put a TLS proxy in front and pass --https",
                id="medtrace.web.E001",
            )
        )
    if settings.DEBUG:
        problems.append(Error("DEBUG is on", id="medtrace.web.E002"))
    if len(settings.SECRET_KEY) < 40:
        problems.append(Error("the secret key is missing or short", id="medtrace.web.E003"))
    return problems
