"""Safety MCU frames, CRC and retries (TC-019)."""

import binascii

import pytest
from insupump.hal.mcu_protocol import (
    NAK_CRC,
    NAK_LIMIT,
    Command,
    DeliveryError,
    Frame,
    FrameError,
    McuProtocol,
    crc16_ccitt,
    decode_frame,
    encode_frame,
)


class ScriptedPort:
    """A port that records every frame written and answers from a script."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.written = []
        self._pending = b""

    def write(self, data):
        self.written.append(bytes(data))
        answer = self.answers.pop(0) if self.answers else None
        self._pending = answer(decode_frame(data)) if answer else b""
        return len(data)

    def read(self, size):
        chunk, self._pending = self._pending[:size], self._pending[size:]
        return chunk

    def reset_input_buffer(self):
        self._pending = b""


def ack(frame):
    return encode_frame(Frame(frame.seq, Command.ACK, (7).to_bytes(4, "big")))


def garbled_ack(frame):
    raw = bytearray(ack(frame))
    raw[-3] ^= 0x40  # CRC error in the reply
    return bytes(raw)


def nak(reason):
    return lambda frame: encode_frame(Frame(frame.seq, Command.NAK, bytes([reason])))


@pytest.mark.verifies("SRS-064", "SWU-006", "DD-006")
def test_frame_crc_sequence_and_retries():
    assert crc16_ccitt(b"123456789") == 0x29B1  # the CRC-16/CCITT-FALSE check value
    frame = encode_frame(Frame(0x0102, Command.DELIVER, b"\x00\x05"))
    assert frame == bytes.fromhex("02 05 0102 10 0005 19ee 03")
    assert crc16_ccitt(frame[1:-3]) == binascii.crc_hqx(frame[1:-3], 0xFFFF)
    assert decode_frame(frame) == Frame(0x0102, Command.DELIVER, b"\x00\x05")
    with pytest.raises(FrameError):
        decode_frame(frame[:-3] + b"\x00\x00\x03")

    silent = ScriptedPort([])
    protocol = McuProtocol(silent)
    with pytest.raises(DeliveryError, match="Delivery error"):
        protocol.send(Command.DELIVER, b"\x00\x01")
    assert len(silent.written) == 4  # the command and exactly 3 repeats
    assert len(set(silent.written)) == 1  # all with the same sequence number
    assert decode_frame(silent.written[0]).seq == 0

    # a CRC error in the reply, or a NAK for a CRC error, counts as a missing ACK
    port = ScriptedPort([garbled_ack, nak(NAK_CRC), ack])
    protocol = McuProtocol(port)
    reply = protocol.send(Command.DELIVER, b"\x00\x01")
    assert reply.command == Command.ACK and len(port.written) == 3
    assert len({decode_frame(w).seq for w in port.written}) == 1
    port.answers = [ack]
    protocol.send(Command.HEARTBEAT, b"\x00\x00")
    assert decode_frame(port.written[-1]).seq == 1  # the next command, the next number

    port = ScriptedPort([garbled_ack, garbled_ack, garbled_ack, garbled_ack, ack])
    with pytest.raises(DeliveryError):
        McuProtocol(port).send(Command.DELIVER, b"\x00\x01")
    assert len(port.written) == 4

    limited = ScriptedPort([nak(NAK_LIMIT)])  # a limit violation in the MCU: no retry
    with pytest.raises(DeliveryError, match="limit violation"):
        McuProtocol(limited).send(Command.DELIVER, b"\x00\x01")
    assert len(limited.written) == 1
