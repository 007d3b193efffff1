"""A ``socket.socket`` whose addresses go through :mod:`sockaddr` (GitHub issue 5).

:class:`Socket` takes the same arguments as :class:`socket.socket` and *is*
one (a subclass: ``isinstance(s, socket.socket)`` holds, so ``selectors``,
``asyncio``, ``ssl``, ``makefile()``, ``dup()``, ``setsockopt()``... work
unchanged).  Every method that takes or returns an address is replaced: the
address is encoded with :func:`sockaddr.encode` (host names resolved as
CPython does), handed to libc through :mod:`ctypes` (``bind(2)``,
``connect(2)``, ``sendto(2)``, ``sendmsg(2)``, ``recvfrom(2)``,
``recvmsg(2)``, ``accept4(2)``, ``getsockname(2)``, ``getpeername(2)``), and
the kernel's bytes are decoded with :func:`sockaddr.decode`.  So families and
address forms this Python lacks (AF_XDP, AF_MCTP, ...) work wherever the
kernel has them.

The contract is ``socket.socket``'s (``Modules/socketmodule.c``,
``sock_call_ex()``): failures raise ``OSError(errno, strerror)`` (its
subclasses: ``BlockingIOError``, ``ConnectionRefusedError``...), ``EINTR``
is retried (PEP 475), with a timeout the call waits with ``poll(2)`` first
and raises ``TimeoutError('timed out')``, a non-blocking socket raises
``BlockingIOError``.

Control messages (``cmsg(3)``): :meth:`Socket.sendmsg` takes
:class:`sockaddr.cmsg.ControlMessage` objects or ``(level, type, data)``
tuples; :meth:`Socket.recvmsg` returns typed messages (``cmsg.parse`` of the
kernel's ``msg_control`` buffer).  When the kernel cut the buffer
(``MSG_CTRUNC`` in the flags), the cut last message is a
:class:`sockaddr.cmsg.Truncated`, and descriptors it carried (``SCM_RIGHTS``,
``SCM_PIDFD``) are closed, since nobody could use them.

>>> import socket
>>> from sockaddr.socket import Socket
>>> with Socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
...     s.bind(("127.0.0.1", 0))
...     s.getsockname()[0]
'127.0.0.1'
"""

from __future__ import annotations

import array
import contextlib
import ctypes
import errno
import math
import os
import select
import socket as _socket
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from sockaddr import cmsg, schemas
from sockaddr.codec import decode, encode
from sockaddr.errors import DecodeError

__all__ = ["Socket"]

T = TypeVar("T")
Buffer = bytes | bytearray | memoryview

_STORAGE = 128                          # sizeof(struct sockaddr_storage), <sys/socket.h>
_socklen_t = ctypes.c_uint32


class _Iovec(ctypes.Structure):
    """``struct iovec`` (<sys/uio.h>)."""

    _fields_ = (("iov_base", ctypes.c_void_p), ("iov_len", ctypes.c_size_t))


class _Msghdr(ctypes.Structure):
    """``struct msghdr`` (<sys/socket.h>, recvmsg(2)); ctypes pads after msg_namelen."""

    _fields_ = (
        ("msg_name", ctypes.c_void_p), ("msg_namelen", _socklen_t),
        ("msg_iov", ctypes.POINTER(_Iovec)), ("msg_iovlen", ctypes.c_size_t),
        ("msg_control", ctypes.c_void_p), ("msg_controllen", ctypes.c_size_t),
        ("msg_flags", ctypes.c_int),
    )


_P_SOCKLEN = ctypes.POINTER(_socklen_t)
_P_MSGHDR = ctypes.POINTER(_Msghdr)
_libc = ctypes.CDLL(None, use_errno=True)
for _name, _args, _res in (
    ("bind", [ctypes.c_int, ctypes.c_char_p, _socklen_t], ctypes.c_int),
    ("connect", [ctypes.c_int, ctypes.c_char_p, _socklen_t], ctypes.c_int),
    ("getsockname", [ctypes.c_int, ctypes.c_void_p, _P_SOCKLEN], ctypes.c_int),
    ("getpeername", [ctypes.c_int, ctypes.c_void_p, _P_SOCKLEN], ctypes.c_int),
    ("accept4", [ctypes.c_int, ctypes.c_void_p, _P_SOCKLEN, ctypes.c_int], ctypes.c_int),
    ("sendmsg", [ctypes.c_int, _P_MSGHDR, ctypes.c_int], ctypes.c_ssize_t),
    ("recvmsg", [ctypes.c_int, _P_MSGHDR, ctypes.c_int], ctypes.c_ssize_t),
):
    _fn = getattr(_libc, _name)
    _fn.argtypes = _args
    _fn.restype = _res

_EAGAIN = (errno.EAGAIN, errno.EWOULDBLOCK)
_SOL_SOCKET = _socket.SOL_SOCKET
_FD_TYPES = (schemas.constant("SCM_RIGHTS"), schemas.constant("SCM_PIDFD"))


def _error(code: int) -> OSError:
    """What CPython's ``set_error()`` raises: ``OSError(errno, strerror)`` (its subclass)."""
    return OSError(code, os.strerror(code))


def _timeout() -> TimeoutError:
    return TimeoutError("timed out")


def _check_size(value: int, message: str) -> int:
    if value < 0:
        raise ValueError(message)
    return value


class _Message:
    """A ``struct msghdr`` and the ctypes buffers it points to (kept alive here)."""

    def __init__(self, iov: list[tuple[Any, int]], control: bytes | int,
                 name: bytes | None) -> None:
        self.iov = (_Iovec * max(len(iov), 1))(
            *(_Iovec(ctypes.cast(buf, ctypes.c_void_p), size) for buf, size in iov))
        self.control: ctypes.Array[ctypes.c_char] | None = None
        if isinstance(control, int):
            if control:
                self.control = ctypes.create_string_buffer(control)
            controllen = control
        else:
            if control:
                self.control = ctypes.create_string_buffer(control, len(control))
            controllen = len(control)
        self.name: ctypes.Array[ctypes.c_char] | None
        if name is None:            # receiving: room for any address
            self.name = ctypes.create_string_buffer(_STORAGE)
            namelen = _STORAGE
        else:
            self.name = ctypes.create_string_buffer(name, len(name)) if name else None
            namelen = len(name)
        self.msg = _Msghdr(
            ctypes.cast(self.name, ctypes.c_void_p) if self.name is not None else None, namelen,
            ctypes.cast(self.iov, ctypes.POINTER(_Iovec)), len(iov),
            ctypes.cast(self.control, ctypes.c_void_p) if self.control is not None else None,
            controllen if self.control is not None else 0, 0)

    def received_name(self) -> bytes:
        assert self.name is not None
        return self.name.raw[:min(self.msg.msg_namelen, _STORAGE)]

    def received_control(self) -> bytes:
        if self.control is None:
            return b""
        return self.control.raw[:self.msg.msg_controllen]


def _tolerant_parse(control: bytes, truncated: bool, family: int) -> list[cmsg.ControlMessage]:
    """``cmsg.parse`` that keeps a payload no class takes as :class:`cmsg.Unknown`."""
    fast = schemas.fast("cmsghdr")
    size, align = cmsg.header()
    out: list[cmsg.ControlMessage] = []
    offset = 0
    while len(control) - offset >= size:
        length, level, type_ = fast.unpack(control, offset)
        if length < size:
            break
        payload = control[offset + size:offset + length]
        if length > len(control) - offset:
            out.append(cmsg.Truncated(level, type_, payload, length))
            break
        try:
            out.append(cmsg.decode(level, type_, payload, family=family))
        except DecodeError:
            out.append(cmsg.Truncated(level, type_, payload, length) if truncated
                        and offset + length >= len(control) else
                        cmsg.Unknown(level, type_, payload))
        offset += (length + align - 1) & ~(align - 1)
    return out


class Socket(_socket.socket):
    """``socket.socket`` with every address-taking or -returning method done by :mod:`sockaddr`.

    ``Socket(family=-1, type=-1, proto=-1, fileno=None)``, as ``socket.socket``.
    """

    __slots__ = ()

    @classmethod
    def wrap(cls, sock: _socket.socket) -> Socket:
        """A :class:`Socket` taking over ``sock``'s descriptor and timeout.

        ``sock`` is detached (as ``socket.socket(fileno=sock.detach())``): the
        new object owns and closes the descriptor.
        """
        timeout = sock.gettimeout()
        family, type_, proto = sock.family, sock.type, sock.proto
        new = cls(family, type_, proto, fileno=sock.detach())
        new.settimeout(timeout)
        return new

    # -- plumbing ------------------------------------------------------------

    def _encode(self, address: object, caller: str) -> bytes:
        return encode(int(self.family), address, proto=self.proto, caller=caller, resolve=True)

    def _decode(self, raw: bytes) -> Any:
        return decode(raw, proto=self.proto)

    def _wait(self, writing: bool, deadline: float | None, connect: bool = False) -> None:
        """CPython's ``internal_select()``: poll until ready or raise TimeoutError."""
        fd = self.fileno()
        if fd < 0:
            return
        poller = select.poll()
        events = select.POLLOUT if writing else select.POLLIN
        if connect:
            events |= select.POLLERR
        poller.register(fd, events)
        if deadline is None:
            ms = -1
        else:
            left = deadline - time.monotonic()
            if left <= 0:
                raise _timeout()
            ms = math.ceil(left * 1000)
        # select.poll retries EINTR itself (PEP 475), with the time left.
        if not poller.poll(ms):
            raise _timeout()

    def _call(self, writing: bool, func: Callable[[int], T]) -> T:
        """CPython's ``sock_call()``: ``func(fd)`` raises OSError (errno) or returns.

        EINTR is retried; with a timeout, wait first and retry on EAGAIN.
        """
        timeout = self.gettimeout()
        deadline = None if not timeout else time.monotonic() + timeout
        while True:
            if deadline is not None:
                self._wait(writing, deadline)
            while True:
                try:
                    return func(self.fileno())
                except InterruptedError:
                    continue
                except BlockingIOError:
                    if deadline is None:
                        raise
                    break

    @staticmethod
    def _check(result: int) -> int:
        if result < 0:
            raise _error(ctypes.get_errno())
        return result

    def _name(self, call: Callable[..., int]) -> Any:
        buf = ctypes.create_string_buffer(_STORAGE)
        size = _socklen_t(_STORAGE)
        self._check(call(self.fileno(), ctypes.cast(buf, ctypes.c_void_p), ctypes.byref(size)))
        return self._decode(buf.raw[:min(size.value, _STORAGE)])

    # -- names -----------------------------------------------------------------

    def bind(self, address: Any, /) -> None:
        """``bind(2)`` with ``sockaddr.encode(address)``."""
        data = self._encode(address, "bind")
        self._check(_libc.bind(self.fileno(), data, len(data)))

    def getsockname(self) -> Any:
        """``getsockname(2)``, decoded."""
        return self._name(_libc.getsockname)

    def getpeername(self) -> Any:
        """``getpeername(2)``, decoded."""
        return self._name(_libc.getpeername)

    def _connect(self, address: Any, caller: str) -> int:
        """CPython's ``internal_connect()``: 0 or the errno (``TimeoutError`` raised)."""
        data = self._encode(address, caller)
        fd = self.fileno()
        if _libc.connect(fd, data, len(data)) == 0:
            return 0
        err = ctypes.get_errno()
        timeout = self.gettimeout()
        # EINTR: the connection goes on in the kernel (unless non-blocking);
        # EINPROGRESS on a socket with a timeout: wait for it, as CPython does.
        wait = timeout != 0 if err == errno.EINTR else bool(timeout) and err == errno.EINPROGRESS
        if not wait:
            return err
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            try:
                self._wait(True, deadline, connect=True)
            except TimeoutError:
                if caller == "connect_ex":
                    return errno.EWOULDBLOCK
                raise
            err = self.getsockopt(_SOL_SOCKET, _socket.SO_ERROR)
            if err in (0, errno.EISCONN):
                return 0
            if err == errno.EINTR:
                continue
            if err in _EAGAIN and deadline is not None:
                continue
            return err

    def connect(self, address: Any, /) -> None:
        """``connect(2)``; with a timeout, waits for the connection as CPython does."""
        err = self._connect(address, "connect")
        if err:
            raise _error(err)

    def connect_ex(self, address: Any, /) -> int:
        """``connect()``, returning the errno instead of raising it."""
        return self._connect(address, "connect_ex")

    def accept(self) -> tuple[Socket, Any]:
        """``accept4(2)`` (close-on-exec): a new :class:`Socket` and the peer's address."""
        buf = ctypes.create_string_buffer(_STORAGE)
        size = _socklen_t(_STORAGE)

        def call(fd: int) -> int:
            size.value = _STORAGE
            return self._check(_libc.accept4(fd, ctypes.cast(buf, ctypes.c_void_p),
                                             ctypes.byref(size), _socket.SOCK_CLOEXEC))

        fd = self._call(False, call)
        sock = Socket(self.family, self.type, self.proto, fileno=fd)
        # As socket.socket.accept(): a listening socket with a timeout gives
        # blocking children unless a default timeout is set.
        if _socket.getdefaulttimeout() is None and self.gettimeout():
            sock.setblocking(True)
        return sock, self._decode(buf.raw[:min(size.value, _STORAGE)])

    # -- sending ---------------------------------------------------------------

    def sendto(self, data: Buffer, flags_or_address: Any, address: Any = None,  # type: ignore[override]
               /) -> int:
        """``sendto(data, address)`` or ``sendto(data, flags, address)``."""
        if address is None:
            flags, address = 0, flags_or_address
        else:
            flags = flags_or_address
            if not isinstance(flags, int):
                raise TypeError(f"'{type(flags).__name__}' object cannot be interpreted "
                                "as an integer")
        return self._sendmsg([data], (), flags, address, "sendto")

    def sendmsg(self, buffers: Iterable[Buffer],  # type: ignore[override]
                ancdata: Iterable[cmsg.ControlMessage | tuple[int, int, Buffer]] = (),
                flags: int = 0, address: Any = None, /) -> int:
        """``sendmsg(2)``: typed or ``(level, type, data)`` control messages, an address."""
        return self._sendmsg(buffers, ancdata, flags, address, "sendmsg")

    def _sendmsg(self, buffers: Iterable[Buffer],
                 ancdata: Iterable[cmsg.ControlMessage | tuple[int, int, Buffer]],
                 flags: int, address: Any, caller: str) -> int:
        payloads = [bytes(memoryview(b)) for b in buffers]
        messages: list[cmsg.ControlMessage] = []
        for item in ancdata:
            if isinstance(item, cmsg.ControlMessage):
                messages.append(item)
            else:
                level, type_, payload = item
                messages.append(cmsg.Unknown(int(level), int(type_), bytes(memoryview(payload))))
        control = cmsg.build(messages)
        name = b"" if address is None else self._encode(address, caller)
        keep = [ctypes.create_string_buffer(p, len(p)) for p in payloads]
        message = _Message([(k, len(p)) for k, p in zip(keep, payloads, strict=True)],
                           control, name)
        return self._call(True, lambda fd: self._check(
            _libc.sendmsg(fd, ctypes.byref(message.msg), flags)))

    # -- receiving -------------------------------------------------------------

    def _recvmsg(self, iov: list[tuple[Any, int]], ancbufsize: int,
                 flags: int) -> tuple[int, list[cmsg.ControlMessage], int, Any]:
        message = _Message(iov, ancbufsize, None)

        def call(fd: int) -> int:
            message.msg.msg_namelen = _STORAGE
            message.msg.msg_controllen = ancbufsize if message.control is not None else 0
            return self._check(_libc.recvmsg(fd, ctypes.byref(message.msg), flags))

        got = self._call(False, call)
        msg_flags = int(message.msg.msg_flags)
        control = message.received_control()
        truncated = bool(msg_flags & _socket.MSG_CTRUNC)
        try:
            items = cmsg.parse(control, truncated=truncated, family=int(self.family))
        except DecodeError:
            # The datagram is consumed: never raise (and lose it, and the fds
            # in it) over a payload our codecs refuse.
            items = _tolerant_parse(control, truncated, int(self.family))
        for item in items:
            if (isinstance(item, cmsg.Truncated) and item.level == _SOL_SOCKET
                    and item.type in _FD_TYPES):
                # Descriptors the kernel installed in a message it then cut.
                fds = array.array("i")
                fds.frombytes(item.data[:len(item.data) - len(item.data) % fds.itemsize])
                for fd in fds:
                    with contextlib.suppress(OSError):
                        os.close(fd)
        return got, items, msg_flags, self._decode(message.received_name())

    def recvmsg(self, bufsize: int, ancbufsize: int = 0,  # type: ignore[override]
                flags: int = 0, /) -> tuple[bytes, list[cmsg.ControlMessage], int, Any]:
        """``recvmsg(2)``: ``(data, [typed control messages], msg_flags, address)``."""
        _check_size(bufsize, "negative buffer size in recvmsg()")
        _check_size(ancbufsize, "invalid ancillary data buffer length")
        data = ctypes.create_string_buffer(bufsize) if bufsize else None
        iov = [(data, bufsize)] if data is not None else []
        got, items, msg_flags, address = self._recvmsg(iov, ancbufsize, flags)
        return (data.raw[:got] if data is not None else b""), items, msg_flags, address

    def recvmsg_into(self, buffers: Iterable[Any], ancbufsize: int = 0,  # type: ignore[override]
                     flags: int = 0, /) -> tuple[int, list[cmsg.ControlMessage], int, Any]:
        """``recvmsg(2)`` into writable buffers: ``(nbytes, [messages], msg_flags, address)``."""
        _check_size(ancbufsize, "invalid ancillary data buffer length")
        iov = []
        for buf in buffers:
            view = memoryview(buf).cast("B")
            if view.readonly:
                raise TypeError("recvmsg_into() argument 1 must be an iterable of "
                                "writable buffers")
            iov.append(((ctypes.c_char * len(view)).from_buffer(view), len(view)))
        return self._recvmsg(iov, ancbufsize, flags)

    def recvfrom(self, bufsize: int, flags: int = 0, /) -> tuple[bytes, Any]:
        """``recvfrom(2)``: ``(data, address)``."""
        _check_size(bufsize, "negative buffersize in recvfrom")
        data, _, _, address = self.recvmsg(bufsize, 0, flags)
        return data, address

    def recvfrom_into(self, buffer: Any, nbytes: int = 0,
                      flags: int = 0, /) -> tuple[int, Any]:
        """``recvfrom(2)`` into ``buffer``: ``(nbytes, address)``."""
        _check_size(nbytes, "negative buffersize in recvfrom_into")
        view = memoryview(buffer).cast("B")
        if nbytes == 0:
            nbytes = len(view)
        elif nbytes > len(view):
            raise ValueError("nbytes is greater than the length of the buffer")
        got, _, _, address = self.recvmsg_into([view[:nbytes]], 0, flags)
        return got, address
