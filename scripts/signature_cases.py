"""Make the conformance cases of the signature rules (tests/conformance/5.x-signature-*).

Each case is a small project signed with a fixed Ed25519 key (Ed25519 signatures are
deterministic, so running this again writes the same files): a signature that verifies
(``passes``), and one edited after signing, by a signer whose role may not sign it, on
an item changed since, or missing where ``[signatures] required`` asks for one
(``fires``). Run it from the repository root after changing the record format:

    .venv/bin/python scripts/signature_cases.py
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from medtrace.api.sign import SignRequest, sign_item
from medtrace.api.signers import add_signer
from medtrace.graph.signatures import public_line

CORPUS = Path("tests/conformance")
KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))  # test data only
OTHER_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
BASES = {
    "5.1.1": ("5.1.1-development-plan-not-approved/passes", "PLAN-001"),
    "5.1.6": ("5.1.6-review-void/passes", "HAZ-001"),
    "5.2.6": ("5.2.6-requirement-not-approved/passes", "SRS-001"),
    "5.3.6": ("5.3.6-review-void/passes", "SWI-001"),
    "5.4.4": ("5.4.4-review-void/passes", "DD-001"),
    "5.7.4": ("5.7.4-review-void/passes", "TC-001"),
}
# The kind [signatures] required names in each clause's signature-missing case; the
# development plan has an approval rule of its own, so 5.1.1's case adds a second plan.
REQUIRED = {
    "5.1.1": "plan",
    "5.1.6": "hazard",
    "5.3.6": "software-item",
    "5.4.4": "detailed-design",
    "5.7.4": "test-case",
}
Edit = Callable[[Path, str], None]


def _signed(
    root: Path, item: str, signer: str = "alice", key: Ed25519PrivateKey = KEY, checked: bool = True
) -> None:
    request = SignRequest(
        item_id=item, meaning="approved", reason="Checked for the release", signer=signer
    )
    sign_item(root, request, key, now=NOW, checked=checked)


def _forge(root: Path, item: str) -> None:
    _signed(root, item)
    record = root / "signatures" / "SIG-0001.md"
    text = record.read_text("utf-8")
    record.write_text(text.replace("Checked for the release", "Checked for every release"))


def _unauthorised(root: Path, item: str) -> None:
    add_signer(root, "bob", name="Bob Brown", roles=["author"], keys=[public_line(OTHER_KEY)])
    _signed(root, item, signer="bob", key=OTHER_KEY, checked=False)


def _void(root: Path, item: str) -> None:
    _signed(root, item)
    path = next((root / "items").glob(f"{item}.md"))
    path.write_text(path.read_text("utf-8").rstrip("\n") + "\nA sentence added later.\n")


def _unsigned(root: Path, item: str) -> None:
    if item == "PLAN-001":
        plan = root / "items" / "PLAN-002.md"
        plan.write_text(
            "---\nid: PLAN-002\nkind: plan\ntitle: Software maintenance plan\n"
            "plan-type: maintenance\nversion: 1.0\n---\nHow the software is maintained.\n"
        )
    _require(root, _kind_of(item))


def _signed_required(root: Path, item: str) -> None:
    _unsigned(root, item)
    _signed(root, _missing_item(item))


def _missing_item(item: str) -> str:
    return "PLAN-002" if item == "PLAN-001" else item


def _kind_of(item: str) -> str:
    return next(kind for clause, kind in REQUIRED.items() if BASES[clause][1] == item)


def _require(root: Path, kind: str) -> None:
    config = root / "medtrace.toml"
    text = config.read_text("utf-8")
    config.write_text(text + f'\n[signatures]\nrequired = ["{kind}"]\n')


CASES: dict[str, tuple[Edit, Edit]] = {  # rule -> (fires, passes)
    "forged": (_forge, _signed),
    "unauthorised": (_unauthorised, _signed),
    "void": (_void, _signed),
    "missing": (_unsigned, _signed_required),
}


def make(clause: str, rule: str) -> None:
    base, item = BASES[clause]
    fires, passes = CASES[rule]
    case = CORPUS / f"{clause}-signature-{rule}"
    shutil.rmtree(case, ignore_errors=True)
    for name, edit in (("fires", fires), ("passes", passes)):
        root = case / name
        shutil.copytree(CORPUS / base, root)
        (root / "expected.json").unlink()
        config = root / "medtrace.toml"
        old_rule = base.split("/")[0][len(clause) + 1 :]
        text = config.read_text("utf-8").replace(old_rule, f"signature-{rule}")
        config.write_text(text.replace("passes)", f"{name})"))
        add_signer(root, "alice", name="Alice Adams", roles=["approver"], keys=[public_line(KEY)])
        edit(root, item)
        found = [] if name == "passes" else [_expected(rule, item)]
        code = f"62304.{clause}/signature-{rule}"
        data = {"rule": code, "findings": found}
        (root / "expected.json").write_text(json.dumps(data, indent=2) + "\n")
        shutil.rmtree(root / ".medtrace", ignore_errors=True)


def _expected(rule: str, item: str) -> dict[str, str]:
    if rule == "missing":
        missing = _missing_item(item)
        return {"item": missing, "path": f"items/{missing}.md"}
    return {"item": "SIG-0001", "path": "signatures/SIG-0001.md"}


def main() -> None:
    os.environ["GIT_CEILING_DIRECTORIES"] = str(CORPUS.resolve())  # no commit to name
    for clause in BASES:
        for rule in CASES:
            if clause == "5.2.6" and rule == "missing":
                continue  # 5.2.6 reports a requirement's missing approval itself
            make(clause, rule)


if __name__ == "__main__":
    main()
