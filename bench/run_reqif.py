"""Time ``medtrace migrate reqif`` of a generated ReqIF file (target: 50,000 spec objects
in under 10 s).

Usage: ``python bench/run_reqif.py [--objects 50000] [--runs 3] [--stages] [--doors]
[--folder DIR] [--pause S] [--drop-caches] [--in-process]`` with the ``python`` of the environment
that has medtrace installed. The file is written by medtrace's own ReqIF exporter
from generated items (10% system requirements, 60% software requirements derived
from them, 30% test cases verifying those, each with a Markdown body and a few
fields), so it holds about 0.9 relations per object; ``--doors`` writes one shaped
like a DOORS export instead (:func:`doors_file`). Each run imports it into a new
empty project with the whole command, ``medtrace migrate reqif FILE`` (the
``medtrace`` beside this ``python``), as its own process: start-up, parse, map, write
every item file, sync, and the report of 50,000 lines (to ``/dev/null``). Its wall
time comes with its CPU time and peak RSS from ``os.wait4``: user, and system (the
kernel's share: memory for the parsed tree, and creating the files).
``--in-process`` calls :func:`~medtrace.api.migrate.import_reqif` here instead, one run
after the other in this process (the earlier sessions' figures were taken so).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import cast

from lxml import etree

from medtrace.api.migrate import import_reqif
from medtrace.ingest import parse_config
from medtrace.interchange.items import render_item, write_new_items
from medtrace.interchange.reqif.map import reqif_items
from medtrace.interchange.reqif.read import parse_reqif
from medtrace.interchange.reqif.write import reqif_bytes
from medtrace.model import Item, Link, SourceLocation

CONFIG = '[project]\nname = "reqif benchmark"\n'


def items(count: int) -> list[Item]:
    """``count`` items: system requirements, software requirements, test cases."""
    systems = max(1, count // 10)
    software = max(1, count * 6 // 10)
    where = SourceLocation(path="generated.md")
    made: list[Item] = []
    for n in range(count):
        links: tuple[Link, ...] = ()
        if n < systems:
            kind, item_id = "system-requirement", f"SYS-{n:05d}"
        elif n < systems + software:
            kind, item_id = "software-requirement", f"SRS-{n:05d}"
            links = (Link(role="derived-from", target=f"SYS-{n % systems:05d}"),)
        else:
            kind, item_id = "test-case", f"TC-{n:05d}"
            target = systems + n % software
            links = (Link(role="verifies", target=f"SRS-{target:05d}"),)
        body = (
            f"The {kind.replace('-', ' ')} {n} shall hold **dose limits** within {n % 97} ms.\n\n"
            f"- checked every cycle\n- reported on failure\n"
        )
        fields: tuple[tuple[str, str | tuple[str, ...]], ...] = (
            ("status", "approved" if n % 3 else "draft"),
            ("tags", ("generated", f"group-{n % 20}")),
        )
        made.append(
            Item(
                id=item_id,
                kind=kind,
                title=f"Generated {kind} number {n}",
                source=where,
                body=body,
                fields=fields,
                links=links,
            )
        )
    return made


DOORS_ATTRIBUTES = (
    "ReqIF.ForeignID",
    "ReqIF.ForeignCreatedBy",
    "ReqIF.ForeignCreatedOn",
    "ReqIF.ForeignModifiedBy",
    "ReqIF.ForeignModifiedOn",
)


def doors_file(count: int) -> bytes:
    """A ReqIF file shaped like a DOORS export: a numeric ForeignID (no medtrace id, so
    each item gets a made-up id and keeps its IDENTIFIER), creation and modification
    attributes medtrace has no field for, the text as XHTML paragraphs with inline
    markup, a "Satisfies" relation from each object to an earlier one, and chapters
    of ten objects in the hierarchy. (Not schema-valid: the time stamps the schema
    requires are left out; the reader does not need them.)"""
    ns = "{http://www.omg.org/spec/ReqIF/20110401/reqif.xsd}"
    xhtml = "{http://www.w3.org/1999/xhtml}"
    sub = etree.SubElement
    namespaces = {None: ns[1:-1], "xhtml": xhtml[1:-1]}  # (None: the default namespace)
    root = etree.Element(ns + "REQ-IF", nsmap=cast("dict[str, str]", namespaces))
    header = sub(sub(root, ns + "THE-HEADER"), ns + "REQ-IF-HEADER", IDENTIFIER="header")
    sub(header, ns + "TITLE").text = "DOORS-like benchmark"
    content = sub(sub(root, ns + "CORE-CONTENT"), ns + "REQ-IF-CONTENT")
    types = sub(content, ns + "DATATYPES")
    sub(types, ns + "DATATYPE-DEFINITION-STRING", {"IDENTIFIER": "t-s", "MAX-LENGTH": "32000"})
    sub(types, ns + "DATATYPE-DEFINITION-XHTML", IDENTIFIER="t-x")
    spec_types = sub(content, ns + "SPEC-TYPES")
    object_type = sub(spec_types, ns + "SPEC-OBJECT-TYPE", IDENTIFIER="ot")
    object_type.set("LONG-NAME", "Requirement Type")
    attributes = sub(object_type, ns + "SPEC-ATTRIBUTES")
    for n, name in enumerate((*DOORS_ATTRIBUTES, "ReqIF.Text")):
        kind = "XHTML" if name == "ReqIF.Text" else "STRING"
        definition = sub(attributes, f"{ns}ATTRIBUTE-DEFINITION-{kind}", IDENTIFIER=f"a{n}")
        definition.set("LONG-NAME", name)
        reference = sub(sub(definition, ns + "TYPE"), f"{ns}DATATYPE-DEFINITION-{kind}-REF")
        reference.text = "t-x" if kind == "XHTML" else "t-s"
    sub(spec_types, ns + "SPEC-RELATION-TYPE", IDENTIFIER="rt").set("LONG-NAME", "Satisfies")
    sub(spec_types, ns + "SPECIFICATION-TYPE", IDENTIFIER="st").set("LONG-NAME", "Module")
    objects = sub(content, ns + "SPEC-OBJECTS")
    for n in range(count):
        obj = sub(objects, ns + "SPEC-OBJECT", IDENTIFIER=f"_o{n:06d}")
        sub(sub(obj, ns + "TYPE"), ns + "SPEC-OBJECT-TYPE-REF").text = "ot"
        values = sub(obj, ns + "VALUES")
        texts = (
            str(n + 1),
            "susan",
            "2011-07-01T00:00:00",
            "tom",
            f"2012-0{n % 9 + 1}-15T10:00:00",
        )
        for a, text in enumerate(texts):
            value = sub(values, ns + "ATTRIBUTE-VALUE-STRING", {"THE-VALUE": text})
            sub(
                sub(value, ns + "DEFINITION"), ns + "ATTRIBUTE-DEFINITION-STRING-REF"
            ).text = f"a{a}"
        value = sub(values, ns + "ATTRIBUTE-VALUE-XHTML")
        sub(sub(value, ns + "DEFINITION"), ns + "ATTRIBUTE-DEFINITION-XHTML-REF").text = "a5"
        paragraph = sub(sub(sub(value, ns + "THE-VALUE"), xhtml + "div"), xhtml + "p")
        paragraph.text = "The pump shall stop the "
        bold = sub(paragraph, xhtml + "b")
        bold.text = "infusion"
        bold.tail = f" within {n % 97} ms when an occlusion is detected."
    relations = sub(content, ns + "SPEC-RELATIONS")
    for n in range(1, count):
        relation = sub(relations, ns + "SPEC-RELATION", IDENTIFIER=f"_r{n:06d}")
        sub(sub(relation, ns + "TYPE"), ns + "SPEC-RELATION-TYPE-REF").text = "rt"
        sub(sub(relation, ns + "SOURCE"), ns + "SPEC-OBJECT-REF").text = f"_o{n:06d}"
        sub(sub(relation, ns + "TARGET"), ns + "SPEC-OBJECT-REF").text = f"_o{n // 10 * 10:06d}"
    specification = sub(sub(content, ns + "SPECIFICATIONS"), ns + "SPECIFICATION")
    specification.set("IDENTIFIER", "module")
    sub(sub(specification, ns + "TYPE"), ns + "SPECIFICATION-TYPE-REF").text = "st"
    chapters = sub(specification, ns + "CHILDREN")
    children = chapters
    for n in range(count):
        node = sub(children if n % 10 else chapters, ns + "SPEC-HIERARCHY", IDENTIFIER=f"_h{n}")
        sub(sub(node, ns + "OBJECT"), ns + "SPEC-OBJECT-REF").text = f"_o{n:06d}"
        if n % 10 == 0:
            children = sub(node, ns + "CHILDREN")
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--objects", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--stages", action="store_true", help="time each stage once more")
    parser.add_argument(
        "--doors", action="store_true", help="a file shaped like a DOORS export (doors_file)"
    )
    parser.add_argument(
        "--folder",
        type=Path,
        default=None,
        help="where to make the projects (default: the system's temporary folder)",
    )
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="import in this process, one run after the other, not with the command",
    )
    parser.add_argument(
        "--pause",
        type=float,
        default=0.0,
        help="seconds to wait before each run, for the disk to finish the previous one's work",
    )
    parser.add_argument(
        "--drop-caches",
        action="store_true",
        help="before each run, empty the kernel's page, inode and directory caches "
        "(Linux, as root): each run starts from the same state, not from the caches "
        "of the files earlier runs made",
    )
    args = parser.parse_args()
    schema = parse_config(CONFIG.encode())[0].schema
    if args.doors:
        data = doors_file(args.objects)
    else:
        data = reqif_bytes(items(args.objects), schema, title="benchmark")
    runs: list[tuple[float, float, float, float]] = []  # wall, user, system, RSS (MiB)
    with tempfile.TemporaryDirectory(dir=args.folder) as folder:
        source = Path(folder) / "generated.reqif"
        source.write_bytes(data)
        for run in range(args.runs):
            project = Path(folder) / f"project-{run}"
            project.mkdir()
            (project / "medtrace.toml").write_text(CONFIG, "utf-8")
            time.sleep(args.pause)
            if args.drop_caches:
                drop_caches()
            runs.append(
                in_process(source, project) if args.in_process else command(source, project)
            )
            wall, user, system, rss = runs[-1]
            print(
                f"run {run + 1}: {wall:.2f} s (CPU: user {user:.2f} s, system {system:.2f} s; "
                f"{rss:.0f} MiB)",
                file=sys.stderr,
            )
            created = sum(1 for _ in (project / "reqif").rglob("*.md"))
            if created != args.objects:
                sys.exit(f"imported {created} items, not {args.objects}")
        if args.stages:
            stages(data, Path(folder) / "stages")
    walls = [wall for wall, _, _, _ in runs]
    print("| command | objects | file | runs | median | min | max | user | system | peak RSS |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    print(
        f"| migrate reqif{' (in process)' if args.in_process else ''} | {args.objects} "
        f"| {len(data) / 2**20:.1f} MiB | {args.runs} "
        f"| {statistics.median(walls):.2f} s | {min(walls):.2f} s | {max(walls):.2f} s "
        f"| {statistics.median(run[1] for run in runs):.2f} s "
        f"| {statistics.median(run[2] for run in runs):.2f} s "
        f"| {max(run[3] for run in runs):.0f} MiB |"
    )


def drop_caches() -> None:
    """Write out what is dirty, then empty the kernel's caches (Linux, as root)."""
    os.sync()
    try:
        Path("/proc/sys/vm/drop_caches").write_text("3\n", "ascii")
    except OSError as error:
        sys.exit(f"--drop-caches: cannot empty the caches: {error}")


def command(source: Path, project: Path) -> tuple[float, float, float, float]:
    """Run ``medtrace migrate reqif`` in ``project``: wall, user and system seconds, and
    peak RSS (MiB)."""
    medtrace = str(Path(sys.executable).parent / "medtrace")
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(
            [medtrace, "migrate", "reqif", str(source), "--path", str(project)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            errors.seek(0)
            sys.exit(f"medtrace migrate reqif failed: {errors.read().decode()[:2000]}")
    return wall, usage.ru_utime, usage.ru_stime, usage.ru_maxrss / 1024


def in_process(source: Path, project: Path) -> tuple[float, float, float, float]:
    """:func:`import_reqif` here: wall, user and system seconds, and peak RSS so far."""
    before = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    import_reqif(project, source)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF)
    user, system = after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime
    return wall, user, system, after.ru_maxrss / 1024


def stages(data: bytes, project: Path) -> None:
    """Time the stages of one import (the project folder need not exist)."""
    schema = parse_config(CONFIG.encode())[0]
    times: list[tuple[str, float]] = []
    start = time.perf_counter()
    document, _ = parse_reqif(data, "generated.reqif")
    times.append(("parse (ingest.reqif)", time.perf_counter() - start))
    assert document is not None
    start = time.perf_counter()
    mapped = reqif_items(document, schema.schema, schema.reqif, set())
    times.append(("map (interchange.reqif.map)", time.perf_counter() - start))
    start = time.perf_counter()
    for item in mapped.items:
        render_item(item)
    times.append(("render_item only", time.perf_counter() - start))
    start = time.perf_counter()
    write_new_items(project, ".", "reqif", set(), mapped.items, "generated", (), False)
    times.append(("write_new_items (render + write)", time.perf_counter() - start))
    for name, seconds in times:
        print(f"| {name} | {seconds:.2f} s |")


if __name__ == "__main__":
    main()
