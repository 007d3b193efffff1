"""AF_IUCV (:mod:`sockaddr.families.iucv`): ``(user_id, name)``, blank-padded names.

Oracles: a C program that fills ``struct sockaddr_iucv`` through glibc's
<netiucv/iucv.h> (the kernel's include/net/iucv/af_iucv.h is not UAPI) with
blank-padded names, as z/VM programs do; the eight blanks that
``iucv_sock_bind()`` (net/iucv/af_iucv.c) reads as "no name"; the headers for
the layout (``test_headers.py``).  AF_IUCV exists on s390 only: the kernel
here has none, so the bind/getsockname proof skips.
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

AF_IUCV = schemas.constant("AF_IUCV")
ABIS = sorted(KNOWN)

SOURCE = r"""
#include <string.h>
#include <sys/socket.h>
#include <netiucv/iucv.h>

size_t build(const char *user_id, const char *name, unsigned char *out)
{
        struct sockaddr_iucv addr;

        memset(&addr, 0, sizeof addr);
        addr.siucv_family = AF_IUCV;
        memset(addr.siucv_user_id, ' ', sizeof addr.siucv_user_id);
        memcpy(addr.siucv_user_id, user_id, strlen(user_id));
        memset(addr.siucv_name, ' ', sizeof addr.siucv_name);
        memcpy(addr.siucv_name, name, strlen(name));
        memcpy(out, &addr, sizeof addr);
        return sizeof addr;
}
"""

names = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789$#@", max_size=8)


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., bytes]:
    return builder(compile_c(tmp_path_factory.mktemp("iucv"), SOURCE), "build")


@settings(max_examples=100, deadline=None)
@given(user_id=names, name=names)
def test_encode_matches_c(build: Callable[..., bytes], user_id: str, name: str) -> None:
    want = build(user_id.encode(), name.encode())
    assert len(want) == 32
    assert sockaddr.encode(AF_IUCV, (user_id, name)) == want
    assert sockaddr.decode(want) == (user_id, name)


def test_blank_name_asks_for_autobind(build: Callable[..., bytes]) -> None:
    raw = sockaddr.encode(AF_IUCV, ("LNXGUEST", ""))
    assert raw == build(b"LNXGUEST", b"")
    assert raw[24:32] == b"        "          # strncmp(siucv_name, "        ", 8) == 0


@pytest.mark.parametrize("abi", ABIS)
@settings(max_examples=15, deadline=None)
@given(user_id=st.binary(max_size=8), name=st.binary(max_size=8))
def test_round_trip(abi: str, user_id: bytes, name: bytes) -> None:
    # Any byte but a trailing blank survives: Latin-1 is one character a byte.
    address = (user_id.decode("latin-1").rstrip(" "), name.decode("latin-1").rstrip(" "))
    raw = sockaddr.encode(AF_IUCV, address, abi=abi)
    assert sockaddr.decode(raw, abi=abi) == address
    rec = sockaddr.parse(raw, abi=abi)
    assert bytes(rec) == raw
    assert rec.family == AF_IUCV
    assert rec.address == address


@pytest.mark.parametrize("abi", ABIS)
@settings(max_examples=20, deadline=None)
@given(rest=st.binary(max_size=40))
def test_arbitrary_bytes(abi: str, rest: bytes) -> None:
    raw = AF_IUCV.to_bytes(2, ABI.get(abi).byteorder) + rest
    try:
        value = sockaddr.decode(raw, abi=abi)
    except sockaddr.DecodeError as e:
        assert e.offset == len(raw) < 32
    else:
        # Names come back byte for byte; the reserved fields are not in the tuple.
        again = sockaddr.encode(AF_IUCV, value, abi=abi)
        assert again[16:32] == raw[16:32]
    try:
        assert bytes(sockaddr.parse(raw, abi=abi)) == raw
    except sockaddr.DecodeError as e:
        assert e.offset == len(raw) < 32


@pytest.mark.parametrize(("address", "error", "message"), [
    (("TOOLONGID", "A"), ValueError, r"^connect\(\): user_id must be at most 8 bytes, got 9$"),
    (("A", "€"), ValueError, r"name must be Latin-1 text"),
    (("A", 1), TypeError, r"name must be str or a bytes-like object, not int"),
    (("A",), TypeError, r"AF_IUCV address must be a pair \(user_id, name\)"),
])
def test_encode_errors(address: object, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        sockaddr.encode(AF_IUCV, address, caller="connect")


def test_cpython_has_no_tuple(cpython_oracle: CPythonOracle) -> None:
    # CPython's socket module refuses AF_IUCV ("bad family") and decodes its
    # bytes as (sa_family, sa_data): the natural form here goes beyond it.
    address = ("LNXGUEST", "APPSRV")
    theirs = cpython_oracle.encode(AF_IUCV, address, caller="bind")
    assert theirs.exc_type is OSError
    assert theirs.exc_msg == "bind(): bad family"
    raw = sockaddr.encode(AF_IUCV, address)
    theirs = cpython_oracle.decode(socket.AF_UNIX, raw)
    assert theirs.value == (AF_IUCV, raw.ljust(16, b"\0")[2:16])


def test_kernel_bind_getsockname() -> None:
    reason = kernel_lacks(AF_IUCV, "AF_IUCV (s390 only)", socket.SOCK_STREAM,
                          socket.SOCK_SEQPACKET)
    if reason:
        pytest.skip(reason)
    with socket.socket(AF_IUCV, socket.SOCK_STREAM) as s:
        try:
            sys_bind(s.fileno(), sockaddr.encode(AF_IUCV, ("", "SOCKADDR")))
        except OSError as e:
            pytest.skip(f"AF_IUCV bind() failed here: {e}")
        value = sockaddr.decode(sys_getsockname(s.fileno()))
    assert isinstance(value, tuple)
    assert value[1] == "SOCKADDR"
