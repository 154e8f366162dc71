"""Delivery against the safety MCU simulator with line errors (TC-043).

The device talks to the safety MCU through pySerial (SOUP-002) on /dev/ttymxc2; here the
simulator implements pySerial's port interface (write, read with timeout,
reset_input_buffer) and corrupts or drops frames in both directions."""

import random

import pytest
from insupump.hal.mcu_protocol import DeliveryError, McuProtocol
from insupump.hal.motor import MotorLink


@pytest.mark.verifies("SWI-003", "SRS-064", "SOUP-002")
def test_delivery_against_mcu_simulator_with_line_errors(mcu):
    mcu.rng = random.Random(43)
    mcu.frame_error_rate = 0.01
    mcu.drop_rate = 0.01
    protocol = McuProtocol(mcu)
    link = MotorLink(protocol)
    token = link.issue_token()
    acknowledged = failed = 0
    for _ in range(3_000):
        try:
            report = link.deliver(1, token=token)
        except DeliveryError:
            failed += 1  # reported, never silent
        else:
            acknowledged += 1
            assert report.commanded_total == acknowledged
    assert protocol.transmissions > 3_000  # errors happened and were retried
    assert set(mcu.executions.values()) == {1}  # no command executed twice
    assert mcu.executed_strokes == len(mcu.executions)
    # every acknowledged command was executed; a failure is always reported
    assert acknowledged <= mcu.executed_strokes <= acknowledged + failed
    assert acknowledged + failed == 3_000

    mcu.drop_all = True  # the line is dead
    sent = protocol.transmissions
    with pytest.raises(DeliveryError, match="Delivery error"):
        link.deliver(1, token=token)
    assert protocol.transmissions - sent == 4  # the command lost, then its 3 repeats lost
