"""Write the seed corpora, ``fuzz/corpus/<harness>/<sha1>``, from this kernel's own output.

Run as root on Linux (AF_PACKET, SO_RCVMARK, a private network namespace,
auditd); no network is used: everything goes over loopback, in this process
or in a namespace of its own that disappears afterwards::

    python -m fuzz.capture_corpus            # or: python fuzz/capture_corpus.py [--out DIR]

What is captured, raw, through libc (``ctypes``: the bytes and lengths the
kernel wrote, not CPython's reading of them):

* addresses (``decode``, ``parse``; hex for ``cli_hex``): ``getsockname()``,
  ``getpeername()``, ``recvmsg()``'s name and ``accept4()``'s peer for AF_UNIX
  (path, abstract, unnamed, autobind, a 108-byte path), AF_INET, AF_INET6 (a
  v4-mapped peer, a link-local address with its scope id in a private
  namespace), AF_NETLINK, AF_PACKET (bound to each interface, and the
  link-layer names ``recvmsg()`` gives on lo) and AF_VSOCK (bind to
  ``VMADDR_CID_ANY``/``VMADDR_PORT_ANY`` and ``getsockname()`` only: nothing is
  ever connected or sent on AF_VSOCK);
* ``msg_control`` buffers (``cmsg_parse``; their items for ``cmsg_decode``;
  hex for ``cli_hex``): IP_PKTINFO, IP_TTL, IP_TOS, IP_RECVORIGDSTADDR, IP
  options, IPV6_PKTINFO, IPV6_HOPLIMIT, IPV6_TCLASS, IPV6_FLOWINFO,
  IPV6_RECVORIGDSTADDR, IPv6 hop-by-hop and destination options, the
  SO_TIMESTAMP* family, SO_TIMESTAMPING (receive, and transmit on the error
  queue with IP_RECVERR), SCM_RIGHTS, SCM_CREDENTIALS, SCM_PIDFD, SO_RXQ_OVFL,
  SO_MARK, SO_PRIORITY, IP_RECVERR/IPV6_RECVERR (ICMP port unreachable),
  PACKET_AUXDATA, PACKET_TX_TIMESTAMP, NETLINK_PKTINFO, UDP_GRO, TCP_CM_INQ,
  SCM_INQ; each alone, several in one buffer, and cut short (``MSG_CTRUNC``);
* strace lines (``captures``): a child Python doing bind/connect/sendto/
  getsockname/recvfrom/accept on UNIX, INET, INET6, NETLINK and PACKET sockets
  under ``strace -f -e trace=network``, abbreviated and ``-X raw``;
* audit lines (``captures``): the same child under a temporary audit rule
  scoped to it (``-F ppid=`` this process, removed afterwards; auditd is
  started if it is not running, and stopped again), ``ausearch --raw`` and
  ``ausearch -i``.  Where auditd cannot run, the captured addresses are
  formatted as the kernel's ``type=SOCKADDR`` records instead, and the
  summary says so.

Whatever this kernel or machine lacks is skipped and named in the summary.
Existing files of each corpus are replaced.
"""

from __future__ import annotations

import argparse
import array
import contextlib
import ctypes
import hashlib
import os
import queue
import select
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: python fuzz/capture_corpus.py
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from fuzz import (
    HARNESSES,
    harness_captures,
    harness_cli_hex,
    harness_cmsg_decode,
    harness_cmsg_parse,
    harness_decode,
)
from sockaddr import cmsg, schemas

# -- numbers (kernel UAPI; CPython 3.11 lacks most) ------------------------------------
SOL_SOCKET = socket.SOL_SOCKET
SOL_IP, SOL_IPV6 = schemas.constant("SOL_IP"), schemas.constant("SOL_IPV6")
SOL_TCP, SOL_UDP = schemas.constant("SOL_TCP"), schemas.constant("SOL_UDP")
SOL_PACKET, SOL_NETLINK = schemas.constant("SOL_PACKET"), schemas.constant("SOL_NETLINK")
SO_RCVBUF, SO_PRIORITY, SO_PASSCRED, SO_MARK = 8, 12, 16, 36
SO_TIMESTAMP_OLD, SO_TIMESTAMPNS_OLD, SO_TIMESTAMPING_OLD = 29, 35, 37
SO_RXQ_OVFL, SO_TIMESTAMP_NEW, SO_TIMESTAMPNS_NEW, SO_TIMESTAMPING_NEW = 40, 63, 64, 65
SO_RCVMARK, SO_PASSPIDFD, SO_RCVPRIORITY, SO_INQ = 75, 76, 82, 84
IP_TOS, IP_TTL, IP_OPTIONS, IP_RECVOPTS, IP_RETOPTS, IP_PKTINFO = 1, 2, 4, 6, 7, 8
IP_RECVERR, IP_RECVTTL, IP_RECVTOS, IP_RECVORIGDSTADDR = 11, 12, 13, 20
IPV6_FLOWINFO, IPV6_UNICAST_HOPS, IPV6_RECVERR = 11, 16, 25
IPV6_RECVPKTINFO, IPV6_RECVHOPLIMIT, IPV6_RECVHOPOPTS, IPV6_RECVDSTOPTS = 49, 51, 53, 58
IPV6_RECVTCLASS, IPV6_TCLASS, IPV6_AUTOFLOWLABEL, IPV6_RECVORIGDSTADDR = 66, 67, 70, 74
TCP_INQ = schemas.constant("TCP_INQ")
UDP_SEGMENT, UDP_GRO = schemas.constant("UDP_SEGMENT"), schemas.constant("UDP_GRO")
PACKET_AUXDATA = schemas.constant("PACKET_AUXDATA")
NETLINK_ADD_MEMBERSHIP, NETLINK_PKTINFO = 1, schemas.constant("NETLINK_PKTINFO")
TX_SOFTWARE = schemas.constant("SOF_TIMESTAMPING_TX_SOFTWARE")
RX_SOFTWARE = schemas.constant("SOF_TIMESTAMPING_RX_SOFTWARE")
SOFTWARE = schemas.constant("SOF_TIMESTAMPING_SOFTWARE")
OPT_ID = schemas.constant("SOF_TIMESTAMPING_OPT_ID")
OPT_CMSG = schemas.constant("SOF_TIMESTAMPING_OPT_CMSG")
OPT_TSONLY = schemas.constant("SOF_TIMESTAMPING_OPT_TSONLY")
OPT_STATS = schemas.constant("SOF_TIMESTAMPING_OPT_STATS")
TX_ACK = schemas.constant("SOF_TIMESTAMPING_TX_ACK")
ETH_P_ALL, ETH_P_LOCAL_EXP = 0x0003, 0x88B5
RTM_NEWADDR, RTM_GETLINK, RTNLGRP_IPV6_IFADDR = 20, 18, 9
IFA_ADDRESS, IFA_LOCAL, IFA_F_NODAD = 1, 2, 0x02
NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP, NLM_F_EXCL, NLM_F_CREATE = 0x1, 0x4, 0x300, 0x200, 0x400
CLONE_NEWNET = 0x40000000
SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 0x1
IPOPT_NOOP, IPOPT_END = 1, 0
VMADDR_CID_ANY = VMADDR_PORT_ANY = 0xFFFFFFFF

# -- libc, raw ----------------------------------------------------------------------------


class _Iovec(ctypes.Structure):
    _fields_ = (("iov_base", ctypes.c_void_p), ("iov_len", ctypes.c_size_t))


class _Msghdr(ctypes.Structure):
    _fields_ = (
        ("msg_name", ctypes.c_void_p), ("msg_namelen", ctypes.c_uint32),
        ("msg_iov", ctypes.POINTER(_Iovec)), ("msg_iovlen", ctypes.c_size_t),
        ("msg_control", ctypes.c_void_p), ("msg_controllen", ctypes.c_size_t),
        ("msg_flags", ctypes.c_int),
    )


_libc = ctypes.CDLL(None, use_errno=True)
_P_LEN = ctypes.POINTER(ctypes.c_uint32)
for _symbol, _args, _res in (
    ("bind", [ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32], ctypes.c_int),
    ("getsockname", [ctypes.c_int, ctypes.c_void_p, _P_LEN], ctypes.c_int),
    ("getpeername", [ctypes.c_int, ctypes.c_void_p, _P_LEN], ctypes.c_int),
    ("accept4", [ctypes.c_int, ctypes.c_void_p, _P_LEN, ctypes.c_int], ctypes.c_int),
    ("recvmsg", [ctypes.c_int, ctypes.POINTER(_Msghdr), ctypes.c_int], ctypes.c_ssize_t),
    ("unshare", [ctypes.c_int], ctypes.c_int),
):
    _fn = getattr(_libc, _symbol)
    _fn.argtypes, _fn.restype = _args, _res
_STORAGE = 128


def _check(result: int) -> int:
    if result < 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code))
    return result


def _name(call: Callable[..., int], sock: socket.socket) -> bytes:
    buf = ctypes.create_string_buffer(_STORAGE)
    size = ctypes.c_uint32(_STORAGE)
    _check(call(sock.fileno(), ctypes.cast(buf, ctypes.c_void_p), ctypes.byref(size)))
    return buf.raw[:size.value]     # the kernel's addrlen (it may exceed the buffer)


def getsockname(sock: socket.socket) -> bytes:
    """``getsockname(2)``: the bytes the kernel wrote."""
    return _name(_libc.getsockname, sock)


def getpeername(sock: socket.socket) -> bytes:
    """``getpeername(2)``: the bytes the kernel wrote."""
    return _name(_libc.getpeername, sock)


def accept(sock: socket.socket) -> tuple[socket.socket, bytes]:
    """``accept4(2)``: the new socket and the peer's bytes."""
    wait(sock)
    buf = ctypes.create_string_buffer(_STORAGE)
    size = ctypes.c_uint32(_STORAGE)
    fd = _check(_libc.accept4(sock.fileno(), ctypes.cast(buf, ctypes.c_void_p),
                              ctypes.byref(size), socket.SOCK_CLOEXEC))
    return socket.socket(fileno=fd), buf.raw[:size.value]


def wait(sock: socket.socket, errqueue: bool = False, timeout: float = 2.0) -> None:
    """Until ``sock`` is readable (or has a queued error); TimeoutError if not."""
    poller = select.poll()
    poller.register(sock, select.POLLERR if errqueue else select.POLLIN)
    if not poller.poll(timeout * 1000):
        raise TimeoutError(f"nothing to read on {sock!r}")


@dataclass
class Received:
    """What libc ``recvmsg()`` returned."""

    data: bytes
    control: bytes
    flags: int
    name: bytes


def recvmsg(sock: socket.socket, controllen: int = 4096, *, flags: int = 0, fill: int = 0,
            bufsize: int = 65536, block: bool = True) -> Received:
    """``recvmsg(2)`` with a ``controllen``-byte control buffer pre-filled with ``fill``."""
    if block:
        wait(sock, errqueue=bool(flags & socket.MSG_ERRQUEUE))
    data = ctypes.create_string_buffer(bufsize)
    control = ctypes.create_string_buffer(bytes([fill]) * controllen, controllen)
    name = ctypes.create_string_buffer(_STORAGE)
    iov = _Iovec(ctypes.cast(data, ctypes.c_void_p), bufsize)
    msg = _Msghdr(ctypes.cast(name, ctypes.c_void_p), _STORAGE, ctypes.pointer(iov), 1,
                  ctypes.cast(control, ctypes.c_void_p) if controllen else None, controllen, 0)
    got = _check(_libc.recvmsg(sock.fileno(), ctypes.byref(msg), flags))
    return Received(data.raw[:got], control.raw[:msg.msg_controllen], msg.msg_flags,
                    name.raw[:msg.msg_namelen])


# -- a private network namespace ------------------------------------------------------------


class Netns:
    """A network namespace of its own, entered by one worker thread (``unshare``).

    Sockets made there stay in it; it disappears when they are closed.  The
    host's network is never changed.
    """

    def __init__(self) -> None:
        self._jobs: queue.Queue[tuple[Callable[[], Any], Future[Any]] | None] = queue.Queue()
        started: Future[None] = Future()
        self._thread = threading.Thread(target=self._serve, args=(started,), daemon=True)
        self._thread.start()
        started.result(timeout=10)
        self.run(_link_up, "lo")

    def _serve(self, started: Future[None]) -> None:
        if _libc.unshare(CLONE_NEWNET) != 0:
            code = ctypes.get_errno()
            started.set_exception(OSError(code, os.strerror(code)))
            return
        started.set_result(None)
        while (job := self._jobs.get()) is not None:
            call, result = job
            try:
                result.set_result(call())
            except BaseException as exc:  # handed to the caller
                result.set_exception(exc)

    def run(self, call: Callable[..., Any], *args: Any) -> Any:
        """``call(*args)`` inside the namespace."""
        result: Future[Any] = Future()
        self._jobs.put((lambda: call(*args), result))
        return result.result(timeout=10)

    def close(self) -> None:
        """Stop the worker (the namespace goes with its last socket)."""
        self._jobs.put(None)
        self._thread.join(timeout=10)


def _link_up(name: str) -> None:
    import fcntl  # noqa: PLC0415 - Linux only, like this script

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        ifr = struct.pack("16sh", name.encode(), 0)
        flags = struct.unpack_from("16sh", fcntl.ioctl(s, SIOCGIFFLAGS, ifr))[1]
        fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack("16sh", name.encode(), flags | IFF_UP))


def _nlmsg(kind: int, flags: int, payload: bytes, seq: int = 1) -> bytes:
    return struct.pack("=IHHII", 16 + len(payload), kind, flags, seq, 0) + payload


def _nlattr(kind: int, data: bytes) -> bytes:
    return struct.pack("=HH", 4 + len(data), kind) + data + bytes(-(4 + len(data)) % 4)


def _add_address(family: int, address: str, prefix: int, index: int = 1) -> None:
    """RTM_NEWADDR on interface ``index`` (lo) of the calling thread's namespace."""
    raw = socket.inet_pton(family, address)
    ifa = struct.pack("=BBBBI", family, prefix, IFA_F_NODAD, 0, index)
    with socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE) as rt:
        rt.bind((0, 0))
        rt.send(_nlmsg(RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL,
                       ifa + _nlattr(IFA_LOCAL, raw) + _nlattr(IFA_ADDRESS, raw)))
        wait(rt)
        answer = rt.recv(65536)
    code = struct.unpack_from("=i", answer, 16)[0]
    if code:
        raise OSError(-code, os.strerror(-code))


# -- what is collected -----------------------------------------------------------------------


@dataclass
class Capture:
    """Everything captured, and what was skipped."""

    addresses: list[tuple[str, bytes, int]] = field(default_factory=list)
    buffers: list[tuple[str, bytes, bool, int | None]] = field(default_factory=list)
    strace: list[str] = field(default_factory=list)
    audit: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    _sockets: list[socket.socket] = field(default_factory=list)

    def sock(self, family: int, type_: int, proto: int = 0,
             ns: Netns | None = None) -> socket.socket:
        """A socket closed at the end (made in ``ns`` if given)."""
        s: socket.socket = (ns.run(socket.socket, family, type_, proto) if ns
                            else socket.socket(family, type_, proto))
        self._sockets.append(s)
        return s

    def address(self, what: str, data: bytes, proto: int = 0) -> None:
        """Keep one address's bytes."""
        self.addresses.append((what, data, proto))

    def buffer(self, what: str, got: Received, family: int | None) -> None:
        """Keep one msg_control buffer (and its name, an address too)."""
        if got.control:
            self.buffers.append((what, got.control, bool(got.flags & socket.MSG_CTRUNC), family))
        elif got.flags & socket.MSG_CTRUNC:
            self.notes.append(f"{what}: empty buffer (MSG_CTRUNC, no room for a header)")
        else:
            self.notes.append(f"{what}: no control message came")
        self.address(f"{what} (recvmsg name)", got.name)

    def close(self) -> None:
        """Close every socket made, and fds passed to us."""
        for s in self._sockets:
            s.close()


def attempt(cap: Capture, what: str, step: Callable[[Capture], None]) -> None:
    """Run one capture step; what the machine lacks is noted, not fatal."""
    try:
        step(cap)
    except (OSError, TimeoutError, subprocess.SubprocessError) as e:
        cap.notes.append(f"{what}: skipped ({type(e).__name__}: {e})")


def _close_passed_fds(control: bytes) -> None:
    """Close the descriptors an SCM_RIGHTS/SCM_PIDFD message handed this process."""
    size, align = cmsg.header()
    fast = schemas.fast("cmsghdr")
    offset = 0
    while len(control) - offset >= size:
        length, level, type_ = fast.unpack(control, offset)
        if length < size:
            break
        if level == SOL_SOCKET and type_ in (socket.SCM_RIGHTS, schemas.constant("SCM_PIDFD")):
            payload = control[offset + size:offset + length]
            fds = array.array("i")
            fds.frombytes(payload[:len(payload) - len(payload) % 4])
            for fd in fds:
                with contextlib.suppress(OSError):
                    os.close(fd)
        offset += (length + align - 1) & ~(align - 1)


# -- addresses ---------------------------------------------------------------------------


def unix_addresses(cap: Capture) -> None:
    """AF_UNIX: path, abstract, unnamed, autobind, 108-byte path; recvmsg/accept names."""
    tmp = tempfile.mkdtemp(prefix="sockaddr-fuzz-")
    try:
        path = f"{tmp}/s"
        a = cap.sock(socket.AF_UNIX, socket.SOCK_DGRAM)
        a.bind(path)
        cap.address("AF_UNIX path getsockname", getsockname(a))
        b = cap.sock(socket.AF_UNIX, socket.SOCK_DGRAM)
        b.bind(b"\0sockaddr-fuzz-%d" % os.getpid())
        cap.address("AF_UNIX abstract getsockname", getsockname(b))
        c = cap.sock(socket.AF_UNIX, socket.SOCK_DGRAM)
        cap.address("AF_UNIX unnamed getsockname", getsockname(c))
        c.bind("")
        cap.address("AF_UNIX autobind getsockname", getsockname(c))
        c.sendto(b"x", path)
        cap.address("AF_UNIX recvmsg from autobind", recvmsg(a, 0).name)
        d = cap.sock(socket.AF_UNIX, socket.SOCK_DGRAM)
        d.sendto(b"y", path)
        cap.address("AF_UNIX recvmsg from unnamed", recvmsg(a, 0).name)
        b.sendto(b"z", path)
        cap.address("AF_UNIX recvmsg from abstract", recvmsg(a, 0).name)
        # A path filling sun_path: the kernel adds its NUL past the struct.
        old = os.getcwd()
        os.chdir(tmp)
        try:
            long = cap.sock(socket.AF_UNIX, socket.SOCK_DGRAM)
            raw = struct.pack("=H", socket.AF_UNIX) + b"L" * 108
            _check(_libc.bind(long.fileno(), raw, len(raw)))
            cap.address("AF_UNIX 108-byte path getsockname", getsockname(long))
        finally:
            os.chdir(old)
        listener = cap.sock(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(f"{tmp}/l")
        listener.listen()
        client = cap.sock(socket.AF_UNIX, socket.SOCK_STREAM)
        client.connect(f"{tmp}/l")
        peer, name = accept(listener)
        cap._sockets.append(peer)
        cap.address("AF_UNIX stream accept (unnamed peer)", name)
        cap.address("AF_UNIX stream getpeername", getpeername(client))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def inet_addresses(cap: Capture) -> None:
    """AF_INET and AF_INET6: bound, received from, accepted, v4-mapped."""
    for family, host, wild in ((socket.AF_INET, "127.0.0.1", "0.0.0.0"),
                               (socket.AF_INET6, "::1", "::")):
        name = family.name
        r = cap.sock(family, socket.SOCK_DGRAM)
        r.bind((host, 0))
        cap.address(f"{name} UDP getsockname", getsockname(r))
        s = cap.sock(family, socket.SOCK_DGRAM)
        s.sendto(b"x", r.getsockname())
        cap.address(f"{name} UDP recvmsg name", recvmsg(r, 0).name)
        w = cap.sock(family, socket.SOCK_DGRAM)
        w.bind((wild, 0))
        cap.address(f"{name} UDP wildcard getsockname", getsockname(w))
        listener = cap.sock(family, socket.SOCK_STREAM)
        listener.bind((host, 0))
        listener.listen()
        client = cap.sock(family, socket.SOCK_STREAM)
        client.connect(listener.getsockname())
        peer, peer_name = accept(listener)
        cap._sockets.append(peer)
        cap.address(f"{name} TCP accept peer", peer_name)
        cap.address(f"{name} TCP getpeername", getpeername(client))
    dual = cap.sock(socket.AF_INET6, socket.SOCK_DGRAM)
    dual.bind(("::", 0))
    v4 = cap.sock(socket.AF_INET, socket.SOCK_DGRAM)
    v4.sendto(b"mapped", ("127.0.0.1", dual.getsockname()[1]))
    cap.address("AF_INET6 v4-mapped recvmsg name", recvmsg(dual, 0).name)


def scoped_inet6(cap: Capture) -> None:
    """AF_INET6 with a scope id: fe80::1 on the lo of a private namespace."""
    ns = Netns()
    try:
        mon = cap.sock(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE, ns)
        mon.bind((0, 0))
        mon.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, RTNLGRP_IPV6_IFADDR)
        mon.setsockopt(SOL_NETLINK, NETLINK_PKTINFO, 1)
        mon.setsockopt(SOL_SOCKET, SO_PASSCRED, 1)
        ns.run(_add_address, socket.AF_INET6, "fe80::1", 64)
        got = recvmsg(mon)          # RTM_NEWADDR, group 9: NETLINK_PKTINFO, credentials
        cap.buffer("NETLINK_PKTINFO+SCM_CREDENTIALS (RTNLGRP_IPV6_IFADDR)", got,
                   socket.AF_NETLINK)
        r = cap.sock(socket.AF_INET6, socket.SOCK_DGRAM, 0, ns)
        r.bind(("fe80::1", 0, 0, 1))
        cap.address("AF_INET6 link-local getsockname (scope id)", getsockname(r))
        r.setsockopt(SOL_IPV6, IPV6_RECVPKTINFO, 1)
        s = cap.sock(socket.AF_INET6, socket.SOCK_DGRAM, 0, ns)
        s.sendto(b"scoped", r.getsockname())
        got = recvmsg(r)
        cap.buffer("IPV6_PKTINFO (link-local)", got, socket.AF_INET6)
    finally:
        ns.close()


def netlink_addresses(cap: Capture) -> None:
    """AF_NETLINK: bound, with groups, and the kernel's name on a reply."""
    n = cap.sock(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    n.bind((0, 0))
    cap.address("AF_NETLINK getsockname", getsockname(n))
    g = cap.sock(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    g.bind((0, 1 | 1 << 4))
    cap.address("AF_NETLINK getsockname (groups)", getsockname(g))
    n.setsockopt(SOL_NETLINK, NETLINK_PKTINFO, 1)
    n.send(_nlmsg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, bytes(16)))
    cap.buffer("NETLINK_PKTINFO (unicast reply)", recvmsg(n), socket.AF_NETLINK)


def packet_addresses(cap: Capture) -> None:
    """AF_PACKET: bound to lo and to the first Ethernet device; frames' names on lo."""
    raw = cap.sock(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    raw.bind(("lo", 0))
    cap.address("AF_PACKET lo getsockname", getsockname(raw))
    dgram = cap.sock(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(ETH_P_ALL))
    dgram.bind(("lo", socket.htons(0x0800)))
    cap.address("AF_PACKET SOCK_DGRAM lo getsockname", getsockname(dgram))
    for _, ifname in socket.if_nameindex():
        if ifname != "lo":
            other = cap.sock(socket.AF_PACKET, socket.SOCK_RAW, 0)
            other.bind((ifname, 0))
            cap.address(f"AF_PACKET {ifname} getsockname", getsockname(other))
    raw.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
    r = cap.sock(socket.AF_INET, socket.SOCK_DGRAM)
    r.bind(("127.0.0.1", 0))
    cap.sock(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"aux" * 10, r.getsockname())
    for _ in range(2):          # lo shows the frame outgoing, then incoming
        cap.buffer("PACKET_AUXDATA", recvmsg(raw), socket.AF_PACKET)


def vsock_address(cap: Capture) -> None:
    """AF_VSOCK: bind to any CID and port, getsockname; never connect or send."""
    if not hasattr(socket, "AF_VSOCK"):
        raise OSError("this Python has no socket.AF_VSOCK")
    for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
        try:
            s = cap.sock(socket.AF_VSOCK, kind)
        except OSError:
            if kind == socket.SOCK_DGRAM:
                raise
            continue
        s.bind((VMADDR_CID_ANY, VMADDR_PORT_ANY))
        cap.address("AF_VSOCK getsockname", getsockname(s))
        return


# -- control messages ----------------------------------------------------------------------


def _udp_pair(cap: Capture, family: int = socket.AF_INET,
              host: str = "127.0.0.1") -> tuple[socket.socket, socket.socket]:
    r = cap.sock(family, socket.SOCK_DGRAM)
    r.bind((host, 0))
    return r, cap.sock(family, socket.SOCK_DGRAM)


def ip_messages(cap: Capture) -> None:
    """SOL_IP receive options, each alone and all together; IP options."""
    options = {"IP_PKTINFO": IP_PKTINFO, "IP_TTL": IP_RECVTTL, "IP_TOS": IP_RECVTOS,
               "IP_RECVORIGDSTADDR": IP_RECVORIGDSTADDR}
    for name, option in [*options.items(), ("all four", 0)]:
        r, s = _udp_pair(cap)
        for o in ([option] if option else options.values()):
            r.setsockopt(SOL_IP, o, 1)
        s.setsockopt(SOL_IP, IP_TTL, 33)
        s.setsockopt(SOL_IP, IP_TOS, 0x28)
        s.sendto(b"v4", r.getsockname())
        cap.buffer(f"SOL_IP {name}", recvmsg(r), socket.AF_INET)
    r, s = _udp_pair(cap)
    r.setsockopt(SOL_IP, IP_RECVOPTS, 1)
    r.setsockopt(SOL_IP, IP_RETOPTS, 1)
    r.setsockopt(SOL_IP, IP_PKTINFO, 1)
    s.setsockopt(SOL_IP, IP_OPTIONS, bytes([IPOPT_NOOP] * 3 + [IPOPT_END]))
    s.sendto(b"opts", r.getsockname())
    cap.buffer("IP_RECVOPTS+IP_RETOPTS+IP_PKTINFO", recvmsg(r, fill=0xAA), socket.AF_INET)
    s.setsockopt(SOL_IP, IP_OPTIONS, bytes([7, 11, 4]) + bytes(8) + bytes([IPOPT_NOOP]))
    s.sendto(b"rr", r.getsockname())
    cap.buffer("IP_RECVOPTS+IP_RETOPTS record route", recvmsg(r), socket.AF_INET)


def ipv6_messages(cap: Capture) -> None:
    """SOL_IPV6 receive options, each alone and all together; extension headers."""
    options = {"IPV6_PKTINFO": IPV6_RECVPKTINFO, "IPV6_HOPLIMIT": IPV6_RECVHOPLIMIT,
               "IPV6_TCLASS": IPV6_RECVTCLASS, "IPV6_FLOWINFO": IPV6_FLOWINFO,
               "IPV6_RECVORIGDSTADDR": IPV6_RECVORIGDSTADDR}
    for name, option in [*options.items(), ("all five", 0)]:
        r, s = _udp_pair(cap, socket.AF_INET6, "::1")
        for o in ([option] if option else options.values()):
            r.setsockopt(SOL_IPV6, o, 1)
        s.setsockopt(SOL_IPV6, IPV6_UNICAST_HOPS, 44)
        s.setsockopt(SOL_IPV6, IPV6_TCLASS, 0x28)
        s.setsockopt(SOL_IPV6, IPV6_AUTOFLOWLABEL, 0)
        s.sendto(b"v6", r.getsockname())
        cap.buffer(f"SOL_IPV6 {name}", recvmsg(r), socket.AF_INET6)
    # Hop-by-hop (a PadN) and destination options (type 0x1e) sent as ancillary data.
    r, s = _udp_pair(cap, socket.AF_INET6, "::1")
    r.setsockopt(SOL_IPV6, IPV6_RECVHOPOPTS, 1)
    r.setsockopt(SOL_IPV6, IPV6_RECVDSTOPTS, 1)
    hop_by_hop = bytes([0, 0, 1, 4, 0, 0, 0, 0])
    destination = bytes([0, 0, 0x1E, 4]) + b"abcd"
    s.sendmsg([b"ext"], [(SOL_IPV6, schemas.constant("IPV6_HOPOPTS"), hop_by_hop),
                         (SOL_IPV6, schemas.constant("IPV6_DSTOPTS"), destination)],
              0, r.getsockname())
    cap.buffer("IPV6_HOPOPTS+IPV6_DSTOPTS", recvmsg(r), socket.AF_INET6)
    # An IPv6 socket receiving IPv4: both levels.
    dual = cap.sock(socket.AF_INET6, socket.SOCK_DGRAM)
    dual.bind(("::", 0))
    dual.setsockopt(SOL_IPV6, IPV6_RECVPKTINFO, 1)
    dual.setsockopt(SOL_IP, IP_PKTINFO, 1)
    dual.setsockopt(SOL_IP, IP_RECVTTL, 1)
    cap.sock(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"m", ("127.0.0.1", dual.getsockname()[1]))
    cap.buffer("dual stack IPV6_PKTINFO+IP_PKTINFO+IP_TTL", recvmsg(dual), socket.AF_INET6)


def timestamp_messages(cap: Capture) -> None:
    """SO_TIMESTAMP(NS)_OLD/NEW and SO_TIMESTAMPING_OLD/NEW on receive."""
    rx = RX_SOFTWARE | SOFTWARE
    for name, option, value in (("SO_TIMESTAMP_OLD", SO_TIMESTAMP_OLD, 1),
                                ("SO_TIMESTAMPNS_OLD", SO_TIMESTAMPNS_OLD, 1),
                                ("SO_TIMESTAMP_NEW", SO_TIMESTAMP_NEW, 1),
                                ("SO_TIMESTAMPNS_NEW", SO_TIMESTAMPNS_NEW, 1),
                                ("SO_TIMESTAMPING_OLD", SO_TIMESTAMPING_OLD, rx),
                                ("SO_TIMESTAMPING_NEW", SO_TIMESTAMPING_NEW, rx)):
        r, s = _udp_pair(cap)
        r.setsockopt(SOL_SOCKET, option, value)
        for _ in range(5):      # the kernel turns receive stamping on asynchronously
            s.sendto(b"stamp", r.getsockname())
            got = recvmsg(r)
            if got.control:
                break
            time.sleep(0.05)
        cap.buffer(name, got, socket.AF_INET)
    r, s = _udp_pair(cap)
    r.setsockopt(SOL_SOCKET, SO_TIMESTAMPNS_OLD, 1)
    for option in (IP_PKTINFO, IP_RECVTTL, IP_RECVTOS, IP_RECVORIGDSTADDR):
        r.setsockopt(SOL_IP, option, 1)
    s.sendto(b"all", r.getsockname())
    cap.buffer("SO_TIMESTAMPNS_OLD+SOL_IP x4 (garbage padding)", recvmsg(r, fill=0xAA),
               socket.AF_INET)


def error_queue_messages(cap: Capture) -> None:
    """IP_RECVERR/IPV6_RECVERR: ICMP port unreachable, and TX timestamps."""
    for family, host, level, option in ((socket.AF_INET, "127.0.0.1", SOL_IP, IP_RECVERR),
                                        (socket.AF_INET6, "::1", SOL_IPV6, IPV6_RECVERR)):
        with socket.socket(family, socket.SOCK_DGRAM) as probe:
            probe.bind((host, 0))
            closed = probe.getsockname()[1]
        s = cap.sock(family, socket.SOCK_DGRAM)
        s.setsockopt(level, option, 1)
        if family == socket.AF_INET:
            s.setsockopt(SOL_IP, IP_RECVTTL, 1)
        s.sendto(b"nobody", (host, closed))
        cap.buffer(f"{family.name} ICMP port unreachable (error queue)",
                   recvmsg(s, flags=socket.MSG_ERRQUEUE), family)
    r, s = _udp_pair(cap)
    s.setsockopt(SOL_IP, IP_RECVERR, 1)
    for name, flags in (("", TX_SOFTWARE | SOFTWARE | OPT_ID),
                        ("+OPT_CMSG", TX_SOFTWARE | SOFTWARE | OPT_ID | OPT_CMSG),
                        ("+OPT_TSONLY", TX_SOFTWARE | SOFTWARE | OPT_ID | OPT_TSONLY)):
        s.setsockopt(SOL_SOCKET, SO_TIMESTAMPING_OLD, flags)
        if "CMSG" in name:
            s.setsockopt(SOL_IP, IP_PKTINFO, 1)
        s.sendto(b"stamp me", r.getsockname())
        cap.buffer(f"SO_TIMESTAMPING TX{name} (error queue)",
                   recvmsg(s, flags=socket.MSG_ERRQUEUE), socket.AF_INET)
    # TCP: the ACK timestamp with OPT_STATS (netlink attributes).
    listener = cap.sock(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    client = cap.sock(socket.AF_INET, socket.SOCK_STREAM)
    client.connect(listener.getsockname())
    peer, _ = accept(listener)
    cap._sockets.append(peer)
    client.setsockopt(SOL_SOCKET, SO_TIMESTAMPING_OLD,
                      TX_ACK | SOFTWARE | OPT_ID | OPT_TSONLY | OPT_STATS)
    client.sendall(bytes(100))
    time.sleep(0.05)
    cap.buffer("TCP SO_TIMESTAMPING ACK+OPT_STATS (error queue)",
               recvmsg(client, flags=socket.MSG_ERRQUEUE), socket.AF_INET)


def unix_messages(cap: Capture) -> None:
    """SCM_RIGHTS, SCM_CREDENTIALS, SCM_PIDFD; alone, together, cut short; SCM_INQ."""
    def pair(passcred: bool, pidfd: bool) -> tuple[socket.socket, socket.socket]:
        a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
        cap._sockets += [a, b]
        if passcred:
            b.setsockopt(SOL_SOCKET, SO_PASSCRED, 1)
        if pidfd:
            b.setsockopt(SOL_SOCKET, SO_PASSPIDFD, 1)
        return a, b

    fds = array.array("i", [sys.stdin.fileno(), sys.stdout.fileno(), sys.stderr.fileno()])
    rights = [(SOL_SOCKET, socket.SCM_RIGHTS, fds.tobytes())]
    try:
        pair(False, True)
        has_pidfd = True
    except OSError:
        has_pidfd = False
        cap.notes.append("SCM_PIDFD: kernel lacks SO_PASSPIDFD (Linux 6.5)")
    cases = [("SCM_RIGHTS", False, False, rights), ("SCM_CREDENTIALS", True, False, []),
             ("SCM_RIGHTS+SCM_CREDENTIALS", True, False, rights)]
    if has_pidfd:
        cases += [("SCM_PIDFD", False, True, []),
                  ("SCM_CREDENTIALS+SCM_RIGHTS+SCM_PIDFD", True, True, rights)]
    for name, passcred, pidfd, anc in cases:
        a, b = pair(passcred, pidfd)
        a.sendmsg([b"unix"], anc)
        got = recvmsg(b)
        _close_passed_fds(got.control)
        cap.buffer(name, got, socket.AF_UNIX)
    # Cut short (MSG_CTRUNC): whole messages, then the cut one.
    for controllen in (8, socket.CMSG_LEN(4), socket.CMSG_SPACE(12) + socket.CMSG_LEN(4),
                       socket.CMSG_SPACE(12) + socket.CMSG_LEN(8) + 2,
                       socket.CMSG_SPACE(12) + socket.CMSG_LEN(12)):
        a, b = pair(True, has_pidfd)
        a.sendmsg([b"cut"], rights)
        got = recvmsg(b, controllen)
        _close_passed_fds(got.control)
        cap.buffer(f"SCM_* cut at {controllen}", got, socket.AF_UNIX)
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    cap._sockets += [a, b]
    try:
        b.setsockopt(SOL_SOCKET, SO_INQ, 1)
    except OSError:
        cap.notes.append("SCM_INQ: kernel lacks SO_INQ on AF_UNIX (Linux 6.17)")
    else:
        a.sendall(bytes(100))
        time.sleep(0.01)
        cap.buffer("SCM_INQ", recvmsg(b, bufsize=40), socket.AF_UNIX)


def socket_level_messages(cap: Capture) -> None:
    """SO_RXQ_OVFL, SO_MARK, SO_PRIORITY."""
    r, s = _udp_pair(cap)
    r.setsockopt(SOL_SOCKET, SO_RCVBUF, 1)
    r.setsockopt(SOL_SOCKET, SO_RXQ_OVFL, 1)
    for _ in range(64):
        s.sendto(bytes(100), r.getsockname())
    r.setblocking(False)
    with contextlib.suppress(BlockingIOError):
        while True:
            recvmsg(r, block=False)
    r.setblocking(True)
    s.sendto(b"after", r.getsockname())
    cap.buffer("SO_RXQ_OVFL", recvmsg(r), socket.AF_INET)
    for name, enable, option, value in (("SO_MARK", SO_RCVMARK, SO_MARK, 0x1234),
                                        ("SO_PRIORITY", SO_RCVPRIORITY, SO_PRIORITY, 5)):
        r, s = _udp_pair(cap)
        try:
            r.setsockopt(SOL_SOCKET, enable, 1)
            s.setsockopt(SOL_SOCKET, option, value)
        except OSError as e:
            cap.notes.append(f"{name}: skipped ({e}; SO_RCVMARK 6.1, SO_RCVPRIORITY 6.14)")
            continue
        s.sendto(b"marked", r.getsockname())
        cap.buffer(name, recvmsg(r), socket.AF_INET)


def transport_messages(cap: Capture) -> None:
    """UDP_GRO (with UDP_SEGMENT on send) and TCP_CM_INQ."""
    gro, s = _udp_pair(cap)
    gro.setsockopt(SOL_UDP, UDP_GRO, 1)
    s.sendmsg([bytes(3000)], [(SOL_UDP, UDP_SEGMENT, struct.pack("=H", 1000))], 0,
              gro.getsockname())
    cap.buffer("UDP_GRO", recvmsg(gro), socket.AF_INET)
    listener = cap.sock(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    client = cap.sock(socket.AF_INET, socket.SOCK_STREAM)
    client.connect(listener.getsockname())
    server, _ = accept(listener)
    cap._sockets.append(server)
    server.setsockopt(SOL_TCP, TCP_INQ, 1)
    client.sendall(bytes(100))
    time.sleep(0.05)
    cap.buffer("TCP_CM_INQ", recvmsg(server, bufsize=40), socket.AF_INET)


def packet_tx_timestamp(cap: Capture) -> None:
    """PACKET_TX_TIMESTAMP with SO_TIMESTAMPING, a frame sent on lo."""
    packet = cap.sock(socket.AF_PACKET, socket.SOCK_RAW, 0)
    packet.bind(("lo", 0))
    packet.setsockopt(SOL_SOCKET, SO_TIMESTAMPING_OLD, TX_SOFTWARE | SOFTWARE | OPT_ID)
    packet.send(bytes(12) + struct.pack("!H", ETH_P_LOCAL_EXP) + b"tx timestamp")
    cap.buffer("PACKET_TX_TIMESTAMP (error queue)", recvmsg(packet, flags=socket.MSG_ERRQUEUE),
               socket.AF_PACKET)


# -- strace and audit ----------------------------------------------------------------------

#: The traced child: bind/connect/sendto/getsockname/recvfrom/accept on each family.
CHILD = r'''
import os, socket, struct, sys, tempfile
d = tempfile.mkdtemp(); pid = os.getpid()
a = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); a.bind(f"{d}/a")
b = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); b.bind(b"\0sockaddr-fuzz-%d" % pid)
c = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); c.bind("")
c.sendto(b"x", f"{d}/a"); c.connect(b"\0sockaddr-fuzz-%d" % pid); c.send(b"y")
for s in (a, b, c): s.getsockname()
a.recvfrom(10); b.recvfrom(10)
for s in (a, b, c): s.close()
os.unlink(f"{d}/a"); os.rmdir(d)
for fam, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
    r = socket.socket(fam, socket.SOCK_DGRAM); r.bind((host, 0))
    s = socket.socket(fam, socket.SOCK_DGRAM); s.sendto(b"x", r.getsockname())
    s.connect(r.getsockname()); s.send(b"y"); s.getsockname(); r.recvfrom(10); r.recvfrom(10)
    l = socket.socket(fam, socket.SOCK_STREAM); l.bind((host, 0)); l.listen()
    t = socket.socket(fam, socket.SOCK_STREAM); t.connect(l.getsockname())
    p, _ = l.accept(); p.getpeername()
    for x in (r, s, l, t, p): x.close()
n = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
n.bind((0, 0)); n.getsockname()
n.sendto(struct.pack("=IHHII", 32, 18, 0x301, 1, 0) + bytes(16), (0, 0)); n.recvfrom(64)
n.close()
try:
    p = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
except PermissionError:
    sys.exit(0)
p.bind(("lo", 0)); p.getsockname()
p.sendto(bytes(12) + b"\x88\xb5" + b"fuzz", ("lo", 0x88B5)); p.close()
'''


def strace_lines(cap: Capture) -> None:
    """The child under ``strace -f -e trace=network``, abbreviated and ``-X raw``."""
    if shutil.which("strace") is None:
        raise OSError("strace is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        for style in ("abbrev", "raw"):
            out = Path(tmp, f"{style}.txt")
            subprocess.run(["strace", "-f", "-e", "trace=network", "-X", style, "-s", "256",
                            "-o", str(out), sys.executable, "-c", CHILD],
                           check=True, capture_output=True, timeout=60)
            cap.strace += out.read_text(encoding="utf-8", errors="surrogateescape").splitlines()


def _auditctl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["auditctl", *args], capture_output=True, text=True, check=False,
                          timeout=30)


def audit_lines(cap: Capture) -> None:
    """The child under an audit rule scoped to it (``-F ppid=`` this process)."""
    for tool in ("auditctl", "auditd", "ausearch"):
        if shutil.which(tool) is None:
            raise OSError(f"{tool} is not installed (apt-get install auditd)")
    if os.geteuid() != 0:
        raise OSError("auditctl needs root")
    status = _auditctl("-s")
    if status.returncode:
        raise OSError(f"auditctl -s: {status.stderr.strip()}")
    before = dict(line.split(" ", 1) for line in status.stdout.splitlines() if " " in line)
    started = None
    if before.get("pid", "0") == "0":
        subprocess.run(["auditd"], capture_output=True, check=False, timeout=30)
        for _ in range(50):
            now = dict(line.split(" ", 1) for line in _auditctl("-s").stdout.splitlines()
                       if " " in line)
            if now.get("pid", "0") != "0":
                started = int(now["pid"])
                break
            time.sleep(0.1)
        else:
            raise OSError("auditd did not start")
    key = f"sockaddr-fuzz-{os.getpid()}"
    rule = ["always,exit", "-F", "arch=b64", "-S", "bind", "-S", "connect", "-S", "sendto",
            "-F", f"ppid={os.getpid()}", "-k", key]
    try:
        added = _auditctl("-a", *rule)
        if added.returncode:
            raise OSError(f"auditctl -a: {added.stderr.strip()}")
        try:
            subprocess.run([sys.executable, "-c", CHILD], check=True, capture_output=True,
                           timeout=60)
        finally:
            _auditctl("-d", *rule)
    finally:
        if started is not None:
            # Stopping auditd flushes its log (it writes in batches).
            with contextlib.suppress(OSError):
                os.kill(started, 15)
            for _ in range(100):
                if not Path(f"/proc/{started}").exists():
                    break
                time.sleep(0.05)
            _auditctl("-e", before.get("enabled", "0"))
    raw = interpreted = ""
    for _ in range(50):      # a running auditd writes asynchronously
        raw = subprocess.run(["ausearch", "-k", key, "--raw"], capture_output=True,
                             text=True, check=False, timeout=30).stdout
        if raw.count("type=SOCKADDR") >= 10:
            break
        time.sleep(0.1)
    interpreted = subprocess.run(["ausearch", "-k", key, "-i"], capture_output=True,
                                 text=True, check=False, timeout=30).stdout
    if "type=SOCKADDR" not in raw:
        raise OSError("no SOCKADDR record was logged")
    cap.audit += raw.splitlines() + [line for line in interpreted.splitlines()
                                     if "SOCKADDR" in line]


def formatted_audit_lines(cap: Capture) -> None:
    """The kernel's ``type=SOCKADDR`` record format around the captured addresses."""
    stamp = time.time()
    for serial, (_, data, _) in enumerate(cap.addresses, 1):
        if data:
            cap.audit.append(f"type=SOCKADDR msg=audit({stamp:.3f}:{serial}): "
                             f"saddr={data.hex().upper()}")


# -- corpora ---------------------------------------------------------------------------------


def _items(buffer: bytes, truncated: bool) -> Iterator[tuple[int, int, bytes]]:
    size, align = cmsg.header()
    fast = schemas.fast("cmsghdr")
    offset = 0
    while len(buffer) - offset >= size:
        length, level, type_ = fast.unpack(buffer, offset)
        if length < size or length > len(buffer) - offset:
            return      # the cut one is not an item
        yield level, type_, buffer[offset + size:offset + length]
        offset += (length + align - 1) & ~(align - 1)


def _spaced(data: bytes) -> str:
    return " ".join(data[i:i + 4].hex() for i in range(0, len(data), 4))


def inputs(cap: Capture) -> dict[str, list[bytes]]:
    """Every harness's seed inputs, in its format."""
    out: dict[str, list[bytes]] = {name: [] for name in HARNESSES}
    packet = socket.AF_PACKET.to_bytes(2, sys.byteorder)
    for _, data, proto in cap.addresses:
        out["decode"].append(harness_decode.seed(data, proto=proto))
        out["parse"].append(harness_decode.seed(data, proto=proto))
        if data[:2] == packet:       # name the interfaces as a capture machine would
            out["decode"].append(harness_decode.seed(data, proto=proto, interfaces=3))
    for _, buffer, truncated, family in cap.buffers:
        out["cmsg_parse"].append(harness_cmsg_parse.seed(buffer, truncated=truncated,
                                                         family=family))
        for level, type_, payload in _items(buffer, truncated):
            out["cmsg_decode"].append(harness_cmsg_decode.seed(level, type_, payload,
                                                               family=family))
    cli = out["cli_hex"]
    for i, (_, data, _) in enumerate(cap.addresses):
        if data:
            text = data.hex()
            cli.append(harness_cli_hex.seed(text, ("decode", "decode-json", "decode-abi")[i % 3]))
            cli.append(harness_cli_hex.seed(("0x" + text.upper()) if i % 2 else _spaced(data),
                                            "hex"))
    cli.append(harness_cli_hex.seed("\n".join(d.hex() for _, d, _ in cap.addresses if d) + "\n",
                                    "decode-stdin"))
    for i, (_, buffer, truncated, _) in enumerate(cap.buffers):
        mode = "cmsg-json" if truncated else ("cmsg", "cmsg-abi")[i % 2]
        cli.append(harness_cli_hex.seed(buffer.hex() if i % 3 else _spaced(buffer), mode))
    caps = out["captures"]
    for line in cap.strace:
        caps.append(harness_captures.seed(line, "strace"))
    for line in cap.audit:
        caps.append(harness_captures.seed(line, "audit"))
    caps += harness_captures.splice_seeds(cap.strace + cap.audit)
    # The commands read whole captures: a dozen lines of each (short runs, small seeds).
    trace = "\n".join([line for line in cap.strace if "sa_family" in line][:12]) + "\n"
    audit = "\n".join([line for line in cap.audit if "SOCKADDR" in line][:12]) + "\n"
    caps += [harness_captures.seed(trace, "cli-strace"), harness_captures.seed(audit, "cli-audit"),
             harness_captures.seed(trace, "cli-strace-json"),
             harness_captures.seed(audit, "cli-audit-json"),
             harness_captures.seed(trace + audit, "lines")]
    return out


def write(root: Path, corpora: dict[str, list[bytes]]) -> dict[str, tuple[int, int]]:
    """Replace each ``root/<harness>/`` with its inputs, named by SHA-1: files, bytes."""
    sizes = {}
    for name, items in corpora.items():
        folder = root / name
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.iterdir():
            old.unlink()
        unique = {hashlib.sha1(item).hexdigest(): item for item in items}
        for digest, item in unique.items():
            (folder / digest).write_bytes(item)
        sizes[name] = (len(unique), sum(map(len, unique.values())))
    return sizes


def capture(audit: bool = True) -> Capture:
    """Run every capture step."""
    cap = Capture()
    steps: list[tuple[str, Callable[[Capture], None]]] = [
        ("AF_UNIX addresses", unix_addresses), ("AF_INET/AF_INET6 addresses", inet_addresses),
        ("AF_INET6 scope id (private namespace)", scoped_inet6),
        ("AF_NETLINK addresses", netlink_addresses), ("AF_PACKET addresses", packet_addresses),
        ("AF_VSOCK address", vsock_address), ("SOL_IP messages", ip_messages),
        ("SOL_IPV6 messages", ipv6_messages), ("timestamps", timestamp_messages),
        ("error queue", error_queue_messages), ("AF_UNIX messages", unix_messages),
        ("SOL_SOCKET messages", socket_level_messages),
        ("UDP/TCP messages", transport_messages), ("PACKET_TX_TIMESTAMP", packet_tx_timestamp),
        ("strace", strace_lines),
    ]
    try:
        for what, step in steps:
            attempt(cap, what, step)
        if audit:
            attempt(cap, "auditd", audit_lines)
        if not cap.audit:
            formatted_audit_lines(cap)
            cap.notes.append("audit: lines formatted here from the captured addresses in the "
                             "kernel's type=SOCKADDR record format (no real auditd log)")
    finally:
        cap.close()
    return cap


def main(argv: Iterable[str] | None = None) -> int:
    """Capture and write the corpora; print what was made and what was skipped."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "corpus",
                        help="where the corpora go (default: fuzz/corpus)")
    parser.add_argument("--no-audit", action="store_true",
                        help="do not start auditd or add a rule; format audit lines instead")
    ns = parser.parse_args(None if argv is None else list(argv))
    if sys.platform != "linux":
        parser.exit(2, "capture_corpus: needs Linux\n")
    cap = capture(audit=not ns.no_audit)
    sizes = write(ns.out, inputs(cap))
    print(f"capture: {len(cap.addresses)} addresses, {len(cap.buffers)} control buffers, "
          f"{len(cap.strace)} strace lines, {len(cap.audit)} audit lines")
    for name, (files, size) in sizes.items():
        print(f"capture: {ns.out / name}: {files} files, {size} bytes")
    for note in cap.notes:
        print(f"capture: {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
