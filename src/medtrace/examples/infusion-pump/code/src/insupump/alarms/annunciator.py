"""Annunciator, part of the alarm manager unit (SWU-010).

Drives the speaker, the vibration motor and the display for an alarm, with the signals of
its IEC 60601-1-8 priority, and supervises the speaker: during every tone the speaker drive
current is read back, and below 20 mA the speaker is declared faulty, vibration continues,
the safety MCU is asked to sound its independent buzzer and "Speaker fault" is logged.

The output devices are small in-memory stand-ins for the board support package drivers:
they record what they were told to do and expose the feedback the hardware would give.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from insupump.alarms.manager import Logs, Priority

# implements: SRS-037

SPEAKER_FAULT_MA = 20
NORMAL_VOLUME = 6
MAX_VOLUME = 10


@dataclass(frozen=True, slots=True)
class AlarmSignal:
    """Auditory, vibration and visual signals of one priority (IEC 60601-1-8)."""

    melody: tuple[str, ...]  # pulses of the general alarm melody; "-" is a pause
    vibration: str
    colour: str
    flashing: bool


SIGNALS: dict[Priority, AlarmSignal] = {
    # high: 10-pulse burst (3 + 2, repeated), red flashing
    Priority.HIGH: AlarmSignal(
        ("C4", "C4", "C4", "-", "C4", "C4", "-", "C4", "C4", "C4", "-", "C4", "C4"),
        "triple-pulse",
        "red",
        flashing=True,
    ),
    # medium: 3-pulse burst, yellow flashing
    Priority.MEDIUM: AlarmSignal(("C4", "C4", "C4"), "double-pulse", "yellow", flashing=True),
    # low: 2-pulse burst, cyan steady
    Priority.LOW: AlarmSignal(("E4", "C4"), "single-pulse", "cyan", flashing=False),
}


class Speaker:
    """Speaker driver stand-in; ``current_ma`` is the drive current feedback."""

    def __init__(self) -> None:
        self.melody: tuple[str, ...] | None = None
        self.volume = 0
        self.current_ma = 45.0
        self.tones = 0

    def play(self, melody: tuple[str, ...], volume: int) -> None:
        self.melody, self.volume = melody, volume
        self.tones += 1

    def stop(self) -> None:
        self.melody = None

    def drive_current_ma(self) -> float:
        return self.current_ma if self.melody is not None else 0.0


class VibrationMotor:
    def __init__(self) -> None:
        self.pattern: str | None = None

    def run(self, pattern: str) -> None:
        self.pattern = pattern

    def stop(self) -> None:
        self.pattern = None


class Display:
    def __init__(self) -> None:
        self.on = True
        self.alarm: tuple[str, str, bool] | None = None  # message, colour, flashing

    def show_alarm(self, message: str, colour: str, flashing: bool) -> None:
        self.on = True  # an alarm always wakes the display
        self.alarm = (message, colour, flashing)

    def clear_alarm(self) -> None:
        self.alarm = None


class Annunciator:
    def __init__(
        self,
        speaker: Speaker,
        vibration: VibrationMotor,
        display: Display,
        *,
        request_buzzer: Callable[[], Any],
        log: Logs | None = None,
    ) -> None:
        self.speaker = speaker
        self.vibration = vibration
        self.display = display
        self._request_buzzer = request_buzzer
        self._log = log
        self.audio_paused = False
        self.escalated = False
        self.speaker_faulty = False
        self.started_ms: int | None = None
        self._current: AlarmSignal | None = None

    def annunciate(self, priority: Priority, message: str, now_ms: int) -> None:
        signal = SIGNALS[priority]
        self._current = signal
        self.escalated = False
        self.display.show_alarm(message, signal.colour, signal.flashing)
        self.vibration.run(signal.vibration)
        self.started_ms = now_ms
        if not self.audio_paused:
            self._tone(signal.melody, NORMAL_VOLUME)

    def escalate(self, now_ms: int) -> None:
        """Unacknowledged high-priority alarm: maximum volume and continuous vibration."""
        self.escalated = True
        self.vibration.run("continuous")
        if self._current is not None and not self.audio_paused:
            self._tone(self._current.melody, MAX_VOLUME)

    def pause_audio(self) -> None:
        self.audio_paused = True
        self.speaker.stop()

    def resume_audio(self) -> None:
        self.audio_paused = False
        if self._current is not None:
            self._tone(self._current.melody, MAX_VOLUME if self.escalated else NORMAL_VOLUME)

    def stop(self) -> None:
        self._current = None
        self.escalated = False
        self.speaker.stop()
        self.vibration.stop()
        self.display.clear_alarm()

    def fall_back(self) -> None:
        """Used when annunciation itself failed: vibration and the independent buzzer."""
        self.vibration.run("continuous")
        self._request_buzzer()

    def _tone(self, melody: tuple[str, ...], volume: int) -> None:
        self.speaker.play(melody, volume)
        if self.speaker.drive_current_ma() < SPEAKER_FAULT_MA:
            if not self.speaker_faulty and self._log is not None:
                self._log.append("speaker-fault", {"message": "Speaker fault"})
            self.speaker_faulty = True
            if self.vibration.pattern is None:
                self.vibration.run("continuous")
            self._request_buzzer()
