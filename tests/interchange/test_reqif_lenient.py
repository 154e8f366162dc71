"""Issue 19: real ReqIF exports import whole, each deviation reported; --strict refuses.

DOORS and ReqIF Studio exports of one module name objects of other modules in their
relations and hierarchy; Polarion marks headings; a file may hold several
specifications. Lenient (the default): what is there is imported, a relation to an
object the file does not hold is a link ``check`` reports as dangling, and every
deviation is a warning naming the file and line. ``strict``: refused, nothing written.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.interchange.test_reqif_read import DANGLING, corpus, xml_documents

from medtrace.api import check_project, load_project
from medtrace.api.migrate import import_reqif
from medtrace.errors import MedtraceError
from medtrace.interchange.reqif.read import parse_reqif
from medtrace.model import Severity

HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<REQ-IF xmlns="http://www.omg.org/spec/ReqIF/20110401/reqif.xsd">
<THE-HEADER><REQ-IF-HEADER IDENTIFIER="h"><TITLE>T</TITLE></REQ-IF-HEADER></THE-HEADER>
<CORE-CONTENT><REQ-IF-CONTENT>
<DATATYPES><DATATYPE-DEFINITION-STRING IDENTIFIER="str" LONG-NAME="T" MAX-LENGTH="200"/>
</DATATYPES>
<SPEC-TYPES>
{types}
<SPEC-RELATION-TYPE IDENTIFIER="rel" LONG-NAME="derived-from"/>
</SPEC-TYPES>
<SPEC-OBJECTS>
{objects}
</SPEC-OBJECTS>
<SPEC-RELATIONS>
{relations}
</SPEC-RELATIONS>
<SPECIFICATIONS>
{specifications}
</SPECIFICATIONS>
</REQ-IF-CONTENT></CORE-CONTENT></REQ-IF>
"""
TYPE = """<SPEC-OBJECT-TYPE IDENTIFIER="{id}" LONG-NAME="{name}"><SPEC-ATTRIBUTES>
<ATTRIBUTE-DEFINITION-STRING IDENTIFIER="{id}-name" LONG-NAME="ReqIF.Name">
<TYPE><DATATYPE-DEFINITION-STRING-REF>str</DATATYPE-DEFINITION-STRING-REF></TYPE>
</ATTRIBUTE-DEFINITION-STRING>
<ATTRIBUTE-DEFINITION-STRING IDENTIFIER="{id}-fid" LONG-NAME="ReqIF.ForeignID">
<TYPE><DATATYPE-DEFINITION-STRING-REF>str</DATATYPE-DEFINITION-STRING-REF></TYPE>
</ATTRIBUTE-DEFINITION-STRING>
</SPEC-ATTRIBUTES></SPEC-OBJECT-TYPE>"""
OBJECT = """<SPEC-OBJECT IDENTIFIER="{id}" LAST-CHANGE="2025-01-01T00:00:00Z"><VALUES>
<ATTRIBUTE-VALUE-STRING THE-VALUE="{title}"><DEFINITION>
<ATTRIBUTE-DEFINITION-STRING-REF>{type}-name</ATTRIBUTE-DEFINITION-STRING-REF></DEFINITION>
</ATTRIBUTE-VALUE-STRING>
<ATTRIBUTE-VALUE-STRING THE-VALUE="{id}"><DEFINITION>
<ATTRIBUTE-DEFINITION-STRING-REF>{type}-fid</ATTRIBUTE-DEFINITION-STRING-REF></DEFINITION>
</ATTRIBUTE-VALUE-STRING>
</VALUES><TYPE><SPEC-OBJECT-TYPE-REF>{type}</SPEC-OBJECT-TYPE-REF></TYPE></SPEC-OBJECT>"""
RELATION = """<SPEC-RELATION IDENTIFIER="{id}" LAST-CHANGE="2025-01-01T00:00:00Z">
<SOURCE><SPEC-OBJECT-REF>{source}</SPEC-OBJECT-REF></SOURCE>
<TARGET><SPEC-OBJECT-REF>{target}</SPEC-OBJECT-REF></TARGET>
<TYPE><SPEC-RELATION-TYPE-REF>rel</SPEC-RELATION-TYPE-REF></TYPE></SPEC-RELATION>"""


def _node(obj: str, *children: str) -> str:
    below = f"<CHILDREN>{''.join(children)}</CHILDREN>" if children else ""
    return (
        f'<SPEC-HIERARCHY IDENTIFIER="h-{obj}" LAST-CHANGE="2025-01-01T00:00:00Z">'
        f"<OBJECT><SPEC-OBJECT-REF>{obj}</SPEC-OBJECT-REF></OBJECT>{below}</SPEC-HIERARCHY>"
    )


def _specification(name: str, *nodes: str) -> str:
    return (
        f'<SPECIFICATION IDENTIFIER="s-{name}" LONG-NAME="{name}" '
        f'LAST-CHANGE="2025-01-01T00:00:00Z"><CHILDREN>{"".join(nodes)}</CHILDREN>'
        "</SPECIFICATION>"
    )


def _reqif(
    objects: list[tuple[str, str, str]],
    relations: list[tuple[str, str, str]] = (),  # type: ignore[assignment]
    specifications: list[str] = (),  # type: ignore[assignment]
    types: tuple[tuple[str, str], ...] = (("req", "software-requirement"),),
) -> bytes:
    return HEADER.format(
        types="\n".join(TYPE.format(id=i, name=n) for i, n in types),
        objects="\n".join(OBJECT.format(id=i, title=t, type=k) for i, t, k in objects),
        relations="\n".join(RELATION.format(id=i, source=s, target=t) for i, s, t in relations),
        specifications="\n".join(specifications),
    ).encode()


def _project(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "medtrace.toml").write_text('[project]\nname = "T"\n', "utf-8")
    return root


DANGLING_FILE = _reqif(
    [("SRS-1", "One", "req"), ("SRS-2", "Two", "req")],
    [("r1", "SRS-2", "SYS-9"), ("r2", "GONE-1", "SRS-1"), ("r3", "SRS-2", "SRS-1")],
    [_specification("Module", _node("SRS-1", _node("MISSING-7", _node("SRS-2"))))],
)


def test_dangling_references_import_leniently_with_a_warning_each(tmp_path: Path) -> None:
    source = tmp_path / "module.reqif"
    source.write_bytes(DANGLING_FILE)
    project = _project(tmp_path / "p")
    report = import_reqif(project, source)
    assert sorted(item.id for item in report.created) == ["SRS-1", "SRS-2"]
    warnings = [w for w in report.warnings if w.code == "reqif/invalid"]
    assert len(warnings) == 3, report.warnings
    assert all(w.severity is Severity.WARNING and w.location.line for w in warnings)
    assert all(w.location.path == str(source) for w in warnings)
    items = {item.id: item for item in load_project(project).items}
    assert sorted(items["SRS-2"].targets("derived-from")) == ["SRS-1", "SYS-9"]
    assert "parent: SRS-1" in items["SRS-2"].body  # placed below the nearest object held
    dangling = [f for f in check_project(project).findings if f.code == "link/dangling"]
    assert [(f.item, f.message.count("SYS-9")) for f in dangling] == [("SRS-2", 1)]


def test_strict_refuses_dangling_references_and_writes_nothing(tmp_path: Path) -> None:
    source = tmp_path / "module.reqif"
    source.write_bytes(DANGLING_FILE)
    project = _project(tmp_path / "p")
    with pytest.raises(MedtraceError, match=r"module.reqif:\d+: .*spec object.*nothing was"):
        import_reqif(project, source, strict=True)
    assert load_project(project).items == ()


def test_the_real_exports_with_dangling_references_import(tmp_path: Path) -> None:
    files = corpus()
    for number, name in enumerate(sorted(DANGLING)):
        roots = xml_documents(files[name])
        held = sum(len(root.xpath("//*[local-name()='SPEC-OBJECT']")) for root in roots)
        project = _project(tmp_path / f"p{number}")
        report = import_reqif(project, files[name])
        assert len(report.created) == held, name
        assert [w for w in report.warnings if w.code == "reqif/invalid"], name
        with pytest.raises(MedtraceError):
            import_reqif(_project(tmp_path / f"s{number}"), files[name], strict=True)


HEADINGS = _reqif(
    [
        ("H-1", "Alarms", "heading"),
        ("SRS-1", "Sound an alarm", "req"),
        ("H-2", "Loud alarms", "chapter"),
        ("SRS-2", "Sound it loud", "req"),
    ],
    specifications=[
        _specification("Doc", _node("H-1", _node("SRS-1"), _node("H-2", _node("SRS-2"))))
    ],
    types=(("req", "software-requirement"), ("heading", "Heading"), ("chapter", "Chapter")),
)


def test_headings_are_document_structure_not_requirements(tmp_path: Path) -> None:
    source = tmp_path / "polarion.reqif"
    source.write_bytes(HEADINGS)
    project = _project(tmp_path / "p")
    report = import_reqif(project, source)
    assert sorted(item.id for item in report.created) == ["SRS-1", "SRS-2"]
    items = {item.id: item for item in load_project(project).items}
    assert "section:\n- Alarms\n" in items["SRS-1"].body
    assert "section:\n- Alarms\n- Loud alarms\n" in items["SRS-2"].body
    headings = [w for w in report.warnings if w.code == "migrate/not-imported"]
    assert len(headings) == 2 and all("heading" in w.message for w in headings)


def test_the_real_polarion_export_keeps_its_heading_as_structure(tmp_path: Path) -> None:
    path = corpus()["examples/sample1_polarion.reqif"]
    report = import_reqif(_project(tmp_path / "p"), path)
    assert [item.kind for item in report.created] == ["software-requirement"]
    document, _ = parse_reqif(path.read_bytes(), path.name)
    assert document is not None and len(document.objects) == 2


SEVERAL = _reqif(
    [("SRS-1", "In A", "req"), ("SRS-2", "In B", "req"), ("SRS-3", "In B too", "req")],
    specifications=[
        _specification("Pump software", _node("SRS-1")),
        _specification("Remote app", _node("SRS-2"), _node("SRS-3")),
    ],
)


def test_several_specifications_keep_each_objects_document(tmp_path: Path) -> None:
    source = tmp_path / "several.reqif"
    source.write_bytes(SEVERAL)
    project = _project(tmp_path / "p")
    import_reqif(project, source)
    items = {item.id: item for item in load_project(project).items}
    assert "document: Pump software" in items["SRS-1"].body
    assert "document: Remote app" in items["SRS-2"].body
    assert "document: Remote app" in items["SRS-3"].body
