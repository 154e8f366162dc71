"""Time ``medtrace results import`` of a generated JUnit report (target: 100,000 test cases
in under 5 s and 500 MB).

Usage: ``python bench/run_import.py [--cases 100000] [--runs 3]`` with the ``python``
of the environment that has medtrace installed. A report with every tenth test
failing is generated into a temporary project; each run imports it as a new run
and is timed as a whole process, with its peak RSS from ``os.wait4``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def report(cases: int) -> bytes:
    lines = [f'<?xml version="1.0"?>\n<testsuites tests="{cases}" failures="{cases // 10}">']
    lines.append(f'<testsuite name="generated" tests="{cases}" failures="{cases // 10}">')
    for n in range(cases):
        body = '<failure message="boom">trace</failure>' if n % 10 == 0 else ""
        lines.append(
            f'<testcase classname="tests.unit.test_{n // 100}" name="test_{n}" time="0.001">'
            f'<properties><property name="verifies" value="SRS-{n % 500:05d}"/></properties>'
            f"{body}</testcase>"
        )
    lines.append("</testsuite></testsuites>\n")
    return "\n".join(lines).encode()


def timed(command: list[str]) -> tuple[float, float]:
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"import failed: {process.stderr.read().decode() if process.stderr else ''}")
    return elapsed, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    medtrace = str(Path(sys.executable).parent / "medtrace")
    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder)
        (project / "medtrace.toml").write_text('[project]\nname = "import benchmark"\n')
        junit = project / "junit.xml"
        junit.write_bytes(report(args.cases))
        command = [medtrace, "results", "import", str(junit), "--revision", "v1"]
        measured = [timed([*command, "--path", str(project)]) for _ in range(args.runs)]
    walls = [wall for wall, _ in measured]
    peak = max(rss for _, rss in measured)
    print(
        f"results import of {args.cases} test cases, {args.runs} runs: "
        f"median {statistics.median(walls):.3f} s (min {min(walls):.3f}, max {max(walls):.3f}), "
        f"peak RSS {peak:.0f} MiB"
    )


if __name__ == "__main__":
    main()
