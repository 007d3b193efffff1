"""Differential oracle: CPython's own socket-address codec, on demand.

``CPythonOracle`` drives a worker subprocess (``worker.py``) that runs with an
LD_PRELOAD shim (``shim.c``, compiled with gcc into a cache directory keyed by
the hash of its source).  The worker wraps a real UDP socket descriptor as
``socket.socket(family, type, proto, fileno=fd)`` for any family, so that

* ``encode()`` runs ``getsockaddrarg()`` (through ``bind``/``connect``/...):
  the shim records the exact ``(sockaddr, addrlen)`` CPython hands to libc and
  returns success without a syscall;
* ``decode()`` runs ``makesockaddr()`` (through ``getsockname``/``recvfrom``/
  ...): the shim copies the injected bytes into CPython's buffer the way the
  kernel does (``min(len, *addrlen)`` bytes, ``*addrlen = len``).

This works for families the running kernel does not support (CAN, TIPC, ALG,
QIPCRTR...), because no kernel call is made for the armed descriptor.

Uninitialised bytes (CPython <= 3.13 leaves parts of its on-stack ``sock_addr_t``
unwritten) are found empirically: each encode runs three times, each time right
after a "primer" call through the same method and call site that fills the same
stack slot with 0x00, 0xA5 or 0x5A.  Offsets that keep the primer's pattern (or
vary between runs) are reported in ``Outcome.uninit`` and read as 0 in
``Outcome.value``.  Decodes also run three times: primed the same way, and
with the shim writing the pattern into CPython's 128-byte ``sock_addr_t`` past
the size CPython offered (bytes neither CPython's memset nor the kernel would
write).  If the result depends on the pattern, ``Outcome.reads_uninit`` is True
and ``value`` is the result with zero-filled garbage.  Reads past the 128-byte
buffer are only caught when the stack there happens to differ between runs.
"""

from __future__ import annotations

import builtins
import contextlib
import functools
import hashlib
import importlib
import io
import os
import pickle
import platform
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

__all__ = [
    "DECODE_VIAS",
    "ENCODE_CALLERS",
    "CPythonOracle",
    "OracleError",
    "Outcome",
    "WorkerCrashedError",
    "build_shim",
    "unavailable_reason",
]

HERE = Path(__file__).resolve().parent
SHIM_SOURCE = HERE / "shim.c"
WORKER_SCRIPT = HERE / "worker.py"

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

_PICKLE_PROTOCOL = 4
_HEADER = struct.Struct(">I")
_DEFAULT_TIMEOUT = 60.0
_STARTUP_TIMEOUT = 30.0
_STDERR_TAIL = 4000


class OracleError(RuntimeError):
    """The oracle itself failed (not CPython raising for an address)."""


class WorkerCrashedError(OracleError):
    """The worker subprocess died or stopped answering; the next call restarts it."""


@dataclass(frozen=True)
class Outcome:
    """What CPython did with one address.

    ``value``: encode: the sockaddr bytes, exactly ``addrlen`` long, with the
    ``uninit`` offsets read as 0; decode: the Python value CPython returned.
    ``exc_type``/``exc_msg``: the exception class and ``str()`` when CPython
    raised (then ``value`` is None).
    ``uninit``: encode only: offsets CPython never wrote (mask them).
    ``reads_uninit``: decode only: the result depended on bytes of CPython's
    buffer that neither CPython nor the "kernel" wrote.
    """

    value: object
    exc_type: type[BaseException] | None
    exc_msg: str | None
    uninit: frozenset[int] = frozenset()
    reads_uninit: bool = False

    @property
    def ok(self) -> bool:
        return self.exc_type is None

    def masked(self, fill: int = 0) -> bytes:
        """Encode value with every ``uninit`` offset set to ``fill``."""
        if not isinstance(self.value, bytes):
            raise TypeError(f"masked() needs an encode outcome with bytes, got {self!r}")
        data = bytearray(self.value)
        for offset in self.uninit:
            data[offset] = fill
        return bytes(data)


# --------------------------------------------------------------------------
# Building the shim


def _cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME")
    if base:
        return Path(base) / "sockaddr-oracle"
    home = Path.home()
    if home.is_dir() and os.access(home, os.W_OK):
        return home / ".cache" / "sockaddr-oracle"
    return Path(tempfile.gettempdir()) / f"sockaddr-oracle-{os.getuid()}"


def _compiler() -> str | None:
    return shutil.which(os.environ.get("CC", "gcc")) or shutil.which("gcc")


_build_lock = threading.Lock()


@functools.cache
def build_shim() -> Path:
    """Compiles shim.c (once; cached by source hash) and returns the .so path.

    Raises OracleError with a readable reason when that is not possible.
    """
    if not sys.platform.startswith("linux"):
        raise OracleError(f"the LD_PRELOAD shim needs Linux, not {sys.platform}")
    try:
        source = SHIM_SOURCE.read_bytes()
    except OSError as exc:
        raise OracleError(f"cannot read the shim source {SHIM_SOURCE}: {exc}") from exc
    key = hashlib.sha256(source + platform.machine().encode()).hexdigest()[:16]
    target = _cache_root() / f"shim-{key}.so"
    with _build_lock:
        if target.is_file():
            return target
        compiler = _compiler()
        if compiler is None:
            raise OracleError(f"gcc not found: needed to build the LD_PRELOAD shim {SHIM_SOURCE}")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OracleError(f"cannot create the shim cache dir {target.parent}: {exc}") from exc
        partial = target.with_name(f"{target.name}.{os.getpid()}.tmp")
        command = [
            compiler,
            "-shared",
            "-fPIC",
            "-O2",
            "-Wall",
            "-o",
            str(partial),
            str(SHIM_SOURCE),
            "-ldl",
        ]
        try:
            done = subprocess.run(command, capture_output=True, text=True, check=False)
        except OSError as exc:
            raise OracleError(f"cannot run {compiler}: {exc}") from exc
        if done.returncode != 0:
            partial.unlink(missing_ok=True)
            raise OracleError(
                f"{compiler} failed to build {SHIM_SOURCE} "
                f"(exit {done.returncode}): {done.stderr.strip()}"
            )
        os.replace(partial, target)
    return target


@functools.cache
def _probe(python: str) -> str | None:
    try:
        with CPythonOracle(python) as oracle:
            oracle.start()
    except OracleError as exc:
        return str(exc)
    return None


def unavailable_reason(python: str = sys.executable) -> str | None:
    """None when the oracle works here, else a human-readable reason.

    Builds the shim and starts a worker once (the result is cached).
    """
    return _probe(python)


# --------------------------------------------------------------------------
# Exceptions by name


_SOCKET_MODULES = ("socket", "_socket")


def _exception_class(module: str, qualname: str) -> type[BaseException]:
    found: object = None
    if module == "builtins":
        found = getattr(builtins, qualname, None)
    elif module in _SOCKET_MODULES:
        found = getattr(socket, qualname, None)
    else:
        try:
            found = importlib.import_module(module)
            for part in qualname.split("."):
                found = getattr(found, part)
        except (ImportError, AttributeError):
            found = None
    if not (isinstance(found, type) and issubclass(found, BaseException)):
        raise OracleError(f"CPython raised {module}.{qualname}, which this process cannot import")
    return found


# --------------------------------------------------------------------------
# The worker


def _describe_address(address: object) -> str:
    text = repr(address)
    return text if len(text) <= 300 else text[:300] + "..."


class _Pickler(pickle.Pickler):
    """Pickles memoryview (accepted by AF_UNIX / AF_PACKET) as memoryview(bytes)."""

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, memoryview):
            return (memoryview, (obj.tobytes(),))
        return NotImplemented


def _dumps(obj: object) -> bytes:
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=_PICKLE_PROTOCOL).dump(obj)
    return buffer.getvalue()


class _Worker:
    """One worker subprocess and its two pipes."""

    def __init__(self, python: str, shim: Path) -> None:
        # closed by _cleanup(), when the worker goes
        self.stderr: IO[bytes] = tempfile.TemporaryFile(  # noqa: SIM115
            prefix="sockaddr-oracle-stderr-"
        )
        request_read, self.request_fd = os.pipe()
        self.reply_fd, reply_write = os.pipe()
        env = dict(os.environ)
        preload = env.get("LD_PRELOAD", "")
        env["LD_PRELOAD"] = f"{shim} {preload}".strip()
        command = [python, "-I", str(WORKER_SCRIPT), str(shim), str(request_read), str(reply_write)]
        try:
            self.process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=self.stderr,
                stderr=self.stderr,
                env=env,
                pass_fds=(request_read, reply_write),
                close_fds=True,
            )
        except OSError as exc:
            for fd in (self.request_fd, self.reply_fd):
                os.close(fd)
            self.stderr.close()
            raise OracleError(f"cannot start the oracle worker {command}: {exc}") from exc
        finally:
            os.close(request_read)
            os.close(reply_write)
        self.closed = False
        self._finalizer = weakref.finalize(
            self, _Worker._cleanup, self.process, self.stderr, self.request_fd, self.reply_fd
        )

    @staticmethod
    def _cleanup(process: subprocess.Popen[bytes], stderr: IO[bytes], *fds: int) -> None:
        for fd in fds:
            with contextlib.suppress(OSError):
                os.close(fd)
        if process.poll() is None:
            process.kill()
        process.wait()
        stderr.close()

    def stderr_tail(self) -> str:
        try:
            self.stderr.seek(0, os.SEEK_END)
            size = self.stderr.tell()
            self.stderr.seek(max(0, size - _STDERR_TAIL))
            text = self.stderr.read().decode(errors="replace").strip()
        except (OSError, ValueError):
            return ""
        return text

    def crashed(self, what: str) -> WorkerCrashedError:
        if self.process.poll() is None:
            self.process.kill()
        code = self.process.wait()
        tail = self.stderr_tail()
        if code < 0:
            try:
                status = f"killed by {signal.Signals(-code).name}"
            except ValueError:
                status = f"killed by signal {-code}"
        else:
            status = f"exit status {code}"
        message = f"the CPython oracle worker (pid {self.process.pid}) {what}; {status}"
        if tail:
            message += f"\n--- worker stderr ---\n{tail}"
        self.close()
        return WorkerCrashedError(message)

    def send(self, payload: bytes) -> None:
        data = _HEADER.pack(len(payload)) + payload
        view = memoryview(data)
        try:
            while view:
                view = view[os.write(self.request_fd, view) :]
        except BrokenPipeError:
            raise self.crashed("died before reading a request") from None

    def _read_exact(self, size: int, deadline: float) -> bytes:
        chunks: list[bytes] = []
        while size:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise self.crashed("did not answer in time and was killed")
            ready, _, _ = select.select([self.reply_fd], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(self.reply_fd, size)
            if not chunk:
                raise self.crashed("died")
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)

    def receive(self, timeout: float) -> Any:
        deadline = time.monotonic() + timeout
        (size,) = _HEADER.unpack(self._read_exact(_HEADER.size, deadline))
        return pickle.loads(self._read_exact(size, deadline))

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        if self.process.poll() is None:
            try:
                self.send(_dumps(("quit",)))
                self.process.wait(timeout=5)
            except (OracleError, OSError, subprocess.TimeoutExpired):
                pass
        self._finalizer()


class CPythonOracle:
    """Runs CPython's getsockaddrarg()/makesockaddr() in a reusable worker.

    Use as a context manager (or call ``close()``).  The worker starts on the
    first call; if it crashes, that call raises ``WorkerCrashedError`` and the
    next call starts a fresh worker.
    """

    def __init__(self, python: str = sys.executable, *, timeout: float = _DEFAULT_TIMEOUT) -> None:
        self.python = python
        self.timeout = timeout
        self.version: tuple[int, int, int] | None = None
        self._worker: _Worker | None = None
        self._lock = threading.Lock()

    # -- lifecycle ------------------------------------------------------------
    def __enter__(self) -> CPythonOracle:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            if self._worker is not None:
                self._worker.close()
                self._worker = None

    def start(self) -> None:
        """Starts the worker now (it is otherwise started by the first call)."""
        with self._lock:
            self._ensure_worker()

    def restart(self) -> None:
        self.close()
        self.start()

    @property
    def worker_pid(self) -> int | None:
        worker = self._worker
        if worker is None or worker.closed:
            return None
        return worker.process.pid

    def _ensure_worker(self) -> _Worker:
        if self._worker is not None and not self._worker.closed:
            return self._worker
        self._worker = None
        worker = _Worker(self.python, build_shim())
        try:
            kind, hello = worker.receive(_STARTUP_TIMEOUT)
        except WorkerCrashedError as exc:
            raise OracleError(f"the oracle worker failed to start: {exc}") from exc
        if kind != "hello" or hello.get("error"):
            worker.close()
            raise OracleError(f"the oracle worker is unusable: {hello.get('error')}")
        self.version = tuple(hello["version"])
        worker.send(_dumps(("sys_path", list(sys.path), tuple(sys.version_info[:2]))))
        worker.receive(self.timeout)
        self._worker = worker
        return worker

    # -- requests ---------------------------------------------------------------
    def _request(self, request: tuple[object, ...]) -> Any:
        try:
            payload = _dumps(request)
        except Exception as exc:
            raise OracleError(
                f"cannot send {_describe_address(request)} to the worker: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        with self._lock:
            worker = self._ensure_worker()
            try:
                worker.send(payload)
                kind, body = worker.receive(self.timeout)
            except WorkerCrashedError as exc:
                self._worker = None
                raise WorkerCrashedError(
                    f"{exc.args[0]}\n--- request ---\n{_describe_address(request)}"
                ) from None
        if kind == "error":
            raise OracleError(body)
        return body

    @staticmethod
    def _exc(info: tuple[str, str, str] | None) -> tuple[type[BaseException] | None, str | None]:
        if info is None:
            return None, None
        module, qualname, message = info
        return _exception_class(module, qualname), message

    def encode(
        self,
        family: int,
        address: object,
        *,
        proto: int = 0,
        type: int = socket.SOCK_DGRAM,
        caller: str = "bind",
    ) -> Outcome:
        """Runs ``socket.socket(family, type, proto).<caller>(address)``."""
        if caller not in ENCODE_CALLERS:
            raise ValueError(f"caller must be one of {ENCODE_CALLERS}, not {caller!r}")
        body = self._request(("encode", int(family), address, int(proto), int(type), caller))
        exc_type, exc_msg = self._exc(body["exc"])
        return Outcome(
            value=body["value"],
            exc_type=exc_type,
            exc_msg=exc_msg,
            uninit=frozenset(body["uninit"]),
        )

    def decode(
        self,
        family: int,
        data: bytes,
        *,
        proto: int = 0,
        type: int = socket.SOCK_DGRAM,
        via: str = "getsockname",
    ) -> Outcome:
        """Makes the "kernel" return ``data`` as the address to ``<via>()``.

        ``family`` is the socket's family (it sizes CPython's buffer); the
        result depends on the ``sa_family`` inside ``data``.
        """
        if via not in DECODE_VIAS:
            raise ValueError(f"via must be one of {DECODE_VIAS}, not {via!r}")
        body = self._request(("decode", int(family), bytes(data), int(proto), int(type), via))
        exc_type, exc_msg = self._exc(body["exc"])
        return Outcome(
            value=body["value"],
            exc_type=exc_type,
            exc_msg=exc_msg,
            reads_uninit=body["reads_uninit"],
        )

    def ping(self) -> int:
        """Round trip without CPython socket work; returns the worker's pid."""
        pid: int = self._request(("ping",))
        return pid
