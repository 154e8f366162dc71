"""Secure remote channel, part of the secure remote channel unit (SWU-015).

Connections are accepted only from bonded devices paired with LE Secure Connections
numeric comparison. The application handshake agrees a session key by ECDH on P-256 and
HKDF-SHA256; every application message is then protected with AES-128-GCM under a 96-bit
nonce made of the direction and a 64-bit message counter. A message that fails
authentication, repeats or goes back in its counter, or comes from an unbonded peer is
dropped without reply; five drops within 10 minutes close the connection and raise the
low-priority alert "Wireless security event".

On the device the primitives come from pyca/cryptography (SOUP-003). This example has no
third-party dependencies, so the module carries small pure-Python implementations of the
same primitives (clear rather than fast or constant-time), which the known-answer tests
of TC-052 check against the published vectors.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections import deque
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import Any, Protocol

from insupump.alarms.manager import AlarmManager, Condition

# implements: SRS-049

# --- AES-128 (FIPS 197), encryption direction only, as GCM needs -------------------------


def _xtime(a: int) -> int:
    return ((a << 1) ^ 0x1B) & 0xFF if a & 0x80 else a << 1


def _make_sbox() -> tuple[int, ...]:
    sbox = [0] * 256
    p = q = 1
    while True:
        p = p ^ _xtime(p)  # p * 3 in GF(2^8)
        q ^= q << 1  # q / 3
        q ^= q << 2
        q ^= q << 4
        q &= 0xFF
        if q & 0x80:
            q ^= 0x09
        rotl = [((q << n) | (q >> (8 - n))) & 0xFF for n in range(1, 5)]
        sbox[p] = q ^ rotl[0] ^ rotl[1] ^ rotl[2] ^ rotl[3] ^ 0x63
        if p == 1:
            break
    sbox[0] = 0x63
    return tuple(sbox)


_SBOX = _make_sbox()
_SHIFT_ROWS = tuple((i % 4) + 4 * ((i // 4 + i % 4) % 4) for i in range(16))


def _expand_key(key: bytes) -> list[list[int]]:
    if len(key) != 16:
        raise ValueError("AES-128 needs a 16-byte key")
    words = [list(key[i : i + 4]) for i in range(0, 16, 4)]
    rcon = 1
    for i in range(4, 44):
        word = list(words[i - 1])
        if i % 4 == 0:
            word = [_SBOX[b] for b in word[1:] + word[:1]]
            word[0] ^= rcon
            rcon = _xtime(rcon)
        words.append([a ^ b for a, b in zip(words[i - 4], word, strict=True)])
    return [[b for word in words[4 * r : 4 * r + 4] for b in word] for r in range(11)]


def _encrypt_block(round_keys: list[list[int]], block: bytes) -> bytes:
    state = [b ^ k for b, k in zip(block, round_keys[0], strict=True)]
    for rnd in range(1, 11):
        state = [_SBOX[b] for b in state]
        state = [state[_SHIFT_ROWS[i]] for i in range(16)]
        if rnd != 10:
            mixed = []
            for c in range(4):
                a0, a1, a2, a3 = state[4 * c : 4 * c + 4]
                t = a0 ^ a1 ^ a2 ^ a3
                mixed += [
                    a0 ^ t ^ _xtime(a0 ^ a1),
                    a1 ^ t ^ _xtime(a1 ^ a2),
                    a2 ^ t ^ _xtime(a2 ^ a3),
                    a3 ^ t ^ _xtime(a3 ^ a0),
                ]
            state = mixed
        state = [b ^ k for b, k in zip(state, round_keys[rnd], strict=True)]
    return bytes(state)


def aes128_encrypt_block(key: bytes, block: bytes) -> bytes:
    return _encrypt_block(_expand_key(key), block)


# --- GCM (NIST SP 800-38D), 96-bit nonces -------------------------------------------------


class InvalidTagError(Exception):
    pass


def _gf_mult(x: int, y: int) -> int:
    z, v = 0, y
    for i in range(127, -1, -1):
        if (x >> i) & 1:
            z ^= v
        v = (v >> 1) ^ (0xE1 << 120) if v & 1 else v >> 1
    return z


def _ghash(h: int, aad: bytes, ciphertext: bytes) -> int:
    y = 0
    for data in (aad, ciphertext):
        for i in range(0, len(data), 16):
            y = _gf_mult(y ^ int.from_bytes(data[i : i + 16].ljust(16, b"\0"), "big"), h)
    lengths = (len(aad) * 8).to_bytes(8, "big") + (len(ciphertext) * 8).to_bytes(8, "big")
    return _gf_mult(y ^ int.from_bytes(lengths, "big"), h)


def _gctr(round_keys: list[list[int]], counter: bytes, data: bytes) -> bytes:
    out = bytearray()
    value = int.from_bytes(counter[12:], "big")
    for i in range(0, len(data), 16):
        block = counter[:12] + ((value + i // 16) & 0xFFFFFFFF).to_bytes(4, "big")
        stream = _encrypt_block(round_keys, block)
        out += bytes(a ^ b for a, b in zip(data[i : i + 16], stream, strict=False))
    return bytes(out)


def _gcm(
    key: bytes, nonce: bytes, data: bytes, aad: bytes, *, encrypt: bool
) -> tuple[bytes, bytes]:
    if len(nonce) != 12:
        raise ValueError("only 96-bit nonces are used")
    round_keys = _expand_key(key)
    h = int.from_bytes(_encrypt_block(round_keys, bytes(16)), "big")
    j0 = nonce + b"\0\0\0\1"
    first = nonce + b"\0\0\0\2"
    output = _gctr(round_keys, first, data)
    ciphertext = output if encrypt else data
    tag = _gctr(round_keys, j0, _ghash(h, aad, ciphertext).to_bytes(16, "big"))
    return output, tag


def aes_gcm_encrypt(key: bytes, nonce: bytes, plaintext: bytes, aad: bytes = b"") -> bytes:
    """Ciphertext followed by the 16-byte tag."""
    ciphertext, tag = _gcm(key, nonce, plaintext, aad, encrypt=True)
    return ciphertext + tag


def aes_gcm_decrypt(key: bytes, nonce: bytes, data: bytes, aad: bytes = b"") -> bytes:
    if len(data) < 16:
        raise InvalidTagError("message too short")
    plaintext, tag = _gcm(key, nonce, data[:-16], aad, encrypt=False)
    if not hmac.compare_digest(tag, data[-16:]):
        raise InvalidTagError("authentication failed")
    return plaintext


# --- ECDH on P-256 (SEC 2, FIPS 186-4) ------------------------------------------------------

P256_P = 2**256 - 2**224 + 2**192 + 2**96 - 1
P256_B = 0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B
P256_N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
P256_G = (
    0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296,
    0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5,
)
Point = tuple[int, int] | None  # None is the point at infinity


def p256_on_curve(point: Point) -> bool:
    if point is None:
        return False
    x, y = point
    return 0 <= x < P256_P and 0 <= y < P256_P and (y * y - x**3 + 3 * x - P256_B) % P256_P == 0


def _p256_add(p1: Point, p2: Point) -> Point:
    if p1 is None:
        return p2
    if p2 is None:
        return p1
    (x1, y1), (x2, y2) = p1, p2
    if x1 == x2 and (y1 + y2) % P256_P == 0:
        return None
    if p1 == p2:
        slope = (3 * x1 * x1 - 3) * pow(2 * y1, -1, P256_P)
    else:
        slope = (y2 - y1) * pow(x2 - x1, -1, P256_P)
    x3 = (slope * slope - x1 - x2) % P256_P
    return x3, (slope * (x1 - x3) - y1) % P256_P


def p256_multiply(k: int, point: Point) -> Point:
    result: Point = None
    addend = point
    while k:
        if k & 1:
            result = _p256_add(result, addend)
        addend = _p256_add(addend, addend)
        k >>= 1
    return result


def p256_public_key(private_key: int) -> tuple[int, int]:
    if not 1 <= private_key < P256_N:
        raise ValueError("private key out of range")
    point = p256_multiply(private_key, P256_G)
    assert point is not None
    return point


def ecdh_p256(private_key: int, peer_public: Point) -> bytes:
    """The shared secret: x coordinate of d x Q, 32 bytes; the peer key is validated."""
    if not p256_on_curve(peer_public):
        raise ValueError("peer public key is not a point on P-256")
    shared = p256_multiply(private_key, peer_public)
    if shared is None:
        raise ValueError("degenerate shared secret")
    return shared[0].to_bytes(32, "big")


# --- HKDF-SHA256 (RFC 5869) -----------------------------------------------------------------


def hkdf_sha256(ikm: bytes, salt: bytes, info: bytes, length: int) -> bytes:
    prk = hmac.new(salt or bytes(32), ikm, hashlib.sha256).digest()
    okm, block = b"", b""
    for counter in range(1, -(-length // 32) + 1):
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        okm += block
    return okm[:length]


# --- the channel ----------------------------------------------------------------------------

KEY_BYTES = 16
COUNTER_BYTES = 8
DROP_LIMIT = 5
DROP_WINDOW_MS = 10 * 60_000
SESSION_INFO = b"insupump session v1"


class Direction(IntEnum):
    PUMP_TO_APP = 0
    APP_TO_PUMP = 1


class Pairing(StrEnum):
    NUMERIC_COMPARISON = "LE Secure Connections numeric comparison"
    JUST_WORKS = "LE Secure Connections just works"
    LEGACY = "LE legacy pairing"


@dataclass(frozen=True, slots=True)
class Peer:
    address: str
    bonded: bool
    pairing: Pairing


class ReplayError(Exception):
    pass


def derive_session_key(shared_secret: bytes, pump_nonce: bytes, app_nonce: bytes) -> bytes:
    return hkdf_sha256(shared_secret, pump_nonce + app_nonce, SESSION_INFO, KEY_BYTES)


@dataclass(slots=True)
class Session:
    """One direction-aware AES-128-GCM session; used on both ends of the link."""

    key: bytes
    sending: Direction
    sent: int = 0
    last_received: int = 0

    def seal(self, plaintext: bytes) -> bytes:
        self.sent += 1
        counter = self.sent.to_bytes(COUNTER_BYTES, "big")
        return counter + aes_gcm_encrypt(self.key, _nonce(self.sending, counter), plaintext)

    def open(self, frame: bytes) -> bytes:
        counter = frame[:COUNTER_BYTES]
        value = int.from_bytes(counter, "big")
        if value <= self.last_received:
            raise ReplayError(f"counter {value} not above {self.last_received}")
        receiving = Direction(1 - self.sending)
        plaintext = aes_gcm_decrypt(self.key, _nonce(receiving, counter), frame[COUNTER_BYTES:])
        self.last_received = value  # only an authentic message advances the counter
        return plaintext


def _nonce(direction: Direction, counter: bytes) -> bytes:
    return bytes([direction, 0, 0, 0]) + counter


class Logs(Protocol):
    def append(self, type_: str, payload: dict[str, Any] | None = None) -> int: ...


@dataclass(slots=True)
class _Connection:
    peer: Peer
    session: Session


class SecureChannel:
    """The pump end of the companion app link."""

    def __init__(self, bonded: set[str], alarms: AlarmManager, *, log: Logs | None = None) -> None:
        self._bonded = set(bonded)
        self._alarms = alarms
        self._log = log
        self._connection: _Connection | None = None
        self._drops: deque[int] = deque()
        self.public_key: tuple[int, int] | None = None

    @property
    def connected(self) -> bool:
        return self._connection is not None

    def accepts(self, peer: Peer) -> bool:
        return (
            peer.bonded
            and peer.address in self._bonded
            and peer.pairing is Pairing.NUMERIC_COMPARISON
        )

    def open(
        self,
        peer: Peer,
        peer_public: tuple[int, int],
        pump_nonce: bytes,
        app_nonce: bytes,
        now_ms: int,
        *,
        private_key: int | None = None,
    ) -> tuple[int, int] | None:
        """Handshake; returns the pump's ephemeral public key, or None if refused."""
        if not self.accepts(peer):
            self._drop(f"connection from unbonded peer {peer.address}", now_ms)
            return None
        private = private_key or secrets.randbelow(P256_N - 1) + 1
        shared = ecdh_p256(private, peer_public)
        session = Session(derive_session_key(shared, pump_nonce, app_nonce), Direction.PUMP_TO_APP)
        self._connection = _Connection(peer, session)
        self.public_key = p256_public_key(private)
        self._record("wireless-connected", peer=peer.address)
        return self.public_key

    def receive(self, sender: str, frame: bytes, now_ms: int) -> bytes | None:
        """The plaintext of an authentic new message, or None when it is dropped."""
        connection = self._connection
        if connection is None or sender != connection.peer.address:
            self._drop(f"message from {sender} outside a bonded session", now_ms)
            return None
        try:
            return connection.session.open(frame)
        except (InvalidTagError, ReplayError, ValueError) as error:
            self._drop(str(error), now_ms)
            return None

    def send(self, plaintext: bytes) -> bytes:
        if self._connection is None:
            raise ConnectionError("no secure session")
        return self._connection.session.seal(plaintext)

    def close(self, reason: str) -> None:
        if self._connection is not None:
            self._connection = None
            self._record("wireless-closed", reason=reason)

    def _drop(self, reason: str, now_ms: int) -> None:
        self._record("wireless-message-dropped", reason=reason)
        self._drops.append(now_ms)
        while self._drops and now_ms - self._drops[0] >= DROP_WINDOW_MS:
            self._drops.popleft()
        if len(self._drops) >= DROP_LIMIT:
            self._drops.clear()
            self.close("five dropped messages within 10 minutes")
            self._alarms.raise_condition(Condition.WIRELESS_SECURITY, now_ms)

    def _record(self, type_: str, **payload: Any) -> None:
        if self._log is not None:
            self._log.append(type_, payload)
