"""Time ``build_documents`` (any formats) on a generated project.

Usage: ``python bench/run_docs.py [--items 10000] [--runs 3] [--formats html,md]
[--workdir DIR]`` with the ``python`` of the environment that has medtrace
installed. A project of ``--items`` items is generated with ``generate.py``
(seed 1), built once unmeasured (to fill the parse cache, as a team's CI
would have it), then built ``--runs`` times into a fresh folder each; the
median, min and max wall times, the documents, files and gaps are printed.
Target: the whole document set (PDF and DOCX included) under 60 s at 10,000 items.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generate import generate
from medtrace.api.documents import BuildReport, build_documents


def measure(project: Path, output: Path, formats: tuple[str, ...]) -> tuple[float, BuildReport]:
    start = time.perf_counter()
    report = build_documents(project, output, formats)
    return time.perf_counter() - start, report


def _pdf_pages(files: list[Path]) -> int:
    """The pages of ``files`` as pdfinfo (poppler) counts them; 0 without pdfinfo."""
    if not files or shutil.which("pdfinfo") is None:
        return 0
    total = 0
    for path in files:
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
        total += next(
            int(line.split()[1]) for line in info.stdout.splitlines() if line.startswith("Pages:")
        )
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time medtrace docs build.")
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--formats", default="html,md")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args(argv)
    formats = tuple(f for f in args.formats.split(",") if f)
    with tempfile.TemporaryDirectory(dir=args.workdir) as folder:
        project = Path(folder) / "project"
        generate(args.items, project)
        warm_s, _ = measure(project, Path(folder) / "warm", formats)
        times = []
        report = None
        for run in range(args.runs):
            seconds, report = measure(project, Path(folder) / f"out-{run}", formats)
            times.append(seconds)
        if report is None:
            print("run_docs.py: --runs must be at least 1", file=sys.stderr)
            return 2
        size = sum(path.stat().st_size for path in report.files) / 1e6
        pages = _pdf_pages([path for path in report.files if path.suffix == ".pdf"])
    print(
        f"docs build ({','.join(formats)}) on {args.items} items, {args.runs} runs: "
        f"median {statistics.median(times):.2f} s, min {min(times):.2f} s, "
        f"max {max(times):.2f} s (first, cold cache: {warm_s:.2f} s); "
        f"{report.documents} documents, {len(report.files)} files ({size:.1f} MB), "
        f"{report.gaps} gaps" + (f"; {pages} PDF pages" if pages else "")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
