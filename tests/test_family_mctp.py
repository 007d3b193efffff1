"""AF_MCTP (``struct sockaddr_mctp``, ``struct sockaddr_mctp_ext``) against its oracles.

CPython has no AF_MCTP tuple.  Oracles: <linux/mctp.h> through gcc --
``test_headers.py`` checks both structs and the MCTP_* constants, and here C
programs fill them with the values of our tuples (``c_struct_oracle``) -- and
the kernel where it has AF_MCTP (this one does not: that test skips).  Round
trips run on every ABI.
"""

from __future__ import annotations

import ctypes
import errno
import socket

import pytest
from c_struct_oracle import Case, c_images
from header_oracle import ABIS, CompilerUnavailable
from hypothesis import given, settings
from hypothesis import strategies as st

import sockaddr
from sockaddr import schemas
from sockaddr.abi import ABI, KNOWN

AF_MCTP = schemas.constant("AF_MCTP")
OWNER = schemas.constant("MCTP_TAG_OWNER")
U32 = 2**32

# name: (tuple, C statements filling the same struct)
BASE = f"s.smctp_family = {AF_MCTP};"
EXT = f"s.smctp_base.smctp_family = {AF_MCTP};"
CASES: dict[str, tuple[tuple[object, ...], str, tuple[str, ...]]] = {
    "base": ((7, 8, 1, OWNER | 3), "struct sockaddr_mctp", (
        BASE, "s.smctp_network = 7;", "s.smctp_addr.s_addr = 8;", "s.smctp_type = 1;",
        "s.smctp_tag = MCTP_TAG_OWNER | 3;")),
    "any": ((0, 0xFF, 0, 0), "struct sockaddr_mctp", (
        BASE, "s.smctp_network = MCTP_NET_ANY;", "s.smctp_addr.s_addr = MCTP_ADDR_ANY;")),
    "max": ((U32 - 1, 0xFE, 0xFF, 0xFF), "struct sockaddr_mctp", (
        BASE, "s.smctp_network = 0xffffffffu;", "s.smctp_addr.s_addr = 0xfe;",
        "s.smctp_type = 0xff;", "s.smctp_tag = 0xff;")),
    "ext": ((7, 8, 1, OWNER, 3, b"\x1d\x50"), "struct sockaddr_mctp_ext", (
        EXT, "s.smctp_base.smctp_network = 7;", "s.smctp_base.smctp_addr.s_addr = 8;",
        "s.smctp_base.smctp_type = 1;", "s.smctp_base.smctp_tag = MCTP_TAG_OWNER;",
        "s.smctp_ifindex = 3;", "s.smctp_halen = 2;", "s.smctp_haddr[0] = 0x1d;",
        "s.smctp_haddr[1] = 0x50;")),
    "ext_full": ((1, 2, 3, 4, -5, bytes(range(1, 33))), "struct sockaddr_mctp_ext", (
        EXT, "s.smctp_base.smctp_network = 1;", "s.smctp_base.smctp_addr.s_addr = 2;",
        "s.smctp_base.smctp_type = 3;", "s.smctp_base.smctp_tag = 4;",
        "s.smctp_ifindex = -5;", "s.smctp_halen = MAX_ADDR_LEN;",
        "for (int i = 0; i < MAX_ADDR_LEN; i++) s.smctp_haddr[i] = i + 1;")),
    "ext_empty": ((0, 0, 0, 0, 0, b""), "struct sockaddr_mctp_ext", (EXT,)),
}


def _c(abi: str) -> dict[str, bytes]:
    cases = tuple(Case(n, t, s) for n, (_, t, s) in CASES.items())
    try:
        return c_images(cases, ("sys/socket.h", "linux/mctp.h"), abi)
    except CompilerUnavailable as e:
        pytest.skip(str(e))


@pytest.mark.parametrize("abi", ABIS)
@pytest.mark.parametrize("name", CASES)
def test_same_bytes_as_c(abi: str, name: str) -> None:
    address = CASES[name][0]
    want = _c(abi)[name]
    assert sockaddr.encode(AF_MCTP, address, abi=abi) == want
    assert sockaddr.decode(want, abi=abi) == address
    rec = sockaddr.parse(want, abi=abi)
    assert bytes(rec) == want
    assert rec.struct == CASES[name][1].split()[-1]
    assert rec.family == AF_MCTP


@pytest.mark.parametrize(("address", "exc", "match"), [
    ((1, 2, 3), TypeError, "must be a tuple"),
    ((1, 2, 3, 4, 5), TypeError, "must be a tuple"),
    ((1, 2, 3, 4, 5, b"", 7), TypeError, "must be a tuple"),
    ([1, 2, 3, 4], TypeError, "must be tuple, not list"),
    ((U32, 0, 0, 0), OverflowError, "smctp_network must be 0-4294967295"),
    ((0, 256, 0, 0), OverflowError, "0-255"),
    ((0, 0, -1, 0), OverflowError, "0-255"),
    ((0, 0, 0, 0, 2**31, b""), OverflowError, "smctp_ifindex"),
    ((0, 0, 0, 0, 1, bytes(33)), ValueError, "at most 32 bytes"),
    ((0, 0, 0, 0, 1, "ab"), TypeError, "bytes-like"),
    ((0, 0, 0, 0, 1, None), TypeError, "bytes-like"),
    ((0.0, 0, 0, 0), TypeError, "integer"),
])
def test_encode_errors(address: object, exc: type[Exception], match: str) -> None:
    with pytest.raises(exc, match=match):
        sockaddr.encode(AF_MCTP, address, caller="bind")


def test_decode_picks_the_struct_by_length() -> None:
    """mctp_sendmsg(): >= sizeof(sockaddr_mctp_ext) is extended; < 12 is EINVAL."""
    ext = sockaddr.encode(AF_MCTP, (7, 8, 1, 0, 3, b"\xaa"))
    assert len(ext) == 52
    for n in range(2, 12):
        with pytest.raises(sockaddr.DecodeError) as info:
            sockaddr.decode(ext[:n])
        assert info.value.offset == n
    for n in range(12, 52):
        assert sockaddr.decode(ext[:n]) == (7, 8, 1, 0)
        rec = sockaddr.parse(ext[:n])
        assert (rec.struct, bytes(rec)) == ("sockaddr_mctp", ext[:n])
    assert sockaddr.decode(ext + b"x") == (7, 8, 1, 0, 3, b"\xaa")
    halen = schemas.layout("sockaddr_mctp_ext").offsetof("smctp_halen")
    bad = bytearray(ext)
    bad[halen] = 33
    with pytest.raises(sockaddr.DecodeError, match="MAX_ADDR_LEN") as info:
        sockaddr.decode(bytes(bad))
    assert info.value.offset == halen
    assert bytes(sockaddr.parse(bytes(bad))) == bytes(bad)


_base = st.tuples(st.integers(0, U32 - 1), st.integers(0, 255), st.integers(0, 255),
                  st.integers(0, 255))
_addresses = st.one_of(_base, st.tuples(_base, st.integers(-(2**31), 2**31 - 1),
                                        st.binary(max_size=32)).map(lambda t: (*t[0], *t[1:])))


@pytest.mark.parametrize("abi", sorted(KNOWN))
@settings(max_examples=25, deadline=None)
@given(address=_addresses, junk=st.binary(max_size=60))
def test_round_trip(abi: str, address: tuple[object, ...], junk: bytes) -> None:
    raw = sockaddr.encode(AF_MCTP, address, abi=abi)
    assert len(raw) == (12 if len(address) == 4 else 52)
    assert sockaddr.decode(raw, abi=abi) == address
    rec = sockaddr.parse(raw, abi=abi)
    assert bytes(rec) == raw
    assert rec.address == address
    assert sockaddr.encode(AF_MCTP, rec) == raw
    assert sockaddr.encode(AF_MCTP, sockaddr.decode(raw, abi=abi), abi=abi) == raw
    # Arbitrary bytes of the family: DecodeError or a value, and a lossless record.
    other = AF_MCTP.to_bytes(2, ABI.get(abi).byteorder) + junk
    for call in (sockaddr.decode, sockaddr.parse):
        try:
            out = call(other, abi=abi)
        except sockaddr.DecodeError as e:
            assert 0 <= e.offset <= len(other)
        else:
            if isinstance(out, sockaddr.Sockaddr):
                assert bytes(out) == other


def test_kernel_binds_our_bytes() -> None:
    try:
        sock = socket.socket(AF_MCTP, socket.SOCK_DGRAM, 0)
    except OSError as e:
        pytest.skip(f"this kernel has no AF_MCTP (CONFIG_MCTP): {e}")
    libc = ctypes.CDLL(None, use_errno=True)

    def bind(data: bytes) -> int:
        buf = ctypes.create_string_buffer(data, len(data))
        return 0 if libc.bind(sock.fileno(), buf, len(data)) == 0 else ctypes.get_errno()

    with sock:
        # mctp_bind() has no getsockname() counterpart; it refuses a short address and
        # non-zero pads with EINVAL, so a zero-padded 12-byte address binding proves the
        # layout (type 1 is MCTP control, network and EID "any").
        good = sockaddr.encode(AF_MCTP, (0, 0xFF, 1, 0))
        assert bind(good[:11]) == errno.EINVAL
        padded = bytearray(good)
        padded[2] = 1                                      # __smctp_pad0
        assert bind(bytes(padded)) == errno.EINVAL
        assert bind(good) == 0
