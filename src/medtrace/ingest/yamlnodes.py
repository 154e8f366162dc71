"""Read YAML front matter as a node tree (libyaml), without YAML 1.1 implicit typing.

libyaml parses and composes the document; this module only turns the top
mapping into ``{key: (line, value)}``. Scalars stay text: a field's declared
type decides what the text means, so ``version: 1.10`` stays ``"1.10"`` and
``country: NO`` stays ``"NO"``. Nesting is cut off at two levels, so an
alias bomb is never expanded.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

_Base: type[yaml.BaseLoader] = getattr(yaml, "CBaseLoader", yaml.BaseLoader)


class _Loader(_Base):  # type: ignore[valid-type,misc]
    """libyaml's composer with tag resolution switched off: medtrace reads no tags."""

    def resolve(self, kind: object, value: object, implicit: object) -> str:
        return ""

    def descend_resolver(self, current_node: object, current_index: object) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


_NULLS = frozenset({"", "~", "null", "Null", "NULL"})


class Nested:
    """Stands for a mapping, or a collection inside a collection: never a valid field value."""

    def __init__(self, what: str) -> None:
        self.what = what

    def __repr__(self) -> str:
        return self.what


# A front matter value: text, nothing, a list of (text or nothing or Nested), or Nested.
RawValue = str | list["str | Nested | None"] | Nested | None


@dataclass(frozen=True, slots=True)
class Entry:
    line: int  # 1-based line of the key in the file
    value: RawValue
    lines: tuple[int, ...]  # 1-based line of each list element (empty for scalars)


class YamlSyntaxError(ValueError):
    """libyaml rejected the text; ``line`` is 1-based within the file."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True, slots=True)
class FrontMatter:
    entries: dict[str, Entry]
    duplicates: tuple[tuple[str, int], ...]  # keys given again, with their lines
    bad_keys: tuple[tuple[str, int], ...]  # keys that are not plain text


def read_front_matter(text: str, first_line: int = 2) -> FrontMatter | None:
    """The top-level mapping of ``text``; ``None`` when the document is not a mapping.

    Raises :class:`YamlSyntaxError` for text libyaml cannot parse.
    """
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        # Where the construct began (an unclosed bracket or quote) is where to look.
        mark = error.context_mark or error.problem_mark
        line = mark.line + first_line if mark is not None else first_line
        reason = ", ".join(str(part) for part in (error.context, error.problem) if part)
        raise YamlSyntaxError(reason or "invalid YAML", line) from None
    except yaml.YAMLError as error:
        raise YamlSyntaxError(str(error).splitlines()[0], first_line) from None
    finally:
        loader.dispose()
    if not isinstance(root, yaml.MappingNode):
        return None
    entries: dict[str, Entry] = {}
    duplicates: list[tuple[str, int]] = []
    bad_keys: list[tuple[str, int]] = []
    for key_node, value_node in root.value:
        line = key_node.start_mark.line + first_line
        if not isinstance(key_node, yaml.ScalarNode):
            bad_keys.append((_describe(key_node), line))
        elif key_node.value in entries:
            duplicates.append((key_node.value, line))
        else:
            value, lines = _value(value_node, first_line)
            entries[key_node.value] = Entry(line=line, value=value, lines=lines)
    return FrontMatter(entries=entries, duplicates=tuple(duplicates), bad_keys=tuple(bad_keys))


def _value(node: yaml.Node, first_line: int) -> tuple[RawValue, tuple[int, ...]]:
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node), ()
    if isinstance(node, yaml.SequenceNode):
        elements: list[str | Nested | None] = []
        for child in node.value:
            is_scalar = isinstance(child, yaml.ScalarNode)
            elements.append(_scalar(child) if is_scalar else Nested(f"a {_describe(child)}"))
        return elements, tuple(child.start_mark.line + first_line for child in node.value)
    return Nested("a mapping"), ()


def _scalar(node: yaml.ScalarNode) -> str | None:
    value: str = node.value
    if node.style is None and value in _NULLS:
        return None
    return value


def _describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "mapping"
    if isinstance(node, yaml.SequenceNode):
        return "list"
    return repr(node.value)
