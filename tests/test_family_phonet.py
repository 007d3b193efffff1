"""AF_PHONET (:mod:`sockaddr.families.phonet`): ``(spn_obj, spn_dev, spn_resource)``.

Oracles: a C program that fills ``struct sockaddr_pn`` through <linux/phonet.h>
(a packed struct); the headers for the layout and the ``PN_*`` constants
(``test_headers.py``).  The kernel here has no AF_PHONET, so the
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

AF_PHONET = schemas.constant("AF_PHONET")
ABIS = sorted(KNOWN)

SOURCE = r"""
#include <string.h>
#include <sys/socket.h>
#include <linux/phonet.h>

size_t build(int obj, int dev, int resource, unsigned char *out)
{
        struct sockaddr_pn spn;

        memset(&spn, 0, sizeof spn);
        spn.spn_family = AF_PHONET;
        spn.spn_obj = obj;
        spn.spn_dev = dev;
        spn.spn_resource = resource;
        memcpy(out, &spn, sizeof spn);
        return sizeof spn;
}
"""

u8 = st.integers(0, 255)
addresses = st.tuples(u8, u8, u8)


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., bytes]:
    return builder(compile_c(tmp_path_factory.mktemp("phonet"), SOURCE), "build")


@settings(max_examples=100, deadline=None)
@given(address=addresses)
def test_encode_matches_c(build: Callable[..., bytes], address: tuple[int, int, int]) -> None:
    want = build(*address)
    assert sockaddr.encode(AF_PHONET, address) == want
    assert sockaddr.decode(want) == address


@pytest.mark.parametrize("abi", ABIS)
@settings(max_examples=15, deadline=None)
@given(address=addresses)
def test_round_trip(abi: str, address: tuple[int, int, int]) -> None:
    raw = sockaddr.encode(AF_PHONET, address, abi=abi)
    assert len(raw) == 16
    assert sockaddr.decode(raw, abi=abi) == address
    rec = sockaddr.parse(raw, abi=abi)
    assert bytes(rec) == raw
    assert rec.family == AF_PHONET
    assert rec.address == address


@pytest.mark.parametrize("abi", ABIS)
@settings(max_examples=20, deadline=None)
@given(rest=st.binary(max_size=24))
def test_arbitrary_bytes(abi: str, rest: bytes) -> None:
    raw = AF_PHONET.to_bytes(2, ABI.get(abi).byteorder) + rest
    try:
        value = sockaddr.decode(raw, abi=abi)
    except sockaddr.DecodeError as e:
        assert e.offset == len(raw) < 16
    else:
        assert sockaddr.decode(sockaddr.encode(AF_PHONET, value, abi=abi), abi=abi) == value
    try:
        assert bytes(sockaddr.parse(raw, abi=abi)) == raw
    except sockaddr.DecodeError as e:
        assert e.offset == len(raw) < 16


@pytest.mark.parametrize(("address", "error", "message"), [
    ((256, 0, 0), OverflowError, r"^connect\(\): spn_obj must be 0-255\.$"),
    ((0, 0), TypeError, r"AF_PHONET address must be a tuple \(spn_obj, spn_dev, spn_resource\)"),
    ((0, 0, "x"), TypeError, r"str"),
])
def test_encode_errors(address: object, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        sockaddr.encode(AF_PHONET, address, caller="connect")


def test_cpython_has_no_tuple(cpython_oracle: CPythonOracle) -> None:
    # CPython's socket module refuses AF_PHONET ("bad family") and decodes its
    # bytes as (sa_family, sa_data): the natural form here goes beyond it.
    address = (0x20, 0x10, 0)
    theirs = cpython_oracle.encode(AF_PHONET, address, caller="bind")
    assert theirs.exc_type is OSError
    assert theirs.exc_msg == "bind(): bad family"
    raw = sockaddr.encode(AF_PHONET, address)
    theirs = cpython_oracle.decode(socket.AF_UNIX, raw)
    assert theirs.value == (AF_PHONET, raw.ljust(16, b"\0")[2:16])


def test_kernel_bind_getsockname() -> None:
    reason = kernel_lacks(AF_PHONET, "AF_PHONET", socket.SOCK_DGRAM)
    if reason:
        pytest.skip(reason)
    with socket.socket(AF_PHONET, socket.SOCK_DGRAM) as s:
        try:
            sys_bind(s.fileno(), sockaddr.encode(AF_PHONET, (0, 0, 0)))
        except OSError as e:       # pn_socket_bind() needs a Phonet device address
            pytest.skip(f"AF_PHONET bind() needs a Phonet device here: {e}")
        value = sockaddr.decode(sys_getsockname(s.fileno()))
    assert isinstance(value, tuple)
    assert value[:2] != (0, 0)
