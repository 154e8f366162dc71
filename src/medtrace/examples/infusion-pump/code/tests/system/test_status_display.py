"""Home and About screen content (TC-070)."""

from datetime import datetime

import pytest
from insupump.hal.mcu_protocol import Command
from insupump.therapy.bolus import BolusRequest
from insupump.ui.screens import DeviceInfo, PumpStatus, render_about, render_home

MINUTE = 60_000
BUILD_MANIFEST = {
    "version": "1.2.0",
    "mcu": "2.4.1",
    "build": "insupump-1.2.0+b417.g3e9c2a1",
    "serial": "IP-2403-00117",
    "udi_di": "04260123450017",
}


@pytest.mark.verifies("SYS-017", "SRS-039", "SRS-040")
def test_home_and_about_screen_values(pump):
    pump.run(60 * MINUTE, step_ms=1_000)
    bolus_time = pump.clock.local()
    assert pump.bolus.start(BolusRequest(2_000), pump.clock.mono_ms()).ok
    pump.run(35 * MINUTE, step_ms=1_000)
    pump.send_cgm(136)
    pump.run(5 * MINUTE, step_ms=1_000)
    latest = pump.send_cgm(142)
    pump.run(3 * MINUTE, step_ms=1_000)

    now = pump.clock.mono_ms()
    status = PumpStatus(
        local_time=pump.clock.local(),
        battery_percent=83,
        reservoir_mu=pump.supply.remaining_mu(),
        iob_mu=pump.iob.value(now),
        basal_rate_mu_h=pump.scheduler.rate_at(pump.clock.local_minute()),
        temp_basal=pump.scheduler.temp_basal is not None,
        last_bolus_mu=pump.bolus.last_outcome.delivered_mu,
        last_bolus_time=bolus_time,
        cgm_mgdl=latest.value_mgdl,
        cgm_trend=latest.trend_mgdl_per_min,
        cgm_age_min=latest.age_min(now),
    )
    screen = render_home(status)

    # the bench reference: balance, programmed therapy and the CGM simulator
    delivered_u = pump.mcu.executed_strokes * 0.05
    assert screen == {
        "time": "08:43",
        "battery": "83 %",
        "insulin remaining": f"{int(300 - delivered_u)} U",
        "insulin on board": "1.70 U",
        "basal": "1.00 U/h",
        "last bolus": f"2.00 U at {bolus_time:%H:%M}",
        "CGM": "142 mg/dL \u2197 3 min",
    }
    assert bolus_time == datetime(2026, 3, 2, 8, 0)
    # 2.00 U delivered 43 minutes ago: 1.700 U by numerical integration of the action curve
    assert abs(pump.iob.value(now) - 1_700) <= 5

    about = render_about(
        DeviceInfo(
            BUILD_MANIFEST["version"],
            BUILD_MANIFEST["mcu"],
            BUILD_MANIFEST["build"],
            BUILD_MANIFEST["serial"],
            BUILD_MANIFEST["udi_di"],
        )
    )
    assert about == {
        "title": "About",
        "Software version": "1.2.0",
        "Safety MCU firmware": "2.4.1",
        "Build": "insupump-1.2.0+b417.g3e9c2a1",
        "Serial number": "IP-2403-00117",
        "UDI-DI": "04260123450017",
    }
    reported = pump.protocol.send(Command.VERSION).payload.decode()
    assert reported == f"MCU {about['Safety MCU firmware']}"  # what the MCU itself reports
