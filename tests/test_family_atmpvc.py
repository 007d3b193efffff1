"""AF_ATMPVC (:mod:`sockaddr.families.atm`): ``(itf, vpi, vci)``.

Oracles: a C program that fills ``struct sockaddr_atmpvc`` through
<linux/atm.h>; the headers for the layout and the ``ATM_*_ANY``/``_UNSPEC``
constants (``test_headers.py``, x86_64 and i386).  On sparc64
``__ATM_API_ALIGN`` moves ``sap_addr``, which the schema cannot say yet: the
codec refuses that ABI.  The kernel here has no AF_ATMPVC, so the
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

AF_ATMPVC = schemas.constant("AF_ATMPVC")
ABIS = sorted(a for a in KNOWN if ABI.get(a).arch != "sparc64")

SOURCE = r"""
#include <string.h>
#include <sys/socket.h>
#include <linux/atm.h>

size_t build(int itf, int vpi, int vci, unsigned char *out)
{
        struct sockaddr_atmpvc addr;

        memset(&addr, 0, sizeof addr);
        addr.sap_family = AF_ATMPVC;
        addr.sap_addr.itf = itf;
        addr.sap_addr.vpi = vpi;
        addr.sap_addr.vci = vci;
        memcpy(out, &addr, sizeof addr);
        return sizeof addr;
}
"""

s16 = st.integers(-(2**15), 2**15 - 1)
addresses = st.tuples(s16, s16, st.integers(-(2**31), 2**31 - 1))


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., bytes]:
    return builder(compile_c(tmp_path_factory.mktemp("atmpvc"), SOURCE), "build")


@settings(max_examples=100, deadline=None)
@given(address=addresses)
def test_encode_matches_c(build: Callable[..., bytes], address: tuple[int, int, int]) -> None:
    want = build(*address)
    assert sockaddr.encode(AF_ATMPVC, address) == want
    assert sockaddr.decode(want) == address


def test_any_and_unspec(build: Callable[..., bytes]) -> None:
    any_ = tuple(schemas.constant(n) for n in ("ATM_ITF_ANY", "ATM_VPI_ANY", "ATM_VCI_ANY"))
    assert any_ == (-1, -1, -1)
    assert sockaddr.encode(AF_ATMPVC, any_) == build(*any_)


@pytest.mark.parametrize("abi", ABIS)
@settings(max_examples=15, deadline=None)
@given(address=addresses)
def test_round_trip(abi: str, address: tuple[int, int, int]) -> None:
    raw = sockaddr.encode(AF_ATMPVC, address, abi=abi)
    assert len(raw) == 12
    assert sockaddr.decode(raw, abi=abi) == address
    rec = sockaddr.parse(raw, abi=abi)
    assert bytes(rec) == raw
    assert rec.family == AF_ATMPVC
    assert rec.address == address


@pytest.mark.parametrize("abi", sorted(KNOWN))
@settings(max_examples=20, deadline=None)
@given(rest=st.binary(max_size=20))
def test_arbitrary_bytes(abi: str, rest: bytes) -> None:
    raw = AF_ATMPVC.to_bytes(2, ABI.get(abi).byteorder) + rest
    try:
        value = sockaddr.decode(raw, abi=abi)
    except sockaddr.DecodeError as e:
        assert 0 <= e.offset <= len(raw)
    else:
        assert sockaddr.decode(sockaddr.encode(AF_ATMPVC, value, abi=abi), abi=abi) == value
    try:
        assert bytes(sockaddr.parse(raw, abi=abi)) == raw
    except sockaddr.DecodeError as e:
        assert 0 <= e.offset <= len(raw)


def test_sparc64_refused() -> None:
    with pytest.raises(ValueError, match=r"AF_ATMPVC on linux-sparc64: __ATM_API_ALIGN"):
        sockaddr.encode(AF_ATMPVC, (0, 0, 5), abi="linux-sparc64")
    raw = sockaddr.encode(AF_ATMPVC, (0, 0, 5), abi="linux-mips64")     # big-endian too
    with pytest.raises(sockaddr.DecodeError, match=r"__ATM_API_ALIGN"):
        sockaddr.decode(raw, abi="linux-sparc64")
    with pytest.raises(sockaddr.DecodeError, match=r"__ATM_API_ALIGN"):
        sockaddr.parse(raw, abi="linux-sparc64")


@pytest.mark.parametrize(("address", "error", "message"), [
    ((2**15, 0, 0), OverflowError, r"^connect\(\): sap_addr.itf must be -32768-32767\.$"),
    ((0, 0, 2**31), OverflowError, r"sap_addr.vci must be -2147483648-2147483647"),
    ((0, 0), TypeError, r"AF_ATMPVC address must be a tuple \(sap_addr.itf"),
])
def test_encode_errors(address: object, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        sockaddr.encode(AF_ATMPVC, address, caller="connect")


def test_cpython_has_no_tuple(cpython_oracle: CPythonOracle) -> None:
    # CPython's socket module refuses AF_ATMPVC ("bad family") and decodes its
    # bytes as (sa_family, sa_data): the natural form here goes beyond it.
    address = (0, 0, 5)
    theirs = cpython_oracle.encode(AF_ATMPVC, address, caller="bind")
    assert theirs.exc_type is OSError
    assert theirs.exc_msg == "bind(): bad family"
    raw = sockaddr.encode(AF_ATMPVC, address)
    theirs = cpython_oracle.decode(socket.AF_UNIX, raw)
    assert theirs.value == (AF_ATMPVC, raw.ljust(16, b"\0")[2:16])


def test_kernel_bind_getsockname() -> None:
    reason = kernel_lacks(AF_ATMPVC, "AF_ATMPVC", socket.SOCK_DGRAM)
    if reason:
        pytest.skip(reason)
    with socket.socket(AF_ATMPVC, socket.SOCK_DGRAM) as s:
        try:
            sys_bind(s.fileno(), sockaddr.encode(AF_ATMPVC, (0, 0, 42)))
        except OSError as e:       # needs an ATM interface 0 and QoS set first
            pytest.skip(f"AF_ATMPVC bind() needs an ATM interface here: {e}")
        assert sockaddr.decode(sys_getsockname(s.fileno())) == (0, 0, 42)
