"""Settings integrity and the clinician PIN (TC-081)."""

from dataclasses import replace

import pytest
from insupump.therapy.settings import SETTINGS_LOST, TherapySettings
from insupump.ui.entry import PinGuard, PinLockedOutError
from insupump.ui.screens import ClinicianSettingsScreen, PinRequiredError

MINUTE = 60_000


@pytest.mark.verifies("SYS-030")
def test_settings_protected_and_corruption_detected(make_pump, clock):
    pump = make_pump()
    pump.boot()
    pins = PinGuard(pump.nvm)
    pins.set_pin("730415")
    screen = ClinicianSettingsScreen(pump.store, pins, log=pump.log)
    for field, value in (
        ("max_bolus_mu", 15_000),
        ("max_basal_mu_h", 8_000),
        ("max_daily_mu", 120_000),
        ("dia_min", 300),
    ):
        with pytest.raises(PinRequiredError):
            screen.change(field, value, clock.mono_ms())
        assert screen.change(field, value, clock.mono_ms(), pin="730415") == replace(
            pump.store.current, **{field: value}
        )
    assert pump.store.current.max_bolus_mu == 15_000
    changes = pump.log.events({"settings-change"})
    assert changes[0].payload == {"setting": "max_bolus_mu", "old": 10_000, "new": 15_000}

    for _ in range(5):
        with pytest.raises(PinRequiredError):
            screen.change("max_bolus_mu", 25_000, clock.mono_ms(), pin="123456")
    with pytest.raises(PinLockedOutError):
        screen.change("max_bolus_mu", 25_000, clock.mono_ms(), pin="730415")
    pump.shutdown()
    restarted = make_pump(nvm=pump.nvm, mcu=pump.mcu)  # the lockout survives a restart
    restarted.boot()
    retry = ClinicianSettingsScreen(restarted.store, PinGuard(restarted.nvm))
    with pytest.raises(PinLockedOutError):
        retry.change("max_bolus_mu", 25_000, clock.mono_ms(), pin="730415")
    clock.advance(15 * MINUTE)
    assert retry.change("max_bolus_mu", 12_000, clock.mono_ms(), pin="730415").max_bolus_mu == (
        12_000
    )

    expected = restarted.store.current
    restarted.shutdown()
    nvm = restarted.nvm
    nvm["settings.b"] = nvm["settings.b"][:20] + b"#" + nvm["settings.b"][21:]
    one_damaged = make_pump(nvm=nvm, mcu=pump.mcu)  # one copy corrupted between restarts
    assert one_damaged.boot().passed
    assert one_damaged.store.current == expected and nvm["settings.a"] == nvm["settings.b"]
    one_damaged.run(10 * MINUTE, step_ms=1_000)
    assert one_damaged.strokes() > 0

    one_damaged.shutdown()
    nvm["settings.a"] = nvm["settings.a"][:-2] + b"\x00\x00"
    nvm["settings.b"] = nvm["settings.b"][:-2] + b"\x00\x00"
    both_damaged = make_pump(nvm=nvm, mcu=pump.mcu)
    result = both_damaged.boot()
    assert not result.passed and result.error_code == "E-020"
    assert both_damaged.store.delivery_blocked
    assert both_damaged.log.events({"settings-lost"})[-1].payload == {"message": SETTINGS_LOST}
    strokes = both_damaged.mcu.executed_strokes
    both_damaged.run(10 * MINUTE, step_ms=1_000)
    assert both_damaged.mcu.executed_strokes == strokes  # no delivery on lost settings
    both_damaged.store.save(TherapySettings())  # re-entered therapy settings
    assert both_damaged.store.current == TherapySettings()
