"""AF_NFC (``struct sockaddr_nfc``, ``struct sockaddr_nfc_llcp``) against its oracles.

CPython has no AF_NFC tuple.  Oracles: <linux/nfc.h> through gcc --
``test_headers.py`` checks both structs and the NFC_* constants, and here C
programs fill them with the values of our tuples (``c_struct_oracle``) -- and
the kernel where it has AF_NFC (this one does not: that test skips).  Round
trips run on every ABI, for both socket protocols.
"""

from __future__ import annotations

import socket

import pytest
from c_struct_oracle import Case, c_images
from header_oracle import ABIS, CompilerUnavailable
from hypothesis import given, settings
from hypothesis import strategies as st

import sockaddr
from sockaddr import schemas
from sockaddr.abi import ABI, KNOWN

AF_NFC = schemas.constant("AF_NFC")
RAW = schemas.constant("NFC_SOCKPROTO_RAW")
LLCP = schemas.constant("NFC_SOCKPROTO_LLCP")
DEP = schemas.constant("NFC_PROTO_NFC_DEP")
U32 = 2**32
SNEP = b"urn:nfc:sn:snep"
LONGEST = bytes(range(0x21, 0x21 + 63))

FAMILY = f"s.sa_family = {AF_NFC};"
# name: (proto, tuple, C type, C statements filling the same struct)
CASES: dict[str, tuple[int, tuple[object, ...], str, tuple[str, ...]]] = {
    "raw": (RAW, (1, 2, DEP), "struct sockaddr_nfc", (
        FAMILY, "s.dev_idx = 1;", "s.target_idx = 2;", "s.nfc_protocol = NFC_PROTO_NFC_DEP;")),
    "raw_max": (RAW, (U32 - 1, U32 - 2, U32 - 3), "struct sockaddr_nfc", (
        FAMILY, "s.dev_idx = 0xffffffffu;", "s.target_idx = 0xfffffffeu;",
        "s.nfc_protocol = 0xfffffffdu;")),
    "llcp": (LLCP, (1, 2, DEP, 3, 4, SNEP), "struct sockaddr_nfc_llcp", (
        FAMILY, "s.dev_idx = 1;", "s.target_idx = 2;", "s.nfc_protocol = NFC_PROTO_NFC_DEP;",
        "s.dsap = 3;", "s.ssap = 4;", 'memcpy(s.service_name, "urn:nfc:sn:snep", 15);',
        "s.service_name_len = 15;")),
    "llcp_longest": (LLCP, (0, 0, 0, 0xFF, 0x3F, LONGEST), "struct sockaddr_nfc_llcp", (
        FAMILY, "s.dsap = 0xff;", "s.ssap = 0x3f;",
        "for (int i = 0; i < NFC_LLCP_MAX_SERVICE_NAME; i++) s.service_name[i] = 0x21 + i;",
        "s.service_name_len = NFC_LLCP_MAX_SERVICE_NAME;")),
    "llcp_unnamed": (LLCP, (7, 0, DEP, 0, 1, b""), "struct sockaddr_nfc_llcp", (
        FAMILY, "s.dev_idx = 7;", "s.nfc_protocol = NFC_PROTO_NFC_DEP;", "s.ssap = 1;")),
}


def _c(abi: str) -> dict[str, bytes]:
    cases = tuple(Case(n, t, s) for n, (_, _, t, s) in CASES.items())
    try:
        return c_images(cases, ("sys/socket.h", "linux/nfc.h"), abi)
    except CompilerUnavailable as e:
        pytest.skip(str(e))


@pytest.mark.parametrize("abi", ABIS)
@pytest.mark.parametrize("name", CASES)
def test_same_bytes_as_c(abi: str, name: str) -> None:
    proto, address, c_type, _ = CASES[name]
    want = _c(abi)[name]
    assert sockaddr.encode(AF_NFC, address, proto=proto, abi=abi) == want
    assert sockaddr.decode(want, proto=proto, abi=abi) == address
    rec = sockaddr.parse(want, proto=proto, abi=abi)
    assert (rec.struct, bytes(rec)) == (c_type.split()[-1], want)


def test_service_name_forms() -> None:
    as_text = sockaddr.encode(AF_NFC, (1, 2, DEP, 3, 4, "urn:nfc:sn:snep"), proto=LLCP)
    as_bytes = sockaddr.encode(AF_NFC, (1, 2, DEP, 3, 4, bytearray(SNEP)), proto=LLCP)
    assert as_text == as_bytes
    assert sockaddr.encode(AF_NFC, (1, 2, DEP, 3, 4), proto=LLCP) == sockaddr.encode(
        AF_NFC, (1, 2, DEP, 3, 4, b""), proto=LLCP)


@pytest.mark.parametrize(("proto", "address", "exc", "match"), [
    (RAW, (1, 2), TypeError, "must be a tuple"),
    (RAW, (1, 2, 3, 4), TypeError, "must be a tuple"),
    (RAW, [1, 2, 3], TypeError, "must be tuple, not list"),
    (RAW, (U32, 0, 0), OverflowError, "dev_idx must be 0-4294967295"),
    (RAW, (0, -1, 0), OverflowError, "target_idx"),
    (RAW, (0, 0, 1.0), TypeError, "integer"),
    (LLCP, (1, 2, 3), TypeError, "LLCP address must be a tuple"),
    (LLCP, (1, 2, 3, 4, 5, b"", 7), TypeError, "LLCP address must be a tuple"),
    (LLCP, (1, 2, 3, 256, 0), OverflowError, "dsap must be 0-255"),
    (LLCP, (1, 2, 3, 0, 0, bytes(64)), ValueError, "at most 63 bytes"),
    (LLCP, (1, 2, 3, 0, 0, 5), TypeError, "bytes-like"),
    (LLCP, (1, 2, 3, 0, 0, "\udcff"), UnicodeEncodeError, "surrogate"),
])
def test_encode_errors(proto: int, address: object, exc: type[Exception], match: str) -> None:
    with pytest.raises(exc, match=match):
        sockaddr.encode(AF_NFC, address, proto=proto, caller="bind")


def test_decode_lengths_follow_the_kernel() -> None:
    """rawsock_connect() needs the whole sockaddr_nfc; llcp_sock_bind() any length from
    2 (zero-filled); service_name_len past NFC_LLCP_MAX_SERVICE_NAME is refused."""
    raw = sockaddr.encode(AF_NFC, (1, 2, 3))
    for n in range(2, 16):
        with pytest.raises(sockaddr.DecodeError):
            sockaddr.decode(raw[:n])
    llcp = sockaddr.encode(AF_NFC, (1, 2, 3, 0, 4, SNEP), proto=LLCP)
    with pytest.raises(sockaddr.DecodeError):
        sockaddr.decode(llcp[:1], proto=LLCP)
    assert sockaddr.decode(llcp[:2], proto=LLCP) == (0, 0, 0, 0, 0, b"")
    assert sockaddr.decode(llcp[:20], proto=LLCP) == (1, 2, 3, 0, 4, b"")
    assert bytes(sockaddr.parse(llcp[:20], proto=LLCP)) == llcp[:20]
    layout = schemas.layout("sockaddr_nfc_llcp")
    at = layout.offsetof("service_name_len")
    too_long = llcp[:at] + (64).to_bytes(layout.size - at, "little")
    with pytest.raises(sockaddr.DecodeError, match="NFC_LLCP_MAX_SERVICE_NAME") as info:
        sockaddr.decode(too_long, proto=LLCP)
    assert info.value.offset == at
    assert bytes(sockaddr.parse(too_long, proto=LLCP)) == too_long


_raw = st.tuples(*(st.integers(0, U32 - 1),) * 3)
_llcp = st.tuples(*(st.integers(0, U32 - 1),) * 3, st.integers(0, 255), st.integers(0, 255),
                  st.binary(max_size=63))


@pytest.mark.parametrize("abi", sorted(KNOWN))
@settings(max_examples=25, deadline=None)
@given(case=st.one_of(_raw.map(lambda a: (RAW, a)), _llcp.map(lambda a: (LLCP, a))),
       junk=st.binary(max_size=100))
def test_round_trip(abi: str, case: tuple[int, tuple[object, ...]], junk: bytes) -> None:
    proto, address = case
    raw = sockaddr.encode(AF_NFC, address, proto=proto, abi=abi)
    assert sockaddr.decode(raw, proto=proto, abi=abi) == address
    rec = sockaddr.parse(raw, proto=proto, abi=abi)
    assert bytes(rec) == raw
    assert rec.address == address
    assert sockaddr.encode(AF_NFC, rec) == raw
    assert sockaddr.encode(AF_NFC, sockaddr.decode(raw, proto=proto, abi=abi), proto=proto,
                           abi=abi) == raw
    other = AF_NFC.to_bytes(2, ABI.get(abi).byteorder) + junk
    for call in (sockaddr.decode, sockaddr.parse):
        try:
            out = call(other, proto=proto, abi=abi)
        except sockaddr.DecodeError as e:
            assert 0 <= e.offset <= len(other)
        else:
            if isinstance(out, sockaddr.Sockaddr):
                assert bytes(out) == other


def test_kernel_reports_what_we_decode() -> None:
    try:
        sock = socket.socket(AF_NFC, socket.SOCK_STREAM, LLCP)
    except OSError as e:
        pytest.skip(f"this kernel has no AF_NFC (CONFIG_NFC): {e}")
    sock.close()
    pytest.skip("AF_NFC binds only to an NFC device (nfcsim) with LLCP up")
