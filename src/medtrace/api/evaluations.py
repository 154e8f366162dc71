"""Import a performance evaluation's metrics into its item (``medtrace results import``
given medtrace's evaluation JSON).

The metrics are bound as test results are: to the model version and its artefact (the
file's ``artefact-hash`` must be the model's), and to the commit the revision names now
(resolved when imported, never later). The command writes the evaluation item's
``model-version``, ``metrics``, ``subgroup-results``, ``commit`` and ``date`` and nothing
else of it, under the project lock and atomically; ``outcome`` stays the person's.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from medtrace.api.load import load_project
from medtrace.api.writing import OnWait, project_writer
from medtrace.errors import ProjectError
from medtrace.export.front_matter import set_front_matter, yaml_quoted
from medtrace.ingest.evaluation import EvaluationReport, is_evaluation, parse_evaluation
from medtrace.model import Item
from medtrace.store.files import write_atomic
from medtrace.store.git import GitError, GitRepository

__all__ = ["import_evaluation", "is_evaluation"]


def import_evaluation(
    start: Path, report: Path, *, revision: str, now: dt.datetime, on_wait: OnWait | None = None
) -> tuple[EvaluationReport, Path]:
    """Write ``report``'s metrics into its performance evaluation; returns it and the file."""
    try:
        data = report.read_bytes()
    except OSError as error:
        raise ProjectError(f"{report}: cannot be read ({error.strerror})") from None
    parsed, findings = parse_evaluation(data, str(report))
    if parsed is None:
        raise ProjectError(f"{findings[0].location}: {findings[0].message}; nothing was imported")
    with project_writer(start, on_wait=on_wait) as root:
        items = {item.id: item for item in load_project(root).items}
        evaluation = _checked(items, parsed, report)
        commit = _commit(root, revision)
        path = root / evaluation.source.path
        text = path.read_text("utf-8")
        values = {
            "model-version": yaml_quoted(parsed.model_version),
            "metrics": _flow([str(m) for m in parsed.metrics if m.subgroup is None]),
            "subgroup-results": _flow([str(m) for m in parsed.metrics if m.subgroup]),
            "commit": yaml_quoted(commit),
            "date": now.astimezone(dt.UTC).date().isoformat(),
        }
        write_atomic(path, set_front_matter(text, values).encode("utf-8"))
        return parsed, path


def _flow(entries: list[str]) -> str:
    return json.dumps(entries, ensure_ascii=False)  # a YAML flow list


def _checked(items: dict[str, Item], parsed: EvaluationReport, report: Path) -> Item:
    evaluation = items.get(parsed.evaluation)
    if evaluation is None or evaluation.kind != "performance-evaluation":
        raise ProjectError(f"{report}: {parsed.evaluation} is not a performance-evaluation")
    model = items.get(parsed.model)
    if model is None or model.kind != "ml-model":
        raise ProjectError(f"{report}: {parsed.model} is not an ml-model")
    if parsed.model not in evaluation.targets("evaluates-model"):
        raise ProjectError(f"{report}: {evaluation.id} does not evaluate {parsed.model}")
    shipped = str(model.field("artefact-hash") or "")
    if parsed.artefact_hash and parsed.artefact_hash != shipped:
        raise ProjectError(
            f"{report}: the metrics are of artefact {parsed.artefact_hash}, but {model.id} "
            f"ships {shipped or 'no artefact-hash'}; nothing was imported"
        )
    tested = set(evaluation.targets("tested-on"))
    other = [d for d in parsed.test_data if d not in tested]
    if other:
        raise ProjectError(f"{report}: {evaluation.id} is not tested on {', '.join(other)}")
    return evaluation


def _commit(root: Path, revision: str) -> str:
    label = revision.strip()
    if not label:
        raise ProjectError("--revision needs the software version or git revision evaluated")
    try:
        repository = GitRepository.containing(root)
    except GitError:
        return label  # not under git: a version label
    try:
        return repository.rev_parse(label)
    except GitError:
        raise ProjectError(f"--revision {label!r} is not a revision of the repository") from None
