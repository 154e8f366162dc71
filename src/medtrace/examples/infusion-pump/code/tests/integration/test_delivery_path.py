"""All delivery paths pass the limit guard (TC-042)."""

import pytest
from insupump.comms.remote_commands import parse_remote_command
from insupump.hal.motor import MotorAccessError
from insupump.therapy.limits import Kind
from insupump.ui.entry import Key
from insupump.ui.screens import ReviewScreen, TherapyCommand


@pytest.mark.verifies("SWI-001", "SWI-003", "SRS-012", "RC-001")
def test_all_delivery_paths_pass_limit_guard(pump):
    calls = []
    deliver = pump.motor.deliver

    def spy(strokes, *, token):
        calls.append(token)
        return deliver(strokes, token=token)

    pump.motor.deliver = spy
    checked = []
    submit = pump.guard.submit

    def checked_submit(command, now_ms):
        checked.append(command.kind)
        return submit(command, now_ms)

    pump.guard.submit = checked_submit

    pump.run(4 * 60_000)  # basal
    temp = ReviewScreen(
        TherapyCommand("temp-basal", percent=200, duration_min=30), max_bolus_mu=10_000
    ).press(Key.CONFIRM, 0)
    assert pump.apply(temp).ok
    pump.run(4 * 60_000)  # temporary basal
    bolus = ReviewScreen(TherapyCommand("bolus", amount_mu=500), max_bolus_mu=10_000)
    assert pump.apply(bolus.press(Key.CONFIRM, 0)).ok
    pump.run(30_000)
    pump.remote.offer(
        parse_remote_command(b'{"kind":"bolus","amount_mu":300}'), pump.clock.mono_ms()
    )
    remote = pump.remote.review_screen(10_000).press(Key.CONFIRM, pump.clock.mono_ms())
    assert pump.apply(remote).ok
    pump.run(30_000)
    pump.priming.begin()
    pump.priming.confirm_disconnected()
    pump.priming.rewind(pump.clock.mono_ms())
    pump.priming.prime(40, pump.clock.mono_ms())
    pump.priming.confirm_reconnected()
    pump.priming.fill_cannula(300, pump.clock.mono_ms())

    kinds = {kind for _, kind, _ in pump.deliveries}
    assert kinds == set(Kind)  # basal, temp basal, bolus, remote bolus, priming, cannula fill
    assert len(calls) == len(pump.deliveries) == len(checked)  # every command was checked
    assert len({id(token) for token in calls}) == 1  # all carry the guard's token
    assert pump.mcu.executed_strokes == sum(n for _, _, n in pump.deliveries)

    with pytest.raises(MotorAccessError):
        deliver(1, token=object())  # a direct call without the token is refused
    with pytest.raises(MotorAccessError):
        pump.motor.issue_token()  # and nobody else can obtain one
    with pytest.raises(MotorAccessError):
        pump.motor.retract("0.2", token=None)
    assert pump.mcu.executed_strokes == sum(n for _, _, n in pump.deliveries)
