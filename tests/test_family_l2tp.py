"""L2TP over IP (``struct sockaddr_l2tpip``, ``struct sockaddr_l2tpip6``) against its oracles.

These are AF_INET/AF_INET6 sockets of protocol IPPROTO_L2TP, reached through
``sockaddr.families.l2tp`` (not ``sockaddr.encode``, whose AF_INET is
``sockaddr_in``).  CPython has no tuple for them.  Oracles: <linux/l2tp.h>
through gcc -- ``test_headers.py`` checks both structs and IPPROTO_L2TP, here C
programs fill them with the values of our tuples (``c_struct_oracle``) -- and
the kernel where it has L2TP/IP (this one does not: that test skips).  Round
trips run on every ABI.
"""

from __future__ import annotations

import ctypes
import os
import socket

import pytest
from c_struct_oracle import Case, c_images
from header_oracle import ABIS, CompilerUnavailable
from hypothesis import given, settings
from hypothesis import strategies as st

import sockaddr
from sockaddr import schemas
from sockaddr.abi import ABI, KNOWN
from sockaddr.families import l2tp

AF_INET, AF_INET6 = socket.AF_INET, socket.AF_INET6
IPPROTO_L2TP = schemas.constant("IPPROTO_L2TP")
U32 = 2**32

CASES: dict[str, tuple[int, tuple[object, ...], str, tuple[str, ...]]] = {
    "v4": (AF_INET, ("192.0.2.1", 42), "struct sockaddr_l2tpip", (
        "s.l2tp_family = AF_INET;", "s.l2tp_addr.s_addr = BE32(0xc0000201);",
        "s.l2tp_conn_id = 42;")),
    "v4_any": (AF_INET, ("0.0.0.0", U32 - 1), "struct sockaddr_l2tpip", (
        "s.l2tp_family = AF_INET;", "s.l2tp_conn_id = 0xffffffffu;")),
    "v6": (AF_INET6, ("fe80::1", 7, 5, 3), "struct sockaddr_l2tpip6", (
        "s.l2tp_family = AF_INET6;", "s.l2tp_flowinfo = BE32(5);",
        "s.l2tp_addr.s6_addr[0] = 0xfe;", "s.l2tp_addr.s6_addr[1] = 0x80;",
        "s.l2tp_addr.s6_addr[15] = 1;", "s.l2tp_scope_id = 3;", "s.l2tp_conn_id = 7;")),
    "v6_max": (AF_INET6, ("::", U32 - 1, 0xFFFFF, U32 - 1), "struct sockaddr_l2tpip6", (
        "s.l2tp_family = AF_INET6;", "s.l2tp_flowinfo = BE32(0xfffff);",
        "s.l2tp_scope_id = 0xffffffffu;", "s.l2tp_conn_id = 0xffffffffu;")),
}


def _c(abi: str) -> dict[str, bytes]:
    cases = tuple(Case(n, t, s) for n, (_, _, t, s) in CASES.items())
    try:
        return c_images(cases, ("sys/socket.h", "linux/l2tp.h"), abi)
    except CompilerUnavailable as e:
        pytest.skip(str(e))


@pytest.mark.parametrize("abi", ABIS)
@pytest.mark.parametrize("name", CASES)
def test_same_bytes_as_c(abi: str, name: str) -> None:
    family, address, c_type, _ = CASES[name]
    want = _c(abi)[name]
    assert l2tp.encode(family, address, abi=abi) == want
    assert l2tp.decode(want, abi=abi) == address
    rec = l2tp.parse(want, abi=abi)
    assert (rec.struct, bytes(rec)) == (c_type.split()[-1], want)
    assert l2tp.encode(family, rec) == want
    # The codec objects give the same, with the Family interface.
    codec = l2tp.L2TP_IP if family == AF_INET else l2tp.L2TP_IP6
    assert codec.decode(want, proto=IPPROTO_L2TP, abi=ABI.get(abi), interfaces=None) == address


def test_not_the_families_own_structs() -> None:
    """sockaddr.encode(AF_INET, ...) stays sockaddr_in: L2TP is reached by name."""
    assert sockaddr.decode(sockaddr.encode(AF_INET, ("192.0.2.1", 42))) == ("192.0.2.1", 42)
    assert sockaddr.parse(l2tp.encode(AF_INET, ("192.0.2.1", 42))).struct == "sockaddr_in"
    assert l2tp.encode(AF_INET6, ("::1", 1)) == l2tp.encode(AF_INET6, ("::1", 1, 0, 0))
    assert l2tp.encode(AF_INET, ("", 1)) == l2tp.encode(AF_INET, ("0.0.0.0", 1))


@pytest.mark.parametrize(("family", "address", "exc", "match"), [
    (AF_INET, ("1.2.3.4",), TypeError, "must be a pair"),
    (AF_INET, ("1.2.3.4", 1, 2), TypeError, "must be a pair"),
    (AF_INET, ["1.2.3.4", 1], TypeError, "must be tuple, not list"),
    (AF_INET, ("1.2.3.4", U32), OverflowError, "conn_id must be 0-4294967295"),
    (AF_INET, ("1.2.3.4", -1), OverflowError, "conn_id"),
    (AF_INET, ("1.2.3.4", 1.0), TypeError, "integer"),
    (AF_INET, ("::1", 1), socket.gaierror, "Address family"),
    (AF_INET, ("example.invalid", 1), sockaddr.UnresolvedHostError, "host name"),
    (AF_INET6, ("::1",), TypeError, "must be a tuple"),
    (AF_INET6, ("::1", 1, 2**20), OverflowError, "flowinfo must be 0-1048575"),
    (AF_INET6, ("::1", 1, 0, U32), OverflowError, "scope_id"),
    (AF_INET6, ("1.2.3.4", 1), socket.gaierror, "Address family"),
    (socket.AF_UNIX, ("x", 1), OSError, "bad family"),
])
def test_encode_errors(family: int, address: object, exc: type[Exception], match: str) -> None:
    with pytest.raises(exc, match=match):
        l2tp.encode(family, address, caller="bind")


def test_decode_needs_the_whole_struct() -> None:
    for family, address in ((AF_INET, ("1.2.3.4", 5)), (AF_INET6, ("::1", 5, 0, 0))):
        raw = l2tp.encode(family, address)
        for n in range(len(raw)):
            with pytest.raises(sockaddr.DecodeError) as info:
                l2tp.decode(raw[:n])
            assert info.value.offset <= n
        assert l2tp.decode(raw + b"tail") == address
        assert bytes(l2tp.parse(raw + b"tail")) == raw + b"tail"
    with pytest.raises(sockaddr.DecodeError, match="neither AF_INET nor AF_INET6"):
        l2tp.decode(bytes(16))


_v4 = st.tuples(st.ip_addresses(v=4).map(str), st.integers(0, U32 - 1))
_v6 = st.tuples(st.ip_addresses(v=6).map(str), st.integers(0, U32 - 1), st.integers(0, 0xFFFFF),
                st.integers(0, U32 - 1))


@pytest.mark.parametrize("abi", sorted(KNOWN))
@settings(max_examples=25, deadline=None)
@given(case=st.one_of(_v4.map(lambda a: (AF_INET, a)), _v6.map(lambda a: (AF_INET6, a))),
       junk=st.binary(max_size=40))
def test_round_trip(abi: str, case: tuple[int, tuple[object, ...]], junk: bytes) -> None:
    family, address = case
    raw = l2tp.encode(family, address, abi=abi)
    assert len(raw) == (16 if family == AF_INET else 32)
    host, *rest = address
    canonical = (socket.inet_ntop(family, socket.inet_pton(family, str(host))), *rest)
    assert l2tp.decode(raw, abi=abi) == canonical
    assert bytes(l2tp.parse(raw, abi=abi)) == raw
    assert l2tp.encode(family, l2tp.decode(raw, abi=abi), abi=abi) == raw
    other = family.to_bytes(2, ABI.get(abi).byteorder) + junk
    for call in (l2tp.decode, l2tp.parse):
        try:
            out = call(other, abi=abi)
        except sockaddr.DecodeError as e:
            assert 0 <= e.offset <= len(other)
        else:
            if isinstance(out, sockaddr.Sockaddr):
                assert bytes(out) == other


def test_kernel_reports_what_we_decode() -> None:
    try:
        sock = socket.socket(AF_INET, socket.SOCK_DGRAM, IPPROTO_L2TP)
    except OSError as e:
        pytest.skip(f"this kernel has no L2TP over IP (CONFIG_L2TP_IP): {e}")
    libc = ctypes.CDLL(None, use_errno=True)
    with sock:
        raw = l2tp.encode(AF_INET, ("127.0.0.1", 4242))
        buf = ctypes.create_string_buffer(raw, len(raw))
        assert libc.bind(sock.fileno(), buf, len(raw)) == 0, os.strerror(ctypes.get_errno())
        out = ctypes.create_string_buffer(64)
        size = ctypes.c_uint32(64)
        assert libc.getsockname(sock.fileno(), out, ctypes.byref(size)) == 0
        got = out.raw[:size.value]
        assert got == raw
        assert l2tp.decode(got) == ("127.0.0.1", 4242)
