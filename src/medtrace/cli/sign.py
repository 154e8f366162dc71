"""``medtrace sign`` (an electronic signature with your own key) and ``medtrace signers``
(the register of who may sign, for an admin)."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import click

from medtrace.api.sign import (
    SignRequest,
    load_private_key,
    sign_document,
    sign_item,
    signer_of_key,
    signing_setup,
)
from medtrace.api.signers import add_server_key, add_signer, deactivate_signer, register_of
from medtrace.cli.boundary import UserFacingError, user_errors
from medtrace.cli.context import SETTINGS, Context, project_option, wait_message

DEFAULT_KEY = Path("~/.ssh/id_ed25519")


@click.command("sign", context_settings=SETTINGS)
@click.argument("item", required=False)
@click.option("--document", default="", help="Sign this generated document (srs, sad...) instead.")
@click.option("--meaning", required=True, help="What the signature means: approved, reviewed...")
@click.option("--reason", required=True, help="Why you sign (recorded in the signature).")
@click.option(
    "--key",
    type=click.Path(path_type=Path),
    default=str(DEFAULT_KEY),
    show_default=True,
    help="Your Ed25519 private key (OpenSSH or PEM), registered in the project.",
)
@click.option("--role", default="", help="The role you sign in (default: your roles).")
@project_option
@click.pass_obj
def sign_command(obj: Context, item: str | None, document: str, meaning: str, reason: str,
                 key: Path, role: str, path: Path) -> None:  # fmt: skip
    """Sign ITEM (or a generated --document) electronically, as it is now, with your
    registered key.

    Writes a signature record (SIG-NNNN) beside the project's others: you (the
    signer whose registered key KEY is), your printed name, the meaning, the UTC
    time, the commit, the fingerprint of the item (of each item the document
    shows) and your reason, signed with KEY. A later change to what it signs
    voids it. An encrypted key's passphrase is asked for (or read from
    MEDTRACE_KEY_PASSPHRASE). Commit the record.
    """
    if bool(item) == bool(document):
        raise click.UsageError("name the ITEM to sign, or --document SLUG")
    with user_errors(obj.debug):
        private = load_private_key(key.expanduser(), _passphrase)
        register, _ = signing_setup(path)
        signer = signer_of_key(register, private)
        request = SignRequest(item_id=item or document, meaning=meaning, reason=reason,
                              signer=signer.id, role=role)  # fmt: skip
        how = sign_document if document else sign_item
        signed = how(path, request, private, now=dt.datetime.now(dt.UTC), on_wait=wait_message)
    click.echo(f"Signed {signed.item} ({meaning}) as {signer.name}: {signed.id} in {signed.path}.")


def _passphrase() -> str:
    given = os.environ.get("MEDTRACE_KEY_PASSPHRASE")
    if given is not None:
        return given
    if not sys.stdin.isatty():
        raise UserFacingError("the key is encrypted: set MEDTRACE_KEY_PASSPHRASE")
    return str(click.prompt("Passphrase of the key", hide_input=True))


@click.group("signers", context_settings=SETTINGS)
def signers() -> None:
    """The register of who may sign (signatures/signers.toml; for an admin).

    Commit every change to it: who may sign is reviewed like any other change.
    """


@signers.command("add", context_settings=SETTINGS)
@click.argument("signer_id", metavar="ID")
@click.option("--name", default="", help="The printed name shown with their signatures.")
@click.option("--role", "roles", multiple=True, help="A role they sign in (repeatable).")
@click.option("--key", "keys", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              multiple=True, help="A public key file (ssh-ed25519 ...) to register.")  # fmt: skip
@project_option
@click.pass_obj
def add(obj: Context, signer_id: str, name: str, roles: tuple[str, ...], keys: tuple[Path, ...],
        path: Path) -> None:  # fmt: skip
    """Register ID (or update their name and roles, and add keys)."""
    with user_errors(obj.debug):
        lines = [k.read_text("utf-8").strip() for k in keys]
        signer = add_signer(
            path, signer_id, name=name, roles=roles, keys=lines, on_wait=wait_message
        )
    click.echo(f"{signer.id} ({signer.name}): roles {', '.join(signer.roles) or 'none'}, "
               f"{len(signer.keys)} key(s).")  # fmt: skip


@signers.command("deactivate", context_settings=SETTINGS)
@click.argument("signer_id", metavar="ID")
@project_option
@click.pass_obj
def deactivate(obj: Context, signer_id: str, path: Path) -> None:
    """Deactivate ID from now on (their earlier signatures stay valid; never removed)."""
    with user_errors(obj.debug):
        signer = deactivate_signer(
            path, signer_id, now=dt.datetime.now(dt.UTC), on_wait=wait_message
        )
    click.echo(f"{signer.id} deactivated at {signer.deactivated}.")


@signers.command("server-key", context_settings=SETTINGS)
@click.argument("public", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@project_option
@click.pass_obj
def server_key(obj: Context, public: Path, path: Path) -> None:
    """Register the web application's public key (PUBLIC: its signing-key.pub)."""
    with user_errors(obj.debug):
        fingerprint = add_server_key(path, public.read_text("utf-8"), on_wait=wait_message)
    click.echo(f"Server key {fingerprint} registered.")


@signers.command("list", context_settings=SETTINGS)
@project_option
@click.pass_obj
def list_signers(obj: Context, path: Path) -> None:
    """List the signers: id, roles, keys, whether active, printed name."""
    with user_errors(obj.debug):
        register = register_of(path)
    for s in register.signers:
        state = f"deactivated {s.deactivated}" if s.deactivated else "active"
        click.echo(f"{s.id}\t{','.join(s.roles)}\t{len(s.keys)} key(s)\t{state}\t{s.name}")
