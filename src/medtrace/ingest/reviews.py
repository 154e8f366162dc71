"""Parse ``medtrace-reviews.yaml``: the review stamps ``medtrace review`` appends."""

from __future__ import annotations

import yaml

from medtrace.model import Finding, Severity, SourceLocation
from medtrace.model.review import REVIEWS_FILE, Review

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_reviews(
    data: bytes, path: str = REVIEWS_FILE
) -> tuple[tuple[Review, ...], tuple[Finding, ...]]:
    """Reviews in file order, and a finding for each entry that cannot be read."""
    try:
        loaded = yaml.compose(data.decode("utf-8-sig"), Loader=_Loader)
    except (UnicodeDecodeError, yaml.YAMLError) as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        reason = str(getattr(error, "problem", None) or error).splitlines()[0]
        return (), (_finding(path, line, f"cannot be read: {reason}"),)
    if loaded is None:
        return (), ()
    if not isinstance(loaded, yaml.SequenceNode):
        return (), (_finding(path, 1, "must be a list of reviews"),)
    reviews: list[Review] = []
    findings: list[Finding] = []
    for node in loaded.value:
        line = node.start_mark.line + 1
        review = _review(node, path, line)
        if review is None:
            findings.append(_finding(path, line, "a review needs item, by, date and links"))
        else:
            reviews.append(review)
    return tuple(reviews), tuple(findings)


def _review(node: yaml.Node, path: str, line: int) -> Review | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    fields: dict[str, yaml.Node] = {
        key.value: value for key, value in node.value if isinstance(key, yaml.ScalarNode)
    }
    item, by, date = (_text(fields.get(name)) for name in ("item", "by", "date"))
    if item is None or by is None or date is None:
        return None
    seen = fields.get("links")
    if not isinstance(seen, yaml.MappingNode):
        return None
    pairs = []
    for key, value in seen.value:
        if not isinstance(key, yaml.ScalarNode) or not isinstance(value, yaml.ScalarNode):
            return None
        pairs.append((str(key.value), str(value.value)))
    return Review(
        item=item,
        by=by,
        date=date,
        seen=tuple(sorted(pairs)),
        source=SourceLocation(path=path, line=line),
        commit=_text(fields.get("commit")) or "",
        reason=_text(fields.get("reason")) or "",
    )


def _text(node: yaml.Node | None) -> str | None:
    return str(node.value) if isinstance(node, yaml.ScalarNode) and node.value else None


def _finding(path: str, line: int, message: str) -> Finding:
    return Finding(
        code="file/reviews-invalid",
        severity=Severity.ERROR,
        message=message,
        location=SourceLocation(path=path, line=line),
    )
