"""CPython's own C codec as the oracle: same bytes, same values, same exceptions.

Each case runs twice: through ``sockaddr`` and through CPython's
``getsockaddrarg()``/``makesockaddr()`` (``tests/oracle``: a socket object of
the family wrapping a UDP descriptor, with an LD_PRELOAD shim catching the
bytes).  Bytes CPython never initialises are masked; every documented
deviation (README, "Where we differ") must show up exactly where documented.
No case uses a non-numeric host name: that would send a DNS query.
"""

from __future__ import annotations

import pathlib
import socket

import pytest
from differential import check_decode, check_encode
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle.cpython import CPythonOracle

import sockaddr

AF = socket.AddressFamily
U32 = 2**32


def documented_deviation(family: int, address: object) -> type | None:
    """The exception the README's table says we raise where CPython accepts."""
    if not isinstance(address, tuple):
        return None
    ints = [a for a in address if isinstance(a, int)]
    if family in (AF.AF_NETLINK, AF.AF_VSOCK) and len(address) == 2 and len(ints) == 2:
        return OverflowError if any(not 0 <= v < U32 for v in ints) else None
    if family == AF.AF_INET6 and 3 <= len(address) <= 4:
        flow, scope = (*address[2:], 0, 0)[:2]
        if isinstance(flow, int) and 0 <= flow % U32 <= 0xFFFFF and not 0 <= flow < U32:
            return OverflowError
        if isinstance(scope, int) and not 0 <= scope < U32:
            return OverflowError
    if family == AF.AF_PACKET and 2 <= len(address) <= 5 and isinstance(address[0], str):
        if len(address[0].encode("utf-8", "surrogatepass")) >= 16:
            return ValueError
        extra = (*address[2:4], 0, 0)[:2]
        if isinstance(extra[0], int) and not 0 <= extra[0] <= 255:
            return OverflowError
        if isinstance(extra[1], int) and not 0 <= extra[1] <= 65535:
            return OverflowError
    return None


# -- hand-picked cases: every error path of the reference, edges of every range ------

LONG_LABEL = "a" * 64 + "\u00e9"
ENCODE_CASES: dict[int, list[object]] = {
    AF.AF_INET: [
        ("192.0.2.1", 443), ("10.0.0.1", 53),          # the README's examples
        ("127.0.0.1", 80), ("", 0), ("<broadcast>", 1), ("255.255.255.255", 65535),
        ("127.1", 1), ("0x7f.1", 2), ("010.1.1.1", 3), ("4294967295", 4), ("0", 5),
        (b"1.2.3.4", 6), (bytearray(b"1.2.3.4"), 7), ("::ffff:1.2.3.4", 8), ("1.2.3.4", True),
        ("1.2.3.4", -1), ("1.2.3.4", 65536), ("1.2.3.4", 2**31), ("1.2.3.4", 2**64),
        ("1.2.3.4", -(2**64)), ("1.2.3.4", 1.5), ("1.2.3.4", "80"), ("1.2.3.4", None),
        (1, 80), (None, 80), ("a\0b", 80), (b"a\0", 80), ["1.2.3.4", 80], "1.2.3.4",
        ("1.2.3.4",), ("1.2.3.4", 1, 2), (), ("::1", 80), (LONG_LABEL, 80), (LONG_LABEL, 1.5),
        ("::1", 70000), (1, 1.5),
    ],
    AF.AF_INET6: [
        ("::1", 8080), ("2001:db8::1", 443, 0, 2),      # the README's examples
        ("::1", 80), ("::1", 80, 0xFFFFF, 7), ("::1", 80, 2**20), ("::1", 80, -1),
        ("::1", 80, U32), ("::1", 80, U32 + 5), ("::1", 80, 0, -1), ("::1", 80, 0, U32),
        ("::1", 80, 0, U32 - 1), ("fe80::1%7", 80), ("fe80::1%7", 80, 0, 3), ("", 0),
        ("<broadcast>", 0), ("255.255.255.255", 0), ("1.2.3.4", 80), ("127.1", 80),
        ("::ffff:1.2.3.4", 1), ("::1",), ("::1", 1, 2, 3, 4), ["::1", 80], ("::1", 70000),
        ("::1", 1.0), ("::1", 1, 1.0), ("::1", 1, 0, 1.0), (b"::1", 1), (bytearray(b"::"), 2),
        ("2001:db8::1", 65535, 1, 2), ("::1", -1), ("::1", 2**64), (None, 1), "::1",
    ],
    AF.AF_UNIX: [
        b"\0my-abstract-name", "/run/systemd/journal/socket",   # the README's examples
        "/tmp/sock", b"/tmp/sock", bytearray(b"x"), "", b"", b"\0", b"\0abc", "\0abc",
        "a\0b", b"a\0\0", "x" * 107, "x" * 108, b"\0" + b"x" * 107, b"\0" + b"x" * 108,
        "p\udcff", "\ud800", 1, None, ("a",), pathlib.PurePosixPath("/x"), "\u00e9",
    ],
    AF.AF_NETLINK: [
        (0, 0), (1, 2), (U32 - 1, U32 - 1), (-1, 0), (0, U32), (0, -1), (1,), (1, 2, 3),
        [1, 2], 1, (1.0, 2), ("1", 2), (True, False), (-1, 1.5), (1.5, -1),
    ],
    AF.AF_VSOCK: [
        (2, 1024), (U32 - 1, U32 - 1), (-1, 1), (1, -1), (U32, 0), (1,), (), (1, 2, 3),
        [1, 2], "x", (1.5, 2), (2, "1"),
    ],
    AF.AF_PACKET: [
        ("lo", 0), ("lo", 0x800, 1, 772, b"\0" * 6), ("lo", 0x800, 0, 0, b"12345678"),
        ("lo", 0, 0, 0, bytearray(b"ab")), ("lo", 0, 0, 0, b"123456789"), ("lo", 70000),
        ("lo", -1), ("lo", 2**31), ("lo", 0, 2**31), ("lo", 0, 0, -(2**31) - 1),
        ("nonexist0", 0), ("", 0), ("nonexist0", 70000), ("x" * 16, 0), ("lo" + "x" * 14, 0),
        ("lo", 0, 256), ("lo", 0, -1), ("lo", 0, 0, 65536), ("lo", 0, 0, -1), (b"lo", 0),
        ("lo",), ("lo", 0, 0, 0, b"", 1), ("l\0o", 0), ["lo", 0], ("lo", 0, 0, 0, "ab"),
        ("lo", 1.5), ("lo", 0, 0, 0, 5), (1, 0), ("\ud800", 0),
    ],
    AF.AF_RDS: [("1.2.3.4", 5), ("", 0), ("::1", 1), ["1.2.3.4", 5]],
    AF.AF_KEY: [("x", 1), None],          # a family no codec knows: "bad family"
}

CASES = [(f, a) for f, cases in ENCODE_CASES.items() for a in cases]


@pytest.mark.parametrize(("family", "address"), CASES,
                         ids=[f"{AF(f).name}-{i}" for i, (f, _) in enumerate(CASES)])
def test_encode_like_cpython(cpython_oracle: CPythonOracle, family: int,
                             address: object) -> None:
    check_encode(cpython_oracle, family, address,
                 deviation=lambda a: documented_deviation(family, a))


def _decode_cases() -> list[bytes]:
    out = [b"", b"\x01", b"\x01\x00", b"\x02\x00", bytes(16), b"\xfe\xff\x01\x02",
           (0xFFFE).to_bytes(2, "little") + bytes(range(14)), (0xFFFF).to_bytes(2, "little")]
    for family, cases in ENCODE_CASES.items():
        for address in cases:
            try:
                raw = sockaddr.encode(family, address)
            except Exception:
                continue
            out.append(raw)
            out.extend(raw[:n] for n in (2, 4, 8, 12, 20, 24) if n < len(raw))
    out += [
        sockaddr.encode(AF.AF_UNIX, "/tmp/x")[:-1],               # connect() without the NUL
        b"\x01\x00/tmp/x\0junk",
        b"\x01\x00" + b"y" * 108,                                   # 108-byte path, no NUL
        b"\x01\x00\0abc\0\0",                                       # abstract, trailing NULs
        b"\x01\x00\xff\xfe",                                        # undecodable path bytes
        bytes.fromhex("11000008010000000100000600010203040506"),    # sockaddr_ll, halen 6
        bytes.fromhex("110000080100000001000004"),                  # halen 0, 12 bytes
        bytes.fromhex("1100000863000000010000"),                    # 11 bytes
        bytes.fromhex("0a00005000000001") + bytes(16),             # RFC 2133, 24 bytes
        bytes.fromhex("0a000050ffffffff") + bytes(20),             # flowinfo all ones
    ]
    return out


DECODE_CASES = _decode_cases()


@pytest.mark.parametrize("data", DECODE_CASES, ids=[d.hex() or "empty" for d in DECODE_CASES])
def test_decode_like_cpython(cpython_oracle: CPythonOracle, data: bytes) -> None:
    check_decode(cpython_oracle, data)


# -- hypothesis: the same comparisons on generated tuples and bytes ----------------------

_junk = st.one_of(st.none(), st.floats(allow_nan=False), st.binary(max_size=3),
                  st.integers(-(2**70), 2**70), st.booleans())


def _numeric_host(family: int) -> st.SearchStrategy[object]:
    v4 = st.ip_addresses(v=4).map(str)
    v6 = st.ip_addresses(v=6).map(str)
    forms = st.sampled_from(["", "<broadcast>", "127.1", "0x7f.1", "010.1.1.1", "0",
                             "4294967295", "::ffff:1.2.3.4", "fe80::1%3"])
    text = st.one_of(v4, v6, forms)
    return st.one_of(text, text.map(str.encode), _junk)


def _int(lo: int, hi: int) -> st.SearchStrategy[object]:
    return st.one_of(st.integers(lo, hi), st.integers(lo - 2**33, hi + 2**33), _junk)


def _tuples(*parts: st.SearchStrategy[object], min_size: int) -> st.SearchStrategy[object]:
    full = st.tuples(*parts)
    return st.one_of(
        full,
        st.integers(min_size, len(parts)).flatmap(
            lambda n: full.map(lambda t: t[:n])),
        full.map(list), _junk)


GENERATED = {
    AF.AF_INET: _tuples(_numeric_host(AF.AF_INET), _int(0, 65535), min_size=0),
    AF.AF_INET6: _tuples(_numeric_host(AF.AF_INET6), _int(0, 65535), _int(0, 0xFFFFF),
                         _int(0, U32 - 1), _junk, min_size=0),
    AF.AF_UNIX: st.one_of(st.binary(max_size=112), st.text(max_size=112), _junk),
    AF.AF_NETLINK: _tuples(_int(0, U32 - 1), _int(0, U32 - 1), _junk, min_size=0),
    AF.AF_VSOCK: _tuples(_int(0, U32 - 1), _int(0, U32 - 1), _junk, min_size=0),
    AF.AF_PACKET: _tuples(st.sampled_from(["lo", "nonexist0", "", "x" * 16]),
                          _int(0, 65535), _int(0, 255), _int(0, 65535),
                          st.binary(max_size=10), _junk, min_size=0),
}


@pytest.mark.parametrize("family", sorted(GENERATED), ids=lambda f: AF(f).name)
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_generated_encode_like_cpython(cpython_oracle: CPythonOracle, family: int,
                                       data: st.DataObject) -> None:
    check_encode(cpython_oracle, family, data.draw(GENERATED[family]),
                 deviation=lambda a: documented_deviation(family, a))


@pytest.mark.parametrize("family", sorted(GENERATED), ids=lambda f: AF(f).name)
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_generated_decode_like_cpython(cpython_oracle: CPythonOracle, family: int,
                                       data: st.DataObject) -> None:
    size = {AF.AF_UNIX: 110, AF.AF_INET: 16, AF.AF_INET6: 28, AF.AF_NETLINK: 12,
            AF.AF_VSOCK: 16, AF.AF_PACKET: 20}[family]
    raw = family.to_bytes(2, "little") + data.draw(st.binary(max_size=size - 2))
    check_decode(cpython_oracle, raw)
