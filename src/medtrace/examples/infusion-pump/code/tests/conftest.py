"""Test doubles shared by the suite: a simulated clock, the safety MCU simulator (UART,
motor, encoder, sensors, watchdog and buzzer) and the controller wired together the way
``insupumpd`` wires it, so that integration and system tests can drive it end to end."""

from __future__ import annotations

import contextlib
import hashlib
import random
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from insupump.alarms.annunciator import Annunciator, Display, Speaker, VibrationMotor
from insupump.alarms.manager import AlarmManager, Condition
from insupump.cgm.link import CgmLink
from insupump.cgm.validator import CgmValidator, GlucoseReading, RawReading
from insupump.comms.remote_commands import RemoteCommandQueue
from insupump.dosing.bolus_calculator import BolusCalculator, GlucoseInput, glucose_from_cgm
from insupump.dosing.iob import InsulinOnBoard
from insupump.hal.mcu_protocol import (
    NAK_CRC,
    NAK_LIMIT,
    Command,
    DeliveryError,
    Frame,
    FrameError,
    McuProtocol,
    decode_frame,
    encode_frame,
)
from insupump.hal.motor import STROKE_MU, EncoderReport, MotorLink
from insupump.hal.sensors import RawStrokeSample, SensorBus, SensorFaultError
from insupump.history.store import EventLog
from insupump.monitoring.occlusion import OcclusionDetector
from insupump.monitoring.supply import PLUNGER_MU_PER_MM, SupplyMonitor
from insupump.safety import image_check
from insupump.safety.post import (
    CLEAN_SHUTDOWN,
    PostResult,
    PowerLossRecovery,
    SelfTest,
    standard_steps,
)
from insupump.safety.supervisor import Supervisor
from insupump.therapy.basal import BasalScheduler, TempBasal
from insupump.therapy.bolus import BolusController, BolusRequest
from insupump.therapy.lgs import LowGlucoseSuspend
from insupump.therapy.limits import (
    BASAL_KINDS,
    BOLUS_KINDS,
    Accepted,
    Decision,
    Kind,
    LimitGuard,
    Rejected,
    StrokeCommand,
)
from insupump.therapy.priming import PrimingWorkflow
from insupump.therapy.settings import SettingsLostError, SettingsStore, TherapySettings
from insupump.therapy.suspend import SuspendController
from insupump.ui.entry import KeypadLock
from insupump.ui.screens import TherapyCommand

START_UTC = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # 07:00 local (CET)
TRANSMITTER = "8G4K2Q"
MCU_FIRMWARE = b"MCU 2.4.1"
POWER_LOSS = "Power loss: confirmation pending"
SELF_TEST = "Self test failed"


# --- clock -----------------------------------------------------------------------------------


class SimClock:
    """Monotonic time, the RTC (UTC) and the local offset, moved by the test."""

    def __init__(self, utc: datetime = START_UTC, offset_min: int = 60) -> None:
        self._mono = 10_000_000
        self._utc = int(utc.timestamp() * 1000)
        self._offset = offset_min

    def mono_ms(self) -> int:
        return self._mono

    def utc_ms(self) -> int:
        return self._utc

    def local_offset_min(self) -> int:
        return self._offset

    def advance(self, ms: int) -> None:
        self._mono += ms
        self._utc += ms

    def set_utc(self, utc_ms: int) -> None:
        """A wall-clock change: monotonic time is not affected."""
        self._utc = utc_ms

    def set_offset(self, offset_min: int) -> None:
        self._offset = offset_min

    def local(self) -> datetime:
        moment = datetime.fromtimestamp(self._utc / 1000, UTC) + timedelta(minutes=self._offset)
        return moment.replace(tzinfo=None)

    def set_local(self, local: datetime) -> None:
        """Set the local time (as the time setting screen does), keeping the offset."""
        utc = local.replace(tzinfo=UTC) - timedelta(minutes=self._offset)
        self._utc = int(utc.timestamp() * 1000)

    def local_minute(self) -> int:
        return (self._utc // 60_000 + self._offset) % 1440


# --- safety MCU simulator --------------------------------------------------------------------


@dataclass
class McuSimulator:
    """The safety MCU at the other end of the UART, with pySerial's port interface.

    Executes each sequence number once (a repeat is acknowledged again from the cache),
    counts encoder steps, models line pressure, air and plunger position, and removes motor
    power and sounds the buzzer 3 s after the last heartbeat.
    """

    clock: SimClock
    rng: random.Random = field(default_factory=lambda: random.Random(1))
    frame_error_rate: float = 0.0  # probability that a frame gets one flipped bit
    drop_rate: float = 0.0  # probability that a frame is lost on the line
    watchdog_enabled: bool = True
    fill_mu: int = 300_000

    def __post_init__(self) -> None:
        self._out = bytearray()
        self._last: tuple[bytes, bytes] | None = None  # last executed frame and its reply
        self.executions: dict[int, int] = {}  # seq -> times executed
        self.executed_strokes = 0
        self.encoder_total = 0
        self.extra_encoder_steps = 0  # injected per command
        self.stuck_motor = False
        self.motor_power = True
        self.buzzer = False
        self.power_cut_ms: int | None = None
        self.last_heartbeat_ms: int | None = None
        self.heartbeats = 0
        self.retracts: list[Decimal] = []
        self.drop_all = False
        self.before_execute: list[Callable[[int], None]] = []
        self.after_execute: list[Callable[[int], None]] = []
        self.stroke_times: list[int] = []
        # line model
        self.occluded = False
        self.undelivered_mu = 0
        self.occlude_after_strokes: int | None = None
        self.pressure_per_stroke = 30.0
        self.pending_bubbles: list[float] = []
        self.plunger_mm = self.fill_mu / PLUNGER_MU_PER_MM
        self.delivered_to_patient_mu = 0

    # pySerial-like port --------------------------------------------------------------------

    def write(self, data: bytes) -> int:
        received = self._line(bytes(data))
        if received is not None:
            self._handle(received)
        return len(data)

    def read(self, size: int) -> bytes:
        chunk = bytes(self._out[:size])
        del self._out[:size]
        return chunk

    def reset_input_buffer(self) -> None:
        self._out.clear()

    def _line(self, data: bytes) -> bytes | None:
        if self.drop_all or self.rng.random() < self.drop_rate:
            return None
        if self.rng.random() < self.frame_error_rate:
            corrupted = bytearray(data)
            bit = self.rng.randrange(len(data) * 8)
            corrupted[bit // 8] ^= 1 << (bit % 8)
            return bytes(corrupted)
        return data

    def _reply(self, request: bytes, frame: Frame) -> None:
        raw = encode_frame(frame)
        self._last = (request, raw)
        delivered = self._line(raw)
        if delivered is not None:
            self._out += delivered

    def _handle(self, raw: bytes) -> None:
        try:
            frame = decode_frame(raw)
        except FrameError:
            line = self._line(encode_frame(Frame(0xFFFF, Command.NAK, bytes([NAK_CRC]))))
            if line is not None:
                self._out += line
            return
        if self._last is not None and self._last[0] == raw:
            line = self._line(self._last[1])  # a repeat: acknowledge again, never execute twice
            if line is not None:
                self._out += line
            return
        self.executions[frame.seq] = self.executions.get(frame.seq, 0) + 1
        self._reply(raw, self._execute(frame))

    def _execute(self, frame: Frame) -> Frame:
        now = self.clock.mono_ms()
        ack = Frame(frame.seq, Command.ACK)
        if frame.command == Command.DELIVER:
            if not self.motor_power:
                return Frame(frame.seq, Command.NAK, bytes([NAK_LIMIT]))
            strokes = int.from_bytes(frame.payload, "big")
            for hook in self.before_execute:
                hook(strokes)
            self._move(strokes, now)
            for hook in self.after_execute:
                hook(strokes)
            return Frame(frame.seq, Command.ACK, self.encoder_total.to_bytes(4, "big"))
        if frame.command == Command.RETRACT:
            mm = Decimal(int.from_bytes(frame.payload, "big")) / 100
            self.retracts.append(mm)
            self.plunger_mm = min(self.plunger_mm + float(mm), 45.0)
        elif frame.command == Command.RESET_COUNTERS:
            self.encoder_total = 0
        elif frame.command == Command.HEARTBEAT:
            self.last_heartbeat_ms = now
            self.heartbeats += 1
        elif frame.command == Command.BUZZER:
            self.buzzer = True
        elif frame.command == Command.VERSION:
            return Frame(frame.seq, Command.ACK, MCU_FIRMWARE)
        return ack

    def _move(self, strokes: int, now: int) -> None:
        self.executed_strokes += strokes
        self.stroke_times += [now] * strokes
        if not self.stuck_motor:
            self.encoder_total += strokes
            self.plunger_mm -= strokes * STROKE_MU / PLUNGER_MU_PER_MM
        self.encoder_total += self.extra_encoder_steps
        after = self.occlude_after_strokes
        if after is not None and self.executed_strokes > after:
            self.occluded = True
        if self.occluded:
            self.undelivered_mu += strokes * STROKE_MU
        else:
            self.delivered_to_patient_mu += strokes * STROKE_MU

    # the MCU's own loop -----------------------------------------------------------------------

    def tick(self, now_ms: int) -> None:
        last = self.last_heartbeat_ms
        expired = last is not None and now_ms - last >= 3_000
        if self.watchdog_enabled and self.motor_power and expired:
            self.motor_power = False
            self.buzzer = True
            self.power_cut_ms = now_ms

    # sensors ----------------------------------------------------------------------------------

    def pressure_mmhg(self) -> float:
        base = 150.0 + self.rng.uniform(-4, 4)
        return base + self.pressure_per_stroke * self.undelivered_mu / STROKE_MU

    def sample(self, *, moving: bool = True) -> RawStrokeSample:
        air = 95 + self.rng.randrange(5)
        if self.pending_bubbles:
            air = 100 + round(self.pending_bubbles.pop(0) * 10)
        plunger = max(0, round(self.plunger_mm * 1000) + self.rng.randrange(-1, 2))
        return RawStrokeSample(
            pressure=round(self.pressure_mmhg()) + 100,
            air=air,
            plunger=plunger,
            motor_moving=moving,
        )

    def unclamp(self, relief_mm: Decimal) -> int:
        """Release the clamp; returns the bolus (mU) pushed out by the compressed line."""
        relieved = int(float(relief_mm) * PLUNGER_MU_PER_MM)
        released = max(0, self.undelivered_mu - relieved)
        self.occluded = False
        self.occlude_after_strokes = None
        self.undelivered_mu = 0
        return released


# --- the controller, wired like insupumpd ------------------------------------------------------


class FakeBle:
    """A BLE client whose connection attempts succeed or fail on command."""

    def __init__(self) -> None:
        self.available = True

    def connect(self, transmitter_id: str) -> bool:
        return self.available


class SimulatedPump:
    def __init__(
        self,
        clock: SimClock,
        *,
        nvm: MutableMapping[str, bytes] | None = None,
        mcu: McuSimulator | None = None,
        settings: TherapySettings | None = None,
        fill_mu: int = 300_000,
        accelerated: bool = False,
    ) -> None:
        self.clock = clock
        self.nvm: MutableMapping[str, bytes] = {} if nvm is None else nvm
        self.mcu = mcu or McuSimulator(clock, fill_mu=fill_mu)
        self.mcu.watchdog_enabled = not accelerated
        self.log = EventLog(self.nvm, clock)
        self.protocol = McuProtocol(self.mcu)
        self.motor = MotorLink(self.protocol)
        self.speaker, self.vibration, self.display = Speaker(), VibrationMotor(), Display()
        self.annunciator = Annunciator(
            self.speaker, self.vibration, self.display, request_buzzer=self._buzzer, log=self.log
        )
        self.alarms = AlarmManager(self.annunciator, log=self.log)
        self.store = SettingsStore(self.nvm, log=self.log)
        if "settings.a" not in self.nvm and "settings.b" not in self.nvm:
            self.store.save(settings or TherapySettings())  # as set up in manufacturing
            self.nvm[CLEAN_SHUTDOWN] = b"1"
        else:
            with contextlib.suppress(SettingsLostError):
                self.store.load()  # lost settings block delivery (the guard refuses)
        current = self._settings_or_default()
        self.guard = LimitGuard(
            self.motor, lambda: self.store.current, alarms=self.alarms, log=self.log
        )
        self.scheduler = BasalScheduler(current.basal_profile(), log=self.log)
        self.bolus = BolusController(self.guard, log=self.log)
        self.suspender = SuspendController(
            self.scheduler, self.bolus, self.alarms, self.nvm, log=self.log
        )
        self.lgs = LowGlucoseSuspend(
            self.scheduler,
            self.alarms,
            enabled=current.lgs_enabled,
            threshold_mgdl=current.lgs_threshold_mgdl,
            log=self.log,
        )
        self.priming = PrimingWorkflow(self.guard, log=self.log)
        self.sensors = SensorBus(self.alarms, self.guard.stop)
        self.occlusion = OcclusionDetector(self.alarms, self.guard, log=self.log)
        self.supply = SupplyMonitor(
            self.alarms,
            self.guard.stop,
            low_threshold_u=current.reservoir_low_u,
            controlled_stop=self.log.flush,
            log=self.log,
        )
        self.supply.on_reservoir_filled(self.mcu.fill_mu)
        self.supervisor = Supervisor(self._heartbeat, self.guard.stop, self.alarms, log=self.log)
        self.iob = InsulinOnBoard(current.dia_min)
        self.iob.rebuild(self.log, clock.mono_ms())
        self.calculator = BolusCalculator(current.calculator(), self.iob)
        self.validator = CgmValidator(TRANSMITTER)
        self.ble = FakeBle()
        self.cgm = CgmLink(
            TRANSMITTER,
            self.ble,
            self.validator,
            self.alarms,
            on_reading=self._on_cgm,
            log=self.log,
        )
        self.keypad = KeypadLock(clock.mono_ms())
        self.remote = RemoteCommandQueue(log=self.log)
        self.power = PowerLossRecovery(self.nvm)
        self.deliveries: list[tuple[int, Kind, int]] = []  # (monotonic ms, kind, strokes)
        self.guard.add_listener(self._after_stroke)
        self.suspender.restore(clock.mono_ms())
        self.post: PostResult | None = None
        self._alive_minute = ""

    def _settings_or_default(self) -> TherapySettings:
        try:
            return self.store.current
        except SettingsLostError:
            return TherapySettings()

    # start-up -----------------------------------------------------------------------------

    def boot(
        self,
        *,
        bundle: image_check.Bundle | None = None,
        element: image_check.SecureElement | None = None,
        hardening: image_check.ProductionConfig | None = None,
        tone_confirmed: bool = True,
    ) -> PostResult:
        def image() -> bool:
            if bundle is None or element is None:
                return True
            return image_check.verify_bundle(bundle, element).passed

        def hardened() -> bool:
            return hardening is None or image_check.check_hardening(hardening).passed

        def mcu() -> bool:
            return self.protocol.send(Command.VERSION).payload == MCU_FIRMWARE

        def sensors() -> bool:
            try:
                self.sensors.after_stroke(self.mcu.sample(moving=False), self.clock.mono_ms())
            except SensorFaultError:
                return False
            return True

        checks = {
            "image signature": image,
            "hardening": hardened,
            "settings copies": lambda: not self.store.delivery_blocked,
            "safety MCU handshake": mcu,
            "motor drive": lambda: self.mcu.motor_power,
            "pressure and air sensors": sensors,
            "speaker and vibration": lambda: tone_confirmed,
        }
        self.post = SelfTest(standard_steps(checks), self.clock.mono_ms).run()
        if not self.post.passed:
            self.guard.stop(SELF_TEST, self.clock.mono_ms())
            self.alarms.raise_condition(
                Condition.SELF_TEST_FAILED, self.clock.mono_ms(), self.post.message
            )
        self.guard.synchronise_counters(self.clock.mono_ms())
        if self.power.on_start() is not None:
            self.guard.stop(POWER_LOSS, self.clock.mono_ms())
        self.cgm.start(self.clock.mono_ms())
        return self.post

    def confirm_power_loss(self) -> None:
        self.power.confirm()
        self.guard.release(POWER_LOSS)

    def shutdown(self) -> None:
        self.log.flush()
        self.power.mark_clean_shutdown()

    # the control loop ---------------------------------------------------------------------

    def cycle(self) -> None:
        now, local = self.clock.mono_ms(), self.clock.local_minute()
        self.supervisor.on_loop_cycle(now)
        self.alarms.tick(now)
        self.lgs.tick(now)
        self.remote.tick(now)
        self.cgm.tick(now)
        self.keypad.tick(now)
        if self.scheduler.tick(now, local):
            kind = Kind.TEMP_BASAL if self.scheduler.temp_basal else Kind.BASAL
            rate = self.scheduler.rate_at(local)
            self.guard.submit(StrokeCommand(kind, 1, rate_mu_h=rate), now)
        self.bolus.tick(now)
        minute = self.clock.local().strftime("%H:%M")
        if minute != self._alive_minute:  # the time shown after a loss of power
            self._alive_minute = minute
            self.power.record_alive(minute)
        self.heartbeat_task(now)

    def heartbeat_task(self, now: int) -> None:
        state = (
            "suspended"
            if self.scheduler.suspended
            else ("stopped" if self.guard.stopped else "running")
        )
        self.supervisor.heartbeat_tick(now, state)

    def run(self, duration_ms: int, step_ms: int = 100) -> None:
        end = self.clock.mono_ms() + duration_ms
        while self.clock.mono_ms() < end:
            self.clock.advance(step_ms)
            self.cycle()
            self.mcu.tick(self.clock.mono_ms())

    # therapy commands from the user interface ----------------------------------------------

    def apply(self, command: TherapyCommand) -> Decision:
        now = self.clock.mono_ms()
        if command.kind == "bolus":
            return self.bolus.start(BolusRequest(command.amount_mu, source=command.source), now)
        if command.kind == "temp-basal":
            decision = self.guard.check_temp_basal(
                self.scheduler.profile,
                command.percent,
                self.clock.local_minute(),
                command.duration_min,
                now,
            )
            if decision.ok:
                self.scheduler.start_temp_basal(
                    TempBasal(command.percent, command.duration_min), now
                )
            return decision
        if command.kind == "suspend":
            self.suspender.suspend(now)
            return Accepted()
        if command.kind == "resume":
            self.suspender.resume(now, confirmed=True)
            return Accepted()
        return Rejected(f"unknown command {command.kind}")

    # glue ---------------------------------------------------------------------------------

    def _after_stroke(self, command: StrokeCommand, report: object, now: int) -> None:
        self.deliveries.append((now, command.kind, command.strokes))
        amount = command.amount_mu
        if command.kind in BASAL_KINDS:
            self.log.append("basal-delivery", {"kind": str(command.kind), "delivered_mu": amount})
        if command.kind in BOLUS_KINDS:
            self.iob.add_bolus(now, amount)
        assert isinstance(report, EncoderReport)
        self.supervisor.on_encoder_report(report, now)
        self.supply.on_delivered(amount, now)
        try:
            sensors = self.sensors.after_stroke(self.mcu.sample(), now)
        except SensorFaultError:
            return
        self.occlusion.on_stroke_sensors(sensors, now, command.strokes)
        self.supply.on_stroke_sensors(sensors, now)

    def _heartbeat(self, seq: int, state: str) -> None:
        payload = seq.to_bytes(2, "big") + state.encode()[:8]
        try:
            self.protocol.send(Command.HEARTBEAT, payload)
        except DeliveryError as error:
            self.guard.stop("Delivery error", self.clock.mono_ms())
            self.alarms.raise_condition(
                Condition.DELIVERY_ERROR, self.clock.mono_ms(), error.detail
            )

    def _buzzer(self) -> None:
        with contextlib.suppress(DeliveryError):  # it also sounds when heartbeats stop
            self.protocol.send(Command.BUZZER)

    def _on_cgm(self, reading: GlucoseReading) -> None:
        now = self.clock.mono_ms()
        if reading.valid:
            self.log.append("cgm-reading", {"value_mgdl": reading.value_mgdl})
        self.lgs.on_reading(reading, now)

    # helpers for the tests ----------------------------------------------------------------

    def send_cgm(
        self, value_mgdl: int, *, age_ms: int = 0, transmitter: str = TRANSMITTER
    ) -> GlucoseReading:
        timestamp = self.clock.utc_ms() - age_ms
        raw = RawReading.signed(transmitter, value_mgdl, timestamp)
        return self.cgm.on_notification(raw, self.clock.utc_ms(), self.clock.mono_ms())

    def glucose_prefill(self) -> GlucoseInput | None:
        return glucose_from_cgm(self.cgm.latest, self.clock.mono_ms())

    def strokes(
        self, kinds: frozenset[Kind] | set[Kind] | None = None, since_ms: int | None = None
    ) -> int:
        return sum(
            n
            for t, kind, n in self.deliveries
            if (kinds is None or kind in kinds) and (since_ms is None or t > since_ms)
        )

    def stroke_times(self, kinds: frozenset[Kind] | set[Kind]) -> list[int]:
        return [t for t, kind, _ in self.deliveries if kind in kinds]


# --- Ed25519 signing, as the manufacturer's build system does ---------------------------------


def ed25519_public_key(secret: bytes) -> bytes:
    scalar, _ = _expand_secret(secret)
    return image_check._compress(image_check._point_multiply(scalar, image_check.BASE_POINT))


def ed25519_sign(secret: bytes, message: bytes) -> bytes:
    scalar, prefix = _expand_secret(secret)
    public = ed25519_public_key(secret)
    r = image_check._hash_scalar(prefix, message)
    r_point = image_check._compress(image_check._point_multiply(r, image_check.BASE_POINT))
    h = image_check._hash_scalar(r_point, public, message)
    s = (r + h * scalar) % image_check._L
    return r_point + s.to_bytes(32, "little")


def _expand_secret(secret: bytes) -> tuple[int, bytes]:
    digest = hashlib.sha512(secret).digest()
    scalar = int.from_bytes(digest[:32], "little")
    scalar &= (1 << 254) - 8
    scalar |= 1 << 254
    return scalar, digest[32:]


@dataclass
class Signer:
    secret: bytes = bytes(range(32))

    @property
    def public_key(self) -> bytes:
        return ed25519_public_key(self.secret)

    def sign(self, message: bytes) -> bytes:
        return ed25519_sign(self.secret, message)

    def bundle(self, version: tuple[int, int, int], payload: bytes) -> image_check.Bundle:
        return image_check.Bundle(
            version, payload, self.sign(image_check.bundle_message(version, payload))
        )


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture
def clock() -> SimClock:
    return SimClock()


@pytest.fixture
def mcu(clock: SimClock) -> McuSimulator:
    return McuSimulator(clock)


@pytest.fixture
def make_pump(clock: SimClock) -> Iterator[Callable[..., SimulatedPump]]:
    def make(**options: object) -> SimulatedPump:
        return SimulatedPump(clock, **options)  # type: ignore[arg-type]  # options as given

    yield make


@pytest.fixture
def pump(make_pump: Callable[..., SimulatedPump]) -> SimulatedPump:
    made = make_pump()
    made.boot()
    return made


@pytest.fixture
def signer() -> Signer:
    return Signer()


@pytest.fixture
def sign_ed25519() -> Callable[[bytes, bytes], bytes]:
    return ed25519_sign


@pytest.fixture
def ed25519_keypair() -> Callable[[bytes], bytes]:
    return ed25519_public_key
