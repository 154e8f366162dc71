"""Insulin on board rebuilt after an unclean shutdown (TC-046).

A "kill" is a copy of the non-volatile storage taken at a random point of a bolus: between
control loop cycles, just before the MCU executes a stroke, or just after it did and before
the controller has logged it. Each copy is then started as a new controller process."""

import random

import pytest
from insupump.dosing.bolus_calculator import BolusCalculator, CalculatorUnavailable
from insupump.dosing.iob import InsulinOnBoard
from insupump.history.store import EventLog, open_image
from insupump.therapy.bolus import BolusRequest
from insupump.therapy.settings import TherapySettings


@pytest.mark.verifies("SWI-006", "SWI-002", "SRS-017", "SRS-055", "RC-004", "SOUP-006")
def test_iob_rebuilt_after_unclean_shutdown(make_pump):
    pump = make_pump(settings=TherapySettings(basal_segments=((0, 1440, 0),)))  # bolus only
    pump.boot()
    rng = random.Random(46)
    kills = []  # (storage copy, strokes executed by the MCU at that moment)

    def kill(_strokes=None):
        if rng.random() < 0.45:
            kills.append((dict(pump.nvm), pump.mcu.executed_strokes))

    pump.mcu.before_execute.append(kill)
    pump.mcu.after_execute.append(kill)
    assert pump.bolus.start(BolusRequest(10_000), pump.clock.mono_ms()).ok
    while pump.bolus.running:
        pump.run(100)
        kill()
    kills = rng.sample(kills, 200)

    for storage, executed in kills:
        log = EventLog(storage, pump.clock)
        assert not log.damaged
        connection = open_image(log.snapshot())
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        sequence = [event.seq for event in log.events()]
        assert sequence == list(range(1, len(sequence) + 1))  # consistent, no gaps
        committed = log.boluses_since(0)
        # every committed stroke was delivered; at most the stroke in flight is unrecorded
        assert executed - 1 <= len(committed) <= executed
        iob = InsulinOnBoard(240)
        iob.rebuild(log, pump.clock.mono_ms())
        expected = InsulinOnBoard(240)
        for stroke_time, amount in committed:
            expected.add_bolus(stroke_time, amount)
        assert iob.value(pump.clock.mono_ms()) == expected.value(pump.clock.mono_ms())

    pump.log.flush()
    image = bytearray(pump.nvm["history.db"])
    for page in range(1, len(image) // 4096):
        image[page * 4096 : page * 4096 + 12] = b"\xff" * 12
    damaged = {"history.db": bytes(image)}
    log = EventLog(damaged, pump.clock)
    assert log.damaged
    iob = InsulinOnBoard(240)
    iob.rebuild(log, pump.clock.mono_ms())
    calculator = BolusCalculator(pump.store.current.calculator(), iob)
    with pytest.raises(CalculatorUnavailable):
        calculator.suggest(30, None, pump.clock.mono_ms(), pump.clock.local_minute())
