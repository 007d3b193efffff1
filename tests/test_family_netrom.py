"""AF_NETROM (:mod:`sockaddr.families.ax25`): the AX.25 structs with AF_NETROM.

Oracles: a C program that fills ``struct sockaddr_ax25``/``full_sockaddr_ax25``
through <linux/ax25.h> with the kernel's ``asc2ax()`` (``ax25_oracle.py``),
in the two shapes ``nr_getname()`` returns (net/netrom/af_netrom.c); the
headers for the layouts (``test_headers.py``).  The callsign text itself is
tested against ``ax2asc()``/``asc2ax()`` in ``test_family_ax25.py``.  The
kernel here has no AF_NETROM, so the bind/getsockname proof skips.
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ax25_oracle import Ax25Oracle
from c_oracle import kernel_lacks, sys_bind, sys_getsockname
from oracle.cpython import CPythonOracle

import sockaddr
from sockaddr import schemas
from sockaddr.abi import ABI, KNOWN

AF_NETROM = schemas.constant("AF_NETROM")
ABIS = sorted(KNOWN)
ALPHABET = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) not in "-*")
canonical = st.builds(lambda c, s: f"{c}-{s}", st.text(alphabet=ALPHABET, max_size=6),
                      st.integers(0, 15))


@pytest.fixture(scope="module")
def kernel(tmp_path_factory: pytest.TempPathFactory) -> Ax25Oracle:
    return Ax25Oracle(tmp_path_factory.mktemp("netrom"))


def test_getname_shapes(kernel: Ax25Oracle) -> None:
    # nr_getname(): getsockname() is the short struct with the node callsign;
    # getpeername() the full one, the user callsign as call and the node as
    # the one digipeater.
    local = kernel.build_ax25(AF_NETROM, "GB7ABC-5", None)
    assert len(local) == 16
    assert sockaddr.decode(local) == ("GB7ABC-5", None)
    assert sockaddr.encode(AF_NETROM, ("GB7ABC-5",)) == local
    peer = kernel.build_ax25(AF_NETROM, "G4KLX-0", ["GB7XYZ-5"])
    assert len(peer) == 72
    assert sockaddr.decode(peer) == ("G4KLX-0", ("GB7XYZ-5",))
    assert sockaddr.encode(AF_NETROM, ("G4KLX-0", ("GB7XYZ-5",))) == peer


def test_family_is_netrom() -> None:
    raw = sockaddr.encode(AF_NETROM, ("N0CALL",))
    assert int.from_bytes(raw[:2], "little") == AF_NETROM
    assert sockaddr.parse(raw).sax25_family == AF_NETROM


@pytest.mark.parametrize("abi", ABIS)
@settings(max_examples=15, deadline=None)
@given(call=canonical, digis=st.none() | st.lists(canonical, max_size=8).map(tuple))
def test_round_trip(abi: str, call: str, digis: tuple[str, ...] | None) -> None:
    raw = sockaddr.encode(AF_NETROM, (call, digis), abi=abi)
    assert sockaddr.decode(raw, abi=abi) == (call, digis)
    assert bytes(sockaddr.parse(raw, abi=abi)) == raw


@pytest.mark.parametrize("abi", ABIS)
@settings(max_examples=20, deadline=None)
@given(rest=st.binary(max_size=80))
def test_arbitrary_bytes(abi: str, rest: bytes) -> None:
    raw = AF_NETROM.to_bytes(2, ABI.get(abi).byteorder) + rest
    try:
        value = sockaddr.decode(raw, abi=abi)
    except sockaddr.DecodeError as e:
        assert 0 <= e.offset <= len(raw)
    else:
        assert sockaddr.decode(sockaddr.encode(AF_NETROM, value, abi=abi), abi=abi) == value
    try:
        assert bytes(sockaddr.parse(raw, abi=abi)) == raw
    except sockaddr.DecodeError as e:
        assert e.offset == len(raw) < 16


def test_cpython_has_no_tuple(cpython_oracle: CPythonOracle) -> None:
    # CPython's socket module refuses AF_NETROM ("bad family") and decodes its
    # bytes as (sa_family, sa_data): the natural form here goes beyond it.
    address = ("N0CALL-1",)
    theirs = cpython_oracle.encode(AF_NETROM, address, caller="bind")
    assert theirs.exc_type is OSError
    assert theirs.exc_msg == "bind(): bad family"
    raw = sockaddr.encode(AF_NETROM, address)
    theirs = cpython_oracle.decode(socket.AF_UNIX, raw)
    assert theirs.value == (AF_NETROM, raw.ljust(16, b"\0")[2:16])


def test_kernel_bind_getsockname() -> None:
    reason = kernel_lacks(AF_NETROM, "AF_NETROM", socket.SOCK_SEQPACKET)
    if reason:
        pytest.skip(reason)
    with socket.socket(AF_NETROM, socket.SOCK_SEQPACKET) as s:
        try:
            sys_bind(s.fileno(), sockaddr.encode(AF_NETROM, ("N0CALL-1",)))
        except OSError as e:       # needs a NET/ROM device with that callsign (nrattach)
            pytest.skip(f"AF_NETROM bind() needs a NET/ROM device here: {e}")
        raw = sys_getsockname(s.fileno())
    assert sockaddr.decode(raw) == ("N0CALL-1", None)
