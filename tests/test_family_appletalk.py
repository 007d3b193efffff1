"""AF_APPLETALK (:mod:`sockaddr.families.appletalk`): ``(sat_port, s_net, s_node)``.

Oracles: a C program that fills ``struct sockaddr_at`` through <linux/atalk.h>
(``s_net`` with ``htobe16()``); the headers for the layout and the ``ATADDR_*``
constants (``test_headers.py``).  CPython has no tuple for AF_APPLETALK (its
``bind()`` says "bad family").  The kernel here has no AF_APPLETALK, so the
bind/getsockname proof skips.
"""

from __future__ import annotations

import socket
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))

from c_oracle import builder, compile_c, kernel_lacks, sys_bind, sys_getsockname
from oracle.cpython import CPythonOracle

import sockaddr
from sockaddr import schemas
from sockaddr.abi import ABI, KNOWN

AF_APPLETALK = schemas.constant("AF_APPLETALK")
ABIS = sorted(KNOWN)

SOURCE = r"""
#include <endian.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/atalk.h>

size_t build(int port, int net, int node, unsigned char *out)
{
	struct sockaddr_at sat;

	memset(&sat, 0, sizeof sat);
	sat.sat_family = AF_APPLETALK;
	sat.sat_port = port;
	sat.sat_addr.s_net = htobe16(net);
	sat.sat_addr.s_node = node;
	memcpy(out, &sat, sizeof sat);
	return sizeof sat;
}
"""

addresses = st.tuples(st.integers(0, 255), st.integers(0, 65535), st.integers(0, 255))


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., bytes]:
    return builder(compile_c(tmp_path_factory.mktemp("atalk"), SOURCE), "build")


@settings(max_examples=100, deadline=None)
@given(address=addresses)
def test_encode_matches_c(build: Callable[..., bytes], address: tuple[int, int, int]) -> None:
    want = build(*address)
    assert sockaddr.encode(AF_APPLETALK, address) == want
    assert sockaddr.decode(want) == address


@pytest.mark.parametrize("abi", ABIS)
@settings(max_examples=15, deadline=None)
@given(address=addresses)
def test_round_trip(abi: str, address: tuple[int, int, int]) -> None:
    raw = sockaddr.encode(AF_APPLETALK, address, abi=abi)
    assert len(raw) == 16
    assert raw[4:6] == address[1].to_bytes(2, "big")       # __be16 on every ABI
    assert sockaddr.decode(raw, abi=abi) == address
    rec = sockaddr.parse(raw, abi=abi)
    assert bytes(rec) == raw
    assert rec.family == AF_APPLETALK
    assert rec.address == address


@pytest.mark.parametrize("abi", ABIS)
@settings(max_examples=20, deadline=None)
@given(rest=st.binary(max_size=24))
def test_arbitrary_bytes(abi: str, rest: bytes) -> None:
    raw = AF_APPLETALK.to_bytes(2, ABI.get(abi).byteorder) + rest
    try:
        value = sockaddr.decode(raw, abi=abi)
    except sockaddr.DecodeError as e:
        assert e.offset == len(raw) < 16
    else:
        assert sockaddr.decode(sockaddr.encode(AF_APPLETALK, value, abi=abi), abi=abi) == value
    try:
        assert bytes(sockaddr.parse(raw, abi=abi)) == raw
    except sockaddr.DecodeError as e:
        assert e.offset == len(raw) < 16


@pytest.mark.parametrize(("address", "error", "message"), [
    ((256, 0, 0), OverflowError, r"^bind\(\): sat_port must be 0-255\.$"),
    ((0, 65536, 0), OverflowError, r"sat_addr.s_net must be 0-65535"),
    ((0, 0, -1), OverflowError, r"sat_addr.s_node must be 0-255"),
    ((0, 0), TypeError, r"AF_APPLETALK address must be a tuple \(sat_port, sat_addr.s_net"),
    ((0, 0, 1.0), TypeError, r"float"),
    ([0, 0, 0], TypeError, r"AF_APPLETALK address must be tuple, not list"),
])
def test_encode_errors(address: object, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        sockaddr.encode(AF_APPLETALK, address, caller="bind")


def test_cpython_has_no_tuple(cpython_oracle: CPythonOracle) -> None:
    # CPython's socket module refuses AF_APPLETALK ("bad family") and decodes its
    # bytes as (sa_family, sa_data): the natural form here goes beyond it.
    address = (129, 65280, 42)
    theirs = cpython_oracle.encode(AF_APPLETALK, address, caller="bind")
    assert theirs.exc_type is OSError
    assert theirs.exc_msg == "bind(): bad family"
    raw = sockaddr.encode(AF_APPLETALK, address)
    theirs = cpython_oracle.decode(socket.AF_UNIX, raw)
    assert theirs.value == (AF_APPLETALK, raw.ljust(16, b"\0")[2:16])


def test_kernel_bind_getsockname() -> None:
    reason = kernel_lacks(AF_APPLETALK, "AF_APPLETALK", socket.SOCK_DGRAM)
    if reason:
        pytest.skip(reason)
    with socket.socket(AF_APPLETALK, socket.SOCK_DGRAM) as s:
        try:
            sys_bind(s.fileno(), sockaddr.encode(AF_APPLETALK, (0, 0, 0)))
        except OSError as e:       # needs an AppleTalk interface (atalkd)
            pytest.skip(f"AF_APPLETALK bind() needs an AppleTalk interface here: {e}")
        value = sockaddr.decode(sys_getsockname(s.fileno()))
    assert isinstance(value, tuple)
    assert value[0] != 0
    assert value[1:] != (0, 0)
