"""``[signatures]`` of medtrace.toml and the register of signers: read as written, and bad
input named by file and line (issue 21)."""

from __future__ import annotations

from pathlib import Path

import pytest

from medtrace.errors import ProjectError
from medtrace.model.signature import AccountRules, Register, Signer, SigningPolicy
from medtrace.store.signatures import read_policy, read_register, write_register

CONFIG = """[project]
name = "Pump"

[signatures]
required = ["plan", "release"]
second-factor = ["released"]

[signatures.allow]
release = { released = ["qa"], approved = ["qa"] }

[signatures.accounts]
idle-minutes = 10
lockout-after = 3
"""


def test_the_policy_is_read_with_its_defaults(tmp_path: Path) -> None:
    (tmp_path / "medtrace.toml").write_text(CONFIG, "utf-8")
    policy = read_policy(tmp_path)
    assert policy.required == ("plan", "release") and policy.second_factor == ("released",)
    assert policy.roles_for("release", "released") == ("qa",)
    assert policy.roles_for("release", "reviewed") == ()  # the kind's own table decides
    assert policy.roles_for("plan", "approved") == ("approver", "admin")  # the default
    assert policy.meanings_for("release", ("qa",)) == ("approved", "released")
    assert policy.accounts == AccountRules(idle_minutes=10, lockout_after=3)
    assert read_policy(tmp_path / "nowhere") == SigningPolicy()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("colour = 1\n", r"medtrace.toml:4: unknown \[signatures\] key 'colour'"),
        ("[signatures.allow]\nplan = { signed = ['qa'] }\n", "'signed' is not one of"),
        ("[signatures.accounts]\nidle-minutes = 0\n", "is not a whole number >= 1"),
    ],
)
def test_a_bad_policy_is_named_by_file_and_line(tmp_path: Path, extra: str, message: str) -> None:
    text = '[project]\nname = "P"\n\n[signatures]\n' + extra
    (tmp_path / "medtrace.toml").write_text(text, "utf-8")
    with pytest.raises(ProjectError, match=message):
        read_policy(tmp_path)


def test_the_register_is_written_and_read_back(tmp_path: Path) -> None:
    register = Register(
        path="signatures/signers.toml",
        signers=(
            Signer(id="bob", name="Bob Brown", roles=("qa",), deactivated="2026-06-01T00:00:00Z"),
            Signer(id="alice", name='Alice "Al" Adams', roles=("approver", "qa"), keys=("k1",)),
        ),
        server_keys=("ssh-ed25519 AAAA server",),
    )
    path = write_register(tmp_path, register)
    again = read_register(tmp_path, SigningPolicy())
    assert [s.id for s in again.signers] == ["alice", "bob"]
    assert again.signer("alice") == Signer(
        id="alice", name='Alice "Al" Adams', roles=("approver", "qa"), keys=("k1",),
        line=path.read_text("utf-8").splitlines().index("[signers.alice]") + 1,
    )  # fmt: skip
    assert again.server_keys == register.server_keys
    assert not again.signer("bob").active_at("2026-06-01T00:00:00Z")  # type: ignore[union-attr]


def test_a_broken_register_is_named_by_file_and_line(tmp_path: Path) -> None:
    folder = tmp_path / "signatures"
    folder.mkdir()
    (folder / "signers.toml").write_text('[signers.alice]\nname = "A"\nrole = "qa"\n', "utf-8")
    with pytest.raises(ProjectError, match=r"signers.toml:1: unknown key 'role' of signer"):
        read_register(tmp_path, SigningPolicy())
    (folder / "signers.toml").write_text("[signers.alice\n", "utf-8")
    with pytest.raises(ProjectError, match=r"signers.toml:1: not TOML"):
        read_register(tmp_path, SigningPolicy())
