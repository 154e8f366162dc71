"""Signed bundle, anti-rollback and hardening (TC-040)."""

from dataclasses import replace

import pytest
from insupump.safety.image_check import (
    Bundle,
    ProductionConfig,
    SecureElement,
    check_hardening,
    verify_bundle,
)

PAYLOAD = b"insupumpd 1.2.0 application bundle\x00" + bytes(range(256)) * 4


@pytest.mark.verifies("SRS-051", "SRS-052", "SWU-017")
def test_tampered_bundle_rollback_and_debug_access_rejected(signer):
    element = SecureElement(signer.public_key, last_accepted=(1, 1, 0))
    bundle = signer.bundle((1, 2, 0), PAYLOAD)
    assert verify_bundle(bundle, element).passed
    assert element.last_accepted == (1, 2, 0)

    for position in (0, len(PAYLOAD) // 2, len(PAYLOAD) - 1):
        changed = bytearray(PAYLOAD)
        changed[position] ^= 0x01  # one changed byte
        result = verify_bundle(Bundle(bundle.version, bytes(changed), bundle.signature), element)
        assert not result.passed and result.message == "Self test failed E-010"
    relabelled = Bundle((1, 3, 0), PAYLOAD, bundle.signature)  # version changed, not signed
    assert verify_bundle(relabelled, element).error_code == "E-010"

    older = signer.bundle((1, 1, 0), PAYLOAD)  # correctly signed, but a rollback
    result = verify_bundle(older, element)
    assert not result.passed and result.error_code == "E-010"
    assert "older" in result.reason
    assert verify_bundle(signer.bundle((1, 2, 0), PAYLOAD), element).passed  # same version

    hardened = ProductionConfig(
        serial_console_login=False, ssh_enabled=False, debug_entry_points=False
    )
    assert check_hardening(hardened).passed
    for enabled in ("serial_console_login", "ssh_enabled", "debug_entry_points"):
        config = replace(hardened, **{enabled: True})
        result = check_hardening(config)
        assert not result.passed and result.message == "Self test failed E-031"
        assert enabled in result.reason
    service = ProductionConfig(
        serial_console_login=True, ssh_enabled=True, debug_entry_points=True, production=False
    )
    assert check_hardening(service).passed  # the service image is not a production unit
