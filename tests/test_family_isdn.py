"""AF_ISDN (:mod:`sockaddr.families.misdn`): ``(dev, channel, sapi, tei)``.

``struct sockaddr_mISDN`` lives in the kernel's include/linux/mISDNif.h, which
is not installed (not UAPI), so ``test_headers.py`` skips it.  Oracle here: a C
program with that struct copied from the kernel source, filled the way
``data_sock_getname()`` (drivers/isdn/mISDN/socket.c) fills it.  The kernel
here has no AF_ISDN, so the bind/getsockname proof skips.
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

AF_ISDN = schemas.constant("AF_ISDN")
ABIS = sorted(KNOWN)

SOURCE = r"""
#include <string.h>
#include <sys/socket.h>

/* include/linux/mISDNif.h */
struct sockaddr_mISDN {
        sa_family_t    family;
        unsigned char  dev;
        unsigned char  channel;
        unsigned char  sapi;
        unsigned char  tei;
};

size_t build(int dev, int channel, int sapi, int tei, unsigned char *out)
{
        struct sockaddr_mISDN maddr;

        memset(&maddr, 0, sizeof maddr);
        maddr.family = AF_ISDN;
        maddr.dev = dev;
        maddr.channel = channel;
        maddr.sapi = sapi;
        maddr.tei = tei;
        memcpy(out, &maddr, sizeof maddr);
        return sizeof maddr;
}
"""

u8 = st.integers(0, 255)
addresses = st.tuples(u8, u8, u8, u8)


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., bytes]:
    return builder(compile_c(tmp_path_factory.mktemp("isdn"), SOURCE), "build")


@settings(max_examples=100, deadline=None)
@given(address=addresses)
def test_encode_matches_c(build: Callable[..., bytes], address: tuple[int, ...]) -> None:
    want = build(*address)
    assert len(want) == 6
    assert sockaddr.encode(AF_ISDN, address) == want
    assert sockaddr.decode(want) == address


@pytest.mark.parametrize("abi", ABIS)
@settings(max_examples=15, deadline=None)
@given(address=addresses)
def test_round_trip(abi: str, address: tuple[int, ...]) -> None:
    raw = sockaddr.encode(AF_ISDN, address, abi=abi)
    assert sockaddr.decode(raw, abi=abi) == address
    rec = sockaddr.parse(raw, abi=abi)
    assert bytes(rec) == raw
    assert rec.family == AF_ISDN
    assert rec.address == address


@pytest.mark.parametrize("abi", ABIS)
@settings(max_examples=20, deadline=None)
@given(rest=st.binary(max_size=12))
def test_arbitrary_bytes(abi: str, rest: bytes) -> None:
    raw = AF_ISDN.to_bytes(2, ABI.get(abi).byteorder) + rest
    try:
        value = sockaddr.decode(raw, abi=abi)
    except sockaddr.DecodeError as e:
        assert e.offset == len(raw) < 6
    else:
        # No padding: every 6-byte address encodes back to itself.
        assert sockaddr.encode(AF_ISDN, value, abi=abi) == raw[:6]
    try:
        assert bytes(sockaddr.parse(raw, abi=abi)) == raw
    except sockaddr.DecodeError as e:
        assert e.offset == len(raw) < 6


@pytest.mark.parametrize(("address", "error", "message"), [
    ((256, 0, 0, 0), OverflowError, r"^bind\(\): dev must be 0-255\.$"),
    ((0, 0, 0), TypeError, r"AF_ISDN address must be a tuple \(dev, channel, sapi, tei\)"),
])
def test_encode_errors(address: object, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        sockaddr.encode(AF_ISDN, address, caller="bind")


def test_cpython_has_no_tuple(cpython_oracle: CPythonOracle) -> None:
    # CPython's socket module refuses AF_ISDN ("bad family") and decodes its
    # bytes as (sa_family, sa_data): the natural form here goes beyond it.
    address = (1, 0, 0, 127)
    theirs = cpython_oracle.encode(AF_ISDN, address, caller="bind")
    assert theirs.exc_type is OSError
    assert theirs.exc_msg == "bind(): bad family"
    raw = sockaddr.encode(AF_ISDN, address)
    theirs = cpython_oracle.decode(socket.AF_UNIX, raw)
    assert theirs.value == (AF_ISDN, raw.ljust(16, b"\0")[2:16])


def test_kernel_bind_getsockname() -> None:
    reason = kernel_lacks(AF_ISDN, "AF_ISDN", socket.SOCK_DGRAM, socket.SOCK_RAW)
    if reason:
        pytest.skip(reason)
    with socket.socket(AF_ISDN, socket.SOCK_DGRAM, 0x01) as s:    # ISDN_P_TE_S0
        try:
            sys_bind(s.fileno(), sockaddr.encode(AF_ISDN, (0, 0, 0, 0)))
        except OSError as e:       # needs an mISDN device
            pytest.skip(f"AF_ISDN bind() needs an mISDN device here: {e}")
        value = sockaddr.decode(sys_getsockname(s.fileno()))
    assert isinstance(value, tuple)
    assert value[0] == 0
