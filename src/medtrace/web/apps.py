"""The Django application of medtrace's web layer."""

from __future__ import annotations

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "medtrace.web"
    label = "medtrace_web"
    verbose_name = "medtrace"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from medtrace.web import checks  # noqa: F401  (registers the system checks)
