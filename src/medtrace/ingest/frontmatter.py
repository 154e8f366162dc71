"""Split an item file into YAML front matter and Markdown body, with line numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass

_OPEN = re.compile(r"^---[ \t]*\r?$")
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$")
_LOOKS_LIKE_ITEM = re.compile(r"^(?:id|kind)[ \t]*:")


@dataclass(frozen=True, slots=True)
class Split:
    """Front matter text (without the fences) and body text; the front starts on line 2."""

    front: str
    body: str
    body_line: int  # 1-based line where the body starts


class NoFrontMatterError(Exception):
    """The file does not open with a front matter fence; it is not an item file."""


class FrontMatterError(ValueError):
    """The front matter fences are broken; ``line`` is where the problem is."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


def split(text: str) -> Split:
    """Split ``text`` at its ``---`` fences.

    Raises :class:`NoFrontMatterError` for a plain Markdown file, and
    :class:`FrontMatterError` when a fence is missing.
    """
    lines = text.split("\n")
    if not _OPEN.match(lines[0]):
        if _LOOKS_LIKE_ITEM.match(lines[0]):
            raise FrontMatterError("front matter must start with a '---' line", 1)
        raise NoFrontMatterError
    for index in range(1, len(lines)):
        if _CLOSE.match(lines[index]):
            return Split(
                front="\n".join(lines[1:index]),
                body="\n".join(lines[index + 1 :]),
                body_line=index + 2,
            )
    raise FrontMatterError("front matter is not closed by a '---' line", 1)
