"""Parse an issue tracker export (GitHub or GitLab REST API issue lists) into TrackerIssues.

Pure: bytes in, issues and findings out; it never raises on what a file holds.
The export is the JSON array the list-issues endpoint returns, or several such
arrays one after the other (what ``gh api --paginate`` prints). Which tracker
wrote it is told by the shape of its objects:

- GitHub (``GET /repos/{owner}/{repo}/issues``): ``number``, ``html_url``,
  ``state`` open or closed, ``labels`` as ``[{"name": ...}]``, ``user.login``.
  Objects with a ``pull_request`` key are pull requests and are skipped.
- GitLab (``GET /projects/:id/issues``): ``iid``, ``web_url``, ``state``
  opened or closed, ``labels`` as names, ``author.username``.

An issue listed twice (overlapping pages) counts once, as first listed. A
file that is not JSON yields ``problems/export-unreadable``; JSON that is not
such a list, or an issue missing what an import needs, yields
``problems/export-invalid``. Either is one ERROR finding at ``path:line``, and
no issues at all: an import never writes half an export.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from urllib.parse import urlsplit

from medtrace.model.finding import Finding, Severity
from medtrace.model.issues import TRACKERS, TrackerIssue
from medtrace.model.location import SourceLocation

UNREADABLE = "problems/export-unreadable"
INVALID = "problems/export-invalid"

_WHITESPACE = " \t\r\n"
_GITLAB_STATES = {"opened": "open", "closed": "closed"}
_GITLAB_PATHS = ("/-/issues/", "/-/work_items/", "/issues/")
_NAMES = {"github": "GitHub", "gitlab": "GitLab"}


class _ShapeError(Exception):
    """The export is JSON but not an issue list; ``offset`` is where, in characters."""

    def __init__(self, offset: int, message: str) -> None:
        super().__init__(message)
        self.offset = offset
        self.message = message


def parse_issues(
    data: bytes, path: str, tracker: str | None = None
) -> tuple[tuple[TrackerIssue, ...] | None, tuple[Finding, ...]]:
    """Parse the export at ``path`` (as shown to the user) from its bytes.

    ``tracker`` (github or gitlab), when given, is the tracker the export must
    come from; by default it is recognised from the shape of the issues.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return None, (_error(path, line, UNREADABLE, "not UTF-8 text"),)
    if not text.strip(_WHITESPACE):
        return None, (_error(path, 1, UNREADABLE, "the file is empty"),)
    reader = _Reader(path, text, tracker)
    try:
        issues = reader.read()
    except json.JSONDecodeError as error:
        message = f"not valid JSON: {error.msg} (column {error.colno})"
        return None, (_error(path, error.lineno, UNREADABLE, message),)
    except _ShapeError as problem:
        return None, (_error(path, reader.line(problem.offset), INVALID, problem.message),)
    return issues, ()


def _error(path: str, line: int, code: str, message: str) -> Finding:
    location = SourceLocation(path=path, line=line)
    return Finding(code=code, severity=Severity.ERROR, message=message, location=location)


class _Reader:
    """Walks the export's arrays element by element, so every issue knows its line."""

    def __init__(self, path: str, text: str, tracker: str | None) -> None:
        if tracker is not None and tracker not in TRACKERS:
            raise ValueError(f"tracker must be one of {', '.join(TRACKERS)}, not {tracker!r}")
        self.path = path
        self.text = text
        self.tracker = tracker
        self._counted = (0, 1)  # (offset, line at offset): lines are counted forward only

    def line(self, offset: int) -> int:
        start, line = self._counted if offset >= self._counted[0] else (0, 1)
        line += self.text.count("\n", start, offset)
        self._counted = (offset, line)
        return line

    def read(self) -> tuple[TrackerIssue, ...]:
        issues: dict[str, TrackerIssue] = {}
        elements = list(self._elements())  # all of it is JSON before any is read as issues
        for offset, value in elements:
            if not isinstance(value, dict):
                raise _ShapeError(offset, f"expected an issue object, found {_what(value)}")
            shape = _shape(value)
            if shape is None:
                raise _ShapeError(
                    offset,
                    "an object that is neither a GitHub issue (number, html_url) nor a GitLab "
                    "issue (iid, web_url)",
                )
            if self.tracker is None:
                self.tracker = shape
            elif shape != self.tracker:
                raise _ShapeError(
                    offset, f"a {_NAMES[shape]} issue in an export of {_NAMES[self.tracker]} issues"
                )
            if shape == "github" and "pull_request" in value:
                continue
            issue = self._issue(shape, value, offset)
            issues.setdefault(issue.key, issue)
        return tuple(issues.values())

    def _elements(self) -> Iterator[tuple[int, object]]:
        """Each element of each top-level array, with the offset where it starts."""
        decoder = json.JSONDecoder()
        text, index = self.text, self._skip(0)
        while index < len(text):
            if text[index] != "[":
                value, _ = decoder.raw_decode(text, index)
                raise _ShapeError(index, f"expected a JSON array of issues, found {_what(value)}")
            index = self._skip(index + 1)
            if text.startswith("]", index):
                index = self._skip(index + 1)
                continue
            while True:
                value, end = decoder.raw_decode(text, index)
                yield index, value
                index = self._skip(end)
                if text.startswith(",", index):
                    index = self._skip(index + 1)
                elif text.startswith("]", index):
                    index = self._skip(index + 1)
                    break
                else:
                    raise json.JSONDecodeError("Expecting ',' delimiter", text, index)

    def _skip(self, index: int) -> int:
        while index < len(self.text) and self.text[index] in _WHITESPACE:
            index += 1
        return index

    def _issue(self, shape: str, value: Mapping[str, object], offset: int) -> TrackerIssue:
        fields = _Fields(value, offset, _NAMES[shape])
        if shape == "github":
            number = fields.number("number")
            url = fields.url("html_url")
            state = fields.choice("state", {"open": "open", "closed": "closed"})
            author = fields.person("user", "login")
            body = fields.text("body", optional=True)
            project = _github_project(url)
        else:
            number = fields.number("iid")
            url = fields.url("web_url")
            state = fields.choice("state", _GITLAB_STATES)
            author = fields.person("author", "username")
            body = fields.text("description", optional=True)
            project = _gitlab_project(url)
        if not project:
            raise _ShapeError(
                offset, f"{fields.name}: cannot tell the project from the URL {url!r}"
            )
        return TrackerIssue(
            tracker=shape,
            project=project,
            number=number,
            title=fields.text("title"),
            body=body,
            state=state,
            state_reason=fields.text("state_reason", optional=True),
            labels=fields.labels(),
            author=author,
            created=fields.timestamp("created_at"),
            closed=fields.timestamp("closed_at", optional=True),
            url=url,
            location=SourceLocation(path=self.path, line=self.line(offset)),
        )


class _Fields:
    """Typed access to one issue object; a missing or ill-typed field is :class:`_ShapeError`."""

    def __init__(self, value: Mapping[str, object], offset: int, tracker: str) -> None:
        self.value = value
        self.offset = offset
        self.name = f"a {tracker} issue"

    def fail(self, message: str) -> _ShapeError:
        return _ShapeError(self.offset, f"{self.name}: {message}")

    def url(self, key: str) -> str:
        """A web address (http or https, with a host, no white space)."""
        text = self.text(key)
        try:
            parts = urlsplit(text)
            valid = parts.scheme in ("http", "https") and bool(parts.hostname)
        except ValueError:  # an unclosed IPv6 address, a bad port
            valid = False
        if not valid or any(char.isspace() for char in text):
            raise self.fail(f"{key} is not a web address: {_what(text)}")
        return text

    def number(self, key: str) -> int:
        found = self.value.get(key)
        if isinstance(found, bool) or not isinstance(found, int) or found < 1:
            raise self.fail(f"{key!r} must be a positive whole number, found {_what(found)}")
        self.name = f"{self.name.removeprefix('a ')} #{found}"
        return found

    def text(self, key: str, optional: bool = False) -> str:
        found = self.value.get(key)
        if found is None and optional:
            return ""
        if not isinstance(found, str):
            raise self.fail(f"{key!r} must be text, found {_what(found)}")
        return found

    def choice(self, key: str, allowed: Mapping[str, str]) -> str:
        found = self.value.get(key)
        if not isinstance(found, str) or found not in allowed:
            raise self.fail(f"{key!r} must be {' or '.join(allowed)}, found {_what(found)}")
        return allowed[found]

    def person(self, key: str, name: str) -> str:
        found = self.value.get(key)
        if found is None:  # a deleted account
            return ""
        login = found.get(name) if isinstance(found, dict) else None
        if not isinstance(login, str):
            raise self.fail(f"{key!r} must be an object with {name!r}, found {_what(found)}")
        return login

    def labels(self) -> tuple[str, ...]:
        found = self.value.get("labels", [])
        if not isinstance(found, list):
            raise self.fail(f"'labels' must be a list, found {_what(found)}")
        names = []
        for label in found:
            name = label.get("name") if isinstance(label, dict) else label
            if not isinstance(name, str):
                raise self.fail(
                    f"a label must be a name or an object with 'name', found {_what(label)}"
                )
            names.append(name)
        return tuple(names)

    def timestamp(self, key: str, optional: bool = False) -> str:
        found = self.text(key, optional)
        if found:
            try:
                dt.datetime.fromisoformat(found)
            except ValueError:
                raise self.fail(f"{key!r} must be an ISO 8601 time, found {found[:40]!r}") from None
        return found


def _shape(value: Mapping[str, object]) -> str | None:
    if "number" in value and "html_url" in value:
        return "github"
    if "iid" in value and "web_url" in value:
        return "gitlab"
    return None


def _github_project(url: str) -> str:
    """``owner/repo`` of ``https://github.com/owner/repo/issues/12`` (or a GHE host)."""
    parts = [part for part in urlsplit(url).path.split("/") if part]
    if len(parts) >= 4 and parts[-2] == "issues":
        return "/".join(parts[-4:-2])
    return ""


def _gitlab_project(url: str) -> str:
    """``group/subgroup/project`` of ``https://gitlab.com/group/subgroup/project/-/issues/5``."""
    path = urlsplit(url).path
    for marker in _GITLAB_PATHS:
        if marker in path:
            return path.split(marker, 1)[0].strip("/")
    return ""


def _what(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return repr(value[:40])
    return repr(value)
