"""Known-answer tests of the cryptographic primitives (TC-052).

The device takes AES-GCM, ECDH P-256, HKDF and Ed25519 from pyca/cryptography (SOUP-003);
this example carries pure-Python equivalents, checked here against the published vectors."""

import pytest
from insupump.comms.secure_channel import (
    InvalidTagError,
    aes128_encrypt_block,
    aes_gcm_decrypt,
    aes_gcm_encrypt,
    ecdh_p256,
    hkdf_sha256,
    p256_public_key,
)
from insupump.safety.image_check import ed25519_verify

H = bytes.fromhex


@pytest.mark.verifies("SOUP-003", "SRS-049", "SRS-051")
def test_aesgcm_p256_hkdf_and_ed25519_known_answers(sign_ed25519, ed25519_keypair):
    # FIPS 197, appendix C.1
    assert aes128_encrypt_block(bytes(range(16)), H("00112233445566778899aabbccddeeff")) == H(
        "69c4e0d86a7b0430d8cdb78070b4c55a"
    )
    # GCM specification test cases 1 to 4 (AES-128), as in the NIST CAVP gcmEncrypt files
    assert aes_gcm_encrypt(bytes(16), bytes(12), b"") == H("58e2fccefa7e3061367f1d57a4e7455a")
    assert aes_gcm_encrypt(bytes(16), bytes(12), bytes(16)) == H(
        "0388dace60b6a392f328c2b971b2fe78ab6e47d42cec13bdf53a67b21257bddf"
    )
    key, iv = H("feffe9928665731c6d6a8f9467308308"), H("cafebabefacedbaddecaf888")
    plaintext = H(
        "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
        "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255"
    )
    ciphertext = H(
        "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
        "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985"
    )
    assert aes_gcm_encrypt(key, iv, plaintext) == ciphertext + H("4d5c2af327cd64a62cf35abd2ba6fab4")
    aad = H("feedfacedeadbeeffeedfacedeadbeefabaddad2")
    sealed = aes_gcm_encrypt(key, iv, plaintext[:60], aad)
    assert sealed == ciphertext[:60] + H("5bc94fbc3221a5db94fae95ae7121a47")
    assert aes_gcm_decrypt(key, iv, sealed, aad) == plaintext[:60]
    with pytest.raises(InvalidTagError):
        aes_gcm_decrypt(key, iv, sealed, aad[:-1] + b"\x00")

    # NIST CAVP KAS ECC CDH primitive, P-256, COUNT = 0
    d = 0x7D7DC5F71EB29DDAF80D6214632EEAE03D9058AF1FB6D22ED80BADB62BC1A534
    assert p256_public_key(d) == (
        0xEAD218590119E8876B29146FF89CA61770C4EDBBF97D38CE385ED281D8A6B230,
        0x28AF61281FD35E2FA7002523ACC85A429CB06EE6648325389F59EDFCE1405141,
    )
    peer = (
        0x700C48F77F56584C5CC632CA65640DB91B6BACCE3A4DF6B42CE7CC838833D287,
        0xDB71E509E3FD9B060DDB20BA5C51DCC5948D46FBF640DFE0441782CAB85FA4AC,
    )
    assert ecdh_p256(d, peer) == H(
        "46fc62106420ff012e54a434fbdd2d25ccc5852060561e68040dd7778997bd7b"
    )
    with pytest.raises(ValueError):
        ecdh_p256(d, (peer[0], peer[1] ^ 1))  # not on the curve

    # RFC 5869, test case 1
    okm = hkdf_sha256(b"\x0b" * 22, bytes(range(13)), bytes(range(0xF0, 0xFA)), 42)
    assert okm == H(
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"
    )

    # RFC 8032, section 7.1, tests 1 and 2
    vectors = [
        (
            "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
            "",
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555"
            "fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
        ),
        (
            "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
            "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
            "72",
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da0"
            "85ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
        ),
    ]
    for secret, public, message, signature in vectors:
        assert ed25519_keypair(H(secret)) == H(public)
        assert sign_ed25519(H(secret), H(message)) == H(signature)
        assert ed25519_verify(H(public), H(message), H(signature))
        forged = bytearray(H(signature))
        forged[5] ^= 0x20
        assert not ed25519_verify(H(public), H(message), bytes(forged))
        assert not ed25519_verify(H(public), H(message) + b"!", H(signature))
