"""CGM reading validation (TC-033)."""

import pytest
from insupump.cgm.validator import CgmValidator, RawReading

PAIRED = "8G4K2Q"
MINUTE = 60_000


@pytest.mark.verifies("SRS-047", "RC-011", "SWU-014", "DD-014")
def test_rejects_out_of_range_future_and_implausible_readings(clock):
    validator = CgmValidator(PAIRED)

    def check(value, *, age_min=0.0, transmitter=PAIRED, checksum=None, using=validator):
        raw = RawReading.signed(transmitter, value, clock.utc_ms() - int(age_min * MINUTE))
        if checksum is not None:
            raw = RawReading(raw.transmitter_id, raw.value_mgdl, raw.timestamp_utc_ms, checksum)
        return using.validate(raw, clock.utc_ms(), clock.mono_ms())

    first = check(120)
    assert first.valid and first.usable(clock.mono_ms())
    clock.advance(5 * MINUTE)
    rejected = {
        "not from the paired transmitter": check(125, transmitter="9ZZZZZ"),
        "checksum error": check(125, checksum=12345),
        "outside 40 to 400 mg/dL": check(39),
        "time-stamped in the future": check(125, age_min=-2),
        "implausible rate of change": check(180),  # 12 mg/dL/min from 120 five minutes ago
        "older than 15 minutes": check(125, age_min=15.5, using=CgmValidator(PAIRED)),
    }
    assert check(401).reason == "outside 40 to 400 mg/dL"
    for reason, reading in rejected.items():
        assert not reading.valid and reading.reason == reason
        assert not reading.usable(clock.mono_ms())

    plausible = check(168)  # +9.6 mg/dL/min: plausible
    assert plausible.valid and plausible.trend_mgdl_per_min == pytest.approx(9.6)
    clock.advance(5 * MINUTE)
    falling = check(118)  # -10 mg/dL/min: the limit itself is plausible
    assert falling.valid
    clock.advance(5 * MINUTE)
    assert check(40).reason == "implausible rate of change"  # -15.6 mg/dL/min from 118
    clock.advance(5 * MINUTE)
    assert check(40).valid  # -7.8 mg/dL/min from 118 ten minutes ago; 40 is in range
    clock.advance(5 * MINUTE)
    in_time = check(70, age_min=0.5)
    assert in_time.valid
    clock.advance(14 * MINUTE)
    assert in_time.usable(clock.mono_ms())  # 14.5 minutes old at the time of use
    clock.advance(MINUTE)
    assert not in_time.usable(clock.mono_ms())  # 15.5 minutes: too old, re-checked at use
    skewed = check(101, age_min=-0.5)  # 30 s ahead: clock skew within the 60 s tolerance
    assert skewed.valid
