"""Worker process of the CPython socket-address oracle.

Started by ``tests/oracle/cpython.py`` as::

    LD_PRELOAD=<shim.so> python -I worker.py <shim.so> <request-fd> <reply-fd>

It wraps one real UDP socket descriptor, armed in the LD_PRELOAD shim, in
``socket.socket(family, type, proto, fileno=fd)`` objects of any family and
runs CPython's own ``getsockaddrarg()`` (bind/connect/...) and
``makesockaddr()`` (getsockname/recvfrom/...) on it.  The shim captures or
injects the sockaddr bytes instead of calling the kernel.

Frames on both pipes are a 4-byte big-endian length followed by a pickle.
Requests are tuples ``(op, *args)``; replies are ``("ok", payload)`` or
``("error", message)`` (an error of the oracle itself, not of CPython).

This file is a standalone script (stdlib only); it is not imported by the
oracle package.
"""

from __future__ import annotations

import collections
import ctypes
import faulthandler
import gc
import os
import pickle
import socket
import struct
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # runtime-free, so the worker also runs on older interpreters
    from collections.abc import Callable, Sequence

    ExcInfo = tuple[str, str, str]
    Call = tuple[Callable[..., Any], tuple[Any, ...]]

PICKLE_PROTOCOL = 4
HEADER = struct.Struct(">I")

# Shim call codes (enum oracle_call in shim.c).
CALL_CODES: dict[str, int] = {
    "bind": 1,
    "connect": 2,
    "connect_ex": 2,
    "sendto": 3,
    "sendmsg": 4,
    "getsockname": 5,
    "getpeername": 6,
    "recvfrom": 7,
    "recvfrom_into": 7,
    "recvmsg": 8,
    "recvmsg_into": 8,
    "accept": 9,
}
ENCODE_CALLERS = ("bind", "connect", "connect_ex", "sendto", "sendmsg")
DECODE_VIAS = (
    "getsockname",
    "getpeername",
    "recvfrom",
    "recvfrom_into",
    "recvmsg",
    "recvmsg_into",
    "accept",
)

# Primer patterns. The first one gives the reported value (so bytes CPython
# never wrote read as zero); a byte is "uninitialised" when it shows the
# pattern of the primer in every run.
PATTERNS = (0x00, 0xA5, 0x5A)
SOCK_ADDR_T_SIZE = 128  # sizeof(sock_addr_t) on Linux (it holds sockaddr_storage)
MAX_CACHED_SOCKETS = 256


class OracleFailure(Exception):
    """An error of the oracle machinery (reported to the parent as "error")."""


def describe_exception(exc: BaseException) -> ExcInfo:
    cls = type(exc)
    try:
        message = str(exc)
    except Exception as err:
        message = f"<str() failed: {err!r}>"
    return (cls.__module__, cls.__qualname__, message)


class Engine:
    def __init__(self, lib: ctypes.CDLL) -> None:
        self.lib = lib
        self._declare()
        # One real kernel socket. Every socket object below wraps this same
        # descriptor; they are detached (never closed) when dropped.
        self.fd = socket.socket(socket.AF_INET, socket.SOCK_DGRAM).detach()
        if lib.oracle_arm(self.fd) != 0:
            raise OracleFailure("oracle_arm() failed")
        self.sockets: collections.OrderedDict[tuple[int, int, int], socket.socket] = (
            collections.OrderedDict()
        )
        self.primer = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM, 0, fileno=self.fd)
        self.capture_buf = ctypes.create_string_buffer(int(lib.oracle_capture_cap()))

    def _declare(self) -> None:
        lib = self.lib
        lib.oracle_arm.argtypes = [ctypes.c_int]
        lib.oracle_arm.restype = ctypes.c_int
        lib.oracle_reset.argtypes = []
        lib.oracle_reset.restype = None
        lib.oracle_hits.argtypes = []
        lib.oracle_hits.restype = ctypes.c_long
        lib.oracle_last_call.argtypes = []
        lib.oracle_last_call.restype = ctypes.c_int
        lib.oracle_get_captured.argtypes = [ctypes.c_char_p, ctypes.c_size_t]
        lib.oracle_get_captured.restype = ctypes.c_long
        lib.oracle_capture_cap.argtypes = []
        lib.oracle_capture_cap.restype = ctypes.c_long
        lib.oracle_set_inject.argtypes = [ctypes.c_char_p, ctypes.c_size_t]
        lib.oracle_set_inject.restype = ctypes.c_int
        lib.oracle_set_primer_inject.argtypes = [ctypes.c_char_p, ctypes.c_size_t]
        lib.oracle_set_primer_inject.restype = ctypes.c_int
        lib.oracle_set_fill.argtypes = [ctypes.c_int, ctypes.c_size_t]
        lib.oracle_set_fill.restype = None
        lib.oracle_last_capacity.argtypes = []
        lib.oracle_last_capacity.restype = ctypes.c_long

    def close(self) -> None:
        for sock in self.sockets.values():
            sock.detach()
        self.sockets.clear()
        self.primer.detach()
        os.close(self.fd)

    def sock(self, family: int, type_: int, proto: int) -> socket.socket:
        key = (family, type_, proto)
        sock = self.sockets.get(key)
        if sock is None:
            sock = socket.socket(family, type_, proto, fileno=self.fd)
            self.sockets[key] = sock
            while len(self.sockets) > MAX_CACHED_SOCKETS:
                self.sockets.popitem(last=False)[1].detach()
        else:
            self.sockets.move_to_end(key)
        return sock

    # -- the primed call -------------------------------------------------
    @staticmethod
    def primed(primer: Call, real: Call) -> tuple[list[Any], list[BaseException | None]]:
        """Runs primer then real from the same call site, so that both C
        methods get the same stack frame.  Nothing between the two calls may
        call into C code that uses the stack (no ctypes, no list.append...)."""
        results: list[Any] = [None, None]
        errors: list[BaseException | None] = [None, None]
        index = 0
        for func, args in (primer, real):
            try:
                results[index] = func(*args)
            except BaseException as exc:
                errors[index] = exc
            index += 1  # noqa: SIM113 - enumerate() would add C calls between the two
        return results, errors

    # -- encode -----------------------------------------------------------
    @staticmethod
    def encode_call(sock: socket.socket, caller: str, address: object) -> Call:
        if caller == "bind":
            return (sock.bind, (address,))
        if caller == "connect":
            return (sock.connect, (address,))
        if caller == "connect_ex":
            return (sock.connect_ex, (address,))
        if caller == "sendto":
            return (sock.sendto, (b"", address))
        if caller == "sendmsg":
            return (sock.sendmsg, ([b""], [], 0, address))
        raise OracleFailure(f"unknown caller {caller!r}; expected one of {ENCODE_CALLERS}")

    def encode(
        self, family: int, address: object, proto: int, type_: int, caller: str
    ) -> dict[str, Any]:
        if caller not in ENCODE_CALLERS:
            raise OracleFailure(f"unknown caller {caller!r}; expected one of {ENCODE_CALLERS}")
        try:
            sock = self.sock(family, type_, proto)
        except Exception as exc:
            raise OracleFailure(
                f"socket.socket({family}, {type_}, {proto}, fileno=...) failed: {exc!r}"
            ) from exc
        real = self.encode_call(sock, caller, address)
        runs: list[bytes] = []
        for pattern in PATTERNS:
            # 0x00: abstract name, offsets 2..109 := 0; else a path, 2..108 := pattern
            primer_addr = bytes(108) if pattern == 0 else bytes([pattern]) * 107
            primer = self.encode_call(self.primer, caller, primer_addr)
            was_enabled = gc.isenabled()
            gc.disable()
            self.lib.oracle_reset()
            try:
                _results, errors = self.primed(primer, real)
            finally:
                if was_enabled:
                    gc.enable()
            hits = self.lib.oracle_hits()
            if errors[0] is not None:
                raise OracleFailure(f"the primer {caller}() call failed: {errors[0]!r}")
            if errors[1] is not None:
                if runs:
                    raise OracleFailure(
                        f"CPython raised {errors[1]!r} on a repeated {caller}() "
                        "after succeeding once: the call is not deterministic"
                    )
                return {"value": None, "exc": describe_exception(errors[1]), "uninit": ()}
            if hits != 2 or self.lib.oracle_last_call() != CALL_CODES[caller]:
                raise OracleFailure(
                    f"CPython's {caller}() returned without reaching the shim "
                    f"(hits={hits}, last call={self.lib.oracle_last_call()})"
                )
            length = self.lib.oracle_get_captured(self.capture_buf, len(self.capture_buf))
            if length < 0 or length > len(self.capture_buf):
                raise OracleFailure(f"captured addrlen {length} is out of range")
            runs.append(self.capture_buf.raw[:length])
        if len({len(run) for run in runs}) != 1:
            raise OracleFailure(f"addrlen differs between runs: {[len(r) for r in runs]}")
        uninit = set()
        for offset in range(len(runs[0])):
            column = [run[offset] for run in runs]
            if column == list(PATTERNS) or len(set(column)) > 1:
                uninit.add(offset)
        value = bytearray(runs[0])
        for offset in uninit:
            value[offset] = 0
        return {"value": bytes(value), "exc": None, "uninit": tuple(sorted(uninit))}

    # -- decode -----------------------------------------------------------
    @staticmethod
    def decode_call(sock: socket.socket, via: str) -> Call:
        if via == "getsockname":
            return (sock.getsockname, ())
        if via == "getpeername":
            return (sock.getpeername, ())
        if via == "recvfrom":
            return (sock.recvfrom, (1,))
        if via == "recvfrom_into":
            return (sock.recvfrom_into, (bytearray(1),))
        if via == "recvmsg":
            return (sock.recvmsg, (1,))
        if via == "recvmsg_into":
            return (sock.recvmsg_into, ([bytearray(1)],))
        if via == "accept":
            return (sock._accept, ())  # type: ignore[attr-defined]  # C method behind accept()
        raise OracleFailure(f"unknown via {via!r}; expected one of {DECODE_VIAS}")

    @staticmethod
    def address_of(via: str, result: Any) -> Any:
        if via in ("getsockname", "getpeername"):
            return result
        if via in ("recvfrom", "recvfrom_into"):
            return result[1]
        if via in ("recvmsg", "recvmsg_into"):
            return result[3]
        # accept: (new fd, address); the fd is a dup() made by the shim.
        os.close(result[0])
        return result[1]

    def decode(self, family: int, data: bytes, proto: int, type_: int, via: str) -> dict[str, Any]:
        if via not in DECODE_VIAS:
            raise OracleFailure(f"unknown via {via!r}; expected one of {DECODE_VIAS}")
        data = bytes(data)
        try:
            sock = self.sock(family, type_, proto)
        except Exception as exc:
            raise OracleFailure(
                f"socket.socket({family}, {type_}, {proto}, fileno=...) failed: {exc!r}"
            ) from exc
        real = self.decode_call(sock, via)
        primer = self.decode_call(self.primer, via)
        if self.lib.oracle_set_inject(data, len(data)) != 0:
            raise OracleFailure("oracle_set_inject() failed")
        outcomes: list[tuple[str, Any]] = []
        for pattern in PATTERNS:
            fill = bytes([pattern]) * SOCK_ADDR_T_SIZE
            was_enabled = gc.isenabled()
            gc.disable()
            self.lib.oracle_reset()
            # The primer leaves the pattern in the stack slot of CPython's
            # buffer (for bytes CPython neither zeroes nor gets from the
            # "kernel"); the fill writes it past the size CPython offered, up
            # to the end of its sock_addr_t, during the real call itself.
            self.lib.oracle_set_primer_inject(fill, len(fill))
            self.lib.oracle_set_fill(pattern, SOCK_ADDR_T_SIZE)
            try:
                results, errors = self.primed(primer, real)
            finally:
                self.lib.oracle_set_fill(0, 0)
                if was_enabled:
                    gc.enable()
            hits = self.lib.oracle_hits()
            if errors[0] is not None:
                raise OracleFailure(f"the primer {via}() call failed: {errors[0]!r}")
            self.address_of(via, results[0])
            if errors[1] is not None:
                outcomes.append(("exc", describe_exception(errors[1])))
                continue
            if hits != 2 or self.lib.oracle_last_call() != CALL_CODES[via]:
                raise OracleFailure(
                    f"CPython's {via}() returned without reaching the shim "
                    f"(hits={hits}, last call={self.lib.oracle_last_call()})"
                )
            outcomes.append(("value", self.address_of(via, results[1])))
        kind, value = outcomes[0]
        reads_uninit = len({repr(outcome) for outcome in outcomes}) > 1
        reply: dict[str, Any] = {
            "value": value if kind == "value" else None,
            "exc": value if kind == "exc" else None,
            "reads_uninit": reads_uninit,
        }
        return reply


def read_exact(fd: int, size: int) -> bytes | None:
    chunks: list[bytes] = []
    remaining = size
    while remaining:
        chunk = os.read(fd, remaining)
        if not chunk:
            return None
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def send(fd: int, reply: tuple[str, Any]) -> None:
    try:
        payload = pickle.dumps(reply, protocol=PICKLE_PROTOCOL)
    except Exception as exc:
        value = reply[1].get("value") if isinstance(reply[1], dict) else reply[1]
        message = (
            f"the value CPython returned cannot be pickled: {value!r} ({type(exc).__name__}: {exc})"
        )
        payload = pickle.dumps(("error", message), protocol=PICKLE_PROTOCOL)
    write_all(fd, HEADER.pack(len(payload)) + payload)


def self_test(engine: Engine) -> str | None:
    """Checks that bind() on the armed fd is intercepted by the shim."""
    try:
        reply = engine.encode(socket.AF_NETLINK, (1, 2), 0, socket.SOCK_DGRAM, "bind")
    except OracleFailure as exc:
        return f"self-test bind() on AF_NETLINK failed: {exc}"
    value = reply["value"]
    expected = struct.pack("=HHII", socket.AF_NETLINK, 0, 1, 2)
    if reply["exc"] is not None or value != expected:
        return (
            "self-test bind() on AF_NETLINK gave "
            f"{reply!r}, expected value {expected!r} (is the LD_PRELOAD shim interposed?)"
        )
    return None


def handle(engine: Engine, request: Sequence[Any]) -> tuple[str, Any]:
    op = request[0]
    if op == "encode":
        _, family, address, proto, type_, caller = request
        return ("ok", engine.encode(family, address, proto, type_, caller))
    if op == "decode":
        _, family, data, proto, type_, via = request
        return ("ok", engine.decode(family, data, proto, type_, via))
    if op == "ping":
        return ("ok", os.getpid())
    if op == "unpicklable":  # exercises the error path in the self-check tests
        return ("ok", {"value": lambda: None})
    raise OracleFailure(f"unknown request {op!r}")


def main(argv: Sequence[str]) -> int:
    shim_path, request_fd, reply_fd = argv[1], int(argv[2]), int(argv[3])
    faulthandler.enable()
    hello: dict[str, Any] = {
        "pid": os.getpid(),
        "version": tuple(sys.version_info[:3]),
        "implementation": sys.implementation.name,
        "error": None,
    }
    engine: Engine | None = None
    try:
        engine = Engine(ctypes.CDLL(shim_path))
        hello["error"] = self_test(engine)
    except (OSError, AttributeError, OracleFailure) as exc:
        hello["error"] = f"cannot use the shim {shim_path}: {exc}"
    send(reply_fd, ("hello", hello))
    if engine is None or hello["error"] is not None:
        return 1
    while True:
        header = read_exact(request_fd, HEADER.size)
        if header is None:
            break
        (size,) = HEADER.unpack(header)
        payload = read_exact(request_fd, size)
        if payload is None:
            break
        try:
            request = pickle.loads(payload)
        except Exception as exc:
            message = (
                f"the worker cannot unpickle the request: {exc!r} (arguments must pickle "
                "by reference to an importable module: not __main__ or local classes)"
            )
            send(reply_fd, ("error", message))
            continue
        if request[0] == "quit":
            break
        if request[0] == "sys_path":
            _, paths, version = request
            if tuple(version) == tuple(sys.version_info[:2]):
                sys.path.extend(p for p in paths if p not in sys.path)
            send(reply_fd, ("ok", None))
            continue
        try:
            reply = handle(engine, request)
        except OracleFailure as exc:
            reply = ("error", str(exc))
        send(reply_fd, reply)
    engine.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
