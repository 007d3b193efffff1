"""AF_CAIF (:mod:`sockaddr.families.caif`): the tuple of the arm the protocol reads.

Oracles: a C program that fills ``struct sockaddr_caif`` through
<linux/caif/caif_socket.h>, one arm per protocol, the arms
``caif_connect_req_to_link_param()`` (net/caif/cfcnfg.c) reads; the headers
for the layout, every union arm, and the ``CAIFPROTO_*`` enum
(``test_headers.py``).  CAIF sockets have no getname(), and the kernel here
has no AF_CAIF: the connect proof skips.
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

from c_oracle import builder, compile_c, kernel_lacks
from oracle.cpython import CPythonOracle

import sockaddr
from sockaddr import schemas
from sockaddr.abi import ABI, KNOWN

AF_CAIF = schemas.constant("AF_CAIF")
AT, DGM, LOOP, UTIL, RFM, DBG = (schemas.constant(f"CAIFPROTO_{n}") for n in (
    "AT", "DATAGRAM", "DATAGRAM_LOOP", "UTIL", "RFM", "DEBUG"))
ABIS = sorted(KNOWN)

SOURCE = r"""
#include <string.h>
#include <sys/socket.h>
#include <linux/caif/caif_socket.h>

static size_t done(struct sockaddr_caif *a, unsigned char *out)
{
        a->family = AF_CAIF;
        memcpy(out, a, sizeof *a);
        return sizeof *a;
}

size_t build_at(int type, unsigned char *out)
{
        struct sockaddr_caif a;
        memset(&a, 0, sizeof a);
        a.u.at.type = type;
        return done(&a, out);
}

size_t build_dgm(unsigned int id, unsigned char *out)
{
        struct sockaddr_caif a;
        memset(&a, 0, sizeof a);
        a.u.dgm.connection_id = id;
        return done(&a, out);
}

size_t build_util(const char *service, unsigned char *out)
{
        struct sockaddr_caif a;
        memset(&a, 0, sizeof a);
        strcpy(a.u.util.service, service);
        return done(&a, out);
}

size_t build_rfm(unsigned int id, const char *volume, unsigned char *out)
{
        struct sockaddr_caif a;
        memset(&a, 0, sizeof a);
        a.u.rfm.connection_id = id;
        strcpy(a.u.rfm.volume, volume);
        return done(&a, out);
}

size_t build_dbg(int type, int service, unsigned char *out)
{
        struct sockaddr_caif a;
        memset(&a, 0, sizeof a);
        a.u.dbg.type = type;
        a.u.dbg.service = service;
        return done(&a, out);
}
"""

u8 = st.integers(0, 255)
u32 = st.integers(0, 2**32 - 1)
name = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=15)
ARGS = {AT: st.tuples(u8), DGM: st.tuples(u32), LOOP: st.tuples(u32),
        UTIL: st.tuples(name), RFM: st.tuples(u32, name), DBG: st.tuples(u8, u8)}
BUILDERS = {AT: "build_at", DGM: "build_dgm", LOOP: "build_dgm", UTIL: "build_util",
            RFM: "build_rfm", DBG: "build_dbg"}


@pytest.fixture(scope="module")
def c(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Callable[..., bytes]]:
    lib = compile_c(tmp_path_factory.mktemp("caif"), SOURCE)
    return {proto: builder(lib, fn) for proto, fn in BUILDERS.items()}


@pytest.mark.parametrize("proto", sorted(ARGS))
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_encode_matches_c(c: dict[int, Callable[..., bytes]], proto: int,
                          data: st.DataObject) -> None:
    address = data.draw(ARGS[proto])
    want = c[proto](*(a.encode() if isinstance(a, str) else a for a in address))
    assert len(want) == 24
    assert sockaddr.encode(AF_CAIF, address, proto=proto) == want
    assert sockaddr.decode(want, proto=proto) == address


@pytest.mark.parametrize("abi", ABIS)
@pytest.mark.parametrize("proto", sorted(ARGS))
@settings(max_examples=5, deadline=None)
@given(data=st.data())
def test_round_trip(abi: str, proto: int, data: st.DataObject) -> None:
    address = data.draw(ARGS[proto])
    raw = sockaddr.encode(AF_CAIF, address, proto=proto, abi=abi)
    assert sockaddr.decode(raw, proto=proto, abi=abi) == address
    rec = sockaddr.parse(raw, proto=proto, abi=abi)
    assert bytes(rec) == raw
    assert rec.family == AF_CAIF
    assert rec.address == address


@pytest.mark.parametrize("abi", ABIS)
@settings(max_examples=20, deadline=None)
@given(rest=st.binary(max_size=30), proto=st.integers(0, 7))
def test_arbitrary_bytes(abi: str, rest: bytes, proto: int) -> None:
    raw = AF_CAIF.to_bytes(2, ABI.get(abi).byteorder) + rest
    try:
        value = sockaddr.decode(raw, proto=proto, abi=abi)
    except sockaddr.DecodeError as e:
        assert 0 <= e.offset <= len(raw)
    else:
        again = sockaddr.encode(AF_CAIF, value, proto=proto, abi=abi)
        assert sockaddr.decode(again, proto=proto, abi=abi) == value
    try:
        assert bytes(sockaddr.parse(raw, proto=proto, abi=abi)) == raw
    except sockaddr.DecodeError as e:
        assert e.offset == len(raw) < 24


def test_connection_id_is_host_order() -> None:
    assert sockaddr.encode(AF_CAIF, (1,), proto=DGM, abi="linux-x86_64")[4:8] == b"\1\0\0\0"
    assert sockaddr.encode(AF_CAIF, (1,), proto=DGM, abi="linux-s390x")[4:8] == b"\0\0\0\1"


def test_unsupported_protocol() -> None:
    with pytest.raises(OSError, match=r"^connect\(\): unsupported CAIF protocol$"):
        sockaddr.encode(AF_CAIF, (0,), proto=6, caller="connect")
    raw = sockaddr.encode(AF_CAIF, (0,), proto=AT)
    with pytest.raises(sockaddr.DecodeError, match=r"protocol 6 is not a CAIF protocol"):
        sockaddr.decode(raw, proto=6)
    assert bytes(sockaddr.parse(raw, proto=6)) == raw          # the union, as bytes


def test_name_without_nul() -> None:
    raw = sockaddr.encode(AF_CAIF, ("x",), proto=UTIL)[:4] + b"s" * 16 + bytes(4)
    with pytest.raises(sockaddr.DecodeError, match=r"u.util.service has no terminating NUL"):
        sockaddr.decode(raw, proto=UTIL)


@pytest.mark.parametrize(("proto", "address", "error", "message"), [
    (AT, (256,), OverflowError, r"^connect\(\): type must be 0-255\.$"),
    (DGM, (2**32,), OverflowError, r"connection_id must be 0-4294967295"),
    (UTIL, ("s" * 16,), ValueError, r"service must be at most 15 bytes, got 16"),
    (RFM, (1,), TypeError, r"AF_CAIF address for this protocol must be a tuple "
                           r"\(connection_id, volume\)"),
    (AT, 2, TypeError, r"AF_CAIF address must be tuple, not int"),
    (DBG, (1, 2, 3), TypeError, r"\(type, service\)"),
])
def test_encode_errors(proto: int, address: object, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        sockaddr.encode(AF_CAIF, address, proto=proto, caller="connect")


def test_cpython_has_no_tuple(cpython_oracle: CPythonOracle) -> None:
    # CPython's socket module refuses AF_CAIF ("bad family") and decodes its
    # bytes as (sa_family, sa_data): the natural form here goes beyond it.
    address = ("psock",)
    theirs = cpython_oracle.encode(AF_CAIF, address, proto=UTIL, caller="bind")
    assert theirs.exc_type is OSError
    assert theirs.exc_msg == "bind(): bad family"
    raw = sockaddr.encode(AF_CAIF, address, proto=UTIL)
    theirs = cpython_oracle.decode(socket.AF_UNIX, raw)
    assert theirs.value == (AF_CAIF, raw.ljust(16, b"\0")[2:16])


def test_kernel_connect() -> None:
    reason = kernel_lacks(AF_CAIF, "AF_CAIF", socket.SOCK_SEQPACKET, socket.SOCK_STREAM)
    if reason:
        pytest.skip(reason)
    pytest.skip("AF_CAIF has no getname(); connect() needs a CAIF modem link")
