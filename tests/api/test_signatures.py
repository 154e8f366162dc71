"""Electronic signatures (issue 21): made with a registered key, verified by ``check``.

Each test signs a requirement of the example project, committed to a real git
repository, then does what an inspector worries about: edits or copies the record,
signs with a key nobody registered, signs as someone deactivated or without the role,
changes the signed item. ``check`` must say so with the clause and Part 11 section,
and ``release check`` must refuse.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from tests.api.test_evidence_binding import VERSION, reasons, released  # noqa: F401
from tests.api.test_git_changes import Git, git_in, shut_out_git_configuration

from medtrace.api import CheckOptions, LoadOptions, check_project
from medtrace.api.change_control import APPROVED_LATE, UNCONTROLLED, audit_changes
from medtrace.api.documents import assemble, shown_items
from medtrace.api.sign import SignRequest, sign_document, sign_item
from medtrace.api.signers import add_signer, deactivate_signer
from medtrace.cli import cli
from medtrace.errors import MedtraceError
from medtrace.export.documents.markdown import render_markdown
from medtrace.export.documents.pdf import render_pdf
from medtrace.graph.signatures import public_line
from medtrace.model.documents import Signature

NO_CACHE = LoadOptions(use_cache=False)
NOW = dt.datetime(2026, 5, 4, 10, 30, tzinfo=dt.UTC)
REQUIREMENT = "SRS-043"
REQUIREMENT_FILE = Path("requirements/software/SRS-043.md")


def findings(project: Path) -> dict[str, list[str]]:
    """Finding code -> messages, of the signature rules and the approval rules."""
    found: dict[str, list[str]] = {}
    for f in check_project(project, CheckOptions(load=NO_CACHE)).findings:
        if "signature" in f.code or "not-approved" in f.code:
            found.setdefault(f.code, []).append(f.message)
    return found


@pytest.fixture
def signed_project(
    example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, Ed25519PrivateKey, Git]:
    """The example in git, with alice (approver) registered with her key."""
    shut_out_git_configuration(monkeypatch, tmp_path)
    git = git_in(example)
    git("init", "-q")
    git("config", "user.name", "Ada Tester")
    git("config", "user.email", "ada@example.com")
    key = Ed25519PrivateKey.generate()
    add_signer(example, "alice", name="Alice Adams", roles=["approver"], keys=[public_line(key)])
    git("add", "-A")
    git("commit", "-qm", "InsuPump with its register of signers")
    return example, key, git


def sign(project: Path, key: Ed25519PrivateKey, *, signer: str = "alice", **kw: object) -> Path:
    request = SignRequest(
        item_id=str(kw.get("item", REQUIREMENT)),
        meaning=str(kw.get("meaning", "approved")),
        reason="Checked against the system requirement",
        signer=signer,
    )
    when = kw.get("now", NOW)
    assert isinstance(when, dt.datetime)
    return sign_item(project, request, key, now=when, checked=bool(kw.get("checked", True))).path


def test_a_signature_with_a_registered_key_verifies(
    signed_project: tuple[Path, Ed25519PrivateKey, Git],
) -> None:
    project, key, _ = signed_project
    path = sign(project, key)
    text = path.read_text("utf-8")
    assert 'name: "Alice Adams"' in text and 'signed-at: "2026-05-04T10:30:00Z"' in text
    assert findings(project) == {}


def test_a_hand_edited_record_is_forged(
    signed_project: tuple[Path, Ed25519PrivateKey, Git],
) -> None:
    project, key, _ = signed_project
    path = sign(project, key)
    path.write_text(path.read_text("utf-8").replace('"approved"', '"reviewed"'), "utf-8")
    (message,) = findings(project)["62304.5.2.6/signature-forged"]
    assert message.startswith("21 CFR 11.70: reviewed signature SIG-0001")
    assert "edited or copied" in message


def test_a_record_copied_onto_another_item_is_forged(
    signed_project: tuple[Path, Ed25519PrivateKey, Git],
) -> None:
    project, key, _ = signed_project
    path = sign(project, key)
    copy = path.with_name("SIG-0002.md")
    text = path.read_text("utf-8").replace("SIG-0001", "SIG-0002")
    copy.write_text(text.replace(REQUIREMENT, "SRS-029"), "utf-8")
    found = findings(project)
    assert len(found["62304.5.2.6/signature-forged"]) == 1
    assert "SIG-0002" in found["62304.5.2.6/signature-forged"][0]
    shutil.copy(path, path.with_name("SIG-0003.md"))  # the same record twice: an id taken twice
    assert any(f.code.startswith("item/") for f in check_project(project).findings)


def test_a_signature_by_a_key_nobody_registered_is_forged(
    signed_project: tuple[Path, Ed25519PrivateKey, Git],
) -> None:
    project, _, _ = signed_project
    sign(project, Ed25519PrivateKey.generate(), checked=False)
    (message,) = findings(project)["62304.5.2.6/signature-forged"]
    assert "not among alice's keys" in message


def test_the_command_line_signs_with_a_registered_key_only(
    signed_project: tuple[Path, Ed25519PrivateKey, Git], tmp_path: Path, runner: CliRunner
) -> None:
    project, key, _ = signed_project
    mine, stranger = tmp_path / "id_ed25519", tmp_path / "stranger"
    for path, private in ((mine, key), (stranger, Ed25519PrivateKey.generate())):
        path.write_bytes(
            private.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.OpenSSH,
                serialization.NoEncryption(),
            )
        )
    base = [
        "sign",
        REQUIREMENT,
        "--meaning",
        "approved",
        "--reason",
        "Checked",
        "--path",
        str(project),
    ]
    refused = runner.invoke(cli, [*base, "--key", str(stranger)])
    assert refused.exit_code == 2 and "is not registered" in refused.output
    accepted = runner.invoke(cli, [*base, "--key", str(mine)])
    assert accepted.exit_code == 0, accepted.output
    assert "SIG-0001" in accepted.output and findings(project) == {}


def test_a_signature_made_after_deactivation_is_unauthorised(
    signed_project: tuple[Path, Ed25519PrivateKey, Git],
) -> None:
    project, key, _ = signed_project
    sign(project, key)  # before: stays valid
    deactivate_signer(project, "alice", now=NOW + dt.timedelta(days=1))
    with pytest.raises(MedtraceError, match="deactivated"):
        sign(project, key, item="SRS-029", now=NOW + dt.timedelta(days=2))
    sign(project, key, item="SRS-029", now=NOW + dt.timedelta(days=2), checked=False)
    (message,) = findings(project)["62304.5.2.6/signature-unauthorised"]
    assert "SIG-0002" in message and "after their account was deactivated" in message


def test_a_signature_outside_the_signers_role_is_unauthorised(
    signed_project: tuple[Path, Ed25519PrivateKey, Git],
) -> None:
    project, _, _ = signed_project
    other = Ed25519PrivateKey.generate()
    add_signer(project, "bob", name="Bob Brown", roles=["author"], keys=[public_line(other)])
    with pytest.raises(MedtraceError, match="may not sign 'approved'"):
        sign(project, other, signer="bob")
    sign(project, other, signer="bob", checked=False)
    (message,) = findings(project)["62304.5.2.6/signature-unauthorised"]
    assert "the role author may not sign 'approved' on a software-requirement" in message


def test_the_policy_says_who_signs_what_per_kind(
    signed_project: tuple[Path, Ed25519PrivateKey, Git],
) -> None:
    project, key, _ = signed_project
    config = project / "medtrace.toml"
    config.write_text(
        config.read_text("utf-8")
        + '\n[signatures.allow]\nsoftware-requirement = { approved = ["qa"] }\n',
        "utf-8",
    )
    with pytest.raises(MedtraceError, match=r"allowed: qa"):
        sign(project, key)
    add_signer(project, "alice", name="Alice Adams", roles=["approver", "qa"])
    sign(project, key)
    assert findings(project) == {}


def test_a_change_to_the_signed_item_voids_the_signature(
    signed_project: tuple[Path, Ed25519PrivateKey, Git],
) -> None:
    project, key, _ = signed_project
    sign(project, key)
    file = project / REQUIREMENT_FILE
    file.write_text(file.read_text("utf-8") + "\nA later sentence.\n", "utf-8")
    (message,) = findings(project)["62304.5.2.6/signature-void"]
    assert "SRS-043 changed since SIG-0001 was made" in message


def test_where_signatures_are_required_only_a_current_signature_approves(
    signed_project: tuple[Path, Ed25519PrivateKey, Git],
) -> None:
    project, key, _ = signed_project
    config = project / "medtrace.toml"
    config.write_text(
        config.read_text("utf-8") + '\n[signatures]\nrequired = ["software-requirement"]\n',
        "utf-8",
    )
    unsigned = findings(project)["62304.5.2.6/requirement-not-approved"]
    assert any(m.startswith("SRS-043 has no electronic signature approving it") for m in unsigned)
    sign(project, key)
    after = findings(project)["62304.5.2.6/requirement-not-approved"]
    assert not any(m.startswith("SRS-043 ") for m in after)
    assert len(after) == len(unsigned) - 1


def test_a_void_signature_blocks_the_release(
    released: tuple[Path, Git],  # noqa: F811
) -> None:
    project, git = released
    key = Ed25519PrivateKey.generate()
    add_signer(project, "alice", name="Alice Adams", roles=["approver"], keys=[public_line(key)])
    sign(project, key)
    git("add", "-A")
    git("commit", "-qm", "Approve SRS-043")
    assert "signature-void" not in reasons(project).get("release/open-findings", "")
    file = project / REQUIREMENT_FILE
    file.write_text(file.read_text("utf-8") + "\nA later sentence.\n", "utf-8")
    git("commit", "-qam", "Change SRS-043 after its approval")
    assert "62304.5.2.6/signature-void: 1 (SIG-0001)" in reasons(project)["release/open-findings"]


def _srs_signatures(project: Path) -> list[Signature]:
    documents = assemble(project, NO_CACHE).documents
    srs = next(d for d in documents if d.slug == "srs")
    return [s for s in srs.control.approvals if s.electronic]


def test_the_documents_signature_page_shows_the_signature_valid_then_void(
    signed_project: tuple[Path, Ed25519PrivateKey, Git],
) -> None:
    project, key, _ = signed_project
    sign(project, key)
    (row,) = _srs_signatures(project)
    assert (row.name, row.meaning, row.date, row.status, row.item) == (
        "Alice Adams",
        "approved",
        "2026-05-04 10:30:00 UTC",
        "valid",
        REQUIREMENT,
    )
    file = project / REQUIREMENT_FILE
    file.write_text(file.read_text("utf-8") + "\nA later sentence.\n", "utf-8")
    (void,) = _srs_signatures(project)
    assert void.status == "void: content changed since"
    documents = assemble(project, NO_CACHE)
    srs = next(d for d in documents.documents if d.slug == "srs")
    markdown = render_markdown(documents, srs)
    assert (
        "| Alice Adams | approver | approved | 2026-05-04 10:30:00 UTC | SIG-0001 on SRS-043 "
        "| void: content changed since |"
    ) in markdown
    unsigned = [s for s in srs.control.approvals if not s.electronic]
    assert unsigned and all(
        s.shown.endswith("; approval not electronically signed") for s in unsigned
    )
    # The review record approving the same requirement is void for the same change.
    assert {s.status for s in unsigned if s.record == "RVW-001"} == {"void"}
    assert "| VOID: content changed since (SRS-043 " in markdown


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_the_pdf_signature_page_shows_the_signature(
    signed_project: tuple[Path, Ed25519PrivateKey, Git], tmp_path: Path
) -> None:
    project, key, _ = signed_project
    sign(project, key)
    documents = assemble(project, NO_CACHE)
    srs = next(d for d in documents.documents if d.slug == "srs")
    pdf = tmp_path / "srs.pdf"
    pdf.write_bytes(render_pdf(documents, srs, None))
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    page = " ".join(text[text.rindex("Signatures") :].split())
    assert "Alice Adams" in page and "approved" in page and "valid" in page
    assert "2026-05-04" in page and "10:30:00" in page and "UTC" in page
    if os.environ.get("MEDTRACE_SCREENSHOTS"):
        shutil.copy(pdf, Path(os.environ["MEDTRACE_SCREENSHOTS"]) / "signed-srs.pdf")


def test_where_change_requests_must_be_signed_the_signature_is_their_approval(
    released: tuple[Path, Git],  # noqa: F811
) -> None:
    project, git = released
    git("tag", "v1.2.0")
    key = Ed25519PrivateKey.generate()
    add_signer(project, "alice", name="Alice Adams", roles=["approver"], keys=[public_line(key)])
    config = project / "medtrace.toml"
    config.write_text(
        config.read_text("utf-8") + '\n[signatures]\nrequired = ["change-request"]\n', "utf-8"
    )
    requirement = project / "requirements/software/SRS-008.md"
    requirement.write_text(requirement.read_text("utf-8") + "\nThe message names it.\n", "utf-8")
    (project / "changes" / "CR-009.md").write_text(
        "---\nid: CR-009\nkind: change-request\ntitle: Word the limit message\nstate: approved\n"
        "approved-by: Anna Keller (QA)\napproved-date: 2026-01-01\nchanges: [SRS-008]\n---\n"
        "Align the message.\n",
        "utf-8",
    )
    git("add", "-A")
    git("commit", "-qm", "Reword SRS-008 (CR-009), approved by its fields only")

    def found() -> set[tuple[str, str | None]]:
        return {(f.code, f.item) for f in audit_changes(project, "v1.2.0", "HEAD").findings()}

    assert (UNCONTROLLED, "SRS-008") in found()  # the fields no longer approve it
    sign(project, key, item="CR-009", now=dt.datetime(2026, 1, 2, tzinfo=dt.UTC))
    git("add", "-A")
    git("commit", "-qm", "Sign CR-009")
    assert (UNCONTROLLED, "SRS-008") not in found()
    assert (APPROVED_LATE, "SRS-008") not in found()


def _sign_srs(project: Path, key: Ed25519PrivateKey) -> Path:
    request = SignRequest(item_id="srs", meaning="approved", reason="Reviewed", signer="alice")
    return sign_document(project, request, key, now=NOW).path


def _document_rows(project: Path) -> list[Signature]:
    return [s for s in _srs_signatures(project) if s.item == "this document"]


def test_a_signed_document_covers_every_item_it_shows_and_a_change_voids_it(
    signed_project: tuple[Path, Ed25519PrivateKey, Git],
) -> None:
    project, key, _ = signed_project
    text = _sign_srs(project, key).read_text("utf-8")
    srs = next(d for d in assemble(project, NO_CACHE).documents if d.slug == "srs")
    assert 'document: "srs"' in text and all(f"  - {i}@" in text for i in shown_items(srs))
    assert findings(project) == {}
    (row,) = _document_rows(project)
    assert (row.name, row.meaning, row.status) == ("Alice Adams", "approved", "valid")
    file = project / REQUIREMENT_FILE
    file.write_text(file.read_text("utf-8") + "\nA later sentence.\n", "utf-8")
    (message,) = findings(project)["62304.5.1.6/signature-void"]
    assert "SRS-043 changed since SIG-0001 was made" in message
    assert _document_rows(project)[0].status == "void: content changed since"


def test_an_item_added_to_a_signed_document_is_not_covered_and_the_page_says_so(
    signed_project: tuple[Path, Ed25519PrivateKey, Git],
) -> None:
    project, key, _ = signed_project
    _sign_srs(project, key)
    (project / "requirements/software/SRS-999.md").write_text(
        "---\nid: SRS-999\nkind: software-requirement\ntitle: A new requirement\n"
        "derived-from: [SYS-001]\n---\nThe software shall do one more thing.\n",
        "utf-8",
    )
    (row,) = _document_rows(project)
    assert row.status == "valid; not covering SRS-999 (added since)"


def test_a_document_signature_edited_after_signing_is_forged(
    signed_project: tuple[Path, Ed25519PrivateKey, Git], runner: CliRunner
) -> None:
    project, key, _ = signed_project
    path = _sign_srs(project, key)
    path.write_text(path.read_text("utf-8").replace('document: "srs"', 'document: "sad"'))
    (message,) = findings(project)["62304.5.1.6/signature-forged"]
    assert "edited or copied" in message
    refused = runner.invoke(cli, ["sign", "--meaning", "approved", "--reason", "r",
                                  "--path", str(project)])  # fmt: skip
    assert refused.exit_code == 2 and "name the ITEM to sign, or --document SLUG" in refused.output


def test_a_development_plan_serving_more_purposes_is_reported_unsigned_once(
    tmp_path: Path,
) -> None:
    case = Path(__file__).parents[1] / "conformance" / "5.1.1-signature-missing" / "fires"
    project = shutil.copytree(case, tmp_path / "case", ignore=shutil.ignore_patterns(".medtrace"))
    plan = project / "items" / "PLAN-001.md"
    text = plan.read_text("utf-8")
    plan.write_text(text.replace("plan-type: development", "plan-type: [development, maintenance]"))
    report = check_project(project, CheckOptions(load=NO_CACHE))
    about_plan = sorted(
        f.code
        for f in report.findings
        if f.item == "PLAN-001" and ("signature" in f.code or "not-approved" in f.code)
    )
    assert about_plan == ["62304.5.1.1/development-plan-not-approved"]
