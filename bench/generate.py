"""Generate a deterministic medtrace project of N items for benchmarks.

Usage: ``python bench/generate.py N OUTDIR [--seed 1]``.

The project has a ``medtrace.toml`` and one Markdown file per item, with YAML
front matter, in the folders a real project would use. The mix of kinds is
fixed (10% system requirements, 35% software requirements, 10% architecture,
15% risk, 30% test cases) and every link points to an item that exists:
``derived-from`` only to system requirements, so there are no cycles. The
output depends only on N and the seed: the same arguments give byte-identical
files.

Importable as well: :func:`generate` returns the number of items of each kind.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

# Shares of N in percent, in the order ties are broken when rounding.
SHARES: tuple[tuple[str, int], ...] = (
    ("system", 10),
    ("software", 35),
    ("architecture", 10),
    ("risk", 15),
    ("tests", 30),
)


@dataclass(frozen=True, slots=True)
class KindInfo:
    """How one kind is written: its name, id prefix, folder and title stem."""

    kind: str
    prefix: str
    folder: str
    title: str


SYS = KindInfo("system-requirement", "SYS", "requirements/system", "System requirement")
SRS = KindInfo("software-requirement", "SRS", "requirements/software", "Software requirement")
SWS = KindInfo("software-system", "SWS", "architecture", "Software system")
SWI = KindInfo("software-item", "SWI", "architecture", "Software item")
SWU = KindInfo("software-unit", "SWU", "architecture", "Software unit")
HAZ = KindInfo("hazard", "HAZ", "risk", "Hazard")
RC = KindInfo("risk-control", "RC", "risk", "Risk control")
TC = KindInfo("test-case", "TC", "tests", "Test case")
ALL_KINDS: tuple[KindInfo, ...] = (SYS, SRS, SWS, SWI, SWU, HAZ, RC, TC)

TOPICS = (
    "dose limits",
    "infusion rate",
    "occlusion detection",
    "alarm escalation",
    "battery monitoring",
    "user authentication",
    "audit logging",
    "sensor calibration",
    "patient identification",
    "data export",
    "firmware update",
    "time synchronisation",
    "vital signs",
    "drug library",
    "air-in-line detection",
    "power loss recovery",
    "network communication",
    "therapy history",
    "self test",
    "keypad input",
)
VERBS = ("monitor", "validate", "record", "limit", "report", "check", "display", "control")
OPENINGS = {
    SYS.kind: "The system shall {verb} {topic} within {num} ms.",
    SRS.kind: "The software shall {verb} {topic} at least every {num} ms.",
    SWS.kind: "The software system covers all functions of the pump, including {topic}.",
    SWI.kind: "This software item groups the units responsible for {topic}.",
    SWU.kind: "This unit implements the logic that {verb}s {topic}.",
    HAZ.kind: "Incorrect {topic} may expose the patient to harm.",
    RC.kind: "The device shall {verb} {topic} and stop therapy after {num} ms of deviation.",
    TC.kind: "Verify that the device can {verb} {topic} within {num} ms.",
}
DETAILS = (
    "Values outside the configured range of {limit} units are rejected.",
    "A deviation is reported to the operator as a high priority alarm.",
    "The event is written to the audit log with a timestamp.",
    "The behaviour is the same in all operating modes.",
    "The check runs again after each restart of the device.",
    "The limit of {limit} is set by the clinical configuration.",
    "Failures are counted and shown on the service screen.",
    "The operator must confirm the value before it takes effect.",
)
CONTROL_TYPES = ("inherent-safety-by-design", "protective-measure", "information-for-safety")
TEST_LEVELS = ("unit", "integration", "system")


@dataclass(slots=True)
class Item:
    """One item to write: front matter entries, links and body text."""

    info: KindInfo
    number: int
    title: str
    body: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    links: list[tuple[str, list[str]]] = field(default_factory=list)

    @property
    def id(self) -> str:
        return item_id(self.info, self.number)


def item_id(info: KindInfo, number: int) -> str:
    """The id of item ``number`` (from 1) of a kind, zero-padded to 5 digits."""
    return f"{info.prefix}-{number:05d}"


def ids(info: KindInfo, count: int) -> list[str]:
    """The ids of the ``count`` items of a kind, in order."""
    return [item_id(info, number) for number in range(1, count + 1)]


def split_shares(n: int) -> dict[str, int]:
    """Split ``n`` by :data:`SHARES` with the largest-remainder method (sums to ``n``)."""
    quotas = {name: n * percent for name, percent in SHARES}
    counts = {name: quota // 100 for name, quota in quotas.items()}
    left = n - sum(counts.values())
    order = sorted(SHARES, key=lambda share: -(quotas[share[0]] % 100))
    for name, _ in order[:left]:
        counts[name] += 1
    return counts


def plan_counts(n: int) -> dict[str, int]:
    """The number of items of each kind for a project of ``n`` items, keyed by kind."""
    shares = split_shares(n)
    arch = shares["architecture"]
    sws = min(arch, 1)
    swi = 0 if arch < 2 else max(1, (arch + 2) // 5)
    risk = shares["risk"]
    haz = 0 if risk == 0 else max(1, (risk + 1) // 3)
    counts = {
        SYS.kind: shares["system"],
        SRS.kind: shares["software"],
        SWS.kind: sws,
        SWI.kind: swi,
        SWU.kind: arch - sws - swi,
        HAZ.kind: haz,
        RC.kind: risk - haz,
        TC.kind: shares["tests"],
    }
    assert sum(counts.values()) == n
    return counts


def pick(rng: random.Random, pool: Sequence[str], low: int, high: int) -> list[str]:
    """Between ``low`` and ``high`` distinct ids from ``pool``, sorted; none if it is empty."""
    if not pool:
        return []
    count = rng.randint(min(low, len(pool)), min(high, len(pool)))
    return sorted(rng.sample(pool, count))


def text(rng: random.Random, info: KindInfo, topic: str) -> str:
    """Two or three sentences of body text for an item of kind ``info``."""
    values = {
        "verb": rng.choice(VERBS),
        "topic": topic,
        "num": str(rng.randint(2, 50) * 10),
        "limit": str(rng.randint(1, 200)),
    }
    sentences = [OPENINGS[info.kind].format_map(values)]
    for detail in rng.sample(DETAILS, rng.randint(1, 2)):
        sentences.append(detail.format_map(values))
    return " ".join(sentences)


def new_item(rng: random.Random, info: KindInfo, number: int) -> Item:
    """An item of kind ``info`` with a title and body but no fields or links yet."""
    topic = rng.choice(TOPICS)
    title = f"{info.title} {number} about {topic}"
    return Item(info=info, number=number, title=title, body=text(rng, info, topic))


def add_links(item: Item, role: str, targets: list[str]) -> None:
    """Add link ``role`` to ``item`` unless ``targets`` is empty."""
    if targets:
        item.links.append((role, targets))


def requirements(rng: random.Random, counts: dict[str, int]) -> list[Item]:
    """System and software requirements; ~30% of the latter implement a risk control."""
    items = [new_item(rng, SYS, number) for number in range(1, counts[SYS.kind] + 1)]
    sys_ids = ids(SYS, counts[SYS.kind])
    rc_ids = ids(RC, counts[RC.kind])
    for number in range(1, counts[SRS.kind] + 1):
        item = new_item(rng, SRS, number)
        add_links(item, "derived-from", pick(rng, sys_ids, 1, 2))
        if rc_ids and rng.random() < 0.3:
            add_links(item, "implements-risk-control", [rng.choice(rc_ids)])
        items.append(item)
    return items


def architecture(rng: random.Random, counts: dict[str, int]) -> list[Item]:
    """The software system, its items (part of the system) and units (part of an item)."""
    items: list[Item] = []
    if counts[SWS.kind]:
        system = new_item(rng, SWS, 1)
        system.fields.append(("safety-class", "C"))
        items.append(system)
    for number in range(1, counts[SWI.kind] + 1):
        item = new_item(rng, SWI, number)
        add_links(item, "part-of", [item_id(SWS, 1)])
        items.append(item)
    swi_ids = ids(SWI, counts[SWI.kind])
    srs_ids = ids(SRS, counts[SRS.kind])
    for number in range(1, counts[SWU.kind] + 1):
        unit = new_item(rng, SWU, number)
        add_links(unit, "part-of", pick(rng, swi_ids, 1, 1))
        add_links(unit, "implements", pick(rng, srs_ids, 1, 3))
        items.append(unit)
    return items


def risks(rng: random.Random, counts: dict[str, int]) -> list[Item]:
    """Hazards (no links) and risk controls that mitigate one or two hazards."""
    items = [new_item(rng, HAZ, number) for number in range(1, counts[HAZ.kind] + 1)]
    haz_ids = ids(HAZ, counts[HAZ.kind])
    for number in range(1, counts[RC.kind] + 1):
        control = new_item(rng, RC, number)
        control.fields.append(("control-type", rng.choice(CONTROL_TYPES)))
        add_links(control, "mitigates", pick(rng, haz_ids, 1, 2))
        items.append(control)
    return items


def tests(rng: random.Random, counts: dict[str, int]) -> list[Item]:
    """Automated test cases, each verifying one to three requirements."""
    targets = ids(SYS, counts[SYS.kind]) + ids(SRS, counts[SRS.kind])
    items: list[Item] = []
    for number in range(1, counts[TC.kind] + 1):
        case = new_item(rng, TC, number)
        case.fields.append(("level", rng.choice(TEST_LEVELS)))
        case.fields.append(("method", "automated"))
        add_links(case, "verifies", pick(rng, targets, 1, 3))
        items.append(case)
    return items


def render(item: Item) -> str:
    """The Markdown file of ``item``: YAML front matter, then the body."""
    lines = [
        "---",
        f"id: {item.id}",
        f"kind: {item.info.kind}",
        f"title: {item.title}",
        "status: approved",
    ]
    lines.extend(f"{name}: {value}" for name, value in item.fields)
    lines.extend(f"{role}: [{', '.join(targets)}]" for role, targets in item.links)
    lines.extend(["---", item.body, ""])
    return "\n".join(lines)


def check_outdir(out: Path) -> None:
    """Refuse an ``out`` that is a file or a non-empty folder."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise FileExistsError(f"{out} exists and is not an empty folder")


def generate(n: int, out: Path, seed: int = 1) -> dict[str, int]:
    """Write a project of ``n`` items into ``out``; return the number of items per kind."""
    if n < 0:
        raise ValueError(f"the number of items must not be negative, not {n}")
    check_outdir(out)
    rng = random.Random(seed)
    counts = plan_counts(n)
    items = requirements(rng, counts) + architecture(rng, counts)
    items += risks(rng, counts) + tests(rng, counts)
    out.mkdir(parents=True, exist_ok=True)
    config = f'[project]\nname = "Generated benchmark project ({n} items)"\n'
    (out / "medtrace.toml").write_text(config, encoding="utf-8", newline="\n")
    for folder in sorted({info.folder for info in ALL_KINDS}):
        (out / folder).mkdir(parents=True, exist_ok=True)
    for item in items:
        path = out / item.info.folder / f"{item.id}.md"
        path.write_text(render(item), encoding="utf-8", newline="\n")
    return counts


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point; prints the counts per kind."""
    parser = argparse.ArgumentParser(description="Generate a medtrace benchmark project.")
    parser.add_argument("n", type=int, help="number of items")
    parser.add_argument("outdir", type=Path, help="folder to create (must be absent or empty)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = parser.parse_args(argv)
    try:
        counts = generate(args.n, args.outdir, args.seed)
    except (FileExistsError, ValueError) as error:
        print(f"generate.py: {error}", file=sys.stderr)
        return 2
    for kind, count in counts.items():
        print(f"{kind:22} {count:7d}")
    print(f"{'total':22} {sum(counts.values()):7d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
