"""AF_ROSE (:mod:`sockaddr.families.rose`): ``(address, call, digi | digis)``.

Oracles: the kernel's ``rose2asc()`` (net/rose/af_rose.c, compiled:
``ax25_oracle.py``) for the address text; a C program that fills
``struct sockaddr_rose``/``full_sockaddr_rose`` through <linux/rose.h> with
``asc2ax()`` for the callsigns; the headers for the layouts
(``test_headers.py``).  The kernel here has no AF_ROSE, so the
bind/getsockname proof skips.
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

AF_ROSE = schemas.constant("AF_ROSE")
ABIS = sorted(KNOWN)
ALPHABET = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) not in "-*")
texts = st.builds(lambda c, s: f"{c}-{s}", st.text(alphabet=ALPHABET, max_size=6),
                  st.integers(0, 15))
canonical = st.builds(lambda t, h: t + ("*" if h else ""), texts, st.booleans())
rose_bytes = st.binary(min_size=5, max_size=5)


@pytest.fixture(scope="module")
def kernel(tmp_path_factory: pytest.TempPathFactory) -> Ax25Oracle:
    return Ax25Oracle(tmp_path_factory.mktemp("rose"))


@settings(max_examples=200, deadline=None)
@given(raw=rose_bytes)
def test_address_text_is_rose2asc(kernel: Ax25Oracle, raw: bytes) -> None:
    call = kernel.build_rose(AF_ROSE, raw, "N0CALL", [], full=True)
    value = sockaddr.decode(call)
    assert isinstance(value, tuple)
    address = value[0]
    # rose2asc() prints "%02X" x 5, and "*" for the all-zero address.
    assert kernel.rose2asc(raw) == ("*" if raw == bytes(5) else address)
    assert address == raw.hex().upper()


@settings(max_examples=150, deadline=None)
@given(raw=rose_bytes, call=texts, digis=st.lists(texts, max_size=6),
       full=st.booleans())
def test_encode_matches_c(kernel: Ax25Oracle, raw: bytes, call: str, digis: list[str],
                          full: bool) -> None:
    digis = digis if full else digis[:1]
    want = kernel.build_rose(AF_ROSE, raw, call, digis, full=full)
    third: object = tuple(digis) if full else (digis[0] if digis else None)
    address = (raw.hex().upper(), call, third)
    assert sockaddr.encode(AF_ROSE, address) == want
    assert sockaddr.decode(want) == address


def test_forms(kernel: Ax25Oracle) -> None:
    addr = bytes.fromhex("3100123456")
    short = kernel.build_rose(AF_ROSE, addr, "N0CALL-1", [], full=False)
    assert len(short) == 28
    assert sockaddr.encode(AF_ROSE, ("3100123456", "N0CALL-1")) == short
    assert sockaddr.encode(AF_ROSE, ("3100123456", "N0CALL-1", None)) == short
    assert sockaddr.encode(AF_ROSE, ("3100abcdef", "N0CALL-1", None)) == kernel.build_rose(
        AF_ROSE, bytes.fromhex("3100ABCDEF"), "N0CALL-1", [], full=False)
    full = kernel.build_rose(AF_ROSE, addr, "N0CALL-1", [], full=True)
    assert len(full) == 64
    assert sockaddr.encode(AF_ROSE, ("3100123456", "N0CALL-1", [])) == full
    assert sockaddr.decode(full) == ("3100123456", "N0CALL-1", ())


@pytest.mark.parametrize("abi", ABIS)
@settings(max_examples=15, deadline=None)
@given(addr=rose_bytes.map(lambda b: b.hex().upper()), call=canonical,
       third=st.none() | canonical | st.lists(canonical, max_size=6).map(tuple))
def test_round_trip(abi: str, addr: str, call: str, third: object) -> None:
    address = (addr, call, third)
    raw = sockaddr.encode(AF_ROSE, address, abi=abi)
    assert len(raw) == (64 if isinstance(third, tuple) else 28)
    assert sockaddr.decode(raw, abi=abi) == address
    rec = sockaddr.parse(raw, abi=abi)
    assert bytes(rec) == raw
    assert rec.family == AF_ROSE
    assert rec.address == address


@pytest.mark.parametrize("abi", ABIS)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_arbitrary_bytes(abi: str, data: st.DataObject) -> None:
    raw = AF_ROSE.to_bytes(2, ABI.get(abi).byteorder) + data.draw(
        st.binary(max_size=80) | st.binary(min_size=62, max_size=62))
    try:
        value = sockaddr.decode(raw, abi=abi)
    except sockaddr.DecodeError as e:
        assert 0 <= e.offset <= len(raw)
    else:
        assert sockaddr.decode(sockaddr.encode(AF_ROSE, value, abi=abi), abi=abi) == value
    try:
        assert bytes(sockaddr.parse(raw, abi=abi)) == raw
    except sockaddr.DecodeError as e:
        assert e.offset == len(raw) < 28


def _rose(ndigis: int, length: int) -> bytes:
    head = sockaddr.encode(AF_ROSE, ("0000000001", "A", ()))
    return (head[:16] + ndigis.to_bytes(4, "little", signed=ndigis < 0)).ljust(length, b"\0")


@pytest.mark.parametrize(("data", "offset", "message"), [
    (_rose(0, 27), 27, r"27 bytes, needs 28"),
    (_rose(2, 28), 16, r"srose_ndigis 2 is not 0 or 1"),
    (_rose(-1, 28), 16, r"srose_ndigis -1 is not 0 or 1"),
    (_rose(7, 64), 16, r"srose_ndigis 7 is not 0-6"),
])
def test_decode_errors(data: bytes, offset: int, message: str) -> None:
    with pytest.raises(sockaddr.DecodeError, match=message) as info:
        sockaddr.decode(data, abi="linux-x86_64")
    assert info.value.offset == offset


@pytest.mark.parametrize(("address", "error", "message"), [
    ("3100123456", TypeError, r"AF_ROSE address must be tuple, not str"),
    (("3100123456",), TypeError, r"^AF_ROSE address must be \(address, call\)"),
    ((3100123456, "A"), TypeError, r"ROSE address must be str, not int"),
    (("310012345", "A"), ValueError, r"ROSE address must be 10 hex digits, got '310012345'"),
    (("31001234 6", "A"), ValueError, r"10 hex digits"),
    (("3100123456", "A", ("B",) * 7), ValueError, r"at most 6 digipeaters, got 7"),
    (("3100123456", "A", 5), TypeError, r"digipeater must be a callsign str or 7 bytes"),
    (("3100123456", "A-16"), ValueError, r"call 'A-16' is not an AX.25 callsign"),
])
def test_encode_errors(address: object, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        sockaddr.encode(AF_ROSE, address, caller="connect")


def test_cpython_has_no_tuple(cpython_oracle: CPythonOracle) -> None:
    # CPython's socket module refuses AF_ROSE ("bad family") and decodes its
    # bytes as (sa_family, sa_data): the natural form here goes beyond it.
    address = ("3100123456", "N0CALL-1", None)
    theirs = cpython_oracle.encode(AF_ROSE, address, caller="bind")
    assert theirs.exc_type is OSError
    assert theirs.exc_msg == "bind(): bad family"
    raw = sockaddr.encode(AF_ROSE, address)
    theirs = cpython_oracle.decode(socket.AF_UNIX, raw)
    assert theirs.value == (AF_ROSE, raw.ljust(16, b"\0")[2:16])


def test_kernel_bind_getsockname() -> None:
    reason = kernel_lacks(AF_ROSE, "AF_ROSE", socket.SOCK_SEQPACKET)
    if reason:
        pytest.skip(reason)
    with socket.socket(AF_ROSE, socket.SOCK_SEQPACKET) as s:
        try:
            sys_bind(s.fileno(), sockaddr.encode(AF_ROSE, ("3100123456", "N0CALL-1")))
        except OSError as e:       # needs a ROSE device with that address
            pytest.skip(f"AF_ROSE bind() needs a ROSE device here: {e}")
        raw = sys_getsockname(s.fileno())
    assert sockaddr.decode(raw) == ("3100123456", "N0CALL-1", ())
