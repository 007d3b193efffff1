"""AF_ATMSVC (:mod:`sockaddr.families.atm`): ``(prv, pub, lij_type, lij_id)``.

Oracles: a C program that fills ``struct sockaddr_atmsvc`` through
<linux/atm.h> (``pub`` with ``strcpy()``, as a NUL-terminated E.164 number);
the headers for the layout and the ``ATM_*`` constants (``test_headers.py``).
The kernel here has no AF_ATMSVC, so the bind/getsockname proof skips.
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

AF_ATMSVC = schemas.constant("AF_ATMSVC")
ABIS = sorted(a for a in KNOWN if ABI.get(a).arch != "sparc64")

SOURCE = r"""
#include <string.h>
#include <sys/socket.h>
#include <linux/atm.h>

size_t build(const unsigned char *prv, const char *pub, int lij_type, unsigned int lij_id,
             unsigned char *out)
{
        struct sockaddr_atmsvc addr;

        memset(&addr, 0, sizeof addr);
        addr.sas_family = AF_ATMSVC;
        memcpy(addr.sas_addr.prv, prv, ATM_ESA_LEN);
        strcpy(addr.sas_addr.pub, pub);
        addr.sas_addr.lij_type = lij_type;
        addr.sas_addr.lij_id = lij_id;
        memcpy(out, &addr, sizeof addr);
        return sizeof addr;
}
"""

addresses = st.tuples(st.binary(min_size=20, max_size=20),
                      st.text(alphabet="0123456789", max_size=12),
                      st.integers(0, 3), st.integers(0, 2**32 - 1))


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., bytes]:
    return builder(compile_c(tmp_path_factory.mktemp("atmsvc"), SOURCE), "build")


@settings(max_examples=100, deadline=None)
@given(address=addresses)
def test_encode_matches_c(build: Callable[..., bytes],
                          address: tuple[bytes, str, int, int]) -> None:
    prv, pub, lij_type, lij_id = address
    want = build(prv, pub.encode(), lij_type, lij_id)
    assert len(want) == 44
    assert sockaddr.encode(AF_ATMSVC, address) == want
    assert sockaddr.decode(want) == address


def test_defaults(build: Callable[..., bytes]) -> None:
    nsap = bytes.fromhex("47000580ffe1000000f21a26d80020481a26d800")
    assert sockaddr.encode(AF_ATMSVC, (nsap, "")) == build(nsap, b"", 0, 0)
    assert sockaddr.encode(AF_ATMSVC, (nsap[:1], "")) == build(
        nsap[:1] + bytes(19), b"", 0, 0)
    assert sockaddr.decode(build(nsap, b"", 0, 0)) == (nsap, "", 0, 0)


@pytest.mark.parametrize("abi", ABIS)
@settings(max_examples=15, deadline=None)
@given(prv=st.binary(min_size=20, max_size=20),
       pub=st.text(alphabet=st.characters(min_codepoint=1, max_codepoint=255), max_size=12),
       lij_type=st.integers(0, 255), lij_id=st.integers(0, 2**32 - 1))
def test_round_trip(abi: str, prv: bytes, pub: str, lij_type: int, lij_id: int) -> None:
    # lij_type is a plain char: signed on x86 and mips, unsigned on arm, ppc, s390x, riscv.
    if schemas.ctype("char", abi).signed:  # type: ignore[union-attr]
        lij_type -= 128
    address = (prv, pub, lij_type, lij_id)
    raw = sockaddr.encode(AF_ATMSVC, address, abi=abi)
    assert sockaddr.decode(raw, abi=abi) == address
    rec = sockaddr.parse(raw, abi=abi)
    assert bytes(rec) == raw
    assert rec.family == AF_ATMSVC
    assert rec.address == address


@pytest.mark.parametrize("abi", sorted(KNOWN))
@settings(max_examples=20, deadline=None)
@given(rest=st.binary(max_size=50) | st.binary(min_size=42, max_size=42))
def test_arbitrary_bytes(abi: str, rest: bytes) -> None:
    raw = AF_ATMSVC.to_bytes(2, ABI.get(abi).byteorder) + rest
    try:
        value = sockaddr.decode(raw, abi=abi)
    except sockaddr.DecodeError as e:
        assert 0 <= e.offset <= len(raw)
    else:
        assert sockaddr.decode(sockaddr.encode(AF_ATMSVC, value, abi=abi), abi=abi) == value
    try:
        assert bytes(sockaddr.parse(raw, abi=abi)) == raw
    except sockaddr.DecodeError as e:
        assert 0 <= e.offset <= len(raw)


def test_pub_without_nul() -> None:
    raw = bytearray(sockaddr.encode(AF_ATMSVC, (b"", "")))
    raw[24:37] = b"1" * 13
    with pytest.raises(sockaddr.DecodeError, match=r"pub has no terminating NUL") as info:
        sockaddr.decode(bytes(raw))
    assert info.value.offset == 37


@pytest.mark.parametrize(("address", "error", "message"), [
    ((bytes(21), ""), ValueError, r"^bind\(\): prv must be at most 20 bytes, got 21$"),
    ((b"", "1" * 13), ValueError, r"pub must be at most 12 bytes, got 13"),
    (("47", ""), TypeError, r"a bytes-like object is required, not 'str'"),
    ((b"", "", 128), OverflowError, r"lij_type must be -128-127"),
    ((b"", "", 0, -1), OverflowError, r"lij_id must be 0-4294967295"),
    ((b"",), TypeError, r"AF_ATMSVC address must be a tuple \(prv, pub"),
])
def test_encode_errors(address: object, error: type, message: str) -> None:
    if address == (b"", "", 128) and not schemas.ctype("char").signed:  # type: ignore[union-attr]
        pytest.skip("lij_type is an unsigned char on this machine's ABI: 128 fits")
    with pytest.raises(error, match=message):
        sockaddr.encode(AF_ATMSVC, address, caller="bind")


def test_sparc64_refused() -> None:
    with pytest.raises(ValueError, match=r"AF_ATMSVC on linux-sparc64"):
        sockaddr.encode(AF_ATMSVC, (b"", ""), abi="linux-sparc64")


def test_cpython_has_no_tuple(cpython_oracle: CPythonOracle) -> None:
    # CPython's socket module refuses AF_ATMSVC ("bad family") and decodes its
    # bytes as (sa_family, sa_data): the natural form here goes beyond it.
    address = (bytes(20), "12345")
    theirs = cpython_oracle.encode(AF_ATMSVC, address, caller="bind")
    assert theirs.exc_type is OSError
    assert theirs.exc_msg == "bind(): bad family"
    raw = sockaddr.encode(AF_ATMSVC, address)
    theirs = cpython_oracle.decode(socket.AF_UNIX, raw)
    assert theirs.value == (AF_ATMSVC, raw.ljust(16, b"\0")[2:16])


def test_kernel_bind_getsockname() -> None:
    reason = kernel_lacks(AF_ATMSVC, "AF_ATMSVC", socket.SOCK_DGRAM)
    if reason:
        pytest.skip(reason)
    with socket.socket(AF_ATMSVC, socket.SOCK_DGRAM) as s:
        address = (bytes.fromhex("47") + bytes(19), "", 0, 0)
        try:
            sys_bind(s.fileno(), sockaddr.encode(AF_ATMSVC, address))
        except OSError as e:       # svc_bind() needs the signalling daemon (atmsigd)
            pytest.skip(f"AF_ATMSVC bind() needs atmsigd here: {e}")
        assert sockaddr.decode(sys_getsockname(s.fileno())) == address
