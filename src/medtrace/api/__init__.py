"""The library behind the command line and the web server: whole operations on a project."""

from medtrace.api.check import CheckOptions, CheckReport, check_project, finding_summaries
from medtrace.api.discover import repository_prefix
from medtrace.api.init import EXAMPLES, init_project
from medtrace.api.load import LoadOptions, load_project

__all__ = [
    "EXAMPLES",
    "CheckOptions",
    "CheckReport",
    "LoadOptions",
    "check_project",
    "finding_summaries",
    "init_project",
    "load_project",
    "repository_prefix",
]
