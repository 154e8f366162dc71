"""The ``medtrace`` command line: thin click commands over :mod:`medtrace.api`."""

from medtrace.cli.main import cli, main

__all__ = ["cli", "main"]
