"""AF_RXRPC (``struct sockaddr_rxrpc``) against its oracles.

CPython has no AF_RXRPC tuple.  Oracles: <linux/rxrpc.h> through gcc --
``test_headers.py`` checks the struct (and its transport union), here C programs
fill it with the values of our tuples (``c_struct_oracle``) -- and the kernel
where it has AF_RXRPC (this one does not: that test skips).  The transport is
encoded by the package's own AF_INET/AF_INET6 codec, whose tests compare it with
CPython's.  Round trips run on every ABI.
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

AF_RXRPC = schemas.constant("AF_RXRPC")
AF_INET, AF_INET6 = socket.AF_INET, socket.AF_INET6
DGRAM = socket.SOCK_DGRAM

HEAD = (f"s.srx_family = {AF_RXRPC};", "s.srx_service = 52;", "s.transport_type = SOCK_DGRAM;")
CASES: dict[str, tuple[tuple[object, ...], tuple[str, ...]]] = {
    "v4": ((52, DGRAM, (AF_INET, ("127.0.0.1", 7001))), (
        *HEAD, "s.transport_len = sizeof(struct sockaddr_in);",
        "s.transport.sin.sin_family = AF_INET;", "s.transport.sin.sin_port = BE16(7001);",
        "s.transport.sin.sin_addr.s_addr = BE32(0x7f000001);")),
    "v6": ((52, DGRAM, (AF_INET6, ("fe80::1", 7001, 5, 3))), (
        *HEAD, "s.transport_len = sizeof(struct sockaddr_in6);",
        "s.transport.sin6.sin6_family = AF_INET6;", "s.transport.sin6.sin6_port = BE16(7001);",
        "s.transport.sin6.sin6_flowinfo = BE32(5);",
        "s.transport.sin6.sin6_addr.s6_addr[0] = 0xfe;",
        "s.transport.sin6.sin6_addr.s6_addr[1] = 0x80;",
        "s.transport.sin6.sin6_addr.s6_addr[15] = 1;", "s.transport.sin6.sin6_scope_id = 3;")),
    "any": ((0xFFFF, 0xFFFF, (AF_INET, ("0.0.0.0", 0))), (
        f"s.srx_family = {AF_RXRPC};", "s.srx_service = 0xffff;", "s.transport_type = 0xffff;",
        "s.transport_len = sizeof(struct sockaddr_in);",
        "s.transport.sin.sin_family = AF_INET;")),
}


def _c(abi: str) -> dict[str, bytes]:
    cases = tuple(Case(n, "struct sockaddr_rxrpc", s) for n, (_, s) in CASES.items())
    try:
        return c_images(cases, ("sys/socket.h", "linux/rxrpc.h"), abi)
    except CompilerUnavailable as e:
        pytest.skip(str(e))


@pytest.mark.parametrize("abi", ABIS)
@pytest.mark.parametrize("name", CASES)
def test_same_bytes_as_c(abi: str, name: str) -> None:
    address = CASES[name][0]
    want = _c(abi)[name]
    assert sockaddr.encode(AF_RXRPC, address, abi=abi) == want
    assert sockaddr.decode(want, abi=abi) == address
    assert bytes(sockaddr.parse(want, abi=abi)) == want


def test_transport_forms() -> None:
    inner = sockaddr.encode(AF_INET, ("10.0.0.1", 7001))
    via_record = sockaddr.encode(AF_RXRPC, (1, DGRAM, (AF_INET, sockaddr.parse(inner))))
    assert via_record == sockaddr.encode(AF_RXRPC, (1, DGRAM, (AF_INET, ("10.0.0.1", 7001))))
    rec = sockaddr.parse(via_record)
    assert rec.transport_len == 16
    assert rec.transport[:16] == inner
    assert sockaddr.encode(AF_RXRPC, (1, DGRAM, (AF_INET, ("", 0)))) == sockaddr.encode(
        AF_RXRPC, (1, DGRAM, (AF_INET, ("0.0.0.0", 0))))
    # The transport's own errors are AF_INET's and AF_INET6's.
    for transport, exc in (((AF_INET, ("::1", 1)), socket.gaierror),
                           ((AF_INET6, ("::1", 70000)), OverflowError)):
        with pytest.raises(exc) as ours:
            sockaddr.encode(AF_RXRPC, (1, DGRAM, transport), caller="bind")
        with pytest.raises(exc) as theirs:
            sockaddr.encode(transport[0], transport[1], caller="bind")
        assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize(("address", "exc", "match"), [
    ((1, DGRAM), TypeError, "must be a tuple"),
    ((1, DGRAM, (AF_INET, ("1.2.3.4", 1)), 4), TypeError, "must be a tuple"),
    ([1, DGRAM, (AF_INET, ("1.2.3.4", 1))], TypeError, "must be tuple, not list"),
    ((0x10000, DGRAM, (AF_INET, ("1.2.3.4", 1))), OverflowError, "srx_service"),
    ((1, -1, (AF_INET, ("1.2.3.4", 1))), OverflowError, "transport_type"),
    ((1, DGRAM, ("1.2.3.4", 1)), TypeError, "integer"),
    ((1, DGRAM, (3, ("1.2.3.4", 1))), ValueError, "transport family must be AF_INET"),
    ((1, DGRAM, (AF_INET,)), TypeError, r"pair \(family, address\), not 1 items"),
    ((1, DGRAM, [AF_INET, ("1.2.3.4", 1)]), TypeError, "not list"),
    ((1, DGRAM, (socket.AF_UNIX, "/x")), ValueError, "AF_INET"),
    ((1, DGRAM, (AF_INET, ("host.invalid", 1))), sockaddr.UnresolvedHostError, "host name"),
])
def test_encode_errors(address: object, exc: type[Exception], match: str) -> None:
    with pytest.raises(exc, match=match):
        sockaddr.encode(AF_RXRPC, address, caller="bind")


def test_decode_follows_rxrpc_validate_address() -> None:
    good = sockaddr.encode(AF_RXRPC, (52, DGRAM, (AF_INET, ("127.0.0.1", 7001))))
    layout = schemas.layout("sockaddr_rxrpc")
    at_len, at_transport = layout.offsetof("transport_len"), layout.offsetof("transport")
    for n in range(2, layout.size):
        with pytest.raises(sockaddr.DecodeError) as info:
            sockaddr.decode(good[:n])
        assert info.value.offset == n

    def with_len(n: int) -> bytes:
        return good[:at_len] + n.to_bytes(2, "little") + good[at_len + 2:]

    for n in (0, 1, 2, 15, 29, 0xFFFF):
        with pytest.raises(sockaddr.DecodeError) as info:
            sockaddr.decode(with_len(n))
        assert info.value.offset == at_len
    for n in (16, 20, 28):                       # the kernel accepts and zeroes the tail
        assert sockaddr.decode(with_len(n)) == (52, DGRAM, (AF_INET, ("127.0.0.1", 7001)))
    unix = good[:at_transport] + socket.AF_UNIX.to_bytes(2, "little") + good[at_transport + 2:]
    with pytest.raises(sockaddr.DecodeError, match="neither AF_INET") as info:
        sockaddr.decode(unix)
    assert info.value.offset == at_transport
    v6 = sockaddr.encode(AF_RXRPC, (52, DGRAM, (AF_INET6, ("::1", 7001))))
    short6 = v6[:at_len] + (24).to_bytes(2, "little") + v6[at_len + 2:]
    with pytest.raises(sockaddr.DecodeError):
        sockaddr.decode(short6)                  # sockaddr_in6 needs all 28 bytes here


_v4 = st.tuples(st.ip_addresses(v=4).map(str), st.integers(0, 65535))
_v6 = st.tuples(st.ip_addresses(v=6).map(str), st.integers(0, 65535), st.integers(0, 0xFFFFF),
                st.integers(0, 2**32 - 1))
_transport = st.one_of(_v4.map(lambda a: (AF_INET, a)), _v6.map(lambda a: (AF_INET6, a)))


@pytest.mark.parametrize("abi", sorted(KNOWN))
@settings(max_examples=25, deadline=None)
@given(service=st.integers(0, 0xFFFF), ttype=st.integers(0, 0xFFFF), transport=_transport,
       junk=st.binary(max_size=40))
def test_round_trip(abi: str, service: int, ttype: int, transport: tuple[int, tuple[object, ...]],
                    junk: bytes) -> None:
    raw = sockaddr.encode(AF_RXRPC, (service, ttype, transport), abi=abi)
    assert len(raw) == 36
    family, (host, *rest) = transport
    canonical = (family, (socket.inet_ntop(family, socket.inet_pton(family, host)), *rest))
    assert sockaddr.decode(raw, abi=abi) == (service, ttype, canonical)
    rec = sockaddr.parse(raw, abi=abi)
    assert bytes(rec) == raw
    assert sockaddr.encode(AF_RXRPC, sockaddr.decode(raw, abi=abi), abi=abi) == raw
    other = AF_RXRPC.to_bytes(2, ABI.get(abi).byteorder) + junk
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
        sock = socket.socket(AF_RXRPC, DGRAM, AF_INET)
    except OSError as e:
        pytest.skip(f"this kernel has no AF_RXRPC (CONFIG_AF_RXRPC): {e}")
    libc = ctypes.CDLL(None, use_errno=True)
    with sock:
        raw = sockaddr.encode(AF_RXRPC, (4000, DGRAM, (AF_INET, ("127.0.0.1", 0))))
        buf = ctypes.create_string_buffer(raw, len(raw))
        assert libc.bind(sock.fileno(), buf, len(raw)) == 0, ctypes.get_errno()
