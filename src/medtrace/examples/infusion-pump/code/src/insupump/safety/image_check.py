"""Image signature and hardening checks, part of the start-up and self test unit (SWU-017).

At every start the Ed25519 signature of the installed application bundle is verified
against the manufacturer key held in the secure element, and a bundle older than the last
one accepted is refused (anti-rollback): either failure is "Self test failed E-010". In the
production configuration the serial console login, the SSH service and the Python debug
entry points must be disabled, or the start fails with E-031.

On the device Ed25519 comes from pyca/cryptography (SOUP-003); this dependency-free example
carries the RFC 8032 reference verification in pure Python instead.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

# implements: SRS-051
# implements: SRS-052

E_SIGNATURE = "E-010"
E_HARDENING = "E-031"

# --- Ed25519 verification (RFC 8032, section 5.1) -----------------------------------------

_P = 2**255 - 19
_L = 2**252 + 27742317777372353535851937790883648493
_D = -121665 * pow(121666, -1, _P) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)
ExtendedPoint = tuple[int, int, int, int]


def _point_add(p: ExtendedPoint, q: ExtendedPoint) -> ExtendedPoint:
    a = (p[1] - p[0]) * (q[1] - q[0]) % _P
    b = (p[1] + p[0]) * (q[1] + q[0]) % _P
    c = 2 * p[3] * q[3] * _D % _P
    d = 2 * p[2] * q[2] % _P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _point_multiply(scalar: int, point: ExtendedPoint) -> ExtendedPoint:
    result: ExtendedPoint = (0, 1, 1, 0)
    while scalar:
        if scalar & 1:
            result = _point_add(result, point)
        point = _point_add(point, point)
        scalar >>= 1
    return result


def _points_equal(p: ExtendedPoint, q: ExtendedPoint) -> bool:
    return (p[0] * q[2] - q[0] * p[2]) % _P == 0 and (p[1] * q[2] - q[1] * p[2]) % _P == 0


def _recover_x(y: int, sign: int) -> int | None:
    if y >= _P:
        return None
    x2 = (y * y - 1) * pow(_D * y * y + 1, -1, _P)
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P:
        x = x * _SQRT_M1 % _P
    if (x * x - x2) % _P:
        return None
    return _P - x if (x & 1) != sign else x


def _decompress(data: bytes) -> ExtendedPoint | None:
    if len(data) != 32:
        return None
    y = int.from_bytes(data, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    x = _recover_x(y, sign)
    return None if x is None else (x, y, 1, x * y % _P)


def _compress(point: ExtendedPoint) -> bytes:
    z_inv = pow(point[2], -1, _P)
    x, y = point[0] * z_inv % _P, point[1] * z_inv % _P
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


_BASE_Y = 4 * pow(5, -1, _P) % _P
_BASE_X = _recover_x(_BASE_Y, 0)
assert _BASE_X is not None
BASE_POINT: ExtendedPoint = (_BASE_X, _BASE_Y, 1, _BASE_X * _BASE_Y % _P)


def _hash_scalar(*parts: bytes) -> int:
    return int.from_bytes(hashlib.sha512(b"".join(parts)).digest(), "little") % _L


def ed25519_verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    if len(public_key) != 32 or len(signature) != 64:
        return False
    a = _decompress(public_key)
    r = _decompress(signature[:32])
    s = int.from_bytes(signature[32:], "little")
    if a is None or r is None or s >= _L:
        return False
    h = _hash_scalar(signature[:32], public_key, message)
    return _points_equal(_point_multiply(s, BASE_POINT), _point_add(r, _point_multiply(h, a)))


# --- bundle and hardening checks -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Bundle:
    version: tuple[int, int, int]
    payload: bytes
    signature: bytes

    def signed_message(self) -> bytes:
        return bundle_message(self.version, self.payload)


def bundle_message(version: tuple[int, int, int], payload: bytes) -> bytes:
    """What the manufacturer signs: the version and the SHA-256 of the bundle contents."""
    return b"insupump-bundle\n%d.%d.%d\n" % version + hashlib.sha256(payload).digest()


@dataclass(slots=True)
class SecureElement:
    """Stand-in for the secure element: manufacturer key and last accepted version."""

    manufacturer_key: bytes
    last_accepted: tuple[int, int, int] = (0, 0, 0)


@dataclass(frozen=True, slots=True)
class CheckResult:
    passed: bool
    error_code: str | None = None
    reason: str = ""

    @property
    def message(self) -> str:
        return "" if self.passed else f"Self test failed {self.error_code}"


def verify_bundle(bundle: Bundle, element: SecureElement) -> CheckResult:
    if not ed25519_verify(element.manufacturer_key, bundle.signed_message(), bundle.signature):
        return CheckResult(False, E_SIGNATURE, "signature does not verify")
    if bundle.version < element.last_accepted:
        return CheckResult(False, E_SIGNATURE, "older than the last accepted version")
    element.last_accepted = bundle.version
    return CheckResult(True)


@dataclass(frozen=True, slots=True)
class ProductionConfig:
    serial_console_login: bool
    ssh_enabled: bool
    debug_entry_points: bool
    production: bool = True


def check_hardening(config: ProductionConfig) -> CheckResult:
    if not config.production:
        return CheckResult(True)
    enabled = [
        name
        for name in ("serial_console_login", "ssh_enabled", "debug_entry_points")
        if getattr(config, name)
    ]
    if enabled:
        return CheckResult(False, E_HARDENING, f"enabled in production: {', '.join(enabled)}")
    return CheckResult(True)
