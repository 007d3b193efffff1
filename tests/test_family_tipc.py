"""AF_TIPC (``struct sockaddr_tipc``) against its oracles.

* CPython's own C codec (``cpython_oracle``): hand-picked cases for every
  error path of ``getsockaddrarg()``'s AF_TIPC branch and every
  ``makesockaddr()`` outcome (the three address types, the invalid ones, the
  signed ``scope``), then the same comparisons on hypothesis-generated tuples
  and bytes.
* The headers, with gcc: ``tests/test_headers.py`` checks ``sockaddr_tipc``
  through each arm of its ``addr`` union and the constants (x86_64, i386).
* The kernel, where it has AF_TIPC (this one does not: those tests skip).
* Round trips on every ABI.

Documented deviations (module docstring of ``sockaddr.families.tipc``):
integers CPython takes modulo 2**32 (``addr_type``, ``v1``-``v3``) or then
cuts to a ``signed char`` (``scope``) raise OverflowError; data shorter than
the 16 bytes the kernel needs raises DecodeError where CPython reads its zeroed
buffer; an invalid ``addrtype`` raises DecodeError, a ValueError with
CPython's message.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import socket
from collections.abc import Callable, Iterator

import pytest
from differential import check_decode, check_encode
from hypothesis import given, settings
from hypothesis import strategies as st
from intlike import Index
from oracle.cpython import CPythonOracle

import sockaddr
from sockaddr import schemas
from sockaddr.abi import ABI, KNOWN

AF_TIPC = socket.AF_TIPC
U32 = 2**32
NAMESEQ, NAME, ID = (schemas.constant(n) for n in
                     ("TIPC_ADDR_NAMESEQ", "TIPC_ADDR_NAME", "TIPC_ADDR_ID"))
CLUSTER, NODE = schemas.constant("TIPC_CLUSTER_SCOPE"), schemas.constant("TIPC_NODE_SCOPE")
SIZE = 16                          # sizeof(struct sockaddr_tipc), per the headers


class Quad(tuple):  # type: ignore[type-arg]
    """A tuple subclass: PyTuple_Check accepts it."""

    __slots__ = ()


def scope_fits(scope: int) -> bool:
    """The scopes we accept: a signed char, or how makesockaddr() shows a negative one."""
    return -128 <= scope <= 127 or U32 - 128 <= scope < U32


def deviation(address: object) -> type | None:
    """OverflowError where CPython wraps (the module docstring's list)."""
    if not isinstance(address, tuple) or not 4 <= len(address) <= 5:
        return None
    if not all(isinstance(v, int) for v in address):
        return None                     # CPython raises a TypeError too
    addr_type, v1, v2, v3, scope = (*address, CLUSTER)[:5]
    if addr_type % U32 not in (NAMESEQ, NAME, ID):
        return None                     # CPython: TypeError "Invalid address type"
    if any(not 0 <= v < U32 for v in (addr_type, v1, v2, v3)) or not scope_fits(scope):
        return OverflowError
    return None


def data_of(addrtype: int, scope: int, a: int, b: int, c: int, *,
            abi: ABI | None = None) -> bytes:
    """Hand-made sockaddr_tipc bytes (offsets from the reference: 0, 2, 3, 4, 8, 12)."""
    order = (abi or ABI.get()).byteorder
    return (AF_TIPC.to_bytes(2, order) + bytes([addrtype, scope & 0xFF])
            + b"".join(v.to_bytes(4, order) for v in (a, b, c)))


def compare_decode(oracle: CPythonOracle, data: bytes) -> str:
    """check_decode(), plus the bytes CPython refuses: a DecodeError of CPython's
    exception type and message, or (too short) at the end of the data."""
    theirs = oracle.decode(AF_TIPC, data)
    if theirs.ok:
        return check_decode(oracle, data)
    with pytest.raises(sockaddr.DecodeError) as info:
        sockaddr.decode(data)
    ours = info.value
    if len(data) < SIZE:
        assert ours.offset == len(data), (data, ours)
        return "deviation"
    assert theirs.exc_type is not None
    assert isinstance(ours, theirs.exc_type), (data, ours, theirs)
    assert str(ours) == theirs.exc_msg, (data, ours, theirs)
    assert ours.offset == 2
    assert ours.struct == "sockaddr_tipc"
    return "error"


# -- hand-picked: every error path of the reference, the edges of every range ------------

ENCODE_CASES: list[object] = [
    # the three address types, CPython's field placement (ID: v2 @4, v1 @8)
    (NAMESEQ, 1, 2, 3), (NAME, 1, 2, 3), (ID, 1, 2, 3), (NAMESEQ, 1000, 5, 10, NODE),
    (NAME, 18888, 17, 0, CLUSTER), (ID, 0x01001001, 0x8000_0001, 0),
    (NAMESEQ, U32 - 1, U32 - 1, U32 - 1, 127), (NAME, U32 - 1, U32 - 1, U32 - 1),
    (ID, U32 - 1, U32 - 1, U32 - 1, U32 - 1), (NAMESEQ, 0, 0, 0, 0), (ID, 0, 0, 0),
    (True, 2, 3, 4), (NAMESEQ, True, False, True, True), (Index(NAME), Index(1), 2, 3, Index(3)),
    Quad((NAMESEQ, 1, 2, 3)),
    # scope: a signed char; negative withdraws; CPython's decoded form of a negative one
    (NAMESEQ, 1, 2, 3, -1), (NAMESEQ, 1, 2, 3, -2), (NAMESEQ, 1, 2, 3, -128),
    (NAMESEQ, 1, 2, 3, U32 - 128), (NAMESEQ, 1, 2, 3, U32 - 2),
    (NAMESEQ, 1, 2, 3, 128), (NAMESEQ, 1, 2, 3, 255), (NAMESEQ, 1, 2, 3, 256),
    (NAMESEQ, 1, 2, 3, -129), (NAMESEQ, 1, 2, 3, U32 - 129), (NAMESEQ, 1, 2, 3, U32),
    (NAMESEQ, 1, 2, 3, -130), (NAMESEQ, 1, 2, 3, 2**70),
    # integers CPython wraps modulo 2**32 (deviation: OverflowError)
    (NAMESEQ, -1, 0, 0), (NAMESEQ, 0, U32, 0), (NAMESEQ, 0, 0, -(2**40)), (ID, 2**64, 1, 1),
    (NAME, 1, 2, -1), (ID, 1, 2, U32), (U32 + NAMESEQ, 1, 2, 3), (-(U32 - ID), 1, 2, 3),
    # Invalid address type: TypeError on the unsigned value (258 is not 2)
    (0, 1, 2, 3), (4, 1, 2, 3), (255, 1, 2, 3), (258, 1, 2, 3), (U32 - 1, 1, 2, 3), (-1, 1, 2, 3),
    (U32, 1, 2, 3), (5, 2**40, 0, 0), (4, -1, -1, -1, 999),
    # type errors of "IIII|I" in item order; size errors; not a tuple
    (NAMESEQ, 1.0, 2, 3), (1.5, 2, 3, 4), ("1", 2, 3, 4), (NAMESEQ, 1, 2, None),
    (NAMESEQ, 1, 2, 3, 1.5), (NAMESEQ, 1, 2, 3, "2"), (NAMESEQ, 2**70, 2, 3.0),
    (4, 1, 2, 3.0), (NAMESEQ, 1, 2), (NAMESEQ, 1, 2, 3, 4, 5), (), (NAMESEQ,),
    [NAMESEQ, 1, 2, 3], "1,2,3,4", None, 1, b"\x01\x02\x03\x04", {1: 2},
]


@pytest.mark.parametrize("address", ENCODE_CASES, ids=[repr(a)[:50] for a in ENCODE_CASES])
def test_encode_like_cpython(cpython_oracle: CPythonOracle, address: object) -> None:
    check_encode(cpython_oracle, AF_TIPC, address, deviation=deviation)


def _decode_cases() -> list[bytes]:
    out = []
    for addrtype in (0, NAMESEQ, NAME, ID, 4, 0x80, 0xFF):
        for scope in (0, 1, CLUSTER, NODE, 0x7F, 0x80, 0xFE, 0xFF):
            out.append(data_of(addrtype, scope, 0x01020304, 0xA0B0C0D0, 0xFFFFFFFF))
    out += [
        data_of(NAME, CLUSTER, 5, 6, 7),              # domain 7: CPython drops it
        data_of(ID, 0, 1, 2, 0xDEADBEEF),             # bytes 12..15 CPython ignores
        data_of(NAMESEQ, 0, 0, 0, 0), data_of(NAMESEQ, 0xFF, U32 - 1, U32 - 1, U32 - 1),
        data_of(ID, CLUSTER, 1, 2, 3) + b"tail",      # longer: ignored by CPython and kernel
        data_of(NAMESEQ, CLUSTER, 1, 2, 3) + bytes(112),
    ]
    whole = data_of(NAMESEQ, CLUSTER, 1, 2, 3)
    out += [whole[:n] for n in (2, 3, 4, 8, 12, 15)]   # shorter than the kernel takes
    out += [data_of(9, 1, 2, 3, 4)[:n] for n in (2, 3, 15)]
    for address in ENCODE_CASES:
        with contextlib.suppress(Exception):
            out.append(sockaddr.encode(AF_TIPC, address))
    return out


DECODE_CASES = _decode_cases()


@pytest.mark.parametrize("data", DECODE_CASES, ids=[d.hex() for d in DECODE_CASES])
def test_decode_like_cpython(cpython_oracle: CPythonOracle, data: bytes) -> None:
    compare_decode(cpython_oracle, data)


def test_decode_errors_are_decode_errors() -> None:
    """CPython's decode ValueError is a DecodeError here (only DecodeError escapes)."""
    with pytest.raises(sockaddr.DecodeError, match=r"^Invalid address type$") as info:
        sockaddr.decode(data_of(4, 0, 1, 2, 3))
    assert isinstance(info.value, ValueError)
    assert (info.value.offset, info.value.struct) == (2, "sockaddr_tipc")
    with pytest.raises(sockaddr.DecodeError, match="needs 16") as short:
        sockaddr.decode(data_of(NAMESEQ, 0, 1, 2, 3)[:15])
    assert short.value.offset == 15


def test_deviations_documented(cpython_oracle: CPythonOracle) -> None:
    """Each deviation: CPython accepts and wraps; we raise OverflowError."""
    wrapped = {
        (NAMESEQ, -1, 2, 3): (NAMESEQ, U32 - 1, 2, 3),
        (NAMESEQ, 1, U32 + 2, 3): (NAMESEQ, 1, 2, 3),
        (U32 + NAME, 1, 2, 3): (NAME, 1, 2, 3),
        (NAME, 1, 2, -1): (NAME, 1, 2, 0),              # v3 is ignored, but parsed as "I"
        (ID, 1, 2, U32): (ID, 1, 2, 0),
        (NAMESEQ, 1, 2, 3, 256): (NAMESEQ, 1, 2, 3, 0),   # signed char: 256 -> 0
        (NAMESEQ, 1, 2, 3, 255): (NAMESEQ, 1, 2, 3, -1),  # 255 -> -1
        (NAMESEQ, 1, 2, 3, -129): (NAMESEQ, 1, 2, 3, 127),
    }
    for address, same_as in wrapped.items():
        theirs = cpython_oracle.encode(AF_TIPC, address, caller="bind")
        assert theirs.ok, address
        assert theirs.value == sockaddr.encode(AF_TIPC, same_as), address
        with pytest.raises(OverflowError, match=r"^bind\(\): (addr_type|v[123]|scope) must"):
            sockaddr.encode(AF_TIPC, address, caller="bind")


# -- hypothesis: the same comparisons on generated tuples and bytes ------------------------

_junk = st.one_of(st.none(), st.floats(allow_nan=False), st.binary(max_size=3),
                  st.integers(-(2**70), 2**70), st.booleans(), st.text(max_size=2))


def _u32() -> st.SearchStrategy[object]:
    return st.one_of(st.integers(0, U32 - 1), st.sampled_from([0, 1, U32 - 1]),
                     st.integers(-(2**34), 2**34), _junk)


_addr_type = st.one_of(st.sampled_from([NAMESEQ, NAME, ID]), st.integers(0, 5),
                       st.sampled_from([258, U32 + 1, -1, U32 - 1]), _junk)
_scope = st.one_of(st.integers(-128, 127), st.integers(U32 - 128, U32 - 1),
                   st.integers(-300, 300), st.integers(-(2**34), 2**34), _junk)
_full = st.tuples(_addr_type, _u32(), _u32(), _u32(), _scope)
GENERATED = st.one_of(
    _full, _full.map(lambda t: t[:4]),
    st.integers(0, 6).flatmap(lambda n: _full.map(lambda t: (t * 2)[:n])),
    _full.map(list), _junk)


@settings(max_examples=200, deadline=None)
@given(address=GENERATED)
def test_generated_encode_like_cpython(cpython_oracle: CPythonOracle, address: object) -> None:
    check_encode(cpython_oracle, AF_TIPC, address, deviation=deviation)


@settings(max_examples=200, deadline=None)
@given(addrtype=st.one_of(st.sampled_from([NAMESEQ, NAME, ID]), st.integers(0, 255)),
       rest=st.binary(min_size=0, max_size=30))
def test_generated_decode_like_cpython(cpython_oracle: CPythonOracle, addrtype: int,
                                       rest: bytes) -> None:
    compare_decode(cpython_oracle, AF_TIPC.to_bytes(2, "little") + bytes([addrtype]) + rest)


# -- round trips on every ABI ------------------------------------------------------------------

ABIS = sorted(KNOWN)
_valid = st.tuples(st.sampled_from([NAMESEQ, NAME, ID]), st.integers(0, U32 - 1),
                   st.integers(0, U32 - 1), st.integers(0, U32 - 1),
                   st.one_of(st.integers(-128, 127), st.integers(U32 - 128, U32 - 1)))


def canonical(address: tuple[int, int, int, int, int]) -> tuple[int, ...]:
    """What makesockaddr() returns for the bytes of ``address`` (CPython's own rules)."""
    addr_type, v1, v2, v3, scope = address
    scope %= U32
    if addr_type == NAME:
        return (NAME, v1, v2, v2, scope)       # domain 0 is not returned; v3 is dropped
    if addr_type == ID:
        return (ID, v1, v2, 0, scope)          # v3 is dropped
    return (NAMESEQ, v1, v2, v3, scope)


@pytest.mark.parametrize("abi", ABIS)
@settings(max_examples=25, deadline=None)
@given(address=_valid, short=st.booleans())
def test_round_trip(abi: str, address: tuple[int, int, int, int, int], short: bool) -> None:
    given_ = address[:4] if short else address
    data = sockaddr.encode(AF_TIPC, given_, abi=abi)
    if short:
        address = (*address[:4], CLUSTER)
    assert len(data) == schemas.layout("sockaddr_tipc", abi).size == SIZE
    value = sockaddr.decode(data, abi=abi)
    assert value == canonical(address)
    assert sockaddr.encode(AF_TIPC, value, abi=abi) == data
    record = sockaddr.parse(data, abi=abi)
    assert bytes(record) == data
    assert record.address == value
    assert (record.addrtype, record.scope % U32) == (address[0], address[4] % U32)
    if address[0] == ID:
        assert (record.addr["ref"], record.addr["node"]) == (address[2], address[1])


@pytest.mark.parametrize("abi", ABIS)
@settings(max_examples=25, deadline=None)
@given(addrtype=st.integers(0, 255), rest=st.binary(min_size=13, max_size=40))
def test_bytes_round_trip(abi: str, addrtype: int, rest: bytes) -> None:
    """bytes(parse(b)) == b for any addrtype; decode is CPython's projection of it."""
    data = data_of(0, 0, 0, 0, 0, abi=ABI.get(abi))[:2] + bytes([addrtype]) + rest
    record = sockaddr.parse(data, abi=abi)
    assert bytes(record) == data
    try:
        value = sockaddr.decode(data, abi=abi)
    except sockaddr.DecodeError:
        assert addrtype not in (NAMESEQ, NAME, ID)
        return
    again = sockaddr.encode(AF_TIPC, value, abi=abi)
    assert sockaddr.decode(again, abi=abi) == value
    # Only what CPython ignores may differ: the domain / the 4 bytes after id, the tail.
    assert again[:12] == data[:12]


def test_cpython_does_not_round_trip(cpython_oracle: CPythonOracle) -> None:
    """Where CPython itself loses information, we lose the same (decode/encode) and
    parse() keeps everything."""
    named = data_of(NAME, CLUSTER, 5, 6, 7)                # domain 7
    ident = data_of(ID, CLUSTER, 1, 2, 0xDEADBEEF)
    negative = data_of(NAMESEQ, -2, 1, 2, 3)
    for data, value in ((named, (NAME, 5, 6, 6, CLUSTER)), (ident, (ID, 2, 1, 0, CLUSTER)),
                        (negative, (NAMESEQ, 1, 2, 3, U32 - 2))):
        assert cpython_oracle.decode(AF_TIPC, data).value == value
        assert sockaddr.decode(data) == value
        theirs = cpython_oracle.encode(AF_TIPC, value, caller="bind")
        assert theirs.ok
        assert sockaddr.encode(AF_TIPC, value) == theirs.value
        assert bytes(sockaddr.parse(data)) == data
    assert sockaddr.encode(AF_TIPC, (NAME, 5, 6, 6, CLUSTER)) != named      # domain lost
    assert sockaddr.parse(named).addr["domain"] == 7
    assert sockaddr.encode(AF_TIPC, (NAMESEQ, 1, 2, 3, U32 - 2)) == negative
    # encode((2, t, i, x)) decodes as (2, t, i, i): v3 is not kept, in CPython as here.
    assert sockaddr.decode(sockaddr.encode(AF_TIPC, (NAME, 5, 6, 99))) == (NAME, 5, 6, 6, CLUSTER)


def test_record_arms() -> None:
    """parse() reads addr through the arm addrtype names; raw bytes otherwise."""
    arms = {NAMESEQ: {"type", "lower", "upper"}, NAME: {"name", "domain"},
            ID: {"ref", "node", "_pad8"}}
    for addrtype, keys in arms.items():
        record = sockaddr.parse(data_of(addrtype, 0, 1, 2, 3))
        assert set(record.addr) == keys
    assert sockaddr.parse(data_of(7, 0, 1, 2, 3)).addr == bytes(data_of(7, 0, 1, 2, 3)[4:])
    assert sockaddr.parse(data_of(NAME, 0, 1, 2, 3)).addr == {
        "name": {"type": 1, "instance": 2}, "domain": 3}


# -- the kernel, where it has AF_TIPC ---------------------------------------------------------

@pytest.fixture
def tipc_socket() -> Iterator[socket.socket]:
    try:
        sock = socket.socket(AF_TIPC, socket.SOCK_RDM)
    except OSError as e:
        pytest.skip(f"this kernel has no AF_TIPC: socket(AF_TIPC, SOCK_RDM) failed: {e}")
    with sock:
        yield sock


def _raise_errno() -> None:
    code = ctypes.get_errno()
    raise OSError(code, os.strerror(code))


def _libc_bind(sock: socket.socket, data: bytes) -> None:
    if ctypes.CDLL(None, use_errno=True).bind(sock.fileno(), data, len(data)) != 0:
        _raise_errno()


def _libc_getsockname(sock: socket.socket) -> bytes:
    buf = ctypes.create_string_buffer(128)          # sizeof(struct sockaddr_storage)
    size = ctypes.c_uint32(128)
    if ctypes.CDLL(None, use_errno=True).getsockname(sock.fileno(), buf,
                                                      ctypes.byref(size)) != 0:
        _raise_errno()
    return buf.raw[:size.value]


def _errno(call: Callable[..., object], *args: object) -> int:
    """0 when ``call(*args)`` succeeds, else its errno."""
    try:
        call(*args)
    except OSError as e:
        return e.errno or -1
    return 0


def test_kernel_name(tipc_socket: socket.socket) -> None:
    """The kernel's own name (a TIPC_ADDR_ID) decodes as CPython's getsockname()."""
    raw = _libc_getsockname(tipc_socket)
    assert sockaddr.decode(raw) == tipc_socket.getsockname()
    assert bytes(sockaddr.parse(raw)) == raw
    assert sockaddr.encode(AF_TIPC, tipc_socket.getsockname()) == raw[:SIZE]


def test_kernel_bind(tipc_socket: socket.socket) -> None:
    """The kernel treats our bytes as CPython's (bind a service range, then withdraw it)."""
    address = (NAMESEQ, 18888, 1, 10, CLUSTER)
    ours = _errno(_libc_bind, tipc_socket, sockaddr.encode(AF_TIPC, address))
    if ours:
        with socket.socket(AF_TIPC, socket.SOCK_RDM) as other:
            assert _errno(other.bind, address) == ours
        return
    # A negative scope withdraws the binding: CPython wraps -2 to the same byte.
    _libc_bind(tipc_socket, sockaddr.encode(AF_TIPC, (*address[:4], -CLUSTER)))
    short = sockaddr.encode(AF_TIPC, address)[:SIZE - 1]
    assert _errno(_libc_bind, tipc_socket, short) == 22  # tipc_uaddr_valid(): < sizeof
