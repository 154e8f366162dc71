"""The risk management file as a terminal report, JSON and a standalone HTML page.

Each shows the hazardous situations with their risk before and after control,
the acceptability matrix with the number of situations per cell before and
after, and the open risks; JSON and HTML also show each risk control's
verification chain (hazard, situation, control, requirement, test, result).
Every renderer is deterministic: situations and controls by id.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from medtrace.graph.risk import (
    ChainStatus,
    ControlChain,
    Level,
    Matrix,
    Residual,
    RiskFile,
    RiskLevel,
    SituationRisk,
)
from medtrace.graph.verification import Evidence, RequirementStatus
from medtrace.model.results import Outcome

if TYPE_CHECKING:
    from rich.console import Console

_LETTER_STYLE = {"A": "green", "R": "yellow", "U": "bold red", "?": "bold magenta"}
_CHAIN_STYLE = {
    ChainStatus.VERIFIED: "green",
    ChainStatus.OUTSIDE: "cyan",
    ChainStatus.FAILED: "bold red",
    ChainStatus.NOT_RUN: "yellow",
    ChainStatus.NOT_VERIFIED: "bold red",
}


def _risk(severity: Level, probability: Level, level: RiskLevel) -> str:
    """``S5 P3 U``: the levels' ids and the matrix letter."""
    return f"{severity.short} {probability.short} {level.value}"


def _outcome(evidence: Evidence) -> str:
    return evidence.outcome.value if evidence.outcome is not None else "no result"


def risk_summary(risk_file: RiskFile) -> str:
    """``17 situations, 2 open; residual risk 8 A, 9 R, 0 U`` (and how many unknown)."""
    after = dict.fromkeys(RiskLevel, 0)
    for entry in risk_file.situations:
        after[entry.after] += 1
    counts = ", ".join(f"{after[level]} {level.value}" for level in RiskLevel if level.value != "?")
    unknown = f", {after[RiskLevel.UNKNOWN]} unknown" if after[RiskLevel.UNKNOWN] else ""
    return (
        f"{len(risk_file.situations)} situations, {len(risk_file.open)} open; "
        f"residual risk {counts}{unknown}"
    )


# -- text ------------------------------------------------------------------------------------


def risk_table(risk_file: RiskFile, console: Console) -> None:
    """The hazard table, the matrix before and after control, and the open risks."""
    from rich.table import Table
    from rich.text import Text

    def letter(entry: str, level: RiskLevel) -> Text:
        text = Text(entry[:-1])
        text.append(level.value, style=_LETTER_STYLE[level.value])
        return text

    table = Table(box=None, header_style="bold", pad_edge=False, title_justify="left")
    table.add_column("Situation", no_wrap=True)
    table.add_column("Hazard", overflow="fold")
    table.add_column("Before", no_wrap=True)
    table.add_column("Controls", overflow="fold", ratio=1)
    table.add_column("After", no_wrap=True)
    table.add_column("Residual", no_wrap=True)
    for entry in risk_file.situations:
        controls = Text()
        for index, chain in enumerate(entry.controls):
            if index:
                controls.append(" ")
            style = None if chain.verified else _CHAIN_STYLE[chain.status]
            controls.append(chain.control.id, style=style)
        residual = entry.residual.value
        table.add_row(
            entry.situation.id,
            " ".join(h.id for h in entry.hazards) or "-",
            letter(_risk(entry.severity, entry.probability, entry.before), entry.before),
            controls if entry.controls else Text("none", style="bold red"),
            letter(
                _risk(entry.residual_severity, entry.residual_probability, entry.after),
                entry.after,
            ),
            Text(residual, style="green" if entry.residual is Residual.VERIFIED else "bold red"),
        )
    console.print(table)
    for after in (False, True):
        console.print()
        _matrix_table(risk_file.matrix(after=after), after, console)
    console.print()
    _open_text(risk_file, console)


def _matrix_table(matrix: Matrix, after: bool, console: Console) -> None:
    from rich.table import Table
    from rich.text import Text

    when = "after" if after else "before"
    table = Table(
        title=f"Situations per cell {when} risk control",
        title_justify="left",
        title_style="bold",
        header_style="bold",
        pad_edge=False,
        show_edge=False,
    )
    table.add_column("Severity \\ Probability", no_wrap=True)
    for level in matrix.probability:
        table.add_column(level.split()[0], justify="center", no_wrap=True)
    for row in reversed(range(len(matrix.severity))):
        cells = []
        for column, count in enumerate(matrix.counts[row]):
            mark = matrix.letters[row][column]
            cells.append(Text(f"{mark} {count or '·'}", style=_LETTER_STYLE[mark]))
        table.add_row(matrix.severity[row], *cells)
    console.print(table)
    names = "  ".join(matrix.probability)
    unknown = f"; {matrix.unknown} with an unknown level" if matrix.unknown else ""
    console.print(Text(f"{names}{unknown}", style="dim"), overflow="fold")


def _open_text(risk_file: RiskFile, console: Console) -> None:
    from rich.text import Text

    if not risk_file.open:
        console.print(Text("Open risks: none", style="bold green"))
        return
    console.print(Text(f"Open risks ({len(risk_file.open)})", style="bold"))
    for entry in risk_file.open:
        line = Text(f"  {entry.situation.id} ", style="bold")
        line.append("; ".join(entry.open))
        console.print(line, overflow="fold")


# -- JSON ------------------------------------------------------------------------------------


def _level(level: Level) -> dict[str, Any]:
    return {"value": level.value or None, "level": level.level}


def _evidence(evidence: Evidence) -> dict[str, Any]:
    return {
        "test": evidence.test,
        "outcome": evidence.outcome.value if evidence.outcome else None,
        "revision": evidence.revision,
        "date": evidence.date,
        "manual": evidence.manual,
        "record": evidence.record or None,
    }


def _chain(chain: ControlChain) -> dict[str, Any]:
    return {
        "id": chain.control.id,
        "title": chain.control.title,
        "control-type": chain.control.field("control-type"),
        "implemented-in": chain.control.field("implemented-in") or "software",
        "status": chain.status.value,
        "introduces": [item.id for item in chain.introduces],
        "verified-through": [
            {
                "id": link.requirement.id,
                "kind": link.requirement.kind,
                "status": link.status.value,
                "tests": sorted(
                    (_evidence(e) for e in link.evidence), key=lambda e: str(e["test"])
                ),
            }
            for link in sorted(chain.links, key=lambda link: link.requirement.id)
        ],
    }


def _situation(entry: SituationRisk) -> dict[str, Any]:
    return {
        "id": entry.situation.id,
        "title": entry.situation.title,
        "hazards": [hazard.id for hazard in entry.hazards],
        "harms": [
            {"id": harm.item.id, "title": harm.item.title, "severity": _level(harm.severity)}
            for harm in entry.harms
        ],
        "before": {
            "severity": _level(entry.severity),
            "probability": _level(entry.probability),
            "risk": entry.before.value,
        },
        "after": {
            "severity": _level(entry.residual_severity),
            "probability": _level(entry.residual_probability),
            "risk": entry.after.value,
        },
        "controls": sorted(chain.control.id for chain in entry.controls),
        "residual": entry.residual.value,
        "introduced-by": list(entry.introduced_by),
        "open": list(entry.open),
    }


def _matrix(matrix: Matrix) -> dict[str, Any]:
    return {"counts": [list(row) for row in matrix.counts], "unknown": matrix.unknown}


def risk_json(project: str, revision: str | None, risk_file: RiskFile) -> str:
    scales = risk_file.risk
    document = {
        "project": project,
        "revision": revision,
        "scales": {
            "severity": list(scales.severity),
            "probability": list(scales.probability),
            "acceptability": list(scales.acceptability),
        },
        "summary": {
            "situations": len(risk_file.situations),
            "open": len(risk_file.open),
            "after": {
                level.value: sum(1 for s in risk_file.situations if s.after is level)
                for level in RiskLevel
            },
        },
        "situations": [_situation(entry) for entry in risk_file.situations],
        "controls": [_chain(chain) for chain in risk_file.controls],
        "introduced": [
            {"control": i.control.id, "item": i.item.id, "situations": list(i.situations)}
            for i in sorted(risk_file.introduced, key=lambda i: (i.control.id, i.item.id))
        ],
        "matrix": {
            "before": _matrix(risk_file.matrix(after=False)),
            "after": _matrix(risk_file.matrix(after=True)),
        },
        "open": [entry.situation.id for entry in risk_file.open],
    }
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


# -- HTML ------------------------------------------------------------------------------------

_CSS = (
    "body{font-family:system-ui,sans-serif;margin:2rem;color:#1f2937}"
    "table{border-collapse:collapse;width:100%;margin-bottom:1.5rem}"
    "th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}"
    "th{background:#f4f4f4}a,.nw{white-space:nowrap}a{color:#1d4ed8;text-decoration:none}a:hover{text-decoration:underline}"
    ".risk{font-weight:bold;padding:0 .3rem;border-radius:3px}"
    ".A{background:#bbf7d0;color:#14532d}.R{background:#fde68a;color:#78350f}"
    ".U{background:#fecaca;color:#7f1d1d}.unknown{background:#e9d5ff;color:#581c87}"
    ".verified{color:#166534}.failed,.not-verified,.unverified{color:#b91c1c;font-weight:bold}"
    ".not-run{color:#a16207}.verified-outside-software{color:#0e7490}small{color:#555}"
    ".grids{display:flex;gap:2rem;flex-wrap:wrap}.grid{width:auto}"
    ".grid th,.grid td{padding:.25rem .4rem}"
    ".grid td.cell{text-align:center;min-width:3rem;border:2px solid #fff;"
    "vertical-align:middle}.grid td.cell b{font-size:1.3rem;display:block}"
    ".grid td.cell small{color:inherit}.grid th{text-align:center;font-weight:600}"
    ".grid th.sev{text-align:right;vertical-align:middle}"
    "li{margin:.2rem 0}"
)


class _Anchors:
    """Links every id mention to its anchor; each id gets its anchor once."""

    def __init__(self) -> None:
        self.placed: set[str] = set()

    def anchor(self, item_id: str, text: str | None = None) -> str:
        """The first mention of ``item_id`` as the target, later ones as links."""
        if item_id in self.placed:
            return link(item_id, text)
        self.placed.add(item_id)
        shown = html.escape(text if text is not None else item_id)
        return f'<span id="{html.escape(item_id)}">{shown}</span>'


def link(item_id: str, text: str | None = None) -> str:
    shown = html.escape(text if text is not None else item_id)
    return f'<a href="#{html.escape(item_id)}">{shown}</a>'


def _badge(severity: Level, probability: Level, level: RiskLevel) -> str:
    css = "unknown" if level is RiskLevel.UNKNOWN else level.value
    return (
        f'<span class="nw">{html.escape(severity.short)} {html.escape(probability.short)} '
        f'<span class="risk {css}" title="{html.escape(level.label)}">{level.value}</span></span>'
    )


def _css(value: str) -> str:
    return value.replace(" ", "-")


def _situation_rows(risk_file: RiskFile, anchors: _Anchors) -> Iterator[str]:
    for entry in risk_file.situations:
        harms = "<br>".join(
            f'{link(h.item.id)} <small title="{html.escape(h.severity.label)}">'
            f"{html.escape(h.severity.short)}</small>"
            for h in entry.harms
        )
        controls = ", ".join(link(chain.control.id) for chain in entry.controls)
        yield (
            f"<tr><td>{anchors.anchor(entry.situation.id)}</td>"
            f"<td>{html.escape(entry.situation.title)}{_introduced(entry)}</td>"
            f"<td>{', '.join(link(h.id) for h in entry.hazards) or '-'}</td>"
            f"<td>{harms or '-'}</td>"
            f"<td>{_badge(entry.severity, entry.probability, entry.before)}</td>"
            f"<td>{controls or '<b>none</b>'}</td>"
            f"<td>{_badge(entry.residual_severity, entry.residual_probability, entry.after)}</td>"
            f'<td class="{entry.residual.value}">{entry.residual.value}</td></tr>'
        )


def _introduced(entry: SituationRisk) -> str:
    if not entry.introduced_by:
        return ""
    return f"<br><small>introduced by {', '.join(link(c) for c in entry.introduced_by)}</small>"


def _two_lines(level: str) -> str:
    """``P3<br><small>occasional</small>``: a level's id over its name."""
    head, _, name = level.partition(" ")
    if not name:
        return html.escape(head)
    return f"{html.escape(head)}<br><small>{html.escape(name)}</small>"


def _grid(matrix: Matrix, after: bool) -> str:
    head = "".join(f"<th>{_two_lines(level)}</th>" for level in matrix.probability)
    rows = []
    for row in reversed(range(len(matrix.severity))):
        cells = []
        for column, count in enumerate(matrix.counts[row]):
            mark = matrix.letters[row][column]
            label = RiskLevel(mark).label if mark in "ARU" else mark
            cells.append(
                f'<td class="cell {mark}" title="{html.escape(label)}">'
                f"<b>{count or '·'}</b><small>{mark}</small></td>"
            )
        rows.append(f'<tr><th class="sev">{_two_lines(matrix.severity[row])}</th>{"".join(cells)}')
    when = "After risk control" if after else "Before risk control"
    unknown = (
        f"<p>{matrix.unknown} situation(s) with an unknown level</p>" if matrix.unknown else ""
    )
    return (
        f'<div><h3>{when}</h3><table class="grid"><thead><tr><th><small>Severity \\<br>'
        f"Probability</small></th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        f"{unknown}</div>"
    )


# A cell of the chain table: the ids it shows (compared with the row above) and how.
_Cell = tuple[tuple[str, ...], str]


def _chain_rows(risk_file: RiskFile, anchors: _Anchors) -> Iterator[str]:
    """One row per hazard, situation, control, requirement, test and result; a cell is
    left empty where it repeats the row above."""
    previous: list[tuple[str, ...]] = []
    for path in _paths(risk_file):
        keys = [ids for ids, _ in path[:5]]
        cells = []
        for index, (ids, how) in enumerate(path[:5]):
            if keys[: index + 1] == previous[: index + 1] or not ids:
                cells.append("<td></td>")
            elif how == "anchor":
                cells.append(f"<td>{anchors.anchor(ids[0])}</td>")
            elif how == "direct":
                cells.append(f"<td>{link(ids[0])} <small>(tested directly)</small></td>")
            else:
                cells.append(f"<td>{', '.join(link(i) for i in ids)}</td>")
        (status,), shown = path[5]
        cells.append(f'<td class="{_css(status)}">{shown}</td>')
        previous = keys
        yield f"<tr>{''.join(cells)}</tr>"


def _paths(risk_file: RiskFile) -> Iterator[tuple[_Cell, ...]]:
    for entry in risk_file.situations:
        hazards = tuple(hazard.id for hazard in entry.hazards)
        situation: tuple[_Cell, ...] = ((hazards, "links"), ((entry.situation.id,), "links"))
        none: _Cell = ((), "")
        if not entry.controls:
            yield (*situation, none, none, none, (("not verified",), "no risk control"))
        for chain in entry.controls:
            head = (*situation, ((chain.control.id,), "links"))
            if not chain.links:
                status = chain.status.value
                yield (*head, none, none, ((status,), html.escape(status)))
            for requirement in chain.links:
                yield from _evidence_paths(head, requirement)


def _evidence_paths(
    head: tuple[_Cell, ...], requirement: RequirementStatus
) -> Iterator[tuple[_Cell, ...]]:
    # The control itself, when tests verify it directly, is linked to its row above.
    direct = requirement.requirement.id == head[2][0][0]
    item: _Cell = ((requirement.requirement.id,), "direct" if direct else "anchor")
    if not requirement.evidence:
        yield (*head, item, ((), ""), (("not verified",), "no test"))
    for evidence in requirement.evidence:
        outcome = _outcome(evidence)
        when = " ".join(p for p in (evidence.record, evidence.revision, evidence.date[:10]) if p)
        shown = html.escape(outcome) + (f" <small>({html.escape(when)})</small>" if when else "")
        status = "verified" if evidence.outcome is Outcome.PASSED else "failed"
        if evidence.outcome in (None, Outcome.SKIPPED):
            status = "not run"
        yield (*head, item, ((evidence.test,), "anchor"), ((status,), shown))


def _controls_rows(risk_file: RiskFile, anchors: _Anchors) -> Iterator[str]:
    for chain in risk_file.controls:
        control = chain.control
        introduces = ", ".join(link(item.id) for item in chain.introduces)
        yield (
            f"<tr><td>{anchors.anchor(control.id)}</td><td>{html.escape(control.title)}</td>"
            f"<td>{html.escape(str(control.field('control-type') or '-'))}</td>"
            f"<td>{html.escape(str(control.field('implemented-in') or 'software'))}</td>"
            f'<td class="{_css(chain.status.value)}">{html.escape(chain.status.value)}</td>'
            f"<td>{introduces or '-'}</td></tr>"
        )


def _open_items(risk_file: RiskFile) -> str:
    if not risk_file.open:
        return (
            '<p class="verified">None: every residual risk is known, not unacceptable, '
            "and verified.</p>"
        )
    items = "".join(
        f"<li>{link(entry.situation.id)} {html.escape(entry.situation.title)}: "
        f"{html.escape('; '.join(entry.open))}</li>"
        for entry in risk_file.open
    )
    return f"<ul>{items}</ul>"


def _index(risk_file: RiskFile, anchors: _Anchors) -> str:
    """Hazards and harms with their titles: the anchors of their ids."""
    harms = {h.item.id: h for entry in risk_file.situations for h in entry.harms}
    hazard_rows = "".join(
        f"<tr><td>{anchors.anchor(h.id)}</td><td>{html.escape(h.title)}</td></tr>"
        for h in risk_file.hazards
    )
    harm_rows = "".join(
        f"<tr><td>{anchors.anchor(key)}</td><td>{html.escape(harms[key].item.title)}</td>"
        f"<td>{html.escape(harms[key].severity.label)}</td></tr>"
        for key in sorted(harms)
    )
    return (
        "<h2>Hazards</h2><table><thead><tr><th>Hazard</th><th>Title</th></tr></thead>"
        f"<tbody>{hazard_rows}</tbody></table>"
        "<h2>Harms</h2><table><thead><tr><th>Harm</th><th>Title</th><th>Severity</th></tr>"
        f"</thead><tbody>{harm_rows}</tbody></table>"
    )


def _table(headers: Sequence[str], rows: Iterator[str]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    return (
        f"<table><thead><tr>{head}</tr></thead><tbody>\n" + "\n".join(rows) + "\n</tbody></table>"
    )


def risk_html(project: str, revision: str | None, risk_file: RiskFile) -> str:
    esc = html.escape
    anchors = _Anchors()
    at = f" at {esc(revision)}" if revision else " (latest results)"
    situations = _table(
        ("Situation", "Title", "Hazards", "Harms", "Before", "Controls", "After", "Residual"),
        _situation_rows(risk_file, anchors),
    )
    controls = _table(
        ("Control", "Title", "Type", "Implemented in", "Verification", "Introduces"),
        _controls_rows(risk_file, anchors),
    )
    index = _index(risk_file, anchors)
    chains = _table(
        ("Hazard", "Situation", "Control", "Requirement", "Test", "Result"),
        _chain_rows(risk_file, anchors),
    )
    grids = _grid(risk_file.matrix(after=False), False) + _grid(risk_file.matrix(after=True), True)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Risk management file: {esc(project)}</title><style>{_CSS}</style></head><body>"
        f"<h1>Risk management file</h1><p>{esc(project)}{at}: {esc(risk_summary(risk_file))}</p>"
        f"<h2>Open risks</h2>{_open_items(risk_file)}"
        f"<h2>Hazardous situations</h2>{situations}"
        f'<h2>Risk matrix</h2><div class="grids">{grids}</div>'
        f"<h2>Risk controls</h2>{controls}"
        f"<h2>Verification of risk controls</h2>{chains}"
        f"{index}</body></html>\n"
    )
