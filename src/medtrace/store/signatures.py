"""The signing policy (``[signatures]`` of ``medtrace.toml``) and the register of signers
(``signatures/signers.toml``), read and written.

The register is committed with the project and changed only by an admin (``medtrace
signers``, ``medtrace users``), so a review of the pull request sees every change of
who may sign::

    [server]
    keys = ["ssh-ed25519 AAAA... medtrace-server"]   # the web application's public keys

    [signers.alice]
    name = "Alice Adams"
    roles = ["approver"]
    keys = ["ssh-ed25519 AAAA... alice@laptop"]       # for medtrace sign
    deactivated = "2026-06-01T00:00:00Z"              # set once, never removed

Either file being unreadable stops the command with its path and line (exit 2).
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

from medtrace.errors import ProjectError
from medtrace.model import CONFIG_FILE
from medtrace.model.signature import (
    DEFAULT_KIND,
    MEANINGS,
    AccountRules,
    Register,
    Signer,
    SigningPolicy,
)
from medtrace.store.containment import inside
from medtrace.store.files import write_atomic

_POLICY_KEYS = frozenset(
    {"folder", "register", "meanings", "allow", "required", "second-factor", "accounts"}
)
_ACCOUNT_KEYS = ("idle-minutes", "lockout-after", "lockout-minutes", "password-min-length")
_SIGNER_KEYS = frozenset({"name", "roles", "keys", "deactivated"})
_LINE = re.compile(r"at line (\d+)")


def read_policy(root: Path) -> SigningPolicy:
    """``[signatures]`` of the project's ``medtrace.toml`` (the defaults when absent)."""
    path = root / CONFIG_FILE
    try:
        raw = tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return SigningPolicy()  # the configuration's own reader reports it
    table = raw.get("signatures")
    if table is None:
        return SigningPolicy()
    where = f"{path}:{_line_of(path, '[signatures')}"
    if not isinstance(table, dict):
        raise ProjectError(f"{where}: [signatures] is not a table")
    unknown = sorted(set(table) - _POLICY_KEYS)
    if unknown:
        known = ", ".join(sorted(_POLICY_KEYS))
        raise ProjectError(f"{where}: unknown [signatures] key {unknown[0]!r} (known: {known})")
    folder = _text(table.get("folder", "signatures"), "folder", where)
    register = _text(table.get("register", f"{folder}/signers.toml"), "register", where)
    for setting, value in (("folder", folder), ("register", register)):
        inside(root, value, f"{where}: [signatures] {setting}")
    meanings = _texts(table.get("meanings", list(MEANINGS)), "meanings", where)
    return SigningPolicy(
        configured=True,
        folder=folder,
        register=register,
        meanings=meanings,
        allowed=_allowed(table.get("allow"), meanings, where),
        required=_texts(table.get("required", []), "required", where),
        second_factor=_texts(table.get("second-factor", []), "second-factor", where),
        accounts=_accounts(table.get("accounts", {}), where),
    )


def _accounts(value: object, where: str) -> AccountRules:
    """``[signatures.accounts]``: whole numbers of at least 1."""
    if not isinstance(value, dict):
        raise ProjectError(f"{where}: [signatures.accounts] is not a table")
    unknown = sorted(set(value) - set(_ACCOUNT_KEYS))
    if unknown:
        known = ", ".join(_ACCOUNT_KEYS)
        raise ProjectError(f"{where}: unknown [signatures.accounts] key {unknown[0]!r} ({known})")
    numbers = {}
    for key, number in value.items():
        if not isinstance(number, int) or isinstance(number, bool) or number < 1:
            raise ProjectError(f"{where}: [signatures.accounts] {key} is not a whole number >= 1")
        numbers[key.replace("-", "_")] = number
    return AccountRules(**numbers)


def _allowed(
    value: object, meanings: tuple[str, ...], where: str
) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """``[signatures.allow]``: kind (or ``default``) -> meaning -> roles."""
    if value is None:
        return SigningPolicy().allowed
    if not isinstance(value, dict):
        raise ProjectError(f"{where}: [signatures.allow] is not a table")
    rows = []
    for kind, table in sorted(value.items()):
        if not isinstance(table, dict):
            raise ProjectError(f"{where}: [signatures.allow] {kind} is not a table of meanings")
        for meaning, roles in sorted(table.items()):
            if meaning not in meanings:
                raise ProjectError(
                    f"{where}: [signatures.allow] {kind}: {meaning!r} is not one of the "
                    f"meanings ({', '.join(meanings)})"
                )
            rows.append((kind, meaning, _texts(roles, f"allow.{kind}.{meaning}", where)))
    if not any(kind == DEFAULT_KIND for kind, _, _ in rows):
        rows.extend(SigningPolicy().allowed)
    return tuple(rows)


def read_register(root: Path, policy: SigningPolicy) -> Register:
    """The register the policy names (empty when the file does not exist yet)."""
    path = inside(root, policy.register, "[signatures] register")
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        return Register(path=policy.register)
    except (OSError, UnicodeDecodeError) as error:
        raise ProjectError(f"{path}: cannot read the register of signers ({error})") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = _LINE.search(str(error))
        line = found.group(1) if found else "1"
        raise ProjectError(f"{path}:{line}: not TOML ({error})") from None
    server = raw.get("server", {})
    where = f"{path}:{_line_in(text, '[server]')}"
    if not isinstance(server, dict):
        raise ProjectError(f"{where}: [server] is not a table")
    signers = raw.get("signers", {})
    if not isinstance(signers, dict):
        raise ProjectError(f"{path}:1: [signers] is not a table")
    return Register(
        path=policy.register,
        signers=tuple(_signer(path, text, name, table) for name, table in sorted(signers.items())),
        server_keys=_texts(server.get("keys", []), "server keys", where),
    )


def _signer(path: Path, text: str, name: str, table: object) -> Signer:
    line = _line_in(text, f"[signers.{name}]")
    where = f"{path}:{line}"
    if not isinstance(table, dict):
        raise ProjectError(f"{where}: signer {name!r} is not a table")
    unknown = sorted(set(table) - _SIGNER_KEYS)
    if unknown:
        raise ProjectError(f"{where}: unknown key {unknown[0]!r} of signer {name!r}")
    return Signer(
        id=name,
        name=_text(table.get("name", ""), "name", where) or name,
        roles=_texts(table.get("roles", []), "roles", where),
        keys=_texts(table.get("keys", []), "keys", where),
        deactivated=_text(table.get("deactivated", ""), "deactivated", where),
        line=line,
    )


def write_register(root: Path, register: Register) -> Path:
    """Write the register (atomically, in a fixed order a diff reads well)."""
    lines = [
        "# Who may sign in this project, and the web application's public keys.",
        "# Managed by an admin with medtrace signers and medtrace users; review every change.",
        "",
        "[server]",
        f"keys = {_array(register.server_keys)}",
    ]
    for signer in sorted(register.signers, key=lambda s: s.id):
        lines += ["", f"[signers.{_key(signer.id)}]", f"name = {json.dumps(signer.name)}"]
        lines.append(f"roles = {_array(signer.roles)}")
        lines.append(f"keys = {_array(signer.keys)}")
        if signer.deactivated:
            lines.append(f"deactivated = {json.dumps(signer.deactivated)}")
    path = inside(root, register.path, "[signatures] register")
    write_atomic(path, ("\n".join(lines) + "\n").encode("utf-8"))
    return path


def _array(values: tuple[str, ...]) -> str:
    if len(values) <= 1:
        return "[" + ", ".join(json.dumps(v) for v in values) + "]"
    return "[\n" + "".join(f"    {json.dumps(v)},\n" for v in values) + "]"


def _key(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else json.dumps(name)


def _text(value: object, key: str, where: str) -> str:
    if not isinstance(value, str):
        raise ProjectError(f"{where}: {key} is not a string")
    return value


def _texts(value: object, key: str, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ProjectError(f"{where}: {key} is not a list of strings")
    return tuple(value)


def _line_of(path: Path, needle: str) -> int:
    try:
        return _line_in(path.read_text("utf-8"), needle)
    except OSError:
        return 1


def _line_in(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip().startswith(needle):
            return number
    return 1
