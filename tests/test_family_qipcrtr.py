"""AF_QIPCRTR (``struct sockaddr_qrtr``) against its oracles.

CPython's own C codec (``cpython_oracle``) on hand-picked and generated
tuples and bytes; the kernel where it has AF_QIPCRTR (this one does not: that
test skips); round trips on every ABI (``tests/test_headers.py`` checks the
struct against <linux/qrtr.h>).  Documented deviation: node or port outside
0..2**32-1, which CPython wraps, raises OverflowError.
"""

from __future__ import annotations

import ctypes
import operator
import os
import socket

import pytest
from differential import check_decode, check_encode
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle.cpython import CPythonOracle

import sockaddr
from sockaddr import schemas
from sockaddr.abi import ABI, KNOWN

AF_QIPCRTR = socket.AF_QIPCRTR
U32 = 2**32


class Index:
    """An integer only through ``__index__`` (the ``I`` code takes it)."""

    def __init__(self, value: int) -> None:
        self.value = value

    def __index__(self) -> int:
        return self.value


class Tuple(tuple):  # type: ignore[type-arg]
    """A tuple subclass: ``PyTuple_Check`` accepts it."""


def deviation(address: object) -> type | None:
    """OverflowError where CPython's ``I`` code wraps modulo 2**32."""
    if not isinstance(address, tuple) or len(address) != 2:
        return None
    try:
        values = [operator.index(v) for v in address]
    except TypeError:
        return None
    return OverflowError if any(not 0 <= v < U32 for v in values) else None


ENCODE_CASES: list[object] = [
    (0, 0), (1, 2), (U32 - 1, U32 - 1), (U32 - 1, U32 - 2), (True, False), (Index(3), Index(4)),
    (-1, 0), (0, -1), (U32, 0), (0, U32), (2**64, 2**64), (-(2**70), 1), (Index(-1), 0),
    (1.5, 2), (1, 2.5), ("1", 2), (None, 0), (b"\1", 0), (2**64, 1.5), (1.5, 2**64),
    (1,), (), (1, 2, 3), [1, 2], "x", None, b"\1\2", 5, Tuple((1, 2)), {1: 2},
]


@pytest.mark.parametrize("address", ENCODE_CASES, ids=[str(i) for i in range(len(ENCODE_CASES))])
def test_encode_like_cpython(cpython_oracle: CPythonOracle, address: object) -> None:
    check_encode(cpython_oracle, AF_QIPCRTR, address, deviation=deviation)


def test_every_outcome_is_exercised(cpython_oracle: CPythonOracle) -> None:
    seen = {check_encode(cpython_oracle, AF_QIPCRTR, a, deviation=deviation)
            for a in ENCODE_CASES}
    assert seen == {"bytes", "error", "deviation"}


def _qrtr(rest: bytes, pad: bytes = b"\0\0") -> bytes:
    return AF_QIPCRTR.to_bytes(2, "little") + pad + rest


DECODE_CASES: list[bytes] = [
    _qrtr(b"")[:2], _qrtr(b""), _qrtr(bytes(7)), _qrtr(bytes(8)), _qrtr(b"\xff" * 8),
    _qrtr(bytes(range(1, 9)), b"\xab\xcd"), _qrtr(bytes(range(1, 9)) + b"tail"),
    _qrtr(b"\xff\xff\xff\xff\xfe\xff\xff\xff"),
]


@pytest.mark.parametrize("data", DECODE_CASES, ids=[d.hex() for d in DECODE_CASES])
def test_decode_like_cpython(cpython_oracle: CPythonOracle, data: bytes) -> None:
    check_decode(cpython_oracle, data)


_junk = st.one_of(st.none(), st.floats(allow_nan=False), st.binary(max_size=3),
                  st.booleans(), st.text(max_size=2))
_int = st.one_of(st.integers(0, U32 - 1), st.sampled_from([0, U32 - 1, U32, -1]),
                 st.integers(-(2**70), 2**70), st.builds(Index, st.integers(-1, U32)), _junk)
_full = st.tuples(_int, _int)
ADDRESSES = st.one_of(_full, _full.map(list), _full.map(lambda t: t[:1]),
                      _full.map(lambda t: (*t, 0)), _int)


@settings(max_examples=200, deadline=None)
@given(address=ADDRESSES)
def test_generated_encode_like_cpython(cpython_oracle: CPythonOracle, address: object) -> None:
    check_encode(cpython_oracle, AF_QIPCRTR, address, deviation=deviation)


@settings(max_examples=200, deadline=None)
@given(rest=st.binary(max_size=12), pad=st.binary(min_size=2, max_size=2))
def test_generated_decode_like_cpython(cpython_oracle: CPythonOracle, rest: bytes,
                                       pad: bytes) -> None:
    check_decode(cpython_oracle, _qrtr(rest, pad))


@pytest.mark.parametrize("abi", sorted(KNOWN))
@settings(max_examples=30, deadline=None)
@given(node=st.integers(0, U32 - 1), port=st.integers(0, U32 - 1), data=st.data())
def test_round_trip(abi: str, node: int, port: int, data: st.DataObject) -> None:
    raw = sockaddr.encode(AF_QIPCRTR, (node, port), abi=abi)
    assert len(raw) == 12
    assert sockaddr.decode(raw, abi=abi) == (node, port)
    rec = sockaddr.parse(raw, abi=abi)
    assert (rec.family, rec.sq_node, rec.sq_port) == (AF_QIPCRTR, node, port)
    assert bytes(rec) == raw
    assert sockaddr.encode(AF_QIPCRTR, rec) == raw
    # Any bytes: the whole struct parses losslessly, anything shorter is refused.
    other = AF_QIPCRTR.to_bytes(2, ABI.get(abi).byteorder) + data.draw(st.binary(max_size=16))
    if len(other) < 12:
        with pytest.raises(sockaddr.DecodeError) as info:
            sockaddr.parse(other, abi=abi)
        assert info.value.offset == len(other)
    else:
        assert bytes(sockaddr.parse(other, abi=abi)) == other
        assert sockaddr.parse(other, abi=abi).address == sockaddr.decode(other, abi=abi)


def test_constants() -> None:
    assert schemas.constant("QRTR_NODE_BCAST") == 0xFFFFFFFF
    assert schemas.constant("QRTR_PORT_CTRL") == 0xFFFFFFFE


def test_kernel_reports_what_we_decode() -> None:
    try:
        sock = socket.socket(AF_QIPCRTR, socket.SOCK_DGRAM)
    except OSError as e:
        pytest.skip(f"this kernel has no AF_QIPCRTR (qrtr module): {e}")
    with sock:
        libc = ctypes.CDLL(None, use_errno=True)
        buf = ctypes.create_string_buffer(128)
        size = ctypes.c_uint32(128)
        if libc.getsockname(sock.fileno(), buf, ctypes.byref(size)) != 0:
            code = ctypes.get_errno()
            raise OSError(code, os.strerror(code))
        raw = buf.raw[:size.value]
        assert len(raw) == 12
        assert sockaddr.decode(raw) == sock.getsockname()
        assert bytes(sockaddr.parse(raw)) == raw
        assert sockaddr.encode(AF_QIPCRTR, sock.getsockname()) == raw[:2] + bytes(2) + raw[4:]
