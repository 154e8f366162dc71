"""Small projects built on the fly for the standard's tests (helpers, imported by the tests)."""

from __future__ import annotations

from pathlib import Path

from medtrace.model import SafetyClass

ANSWERS = {
    SafetyClass.A: ("false", "false", "none"),
    SafetyClass.B: ("true", "true", "non-serious-injury"),
    SafetyClass.C: ("true", "true", "serious-injury-or-death"),
}


def classified_system(root: Path, target: SafetyClass) -> Path:
    contributes, unacceptable, harm = ANSWERS[target]
    (root / "items").mkdir(parents=True)
    (root / "medtrace.toml").write_text('[project]\nname = "Scaling"\n', "utf-8")
    (root / "items" / "SWS-001.md").write_text(
        "---\nid: SWS-001\nkind: software-system\ntitle: Pump controller\n---\n", "utf-8"
    )
    (root / "items" / "HAZ-001.md").write_text(
        "---\nid: HAZ-001\nkind: hazard\ntitle: Overdose\n---\n", "utf-8"
    )
    (root / "items" / "SCL-001.md").write_text(
        "---\nid: SCL-001\nkind: safety-classification\ntitle: Classification\n"
        f"classifies: [SWS-001]\nconsiders: [HAZ-001]\n"
        f"contributes-to-hazardous-situation: {contributes}\nunacceptable-risk: {unacceptable}\n"
        f"worst-harm: {harm}\nsafety-class: {target.value}\nrationale: For the test.\n---\n",
        "utf-8",
    )
    return root
