"""Time ``medtrace check --path PROJECT --format json`` on generated projects.

Usage: ``python bench/run_check.py [--sizes 1000,10000,50000] [--runs 5]
[--workdir DIR] [--json FILE]``, with the ``python`` of the environment that
has ``medtrace`` installed (the script runs the ``medtrace`` next to it).

For each size a project is generated with ``generate.py`` and the command is
timed in three scenarios:

* cold: the cache folder ``PROJECT/.medtrace`` is deleted before each run;
* warm: nothing changed since the previous run (after one unmeasured run);
* one edit: one software requirement's body gets a new sentence (and a newer
  mtime) before each run.

Each run records the wall time, and from ``os.wait4`` the CPU time (user and
system, with the worker processes it waited for) and the peak RSS of the child
process. The table on stdout gives the median, min and max wall time, the median
CPU time (steadier than wall time on a shared machine) and the largest peak RSS
of the runs; ``--json`` writes every raw number.

``--baseline EXE`` compares with another ``medtrace`` (say, main's build in a
worktree of its own): only the cold scenario, the two run one after the other,
alternating which goes first, on the same project, so that both see the same
load on a shared machine. The baseline must take ``--path`` (medtrace with
issue 19 or later).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from generate import generate

CACHE_DIR = ".medtrace"
CONFIG_FILE = "medtrace.toml"
EDIT_FOLDER = Path("requirements/software")
OK_EXIT_CODES = (0, 1)  # 1 means the check has findings


class BenchError(Exception):
    """The benchmark cannot go on (medtrace failed or is missing)."""


@dataclass(frozen=True, slots=True)
class Run:
    """One measured run of the command."""

    wall_s: float
    max_rss_kib: int
    exit_code: int
    stdout_bytes: int
    cpu_s: float = 0.0  # user and system time of the command and the workers it waited for


@dataclass(slots=True)
class Result:
    """The runs of one scenario on one project size."""

    items: int
    scenario: str
    runs: list[Run] = field(default_factory=list)

    def summary(self) -> dict[str, float]:
        walls = [run.wall_s for run in self.runs]
        return {
            "median_s": statistics.median(walls),
            "min_s": min(walls),
            "max_s": max(walls),
            "peak_rss_mib": max(run.max_rss_kib for run in self.runs) / 1024,
            "median_cpu_s": statistics.median(run.cpu_s for run in self.runs),
        }


def medtrace_exe() -> Path:
    """The ``medtrace`` installed next to this Python."""
    exe = Path(sys.executable).parent / "medtrace"
    if not exe.is_file():
        raise BenchError(f"{exe} not found: install medtrace into this environment")
    return exe


def rss_kib(max_rss: int) -> int:
    """``ru_maxrss`` in KiB (Linux reports KiB, macOS bytes)."""
    return max_rss // 1024 if sys.platform == "darwin" else max_rss


def measure(command: Sequence[str]) -> Run:
    """Run ``command`` once; its wall time and, from ``os.wait4``, its own peak RSS."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        child.returncode = code = os.waitstatus_to_exitcode(status)
        if code not in OK_EXIT_CODES:
            err.seek(0)
            message = err.read().decode("utf-8", errors="replace")
            raise BenchError(f"{shlex.join(command)} exited with {code}:\n{message}")
        cpu = usage.ru_utime + usage.ru_stime
        return Run(wall, rss_kib(usage.ru_maxrss), code, out.tell(), cpu)


def clear_cache(project: Path) -> None:
    """Delete the project's cache folder, if any."""
    shutil.rmtree(project / CACHE_DIR, ignore_errors=True)


def edit_file(project: Path) -> Callable[[int], None]:
    """A function that appends sentence ``k`` to one software requirement's body."""
    files = sorted((project / EDIT_FOLDER).glob("SRS-*.md"))
    if not files:
        raise BenchError(f"no software requirement to edit in {project / EDIT_FOLDER}")
    path = files[len(files) // 2]

    def edit(k: int) -> None:
        before = path.stat().st_mtime_ns
        sentence = f"Edit {k} of the benchmark: the software shall log it within {10 + k} ms."
        content = path.read_text(encoding="utf-8").rstrip("\n")
        path.write_text(f"{content} {sentence}\n", encoding="utf-8", newline="\n")
        # At least one second newer, so that even a coarse mtime comparison sees the change.
        mtime = max(time.time_ns(), before + 1_000_000_000)
        os.utime(path, ns=(mtime, mtime))

    return edit


def repeat(
    items: int, scenario: str, command: Sequence[str], runs: int, before: Callable[[int], None]
) -> Result:
    """Measure ``command`` ``runs`` times, calling ``before(k)`` ahead of run ``k``."""
    result = Result(items, scenario)
    for k in range(runs):
        before(k)
        run = measure(command)
        result.runs.append(run)
        print(
            f"  {scenario:8} run {k + 1}/{runs}: {run.wall_s:.3f} s (CPU {run.cpu_s:.3f} s)",
            file=sys.stderr,
        )
    return result


def bench_against(
    exe: Path, baseline: Path, items: int, project: Path, runs: int, extra: Sequence[str] = ()
) -> list[Result]:
    """The cold scenario for ``baseline`` and ``exe``, run by run, alternating which first."""
    results = {name: Result(items, f"cold ({name})") for name in ("baseline", "this")}
    for k in range(runs):
        order = [("baseline", baseline), ("this", exe)]
        for name, program in order if k % 2 == 0 else order[::-1]:
            clear_cache(project)
            command = [str(program), "check", "--path", str(project), "--format", "json", *extra]
            run = measure(command)
            results[name].runs.append(run)
            print(
                f"  cold {name:8} run {k + 1}/{runs}: {run.wall_s:.3f} s (CPU {run.cpu_s:.3f} s)",
                file=sys.stderr,
            )
    return [results["baseline"], results["this"]]


def bench_size(
    exe: Path, items: int, project: Path, runs: int, extra: Sequence[str] = ()
) -> list[Result]:
    """The three scenarios on the project of ``items`` items at ``project``."""
    command = [str(exe), "check", "--path", str(project), "--format", "json", *extra]
    cold = repeat(items, "cold", command, runs, lambda _k: clear_cache(project))
    measure(command)  # unmeasured warm-up: the cache is now up to date
    warm = repeat(items, "warm", command, runs, lambda _k: None)
    edited = repeat(items, "one edit", command, runs, edit_file(project))
    return [cold, warm, edited]


def fresh_project(workdir: Path, items: int) -> Path:
    """Generate the project of ``items`` items under ``workdir`` (replacing an old one)."""
    project = workdir / f"project-{items}"
    if project.exists():
        if not (project / CONFIG_FILE).is_file():
            raise BenchError(f"{project} exists and is not a generated project")
        shutil.rmtree(project)
    start = time.perf_counter()
    counts = generate(items, project)
    print(
        f"generated {sum(counts.values())} items in {time.perf_counter() - start:.1f} s: {project}",
        file=sys.stderr,
    )
    return project


def bind_project(exe: str, project: Path) -> None:
    """Write the fingerprints of what each approved item and record covers into them."""
    start = time.perf_counter()
    done = subprocess.run(
        [exe, "bind", "--all", "--path", str(project)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BenchError(f"medtrace bind failed: {done.stderr.strip()[:300]}")
    print(f"bound the project in {time.perf_counter() - start:.1f} s", file=sys.stderr)


@contextmanager
def working_folder(workdir: Path | None) -> Iterator[Path]:
    """``workdir`` (created if needed), or a temporary folder removed at the end."""
    if workdir is not None:
        workdir.mkdir(parents=True, exist_ok=True)
        yield workdir
        return
    with tempfile.TemporaryDirectory(prefix="medtrace-bench-") as temp:
        yield Path(temp)


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    return {
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
    }


def table(results: Sequence[Result], runs: int) -> str:
    """The Markdown report: machine and command lines, then one row per scenario and size."""
    info = machine()
    lines = [
        f"Machine: {info['platform']}, {info['cpus']} CPUs, "
        f"{info['implementation']} {info['python']}",
        f"Command: `{shlex.join([sys.executable, *sys.argv])}` "
        f"(times `medtrace check --path PROJECT --format json`, {runs} runs per scenario)",
        "",
        "| items | scenario | median wall (s) | min | max | median CPU (s) | peak RSS (MiB) |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        s = result.summary()
        lines.append(
            f"| {result.items} | {result.scenario} | {s['median_s']:.3f} | {s['min_s']:.3f} "
            f"| {s['max_s']:.3f} | {s['median_cpu_s']:.3f} | {s['peak_rss_mib']:.1f} |"
        )
    return "\n".join(lines)


def write_json(path: Path, results: Sequence[Result], runs: int) -> None:
    """Write the raw numbers of every run, with their summaries, to ``path``."""
    data = {
        "machine": machine(),
        "argv": [sys.executable, *sys.argv],
        "command": ["medtrace", "check", "--path", "PROJECT", "--format", "json"],
        "runs": runs,
        "results": [{**asdict(result), **result.summary()} for result in results],
    }
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def sizes(text: str) -> list[int]:
    """Parse ``--sizes``: positive integers separated by commas."""
    try:
        values = [int(part) for part in text.split(",") if part.strip()]
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a list of integers: {text!r}") from error
    if not values or any(value < 1 for value in values):
        raise argparse.ArgumentTypeError(f"sizes must be positive integers: {text!r}")
    return values


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Time medtrace check on generated projects.")
    parser.add_argument("--sizes", type=sizes, default=[1000, 10000, 50000], help="item counts")
    parser.add_argument("--runs", type=int, default=5, help="measured runs per scenario")
    parser.add_argument("--workdir", type=Path, help="where to generate (default: a temp dir)")
    parser.add_argument("--json", type=Path, help="also write the raw numbers to this file")
    parser.add_argument(
        "--no-rules", action="store_true", help="time `check --no-rules` (files and links only)"
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        help="another medtrace executable: time the cold scenario of both, alternating",
    )
    parser.add_argument(
        "--bind",
        action="store_true",
        help="bind the generated project's approvals to their content first (`medtrace bind "
        "--all`, unmeasured), as a project kept with medtrace 0.2 is",
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; 0 on success, 2 when medtrace fails."""
    args = parse_args(argv)
    results: list[Result] = []
    try:
        exe = medtrace_exe()
        with working_folder(args.workdir) as workdir:
            for items in args.sizes:
                project = fresh_project(workdir, items)
                if args.bind:
                    bind_project(str(exe), project)
                extra = ["--no-rules"] if args.no_rules else []
                if args.baseline is not None:
                    results.extend(
                        bench_against(exe, args.baseline, items, project, args.runs, extra)
                    )
                else:
                    results.extend(bench_size(exe, items, project, args.runs, extra))
    except BenchError as error:
        print(f"run_check.py: {error}", file=sys.stderr)
        return 2
    print(table(results, args.runs))
    if args.json is not None:
        write_json(args.json, results, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
