"""Safety MCU command protocol, part of the motor command link (SWU-006).

Frames on the UART to the safety MCU (115200 baud, 8N1):

    STX | LEN | SEQ (2 bytes) | CMD | PAYLOAD | CRC-16/CCITT-FALSE (2 bytes) | ETX

LEN counts SEQ, CMD and PAYLOAD; the CRC covers LEN to the end of PAYLOAD. Every command is
acknowledged by a frame with the same sequence number. A command that is not acknowledged
within 100 ms (a timeout, a garbled reply or a NAK for a CRC error) is sent again with the
same sequence number, up to 3 times; the MCU executes a sequence number only once. After the
last repeat, or at once for a NAK that reports a limit violation in the MCU, ``send`` raises
``DeliveryError`` and the limit guard stops delivery with the "Delivery error" alarm.

The port is anything with pyserial's ``write(bytes)`` and ``read(size)`` (``read`` returns
fewer bytes when the 100 ms timeout expires), such as ``serial.Serial("/dev/ttymxc2",
115200, timeout=0.1)`` from pySerial (SOUP-002), or the simulator of the tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Protocol

# implements: SRS-064

BAUD_RATE = 115_200
ACK_TIMEOUT_S = 0.1
RETRIES = 3
STX = 0x02
ETX = 0x03
NAK_CRC = 0x01
NAK_LIMIT = 0x02
DELIVERY_ERROR = "Delivery error"


class Command(IntEnum):
    DELIVER = 0x10
    RETRACT = 0x11
    RESET_COUNTERS = 0x12
    HEARTBEAT = 0x20
    BUZZER = 0x21
    VERSION = 0x30
    ACK = 0x06
    NAK = 0x15


class Port(Protocol):
    def write(self, data: bytes) -> int | None: ...

    def read(self, size: int) -> bytes: ...


class FrameError(ValueError):
    """A frame that is truncated, badly delimited or fails its CRC."""


class DeliveryError(RuntimeError):
    """The safety MCU did not acknowledge a command: delivery must stop."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"{DELIVERY_ERROR}: {detail}")
        self.detail = detail


@dataclass(frozen=True, slots=True)
class Frame:
    seq: int
    command: int
    payload: bytes = b""


def _crc_table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
        table.append(crc & 0xFFFF)
    return tuple(table)


_CRC_TABLE = _crc_table()


def crc16_ccitt(data: bytes, crc: int = 0xFFFF) -> int:
    """CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection."""
    for byte in data:
        crc = ((crc << 8) & 0xFFFF) ^ _CRC_TABLE[(crc >> 8) ^ byte]
    return crc


def encode_frame(frame: Frame) -> bytes:
    body = frame.seq.to_bytes(2, "big") + bytes([frame.command]) + frame.payload
    if len(body) > 0xFF:
        raise ValueError("payload too long for one frame")
    checked = bytes([len(body)]) + body
    return bytes([STX]) + checked + crc16_ccitt(checked).to_bytes(2, "big") + bytes([ETX])


def decode_frame(data: bytes) -> Frame:
    if len(data) < 7 or data[0] != STX or data[-1] != ETX:
        raise FrameError("bad delimiters or length")
    length = data[1]
    if len(data) != length + 5 or length < 3:
        raise FrameError("length field does not match the frame")
    checked, crc = data[1 : 2 + length], int.from_bytes(data[2 + length : 4 + length], "big")
    if crc16_ccitt(checked) != crc:
        raise FrameError("CRC mismatch")
    seq = int.from_bytes(data[2:4], "big")
    return Frame(seq=seq, command=data[4], payload=data[5 : 2 + length])


class McuProtocol:
    """Sends commands to the safety MCU and waits for their acknowledgement."""

    def __init__(self, port: Port, *, retries: int = RETRIES) -> None:
        self._port = port
        self._retries = retries
        self._seq = 0
        self.transmissions = 0  # frames written, for diagnostics

    def send(self, command: Command, payload: bytes = b"") -> Frame:
        """Send one command; return the ACK frame or raise ``DeliveryError``."""
        seq = self._seq
        self._seq = (self._seq + 1) & 0xFFFF  # 16-bit, wraps
        raw = encode_frame(Frame(seq, command, payload))
        for _attempt in range(1 + self._retries):
            reset = getattr(self._port, "reset_input_buffer", None)
            if reset is not None:
                reset()  # drop late or garbled bytes of an earlier attempt
            self._port.write(raw)
            self.transmissions += 1
            reply = self._read_reply()
            if reply is None or reply.seq != seq:
                continue  # timeout or garbled: treated as a missing ACK
            if reply.command == Command.ACK:
                return reply
            if reply.command == Command.NAK and reply.payload[:1] == bytes([NAK_LIMIT]):
                raise DeliveryError(f"MCU refused command 0x{command:02x} (limit violation)")
            # a NAK for a CRC error is treated like a missing ACK
        raise DeliveryError(f"no acknowledgement for command 0x{command:02x} seq {seq}")

    def _read_reply(self) -> Frame | None:
        start = self._port.read(1)
        while start and start[0] != STX:
            start = self._port.read(1)
        if not start:
            return None
        length = self._port.read(1)
        if not length:
            return None
        rest = self._port.read(length[0] + 3)
        try:
            return decode_frame(start + length + rest)
        except FrameError:
            return None
