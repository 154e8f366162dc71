"""The risk management file of the document set (IEC 62304 clause 7 with ISO 14971).

Its sections: the acceptability criteria of the risk management plan (the severity
and probability scales of ``[risk]`` and the acceptability matrix, ISO 14971 4.4);
hazards; hazardous situations with their risk before and after control and the
matrices of how many fall in each cell; harms; risk controls and their verification;
the overall residual risk evaluation with the benefit-risk statement (ISO 14971 7.4,
8); and the risk management review (ISO 14971 9). What is missing is a gap.
"""

from __future__ import annotations

from medtrace.export.documents.content import Sources, blocks, field_text, ids, section
from medtrace.graph.risk import Matrix, RiskLevel
from medtrace.model import Item
from medtrace.model.config import RiskConfig
from medtrace.model.documents import Gap, Paragraph, Section, Table

EVALUATION = "risk-evaluation"
REVIEW = "risk-management-review"
REVIEW_CHECKS = (
    ("plan-carried-out", "the risk management plan was carried out"),
    ("overall-residual-risk-acceptable", "the overall residual risk is acceptable"),
    ("post-production-methods", "methods collect production and post-production information"),
)
LEGEND = "Risk: A acceptable, R reduce as far as practicable, U unacceptable, ? unknown."


def rmf(src: Sources) -> tuple[Section, ...]:
    graph = src.graph
    hazards = graph.of_kind("hazard")
    missing = () if hazards else (Gap(message="No hazard items (kind: hazard)", clause="4.2"),)
    return (
        criteria(src.risk.risk),
        section("Hazards", missing, blocks(graph, hazards)),
        _situations(src),
        section("Harms", blocks(graph, graph.of_kind("harm"))),
        _controls(src),
        overall_residual_risk(src),
        review(src),
    )


def _level_rows(levels: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    return tuple(
        (level.split()[0], " ".join(level.split()[1:]) or level.split()[0]) for level in levels
    )


def criteria(risk: RiskConfig) -> Section:
    """The scales and the acceptability matrix, worst severity first."""
    text = (
        "Risks are estimated on these scales and evaluated with this acceptability matrix "
        "(medtrace.toml, [risk]), the criteria of the risk management plan (ISO 14971 4.4)."
    )
    pairs = tuple(zip(risk.severity, risk.acceptability, strict=False))
    rows = tuple((severity, *letters) for severity, letters in reversed(pairs))
    return section(
        "Risk acceptability criteria",
        [Paragraph(text=text), Paragraph(text=LEGEND)],
        [
            Table(headers=("Severity", "Meaning"), rows=_level_rows(risk.severity),
                  caption="Severity scale, mildest first"),
            Table(headers=("Probability", "Meaning"), rows=_level_rows(risk.probability),
                  caption="Probability scale, least likely first"),
            Table(headers=("Severity \\ probability", *(p.split()[0] for p in risk.probability)),
                  rows=rows, caption="Acceptability matrix"),
        ],
    )  # fmt: skip


def count_table(matrix: Matrix, *, after: bool) -> Table:
    """How many situations fall in each cell, worst severity first (``U 3``)."""
    rows = tuple(
        (
            matrix.severity[row],
            *(
                f"{matrix.letters[row][column]} {count}" if count else matrix.letters[row][column]
                for column, count in enumerate(matrix.counts[row])
            ),
        )
        for row in reversed(range(len(matrix.severity)))
    )
    unknown = f"; {matrix.unknown} with an unknown level" if matrix.unknown else ""
    when = "after" if after else "before"
    return Table(
        headers=("Severity \\ probability", *(p.split()[0] for p in matrix.probability)),
        rows=rows,
        caption=f"Hazardous situations per cell {when} risk control{unknown}",
    )


def _situations(src: Sources) -> Section:
    graph = src.graph
    risk = src.risk
    situation_rows = tuple(
        (
            s.situation.id,
            ids(s.hazards),
            ", ".join(h.item.id for h in s.harms),
            f"{s.severity.short}/{s.probability.short} {s.before.value}",
            ids(c.control for c in s.controls),
            f"{s.residual_severity.short}/{s.residual_probability.short} {s.after.value}",
            s.residual.value,
        )
        for s in risk.situations
    )
    open_gaps = [
        Gap(
            message=f"{s.situation.id}: {'; '.join(s.open)}",
            clause="7.3.1" if s.controls else "7.2.1",
        )
        for s in risk.situations
        if s.open
    ]
    headers = ("Situation", "Hazards", "Harms", "Before (S/P risk)", "Controls",
               "After (S/P risk)", "Residual")  # fmt: skip
    matrices = (
        [count_table(risk.matrix(after=False), after=False),
         count_table(risk.matrix(after=True), after=True)]
        if risk.situations
        else []
    )  # fmt: skip
    return section(
        "Hazardous situations and risk estimation",
        [Paragraph(text=LEGEND)],
        [Table(headers=headers, rows=situation_rows)] if situation_rows else [],
        matrices,
        open_gaps,
        blocks(graph, graph.of_kind("hazardous-situation")),
    )


def _controls(src: Sources) -> Section:
    graph = src.graph
    risk = src.risk
    control_rows = tuple(
        (
            c.control.id,
            c.control.title,
            field_text(c.control, "implemented-in", "software"),
            ids(link.requirement for link in c.links),
            c.status.value,
        )
        for c in risk.controls
    )
    introduced = tuple((i.control.id, i.item.id, ", ".join(i.situations)) for i in risk.introduced)
    headers = ("Control", "Title", "Implemented in", "Requirements", "Verification")
    return section(
        "Risk control measures and their verification",
        [Table(headers=headers, rows=control_rows)] if control_rows else [],
        [
            Table(
                headers=("Control", "Introduces", "Situations"),
                rows=introduced,
                caption="Risks introduced by risk controls",
            )
        ]
        if introduced
        else [],
        blocks(graph, graph.of_kind("risk-control")),
    )


def overall_residual_risk(src: Sources) -> Section:
    """The residual risks after control, the evaluation records, and what they lack."""
    graph = src.graph
    evaluations = graph.of_kind(EVALUATION)
    after = [s.after for s in src.risk.situations]
    counts = ", ".join(
        f"{sum(1 for level in after if level is member)} {member.label}" for member in RiskLevel
    )
    summary = f"Residual risk of the {len(after)} hazardous situations after control: {counts}."
    not_acceptable = any(level is not RiskLevel.ACCEPTABLE for level in after)
    gaps: list[Gap] = []
    if not evaluations:
        gaps.append(
            Gap(message="No overall residual risk evaluation (kind: risk-evaluation; "
                "ISO 14971 clause 8)")
        )  # fmt: skip
    for item in evaluations:
        gaps += _evaluation_gaps(item, not_acceptable)
    rows = tuple(
        (
            e.id,
            field_text(e, "overall-residual-risk", "not stated"),
            "yes" if field_text(e, "benefit-risk") else "no",
            field_text(e, "evaluated-by"),
            field_text(e, "date"),
        )
        for e in evaluations
    )
    headers = ("Evaluation", "Overall residual risk", "Benefit-risk statement", "By", "Date")
    return section(
        "Overall residual risk and benefit-risk",
        [Paragraph(text=summary)],
        [Table(headers=headers, rows=rows)] if rows else [],
        gaps,
        blocks(graph, evaluations),
    )


def _evaluation_gaps(item: Item, not_acceptable: bool) -> list[Gap]:
    gaps = []
    if not field_text(item, "overall-residual-risk"):
        gaps.append(Gap(message=f"{item.id}: no overall-residual-risk conclusion "
                        "(ISO 14971 clause 8)"))  # fmt: skip
    conclusion = field_text(item, "overall-residual-risk")
    needs_statement = not_acceptable or conclusion == "not-acceptable"
    if needs_statement and not field_text(item, "benefit-risk"):
        gaps.append(
            Gap(message=f"{item.id}: a residual risk is not acceptable on its own but there is "
                "no benefit-risk statement (benefit-risk; ISO 14971 7.4, 8)")
        )  # fmt: skip
    return gaps


def review(src: Sources) -> Section:
    """The risk management review records (ISO 14971 9) and the checks they leave open."""
    graph = src.graph
    reviews = graph.of_kind(REVIEW)
    gaps: list[Gap] = []
    if not reviews:
        gaps.append(Gap(message="No risk management review before release (kind: "
                        "risk-management-review; ISO 14971 clause 9)"))  # fmt: skip
    rows = []
    for item in reviews:
        answers = [field_text(item, name, "not stated") for name, _ in REVIEW_CHECKS]
        rows.append((item.id, *answers, field_text(item, "reviewed-by"), field_text(item, "date")))
        unmet = [text for (name, text), answer in zip(REVIEW_CHECKS, answers, strict=True)
                 if answer != "yes"]  # fmt: skip
        if unmet:
            gaps.append(Gap(message=f"{item.id} does not confirm that {'; '.join(unmet)} "
                            "(ISO 14971 9)"))  # fmt: skip
    headers = ("Review", "Plan carried out", "Overall residual risk acceptable",
               "Post-production methods", "Reviewed by", "Date")  # fmt: skip
    return section(
        "Risk management review",
        [Table(headers=headers, rows=tuple(rows))] if rows else [],
        gaps,
        blocks(graph, reviews),
    )


__all__ = ["count_table", "criteria", "overall_residual_risk", "review", "rmf"]
