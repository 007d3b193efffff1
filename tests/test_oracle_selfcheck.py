"""Self-checks of the CPython socket-address oracle (tests/oracle/).

They prove the harness reports what CPython 3.x (<= 3.13) really does, using
facts of the reference notes on getsockaddrarg()/makesockaddr().
"""

from __future__ import annotations

import os
import signal
import socket
import struct
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from oracle import (
    DECODE_VIAS,
    ENCODE_CALLERS,
    CPythonOracle,
    OracleError,
    WorkerCrashedError,
    build_shim,
    unavailable_reason,
)

AF_CAN = 29
CAN_RAW, CAN_ISOTP, CAN_J1939 = 1, 6, 7
AF_TIPC = 30
AF_ALG = 38
AF_VSOCK = 40
AF_QIPCRTR = 42

CPYTHON_LEAVES_PADDING = sys.version_info < (3, 14)
needs_uninit = pytest.mark.skipif(
    not CPYTHON_LEAVES_PADDING, reason="CPython after 3.13 zeroes the whole sockaddr"
)


class HostStr(str):
    """A str subclass: CPython sends it through the idna codec."""

    __slots__ = ()


@pytest.fixture
def oracle(cpython_oracle: CPythonOracle) -> CPythonOracle:
    """The session's oracle (``cpython_oracle`` comes from tests/conftest.py)."""
    return cpython_oracle


@pytest.fixture
def private_oracle() -> Iterator[CPythonOracle]:
    """An oracle of its own, for tests that kill or restart the worker."""
    reason = unavailable_reason()
    if reason is not None:
        pytest.skip(f"CPython oracle unavailable: {reason}")
    with CPythonOracle() as oracle:
        yield oracle


# ---------------------------------------------------------------- the shim


def test_shim_is_cached_by_source_hash() -> None:
    if unavailable_reason() is not None:
        pytest.skip(str(unavailable_reason()))
    path = build_shim()
    assert path.is_file()
    assert path.name.startswith("shim-")
    assert path.suffix == ".so"
    assert build_shim() == path


# ---------------------------------------------------------------- encode


def test_af_inet_bytes(oracle: CPythonOracle) -> None:
    out = oracle.encode(socket.AF_INET, ("127.0.0.1", 80))
    assert out.ok
    assert out.exc_type is None
    assert out.exc_msg is None
    assert out.value == bytes.fromhex("02000050 7f000001") + bytes(8)
    assert out.uninit == frozenset()


@needs_uninit
def test_af_netlink_padding_is_uninitialised(oracle: CPythonOracle) -> None:
    out = oracle.encode(socket.AF_NETLINK, (1, 2))
    assert out.ok
    assert isinstance(out.value, bytes)
    assert len(out.value) == 12
    assert out.uninit == frozenset({2, 3})
    # uninitialised bytes read as 0; the rest is family, pid, groups (host order)
    assert out.value == struct.pack("=HHII", socket.AF_NETLINK, 0, 1, 2)
    assert out.masked(0xEE)[2:4] == b"\xee\xee"


@needs_uninit
@pytest.mark.parametrize("caller", ENCODE_CALLERS)
def test_every_caller_sees_the_same_bytes(oracle: CPythonOracle, caller: str) -> None:
    out = oracle.encode(socket.AF_NETLINK, (-1, 2**32 + 7), caller=caller)
    assert out.value == struct.pack("=HHII", socket.AF_NETLINK, 0, 0xFFFFFFFF, 7)
    assert out.uninit == frozenset({2, 3})


@needs_uninit
def test_af_packet_short_hwaddr_tail_is_uninitialised(oracle: CPythonOracle) -> None:
    lo = socket.if_nametoindex("lo")
    out = oracle.encode(socket.AF_PACKET, ("lo", 0x0800, 0, 0, b"\x01\x02"))
    assert out.ok
    assert out.value == (
        struct.pack("=H", socket.AF_PACKET)
        + struct.pack("!H", 0x0800)
        + struct.pack("=iHBB", lo, 0, 0, 2)
        + b"\x01\x02"
        + bytes(6)
    )
    assert out.uninit == frozenset(range(14, 20))
    no_addr = oracle.encode(socket.AF_PACKET, ("lo", 3))
    assert no_addr.uninit == frozenset(range(12, 20))


def test_af_unix_embedded_nul(oracle: CPythonOracle) -> None:
    out = oracle.encode(socket.AF_UNIX, "a\0b")
    assert out.value == b"\x01\x00a\x00b\x00"
    assert out.uninit == frozenset()


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("", b"\x01\x00"),
        (b"\0", b"\x01\x00\x00"),
        (memoryview(b"ab"), b"\x01\x00ab\x00"),
        (bytearray(b"\0ab"), b"\x01\x00\x00ab"),
        ("p\udcff", b"\x01\x00p\xff\x00"),
    ],
)
def test_af_unix_lengths(oracle: CPythonOracle, address: object, expected: bytes) -> None:
    assert oracle.encode(socket.AF_UNIX, address).value == expected


@pytest.mark.parametrize("caller", ENCODE_CALLERS)
def test_port_out_of_range(oracle: CPythonOracle, caller: str) -> None:
    out = oracle.encode(socket.AF_INET, ("127.0.0.1", 70000), caller=caller)
    assert not out.ok
    assert out.value is None
    assert out.exc_type is OverflowError
    assert out.exc_msg == f"{caller}(): port must be 0-65535."


ENCODE_ERRORS: list[tuple[int, object, int, type[BaseException], str]] = [
    (socket.AF_INET, ["127.0.0.1", 80], 0, TypeError,
     "bind(): AF_INET address must be tuple, not list"),
    (socket.AF_INET, ("127.0.0.1", 2**64), 0, OverflowError, "bind(): port must be 0-65535."),
    (socket.AF_INET, ("127.0.0.1", 1.0), 0, TypeError,
     "'float' object cannot be interpreted as an integer"),
    (socket.AF_INET, ("a\0", 80), 0, TypeError, "host name must not contain null character"),
    (socket.AF_INET, (HostStr("x" * 64 + ".invalid"), 80), 0, TypeError,
     "encoding of hostname failed"),
    (socket.AF_INET6, ("<broadcast>", 80), 0, OSError, "address family mismatched"),
    (socket.AF_INET6, ("::1", 80, -1), 0, OverflowError, "bind(): flowinfo must be 0-1048575."),
    (socket.AF_UNIX, "a" * 108, 0, OSError, "AF_UNIX path too long"),
    (socket.AF_UNIX, "\ud800", 0, UnicodeEncodeError,
     "'utf-8' codec can't encode character '\\ud800' in position 0: surrogates not allowed"),
    (AF_CAN, "lo", CAN_ISOTP, SystemError, "new style getargs format but argument is not a tuple"),
    (AF_CAN, ("lo",), 3, OSError, "bind(): unsupported CAN protocol"),
    (AF_ALG, ("x" * 14, "sha256"), 0, ValueError, "AF_ALG type too long."),
    (AF_TIPC, (258, 1, 2, 3), 0, TypeError, "Invalid address type"),
    (AF_QIPCRTR, (1,), 0, TypeError, "getsockaddrarg() takes exactly 2 arguments (1 given)"),
    (socket.AF_PACKET, ("lo", 1, 0, 0, b"123456789"), 0, ValueError,
     "Hardware address must be 8 bytes or less"),
    (5, ("x",), 0, OSError, "bind(): bad family"),  # AF_APPLETALK
]  # fmt: skip


@pytest.mark.parametrize("case", ENCODE_ERRORS, ids=lambda case: repr(case[1])[:40])
def test_encode_errors(
    oracle: CPythonOracle, case: tuple[int, object, int, type[BaseException], str]
) -> None:
    family, address, proto, exc_type, message = case
    out = oracle.encode(family, address, proto=proto)
    assert out.exc_type is exc_type
    assert out.exc_msg == message
    assert out.value is None


def test_exceptions_map_back_to_socket_classes(oracle: CPythonOracle) -> None:
    out = oracle.encode(socket.AF_INET, ("256.1.1.1", 80))
    assert out.exc_type is socket.gaierror
    assert out.exc_msg is not None
    assert out.exc_msg.startswith("[Errno -")


def test_getaddrinfo_forms(oracle: CPythonOracle) -> None:
    out = oracle.encode(socket.AF_INET, ("010.1.1.1", 80))
    assert isinstance(out.value, bytes)
    assert out.value[4:8] == bytes([8, 1, 1, 1])


@needs_uninit
def test_can_isotp_without_kernel_support(oracle: CPythonOracle) -> None:
    """AF_CAN works although this kernel may not support it: no syscall is made."""
    out = oracle.encode(AF_CAN, ("", 0x123, 0x456), proto=CAN_ISOTP)
    assert out.ok
    assert out.value == struct.pack("=HHiII", AF_CAN, 0, 0, 0x123, 0x456) + bytes(8)
    assert out.uninit == frozenset({2, 3, *range(16, 24)})


@needs_uninit
def test_can_raw_and_j1939(oracle: CPythonOracle) -> None:
    raw = oracle.encode(AF_CAN, ("lo",), proto=CAN_RAW)
    assert raw.value == struct.pack("=HHi", AF_CAN, 0, socket.if_nametoindex("lo")) + bytes(16)
    assert raw.uninit == frozenset({2, 3, *range(8, 24)})
    j1939 = oracle.encode(AF_CAN, ("", -1, 2**32 + 5, 256), proto=CAN_J1939)
    assert j1939.value == struct.pack("=HHiQIB", AF_CAN, 0, 0, 2**64 - 1, 5, 0) + bytes(3)
    assert j1939.uninit == frozenset({2, 3, 21, 22, 23})


def test_families_this_kernel_lacks(oracle: CPythonOracle) -> None:
    tipc = oracle.encode(AF_TIPC, (3, 5, 6, 7))
    assert tipc.value == struct.pack("=HBBII", AF_TIPC, 3, 2, 6, 5) + bytes(4)
    alg = oracle.encode(AF_ALG, ("hash", "sha256", 0x10001, -1))
    assert alg.value == struct.pack("=H14sII64s", AF_ALG, b"hash", 1, 0xFFFF, b"sha256")
    vsock = oracle.encode(AF_VSOCK, (-1, 2**32))
    assert vsock.value == struct.pack("=HHIII", AF_VSOCK, 0, 0, 0xFFFFFFFF, 0)
    assert vsock.uninit == frozenset()


# ---------------------------------------------------------------- decode


def test_decode_af_inet(oracle: CPythonOracle) -> None:
    out = oracle.decode(socket.AF_INET, b"\x02\x00" + bytes(14))
    assert out.value == ("0.0.0.0", 0)
    assert not out.reads_uninit


def test_decode_dispatches_on_sa_family_in_the_bytes(oracle: CPythonOracle) -> None:
    # 16 zero bytes carry sa_family 0 (AF_UNSPEC), not AF_INET
    out = oracle.decode(socket.AF_INET, bytes(16))
    assert out.value == (0, bytes(14))
    out = oracle.decode(socket.AF_INET, bytes([44, 0, *range(1, 15)]))
    assert out.value == (44, bytes(range(1, 15)))


@pytest.mark.parametrize("via", DECODE_VIAS)
def test_decode_empty_is_none(oracle: CPythonOracle, via: str) -> None:
    out = oracle.decode(socket.AF_INET, b"", via=via)
    assert out.ok
    assert out.value is None


@pytest.mark.parametrize("via", DECODE_VIAS)
def test_decode_every_via(oracle: CPythonOracle, via: str) -> None:
    data = struct.pack("=H", socket.AF_INET) + struct.pack("!H", 80) + bytes([127, 0, 0, 1])
    assert oracle.decode(socket.AF_INET, data, via=via).value == ("127.0.0.1", 80)


def test_decode_af_unix(oracle: CPythonOracle) -> None:
    assert oracle.decode(socket.AF_UNIX, b"\x01\x00\x00abc").value == b"\x00abc"
    assert oracle.decode(socket.AF_UNIX, b"\x01\x00\x00ab\x00\x00").value == b"\x00ab\x00\x00"
    assert oracle.decode(socket.AF_UNIX, b"\x01\x00abc\x00def").value == "abc"
    assert oracle.decode(socket.AF_UNIX, b"\x01\x00").value == ""
    one = oracle.decode(socket.AF_UNIX, b"\x01")
    assert one.exc_type is SystemError
    assert one.exc_msg == "Negative size passed to PyBytes_FromStringAndSize"


def test_decode_unix_length_past_buffer(oracle: CPythonOracle) -> None:
    data = b"\x01\x00\x00" + b"a" * 117  # 120 bytes; CPython's buffer holds 110
    clipped = oracle.decode(socket.AF_UNIX, data, via="recvmsg")
    assert clipped.value == b"\x00" + b"a" * 107
    assert not clipped.reads_uninit
    overread = oracle.decode(socket.AF_UNIX, data, via="getsockname")
    assert overread.reads_uninit
    assert overread.value == b"\x00" + b"a" * 107 + bytes(10)


@pytest.mark.parametrize("via", DECODE_VIAS)
def test_decode_unix_path_without_nul_reads_uninit(oracle: CPythonOracle, via: str) -> None:
    # strlen() runs past the 110-byte sockaddr_un into the rest of the buffer
    full = oracle.decode(socket.AF_UNIX, b"\x01\x00" + b"a" * 108, via=via)
    assert full.reads_uninit
    assert full.value == "a" * 108
    short = oracle.decode(socket.AF_UNIX, b"\x01\x00" + b"a" * 107, via=via)
    assert not short.reads_uninit
    assert short.value == "a" * 107


def test_decode_reads_uninit(oracle: CPythonOracle) -> None:
    # sockaddr_in6 on an AF_INET socket: the buffer is 16 bytes, CPython reads 28
    out = oracle.decode(socket.AF_INET, b"\x0a\x00" + bytes(26))
    assert out.reads_uninit
    assert out.value == ("::", 0, 0, 0)
    # AF_PACKET halen > 8 reads past sll_addr
    packet = (
        struct.pack("=H", socket.AF_PACKET)
        + struct.pack("!H", 0x0800)
        + struct.pack("=iHBB", 1, 1, 2, 20)
        + bytes(8)
    )
    assert oracle.decode(socket.AF_PACKET, packet).reads_uninit


def test_decode_families_this_kernel_lacks(oracle: CPythonOracle) -> None:
    lo = socket.if_nametoindex("lo")
    isotp = struct.pack("=HHiII", AF_CAN, 0, lo, 5, 6) + bytes(8)
    assert oracle.decode(AF_CAN, isotp, proto=CAN_ISOTP).value == ("lo", 5, 6)
    assert oracle.decode(AF_CAN, isotp, proto=CAN_RAW).value == ("lo",)
    tipc = struct.pack("=HBbIII", AF_TIPC, 2, -1, 5, 6, 7)
    assert oracle.decode(AF_TIPC, tipc).value == (2, 5, 6, 6, 0xFFFFFFFF)
    bad = oracle.decode(AF_TIPC, struct.pack("=HBbIII", AF_TIPC, 4, 2, 5, 6, 7))
    assert bad.exc_type is ValueError
    assert bad.exc_msg == "Invalid address type"
    alg = struct.pack("=H14sII64s", AF_ALG, b"x" * 14, 0x10001, 0xFFFFFFFF, b"sha")
    assert oracle.decode(AF_ALG, alg).value == ("x" * 14, "sha", 0x10001, 0xFFFFFFFF)


def test_decode_unknown_socket_family(oracle: CPythonOracle) -> None:
    out = oracle.decode(5, b"\x02\x00")
    assert out.exc_type is OSError
    assert out.exc_msg == "getsockaddrlen: bad family"


# ---------------------------------------------------------------- machinery


def test_unpicklable_address_is_a_clear_error(oracle: CPythonOracle) -> None:
    with pytest.raises(OracleError, match="cannot send"):
        oracle.encode(socket.AF_INET, (lambda: 0, 80))


def test_unpicklable_result_is_a_clear_error(oracle: CPythonOracle) -> None:
    with pytest.raises(OracleError, match="cannot be pickled"):
        oracle._request(("unpicklable",))
    assert oracle.encode(socket.AF_INET, ("127.0.0.1", 1)).ok


def test_bad_arguments(oracle: CPythonOracle) -> None:
    with pytest.raises(ValueError, match="caller"):
        oracle.encode(socket.AF_INET, ("127.0.0.1", 1), caller="listen")
    with pytest.raises(ValueError, match="via"):
        oracle.decode(socket.AF_INET, b"", via="recv")


def test_worker_crash_is_reported_and_restartable(private_oracle: CPythonOracle) -> None:
    private_oracle.start()
    pid = private_oracle.worker_pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    with pytest.raises(WorkerCrashedError, match="SIGKILL"):
        private_oracle.encode(socket.AF_NETLINK, (1, 2))
    out = private_oracle.encode(socket.AF_NETLINK, (1, 2))
    assert out.ok
    assert private_oracle.worker_pid not in (None, pid)


def test_segfault_in_cpython_is_reported(private_oracle: CPythonOracle) -> None:
    # getsockname trusts the kernel's addrlen: 16 MiB of abstract name makes
    # CPython read far past its stack buffer.
    with pytest.raises(WorkerCrashedError, match="SIGSEGV"):
        private_oracle.decode(socket.AF_UNIX, b"\x01\x00\x00" + b"a" * (1 << 24))
    assert private_oracle.decode(socket.AF_UNIX, b"\x01\x00\x00a").value == b"\x00a"


def test_per_call_time(oracle: CPythonOracle) -> None:
    calls = 200
    start = time.perf_counter()
    for pid in range(calls):
        oracle.encode(socket.AF_NETLINK, (pid, 0))
        oracle.decode(socket.AF_INET, b"\x02\x00" + bytes(14))
    per_call = (time.perf_counter() - start) / (2 * calls)
    assert per_call < 0.005, f"{per_call * 1000:.2f} ms per call"
