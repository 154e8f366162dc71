"""The one place where errors become messages and exit codes.

Exit codes: 0 clean, 1 findings at or above the failing severity, 2 usage
error, bad input or a failure of the tool. Tracebacks only with ``--debug``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import click

from medtrace.errors import MedtraceError

EXIT_OK, EXIT_FINDINGS, EXIT_FAILURE = 0, 1, 2


class UserFacingError(click.ClickException):
    """A one-line error for the user; click prints it to stderr."""

    exit_code = EXIT_FAILURE


@contextlib.contextmanager
def user_errors(debug: bool) -> Iterator[None]:
    """Turn :class:`MedtraceError` into a one-line message (with its hint) and exit 2."""
    try:
        yield
    except MedtraceError as error:
        if debug:
            raise
        message = str(error) if error.hint is None else f"{error} (hint: {error.hint})"
        raise UserFacingError(message) from error
