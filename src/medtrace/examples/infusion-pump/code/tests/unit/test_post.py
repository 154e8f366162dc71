"""Power-on self test and power loss recovery (TC-039)."""

import pytest
from insupump.safety.post import STEP_CODES, PowerLossRecovery, SelfTest, standard_steps


@pytest.mark.verifies("SRS-061", "SRS-033", "SWU-017", "DD-017")
def test_any_failed_check_blocks_therapy(clock):
    names = [name for name, _ in STEP_CODES]
    assert [code for _, code in STEP_CODES] == [
        "E-010",
        "E-031",
        "E-020",
        "E-040",
        "E-050",
        "E-060",
        "E-070",
    ]

    def timed(ok=True, seconds=2):
        def check():
            clock.advance(seconds * 1_000)
            return ok

        return check

    passing = SelfTest(standard_steps({name: timed() for name in names}), clock.mono_ms)
    assert passing.run().passed and passing.therapy_allowed
    assert passing.result.duration_ms == 14_000

    ran = []
    for failing, code in STEP_CODES:
        checks = {name: timed(ok=name != failing) for name in names}
        checks = {
            name: (lambda check=check, name=name: ran.append(name) or check())
            for name, check in checks.items()
        }
        ran.clear()
        test = SelfTest(standard_steps(checks), clock.mono_ms)
        result = test.run()
        assert not result.passed and result.error_code == code
        assert result.message == f"Self test failed {code}"
        assert not test.therapy_allowed
        assert ran[-1] == failing  # stops at the first failure

    def broken():
        raise OSError("no reply")

    crashing = {name: timed() for name in names} | {"safety MCU handshake": broken}
    assert SelfTest(standard_steps(crashing), clock.mono_ms).run().error_code == "E-040"
    slow = {name: timed() for name in names} | {"speaker and vibration": timed(seconds=20)}
    result = SelfTest(standard_steps(slow), clock.mono_ms).run()
    assert not result.passed and result.duration_ms > 30_000  # over the 30 s budget

    nvm = {}
    recovery = PowerLossRecovery(nvm)
    recovery.record_alive("14:32")
    assert recovery.on_start() == "Power was lost at 14:32: delivery was stopped"
    assert not recovery.delivery_allowed
    recovery.confirm()
    assert recovery.delivery_allowed
    recovery.mark_clean_shutdown()
    after_clean = PowerLossRecovery(nvm)
    assert after_clean.on_start() is None and after_clean.delivery_allowed
    assert PowerLossRecovery(nvm).on_start() is not None  # the marker is used up at start
