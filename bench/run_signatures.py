"""Time ``medtrace check`` on the bundled example with N electronic signatures verified.

Usage: ``python bench/run_signatures.py [--signatures 0,300,1000] [--runs 5]`` with the
``python`` of the environment that has medtrace installed. For each N the example is
created in a temporary folder, one signer is registered with a new Ed25519 key, N
signature records are written on its software requirements (round robin), and
``medtrace check --format json`` is timed ``--runs`` times after one run that fills
the cache, with the rules' memo cleared by touching a signature record before each run
(so every run verifies every signature again); median, min and max are printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from medtrace.api import init_project
from medtrace.api.load import load_project
from medtrace.api.sign import SignRequest, sign_item
from medtrace.api.signers import add_signer
from medtrace.graph.signatures import public_line

NOW = dt.datetime(2026, 5, 4, 10, 30, tzinfo=dt.UTC)


def signed_example(root: Path, count: int) -> None:
    init_project(root, example="infusion-pump")
    key = Ed25519PrivateKey.generate()
    add_signer(root, "alice", name="Alice Adams", roles=["approver"], keys=[public_line(key)])
    ids = [i.id for i in load_project(root).items if i.kind == "software-requirement"]
    for n in range(count):
        request = SignRequest(
            item_id=ids[n % len(ids)], meaning="approved", reason="Checked", signer="alice"
        )
        sign_item(root, request, key, now=NOW)


def timed(medtrace: str, root: Path, runs: int) -> list[float]:
    subprocess.run([medtrace, "check", str(root)], check=False, capture_output=True)
    register = root / "signatures" / "signers.toml"
    times = []
    for _ in range(runs):
        register.touch()  # an input of the rules: they run again, verifying every record
        start = time.perf_counter()
        done = subprocess.run(
            [medtrace, "check", str(root), "--format", "json"], check=False, capture_output=True
        )
        times.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):
            sys.exit(f"medtrace check failed: {done.stderr.decode()}")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--signatures", default="0,300,1000")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    medtrace = str(Path(sys.executable).parent / "medtrace")
    for count in (int(n) for n in args.signatures.split(",")):
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder) / "pump"
            signed_example(root, count)
            times = timed(medtrace, root, args.runs)
        print(
            f"{count} signatures: median {statistics.median(times):.3f} s, "
            f"min {min(times):.3f} s, max {max(times):.3f} s"
        )


if __name__ == "__main__":
    main()
