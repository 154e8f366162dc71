"""Signed software and a hardened production image (TC-075)."""

import pytest
from insupump.alarms.manager import Condition
from insupump.safety.image_check import Bundle, ProductionConfig, SecureElement

PAYLOAD = b"insupumpd application bundle " * 64
HARDENED = ProductionConfig(serial_console_login=False, ssh_enabled=False, debug_entry_points=False)


@pytest.mark.verifies("SYS-023", "SRS-052")
def test_unsigned_rollback_and_debug_images_refused(make_pump, signer):
    def start(bundle, config=HARDENED, accepted=(1, 1, 0)):
        pump = make_pump()
        element = SecureElement(signer.public_key, last_accepted=accepted)
        result = pump.boot(bundle=bundle, element=element, hardening=config)
        pump.run(10 * 60_000, step_ms=1_000)
        return pump, result

    pump, result = start(signer.bundle((1, 2, 0), PAYLOAD))
    assert result.passed and pump.mcu.executed_strokes > 0

    tampered = signer.bundle((1, 2, 0), PAYLOAD)
    tampered = Bundle(
        tampered.version, PAYLOAD.replace(b"bundle", b"bundlE", 1), tampered.signature
    )
    cases = [
        (tampered, HARDENED, "E-010"),
        (signer.bundle((1, 0, 3), PAYLOAD), HARDENED, "E-010"),  # older, correctly signed
        (signer.bundle((1, 2, 0), PAYLOAD), ProductionConfig(False, True, False), "E-031"),
        (signer.bundle((1, 2, 0), PAYLOAD), ProductionConfig(True, False, False), "E-031"),
        (signer.bundle((1, 2, 0), PAYLOAD), ProductionConfig(False, False, True), "E-031"),
    ]
    for bundle, config, code in cases:
        pump, result = start(bundle, config)
        assert not result.passed and result.error_code == code
        assert result.message == f"Self test failed {code}"
        assert pump.alarms.is_active(Condition.SELF_TEST_FAILED)
        assert pump.mcu.executed_strokes == 0  # therapy blocked
