"""Basal stroke scheduling (TC-002) and wall-clock independence (TC-005)."""

import random
from fractions import Fraction
from itertools import pairwise

import pytest
from insupump.therapy.basal import BasalProfile, BasalScheduler

STROKE = Fraction(50)


def run(scheduler, clock, hours, tick_ms=1_000, on_tick=None):
    """Tick the scheduler; returns the monotonic times of the strokes and the tick times."""
    strokes, ticks = [], []
    scheduler.tick(clock.mono_ms(), clock.local_minute())
    end = clock.mono_ms() + hours * 3_600_000
    while clock.mono_ms() < end:
        clock.advance(tick_ms)
        if on_tick is not None:
            on_tick(clock)
        ticks.append(clock.mono_ms())
        if scheduler.tick(clock.mono_ms(), clock.local_minute()):
            strokes.append(clock.mono_ms())
    return strokes, ticks


def random_profile(rng):
    starts = sorted(rng.sample(range(30, 1440, 30), rng.randrange(0, 48)))
    bounds = [0, *starts, 1440]
    rows = [(a, b, rng.randrange(1, 701) * 50) for a, b in pairwise(bounds)]
    return BasalProfile.from_rows(rows)


def programmed_mu(profile, local_start_min, start_ms, t0_ms, t1_ms):
    """Insulin programmed between two monotonic times, integrated minute by minute."""
    total = Fraction(0)
    for minute in range((t0_ms - start_ms) // 60_000, (t1_ms - start_ms) // 60_000):
        total += Fraction(profile.rate_at(local_start_min + minute), 60)
    return total


@pytest.mark.verifies("SRS-002", "SWU-001", "DD-001")
def test_strokes_per_hour_within_one_stroke_of_rate(clock):
    rng = random.Random(2026)
    profiles = [random_profile(rng) for _ in range(4)]
    profiles += [BasalProfile.flat(50), BasalProfile.flat(35_000)]
    for profile in profiles:
        clock.set_utc(clock.utc_ms() - clock.utc_ms() % 60_000)  # ticks on whole minutes
        scheduler = BasalScheduler(profile)
        start, local_start = clock.mono_ms(), clock.local_minute()
        strokes, _ = run(scheduler, clock, hours=25)
        for window_start in range(start, start + 24 * 3_600_000, 10 * 60_000):
            window_end = window_start + 3_600_000
            count = sum(window_start < t <= window_end for t in strokes)
            expected = programmed_mu(profile, local_start, start, window_start, window_end)
            assert abs(count - expected / STROKE) <= 1, (profile.rows(), window_start)

    # remainders carry over segment changes: 48 half-hour segments of 0.05 and 0.10 U/h
    # hold 0.025 U or 0.05 U each; nothing may be lost at the segment boundaries
    alternating = BasalProfile.from_rows(
        (m, m + 30, 50 if m % 60 else 100) for m in range(0, 1440, 30)
    )
    scheduler = BasalScheduler(alternating)
    strokes, _ = run(scheduler, clock, hours=24)
    assert len(strokes) == 36  # 1.80 U in 24 h: 36 strokes, the remainder never rounded up
    assert scheduler.remainder_mu < 50


@pytest.mark.verifies("SRS-058", "RC-019", "SWU-001", "DD-001")
def test_wall_clock_change_does_not_repeat_or_skip_strokes(clock):
    # a different rate every hour makes any repeated or skipped hour visible
    profile = BasalProfile.from_rows((h * 60, h * 60 + 60, 200 + 100 * h) for h in range(24))
    for change_min in (-60, +60, +11 * 60, -11 * 60):
        clock.set_utc(clock.utc_ms() - clock.utc_ms() % 60_000)
        scheduler = BasalScheduler(profile)
        start, local_start = clock.mono_ms(), clock.local_minute()
        changed = {}

        def change_at_2h(c, change_min=change_min, changed=changed, start=start):
            if not changed and c.mono_ms() - start >= 2 * 3_600_000:
                changed["at"] = c.mono_ms()
                c.set_utc(c.utc_ms() + change_min * 60_000)

        strokes, _ = run(scheduler, clock, hours=5, on_tick=change_at_2h)
        expected = programmed_mu(profile, local_start, start, start, changed["at"])
        expected += programmed_mu(
            profile,
            local_start + 120 + change_min,
            changed["at"],
            changed["at"],
            start + 5 * 3_600_000,
        )
        assert abs(len(strokes) - expected / STROKE) <= 1, change_min
        # elapsed time, not local time, drives delivery: 5 h of delivery whatever the change
        assert strokes[-1] - start <= 5 * 3_600_000
