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
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from generate import generate
from medtrace.api.documents import BuildReport, build_documents

PAGE = os.sysconf("SC_PAGE_SIZE")


def _tree_rss(root: int) -> int:
    """Resident bytes of process ``root`` and all its descendants (from /proc)."""
    parents: dict[int, int] = {}
    resident: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
            with open(f"/proc/{entry}/statm", "rb") as statm:
                resident[int(entry)] = int(statm.read().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            continue
        parents[int(entry)] = int(fields[1])
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += resident.get(pid, 0)
        stack.extend(child for child, parent in parents.items() if parent == pid)
    return total


class PeakMemory:
    """Samples the resident memory of this process tree in a thread; ``peak`` in bytes."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, _tree_rss(os.getpid()))

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _cpu() -> float:
    """CPU seconds (user and system) of this process and its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure(
    project: Path, output: Path, formats: tuple[str, ...]
) -> tuple[float, float, int, BuildReport]:
    """Wall seconds, CPU seconds, peak memory (bytes) and the report of one build."""
    with PeakMemory() as memory:
        cpu = _cpu()
        start = time.perf_counter()
        report = build_documents(project, output, formats)
        seconds = time.perf_counter() - start
        cpu = _cpu() - cpu
    return seconds, cpu, memory.peak, report


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
        warm_s, _, _, _ = measure(project, Path(folder) / "warm", formats)
        times, cpus, peaks = [], [], []
        report = None
        for run in range(args.runs):
            seconds, cpu, peak, report = measure(project, Path(folder) / f"out-{run}", formats)
            times.append(seconds)
            cpus.append(cpu)
            peaks.append(peak)
        if report is None:
            print("run_docs.py: --runs must be at least 1", file=sys.stderr)
            return 2
        size = sum(path.stat().st_size for path in report.files) / 1e6
        pages = _pdf_pages([path for path in report.files if path.suffix == ".pdf"])
    print(
        f"docs build ({','.join(formats)}) on {args.items} items, {args.runs} runs: "
        f"median {statistics.median(times):.2f} s, min {min(times):.2f} s, "
        f"max {max(times):.2f} s (first, cold cache: {warm_s:.2f} s); "
        f"CPU median {statistics.median(cpus):.1f} s; "
        f"peak memory median {statistics.median(peaks) / 1e9:.2f} GB, "
        f"max {max(peaks) / 1e9:.2f} GB; "
        f"{report.documents} documents, {len(report.files)} files ({size:.1f} MB), "
        f"{report.gaps} gaps" + (f"; {pages} PDF pages" if pages else "")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
