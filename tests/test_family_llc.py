"""AF_LLC (:mod:`sockaddr.families.llc`): ``(arphrd, test, xid, ua, sap, mac)``.

Oracles: a C program that fills ``struct sockaddr_llc`` through <linux/llc.h>;
the headers for the layout and the ``LLC_SAP_*`` constants
(``test_headers.py``).  The kernel here has no AF_LLC, so the
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

AF_LLC = schemas.constant("AF_LLC")
ABIS = sorted(KNOWN)

SOURCE = r"""
#include <string.h>
#include <sys/socket.h>
#include <linux/llc.h>

size_t build(int arphrd, int test, int xid, int ua, int sap, const unsigned char *mac,
             unsigned char *out)
{
        struct sockaddr_llc sllc;

        memset(&sllc, 0, sizeof sllc);
        sllc.sllc_family = AF_LLC;
        sllc.sllc_arphrd = arphrd;
        sllc.sllc_test = test;
        sllc.sllc_xid = xid;
        sllc.sllc_ua = ua;
        sllc.sllc_sap = sap;
        memcpy(sllc.sllc_mac, mac, IFHWADDRLEN);
        memcpy(out, &sllc, sizeof sllc);
        return sizeof sllc;
}
"""

u8 = st.integers(0, 255)
addresses = st.tuples(st.integers(0, 65535), u8, u8, u8, u8, st.binary(min_size=6, max_size=6))


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., bytes]:
    return builder(compile_c(tmp_path_factory.mktemp("llc"), SOURCE), "build")


@settings(max_examples=100, deadline=None)
@given(address=addresses)
def test_encode_matches_c(build: Callable[..., bytes], address: tuple[object, ...]) -> None:
    want = build(*address)
    assert sockaddr.encode(AF_LLC, address) == want
    assert sockaddr.decode(want) == address


def test_short_mac_is_zero_filled(build: Callable[..., bytes]) -> None:
    raw = sockaddr.encode(AF_LLC, (1, 0, 0, 0, 0x42, b"\x01\x80"))
    assert raw == build(1, 0, 0, 0, 0x42, b"\x01\x80\0\0\0\0")
    assert sockaddr.decode(raw) == (1, 0, 0, 0, 0x42, b"\x01\x80\0\0\0\0")


@pytest.mark.parametrize("abi", ABIS)
@settings(max_examples=15, deadline=None)
@given(address=addresses)
def test_round_trip(abi: str, address: tuple[object, ...]) -> None:
    raw = sockaddr.encode(AF_LLC, address, abi=abi)
    assert len(raw) == 16
    assert sockaddr.decode(raw, abi=abi) == address
    rec = sockaddr.parse(raw, abi=abi)
    assert bytes(rec) == raw
    assert rec.family == AF_LLC
    assert rec.address == address


@pytest.mark.parametrize("abi", ABIS)
@settings(max_examples=20, deadline=None)
@given(rest=st.binary(max_size=24))
def test_arbitrary_bytes(abi: str, rest: bytes) -> None:
    raw = AF_LLC.to_bytes(2, ABI.get(abi).byteorder) + rest
    try:
        value = sockaddr.decode(raw, abi=abi)
    except sockaddr.DecodeError as e:
        assert e.offset == len(raw) < 16
    else:
        assert sockaddr.decode(sockaddr.encode(AF_LLC, value, abi=abi), abi=abi) == value
    try:
        assert bytes(sockaddr.parse(raw, abi=abi)) == raw
    except sockaddr.DecodeError as e:
        assert e.offset == len(raw) < 16


@pytest.mark.parametrize(("address", "error", "message"), [
    ((1, 0, 0, 0, 256, b""), OverflowError, r"^bind\(\): sllc_sap must be 0-255\.$"),
    ((65536, 0, 0, 0, 0, b""), OverflowError, r"sllc_arphrd must be 0-65535"),
    ((1, 0, 0, 0, 0, bytes(7)), ValueError, r"sllc_mac must be at most 6 bytes, got 7"),
    ((1, 0, 0, 0, 0), TypeError, r"AF_LLC address must be a tuple \(sllc_arphrd"),
])
def test_encode_errors(address: object, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        sockaddr.encode(AF_LLC, address, caller="bind")


def test_cpython_has_no_tuple(cpython_oracle: CPythonOracle) -> None:
    # CPython's socket module refuses AF_LLC ("bad family") and decodes its
    # bytes as (sa_family, sa_data): the natural form here goes beyond it.
    address = (1, 0, 0, 0, 0x42, bytes(6))
    theirs = cpython_oracle.encode(AF_LLC, address, caller="bind")
    assert theirs.exc_type is OSError
    assert theirs.exc_msg == "bind(): bad family"
    raw = sockaddr.encode(AF_LLC, address)
    theirs = cpython_oracle.decode(socket.AF_UNIX, raw)
    assert theirs.value == (AF_LLC, raw.ljust(16, b"\0")[2:16])


def test_kernel_bind_getsockname() -> None:
    reason = kernel_lacks(AF_LLC, "AF_LLC", socket.SOCK_DGRAM, socket.SOCK_STREAM)
    if reason:
        pytest.skip(reason)
    with socket.socket(AF_LLC, socket.SOCK_DGRAM) as s:
        address = (1, 0, 0, 0, 0x42, bytes(6))      # ARPHRD_ETHER, SAP 0x42
        try:
            sys_bind(s.fileno(), sockaddr.encode(AF_LLC, address))
        except OSError as e:       # llc_ui_bind() needs an Ethernet device to bind to
            pytest.skip(f"AF_LLC bind() needs an LLC-capable device here: {e}")
        value = sockaddr.decode(sys_getsockname(s.fileno()))
    assert isinstance(value, tuple)
    assert (value[0], value[4]) == (1, 0x42)
