"""Safe YAML loading for the formats kept in YAML (Doorstop, RDM).

libyaml's safe loader, except that an impossible date (``2024-02-30``) is a located
YAML error instead of Python's ``ValueError``: every reader reports it as a finding
at its line, like any other error of the file.
"""

from __future__ import annotations

import yaml

_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class SourceLoader(_Base):  # type: ignore[valid-type,misc]
    """Safe loading whose impossible dates (2040-13-45) are located errors."""


def _timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> object:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError) as error:
        problem = f"{node.value!r} is no valid date ({error})"
        raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark) from error


SourceLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def error_problem(error: BaseException) -> str:
    """What a YAML error says, on one line (PyYAML's messages span several)."""
    problem = getattr(error, "problem", None) or str(error)
    return " ".join(str(problem).split())


def error_line(error: yaml.YAMLError) -> int | None:
    """The 1-based line a YAML error is at, when it has one."""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    return mark.line + 1 if mark is not None else None
