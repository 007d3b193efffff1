"""The kernel as oracle: our bytes go through libc, the kernel's bytes come back.

Each family is checked three ways on the running kernel:

* forward: ``sockaddr.encode()`` builds the bytes, libc ``bind()``/``connect()``
  hands them to the kernel (through ctypes, on a socket CPython created), and
  the kernel's answer -- read both with CPython's ``getsockname()`` and as raw
  bytes from libc ``getsockname()`` -- must agree: ``decode(raw)`` equals
  CPython's tuple, ``parse(raw)`` round-trips to ``raw`` and its C fields say
  what the kernel did (``sll_ifindex == if_nametoindex('lo')``...);
* reverse: a socket bound by CPython, its raw name decoded, and
  ``encode(getsockname())`` accepted by the kernel again (a second bind, a
  connect, a sendto);
* errors: the bytes we make for an address CPython accepts but the kernel
  refuses give the errno CPython's own call gives.

Also the peer paths (``getpeername``, ``accept``, ``recvfrom``) where they are
cheap, and hypothesis properties over INET/INET6 ports and UNIX abstract names.

AF_VSOCK carries this machine's control channel: its tests only create, bind
and read names (never connect, listen or send).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import random
import re
import select
import socket
import struct
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import sockaddr
from sockaddr import Sockaddr

# --------------------------------------------------------------------------
# libc through ctypes

socklen_t = ctypes.c_uint32
_STORAGE = 128                   # sizeof(struct sockaddr_storage)

_libc = ctypes.CDLL(None, use_errno=True)
_libc.bind.argtypes = [ctypes.c_int, ctypes.c_char_p, socklen_t]
_libc.bind.restype = ctypes.c_int
_libc.connect.argtypes = [ctypes.c_int, ctypes.c_char_p, socklen_t]
_libc.connect.restype = ctypes.c_int
_libc.getsockname.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.POINTER(socklen_t)]
_libc.getsockname.restype = ctypes.c_int
_libc.getpeername.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.POINTER(socklen_t)]
_libc.getpeername.restype = ctypes.c_int
_libc.accept.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.POINTER(socklen_t)]
_libc.accept.restype = ctypes.c_int
_libc.recvfrom.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int,
                           ctypes.c_void_p, ctypes.POINTER(socklen_t)]
_libc.recvfrom.restype = ctypes.c_ssize_t
_libc.sendto.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int,
                         ctypes.c_char_p, socklen_t]
_libc.sendto.restype = ctypes.c_ssize_t


def _raise_errno() -> None:
    code = ctypes.get_errno()
    raise OSError(code, os.strerror(code))


def libc_bind(sock: socket.socket, data: bytes) -> None:
    """``bind(fd, data, len(data))``; OSError with the kernel's errno."""
    if _libc.bind(sock.fileno(), data, len(data)) != 0:
        _raise_errno()


def libc_connect(sock: socket.socket, data: bytes) -> None:
    """``connect(fd, data, len(data))`` on a blocking socket."""
    if _libc.connect(sock.fileno(), data, len(data)) != 0:
        _raise_errno()


def _name(call: Callable[..., int], sock: socket.socket) -> bytes:
    buf = ctypes.create_string_buffer(_STORAGE)
    size = socklen_t(_STORAGE)
    if call(sock.fileno(), ctypes.cast(buf, ctypes.c_void_p), ctypes.byref(size)) != 0:
        _raise_errno()
    # The kernel returns the real length, which may exceed the buffer.
    assert size.value <= _STORAGE
    return buf.raw[:size.value]


def libc_getsockname(sock: socket.socket) -> bytes:
    """The exact bytes (and addrlen) the kernel reports as the socket's name."""
    return _name(_libc.getsockname, sock)


def libc_getpeername(sock: socket.socket) -> bytes:
    """The exact bytes the kernel reports as the peer's name."""
    return _name(_libc.getpeername, sock)


def _wait_readable(sock: socket.socket, timeout: float = 2.0) -> None:
    ready, _, _ = select.select([sock], [], [], timeout)
    if not ready:
        pytest.fail(f"{sock!r} not readable within {timeout} s")


def libc_accept(sock: socket.socket) -> tuple[socket.socket, bytes]:
    """``accept()`` with a sockaddr_storage buffer: (new socket, peer bytes)."""
    _wait_readable(sock)
    buf = ctypes.create_string_buffer(_STORAGE)
    size = socklen_t(_STORAGE)
    fd = _libc.accept(sock.fileno(), ctypes.cast(buf, ctypes.c_void_p), ctypes.byref(size))
    if fd < 0:
        _raise_errno()
    return socket.socket(fileno=fd), buf.raw[:size.value]


def libc_recvfrom(sock: socket.socket, bufsize: int = 4096) -> tuple[bytes, bytes]:
    """``recvfrom()``: (data, source address bytes; empty when addrlen is 0)."""
    _wait_readable(sock)
    data = ctypes.create_string_buffer(bufsize)
    buf = ctypes.create_string_buffer(_STORAGE)
    size = socklen_t(_STORAGE)
    got = _libc.recvfrom(sock.fileno(), ctypes.cast(data, ctypes.c_void_p), bufsize, 0,
                         ctypes.cast(buf, ctypes.c_void_p), ctypes.byref(size))
    if got < 0:
        _raise_errno()
    return data.raw[:got], buf.raw[:size.value]


def libc_sendto(sock: socket.socket, payload: bytes, address: bytes) -> int:
    """``sendto(fd, payload, ..., address, len(address))``."""
    sent = _libc.sendto(sock.fileno(), payload, len(payload), 0, address, len(address))
    if sent < 0:
        _raise_errno()
    return int(sent)


def errno_of(call: Callable[[], object]) -> int:
    """The errno ``call`` fails with (0 when it succeeds)."""
    try:
        call()
    except OSError as exc:
        return exc.errno or 0
    return 0


# --------------------------------------------------------------------------
# Sockets, skips, shared checks

NOT_ROOT = os.geteuid() != 0
needs_root_packet = pytest.mark.skipif(NOT_ROOT, reason="AF_PACKET needs root (CAP_NET_RAW)")
needs_root_groups = pytest.mark.skipif(
    NOT_ROOT, reason="netlink multicast groups need root (CAP_NET_ADMIN)")
needs_root_unicast = pytest.mark.skipif(
    NOT_ROOT, reason="netlink unicast to a user socket needs root (CAP_NET_ADMIN)")
needs_root_port = pytest.mark.skipif(
    NOT_ROOT, reason="ports below 1024 need root (CAP_NET_BIND_SERVICE)")

IPV6_FLOWLABEL_MGR = 32            # <linux/in6.h>
IPV6_FLOWINFO_SEND = 33
IPV6_FREEBIND = 78                 # bind a non-local address (fe80::1 on lo) without config
IPV6_FL_F_CREATE = 1
IPV6_FL_S_EXCL = 1
ETH_P_ALL = 0x0003
ETH_P_IP = 0x0800
ETH_P_IPV6 = 0x86DD
ETH_P_LOCAL_EXP = 0x88B5          # IEEE 802 local experimental ethertype
PACKET_HOST = 0
PACKET_OTHERHOST = 3
PACKET_OUTGOING = 4
NLMSG_NOOP = 1
NLM_F_ACK = 4
NLMSG_ERROR = 2

LO = socket.if_nametoindex("lo")


def _unsupported(family: int, exc: OSError) -> bool:
    return exc.errno in (errno.EAFNOSUPPORT, errno.EPROTONOSUPPORT, errno.ESOCKTNOSUPPORT) or (
        family == socket.AF_VSOCK and exc.errno == errno.ENODEV)


def new_socket(family: int, type_: int, proto: int = 0) -> socket.socket:
    """``socket.socket()``; skips when this kernel lacks the family."""
    try:
        return socket.socket(family, type_, proto)
    except OSError as exc:
        if _unsupported(family, exc):
            pytest.skip(f"kernel lacks {socket.AddressFamily(family).name} "
                        f"type {type_}: socket() raised {errno.errorcode[exc.errno or 0]}")
        raise


SocketMaker = Callable[..., socket.socket]


@pytest.fixture
def sockets() -> Iterator[SocketMaker]:
    """A socket factory; every socket it made is closed after the test."""
    opened: list[socket.socket] = []

    def make(family: int, type_: int, proto: int = 0) -> socket.socket:
        sock = new_socket(family, type_, proto)
        opened.append(sock)
        return sock

    yield make
    for sock in opened:
        sock.close()


@contextlib.contextmanager
def one_socket(family: int, type_: int, proto: int = 0) -> Iterator[socket.socket]:
    """A socket closed on exit (for hypothesis bodies, which cannot use fixtures)."""
    with new_socket(family, type_, proto) as sock:
        yield sock


@pytest.fixture
def short_dir() -> Iterator[Path]:
    """A short directory in /tmp, so that 107-byte AF_UNIX paths fit."""
    with tempfile.TemporaryDirectory(prefix="sk", dir="/tmp") as name:
        yield Path(name)


def kernel_name(sock: socket.socket) -> tuple[bytes, Sockaddr]:
    """The kernel's name of ``sock``: raw bytes and record, checked against CPython.

    ``decode(raw) == sock.getsockname()``, ``bytes(parse(raw)) == raw``, and
    the record's own view of the address and family agree.
    """
    raw = libc_getsockname(sock)
    cpython = sock.getsockname()
    assert sockaddr.decode(raw, proto=sock.proto) == cpython
    rec = sockaddr.parse(raw, proto=sock.proto)
    assert bytes(rec) == raw
    assert rec.family == sock.family
    assert rec.address == cpython
    return raw, rec


def peer_name(sock: socket.socket) -> bytes:
    """The kernel's peer name of ``sock``, checked against CPython's getpeername."""
    raw = libc_getpeername(sock)
    assert sockaddr.decode(raw, proto=sock.proto) == sock.getpeername()
    assert bytes(sockaddr.parse(raw, proto=sock.proto)) == raw
    return raw


def _port_range() -> tuple[int, int]:
    low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
    return int(low), int(high)


EPHEMERAL = _port_range()


def bind_free(sock: socket.socket, data_for: Callable[[int], bytes], low: int, high: int,
              tries: int = 50) -> int:
    """libc-bind ``data_for(port)`` for a random free port in [low, high]."""
    for _ in range(tries):
        port = random.randint(low, high)
        try:
            libc_bind(sock, data_for(port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                continue
            raise
        return port
    pytest.fail(f"no free port in {low}-{high} after {tries} tries")


# --------------------------------------------------------------------------
# AF_UNIX

AUTOBIND = re.compile(rb"\x00[0-9a-f]{5}")


def _unix_cases(base: Path) -> list[tuple[str, object, object]]:
    """(id, address given to encode, what the kernel must report)."""
    tag = os.urandom(6).hex().encode()
    root = os.fsencode(base)
    room = 107 - len(root) - 1                     # 107 bytes + the NUL = 108
    return [
        ("path-str", str(base / "s"), str(base / "s")),
        ("path-bytes", root + b"/b", str(base / "b")),
        ("path-non-utf8", root + b"/\xff\xfe", os.fsdecode(root + b"/\xff\xfe")),
        ("path-107-bytes", root + b"/" + b"p" * room, os.fsdecode(root + b"/" + b"p" * room)),
        # CPython sends addrlen 2+len+1; the kernel stops at the first NUL.
        ("path-embedded-nul", root + b"/n\x00tail", str(base / "n")),
        ("abstract", b"\x00sockaddr-" + tag, b"\x00sockaddr-" + tag),
        ("abstract-nuls", b"\x00\x00" + tag + b"\x00\x00", b"\x00\x00" + tag + b"\x00\x00"),
        ("abstract-108", b"\x00" + tag + b"x" * (107 - len(tag)),
         b"\x00" + tag + b"x" * (107 - len(tag))),
        ("abstract-bytearray", bytearray(b"\x00ba-" + tag), b"\x00ba-" + tag),
        ("autobind-str", "", AUTOBIND),
        ("autobind-bytes", b"", AUTOBIND),
    ]


UNIX_CASE_IDS = [case[0] for case in _unix_cases(Path("/tmp/x"))]


@pytest.mark.parametrize("type_", [socket.SOCK_DGRAM, socket.SOCK_STREAM],
                         ids=["dgram", "stream"])
@pytest.mark.parametrize("case", UNIX_CASE_IDS)
def test_unix_bind_our_bytes(sockets: SocketMaker, short_dir: Path, case: str,
                             type_: int) -> None:
    _, address, expected = next(c for c in _unix_cases(short_dir) if c[0] == case)
    sock = sockets(socket.AF_UNIX, type_)
    data = sockaddr.encode(socket.AF_UNIX, address, caller="bind")
    libc_bind(sock, data)
    raw, rec = kernel_name(sock)
    name = sock.getsockname()
    if isinstance(expected, re.Pattern):
        assert isinstance(name, bytes)
        assert expected.fullmatch(name), name
        assert len(raw) == 2 + 6
    else:
        assert name == expected
    assert rec.sun_family == socket.AF_UNIX
    # Path names come back with their NUL (2 + len + 1), abstract ones without.
    path = bytes(rec.sun_path)[:len(raw) - 2]
    assert path == (os.fsencode(name) + b"\x00" if isinstance(name, str) else name)


def test_unix_unnamed_socketpair() -> None:
    left, right = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    with left, right:
        raw, rec = kernel_name(left)
        assert raw == struct.pack("=H", socket.AF_UNIX)      # addrlen 2: unnamed
        assert left.getsockname() == "" == sockaddr.decode(raw)
        assert peer_name(left) == raw
        assert rec.length == 2


def test_unix_path_of_108_bytes_truncated_buffer(sockets: SocketMaker, short_dir: Path) -> None:
    """108 non-NUL bytes: CPython refuses them, libc bind does not; read 110 bytes back."""
    root = os.fsencode(short_dir) + b"/"
    path = root + b"q" * (108 - len(root))
    sock = sockets(socket.AF_UNIX, socket.SOCK_DGRAM)
    libc_bind(sock, struct.pack("=H", socket.AF_UNIX) + path)
    raw = libc_getsockname(sock)
    assert len(raw) == 111                       # the kernel appends the NUL
    # What CPython's sizeof(sockaddr_un) buffer holds: the first 110 bytes.
    assert sockaddr.decode(raw[:110]) == sock.getsockname() == os.fsdecode(path)


def test_unix_path_of_108_bytes_full_addrlen(sockets: SocketMaker, short_dir: Path) -> None:
    root = os.fsencode(short_dir) + b"/"
    path = root + b"q" * (108 - len(root))
    sock = sockets(socket.AF_UNIX, socket.SOCK_DGRAM)
    libc_bind(sock, struct.pack("=H", socket.AF_UNIX) + path)
    raw = libc_getsockname(sock)
    assert len(raw) == 111
    assert sockaddr.decode(raw) == sock.getsockname()
    assert bytes(sockaddr.parse(raw)) == raw


@pytest.mark.parametrize("kind", ["path", "abstract", "autobind"])
def test_unix_reverse_dgram(sockets: SocketMaker, short_dir: Path, kind: str) -> None:
    """CPython binds; its name, encoded by us, is what a peer connects and sends to."""
    choices: dict[str, str | bytes] = {
        "path": str(short_dir / "srv"),
        "abstract": b"\x00sockaddr-rev-" + os.urandom(6).hex().encode(),
        "autobind": "",
    }
    address = choices[kind]
    server = sockets(socket.AF_UNIX, socket.SOCK_DGRAM)
    server.bind(address)
    raw, _ = kernel_name(server)
    again = sockaddr.encode(socket.AF_UNIX, server.getsockname(), caller="connect")
    assert again == raw

    client = sockets(socket.AF_UNIX, socket.SOCK_DGRAM)
    libc_connect(client, again)
    assert sockaddr.decode(peer_name(client)) == server.getsockname()

    # Unbound sender: recvfrom gives addrlen 0 -> None, in both.
    client.send(b"one")
    data, source = libc_recvfrom(server)
    assert (data, source) == (b"one", b"")
    assert sockaddr.decode(source) is None
    client.send(b"two")
    assert server.recvfrom(16) == (b"two", None)

    # A bound sender: its name arrives.
    sender = sockets(socket.AF_UNIX, socket.SOCK_DGRAM)
    sender.bind(str(short_dir / "snd"))
    libc_sendto(sender, b"three", again)
    data, source = libc_recvfrom(server)
    assert data == b"three"
    assert sockaddr.decode(source) == sender.getsockname() == str(short_dir / "snd")
    sender.sendto(b"four", server.getsockname())
    assert server.recvfrom(16) == (b"four", sender.getsockname())


@pytest.mark.parametrize("client_name", ["unbound", "abstract", "path"])
def test_unix_stream_accept_and_peer(sockets: SocketMaker, short_dir: Path,
                                     client_name: str) -> None:
    server = sockets(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(short_dir / "listen"))
    server.listen(4)
    target = sockaddr.encode(socket.AF_UNIX, server.getsockname(), caller="connect")

    def client() -> socket.socket:
        sock = sockets(socket.AF_UNIX, socket.SOCK_STREAM)
        if client_name == "abstract":
            sock.bind(b"\x00sockaddr-cl-" + os.urandom(6).hex().encode())
        elif client_name == "path":
            sock.bind(str(short_dir / f"cl{random.randrange(10**6)}"))
        libc_connect(sock, target)
        assert sockaddr.decode(peer_name(sock)) == server.getsockname()
        return sock

    first = client()
    conn, raw = libc_accept(server)
    with conn:
        assert sockaddr.decode(raw) == first.getsockname()
        assert bytes(sockaddr.parse(raw)) == raw
        assert sockaddr.decode(peer_name(conn)) == first.getsockname()
        if client_name == "unbound":
            assert raw == struct.pack("=H", socket.AF_UNIX)
    second = client()
    conn2, address = server.accept()
    with conn2:
        assert address == second.getsockname()
        assert type(address) is type(sockaddr.decode(raw))


@dataclass(frozen=True)
class ErrorCase:
    """One address CPython accepts and the kernel refuses."""

    id: str
    family: int
    type_: int
    address: Callable[[Path], Any]
    errno: int
    setup: Callable[[socket.socket, Path], None] | None = None   # on each socket first
    proto: int = 0
    call: str = "bind"


def _occupy_path(sock: socket.socket, base: Path) -> None:
    (base / "taken").touch(exist_ok=True)


_TAKEN_ABSTRACT = b"\x00sockaddr-taken-" + os.urandom(6).hex().encode()


def _already_bound(sock: socket.socket, base: Path) -> None:
    sock.bind("")


def _v6only(sock: socket.socket, base: Path) -> None:
    sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)


def _freebind(sock: socket.socket, base: Path) -> None:
    sock.setsockopt(socket.IPPROTO_IPV6, IPV6_FREEBIND, 1)


def _flowlabel_request(label: int) -> bytes:
    """``struct in6_flowlabel_req`` creating an exclusive label towards ::1."""
    return (socket.inet_pton(socket.AF_INET6, "::1") + struct.pack("!I", label)
            + struct.pack("=BBHHHI", 0, IPV6_FL_S_EXCL, IPV6_FL_F_CREATE, 0, 0, 0))


def own_flowlabel(sock: socket.socket, low: int, high: int) -> int:
    """Register an exclusive flow label in [low, high] on ``sock``; returns it.

    Labels are global and linger after their socket closes (EPERM): retry.
    """
    for _ in range(20):
        label = random.randint(low, high)
        try:
            sock.setsockopt(socket.IPPROTO_IPV6, IPV6_FLOWLABEL_MGR, _flowlabel_request(label))
        except OSError as exc:
            if exc.errno in (errno.EPERM, errno.EEXIST):
                continue
            raise
        return label
    pytest.fail("no free IPv6 flow label")


def _sndflow(sock: socket.socket, base: Path) -> None:
    # The kernel checks labels only while some exclusive label exists (a static
    # key): own one, so that connecting with another (0x54321) is refused.
    own_flowlabel(sock, 1, 0x3FFFF)
    sock.setsockopt(socket.IPPROTO_IPV6, IPV6_FLOWINFO_SEND, 1)


def _missing_ifindex() -> int:
    return max(index for index, _ in socket.if_nameindex()) + 1000


def _netlink_autobind(sock: socket.socket, base: Path) -> None:
    sock.bind((0, 0))


ERROR_CASES = [
    ErrorCase("unix-missing-dir", socket.AF_UNIX, socket.SOCK_DGRAM,
              lambda base: str(base / "nodir" / "s"), errno.ENOENT),
    ErrorCase("unix-path-exists", socket.AF_UNIX, socket.SOCK_DGRAM,
              lambda base: str(base / "taken"), errno.EADDRINUSE, _occupy_path),
    ErrorCase("unix-already-bound", socket.AF_UNIX, socket.SOCK_DGRAM,
              lambda base: b"\x00sockaddr-again-" + os.urandom(4).hex().encode(),
              errno.EINVAL, _already_bound),
    ErrorCase("unix-connect-nobody", socket.AF_UNIX, socket.SOCK_STREAM,
              lambda base: str(base / "nobody"), errno.ENOENT, call="connect"),
    ErrorCase("unix-connect-abstract-nobody", socket.AF_UNIX, socket.SOCK_STREAM,
              lambda base: b"\x00sockaddr-nobody-" + os.urandom(6).hex().encode(),
              errno.ECONNREFUSED, call="connect"),
    ErrorCase("inet-not-local", socket.AF_INET, socket.SOCK_DGRAM,
              lambda base: ("198.51.100.1", 0), errno.EADDRNOTAVAIL),
    ErrorCase("inet-tcp-connect-refused", socket.AF_INET, socket.SOCK_STREAM,
              lambda base: ("127.0.0.1", 1), errno.ECONNREFUSED, call="connect"),
    ErrorCase("inet6-link-local-scope-0", socket.AF_INET6, socket.SOCK_DGRAM,
              lambda base: ("fe80::1", 0, 0, 0), errno.EINVAL, _freebind),
    # CPython drops a %scope written in the host: the tuple's 0 wins.
    ErrorCase("inet6-link-local-percent-scope", socket.AF_INET6, socket.SOCK_DGRAM,
              lambda base: (f"fe80::1%{LO}", 0), errno.EINVAL, _freebind),
    ErrorCase("inet6-link-local-missing-ifindex", socket.AF_INET6, socket.SOCK_DGRAM,
              lambda base: ("fe80::1", 0, 0, _missing_ifindex()), errno.ENODEV),
    ErrorCase("inet6-link-local-not-on-lo", socket.AF_INET6, socket.SOCK_DGRAM,
              lambda base: ("fe80::1", 0, 0, LO), errno.EADDRNOTAVAIL),
    ErrorCase("inet6-not-local", socket.AF_INET6, socket.SOCK_DGRAM,
              lambda base: ("2001:db8::1", 0), errno.EADDRNOTAVAIL),
    ErrorCase("inet6-v4mapped-on-v6only", socket.AF_INET6, socket.SOCK_DGRAM,
              lambda base: ("::ffff:127.0.0.1", 0), errno.EINVAL, _v6only),
    ErrorCase("inet6-tcp-multicast", socket.AF_INET6, socket.SOCK_STREAM,
              lambda base: ("ff02::1", 0, 0, LO), errno.EINVAL),
    ErrorCase("inet6-unregistered-flowlabel", socket.AF_INET6, socket.SOCK_DGRAM,
              lambda base: ("::1", 9, 0x54321, 0), errno.EINVAL, _sndflow, call="connect"),
    ErrorCase("netlink-rebind-other-pid", socket.AF_NETLINK, socket.SOCK_RAW,
              lambda base: (random.randint(2**31, 2**31 + 2**30), 0), errno.EINVAL,
              _netlink_autobind, proto=socket.NETLINK_ROUTE),
]


@pytest.mark.parametrize("case", ERROR_CASES, ids=[case.id for case in ERROR_CASES])
def test_kernel_errno_matches_cpython(sockets: SocketMaker, short_dir: Path,
                                      case: ErrorCase) -> None:
    address = case.address(short_dir)
    ours = sockets(case.family, case.type_, case.proto)
    theirs = sockets(case.family, case.type_, case.proto)
    if case.setup is not None:
        case.setup(ours, short_dir)
        case.setup(theirs, short_dir)
    data = sockaddr.encode(case.family, address, caller=case.call)
    libc_call = libc_bind if case.call == "bind" else libc_connect
    cpython_call = theirs.bind if case.call == "bind" else theirs.connect
    assert errno_of(lambda: libc_call(ours, data)) == case.errno
    assert errno_of(lambda: cpython_call(address)) == case.errno


def test_address_in_use_matches_cpython(sockets: SocketMaker) -> None:
    """One address held by a socket: the second bind fails alike, in four families."""
    holder = sockets(socket.AF_UNIX, socket.SOCK_DGRAM)
    holder.bind(_TAKEN_ABSTRACT)
    nl = sockets(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    nl.bind((0, 0))
    v4 = sockets(socket.AF_INET, socket.SOCK_DGRAM)
    v4.bind(("127.0.0.1", 0))
    v6 = sockets(socket.AF_INET6, socket.SOCK_STREAM)
    v6.bind(("::1", 0))
    for held in (holder, nl, v4, v6):
        address = held.getsockname()
        data = sockaddr.encode(held.family, address)
        ours = sockets(held.family, held.type, held.proto)
        theirs = sockets(held.family, held.type, held.proto)
        assert errno_of(lambda: libc_bind(ours, data)) == errno.EADDRINUSE  # noqa: B023
        assert errno_of(lambda: theirs.bind(address)) == errno.EADDRINUSE  # noqa: B023


# --------------------------------------------------------------------------
# AF_INET

INET_CASES = [
    # (id, host given, host the kernel reports, socket types)
    ("loopback", "127.0.0.1", "127.0.0.1"),
    ("loopback-high", "127.255.255.254", "127.255.255.254"),
    ("glibc-short-form", "127.1", "127.0.0.1"),
    ("glibc-hex-form", "0x7f.0.0.2", "127.0.0.2"),
    ("v4-mapped-literal", "::ffff:127.0.0.3", "127.0.0.3"),
    ("empty-is-any", "", "0.0.0.0"),
    ("any", "0.0.0.0", "0.0.0.0"),
    ("broadcast-name", "<broadcast>", "255.255.255.255"),
    ("multicast", "224.0.0.1", "224.0.0.1"),
    ("bytes-host", b"127.0.0.4", "127.0.0.4"),
]


@pytest.mark.parametrize("fixed", [False, True], ids=["port0", "fixed-port"])
@pytest.mark.parametrize("type_", [socket.SOCK_DGRAM, socket.SOCK_STREAM],
                         ids=["udp", "tcp"])
@pytest.mark.parametrize(("host", "reported"), [c[1:] for c in INET_CASES],
                         ids=[c[0] for c in INET_CASES])
def test_inet_bind_our_bytes(sockets: SocketMaker, host: str | bytes, reported: str,
                             type_: int, fixed: bool) -> None:
    sock = sockets(socket.AF_INET, type_)
    if fixed:
        port = bind_free(sock, lambda p: sockaddr.encode(socket.AF_INET, (host, p)),
                         *EPHEMERAL)
    else:
        libc_bind(sock, sockaddr.encode(socket.AF_INET, (host, 0), caller="bind"))
    raw, rec = kernel_name(sock)
    got_host, got_port = sock.getsockname()
    assert got_host == reported
    assert got_port == port if fixed else got_port > 0
    assert len(raw) == 16
    assert rec.sin_port == got_port
    assert rec.sin_addr["s_addr"] == int.from_bytes(socket.inet_aton(reported), "big")
    assert rec.sin_zero == bytes(8)


@needs_root_port
@pytest.mark.root
def test_inet_privileged_port(sockets: SocketMaker) -> None:
    sock = sockets(socket.AF_INET, socket.SOCK_DGRAM)
    port = bind_free(sock, lambda p: sockaddr.encode(socket.AF_INET, ("127.0.0.1", p)),
                     600, 1023)
    kernel_name(sock)
    assert sock.getsockname() == ("127.0.0.1", port)


def test_inet_unbound_name(sockets: SocketMaker) -> None:
    sock = sockets(socket.AF_INET, socket.SOCK_DGRAM)
    raw, _ = kernel_name(sock)
    assert sock.getsockname() == ("0.0.0.0", 0)
    assert raw == sockaddr.encode(socket.AF_INET, ("0.0.0.0", 0))


def _udp_reverse(sockets: SocketMaker, family: int, address: tuple[object, ...],
                 setup: Callable[[socket.socket], None] | None = None) -> None:
    """CPython binds ``address``; we connect to its name and both read the datagrams."""
    server = sockets(family, socket.SOCK_DGRAM)
    server.bind(address)
    raw, _ = kernel_name(server)
    target = sockaddr.encode(family, server.getsockname(), caller="connect")
    assert target == raw

    client = sockets(family, socket.SOCK_DGRAM)
    if setup is not None:
        setup(client)
    libc_connect(client, target)
    assert sockaddr.decode(peer_name(client)) == server.getsockname()
    kernel_name(client)                              # the autobound source

    client.send(b"via libc")
    data, source = libc_recvfrom(server)
    assert data == b"via libc"
    assert sockaddr.decode(source) == client.getsockname()
    assert bytes(sockaddr.parse(source)) == source
    client.send(b"via cpython")
    assert server.recvfrom(64) == (b"via cpython", client.getsockname())

    # And back: the server sends to the client's name as we encode it.
    libc_sendto(server, b"reply", sockaddr.encode(family, client.getsockname()))
    data, source = libc_recvfrom(client)
    assert data == b"reply"
    assert sockaddr.decode(source) == server.getsockname()


def _tcp_reverse(sockets: SocketMaker, family: int, address: tuple[object, ...]) -> None:
    server = sockets(family, socket.SOCK_STREAM)
    server.bind(address)
    server.listen(4)
    raw, _ = kernel_name(server)
    client = sockets(family, socket.SOCK_STREAM)
    libc_connect(client, sockaddr.encode(family, server.getsockname(), caller="connect"))
    assert sockaddr.decode(peer_name(client)) == server.getsockname()
    conn, peer = libc_accept(server)
    with conn:
        assert sockaddr.decode(peer) == client.getsockname()
        assert sockaddr.decode(peer_name(conn)) == client.getsockname()
        assert kernel_name(conn)[0] == raw
    second = sockets(family, socket.SOCK_STREAM)
    second.connect(server.getsockname())
    conn2, peer2 = server.accept()
    with conn2:
        assert peer2 == second.getsockname()


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.9"])
def test_inet_reverse_udp(sockets: SocketMaker, host: str) -> None:
    _udp_reverse(sockets, socket.AF_INET, (host, 0))


def test_inet_reverse_tcp(sockets: SocketMaker) -> None:
    _tcp_reverse(sockets, socket.AF_INET, ("127.0.0.1", 0))


# --------------------------------------------------------------------------
# AF_INET6

@dataclass(frozen=True)
class V6Case:
    """An INET6 tuple to bind and the (host, flowinfo, scope) the kernel reports."""

    id: str
    address: tuple[object, ...]
    reported: tuple[str, int, int]
    udp_only: bool = False
    freebind: bool = False


V6_CASES = [
    V6Case("loopback-pair", ("::1", 0), ("::1", 0, 0)),
    V6Case("loopback-4-tuple", ("::1", 0, 0, 0), ("::1", 0, 0)),
    V6Case("any", ("::", 0), ("::", 0, 0)),
    V6Case("empty-is-any", ("", 0), ("::", 0, 0)),
    V6Case("v4-mapped", ("::ffff:127.0.0.1", 0), ("::ffff:127.0.0.1", 0, 0)),
    # bind() ignores sin6_flowinfo; getsockname() reports 0.
    V6Case("flowinfo-ignored", ("::1", 0, 0x12345, 0), ("::1", 0, 0)),
    V6Case("flowinfo-max-ignored", ("::1", 0, 0xFFFFF, 0), ("::1", 0, 0)),
    # A scope on a global-scope address is accepted and dropped by the kernel.
    V6Case("loopback-with-scope", ("::1", 0, 0, LO), ("::1", 0, 0)),
    V6Case("link-local-on-lo", ("fe80::1", 0, 0, LO), ("fe80::1", 0, LO), freebind=True),
    V6Case("link-local-percent-and-scope", (f"fe80::1:2%{LO}", 0, 0, LO),
           ("fe80::1:2", 0, LO), freebind=True),
    V6Case("link-local-flowinfo", ("fe80::abcd", 0, 0x7FFFF, LO), ("fe80::abcd", 0, LO),
           freebind=True),
    V6Case("multicast-link-scope", ("ff02::1", 0, 0, LO), ("ff02::1", 0, LO), udp_only=True),
    V6Case("documentation-freebind", ("2001:db8::1", 0), ("2001:db8::1", 0, 0),
           freebind=True),
    V6Case("bytes-host", (b"::1", 0), ("::1", 0, 0)),
]


# Multicast names are UDP only: TCP gets EINVAL (see the errno tests).
V6_PARAMS = [pytest.param(case, type_, id=f"{case.id}-{name}")
             for case in V6_CASES
             for type_, name in ((socket.SOCK_DGRAM, "udp"), (socket.SOCK_STREAM, "tcp"))
             if not (case.udp_only and type_ == socket.SOCK_STREAM)]


@pytest.mark.parametrize("fixed", [False, True], ids=["port0", "fixed-port"])
@pytest.mark.parametrize(("case", "type_"), V6_PARAMS)
def test_inet6_bind_our_bytes(sockets: SocketMaker, case: V6Case, type_: int,
                              fixed: bool) -> None:
    sock = sockets(socket.AF_INET6, type_)
    if case.freebind:
        sock.setsockopt(socket.IPPROTO_IPV6, IPV6_FREEBIND, 1)
    host, _, *rest = case.address

    def data_for(port: int) -> bytes:
        return sockaddr.encode(socket.AF_INET6, (host, port, *rest), caller="bind")

    if fixed:
        port = bind_free(sock, data_for, *EPHEMERAL)
    else:
        libc_bind(sock, data_for(0))
    raw, rec = kernel_name(sock)
    got_host, got_port, flowinfo, scope_id = sock.getsockname()
    assert (got_host, flowinfo, scope_id) == case.reported
    assert got_port == port if fixed else got_port > 0
    assert len(raw) == 28
    assert rec.sin6_port == got_port
    assert rec.sin6_flowinfo == flowinfo
    assert rec.sin6_scope_id == scope_id
    assert rec.sin6_addr["s6_addr"] == socket.inet_pton(socket.AF_INET6, got_host)


def test_inet6_rfc2133_length_accepted(sockets: SocketMaker) -> None:
    """The kernel still takes the 24-byte sockaddr_in6; we decode and parse it too."""
    short = sockaddr.encode(socket.AF_INET6, ("::1", 0))[:24]
    assert sockaddr.decode(short) == ("::1", 0, 0, 0)
    assert bytes(sockaddr.parse(short)) == short
    sock = sockets(socket.AF_INET6, socket.SOCK_DGRAM)
    libc_bind(sock, short)
    raw, _ = kernel_name(sock)
    assert len(raw) == 28
    assert sock.getsockname()[0] == "::1"


def test_inet6_unbound_name(sockets: SocketMaker) -> None:
    sock = sockets(socket.AF_INET6, socket.SOCK_STREAM)
    raw, _ = kernel_name(sock)
    assert sock.getsockname() == ("::", 0, 0, 0)
    assert raw == sockaddr.encode(socket.AF_INET6, ("::", 0))


def test_inet6_reverse_udp_loopback(sockets: SocketMaker) -> None:
    _udp_reverse(sockets, socket.AF_INET6, ("::1", 0))


def test_inet6_dual_stack_recvfrom(sockets: SocketMaker) -> None:
    """An IPv4 sender seen by an IPv6 socket: a v4-mapped sockaddr_in6."""
    server = sockets(socket.AF_INET6, socket.SOCK_DGRAM)
    server.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    libc_bind(server, sockaddr.encode(socket.AF_INET6, ("::", 0)))
    port = server.getsockname()[1]
    client = sockets(socket.AF_INET, socket.SOCK_DGRAM)
    libc_sendto(client, b"v4", sockaddr.encode(socket.AF_INET, ("127.0.0.1", port)))
    data, source = libc_recvfrom(server)
    assert data == b"v4"
    assert len(source) == 28
    expected = ("::ffff:127.0.0.1", client.getsockname()[1], 0, 0)
    assert sockaddr.decode(source) == expected
    client.sendto(b"again", ("127.0.0.1", port))
    assert server.recvfrom(16) == (b"again", expected)
    # Answering to our bytes of that mapped name reaches the IPv4 client.
    libc_sendto(server, b"back", sockaddr.encode(socket.AF_INET6, expected))
    data, source = libc_recvfrom(client)
    assert data == b"back"
    assert sockaddr.decode(source) == ("127.0.0.1", port)


def test_inet6_reverse_udp_link_local(sockets: SocketMaker) -> None:
    """A scoped name (fe80::1%lo) survives CPython -> our bytes -> the kernel."""
    def freebind(sock: socket.socket) -> None:
        sock.setsockopt(socket.IPPROTO_IPV6, IPV6_FREEBIND, 1)

    server = sockets(socket.AF_INET6, socket.SOCK_DGRAM)
    freebind(server)
    server.bind(("fe80::1", 0, 0, LO))
    raw, rec = kernel_name(server)
    assert rec.sin6_scope_id == LO
    name = server.getsockname()
    assert sockaddr.encode(socket.AF_INET6, name) == raw
    twin = sockets(socket.AF_INET6, socket.SOCK_DGRAM)
    freebind(twin)
    assert errno_of(lambda: libc_bind(twin, raw)) == errno.EADDRINUSE
    assert errno_of(lambda: twin.bind(name)) == errno.EADDRINUSE
    server.close()
    libc_bind(twin, sockaddr.encode(socket.AF_INET6, name))
    assert kernel_name(twin)[0] == raw
    assert twin.getsockname() == name


def test_inet6_recvfrom_reports_scope(sockets: SocketMaker) -> None:
    """From fe80::1%lo to ::1: the source carries scope_id = lo, as CPython shows it."""
    receiver = sockets(socket.AF_INET6, socket.SOCK_DGRAM)
    libc_bind(receiver, sockaddr.encode(socket.AF_INET6, ("::1", 0)))
    sender = sockets(socket.AF_INET6, socket.SOCK_DGRAM)
    sender.setsockopt(socket.IPPROTO_IPV6, IPV6_FREEBIND, 1)
    libc_bind(sender, sockaddr.encode(socket.AF_INET6, ("fe80::1", 0, 0, LO)))
    target = sockaddr.encode(socket.AF_INET6, receiver.getsockname())
    libc_sendto(sender, b"scoped", target)
    data, source = libc_recvfrom(receiver)
    assert data == b"scoped"
    assert sockaddr.decode(source) == sender.getsockname() == ("fe80::1",
                                                               sender.getsockname()[1], 0, LO)
    assert sockaddr.parse(source).sin6_scope_id == LO
    libc_sendto(sender, b"again", target)
    assert receiver.recvfrom(16) == (b"again", sender.getsockname())


def test_inet6_flowinfo_in_getpeername(sockets: SocketMaker) -> None:
    """A registered flow label, sent with IPV6_FLOWINFO_SEND, comes back in getpeername.

    The only place the kernel reports a non-zero ``sin6_flowinfo``: checks its
    byte order (``__be32``) both ways.
    """
    server = sockets(socket.AF_INET6, socket.SOCK_DGRAM)
    server.bind(("::1", 0))
    client = sockets(socket.AF_INET6, socket.SOCK_DGRAM)
    label = own_flowlabel(client, 0x10000, 0x7FFFF)   # below the stateless bit 0x80000
    client.setsockopt(socket.IPPROTO_IPV6, IPV6_FLOWINFO_SEND, 1)
    host, port, _, _ = server.getsockname()
    data = sockaddr.encode(socket.AF_INET6, (host, port, label, 0), caller="connect")
    assert sockaddr.parse(data).sin6_flowinfo == label
    libc_connect(client, data)
    raw = peer_name(client)
    assert client.getpeername() == (host, port, label, 0)
    assert raw[4:8] == struct.pack("!I", label)
    assert sockaddr.parse(raw).sin6_flowinfo == label


def test_inet6_reverse_tcp(sockets: SocketMaker) -> None:
    _tcp_reverse(sockets, socket.AF_INET6, ("::1", 0))


# --------------------------------------------------------------------------
# AF_NETLINK

def _netlink(sockets: SocketMaker) -> socket.socket:
    return sockets(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)


def _free_pid() -> int:
    # Above any process id, below the autobind rover (which counts down from -4096).
    return random.randint(2**31, 2**31 + 2**30)


NETLINK_GROUPS = [1, 0x5, 0xFFFFFFFF]


@pytest.mark.parametrize("explicit_pid", [False, True], ids=["autobind", "pid"])
def test_netlink_bind_our_bytes(sockets: SocketMaker, explicit_pid: bool) -> None:
    sock = _netlink(sockets)
    if explicit_pid:
        pid = bind_free(sock, lambda p: sockaddr.encode(socket.AF_NETLINK, (p, 0)),
                        2**31, 2**31 + 2**30)
    else:
        libc_bind(sock, sockaddr.encode(socket.AF_NETLINK, (0, 0)))
    raw, rec = kernel_name(sock)
    got_pid, groups = sock.getsockname()
    assert got_pid == pid if explicit_pid else got_pid != 0
    assert groups == 0
    assert len(raw) == 12
    assert (rec.nl_family, rec.nl_pad, rec.nl_pid, rec.nl_groups) == (
        socket.AF_NETLINK, 0, got_pid, 0)


@needs_root_groups
@pytest.mark.root
@pytest.mark.parametrize("explicit_pid", [False, True], ids=["autobind", "pid"])
@pytest.mark.parametrize("groups", NETLINK_GROUPS, ids=[hex(g) for g in NETLINK_GROUPS])
def test_netlink_bind_groups(sockets: SocketMaker, groups: int, explicit_pid: bool) -> None:
    sock = _netlink(sockets)
    if explicit_pid:
        pid = bind_free(sock, lambda p: sockaddr.encode(socket.AF_NETLINK, (p, groups)),
                        2**31, 2**31 + 2**30)
    else:
        libc_bind(sock, sockaddr.encode(socket.AF_NETLINK, (0, groups)))
    _, rec = kernel_name(sock)
    got_pid, got_groups = sock.getsockname()
    assert got_groups == groups == rec.nl_groups
    assert got_pid == pid if explicit_pid else got_pid != 0


def test_netlink_unbound_name(sockets: SocketMaker) -> None:
    sock = _netlink(sockets)
    raw, _ = kernel_name(sock)
    assert sock.getsockname() == (0, 0)
    assert raw == sockaddr.encode(socket.AF_NETLINK, (0, 0))


@needs_root_unicast
@pytest.mark.root
def test_netlink_reverse_and_recvfrom(sockets: SocketMaker) -> None:
    """CPython binds; a second socket connects to our bytes of its name and sends."""
    server = _netlink(sockets)
    server.bind((_free_pid(), 0))
    raw, _ = kernel_name(server)
    target = sockaddr.encode(socket.AF_NETLINK, server.getsockname(), caller="connect")
    assert target == raw
    client = _netlink(sockets)
    libc_connect(client, target)
    assert sockaddr.decode(peer_name(client)) == server.getsockname()
    # A unicast between two user sockets; the kernel never sees it.
    message = struct.pack("=LHHLL", 16, NLMSG_NOOP, 0, 1, 0)
    client.send(message)
    data, source = libc_recvfrom(server)
    assert data == message
    assert sockaddr.decode(source) == client.getsockname()
    client.send(message)
    assert server.recvfrom(64) == (message, client.getsockname())


def test_netlink_recvfrom_kernel(sockets: SocketMaker) -> None:
    """An ack from the kernel: source pid 0, groups 0."""
    sock = _netlink(sockets)
    libc_bind(sock, sockaddr.encode(socket.AF_NETLINK, (0, 0)))
    request = struct.pack("=LHHLL", 16, NLMSG_NOOP, NLM_F_ACK, 7, 0)
    libc_sendto(sock, request, sockaddr.encode(socket.AF_NETLINK, (0, 0)))
    data, source = libc_recvfrom(sock)
    assert struct.unpack_from("=LHHLL", data)[1] == NLMSG_ERROR
    assert sockaddr.decode(source) == (0, 0)
    assert bytes(sockaddr.parse(source)) == source
    sock.sendto(request, (0, 0))
    _wait_readable(sock)
    assert sock.recvfrom(4096)[1] == (0, 0)


# --------------------------------------------------------------------------
# AF_PACKET

def _sysfs_lo() -> tuple[int, int, bytes]:
    """(hatype, halen, hardware address) of lo, from sysfs: an oracle of its own."""
    base = Path("/sys/class/net/lo")
    hatype = int((base / "type").read_text())
    halen = int((base / "addr_len").read_text())
    address = bytes.fromhex((base / "address").read_text().strip().replace(":", ""))
    return hatype, halen, address


PACKET_CASES = [
    ("all", ("lo", ETH_P_ALL)),
    ("ip", ("lo", ETH_P_IP)),
    ("ipv6-4-tuple", ("lo", ETH_P_IPV6, 0, 0)),
    # bind() uses only protocol and ifindex: pkttype, hatype, addr are ignored.
    ("ignored-fields", ("lo", ETH_P_IP, PACKET_OTHERHOST, 1, b"\x01\x02\x03")),
    ("proto-0", ("lo", 0)),
]


@needs_root_packet
@pytest.mark.root
@pytest.mark.parametrize("type_", [socket.SOCK_RAW, socket.SOCK_DGRAM], ids=["raw", "dgram"])
@pytest.mark.parametrize("address", [c[1] for c in PACKET_CASES],
                         ids=[c[0] for c in PACKET_CASES])
def test_packet_bind_our_bytes(sockets: SocketMaker, address: tuple[object, ...],
                               type_: int) -> None:
    # Protocol 0 at socket(): nothing is queued until bind() names one.
    sock = sockets(socket.AF_PACKET, type_, 0)
    libc_bind(sock, sockaddr.encode(socket.AF_PACKET, address, caller="bind"))
    raw, rec = kernel_name(sock)
    hatype, halen, hwaddr = _sysfs_lo()
    protocol = address[1]
    assert isinstance(protocol, int)
    assert sock.getsockname() == ("lo", protocol, 0, hatype, hwaddr)
    assert len(raw) == 12 + halen                       # the short sockaddr_ll
    assert rec.sll_ifindex == socket.if_nametoindex("lo")
    assert (rec.sll_protocol, rec.sll_hatype, rec.sll_pkttype, rec.sll_halen) == (
        protocol, hatype, 0, halen)
    assert bytes(rec.sll_addr)[:halen] == hwaddr


@needs_root_packet
@pytest.mark.root
def test_packet_unbound_name(sockets: SocketMaker) -> None:
    sock = sockets(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(ETH_P_IP))
    raw, rec = kernel_name(sock)
    assert len(raw) == 12                               # halen 0: no sll_addr at all
    assert sock.getsockname() == ("", ETH_P_IP, 0, 0, b"")
    assert (rec.sll_ifindex, rec.sll_halen) == (0, 0)


@needs_root_packet
@pytest.mark.root
def test_packet_record_bind(sockets: SocketMaker) -> None:
    """A full 20-byte record built by field name is what the kernel binds too."""
    sock = sockets(socket.AF_PACKET, socket.SOCK_RAW, 0)
    rec = Sockaddr.build("sockaddr_ll", sll_protocol=ETH_P_IPV6, sll_ifindex=LO)
    data = sockaddr.encode(socket.AF_PACKET, rec)
    assert len(data) == 20
    libc_bind(sock, data)
    _, got = kernel_name(sock)
    assert (got.sll_protocol, got.sll_ifindex) == (ETH_P_IPV6, LO)


@needs_root_packet
@pytest.mark.root
def test_packet_missing_interface(sockets: SocketMaker) -> None:
    """An unknown name fails before the kernel, with CPython's errno (ENODEV, SIOCGIFINDEX);
    an unknown index in a record is refused by the kernel with ENODEV."""
    name = "skdoesnotexist"
    sock = sockets(socket.AF_PACKET, socket.SOCK_RAW, 0)
    assert errno_of(lambda: sock.bind((name, ETH_P_IP))) == errno.ENODEV
    assert errno_of(lambda: sockaddr.encode(socket.AF_PACKET, (name, ETH_P_IP))) == errno.ENODEV
    rec = Sockaddr.build("sockaddr_ll", sll_protocol=ETH_P_IP, sll_ifindex=_missing_ifindex())
    assert errno_of(lambda: libc_bind(sock, bytes(rec))) == errno.ENODEV


@needs_root_packet
@pytest.mark.root
def test_packet_reverse_and_recvfrom(sockets: SocketMaker) -> None:
    """CPython binds to lo; we rebind, send a frame to our bytes, and read the sources."""
    hatype, _, hwaddr = _sysfs_lo()
    first = sockets(socket.AF_PACKET, socket.SOCK_RAW, 0)
    first.bind(("lo", ETH_P_LOCAL_EXP))
    raw, _ = kernel_name(first)
    name = first.getsockname()
    second = sockets(socket.AF_PACKET, socket.SOCK_RAW, 0)
    libc_bind(second, sockaddr.encode(socket.AF_PACKET, name))       # the full 5-tuple
    assert second.getsockname() == name
    assert libc_getsockname(second) == raw

    # An ETH_P_ALL listener on lo sees our frame twice: outgoing, then looped back.
    listener = sockets(socket.AF_PACKET, socket.SOCK_RAW, 0)
    listener.bind(("lo", ETH_P_ALL))
    sender = sockets(socket.AF_PACKET, socket.SOCK_RAW, 0)
    target = sockaddr.encode(socket.AF_PACKET, ("lo", ETH_P_LOCAL_EXP))
    expected = {("lo", ETH_P_LOCAL_EXP, pkttype, hatype, hwaddr)
                for pkttype in (PACKET_OUTGOING, PACKET_HOST)}

    def frames(read: Callable[[], tuple[bytes, object]], marker: bytes) -> set[object]:
        seen: set[object] = set()
        deadline = time.monotonic() + 3
        while len(seen) < 2 and time.monotonic() < deadline:
            _wait_readable(listener)
            data, source = read()
            if data[12:14] == struct.pack("!H", ETH_P_LOCAL_EXP) and marker in data:
                seen.add(source)
        return seen

    def libc_read() -> tuple[bytes, object]:
        data, source = libc_recvfrom(listener, 65536)
        assert bytes(sockaddr.parse(source)) == source
        return data, sockaddr.decode(source)

    def cpython_read() -> tuple[bytes, object]:
        data, source = listener.recvfrom(65536)
        return data, source

    for read in (libc_read, cpython_read):
        marker = os.urandom(8)
        frame = (bytes(6) + hwaddr + struct.pack("!H", ETH_P_LOCAL_EXP) + marker
                 + bytes(46))
        libc_sendto(sender, frame, target)
        assert frames(read, marker) == expected
    # first/second (bound to ETH_P_LOCAL_EXP) saw the frames as well; not read.


@needs_root_packet
@pytest.mark.root
def test_packet_obsolete_sock_packet(sockets: SocketMaker) -> None:
    """SOCK_PACKET names are a 16-byte ``struct sockaddr`` holding a device name.

    CPython reads them as sockaddr_ll anyway ('lo' becomes sll_protocol
    0x6c6f); decode() must return the same nonsense, parse() keep the bytes.
    """
    sock_packet = 10                                   # SOCK_PACKET, not in `socket`
    sock = sockets(socket.AF_PACKET, sock_packet, socket.htons(ETH_P_LOCAL_EXP))
    raw, _ = kernel_name(sock)                         # unbound: family + 14 zeros
    assert len(raw) == 16
    libc_bind(sock, struct.pack("=H", socket.AF_PACKET) + b"lo".ljust(14, b"\x00"))
    raw, rec = kernel_name(sock)
    assert len(raw) == 16
    assert raw[2:4] == b"lo"
    assert sock.getsockname() == ("", int.from_bytes(b"lo", "big"), 0, 0, b"")
    assert rec.length == 16


# --------------------------------------------------------------------------
# AF_VSOCK: create, bind, getsockname only.

def _vsock(sockets: SocketMaker) -> socket.socket:
    return sockets(socket.AF_VSOCK, socket.SOCK_STREAM)


def _local_cid() -> int:
    try:
        with open("/dev/vsock", "rb") as dev:
            answer = fcntl.ioctl(dev, socket.IOCTL_VM_SOCKETS_GET_LOCAL_CID, bytes(4))
    except OSError as exc:
        pytest.skip(f"no local vsock CID: /dev/vsock ioctl failed ({exc})")
    return int(struct.unpack("=I", answer)[0])


VSOCK_LOW, VSOCK_HIGH = 2**20, 2**31


@pytest.mark.parametrize("kind", ["any-any", "any-fixed", "local-cid-fixed", "flag-to-host"])
def test_vsock_bind_our_bytes(sockets: SocketMaker, kind: str) -> None:
    sock = _vsock(sockets)
    cid = _local_cid() if kind == "local-cid-fixed" else socket.VMADDR_CID_ANY
    port = socket.VMADDR_PORT_ANY
    if kind == "any-any":
        libc_bind(sock, sockaddr.encode(socket.AF_VSOCK, (cid, port)))
    elif kind == "flag-to-host":
        # svm_flags has no place in the tuple; a record sets it.  bind() drops it.
        def record(p: int) -> bytes:
            return sockaddr.encode(socket.AF_VSOCK, Sockaddr.build(
                "sockaddr_vm", svm_cid=cid, svm_port=p, svm_flags=1))
        port = bind_free(sock, record, VSOCK_LOW, VSOCK_HIGH)
    else:
        port = bind_free(sock, lambda p: sockaddr.encode(socket.AF_VSOCK, (cid, p)),
                         VSOCK_LOW, VSOCK_HIGH)
    raw, rec = kernel_name(sock)
    got_cid, got_port = sock.getsockname()
    assert got_cid == cid
    if port == socket.VMADDR_PORT_ANY:
        assert got_port != socket.VMADDR_PORT_ANY
    else:
        assert got_port == port
    assert len(raw) == 16
    assert (rec.svm_family, rec.svm_cid, rec.svm_port, rec.svm_flags, rec.svm_reserved1) == (
        socket.AF_VSOCK, got_cid, got_port, 0, 0)
    assert rec.svm_zero == bytes(3)


@needs_root_port
@pytest.mark.root
def test_vsock_privileged_port(sockets: SocketMaker) -> None:
    sock = _vsock(sockets)
    port = bind_free(sock, lambda p: sockaddr.encode(
        socket.AF_VSOCK, (socket.VMADDR_CID_ANY, p)), 600, 1023)
    kernel_name(sock)
    assert sock.getsockname() == (socket.VMADDR_CID_ANY, port)


def test_vsock_unbound_name(sockets: SocketMaker) -> None:
    sock = _vsock(sockets)
    raw, _ = kernel_name(sock)
    assert sock.getsockname() == (socket.VMADDR_CID_ANY, socket.VMADDR_PORT_ANY)
    assert raw == sockaddr.encode(socket.AF_VSOCK,
                                  (socket.VMADDR_CID_ANY, socket.VMADDR_PORT_ANY))


def test_vsock_reverse(sockets: SocketMaker) -> None:
    """CPython binds; once it is closed, our bytes of its name bind a new socket."""
    first = _vsock(sockets)
    first.bind((socket.VMADDR_CID_ANY, socket.VMADDR_PORT_ANY))
    raw, _ = kernel_name(first)
    again = sockaddr.encode(socket.AF_VSOCK, first.getsockname())
    assert again == raw
    second = _vsock(sockets)
    assert errno_of(lambda: libc_bind(second, again)) == errno.EADDRINUSE
    assert errno_of(lambda: second.bind(first.getsockname())) == errno.EADDRINUSE
    name = first.getsockname()
    first.close()
    libc_bind(second, again)
    assert second.getsockname() == name


def test_vsock_errors(sockets: SocketMaker) -> None:
    """CIDs that are not this machine's, and a flag the kernel does not know."""
    for cid in (socket.VMADDR_CID_HOST, _local_cid() + 1000):
        address = (cid, random.randint(VSOCK_LOW, VSOCK_HIGH))
        ours, theirs = _vsock(sockets), _vsock(sockets)
        data = sockaddr.encode(socket.AF_VSOCK, address)
        assert errno_of(lambda: libc_bind(ours, data)) == errno.EADDRNOTAVAIL  # noqa: B023
        assert errno_of(lambda: theirs.bind(address)) == errno.EADDRNOTAVAIL  # noqa: B023
    rec = Sockaddr.build("sockaddr_vm", svm_cid=socket.VMADDR_CID_ANY,
                         svm_port=random.randint(VSOCK_LOW, VSOCK_HIGH), svm_flags=2)
    sock = _vsock(sockets)
    assert errno_of(lambda: libc_bind(sock, sockaddr.encode(socket.AF_VSOCK, rec))) == (
        errno.EINVAL)


# --------------------------------------------------------------------------
# Properties

PROPERTY = settings(max_examples=50, deadline=None)
ports = st.integers(*EPHEMERAL)


def _bind_or_reject(sock: socket.socket, data: bytes) -> None:
    try:
        libc_bind(sock, data)
    except OSError as exc:
        assume(exc.errno != errno.EADDRINUSE)
        raise


@PROPERTY
@given(port=ports, host=st.tuples(st.integers(0, 255), st.integers(0, 255),
                                  st.integers(1, 254)),
       type_=st.sampled_from([socket.SOCK_DGRAM, socket.SOCK_STREAM]))
def test_property_inet(port: int, host: tuple[int, int, int], type_: int) -> None:
    address = ("127.{}.{}.{}".format(*host), port)
    with one_socket(socket.AF_INET, type_) as sock:
        _bind_or_reject(sock, sockaddr.encode(socket.AF_INET, address))
        kernel_name(sock)
        assert sock.getsockname() == address


@PROPERTY
@given(port=ports, flowinfo=st.integers(0, 0xFFFFF),
       interface_id=st.binary(min_size=8, max_size=8), link_local=st.booleans())
def test_property_inet6(port: int, flowinfo: int, interface_id: bytes,
                        link_local: bool) -> None:
    if link_local:
        host = socket.inet_ntop(socket.AF_INET6, b"\xfe\x80" + bytes(6) + interface_id)
        address = (host, port, flowinfo, LO)
        expected = (host, port, 0, LO)
    else:
        address = ("::1", port, flowinfo, 0)
        expected = ("::1", port, 0, 0)
    with one_socket(socket.AF_INET6, socket.SOCK_DGRAM) as sock:
        sock.setsockopt(socket.IPPROTO_IPV6, IPV6_FREEBIND, 1)
        _bind_or_reject(sock, sockaddr.encode(socket.AF_INET6, address))
        kernel_name(sock)
        assert sock.getsockname() == expected


@PROPERTY
@given(name=st.binary(min_size=0, max_size=107),
       type_=st.sampled_from([socket.SOCK_DGRAM, socket.SOCK_STREAM]))
def test_property_unix_abstract(name: bytes, type_: int) -> None:
    address = b"\x00" + name
    with one_socket(socket.AF_UNIX, type_) as sock:
        _bind_or_reject(sock, sockaddr.encode(socket.AF_UNIX, address))
        raw, rec = kernel_name(sock)
        assert sock.getsockname() == address
        assert len(raw) == 2 + len(address)
        assert bytes(rec.sun_path)[:len(address)] == address


@PROPERTY
@given(name=st.binary(min_size=1, max_size=60).filter(
    lambda n: b"\x00" not in n and b"/" not in n and n not in (b".", b"..")))
def test_property_unix_path(name: bytes) -> None:
    """Any file name, UTF-8 or not: the kernel's name decodes as CPython's does."""
    with tempfile.TemporaryDirectory(prefix="sk", dir="/tmp") as base, \
            one_socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        path = os.fsencode(base) + b"/" + name
        libc_bind(sock, sockaddr.encode(socket.AF_UNIX, path))
        raw, _ = kernel_name(sock)
        assert sock.getsockname() == os.fsdecode(path)
        assert raw == sockaddr.encode(socket.AF_UNIX, sock.getsockname())
