"""Event log durability, retention and integrity (TC-031, TC-032)."""

import pytest
from insupump.history.store import RETENTION_EVENTS, EventLog, open_image
from insupump.therapy.bolus import BolusController, BolusRequest

DAY = 24 * 3_600_000


def durable_types(nvm, clock):
    """The event types a restart would find in the non-volatile storage."""
    return [event.type for event in EventLog(dict(nvm), clock).events()]


@pytest.mark.verifies("SRS-053", "SRS-054", "SWU-012", "DD-012")
def test_records_committed_before_next_stroke_and_retention(pump):
    log, nvm = pump.log, pump.nvm
    committed_at_stroke = []

    def check_before_stroke(strokes):
        committed_at_stroke.append(durable_types(nvm, pump.clock).count("bolus-delivery"))

    pump.mcu.before_execute.append(check_before_stroke)
    controller = BolusController(pump.guard, log=log)
    assert controller.start(BolusRequest(1_000), pump.clock.mono_ms()).ok
    while controller.running:
        pump.clock.advance(100)
        controller.tick(pump.clock.mono_ms())
    pump.mcu.before_execute.clear()
    assert committed_at_stroke == list(range(20))  # stroke n starts with n records stored

    seq_before = log.append("alarm-raised", {"condition": "battery-low"})
    pump.clock.set_offset(120)
    seq = log.append("time-change", {"old": "08:00", "new": "09:00"})
    assert seq == seq_before + 1
    event = log.events({"time-change"})[-1]
    assert (event.utc_ms, event.local_offset_min, event.mono_ms) == (
        pump.clock.utc_ms(),
        120,
        pump.clock.mono_ms(),
    )
    assert durable_types(nvm, pump.clock)[-2:] == ["alarm-raised", "time-change"]

    # retention: the real-time clock was wrong (100 days behind) when 50,010 events were
    # logged, among them 3 boluses delivered an hour ago in elapsed time
    clock = pump.clock
    real_utc = clock.utc_ms()
    clock.set_utc(real_utc - 100 * DAY)
    store = EventLog({}, clock)
    for index in range(RETENTION_EVENTS + 10):
        kind = "bolus-delivery" if index in (3, 7, 11) else "alarm-raised"
        store.append(kind, {"delivered_mu": 50} if kind == "bolus-delivery" else None)
    clock.set_utc(real_utc)
    clock.advance(3_600_000)
    for _ in range(10):
        store.append("alarm-raised")
    assert store.count() == RETENTION_EVENTS + 20
    assert store.apply_retention() == 17  # the oldest 20 beyond 50,000, less 3 boluses
    kept = store.events()
    assert len(kept) == RETENTION_EVENTS + 3
    assert [e.seq for e in kept[:3]] == [4, 8, 12]  # boluses of the last 24 hours stay
    assert kept[3].seq == 21 and kept[-1].seq == RETENTION_EVENTS + 20
    assert store.apply_retention() == 0

    young = EventLog({}, clock)  # fewer than 50,000 events: nothing is deleted
    clock.set_utc(real_utc - 200 * DAY)
    young.append("alarm-raised")
    clock.set_utc(real_utc)
    assert young.apply_retention() == 0 and young.count() == 1


@pytest.mark.verifies("SRS-055", "SWU-012")
def test_corrupted_database_is_quarantined(clock):
    nvm = {}
    log = EventLog(nvm, clock)
    for index in range(300):
        log.append("bolus-delivery", {"bolus_id": index, "delivered_mu": 50})
    log.flush()
    image = bytearray(nvm["history.db"])
    for page in range(1, len(image) // 4096):
        image[page * 4096 : page * 4096 + 12] = b"\xff" * 12  # corrupted page headers
    nvm["history.db"] = bytes(image)

    clock.advance(1_000)
    restarted = EventLog(nvm, clock)
    assert restarted.damaged
    quarantined = [name for name in nvm if name.startswith("history.damaged-")]
    assert quarantined == ["history.damaged-20260302T060001Z.db"]
    assert nvm[quarantined[0]] == bytes(image)  # kept for the investigation
    events = restarted.events()
    assert [(e.type, e.payload) for e in events] == [
        ("history-damaged", {"message": "History damaged"})
    ]
    assert open_image(nvm["history.db"]).execute("PRAGMA quick_check").fetchone() == ("ok",)
    assert not restarted.complete_since(clock.mono_ms() - 3_600_000)  # reported incomplete
    assert restarted.complete_since(clock.mono_ms())
