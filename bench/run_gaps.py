"""Time ``medtrace gaps`` on the bundled example project (issue target: under 1 s).

Usage: ``python bench/run_gaps.py [--runs 7]`` with the ``python`` of the
environment that has medtrace installed. The example is created in a temporary
folder, checked once to fill the cache, then ``medtrace gaps --format json`` is
timed ``--runs`` times; the median, min and max wall times are printed.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    medtrace = str(Path(sys.executable).parent / "medtrace")
    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder) / "pump"
        subprocess.run([medtrace, "init", "--example", "infusion-pump", str(project)], check=True)
        subprocess.run([medtrace, "check", "--path", str(project)], check=True, capture_output=True)
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            done = subprocess.run(
                [medtrace, "gaps", "--path", str(project), "--format", "json"],
                check=False,
                capture_output=True,
            )
            times.append(time.perf_counter() - start)
            if done.returncode not in (0, 1):
                sys.exit(f"medtrace gaps failed: {done.stderr.decode()}")
    print(
        f"medtrace gaps on the example, {args.runs} runs: median {statistics.median(times):.3f} s,"
        f" min {min(times):.3f} s, max {max(times):.3f} s"
    )


if __name__ == "__main__":
    main()
