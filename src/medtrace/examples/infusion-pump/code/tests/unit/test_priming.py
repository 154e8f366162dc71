"""Reservoir change and priming (TC-008)."""

from decimal import Decimal

import pytest
from insupump.therapy.limits import Kind
from insupump.therapy.priming import DISCONNECT_FIRST, PrimingRefusedError, PrimingState


@pytest.mark.verifies("SRS-065", "RC-016", "SWU-002", "DD-002")
def test_priming_requires_disconnect_confirmation_and_cap(pump):
    workflow, now = pump.priming, pump.clock.mono_ms
    for action in (lambda: workflow.rewind(now()), lambda: workflow.prime(10, now())):
        with pytest.raises(PrimingRefusedError, match=DISCONNECT_FIRST):
            action()  # outside the reservoir change workflow
    workflow.begin()
    for action in (lambda: workflow.rewind(now()), lambda: workflow.prime(10, now())):
        with pytest.raises(PrimingRefusedError, match=DISCONNECT_FIRST):
            action()  # before "Infusion set disconnected from body" is confirmed
    assert pump.mcu.executed_strokes == 0 and pump.mcu.retracts == []

    workflow.confirm_disconnected()
    workflow.rewind(now())
    assert pump.mcu.retracts == [Decimal("45")]
    assert workflow.prime(100, now()) == 100
    assert workflow.prime(700, now()) == 500  # stops at the 30 U budget
    assert workflow.primed_mu == 30_000
    with pytest.raises(PrimingRefusedError, match="30 U"):
        workflow.prime(1, now())
    assert pump.mcu.executed_strokes == 600
    assert {kind for _, kind, _ in pump.deliveries} == {Kind.PRIMING}

    with pytest.raises(PrimingRefusedError):
        workflow.fill_cannula(300, now())  # not reconnected yet
    workflow.confirm_reconnected()
    for amount_mu in (50, 1_050, 2_000):
        with pytest.raises(PrimingRefusedError, match=r"0\.1 to 1\.0 U"):
            workflow.fill_cannula(amount_mu, now())
    assert workflow.fill_cannula(300, now()) == 6
    assert workflow.state is PrimingState.IDLE
    assert pump.mcu.executed_strokes == 606
