"""Time reading a generated CycloneDX 1.6 JSON SBOM of about 2 MB (target: under 1 s).

Usage: ``python bench/run_sbom.py [--runs 5] [--components 2000]`` with the
``python`` of the environment that has medtrace installed. The SBOM (npm, PyPI
and Maven components with hashes, licences, suppliers, a few nested ones) is
written to a temporary folder; each run reads it from disk and parses it with
:func:`medtrace.ingest.sbom.parse_sbom` in this process, timed as a whole.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from medtrace.ingest.sbom import parse_sbom

_KINDS = (("npm", "@bench"), ("pypi", ""), ("maven", "org.example.bench"))


def component(n: int) -> dict[str, object]:
    kind, group = _KINDS[n % len(_KINDS)]
    name, version = f"package-{n}", f"{n % 9}.{n % 50}.{n % 7}"
    namespace = f"{group.replace('@', '%40')}/" if group else ""
    purl = f"pkg:{kind}/{namespace}{name}@{version}"
    made: dict[str, object] = {
        "type": "library",
        "bom-ref": purl,
        "name": name,
        "version": version,
        "description": f"The {name} library, generated for the benchmark.",
        "supplier": {"name": "Example Corp"},
        "scope": "optional" if n % 4 == 0 else "required",
        "hashes": [
            {"alg": "SHA-256", "content": hashlib.sha256(name.encode()).hexdigest()},
            {"alg": "SHA-512", "content": hashlib.sha512(name.encode()).hexdigest()},
        ],
        "licenses": [{"license": {"id": "MIT"}}],
        "purl": purl,
        "externalReferences": [{"type": "vcs", "url": f"https://example.com/{name}.git"}],
    }
    if group:
        made["group"] = group
    return made


def sbom(count: int) -> bytes:
    components = [component(n) for n in range(count)]
    for n in range(0, count - 1, 50):  # every 50th component holds the next one
        nested = components[n + 1]
        components[n]["components"] = [nested]
        nested["bom-ref"] = f"{nested['bom-ref']}#nested"
    top = [c for c in components if not str(c["bom-ref"]).endswith("#nested")]
    document = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
        "version": 1,
        "metadata": {"component": {"type": "application", "name": "bench", "bom-ref": "app"}},
        "components": top,
        "dependencies": [{"ref": "app", "dependsOn": [c["bom-ref"] for c in top]}],
    }
    return json.dumps(document, indent=2).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--components", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bom.json"
        path.write_bytes(sbom(args.components))
        size = path.stat().st_size
        walls, count = [], 0
        for _ in range(args.runs):
            start = time.perf_counter()
            found, findings = parse_sbom(path.read_bytes(), "bom.json")
            walls.append(time.perf_counter() - start)
            if found is None:
                sys.exit(f"parse failed: {findings}")
            count = len(found.components)
    print(
        f"parse_sbom of a {size / 1e6:.2f} MB CycloneDX 1.6 JSON SBOM, {args.runs} runs: "
        f"median {statistics.median(walls):.3f} s (min {min(walls):.3f}, max {max(walls):.3f}), "
        f"{count} components"
    )


if __name__ == "__main__":
    main()
