"""Time reading an OSV database and matching components against it (target: 50,000
records and 1,000 components in under 5 s in all).

Usage: ``python bench/run_osv.py [--records 50000] [--components 1000] [--runs 3]`` with
the ``python`` of the environment that has medtrace installed. A zip archive of
generated OSV records across PyPI, npm and Maven (one or two affected packages each,
one to three ranges per package, some with several introduced/fixed pairs, some
``last_affected``, some with a ``versions`` list) is written into a temporary folder
with a set of components, most of which name a package that has advisories. Each run
reads the archive (``read_advisories``), builds an ``AdvisoryIndex`` and calls
``matches()`` once per component, in this process; the median of each phase, and of
the total, is printed with the number of matches.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from medtrace.graph.advisory_match import AdvisoryIndex
from medtrace.ingest.osv import parse_advisory
from medtrace.store.advisories import read_advisories

ECOSYSTEMS = ("PyPI", "npm", "Maven")
PACKAGES = {"PyPI": 4000, "npm": 6000, "Maven": 3000}  # distinct names with advisories
WORDS = ("http", "json", "auth", "cache", "image", "crypto", "yaml", "async", "db", "log")
Component = tuple[str, str, str]  # (ecosystem, name, version)


def package_name(ecosystem: str, n: int) -> str:
    """The n-th package name of an ecosystem, written the way that ecosystem writes it."""
    word = WORDS[n % len(WORDS)]
    if ecosystem == "PyPI":
        return f"{word.capitalize()}_Tools.{n}" if n % 3 == 0 else f"{word}-tools-{n}"
    if ecosystem == "npm":
        return f"@scope{n % 50}/{word}-{n}" if n % 4 == 0 else f"{word}-lib-{n}"
    return f"org.example.{word}:{word}-core-{n}"


def version(rng: random.Random) -> str:
    return f"{rng.randint(0, 9)}.{rng.randint(0, 20)}.{rng.randint(0, 30)}"


def ranges(rng: random.Random) -> list[dict[str, object]]:
    """One to three ranges: introduced/fixed pairs, sometimes an open last_affected."""
    result: list[dict[str, object]] = []
    for _ in range(rng.choice((1, 1, 2, 3))):
        major = rng.randint(0, 8)
        events: list[dict[str, str]] = [{"introduced": rng.choice(("0", f"{major}.0.0"))}]
        if rng.random() < 0.15:
            events.append({"last_affected": f"{major}.{rng.randint(0, 20)}.{rng.randint(0, 9)}"})
        else:
            events.append({"fixed": f"{major}.{rng.randint(1, 20)}.{rng.randint(0, 9)}"})
            if rng.random() < 0.3:
                events += [{"introduced": f"{major + 1}.0.0"}, {"fixed": f"{major + 1}.2.1"}]
        result.append({"type": "SEMVER" if rng.random() < 0.3 else "ECOSYSTEM", "events": events})
    return result


def record(rng: random.Random, n: int) -> dict[str, object]:
    """A GHSA-like OSV record with realistic fields and sizes."""
    ecosystem = rng.choice(ECOSYSTEMS)
    affected = []
    for _ in range(rng.choice((1, 1, 1, 2))):
        name = package_name(ecosystem, rng.randrange(PACKAGES[ecosystem]))
        entry: dict[str, object] = {
            "package": {"ecosystem": ecosystem, "name": name},
            "ranges": ranges(rng),
            "database_specific": {"source": "https://github.com/advisories"},
        }
        if rng.random() < 0.25:
            entry["versions"] = sorted({version(rng) for _ in range(rng.randint(1, 12))})
        affected.append(entry)
    return {
        "schema_version": "1.6.0",
        "id": f"GHSA-{n:04x}-{rng.randrange(16**4):04x}-{rng.randrange(16**4):04x}",
        "modified": "2024-05-20T16:03:47Z",
        "published": "2023-01-04T10:00:00Z",
        "aliases": [f"CVE-2023-{n:05d}"],
        "summary": f"{WORDS[n % len(WORDS)]} handling allows denial of service",
        "details": "An attacker can send crafted input that is parsed without limits. " * 8,
        "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"}],
        "affected": affected,
        "references": [
            {"type": "WEB", "url": f"https://github.com/example/{n}/security/advisories"},
            {"type": "ADVISORY", "url": f"https://nvd.nist.gov/vuln/detail/CVE-2023-{n:05d}"},
            {"type": "PACKAGE", "url": f"https://github.com/example/{n}"},
        ],
        "database_specific": {"cwe_ids": ["CWE-400"], "severity": "HIGH"},
    }


def write_database(path: Path, count: int, seed: int) -> None:
    rng = random.Random(seed)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for n in range(count):
            data = record(rng, n)
            archive.writestr(f"{data['id']}.json", json.dumps(data, indent=2))


def components(count: int, seed: int) -> list[Component]:
    """Components of which about 80% name a package that has advisories."""
    rng = random.Random(seed + 1)
    chosen = []
    for n in range(count):
        ecosystem = rng.choice(ECOSYSTEMS)
        index = rng.randrange(PACKAGES[ecosystem]) if n % 5 else PACKAGES[ecosystem] + n
        name = package_name(ecosystem, index)
        if ecosystem == "PyPI" and n % 2:
            name = name.lower().replace("_", "-").replace(".", "-")  # another spelling
        chosen.append((ecosystem, name, version(rng)))
    return chosen


def run_once(archive: Path, wanted: list[Component]) -> tuple[float, float, float, int]:
    """Seconds to read, to index and to match, and the number of matches."""
    start = time.perf_counter()
    advisories, findings = read_advisories(archive, parse=parse_advisory)
    read = time.perf_counter()
    index = AdvisoryIndex(advisories)
    built = time.perf_counter()
    found = sum(len(index.matches(*component)) for component in wanted)
    matched = time.perf_counter()
    if findings or index.problems:
        sys.exit(f"unexpected findings: {(findings + index.problems)[:3]}")
    return read - start, built - read, matched - built, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--components", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        archive = Path(folder) / "all.zip"
        write_database(archive, args.records, args.seed)
        wanted = components(args.components, args.seed)
        runs = [run_once(archive, wanted) for _ in range(args.runs)]
        size = archive.stat().st_size / 1024 / 1024
    phases = ("read", "index", "match")
    medians = [statistics.median(run[n] for run in runs) for n in range(3)]
    totals = [sum(run[:3]) for run in runs]
    print(
        f"{args.records} OSV records ({size:.1f} MiB zip), {args.components} components, "
        f"{args.runs} runs, median seconds: "
        + ", ".join(f"{phase} {value:.3f}" for phase, value in zip(phases, medians, strict=True))
        + f", total {statistics.median(totals):.3f} (min {min(totals):.3f}, "
        f"max {max(totals):.3f}); {runs[0][3]} matches"
    )


if __name__ == "__main__":
    main()
