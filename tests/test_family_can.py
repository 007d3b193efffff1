"""AF_CAN (``struct sockaddr_can``) against its oracles.

* CPython's own C codec (``cpython_oracle``, a socket of the protocol under
  test): hand-picked cases for every error path of ``getsockaddrarg()``'s
  AF_CAN branches and every ``makesockaddr()`` variant, then the same
  comparisons on hypothesis-generated tuples and bytes, for CAN_RAW, CAN_BCM,
  CAN_ISOTP, CAN_J1939 and protocols CPython does not support.
* The headers, with gcc: the shortest address each protocol's kernel code
  accepts, ``CAN_REQUIRED_SIZE(struct sockaddr_can, member)``, for x86_64 and
  i386 (``tests/test_headers.py`` checks the struct itself).
* The kernel, where it has AF_CAN (this one does not: those tests skip).
* Round trips on every ABI.

Documented deviations (module docstring of ``sockaddr.families.can``): the
integers CPython wraps (ISOTP ids past 32 bits, J1939 name/pgn/addr modulo
2**64/2**32/2**8) raise OverflowError; data shorter than the kernel accepts
raises DecodeError where CPython reads its zeroed buffer.
"""

from __future__ import annotations

import ctypes
import decimal
import errno
import operator
import os
import pathlib
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator

import pytest
from differential import check_decode, check_encode
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle.cpython import CPythonOracle

import sockaddr
from sockaddr import schemas
from sockaddr.abi import ABI, KNOWN
from sockaddr.families.can import Can

AF_CAN = socket.AF_CAN
RAW, BCM, ISOTP, J1939 = socket.CAN_RAW, socket.CAN_BCM, socket.CAN_ISOTP, socket.CAN_J1939
#: Protocols CPython refuses to encode for (and decodes as ``(ifname,)``).
OTHER = (0, 3, 4, 5, 8, 100)
PROTOS = (RAW, BCM, ISOTP, J1939, *OTHER)
U32, U64 = 2**32, 2**64
LO = socket.if_nametoindex("lo")


# -- values that must pickle by reference, for the oracle's worker --------------------

class FsPath:
    """An ``os.PathLike`` that is not a ``pathlib`` path."""

    def __init__(self, path: str | bytes | int) -> None:
        self.path = path

    def __fspath__(self) -> str | bytes | int:
        return self.path


class Index:
    """An integer only through ``__index__``: ``I``/``B`` take it, ``k``/``K`` do not."""

    def __init__(self, value: int) -> None:
        self.value = value

    def __index__(self) -> int:
        return self.value


class Tuple(tuple):  # type: ignore[type-arg]
    """A tuple subclass: ``PyTuple_Check`` accepts it."""


class Str(str):
    """A str subclass: the FSConverter accepts it."""


def deviation(proto: int, address: object) -> type | None:
    """OverflowError where CPython wraps an integer (``k``/``K``/``I``/``B``)."""
    if not isinstance(address, tuple):
        return None
    # (C width in bits, whether the code wants an exact int) of each integer item:
    # canid_t rx_id/tx_id ("kk"); __u64 name, __u32 pgn, __u8 addr ("KIB").
    spec = {ISOTP: ((32, True), (32, True)), J1939: ((64, True), (32, False), (8, False))}
    items = spec.get(proto)
    if items is None or len(address) != len(items) + 1:
        return None
    values = []
    for item, (bits, exact) in zip(address[1:], items, strict=True):
        if exact and not isinstance(item, int):
            return None
        try:
            values.append((operator.index(item), bits))
        except TypeError:
            return None
    return OverflowError if any(not 0 <= v < 1 << bits for v, bits in values) else None


# -- hand-picked encode cases: every error path of the reference ------------------------

NAMES: list[object] = [
    "lo", "", b"lo", b"", Str("lo"), FsPath("lo"), FsPath(b"lo"), pathlib.PurePosixPath("lo"),
    "x" * 15, "x" * 16, b"x" * 15, b"x" * 16, "\u00e9" * 7, "\u00e9" * 8, "nonexist0",
    "\udcff", "\ud800", pathlib.PurePosixPath(""), bytearray(b"lo"), memoryview(b"lo"),
    "l\0o", b"\0", FsPath(1), 1, None,
]

ENCODE_CASES: list[tuple[int, object]] = [
    *((proto, (name,)) for proto in (RAW, BCM) for name in NAMES),
    *((proto, bad) for proto in (RAW, BCM) for bad in (
        ("lo", 1), (), "lo", ["lo"], None, b"lo", Tuple(("lo",)), ("x" * 16, 1))),
    *((ISOTP, (name, 1, 2)) for name in NAMES),
    *((ISOTP, a) for a in (
        ("lo", 0, 0), ("lo", U32 - 1, U32 - 1), ("lo", 0x80000000 | 0x1FFFFFFF, 0x7FF),
        ("lo", True, False), ("lo", U32, 0), ("lo", 0, U64 - 1), ("lo", -1, 0), ("lo", 0, -1),
        ("lo", U64, 0), ("lo", 2**70, 1), ("lo", -(2**70), 1), ("lo", 1.5, 2), ("lo", 1, None),
        ("lo", 1, b"x"), ("lo", Index(1), 2), ("lo", decimal.Decimal(1), 2), ("lo", 1, "2"),
        ("lo", 1), ("lo", 1, 2, 3), ("lo",), (), "lo", ["lo", 1, 2], None, Tuple(("lo", 1, 2)),
        ("x" * 16, U32, 0), ("nonexist0", -1, 0), ("x" * 16, 1.5, 2), ("lo", U32, 1.5),
        (bytearray(b"lo"), U32, 0), ("l\0o", -1, 0), (1, 2, 3),
    )),
    *((J1939, (name, 0, 0, 0)) for name in NAMES),
    *((J1939, a) for a in (
        ("lo", U64 - 1, U32 - 1, 255), ("lo", 0, 0x40000, 0xFF), ("lo", 1, 0x3FFFF, 0xFD),
        ("lo", True, True, True), ("lo", U64, 0, 0), ("lo", -1, 0, 0), ("lo", 0, U32, 0),
        ("lo", 0, -1, 0), ("lo", 0, 0, 256), ("lo", 0, 0, -1), ("lo", 0, 2**70, 2**70),
        ("lo", 1.5, 0, 0), ("lo", 0, 1.5, 0), ("lo", 0, 0, 1.5), ("lo", 0, 0, None),
        ("lo", None, 0, 0), ("lo", Index(1), 0, 0), ("lo", 0, Index(7), Index(9)),
        ("lo", 0, Index(U32), 0), ("lo", 0, 0, Index(-1)), ("lo", 0, "1", 0),
        ("lo", 1, 2), ("lo", 1, 2, 3, 4), (), "lo", ["lo", 0, 0, 0], None,
        ("nonexist0", 0, 0, 256), ("x" * 16, U64, 0, 0), ("x" * 16, 0, 0, 0),
        (bytearray(b"lo"), 0, 0, 256), ("lo", U64, 0, 1.5),
    )),
    *((proto, a) for proto in OTHER for a in (("lo",), ("lo", 1, 2), "lo", None)),
]


@pytest.mark.parametrize(("proto", "address"), ENCODE_CASES,
                         ids=[f"{p}-{i}" for i, (p, _) in enumerate(ENCODE_CASES)])
def test_encode_like_cpython(cpython_oracle: CPythonOracle, proto: int,
                             address: object) -> None:
    check_encode(cpython_oracle, AF_CAN, address, proto=proto,
                 deviation=lambda a: deviation(proto, a))


def test_every_outcome_is_exercised(cpython_oracle: CPythonOracle) -> None:
    """The hand-picked cases reach bytes, errors and every documented deviation."""
    def outcome(proto: int, address: object) -> str:
        return check_encode(cpython_oracle, AF_CAN, address, proto=proto,
                            deviation=lambda a: deviation(proto, a))

    seen = {outcome(p, a) for p, a in ENCODE_CASES}
    assert seen == {"bytes", "error", "deviation"}


# -- hand-picked decode cases ------------------------------------------------------------

def _can(ifindex: int, rest: bytes = b"", pad: bytes = b"\0\0") -> bytes:
    return AF_CAN.to_bytes(2, "little") + pad + (ifindex % U32).to_bytes(4, "little") + rest


DECODE_DATA: list[bytes] = [
    _can(0)[:2], _can(0)[:4], _can(LO)[:7], _can(0), _can(LO), _can(99), _can(-1),
    _can(0x7FFFFFFF), _can(LO, pad=b"\xff\xff"), _can(LO, bytes(range(1, 8))),
    _can(LO, bytes(range(1, 9))), _can(LO, bytes(range(1, 13))), _can(LO, bytes(range(1, 14))),
    _can(LO, bytes(range(1, 16))), _can(LO, bytes(range(1, 17))), _can(LO, b"\xff" * 16),
    _can(LO, b"\xff" * 40), _can(99, bytes(range(16))),
]


def _decode_cases() -> list[bytes]:
    out = list(DECODE_DATA)
    for proto, address in ENCODE_CASES:
        try:
            raw = sockaddr.encode(AF_CAN, address, proto=proto)
        except Exception:
            continue
        out += [raw[:n] for n in (8, 15, 16, 23, 24)]
    return list(dict.fromkeys(out))


DECODE_CASES = _decode_cases()


@pytest.mark.parametrize("proto", PROTOS)
def test_decode_like_cpython(cpython_oracle: CPythonOracle, proto: int) -> None:
    # One test per protocol; check_decode's assertion messages name the bytes.
    seen = {check_decode(cpython_oracle, data, proto=proto) for data in DECODE_CASES}
    assert "value" in seen


def test_decode_names_interfaces_from_the_caller() -> None:
    data = _can(7, (5).to_bytes(8, "little") + (0x1234).to_bytes(4, "little") + b"\x80\0\0\0")
    assert sockaddr.decode(data, proto=J1939, interfaces={7: "can0"}) == ("can0", 5, 0x1234,
                                                                          0x80)
    assert sockaddr.decode(data, proto=ISOTP, interfaces=lambda i: f"vcan{i}") == (
        "vcan7", 5, 0)
    assert sockaddr.decode(data, proto=RAW, interfaces={}) == ("",)
    assert sockaddr.decode(_can(0), proto=RAW, interfaces={0: "x"}) == ("",)


# -- generated cases ---------------------------------------------------------------------

_junk = st.one_of(st.none(), st.floats(allow_nan=False), st.binary(max_size=3),
                  st.integers(-(2**70), 2**70), st.booleans(), st.text(max_size=2))
_names = st.one_of(
    st.sampled_from(["lo", "", b"lo", b"", "x" * 15, "x" * 16, "nonexist0", "\u00e9" * 8,
                     bytearray(b"lo"), "l\0o", "\udcff"]),
    st.builds(FsPath, st.sampled_from(["lo", b"", "x" * 16])), _junk)


def _int(bits: int) -> st.SearchStrategy[object]:
    top = 1 << bits
    return st.one_of(st.integers(0, top - 1), st.sampled_from([0, top - 1, top, -1]),
                     st.integers(-top * 4, top * 4), st.builds(Index, st.integers(-1, top)),
                     _junk)


def _shapes(*parts: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    full = st.tuples(*parts)
    return st.one_of(full, full.map(list), full.map(lambda t: t[:-1]),
                     full.map(lambda t: (*t, 0)), _names)


ADDRESSES = st.one_of(_shapes(_names), _shapes(_names, _int(32), _int(32)),
                      _shapes(_names, _int(64), _int(32), _int(8)))


@settings(max_examples=300, deadline=None)
@given(proto=st.sampled_from(PROTOS), address=ADDRESSES)
def test_generated_encode_like_cpython(cpython_oracle: CPythonOracle, proto: int,
                                       address: object) -> None:
    check_encode(cpython_oracle, AF_CAN, address, proto=proto,
                 deviation=lambda a: deviation(proto, a))


_ifindex = st.one_of(st.sampled_from([0, LO, 2, 4, 99, U32 - 1, 0x80000000]),
                     st.integers(0, U32 - 1))


_data = st.builds(lambda ifindex, rest, pad, cut: _can(ifindex, rest, pad)[:cut], _ifindex,
                  st.binary(max_size=22), st.binary(min_size=2, max_size=2), st.integers(2, 24))


@settings(max_examples=300, deadline=None)
@given(proto=st.sampled_from(PROTOS), data=_data)
def test_generated_decode_like_cpython(cpython_oracle: CPythonOracle, proto: int,
                                       data: bytes) -> None:
    check_decode(cpython_oracle, data, proto=proto)


# -- round trips on every ABI ------------------------------------------------------------

ABIS = sorted(KNOWN)
_u = {bits: st.integers(0, (1 << bits) - 1) for bits in (8, 32, 64)}
_ifname = st.sampled_from(["", "lo"])        # '' is ifindex 0; lo's index is this host's
TUPLES = {
    RAW: st.tuples(_ifname), BCM: st.tuples(_ifname),
    ISOTP: st.tuples(_ifname, _u[32], _u[32]),
    J1939: st.tuples(_ifname, _u[64], _u[32], _u[8]),
}


@pytest.mark.parametrize("abi", ABIS)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_round_trip(abi: str, data: st.DataObject) -> None:
    proto = data.draw(st.sampled_from(sorted(TUPLES)))
    address = data.draw(TUPLES[proto])
    raw = sockaddr.encode(AF_CAN, address, proto=proto, abi=abi)
    assert len(raw) == 24
    assert sockaddr.decode(raw, proto=proto, abi=abi) == address
    rec = sockaddr.parse(raw, proto=proto, abi=abi)
    assert bytes(rec) == raw
    assert rec.family == AF_CAN
    assert rec.can_ifindex == (LO if address[0] else 0)
    assert rec.address == address
    assert sockaddr.encode(AF_CAN, rec) == raw


@pytest.mark.parametrize("abi", ABIS)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_parse_is_lossless(abi: str, data: st.DataObject) -> None:
    proto = data.draw(st.sampled_from(PROTOS))
    raw = AF_CAN.to_bytes(2, ABI.get(abi).byteorder) + data.draw(st.binary(max_size=30))
    need = {ISOTP: 16, J1939: 24}.get(proto, 8)      # the kernel's *_MIN_NAMELEN
    if len(raw) < need:
        for call in (sockaddr.decode, sockaddr.parse):
            with pytest.raises(sockaddr.DecodeError) as info:
                call(raw, proto=proto, abi=abi)
            assert info.value.offset == len(raw)
        return
    rec = sockaddr.parse(raw, proto=proto, abi=abi)
    assert bytes(rec) == raw
    assert rec.address == sockaddr.decode(raw, proto=proto, abi=abi, interfaces=None)


# -- the headers: the kernel's minimum lengths --------------------------------------------

_REQUIRED_C = r"""
#include <stdio.h>
#include <stddef.h>
#include <sys/socket.h>
#include <linux/can.h>
/* include/linux/can/core.h */
#define CAN_REQUIRED_SIZE(struct_type, member) \
    (offsetof(typeof(struct_type), member) + sizeof(((typeof(struct_type) *)(NULL))->member))
int main(void) {
    printf("%zu %zu %zu\n", CAN_REQUIRED_SIZE(struct sockaddr_can, can_ifindex),
           CAN_REQUIRED_SIZE(struct sockaddr_can, can_addr.tp),
           CAN_REQUIRED_SIZE(struct sockaddr_can, can_addr.j1939));
    return 0;
}
"""


@pytest.mark.parametrize(("abi", "flag"), [("linux-x86_64", "-m64"), ("linux-i386", "-m32")])
def test_minimum_lengths_match_can_required_size(abi: str, flag: str) -> None:
    gcc = shutil.which("gcc")
    if gcc is None:
        pytest.skip("gcc is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        src, exe = os.path.join(tmp, "req.c"), os.path.join(tmp, "req")
        with open(src, "w") as f:
            f.write(_REQUIRED_C)
        built = subprocess.run([gcc, flag, "-o", exe, src], capture_output=True, text=True,
                               check=False)
        if built.returncode:
            pytest.skip(f"gcc {flag} cannot build here: {built.stderr.strip()[:200]}")
        raw, tp, j1939 = map(int, subprocess.check_output([exe], text=True).split())
    sizes = {p: Can().required_size(p, ABI.get(abi)) for p in PROTOS}
    assert sizes == {p: {ISOTP: tp, J1939: j1939}.get(p, raw) for p in PROTOS}
    for proto, need in sizes.items():
        whole = _can(LO, bytes(16))
        sockaddr.decode(whole[:need], proto=proto, abi=abi)
        with pytest.raises(sockaddr.DecodeError):
            sockaddr.decode(whole[:need - 1], proto=proto, abi=abi)


def test_constants_match_the_socket_module() -> None:
    for name in ("CAN_RAW", "CAN_BCM", "CAN_ISOTP", "CAN_J1939", "CAN_EFF_FLAG",
                 "CAN_RTR_FLAG", "CAN_ERR_FLAG", "CAN_SFF_MASK", "CAN_EFF_MASK"):
        assert schemas.constant(name) == getattr(socket, name), name


# -- the kernel, where it has AF_CAN ---------------------------------------------------

_libc = ctypes.CDLL(None, use_errno=True)


def _getsockname(sock: socket.socket) -> bytes:
    buf = ctypes.create_string_buffer(128)
    size = ctypes.c_uint32(128)
    if _libc.getsockname(sock.fileno(), buf, ctypes.byref(size)) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code))
    return buf.raw[:size.value]


def _bind(sock: socket.socket, data: bytes) -> None:
    if _libc.bind(sock.fileno(), data, len(data)) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code))


@pytest.fixture(params=[(socket.SOCK_RAW, RAW), (socket.SOCK_DGRAM, ISOTP),
                        (socket.SOCK_DGRAM, J1939)], ids=["raw", "isotp", "j1939"])
def can_socket(request: pytest.FixtureRequest) -> Iterator[tuple[socket.socket, int]]:
    kind, proto = request.param
    try:
        sock = socket.socket(AF_CAN, kind, proto)
    except OSError as e:
        pytest.skip(f"this kernel has no AF_CAN protocol {proto} (can and its protocol "
                    f"modules): {e}")
    with sock:
        yield sock, proto


def test_kernel_reports_what_we_decode(can_socket: tuple[socket.socket, int]) -> None:
    sock, proto = can_socket
    raw = _getsockname(sock)
    assert len(raw) == {ISOTP: 16, J1939: 24}.get(proto, 8)
    assert sockaddr.decode(raw, proto=proto) == sock.getsockname()
    assert bytes(sockaddr.parse(raw, proto=proto)) == raw
    if proto == RAW:
        # raw_bind(): any interface (ifindex 0) is fine; fewer than 8 bytes is EINVAL.
        data = sockaddr.encode(AF_CAN, ("",), proto=RAW)
        with pytest.raises(OSError, match="Invalid argument") as info:
            _bind(sock, data[:7])
        assert info.value.errno == errno.EINVAL
        _bind(sock, data)
        assert sockaddr.decode(_getsockname(sock), proto=RAW) == ("",)
