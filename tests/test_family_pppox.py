"""AF_PPPOX (``sockaddr_pppox`` and the four ``sockaddr_pppol2tp*``) against its oracles.

CPython has no AF_PPPOX tuple.  Oracles: <linux/if_pppox.h> through gcc --
``test_headers.py`` checks every packed struct, the address structs of
<linux/if_pppol2tp.h> and the PX_PROTO_* constants, and here C programs fill
them with the values of our tuples (``c_struct_oracle``) -- and the kernel where
it has AF_PPPOX (this one does not: that test skips).  Round trips run on every
ABI for the three socket protocols.
"""

from __future__ import annotations

import ctypes
import socket

import pytest
from c_struct_oracle import Case, c_images
from header_oracle import ABIS, CompilerUnavailable
from hypothesis import given, settings
from hypothesis import strategies as st

import sockaddr
from sockaddr import schemas
from sockaddr.abi import ABI, KNOWN

AF_PPPOX = schemas.constant("AF_PPPOX")
OE, OL2TP, PPTP = (schemas.constant(n) for n in ("PX_PROTO_OE", "PX_PROTO_OL2TP",
                                                  "PX_PROTO_PPTP"))
AF_INET, AF_INET6 = socket.AF_INET, socket.AF_INET6
MAC = bytes.fromhex("020000000001")
U32 = 2**32

HEAD = f"s.sa_family = {AF_PPPOX};"
V4 = ("s.pppol2tp.addr.sin_family = AF_INET;", "s.pppol2tp.addr.sin_port = BE16(1701);",
      "s.pppol2tp.addr.sin_addr.s_addr = BE32(0x0a000001);")
V6 = ("s.pppol2tp.addr.sin6_family = AF_INET6;", "s.pppol2tp.addr.sin6_port = BE16(1701);",
      "s.pppol2tp.addr.sin6_addr.s6_addr[15] = 1;", "s.pppol2tp.addr.sin6_scope_id = 2;")
IDS = ("s.pppol2tp.s_tunnel = 1;", "s.pppol2tp.s_session = 2;", "s.pppol2tp.d_tunnel = 3;",
       "s.pppol2tp.d_session = 4;")
IDS_MAX = ("s.pppol2tp.s_tunnel = 0xffffffffu;", "s.pppol2tp.s_session = 0x10000;",
           "s.pppol2tp.d_tunnel = 0;", "s.pppol2tp.d_session = 0xfffffffeu;")
L2TP = ("s.sa_protocol = PX_PROTO_OL2TP;", "s.pppol2tp.pid = 1234;", "s.pppol2tp.fd = 5;")
T4 = (AF_INET, ("10.0.0.1", 1701))
T6 = (AF_INET6, ("::1", 1701, 0, 2))

# name: (proto, tuple, C type, C statements filling the same struct)
CASES: dict[str, tuple[int, tuple[object, ...], str, tuple[str, ...]]] = {
    "pppoe": (OE, (0x1234, MAC, "eth0"), "struct sockaddr_pppox", (
        HEAD, "s.sa_protocol = PX_PROTO_OE;", "s.sa_addr.pppoe.sid = BE16(0x1234);",
        r'memcpy(s.sa_addr.pppoe.remote, "\x02\x00\x00\x00\x00\x01", ETH_ALEN);',
        'strcpy(s.sa_addr.pppoe.dev, "eth0");')),
    "pppoe_long_name": (OE, (0, bytes(6), "x" * 15), "struct sockaddr_pppox", (
        HEAD, "s.sa_protocol = PX_PROTO_OE;",
        'strcpy(s.sa_addr.pppoe.dev, "xxxxxxxxxxxxxxx");')),
    "pptp": (PPTP, (7, "192.0.2.1"), "struct sockaddr_pppox", (
        HEAD, "s.sa_protocol = PX_PROTO_PPTP;", "s.sa_addr.pptp.call_id = 7;",
        "s.sa_addr.pptp.sin_addr.s_addr = BE32(0xc0000201);")),
    "l2tp": (OL2TP, (2, 1234, 5, T4, 1, 2, 3, 4), "struct sockaddr_pppol2tp",
             (HEAD, *L2TP, *V4, *IDS)),
    "l2tpv3": (OL2TP, (3, 1234, 5, T4, U32 - 1, 0x10000, 0, U32 - 2),
               "struct sockaddr_pppol2tpv3", (HEAD, *L2TP, *V4, *IDS_MAX)),
    "l2tpin6": (OL2TP, (2, 1234, 5, T6, 1, 2, 3, 4), "struct sockaddr_pppol2tpin6",
                (HEAD, *L2TP, *V6, *IDS)),
    "l2tpv3in6": (OL2TP, (3, 1234, 5, T6, U32 - 1, 0x10000, 0, U32 - 2),
                  "struct sockaddr_pppol2tpv3in6", (HEAD, *L2TP, *V6, *IDS_MAX)),
    "l2tp_no_addr": (OL2TP, (2, -1, -2, (AF_INET, None), 0, 0, 0, 0), "struct sockaddr_pppol2tp",
                     (HEAD, "s.sa_protocol = PX_PROTO_OL2TP;", "s.pppol2tp.pid = -1;",
                      "s.pppol2tp.fd = -2;")),
    "l2tpv3in6_no_addr": (OL2TP, (3, 0, 9, (AF_INET6, None), 1, 2, 3, 4),
                          "struct sockaddr_pppol2tpv3in6",
                          (HEAD, "s.sa_protocol = PX_PROTO_OL2TP;", "s.pppol2tp.fd = 9;",
                           *IDS)),
}


def _c(abi: str) -> dict[str, bytes]:
    cases = tuple(Case(n, t, s) for n, (_, _, t, s) in CASES.items())
    try:
        return c_images(cases, ("sys/socket.h", "linux/if_pppox.h"), abi)
    except CompilerUnavailable as e:
        pytest.skip(str(e))


@pytest.mark.parametrize("abi", ABIS)
@pytest.mark.parametrize("name", CASES)
def test_same_bytes_as_c(abi: str, name: str) -> None:
    proto, address, c_type, _ = CASES[name]
    want = _c(abi)[name]
    assert sockaddr.encode(AF_PPPOX, address, proto=proto, abi=abi) == want
    # sa_protocol (and the length, for L2TP) tells the struct: no proto needed.
    assert sockaddr.decode(want, abi=abi) == address
    rec = sockaddr.parse(want, abi=abi)
    assert (rec.struct, rec.proto, bytes(rec)) == (c_type.split()[-1], proto, want)
    assert rec.address == address


def test_sizes_tell_the_l2tp_structs() -> None:
    """pppol2tp_sockaddr_get_info() switches on addrlen: 38, 46, 50, 58."""
    sizes = {s: schemas.layout(s).size for s in ("sockaddr_pppox", "sockaddr_pppol2tp",
                                                  "sockaddr_pppol2tpv3", "sockaddr_pppol2tpin6",
                                                  "sockaddr_pppol2tpv3in6")}
    assert sizes == {"sockaddr_pppox": 30, "sockaddr_pppol2tp": 38, "sockaddr_pppol2tpv3": 46,
                     "sockaddr_pppol2tpin6": 50, "sockaddr_pppol2tpv3in6": 58}
    raw = sockaddr.encode(AF_PPPOX, (3, 0, 5, T6, 1, 2, 3, 4), proto=OL2TP)
    for n in range(6, 80):
        data = raw[:n].ljust(n, b"\0")
        if n in (38, 46, 50, 58):
            continue
        with pytest.raises(sockaddr.DecodeError, match="38, 46, 50, 58"):
            sockaddr.decode(data)


@pytest.mark.parametrize(("proto", "address", "exc", "match"), [
    (OE, (1, MAC), TypeError, r"PPPoE address must be a tuple \(sid, remote, dev\)"),
    (OE, [1, MAC, "eth0"], TypeError, "must be tuple, not list"),
    (OE, (0x10000, MAC, "eth0"), OverflowError, "sid must be 0-65535"),
    (OE, (1, MAC[:5], "eth0"), ValueError, "remote must be 6 bytes"),
    (OE, (1, "02:00:00:00:00:01", "eth0"), TypeError, "remote must be a bytes-like"),
    (OE, (1, MAC, "x" * 16), ValueError, "interface name too long"),
    (OE, (1, MAC, "e\0th"), ValueError, "embedded null"),
    (OE, (1, MAC, 3), TypeError, "dev must be str or bytes"),
    (PPTP, (1,), TypeError, r"PPTP address must be a pair \(call_id, host\)"),
    (PPTP, (0x10000, "1.2.3.4"), OverflowError, "call_id must be 0-65535"),
    (PPTP, (1, "::1"), socket.gaierror, "Address family"),
    (OL2TP, (2, 0, 5, T4, 1, 2, 3), TypeError, "L2TP address must be a tuple"),
    (OL2TP, (4, 0, 5, T4, 1, 2, 3, 4), ValueError, "version must be 2 or 3"),
    (OL2TP, (2, 2**31, 5, T4, 1, 2, 3, 4), OverflowError, "pid"),
    (OL2TP, (2, 0, 5, T4, 0x10000, 2, 3, 4), OverflowError, "s_tunnel must be 0-65535"),
    (OL2TP, (3, 0, 5, T4, 1, 2, 3, U32), OverflowError, "d_session must be 0-4294967295"),
    (OL2TP, (2, 0, 5, (socket.AF_UNIX, "/x"), 1, 2, 3, 4), ValueError, "AF_INET"),
    (OL2TP, (2, 0, 5, (7, None), 1, 2, 3, 4), ValueError, "AF_INET"),
    (OL2TP, (2, 0, 5, ("10.0.0.1", 1701), 1, 2, 3, 4), TypeError, "integer"),
    (OL2TP, (2, 0, 5, (AF_INET, ("::1", 1)), 1, 2, 3, 4), socket.gaierror, "Address family"),
    (7, (1, 2), OSError, "unknown AF_PPPOX protocol"),
])
def test_encode_errors(proto: int, address: object, exc: type[Exception], match: str) -> None:
    with pytest.raises(exc, match=match):
        sockaddr.encode(AF_PPPOX, address, proto=proto, caller="connect")


def test_decode_errors() -> None:
    pppoe = sockaddr.encode(AF_PPPOX, (1, MAC, "eth0"))
    for n in range(2, 30):
        with pytest.raises(sockaddr.DecodeError) as info:
            sockaddr.decode(pppoe[:n])
        assert info.value.offset == n
    assert sockaddr.decode(pppoe + b"tail") == (1, MAC, "eth0")
    layout = schemas.layout("sockaddr_pppox")
    at = layout.offsetof("sa_protocol")
    unknown = pppoe[:at] + (3).to_bytes(4, "little") + pppoe[at + 4:]
    with pytest.raises(sockaddr.DecodeError, match="sa_protocol 3") as info:
        sockaddr.decode(unknown)
    assert info.value.offset == at
    dev = layout.offsetof("sa_addr.pppoe.dev")
    no_nul = pppoe[:dev] + b"x" * 16
    with pytest.raises(sockaddr.DecodeError, match="NUL") as info:
        sockaddr.decode(no_nul)
    assert info.value.offset == dev
    # An L2TP transport whose family is not its struct's.
    l2tp = sockaddr.encode(AF_PPPOX, (2, 0, 5, T4, 1, 2, 3, 4), proto=OL2TP)
    addr = schemas.layout("sockaddr_pppol2tp").offsetof("pppol2tp.addr")
    wrong = l2tp[:addr] + AF_INET6.to_bytes(2, "little") + l2tp[addr + 2:]
    with pytest.raises(sockaddr.DecodeError, match="is not AF_INET") as info:
        sockaddr.decode(wrong)
    assert info.value.offset == addr
    for bad in (no_nul, wrong):               # the record keeps what decode refuses
        assert bytes(sockaddr.parse(bad)) == bad
    with pytest.raises(sockaddr.DecodeError):
        sockaddr.parse(unknown)                # no struct to read it as


def test_dev_names_are_file_system_names() -> None:
    raw = sockaddr.encode(AF_PPPOX, (1, MAC, b"e\xffth"))
    assert sockaddr.decode(raw) == (1, MAC, "e\udcffth")
    assert sockaddr.encode(AF_PPPOX, sockaddr.decode(raw)) == raw


_pppoe = st.tuples(st.integers(0, 0xFFFF), st.binary(min_size=6, max_size=6),
                   st.binary(max_size=15).filter(lambda b: b"\0" not in b))
_pptp = st.tuples(st.integers(0, 0xFFFF), st.ip_addresses(v=4).map(str))
_t4 = st.tuples(st.just(AF_INET), st.one_of(st.none(), st.tuples(
    st.ip_addresses(v=4).map(str), st.integers(0, 65535))))
_t6 = st.tuples(st.just(AF_INET6), st.one_of(st.none(), st.tuples(
    st.ip_addresses(v=6).map(str), st.integers(0, 65535), st.integers(0, 0xFFFFF),
    st.integers(0, U32 - 1))))
_int = st.integers(-(2**31), 2**31 - 1)
_l2tp = st.one_of(
    st.tuples(st.just(2), _int, _int, st.one_of(_t4, _t6), *(st.integers(0, 0xFFFF),) * 4),
    st.tuples(st.just(3), _int, _int, st.one_of(_t4, _t6), *(st.integers(0, U32 - 1),) * 4))


def _canonical(proto: int, address: tuple[object, ...]) -> tuple[object, ...]:
    if proto == OE:
        sid, remote, dev = address
        return sid, remote, dev.decode("utf-8", "surrogateescape")  # type: ignore[attr-defined]
    if proto != OL2TP:
        return address
    version, pid, fd, (family, inner), *ids = address
    if inner is not None:
        host, *rest = inner  # type: ignore[misc]
        inner = (socket.inet_ntop(family, socket.inet_pton(family, host)), *rest)
    return (version, pid, fd, (family, inner), *ids)


@pytest.mark.parametrize("abi", sorted(KNOWN))
@settings(max_examples=25, deadline=None)
@given(case=st.one_of(_pppoe.map(lambda a: (OE, a)), _pptp.map(lambda a: (PPTP, a)),
                      _l2tp.map(lambda a: (OL2TP, a))), junk=st.binary(max_size=64))
def test_round_trip(abi: str, case: tuple[int, tuple[object, ...]], junk: bytes) -> None:
    proto, address = case
    raw = sockaddr.encode(AF_PPPOX, address, proto=proto, abi=abi)
    expected = _canonical(proto, address)
    assert sockaddr.decode(raw, abi=abi) == expected
    rec = sockaddr.parse(raw, abi=abi)
    assert bytes(rec) == raw
    assert rec.address == expected
    assert sockaddr.encode(AF_PPPOX, expected, proto=proto, abi=abi) == raw
    # Arbitrary bytes after the family and sa_protocol: DecodeError or lossless.
    order = ABI.get(abi).byteorder
    other = AF_PPPOX.to_bytes(2, order) + (proto).to_bytes(4, order) + junk
    for call in (sockaddr.decode, sockaddr.parse):
        try:
            out = call(other, abi=abi)
        except sockaddr.DecodeError as e:
            assert 0 <= e.offset <= len(other)
        else:
            if isinstance(out, sockaddr.Sockaddr):
                assert bytes(out) == other


def test_kernel_reports_what_we_decode() -> None:
    try:
        sock = socket.socket(AF_PPPOX, socket.SOCK_STREAM, PPTP)
    except OSError as e:
        pytest.skip(f"this kernel has no AF_PPPOX PPTP (CONFIG_PPTP): {e}")
    libc = ctypes.CDLL(None, use_errno=True)
    with sock:
        # pptp_bind() takes any local call id; getsockname() reports it back whole.
        raw = sockaddr.encode(AF_PPPOX, (0, "127.0.0.1"), proto=PPTP)
        buf = ctypes.create_string_buffer(raw, len(raw))
        assert libc.bind(sock.fileno(), buf, len(raw)) == 0, ctypes.get_errno()
        out = ctypes.create_string_buffer(64)
        size = ctypes.c_uint32(64)
        assert libc.getsockname(sock.fileno(), out, ctypes.byref(size)) == 0
        got = out.raw[:size.value]
        call_id, host = sockaddr.decode(got)  # type: ignore[misc]
        assert host == "127.0.0.1"
        assert sockaddr.encode(AF_PPPOX, (call_id, host), proto=PPTP) == got
