"""The kernel as oracle for control messages (cmsg(3), ``sockaddr.cmsg``).

The running kernel produces every control message it can over loopback, and
each item is checked three ways:

* typed: ``cmsg.decode(level, type, data)`` gives the expected class, with the
  values the test knows independently (the TTL/TOS/mark the sender set, the
  address it sent to, ``os.getpid()``, the ``st_ino`` of a passed file,
  ``time.time()`` around the receive, the group of a netlink notification,
  a checksum computed here), and ``cmsg.encode(decoded)`` gives back the
  exact ``(level, type, data)`` item;
* raw: whole ``msg_control`` buffers from libc ``recvmsg`` (ctypes, the
  buffer pre-filled so that padding is garbage) parse to the same list as
  CPython's ``socket.recvmsg`` items, also when the kernel truncates them
  (``MSG_CTRUNC``), and ``build(parse(buf)) == buf``;
* sent: ``cmsg.build([...])`` buffers handed to libc ``sendmsg`` do what they
  say (the receiver sees the TTL, TOS, source address, fds, credentials,
  mark, segment size), and the kernel refuses what it should, exactly where
  ``cmsg.decode`` refuses a payload size.

A 32-bit capture (``gcc -m32``: 12-byte headers, 4-byte alignment, 8-byte
``_OLD`` timestamps) checks ``parse(buf, abi="linux-i386")``.

Messages that need a changed network (an extra address, a small MTU,
``accept_local``, a namespace id) are made in private network namespaces
entered by one worker thread (``unshare(CLONE_NEWNET)``), so the host's
network is never touched; the namespace disappears with its sockets.
Everything else uses the host's loopback.
"""

from __future__ import annotations

import array
import contextlib
import ctypes
import errno
import fcntl
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
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest

from sockaddr import cmsg, schemas
from sockaddr.cmsg import (
    ControlMessage,
    IpChecksum,
    IpOrigDstAddr,
    IpPktinfo,
    IpProtocol,
    IpRecvErr,
    IpRecvFragsize,
    IpRecvOpts,
    IpRetOpts,
    IpTos,
    IpTosInt,
    IpTtl,
    Ipv6_2292DstOpts,
    Ipv6_2292HopLimit,
    Ipv6_2292HopOpts,
    Ipv6_2292Pktinfo,
    Ipv6_2292Rthdr,
    Ipv6DontFrag,
    Ipv6DstOpts,
    Ipv6FlowInfo,
    Ipv6HopLimit,
    Ipv6HopOpts,
    Ipv6OrigDstAddr,
    Ipv6PathMtu,
    Ipv6Pktinfo,
    Ipv6RecvErr,
    Ipv6RecvFragsize,
    Ipv6Rthdr,
    Ipv6Tclass,
    ScmCredentials,
    ScmInq,
    ScmPidfd,
    ScmRights,
    ScmSecurity,
    ScmTimestampingOptStats,
    ScmTsOptId,
    ScmTxtime,
    SoMark,
    SoPriority,
    SoRxqOvfl,
    SoTimestampingNew,
    SoTimestampingOld,
    SoTimestampingSend,
    SoTimestampNew,
    SoTimestampNsNew,
    SoTimestampNsOld,
    SoTimestampOld,
    Truncated,
    Unknown,
)
from sockaddr.cmsg._kinds import ExtendedError, TimeMessage
from sockaddr.cmsg.sol_ip import IpSecurity
from sockaddr.cmsg.sol_netlink import NetlinkListenAllNsid, NetlinkPktinfo
from sockaddr.cmsg.sol_packet import PacketAuxdata, PacketTxTimestamp
from sockaddr.cmsg.sol_tcp import TcpCmInq
from sockaddr.cmsg.sol_udp import UdpGro, UdpSegment
from sockaddr.errors import DecodeError

M = TypeVar("M", bound=ControlMessage)

# --------------------------------------------------------------------------
# Numbers.  Levels and cmsg types come from the schemas (checked against the
# headers by test_headers.py); the socket options that turn the messages on
# are written here, from the kernel UAPI headers (CPython 3.11 lacks most).

SOL_SOCKET = socket.SOL_SOCKET
SOL_IP = schemas.constant("SOL_IP")
SOL_IPV6 = schemas.constant("SOL_IPV6")
SOL_TCP = schemas.constant("SOL_TCP")
SOL_UDP = schemas.constant("SOL_UDP")
SOL_PACKET = schemas.constant("SOL_PACKET")
SOL_NETLINK = schemas.constant("SOL_NETLINK")

# <asm-generic/socket.h>
SO_RCVBUF = 8
SO_PRIORITY = 12
SO_PASSCRED = 16
SO_TIMESTAMP_OLD = 29
SO_TIMESTAMPNS_OLD = 35
SO_MARK = 36
SO_TIMESTAMPING_OLD = 37
SO_PASSSEC = 34
SO_RXQ_OVFL = 40
SO_TXTIME = 61
SO_TIMESTAMP_NEW = 63
SO_TIMESTAMPNS_NEW = 64
SO_TIMESTAMPING_NEW = 65
SO_RCVMARK = 75                    # Linux 6.1
SO_PASSPIDFD = 76                  # Linux 6.5
SO_RCVPRIORITY = 82                # Linux 6.14
SO_INQ = 84                        # Linux 6.17
# <linux/in.h>
IP_TOS = 1
IP_TTL = 2
IP_OPTIONS = 4
IP_RECVOPTS = 6
IP_RETOPTS = 7
IP_PKTINFO = 8
IP_MTU_DISCOVER = 10
IP_PMTUDISC_DONT = 0
IP_RECVERR = 11
IP_RECVTTL = 12
IP_RECVTOS = 13
IP_RECVORIGDSTADDR = 20
IP_CHECKSUM = 23
IP_RECVFRAGSIZE = 25
IP_PASSSEC = 18
IPOPT_END, IPOPT_NOOP, IPOPT_RR = 0, 1, 7
# <linux/in6.h>
IPV6_2292PKTINFO = 2
IPV6_2292HOPOPTS = 3
IPV6_2292DSTOPTS = 4
IPV6_2292RTHDR = 5
IPV6_2292HOPLIMIT = 8
IPV6_FLOWINFO = 11
IPV6_UNICAST_HOPS = 16
IPV6_RECVERR = 25
IPV6_RECVPKTINFO = 49
IPV6_RECVHOPLIMIT = 51
IPV6_RECVHOPOPTS = 53
IPV6_RECVRTHDR = 56
IPV6_RECVDSTOPTS = 58
IPV6_RECVPATHMTU = 60
IPV6_DONTFRAG = 62
IPV6_RECVTCLASS = 66
IPV6_TCLASS = 67
IPV6_AUTOFLOWLABEL = 70
IPV6_RECVORIGDSTADDR = 74
IPV6_RECVFRAGSIZE = 77
IPPROTO_DSTOPTS = 60
# <linux/tcp.h>, <linux/udp.h>, <linux/if_packet.h>, <linux/netlink.h>
TCP_INQ = schemas.constant("TCP_INQ")
UDP_SEGMENT = schemas.constant("UDP_SEGMENT")
UDP_GRO = schemas.constant("UDP_GRO")
PACKET_AUXDATA = schemas.constant("PACKET_AUXDATA")
NETLINK_ADD_MEMBERSHIP = 1
NETLINK_PKTINFO = schemas.constant("NETLINK_PKTINFO")
NETLINK_LISTEN_ALL_NSID = schemas.constant("NETLINK_LISTEN_ALL_NSID")
# <linux/rtnetlink.h>, <linux/if_addr.h>, <linux/net_namespace.h>
RTM_NEWADDR = 20
RTM_NEWNSID = 88
RTNLGRP_IPV4_IFADDR = 5
IFA_ADDRESS, IFA_LOCAL = 1, 2
IFA_F_NODAD = 0x02
NETNSA_NSID, NETNSA_FD = 1, 3
NLM_F_REQUEST, NLM_F_ACK, NLM_F_EXCL, NLM_F_CREATE = 0x1, 0x4, 0x200, 0x400
NLMSG_ERROR = 2
# <linux/errqueue.h>, <linux/net_tstamp.h>
SO_EE_ORIGIN_ICMP = schemas.constant("SO_EE_ORIGIN_ICMP")
SO_EE_ORIGIN_ICMP6 = schemas.constant("SO_EE_ORIGIN_ICMP6")
SO_EE_ORIGIN_TIMESTAMPING = schemas.constant("SO_EE_ORIGIN_TIMESTAMPING")
SCM_TSTAMP_SND = schemas.constant("SCM_TSTAMP_SND")
TX_SOFTWARE = schemas.constant("SOF_TIMESTAMPING_TX_SOFTWARE")
RX_SOFTWARE = schemas.constant("SOF_TIMESTAMPING_RX_SOFTWARE")
SOFTWARE = schemas.constant("SOF_TIMESTAMPING_SOFTWARE")
OPT_ID = schemas.constant("SOF_TIMESTAMPING_OPT_ID")
OPT_CMSG = schemas.constant("SOF_TIMESTAMPING_OPT_CMSG")
OPT_TSONLY = schemas.constant("SOF_TIMESTAMPING_OPT_TSONLY")
OPT_STATS = schemas.constant("SOF_TIMESTAMPING_OPT_STATS")
TX_ACK = schemas.constant("SOF_TIMESTAMPING_TX_ACK")
SCM_TSTAMP_ACK = schemas.constant("SCM_TSTAMP_ACK")
TCP_NLA_DATA_SEGS_OUT, TCP_NLA_BYTES_SENT = 4, 18      # enum in <linux/tcp.h>
TP_STATUS_USER = schemas.constant("TP_STATUS_USER")
# <linux/sched.h>, <linux/sockios.h>, <linux/if.h>
CLONE_NEWNET = 0x40000000
SIOCGIFFLAGS, SIOCSIFFLAGS, SIOCGIFMTU, SIOCSIFMTU = 0x8913, 0x8914, 0x8921, 0x8922
IFF_UP = 0x1
ETH_P_ALL = 0x0003
ETH_P_LOCAL_EXP = 0x88B5           # IEEE 802 local experimental ethertype

LO = socket.if_nametoindex("lo")
IS_ROOT = os.geteuid() == 0
MSG_CTRUNC = socket.MSG_CTRUNC

needs_root = pytest.mark.skipif(not IS_ROOT, reason="needs root (CAP_NET_ADMIN/CAP_NET_RAW)")


def _has_ipv6() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as s:
            s.bind(("::1", 0))
    except OSError:
        return False
    return True


needs_ipv6 = pytest.mark.skipif(not _has_ipv6(), reason="kernel lacks IPv6 on lo (::1)")


def _sockopt_supported(level: int, option: int) -> bool:
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
        try:
            s.setsockopt(level, option, 1)
        except OSError:
            return False
    return True


HAS_PIDFD = _sockopt_supported(SOL_SOCKET, SO_PASSPIDFD)


# --------------------------------------------------------------------------
# libc recvmsg/sendmsg through ctypes: the whole msg_control buffer


class Iovec(ctypes.Structure):
    """``struct iovec`` (uio.h)."""

    _fields_ = (("iov_base", ctypes.c_void_p), ("iov_len", ctypes.c_size_t))


class Msghdr(ctypes.Structure):
    """``struct msghdr`` (sys/socket.h); ctypes inserts the padding after msg_namelen."""

    _fields_ = (
        ("msg_name", ctypes.c_void_p), ("msg_namelen", ctypes.c_uint32),
        ("msg_iov", ctypes.POINTER(Iovec)), ("msg_iovlen", ctypes.c_size_t),
        ("msg_control", ctypes.c_void_p), ("msg_controllen", ctypes.c_size_t),
        ("msg_flags", ctypes.c_int),
    )


_libc = ctypes.CDLL(None, use_errno=True)
_libc.recvmsg.argtypes = [ctypes.c_int, ctypes.POINTER(Msghdr), ctypes.c_int]
_libc.recvmsg.restype = ctypes.c_ssize_t
_libc.sendmsg.argtypes = [ctypes.c_int, ctypes.POINTER(Msghdr), ctypes.c_int]
_libc.sendmsg.restype = ctypes.c_ssize_t
_libc.unshare.argtypes = [ctypes.c_int]
_libc.unshare.restype = ctypes.c_int


def _raise_errno() -> None:
    code = ctypes.get_errno()
    raise OSError(code, os.strerror(code))


@dataclass
class RawReceived:
    """What libc ``recvmsg`` returned: data, the control buffer (``msg_controllen``
    bytes), ``msg_flags`` and the name bytes."""

    data: bytes
    control: bytes
    flags: int
    name: bytes


def libc_recvmsg(sock: socket.socket, controllen: int = 4096, *, bufsize: int = 65536,
                 flags: int = 0, fill: int = 0xAA, wait: bool = True) -> RawReceived:
    """``recvmsg()`` with a control buffer of ``controllen`` bytes pre-filled with
    ``fill`` (the kernel leaves padding unwritten: 0xAA makes it garbage)."""
    if wait:
        wait_ready(sock, errqueue=bool(flags & socket.MSG_ERRQUEUE))
    data = ctypes.create_string_buffer(bufsize)
    control = ctypes.create_string_buffer(bytes([fill]) * controllen, controllen)
    name = ctypes.create_string_buffer(128)
    iov = Iovec(ctypes.cast(data, ctypes.c_void_p), bufsize)
    msg = Msghdr(ctypes.cast(name, ctypes.c_void_p), 128, ctypes.pointer(iov), 1,
                 ctypes.cast(control, ctypes.c_void_p) if controllen else None, controllen, 0)
    got = _libc.recvmsg(sock.fileno(), ctypes.byref(msg), flags)
    if got < 0:
        _raise_errno()
    return RawReceived(data.raw[:got], control.raw[:msg.msg_controllen], msg.msg_flags,
                       name.raw[:msg.msg_namelen])


def libc_sendmsg(sock: socket.socket, payload: bytes, control: bytes,
                 address: bytes | None = None) -> int:
    """``sendmsg()`` with ``control`` as the raw msg_control buffer (OSError on failure)."""
    data = ctypes.create_string_buffer(payload, len(payload))
    ctl = ctypes.create_string_buffer(control, len(control))
    name = ctypes.create_string_buffer(address, len(address)) if address else None
    iov = Iovec(ctypes.cast(data, ctypes.c_void_p), len(payload))
    msg = Msghdr(ctypes.cast(name, ctypes.c_void_p) if name else None,
                 len(address) if address else 0, ctypes.pointer(iov), 1,
                 ctypes.cast(ctl, ctypes.c_void_p) if control else None, len(control), 0)
    sent = _libc.sendmsg(sock.fileno(), ctypes.byref(msg), 0)
    if sent < 0:
        _raise_errno()
    return int(sent)


def sockaddr_in(host: str, port: int) -> bytes:
    """A ``struct sockaddr_in`` written here (host-order family, network port)."""
    return struct.pack("=H", socket.AF_INET) + struct.pack("!H", port) + (
        socket.inet_aton(host) + bytes(8))


def sockaddr_in6(host: str, port: int) -> bytes:
    """A ``struct sockaddr_in6`` written here."""
    return struct.pack("=H", socket.AF_INET6) + struct.pack("!HI", port, 0) + (
        socket.inet_pton(socket.AF_INET6, host) + struct.pack("=I", 0))


# --------------------------------------------------------------------------
# Receiving with CPython, typed


def wait_ready(sock: socket.socket, *, errqueue: bool = False, timeout: float = 2.0) -> None:
    """Wait until ``sock`` has data (or, with ``errqueue``, a queued error)."""
    poller = select.poll()
    poller.register(sock, select.POLLERR if errqueue else select.POLLIN)
    if not poller.poll(timeout * 1000):
        pytest.fail(f"nothing to read on {sock!r} within {timeout} s")


def typed(item: tuple[int, int, bytes]) -> ControlMessage:
    """``decode`` one CPython item; it must be a registered class that encodes back
    to the identical item."""
    level, type_, data = item
    message = cmsg.decode(level, type_, data)
    assert not isinstance(message, Unknown | Truncated), f"{item} decoded to {message!r}"
    assert cmsg.encode(message) == (level, type_, data), message
    return message


@dataclass
class Received:
    """CPython's ``recvmsg`` result, its items decoded by :func:`typed`."""

    data: bytes
    items: list[tuple[int, int, bytes]]
    messages: list[ControlMessage]
    flags: int
    address: Any

    def one(self, cls: type[M]) -> M:
        """The single message of class ``cls``."""
        found = [m for m in self.messages if type(m) is cls]
        assert len(found) == 1, f"{cls.__name__} in {self.messages}"
        return found[0]


def receive(sock: socket.socket, ancbufsize: int = 4096, *, bufsize: int = 65536,
            flags: int = 0, wait: bool = True) -> Received:
    """CPython ``socket.recvmsg``; every item checked with :func:`typed`."""
    if wait:
        wait_ready(sock, errqueue=bool(flags & socket.MSG_ERRQUEUE))
    data, items, msg_flags, address = sock.recvmsg(bufsize, ancbufsize, flags)
    return Received(data, items, [typed(i) for i in items], msg_flags, address)


def fd_count() -> int:
    """Open file descriptors of this process."""
    return len(os.listdir("/proc/self/fd"))


def close_fds(messages: Sequence[ControlMessage]) -> None:
    """Close every descriptor a live receive handed us (rights, pidfd)."""
    for m in messages:
        if isinstance(m, ScmRights):
            for fd in m.fds:
                os.close(fd)
        elif isinstance(m, ScmPidfd):
            os.close(m.pidfd)


def identity(fd: int) -> tuple[int, int]:
    """``(st_dev, st_ino)``: which file a descriptor refers to."""
    st = os.fstat(fd)
    return st.st_dev, st.st_ino


def pidfd_pid(fd: int) -> int:
    """The pid a pidfd refers to (``Pid:`` of /proc/self/fdinfo)."""
    for line in Path(f"/proc/self/fdinfo/{fd}").read_text().splitlines():
        if line.startswith("Pid:"):
            return int(line.split()[1])
    raise AssertionError(f"fd {fd} is not a pidfd")


def assert_near_now(seconds: float, before: float, after: float) -> None:
    """A kernel CLOCK_REALTIME stamp taken between ``before`` and ``after``
    (1 ms slack for the µs rounding of timevals and float error)."""
    assert before - 1e-3 <= seconds <= after + 1e-3, (before, seconds, after)


# --------------------------------------------------------------------------
# Sockets and private network namespaces


@pytest.fixture
def sockets() -> Iterator[Callable[..., socket.socket]]:
    """A ``socket.socket`` factory whose sockets are closed after the test."""
    made: list[socket.socket] = []

    def make(family: int, type_: int, proto: int = 0) -> socket.socket:
        s = socket.socket(family, type_, proto)
        made.append(s)
        return s

    yield make
    for s in made:
        s.close()


class Netns:
    """A private network namespace, entered by a worker thread.

    ``unshare(CLONE_NEWNET)`` moves only the calling thread; sockets created
    there (:meth:`socket`) stay in the namespace when used from any thread,
    and ``/proc/sys/net`` opened there (:meth:`sysctl`) is the namespace's.
    The namespace disappears once its sockets are closed (:meth:`close`).
    """

    def __init__(self) -> None:
        self._jobs: queue.Queue[tuple[Callable[[], Any], Future[Any]] | None] = queue.Queue()
        self._sockets: list[socket.socket] = []
        started: Future[None] = Future()
        self._thread = threading.Thread(target=self._serve, args=(started,), daemon=True,
                                        name="cmsg-netns")
        self._thread.start()
        started.result()
        self.run(_set_link, "lo", None)

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

    def socket(self, family: int, type_: int, proto: int = 0) -> socket.socket:
        """A socket of the namespace, closed by :meth:`close`."""
        s: socket.socket = self.run(socket.socket, family, type_, proto)
        self._sockets.append(s)
        return s

    def sysctl(self, name: str, value: str) -> None:
        """Write ``/proc/sys/<name>`` of the namespace."""
        self.run(Path(f"/proc/sys/{name}").write_text, value)

    def set_mtu(self, mtu: int) -> None:
        """The namespace's loopback MTU."""
        self.run(_set_link, "lo", mtu)

    def add_address(self, family: int, address: str) -> None:
        """Add ``address`` as a host address (/32, /128) of lo, with rtnetlink."""
        raw = socket.inet_pton(family, address)
        ifa = struct.pack("=BBBBI", family, len(raw) * 8,
                          IFA_F_NODAD if family == socket.AF_INET6 else 0, 0, LO_NS)
        self.rtnl(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL,
                  ifa + nlattr(IFA_LOCAL, raw) + nlattr(IFA_ADDRESS, raw))

    def rtnl(self, msgtype: int, flags: int, payload: bytes) -> None:
        """One rtnetlink request in the namespace, acknowledged (OSError on error)."""
        with self.run(socket.socket, socket.AF_NETLINK, socket.SOCK_RAW,
                      socket.NETLINK_ROUTE) as rt:
            rt.bind((0, 0))
            rt.send(nlmsg(msgtype, NLM_F_REQUEST | NLM_F_ACK | flags, payload))
            wait_ready(rt)
            answer = rt.recv(65536)
        kind = struct.unpack_from("=H", answer, 4)[0]
        assert kind == NLMSG_ERROR, answer.hex()
        (code,) = struct.unpack_from("=i", answer, 16)
        if code:
            raise OSError(-code, os.strerror(-code))

    def close(self) -> None:
        """Close the namespace's sockets and stop its thread."""
        for s in self._sockets:
            s.close()
        self._jobs.put(None)
        self._thread.join(timeout=10)


LO_NS = 1          # lo is the first interface of a new namespace


def _set_link(name: str, mtu: int | None) -> None:
    # SIOCSIFFLAGS/SIOCSIFMTU with a struct ifreq (16-byte name, then the union).
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        ifr = struct.pack("16sh", name.encode(), 0)
        flags = struct.unpack_from("16sh", fcntl.ioctl(s, SIOCGIFFLAGS, ifr))[1]
        fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack("16sh", name.encode(), flags | IFF_UP))
        if mtu is not None:
            fcntl.ioctl(s, SIOCSIFMTU, struct.pack("16si", name.encode(), mtu))


def nlmsg(msgtype: int, flags: int, payload: bytes, seq: int = 1) -> bytes:
    """``struct nlmsghdr`` + payload (netlink(7))."""
    return struct.pack("=IHHII", 16 + len(payload), msgtype, flags, seq, 0) + payload


def nlattr(kind: int, data: bytes) -> bytes:
    """``struct nlattr`` + data, padded to 4 (NLA_ALIGN)."""
    length = 4 + len(data)
    return struct.pack("=HH", length, kind) + data + bytes(-length % 4)


@pytest.fixture
def netns() -> Iterator[Callable[[], Netns]]:
    """A factory of private network namespaces, closed after the test."""
    made: list[Netns] = []

    def make() -> Netns:
        if not IS_ROOT:
            pytest.skip("a private network namespace needs root (CAP_SYS_ADMIN for unshare)")
        try:
            ns = Netns()
        except OSError as exc:
            pytest.skip(f"unshare(CLONE_NEWNET) failed: {exc} (kernel without CONFIG_NET_NS?)")
        made.append(ns)
        return ns

    yield make
    for ns in made:
        ns.close()


def udp_pair(make: Callable[..., socket.socket], family: int = socket.AF_INET,
             host: str = "127.0.0.1") -> tuple[socket.socket, socket.socket]:
    """(receiver bound to ``host``, unbound sender)."""
    r = make(family, socket.SOCK_DGRAM)
    r.bind((host, 0))
    return r, make(family, socket.SOCK_DGRAM)


def closed_port(family: int, host: str) -> int:
    """A UDP port nobody listens on (bound, then released)."""
    with socket.socket(family, socket.SOCK_DGRAM) as s:
        s.bind((host, 0))
        port: int = s.getsockname()[1]
    return port


# --------------------------------------------------------------------------
# SOL_IP and SOL_IPV6, received


def test_ipv4_pktinfo_ttl_tos_origdstaddr(sockets: Callable[..., socket.socket]) -> None:
    r, s = udp_pair(sockets)
    for option in (IP_PKTINFO, IP_RECVTTL, IP_RECVTOS, IP_RECVORIGDSTADDR):
        r.setsockopt(SOL_IP, option, 1)
    s.setsockopt(SOL_IP, IP_TTL, 33)
    s.setsockopt(SOL_IP, IP_TOS, 0x28)
    s.sendto(b"v4", r.getsockname())
    got = receive(r)
    assert got.one(IpPktinfo) == IpPktinfo(ifindex=LO, spec_dst="127.0.0.1", addr="127.0.0.1")
    assert got.one(IpTtl) == IpTtl(33)
    assert got.one(IpTos) == IpTos(0x28)
    assert got.one(IpOrigDstAddr) == IpOrigDstAddr(r.getsockname())
    assert len(got.messages) == 4


@needs_ipv6
def test_ipv6_pktinfo_hoplimit_tclass_flowinfo_origdstaddr(
        sockets: Callable[..., socket.socket]) -> None:
    r, s = udp_pair(sockets, socket.AF_INET6, "::1")
    for option in (IPV6_RECVPKTINFO, IPV6_RECVHOPLIMIT, IPV6_RECVTCLASS, IPV6_FLOWINFO,
                   IPV6_RECVORIGDSTADDR):
        r.setsockopt(SOL_IPV6, option, 1)
    s.setsockopt(SOL_IPV6, IPV6_UNICAST_HOPS, 44)
    s.setsockopt(SOL_IPV6, IPV6_TCLASS, 0x28)
    # No automatic flow label, so the flow info is the traffic class alone.
    s.setsockopt(SOL_IPV6, IPV6_AUTOFLOWLABEL, 0)
    s.sendto(b"v6", r.getsockname())
    got = receive(r)
    assert got.one(Ipv6Pktinfo) == Ipv6Pktinfo(addr="::1", ifindex=LO)
    assert got.one(Ipv6HopLimit) == Ipv6HopLimit(44)
    assert got.one(Ipv6Tclass) == Ipv6Tclass(0x28)
    # RFC 8200: version (cleared by the kernel), 8-bit traffic class, 20-bit label.
    assert got.one(Ipv6FlowInfo) == Ipv6FlowInfo(0x28 << 20)
    assert got.one(Ipv6OrigDstAddr) == Ipv6OrigDstAddr(r.getsockname())
    assert len(got.messages) == 5


@needs_ipv6
def test_dual_stack_gets_both_levels(sockets: Callable[..., socket.socket]) -> None:
    """An IPv6 socket receiving IPv4 gets SOL_IPV6 (v4-mapped) and SOL_IP messages."""
    r = sockets(socket.AF_INET6, socket.SOCK_DGRAM)
    r.bind(("::", 0))
    for option in (IPV6_RECVPKTINFO, IPV6_RECVHOPLIMIT):
        r.setsockopt(SOL_IPV6, option, 1)
    r.setsockopt(SOL_IP, IP_PKTINFO, 1)
    r.setsockopt(SOL_IP, IP_RECVTTL, 1)
    s = sockets(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(SOL_IP, IP_TTL, 55)
    s.sendto(b"mapped", ("127.0.0.1", r.getsockname()[1]))
    got = receive(r)
    assert got.one(Ipv6Pktinfo) == Ipv6Pktinfo(addr="::ffff:127.0.0.1", ifindex=LO)
    assert got.one(IpPktinfo) == IpPktinfo(ifindex=LO, spec_dst="127.0.0.1", addr="127.0.0.1")
    assert got.one(IpTtl) == IpTtl(55)


# A hop-by-hop header with one PadN of 6 bytes (RFC 8200 4.2; ip6_parse_tlv()
# drops a packet with more than 7 bytes of padding in a row, RFC 4942), and
# destination options with an RFC 3692 experimental option (type 0x1e: "skip
# if unknown").  Byte 0 (next header) is filled in by the kernel on send.
HBH = bytes([0, 0, 1, 4, 0, 0, 0, 0])
DSTOPTS = bytes([0, 0, 0x1E, 4]) + b"abcd"


@needs_ipv6
@needs_root
def test_ipv6_extension_headers(sockets: Callable[..., socket.socket]) -> None:
    r, s = udp_pair(sockets, socket.AF_INET6, "::1")
    r.setsockopt(SOL_IPV6, IPV6_RECVHOPOPTS, 1)
    r.setsockopt(SOL_IPV6, IPV6_RECVDSTOPTS, 1)
    s.sendmsg([b"ext"], [(SOL_IPV6, schemas.constant("IPV6_HOPOPTS"), HBH),
                         (SOL_IPV6, schemas.constant("IPV6_DSTOPTS"), DSTOPTS)],
              0, r.getsockname())
    got = receive(r)
    # The hop-by-hop header is followed by the destination options, those by UDP.
    assert got.one(Ipv6HopOpts) == Ipv6HopOpts(bytes([IPPROTO_DSTOPTS]) + HBH[1:])
    assert got.one(Ipv6DstOpts) == Ipv6DstOpts(bytes([socket.IPPROTO_UDP]) + DSTOPTS[1:])


@needs_ipv6
@needs_root
def test_ipv6_rfc2292_numbers(sockets: Callable[..., socket.socket]) -> None:
    """A socket with the RFC 2292 options gets the RFC 2292 type numbers."""
    r, s = udp_pair(sockets, socket.AF_INET6, "::1")
    for option in (IPV6_2292PKTINFO, IPV6_2292HOPOPTS, IPV6_2292DSTOPTS, IPV6_2292HOPLIMIT):
        r.setsockopt(SOL_IPV6, option, 1)
    s.sendmsg([b"2292"], [(SOL_IPV6, schemas.constant("IPV6_HOPOPTS"), HBH),
                          (SOL_IPV6, schemas.constant("IPV6_DSTOPTS"), DSTOPTS),
                          cmsg.encode(Ipv6HopLimit(9))], 0, r.getsockname())
    got = receive(r)
    assert got.one(Ipv6_2292Pktinfo) == Ipv6_2292Pktinfo(addr="::1", ifindex=LO)
    assert got.one(Ipv6_2292HopLimit) == Ipv6_2292HopLimit(9)
    assert got.one(Ipv6_2292HopOpts) == Ipv6_2292HopOpts(bytes([IPPROTO_DSTOPTS]) + HBH[1:])
    assert got.one(Ipv6_2292DstOpts) == Ipv6_2292DstOpts(bytes([socket.IPPROTO_UDP])
                                                         + DSTOPTS[1:])


# Record Route (RFC 791): type 7, length 11, pointer 4, two empty slots, NOP.
RECORD_ROUTE = bytes([IPOPT_RR, 11, 4]) + bytes(8) + bytes([IPOPT_NOOP])
NOPS = bytes([IPOPT_NOOP, IPOPT_NOOP, IPOPT_NOOP, IPOPT_END])


def test_ip_options(sockets: Callable[..., socket.socket]) -> None:
    r, s = udp_pair(sockets)
    r.setsockopt(SOL_IP, IP_RECVOPTS, 1)
    r.setsockopt(SOL_IP, IP_RETOPTS, 1)
    # No-ops arrive as sent; there is nothing to return.
    s.setsockopt(SOL_IP, IP_OPTIONS, NOPS)
    s.sendto(b"nop", r.getsockname())
    got = receive(r)
    assert got.one(IpRecvOpts) == IpRecvOpts(NOPS)
    assert got.one(IpRetOpts) == IpRetOpts(b"")
    # Record route: the sender and the receiver each record 127.0.0.1.
    s.setsockopt(SOL_IP, IP_OPTIONS, RECORD_ROUTE)
    s.sendto(b"rr", r.getsockname())
    got = receive(r)
    loopback = socket.inet_aton("127.0.0.1")
    opts = got.one(IpRecvOpts).data
    assert len(opts) == len(RECORD_ROUTE)
    assert opts[:3] == bytes([IPOPT_RR, 11, 12])       # pointer past both slots
    assert opts[3:11] == loopback * 2
    ret = got.one(IpRetOpts).data
    assert ret[:2] == bytes([IPOPT_RR, 11])
    assert ret[3:11] == loopback * 2


@pytest.mark.parametrize(("family", "enable", "expected"), [
    # ICMP destination unreachable (3), port unreachable (3).
    pytest.param(socket.AF_INET, (SOL_IP, IP_RECVERR),
                 IpRecvErr(errno=errno.ECONNREFUSED, origin=SO_EE_ORIGIN_ICMP, type=3, code=3,
                           pad=0, info=0, data=0, offender=("127.0.0.1", 0)), id="ipv4"),
    # ICMPv6 destination unreachable (1), port unreachable (4).
    pytest.param(socket.AF_INET6, (SOL_IPV6, IPV6_RECVERR),
                 Ipv6RecvErr(errno=errno.ECONNREFUSED, origin=SO_EE_ORIGIN_ICMP6, type=1, code=4,
                             pad=0, info=0, data=0, offender=("::1", 0, 0, 0)),
                 id="ipv6", marks=needs_ipv6),
])
def test_icmp_port_unreachable(sockets: Callable[..., socket.socket], family: int,
                               enable: tuple[int, int], expected: ExtendedError) -> None:
    """A datagram to a closed port: the ICMP error on the error queue, with the
    loopback address that sent it as the offender."""
    s = sockets(family, socket.SOCK_DGRAM)
    s.setsockopt(*enable, 1)
    host = expected.offender[0]  # type: ignore[attr-defined]
    s.sendto(b"nobody", (host, closed_port(family, host)))
    got = receive(s, flags=socket.MSG_ERRQUEUE)
    assert got.flags & socket.MSG_ERRQUEUE
    assert got.data == b"nobody"
    assert got.messages == [expected]


@needs_ipv6
def test_ipv6_pathmtu(sockets: Callable[..., socket.socket]) -> None:
    """DONTFRAG + RECVPATHMTU: a datagram over the MTU fails with EMSGSIZE and the
    next plain recvmsg returns IPV6_PATHMTU (no data), the MTU of lo."""
    r = sockets(socket.AF_INET6, socket.SOCK_DGRAM)
    r.bind(("::1", 0))
    s = sockets(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(SOL_IPV6, IPV6_RECVPATHMTU, 1)
    s.setsockopt(SOL_IPV6, IPV6_DONTFRAG, 1)
    s.connect(r.getsockname())
    mtu = _mtu("lo")
    with pytest.raises(OSError, match=os.strerror(errno.EMSGSIZE)) as exc:
        s.send(bytes(65535 - 8))          # + UDP and IPv6 headers > 65536
    assert exc.value.errno == errno.EMSGSIZE
    s.setblocking(False)                  # not readable for poll(): read it directly
    got = receive(s, wait=False)
    assert got.data == b""
    info = got.one(Ipv6PathMtu)
    assert info.mtu == mtu
    assert info.addr[:2] == ("::1", 0)


def _mtu(name: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        ifr = fcntl.ioctl(s, SIOCGIFMTU, struct.pack("16si", name.encode(), 0))
    return int(struct.unpack_from("16si", ifr)[1])


def test_fragsize(netns: Callable[[], Netns]) -> None:
    """IP_RECVFRAGSIZE / IPV6_RECVFRAGSIZE: the largest fragment of a datagram
    reassembled after fragmentation on a 1280-byte MTU (a private lo)."""
    ns = netns()
    ns.set_mtu(1280)
    r = ns.socket(socket.AF_INET, socket.SOCK_DGRAM)
    r.bind(("127.0.0.1", 0))
    r.setsockopt(SOL_IP, IP_RECVFRAGSIZE, 1)
    s = ns.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(SOL_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DONT)
    s.sendto(bytes(3000), r.getsockname())
    got = receive(r)
    # RFC 791: fragment data in multiples of 8 after a 20-byte header.
    assert got.one(IpRecvFragsize) == IpRecvFragsize(20 + (1280 - 20) // 8 * 8)
    s.sendto(bytes(100), r.getsockname())
    assert receive(r).messages == []          # not reassembled: no message
    if not _has_ipv6():
        return
    r6 = ns.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    r6.bind(("::1", 0))
    r6.setsockopt(SOL_IPV6, IPV6_RECVFRAGSIZE, 1)
    s6 = ns.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s6.sendto(bytes(3000), r6.getsockname())
    # RFC 8200: IPv6 header, fragment header, data in multiples of 8.
    assert receive(r6).one(Ipv6RecvFragsize) == Ipv6RecvFragsize(40 + 8 + (1280 - 48) // 8 * 8)


def _csum16(data: bytes, order: str) -> int:
    """Ones' complement sum of 16-bit words (RFC 1071), read in ``order``."""
    data += bytes(len(data) % 2)
    total: int = sum(struct.unpack(f"{order}{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return total


def _udp_frame(src: str, dst: str, sport: int, dport: int, payload: bytes) -> bytes:
    """An Ethernet frame for lo (zero MACs) with an IPv4/UDP datagram and correct checksums."""
    length = 8 + len(payload)
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 17, length)
    udp = struct.pack("!HHHH", sport, dport, length, 0) + payload
    udp = udp[:6] + struct.pack("!H", (0xFFFF - _csum16(pseudo + udp, "!")) or 0xFFFF) + udp[8:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + length, 1, 0, 64, 17, 0,
                     socket.inet_aton(src), socket.inet_aton(dst))
    ip = ip[:10] + struct.pack("!H", 0xFFFF - _csum16(ip, "!")) + ip[12:]
    return bytes(12) + struct.pack("!H", 0x0800) + ip + udp


def test_ip_checksum(netns: Callable[[], Netns]) -> None:
    """IP_CHECKSUM comes with CHECKSUM_COMPLETE skbs: a frame injected on lo with
    AF_PACKET (locally sent ones are CHECKSUM_PARTIAL and get none).  Its value is
    the payload's 32-bit partial sum in host arithmetic: folded, the RFC 1071 sum
    of the payload read as host-order words."""
    ns = netns()
    # A frame from 127.0.0.1 arriving on lo must pass the input route checks.
    for conf in ("all", "lo"):
        ns.sysctl(f"net/ipv4/conf/{conf}/route_localnet", "1")
        ns.sysctl(f"net/ipv4/conf/{conf}/accept_local", "1")
    packet = ns.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
    packet.bind(("lo", 0))
    r = ns.socket(socket.AF_INET, socket.SOCK_DGRAM)
    r.bind(("127.0.0.1", 0))
    r.setsockopt(SOL_IP, IP_CHECKSUM, 1)
    s = ns.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.sendto(b"sent locally", r.getsockname())
    assert receive(r).messages == []
    payload = b"checksum me, kernel!"
    packet.send(_udp_frame("127.0.0.1", "127.0.0.1", 4242, r.getsockname()[1], payload))
    got = receive(r)
    assert got.data == payload
    order = "<" if sys.byteorder == "little" else ">"
    value = got.one(IpChecksum).csum
    while value >> 16:
        value = (value & 0xFFFF) + (value >> 16)
    assert value == _csum16(payload, order)


def _ipv6_udp_frame(extension: bytes, next_header: int, dport: int, payload: bytes) -> bytes:
    """An Ethernet frame for lo: IPv6 ::1 -> ::1, one extension header, UDP with
    its checksum (RFC 8200 8.1: over the final destination)."""
    lo6 = socket.inet_pton(socket.AF_INET6, "::1")
    udp = struct.pack("!HHHH", 4242, dport, 8 + len(payload), 0) + payload
    pseudo = lo6 + lo6 + struct.pack("!IxxxB", len(udp), socket.IPPROTO_UDP)
    udp = udp[:6] + struct.pack("!H", (0xFFFF - _csum16(pseudo + udp, "!")) or 0xFFFF) + udp[8:]
    ip6 = struct.pack("!IHBB16s16s", 6 << 28, len(extension) + len(udp), next_header, 64,
                      lo6, lo6)
    return bytes(12) + struct.pack("!H", 0x86DD) + ip6 + extension + udp


@needs_ipv6
def test_ipv6_rthdr(netns: Callable[[], Netns]) -> None:
    """IPV6_RTHDR and IPV6_2292RTHDR: the routing header as received, byte for byte.

    Sending one needs type 2 and CONFIG_IPV6_MIP6 (see test_kernel_rejects), so
    a frame with a routing header of experimental type 253 and no segments left
    (which the kernel accepts, RFC 8200 4.4) is injected on a private lo."""
    ns = netns()
    packet = ns.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
    packet.bind(("lo", 0))
    r = ns.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    r.bind(("::1", 0))
    r.setsockopt(SOL_IPV6, IPV6_RECVRTHDR, 1)
    r.setsockopt(SOL_IPV6, IPV6_2292RTHDR, 1)
    # next header UDP, length 0 (8 bytes), routing type 253, segments left 0.
    rthdr = bytes([socket.IPPROTO_UDP, 0, 253, 0, 0, 0, 0, 0])
    packet.send(_ipv6_udp_frame(rthdr, socket.IPPROTO_ROUTING, r.getsockname()[1], b"routed"))
    got = receive(r)
    assert got.data == b"routed"
    assert got.messages == [Ipv6Rthdr(rthdr), Ipv6_2292Rthdr(rthdr)]


# --------------------------------------------------------------------------
# SOL_SOCKET, received


TIMESTAMPS = [
    pytest.param(SO_TIMESTAMP_OLD, 1, SoTimestampOld, id="SO_TIMESTAMP_OLD"),
    pytest.param(SO_TIMESTAMPNS_OLD, 1, SoTimestampNsOld, id="SO_TIMESTAMPNS_OLD"),
    pytest.param(SO_TIMESTAMP_NEW, 1, SoTimestampNew, id="SO_TIMESTAMP_NEW"),
    pytest.param(SO_TIMESTAMPNS_NEW, 1, SoTimestampNsNew, id="SO_TIMESTAMPNS_NEW"),
    pytest.param(SO_TIMESTAMPING_OLD, RX_SOFTWARE | SOFTWARE, SoTimestampingOld,
                 id="SO_TIMESTAMPING_OLD"),
    pytest.param(SO_TIMESTAMPING_NEW, RX_SOFTWARE | SOFTWARE, SoTimestampingNew,
                 id="SO_TIMESTAMPING_NEW"),
]


def _stamp_seconds(m: ControlMessage) -> float:
    if isinstance(m, SoTimestampingOld | SoTimestampingNew):
        # ts[0] software; ts[1] (legacy) and ts[2] (raw hardware) zero on lo.
        assert m.ts[1:] == ((0, 0), (0, 0)), m
        sec, nsec = m.ts[0]
        assert 0 <= nsec < 10**9
        return sec + nsec / 1e9
    if isinstance(m, SoTimestampOld | SoTimestampNew):
        assert 0 <= m.usec < 10**6
    else:
        assert isinstance(m, SoTimestampNsOld | SoTimestampNsNew), m
        assert 0 <= m.nsec < 10**9
    return m.timestamp


def _timestamped(r: socket.socket, s: socket.socket, cls: type[M]) -> tuple[M, float, float]:
    # Software rx stamps need the kernel's netstamp key, switched on
    # asynchronously after the first SO_TIMESTAMPING: retry briefly.
    for _ in range(100):
        before = time.time()
        s.sendto(b"when", r.getsockname())
        got = receive(r)
        after = time.time()
        found = [m for m in got.messages if type(m) is cls]
        if found:
            assert len(got.messages) == 1, got.messages
            return found[0], before, after
        time.sleep(0.01)
    pytest.fail(f"no {cls.__name__} within 100 datagrams")


@pytest.mark.parametrize(("option", "value", "cls"), TIMESTAMPS)
def test_rx_timestamps(sockets: Callable[..., socket.socket], option: int, value: int,
                       cls: type[ControlMessage]) -> None:
    r, s = udp_pair(sockets)
    r.setsockopt(SOL_SOCKET, option, value)
    stamp, before, after = _timestamped(r, s, cls)
    assert_near_now(_stamp_seconds(stamp), before, after)


@pytest.mark.parametrize(("option", "cls"), [
    pytest.param(SO_TIMESTAMPING_OLD, SoTimestampingOld, id="old"),
    pytest.param(SO_TIMESTAMPING_NEW, SoTimestampingNew, id="new"),
])
def test_tx_timestamps_opt_id(sockets: Callable[..., socket.socket], option: int,
                              cls: type[ControlMessage]) -> None:
    """Software tx timestamps on the error queue: IP_RECVERR with origin
    TIMESTAMPING, errno ENOMSG, ee_info SCM_TSTAMP_SND and ee_data the OPT_ID key
    (0, 1, 2, 3: one per stamped datagram); the offender only with OPT_CMSG."""
    r, s = udp_pair(sockets)
    s.setsockopt(SOL_SOCKET, option, TX_SOFTWARE | SOFTWARE | OPT_ID)
    for key in range(2):
        before = time.time()
        s.sendto(b"stamp me", r.getsockname())
        got = receive(s, flags=socket.MSG_ERRQUEUE)
        after = time.time()
        assert_near_now(_stamp_seconds(got.one(cls)), before, after)
        err = got.one(IpRecvErr)
        assert err == IpRecvErr(errno=errno.ENOMSG, origin=SO_EE_ORIGIN_TIMESTAMPING, type=0,
                                code=0, pad=0, info=SCM_TSTAMP_SND, data=key, offender=None)
        assert got.data.endswith(b"stamp me")        # the packet as sent, from layer 2
    # With OPT_CMSG the error names the sender and IP_PKTINFO the egress device.
    s.setsockopt(SOL_SOCKET, option, TX_SOFTWARE | SOFTWARE | OPT_ID | OPT_CMSG)
    s.setsockopt(SOL_IP, IP_PKTINFO, 1)
    s.sendto(b"stamp me", r.getsockname())
    got = receive(s, flags=socket.MSG_ERRQUEUE)
    assert got.one(IpRecvErr).offender == ("127.0.0.1", 0)
    assert got.one(IpRecvErr).data == 2
    assert got.one(IpPktinfo).ifindex == LO
    # OPT_TSONLY: no packet, no offender.
    s.setsockopt(SOL_SOCKET, option, TX_SOFTWARE | SOFTWARE | OPT_ID | OPT_TSONLY)
    s.sendto(b"stamp me", r.getsockname())
    got = receive(s, flags=socket.MSG_ERRQUEUE)
    assert got.data == b""
    assert got.one(IpRecvErr).offender is None
    assert got.one(IpRecvErr).data == 3


def test_scm_ts_opt_id(sockets: Callable[..., socket.socket]) -> None:
    """SCM_TS_OPT_ID (Linux 6.13) on send: ee_data is the id sent, not the counter."""
    r, s = udp_pair(sockets)
    s.setsockopt(SOL_SOCKET, SO_TIMESTAMPING_OLD, TX_SOFTWARE | SOFTWARE | OPT_ID)
    try:
        s.sendmsg([b"id"], [cmsg.encode(ScmTsOptId(0xABCD))], 0, r.getsockname())
    except OSError as exc:
        pytest.skip(f"kernel lacks SCM_TS_OPT_ID (Linux 6.13): {exc}")
    assert receive(s, flags=socket.MSG_ERRQUEUE).one(IpRecvErr).data == 0xABCD


def test_scm_rights(sockets: Callable[..., socket.socket]) -> None:
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
    with a, b, tempfile.TemporaryFile() as f1, tempfile.TemporaryFile() as f2:
        before = fd_count()
        sent = [f1.fileno(), f2.fileno(), f1.fileno()]
        a.sendmsg([b"fds"], [(SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", sent).tobytes())])
        got = receive(b)
        rights = got.one(ScmRights)
        try:
            assert len(rights.fds) == 3
            assert [identity(fd) for fd in rights.fds] == [identity(fd) for fd in sent]
            assert not set(rights.fds) & set(sent)     # new numbers in the receiver
        finally:
            close_fds(got.messages)
        assert fd_count() == before


def test_scm_credentials() -> None:
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
    with a, b:
        b.setsockopt(SOL_SOCKET, SO_PASSCRED, 1)
        a.send(b"who")
        got = receive(b)
        assert got.messages == [ScmCredentials(pid=os.getpid(), uid=os.getuid(),
                                               gid=os.getgid())]


@pytest.mark.skipif(not HAS_PIDFD, reason="kernel lacks SO_PASSPIDFD (Linux 6.5)")
def test_scm_pidfd() -> None:
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
    with a, b:
        before = fd_count()
        b.setsockopt(SOL_SOCKET, SO_PASSPIDFD, 1)
        a.send(b"pidfd")
        got = receive(b)
        pidfd = got.one(ScmPidfd)
        try:
            assert pidfd_pid(pidfd.pidfd) == os.getpid()
        finally:
            close_fds(got.messages)
        assert fd_count() == before


def test_scm_security() -> None:
    """SCM_SECURITY (SO_PASSSEC): the sender's LSM context, if an LSM provides one."""
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
    with a, b:
        b.setsockopt(SOL_SOCKET, SO_PASSSEC, 1)
        a.send(b"label")
        got = receive(b)
    if not got.messages:
        pytest.skip("no LSM with security contexts (SELinux, Smack, AppArmor) is active: "
                    "SO_PASSSEC adds no SCM_SECURITY")
    context = got.one(ScmSecurity).data
    assert context.rstrip(b"\0") == Path("/proc/self/attr/current").read_bytes().rstrip(b"\0\n")


def test_ip_passsec(sockets: Callable[..., socket.socket]) -> None:
    """SCM_SECURITY at SOL_IP (IP_PASSSEC): the packet's label, with labeled networking."""
    r, s = udp_pair(sockets)
    r.setsockopt(SOL_IP, IP_PASSSEC, 1)
    s.sendto(b"label", r.getsockname())
    got = receive(r)
    if not got.messages:
        pytest.skip("needs labeled networking (SELinux/Smack with NetLabel or labeled IPsec): "
                    "IP_PASSSEC adds no SCM_SECURITY here")
    assert got.one(IpSecurity).data


def test_rxq_ovfl(sockets: Callable[..., socket.socket]) -> None:
    """SO_RXQ_OVFL: absent while nothing was dropped; then the drops so far."""
    r, s = udp_pair(sockets)
    r.setsockopt(SOL_SOCKET, SO_RCVBUF, 1)        # the minimum: a few datagrams fit
    r.setsockopt(SOL_SOCKET, SO_RXQ_OVFL, 1)
    sent = 64
    for _ in range(sent):
        s.sendto(bytes(100), r.getsockname())
    r.setblocking(False)
    queued = 0
    with contextlib.suppress(BlockingIOError):
        while True:
            assert receive(r, wait=False).messages == []   # queued before any drop
            queued += 1
    assert 0 < queued < sent
    r.setblocking(True)
    s.sendto(b"after", r.getsockname())
    assert receive(r).messages == [SoRxqOvfl(sent - queued)]


@needs_root
@pytest.mark.parametrize(("enable", "option", "value", "cls"), [
    pytest.param(SO_RCVMARK, SO_MARK, 0x1234, SoMark, id="SO_MARK"),
    pytest.param(SO_RCVPRIORITY, SO_PRIORITY, 5, SoPriority, id="SO_PRIORITY"),
])
def test_mark_priority(sockets: Callable[..., socket.socket], enable: int, option: int,
                       value: int, cls: Callable[[int], ControlMessage]) -> None:
    """SO_RCVMARK (6.1) / SO_RCVPRIORITY (6.14): the sender's SO_MARK / SO_PRIORITY."""
    if not _sockopt_supported(SOL_SOCKET, enable):
        pytest.skip(f"kernel lacks socket option {enable} (SO_RCVMARK 6.1, SO_RCVPRIORITY 6.14)")
    r, s = udp_pair(sockets)
    r.setsockopt(SOL_SOCKET, enable, 1)
    s.sendto(b"plain", r.getsockname())
    assert receive(r).messages == [cls(0)]            # emitted even for 0
    s.setsockopt(SOL_SOCKET, option, value)
    s.sendto(b"marked", r.getsockname())
    assert receive(r).messages == [cls(value)]


# --------------------------------------------------------------------------
# SOL_UDP, SOL_TCP


def test_udp_gro_and_segment(sockets: Callable[..., socket.socket]) -> None:
    """UDP_SEGMENT on send: a GRO receiver gets the whole datagram with UDP_GRO =
    the segment size; any other receiver gets the segments."""
    gro, s = udp_pair(sockets)
    gro.setsockopt(SOL_UDP, UDP_GRO, 1)
    plain = sockets(socket.AF_INET, socket.SOCK_DGRAM)
    plain.bind(("127.0.0.1", 0))
    segment = [cmsg.encode(UdpSegment(1000))]
    s.sendmsg([bytes(3000)], segment, 0, gro.getsockname())
    got = receive(gro)
    assert len(got.data) == 3000
    assert got.messages == [UdpGro(1000)]
    s.sendmsg([bytes(2500)], segment, 0, plain.getsockname())
    sizes = [len(receive(plain).data) for _ in range(3)]
    assert sizes == [1000, 1000, 500]


def test_tcp_cm_inq(sockets: Callable[..., socket.socket]) -> None:
    """TCP_CM_INQ: bytes still queued after each read."""
    listener = sockets(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    client = sockets(socket.AF_INET, socket.SOCK_STREAM)
    client.connect(listener.getsockname())
    server, _ = listener.accept()
    with server:
        server.setsockopt(SOL_TCP, TCP_INQ, 1)
        client.sendall(bytes(100))
        for _ in range(200):               # until all 100 bytes are queued
            queued = struct.unpack("i", fcntl.ioctl(server, 0x541B, b"\0" * 4))[0]  # FIONREAD
            if queued == 100:
                break
            time.sleep(0.005)
        got = receive(server, bufsize=40)
        assert len(got.data) == 40
        assert got.messages == [TcpCmInq(60)]
        got = receive(server, bufsize=100)
        assert got.messages == [TcpCmInq(0)]


def test_scm_inq() -> None:
    """SCM_INQ (SO_INQ on an AF_UNIX stream, Linux 6.17): bytes left after the read."""
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    with a, b:
        try:
            b.setsockopt(SOL_SOCKET, SO_INQ, 1)
        except OSError as exc:
            pytest.skip(f"kernel lacks SO_INQ on AF_UNIX (Linux 6.17): {exc}")
        a.sendall(bytes(100))
        got = receive(b, bufsize=40)
        assert len(got.data) == 40
        assert got.messages == [ScmInq(60)]


def test_tcp_opt_stats(sockets: Callable[..., socket.socket]) -> None:
    """SCM_TIMESTAMPING_OPT_STATS: TCP_NLA_* attributes with the ACK timestamp;
    TCP's OPT_ID key is the offset of the last byte acknowledged."""
    listener = sockets(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    client = sockets(socket.AF_INET, socket.SOCK_STREAM)
    client.connect(listener.getsockname())
    server, _ = listener.accept()
    with server:
        client.setsockopt(SOL_SOCKET, SO_TIMESTAMPING_OLD,
                          TX_ACK | SOFTWARE | OPT_ID | OPT_TSONLY | OPT_STATS)
        client.sendall(bytes(100))
        got = receive(client, flags=socket.MSG_ERRQUEUE)
    assert got.one(IpRecvErr) == IpRecvErr(
        errno=errno.ENOMSG, origin=SO_EE_ORIGIN_TIMESTAMPING, type=0, code=0, pad=0,
        info=SCM_TSTAMP_ACK, data=99, offender=None)
    stats = got.one(ScmTimestampingOptStats)
    attributes = dict(stats.attributes())
    assert len(attributes) == len(stats.attributes())        # each type once
    assert int.from_bytes(attributes[TCP_NLA_BYTES_SENT], sys.byteorder) == 100
    assert int.from_bytes(attributes[TCP_NLA_DATA_SEGS_OUT], sys.byteorder) == 1


# --------------------------------------------------------------------------
# SOL_NETLINK, SOL_PACKET (private namespaces)


def _ipv4_address_message(address: str) -> bytes:
    raw = socket.inet_aton(address)
    return struct.pack("=BBBBI", socket.AF_INET, 32, 0, 0, LO_NS) + (
        nlattr(IFA_LOCAL, raw) + nlattr(IFA_ADDRESS, raw))


def test_netlink_pktinfo(netns: Callable[[], Netns]) -> None:
    """NETLINK_PKTINFO: the group (5, RTNLGRP_IPV4_IFADDR) of the RTM_NEWADDR
    notification an address added to lo triggers."""
    ns = netns()
    mon = ns.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    mon.bind((0, 0))
    mon.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, RTNLGRP_IPV4_IFADDR)
    mon.setsockopt(SOL_NETLINK, NETLINK_PKTINFO, 1)
    mon.setsockopt(SOL_SOCKET, SO_PASSCRED, 1)
    ns.rtnl(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, _ipv4_address_message("10.9.8.7"))
    got = receive(mon)
    assert struct.unpack_from("=H", got.data, 4)[0] == RTM_NEWADDR
    assert got.address == (0, 1 << (RTNLGRP_IPV4_IFADDR - 1))      # nl_groups: a mask
    # The kernel sent it: pid, uid and gid 0 (netlink(7)).
    assert got.one(ScmCredentials) == ScmCredentials(pid=0, uid=0, gid=0)
    assert got.one(NetlinkPktinfo) == NetlinkPktinfo(RTNLGRP_IPV4_IFADDR)
    assert len(got.messages) == 2


def test_netlink_listen_all_nsid(netns: Callable[[], Netns]) -> None:
    """NETLINK_LISTEN_ALL_NSID: a notification from another namespace carries the
    id the listener's namespace gave it (RTM_NEWNSID, here 7)."""
    home, other = netns(), netns()
    listener = home.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    listener.bind((0, 0))
    listener.setsockopt(SOL_NETLINK, NETLINK_LISTEN_ALL_NSID, 1)
    listener.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, RTNLGRP_IPV4_IFADDR)
    fd = other.run(os.open, "/proc/thread-self/ns/net", os.O_RDONLY)
    try:
        home.rtnl(RTM_NEWNSID, 0, struct.pack("=Bxxx", socket.AF_UNSPEC)
                  + nlattr(NETNSA_NSID, struct.pack("=i", 7))
                  + nlattr(NETNSA_FD, struct.pack("=I", fd)))
    finally:
        os.close(fd)
    other.rtnl(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, _ipv4_address_message("10.9.8.6"))
    got = receive(listener)
    assert struct.unpack_from("=H", got.data, 4)[0] == RTM_NEWADDR
    assert got.messages == [NetlinkListenAllNsid(7)]


def test_packet_auxdata(netns: Callable[[], Netns]) -> None:
    """PACKET_AUXDATA: tp_len/tp_snaplen the frame's length, tp_net the 14-byte
    Ethernet header of lo, tp_mac 0, TP_STATUS_USER set."""
    ns = netns()
    packet = ns.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    packet.bind(("lo", 0))
    packet.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
    r = ns.socket(socket.AF_INET, socket.SOCK_DGRAM)
    r.bind(("127.0.0.1", 0))
    ns.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"aux" * 10, r.getsockname())
    # lo shows the frame twice: outgoing, then incoming.
    for pkttype in (socket.PACKET_OUTGOING, socket.PACKET_HOST):
        got = receive(packet)
        while not got.data.endswith(b"aux" * 10):    # someone else's frame
            got = receive(packet)
        assert got.address[2] == pkttype
        aux = got.one(PacketAuxdata)
        assert (aux.len, aux.snaplen, aux.mac, aux.net) == (len(got.data), len(got.data), 0, 14)
        assert aux.status & TP_STATUS_USER
        assert (aux.vlan_tci, aux.vlan_tpid) == (0, 0)


def test_packet_tx_timestamp(netns: Callable[[], Netns]) -> None:
    """PACKET_TX_TIMESTAMP: a bare sock_extended_err (no offender) next to the
    SO_TIMESTAMPING stamp, ee_data the OPT_ID key."""
    ns = netns()
    packet = ns.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
    packet.bind(("lo", 0))
    packet.setsockopt(SOL_SOCKET, SO_TIMESTAMPING_OLD, TX_SOFTWARE | SOFTWARE | OPT_ID)
    frame = bytes(12) + struct.pack("!H", ETH_P_LOCAL_EXP) + b"tx timestamp"
    for key in range(2):
        before = time.time()
        packet.send(frame)
        got = receive(packet, flags=socket.MSG_ERRQUEUE)
        after = time.time()
        assert got.data == frame
        assert got.one(PacketTxTimestamp) == PacketTxTimestamp(
            errno=errno.ENOMSG, origin=SO_EE_ORIGIN_TIMESTAMPING, type=0, code=0, pad=0,
            info=SCM_TSTAMP_SND, data=key)
        assert [len(d) for level, _, d in got.items if level == SOL_PACKET] == [16]
        assert_near_now(_stamp_seconds(got.one(SoTimestampingOld)), before, after)


# --------------------------------------------------------------------------
# Whole buffers: libc recvmsg vs CPython recvmsg


@dataclass
class Scenario:
    """A receiver and a function that makes it receive one message."""

    receiver: socket.socket
    trigger: Callable[[], None]
    flags: int = 0


def _sender(s: socket.socket, payload: bytes, address: Any) -> Callable[[], None]:
    def send() -> None:
        s.sendto(payload, address)

    return send


def _udp4_scenario(make: Callable[..., socket.socket]) -> Scenario:
    r, s = udp_pair(make)
    for option in (IP_PKTINFO, IP_RECVTTL, IP_RECVTOS, IP_RECVORIGDSTADDR):
        r.setsockopt(SOL_IP, option, 1)
    r.setsockopt(SOL_SOCKET, SO_TIMESTAMPNS_OLD, 1)
    s.setsockopt(SOL_IP, IP_TTL, 17)
    s.setsockopt(SOL_IP, IP_TOS, 0x10)
    return Scenario(r, _sender(s, b"udp4", r.getsockname()))


def _udp6_scenario(make: Callable[..., socket.socket]) -> Scenario:
    r, s = udp_pair(make, socket.AF_INET6, "::1")
    for option in (IPV6_RECVPKTINFO, IPV6_RECVHOPLIMIT, IPV6_RECVTCLASS, IPV6_FLOWINFO,
                   IPV6_RECVORIGDSTADDR):
        r.setsockopt(SOL_IPV6, option, 1)
    r.setsockopt(SOL_SOCKET, SO_TIMESTAMP_NEW, 1)
    s.setsockopt(SOL_IPV6, IPV6_AUTOFLOWLABEL, 0)
    s.setsockopt(SOL_IPV6, IPV6_TCLASS, 0x20)
    return Scenario(r, _sender(s, b"udp6", r.getsockname()))


def _unix_scenario(make: Callable[..., socket.socket]) -> Scenario:
    """AF_UNIX: credentials, three passed fds, a pidfd where the kernel has them."""
    a = make(socket.AF_UNIX, socket.SOCK_DGRAM)
    b = make(socket.AF_UNIX, socket.SOCK_DGRAM)
    b.bind(b"\0" + f"cmsg-kernel-{os.getpid()}-{id(b)}".encode())
    b.setsockopt(SOL_SOCKET, SO_PASSCRED, 1)
    if HAS_PIDFD:
        b.setsockopt(SOL_SOCKET, SO_PASSPIDFD, 1)
    # Three fds of two files (sockets, so the fixture closes them).
    one = make(socket.AF_INET, socket.SOCK_DGRAM)
    two = make(socket.AF_UNIX, socket.SOCK_STREAM)
    fds = array.array("i", [one.fileno(), two.fileno(), one.fileno()]).tobytes()
    name = b.getsockname()

    def send() -> None:
        a.sendmsg([b"unix"], [(SOL_SOCKET, socket.SCM_RIGHTS, fds)], 0, name)

    return Scenario(b, send)


def _icmp4_scenario(make: Callable[..., socket.socket]) -> Scenario:
    s = make(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(SOL_IP, IP_RECVERR, 1)
    s.setsockopt(SOL_IP, IP_RECVTTL, 1)
    port = closed_port(socket.AF_INET, "127.0.0.1")
    return Scenario(s, _sender(s, b"icmp", ("127.0.0.1", port)), socket.MSG_ERRQUEUE)


def _icmp6_scenario(make: Callable[..., socket.socket]) -> Scenario:
    s = make(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(SOL_IPV6, IPV6_RECVERR, 1)
    port = closed_port(socket.AF_INET6, "::1")
    return Scenario(s, _sender(s, b"icmp6", ("::1", port)), socket.MSG_ERRQUEUE)


SCENARIOS = [
    pytest.param(_udp4_scenario, id="udp4"),
    pytest.param(_udp6_scenario, id="udp6", marks=needs_ipv6),
    pytest.param(_unix_scenario, id="unix"),
    pytest.param(_icmp4_scenario, id="icmp4"),
    pytest.param(_icmp6_scenario, id="icmp6", marks=needs_ipv6),
]


def assert_same(ours: ControlMessage, theirs: ControlMessage) -> None:
    """Two receptions of the same kind of message agree: equal, except for what
    differs between two packets (times) or two receptions (fd numbers)."""
    assert type(ours) is type(theirs), (ours, theirs)
    if isinstance(ours, TimeMessage | SoTimestampingOld | SoTimestampingNew):
        assert abs(_stamp_seconds(ours) - _stamp_seconds(theirs)) < 1.0
    elif isinstance(ours, ScmRights):
        assert isinstance(theirs, ScmRights)
        assert [identity(fd) for fd in ours.fds] == [identity(fd) for fd in theirs.fds]
    elif isinstance(ours, ScmPidfd):
        assert isinstance(theirs, ScmPidfd)
        assert pidfd_pid(ours.pidfd) == pidfd_pid(theirs.pidfd) == os.getpid()
    else:
        assert ours == theirs


def _fd_payloads(messages: Sequence[ControlMessage]) -> list[ControlMessage]:
    return [m for m in messages if isinstance(m, ScmRights | ScmPidfd)]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_raw_buffer_matches_cpython(sockets: Callable[..., socket.socket],
                                    scenario: Callable[..., Scenario]) -> None:
    """``parse()`` of libc's raw buffer (garbage padding) equals CPython's items
    decoded; with zeroed padding, ``build(parse(buf)) == buf``."""
    sc = scenario(sockets)
    before = fd_count()
    sc.trigger()
    theirs = receive(sc.receiver, flags=sc.flags)
    sc.trigger()
    raw = libc_recvmsg(sc.receiver, flags=sc.flags)
    sc.trigger()
    zeroed = libc_recvmsg(sc.receiver, flags=sc.flags, fill=0)
    ours, ours_zeroed = cmsg.parse(raw.control), cmsg.parse(zeroed.control)
    try:
        assert raw.flags == theirs.flags
        assert raw.data == theirs.data
        assert len(ours) == len(theirs.messages) == len(ours_zeroed) > 0
        for a, b, c in zip(ours, theirs.messages, ours_zeroed, strict=True):
            assert_same(a, b)
            assert_same(c, b)
        assert cmsg.build(ours_zeroed) == zeroed.control
        assert cmsg.space(*ours_zeroed) == len(zeroed.control)
        assert [cmsg.encode(m)[:2] for m in ours] == [i[:2] for i in theirs.items]
    finally:
        close_fds(_fd_payloads(theirs.messages))
        close_fds(_fd_payloads(ours))
        close_fds(_fd_payloads(ours_zeroed))
    assert fd_count() == before


SCM_PIDFD = schemas.constant("SCM_PIDFD")
TRUNCATIONS = [
    pytest.param(8, id="no-room-for-a-header"),
    pytest.param(socket.CMSG_LEN(0), id="creds-header-only"),
    pytest.param(socket.CMSG_LEN(4), id="creds-cut"),
    pytest.param(socket.CMSG_LEN(12), id="creds-exactly"),
    pytest.param(socket.CMSG_SPACE(12) + socket.CMSG_LEN(4), id="one-fd-of-three"),
    pytest.param(socket.CMSG_SPACE(12) + socket.CMSG_LEN(8) + 2, id="two-fds-of-three"),
    pytest.param(socket.CMSG_SPACE(12) + socket.CMSG_LEN(12), id="no-room-for-pidfd"),
    pytest.param(4096, id="everything"),
]


@pytest.mark.parametrize("controllen", TRUNCATIONS)
def test_truncated_buffer(sockets: Callable[..., socket.socket], controllen: int) -> None:
    """A small control buffer: MSG_CTRUNC, whole messages first, the cut one as
    :class:`Truncated` (CPython's item), SCM_RIGHTS only whole fds (the kernel
    closes the rest), and no descriptor leaks."""
    sc = _unix_scenario(sockets)
    before = fd_count()
    sc.trigger()
    wait_ready(sc.receiver)
    # CPython's items as they are: the cut one does not decode.
    _, items, flags, _ = sc.receiver.recvmsg(4096, controllen)
    sc.trigger()
    raw = libc_recvmsg(sc.receiver, controllen, fill=0)
    # put_cmsg() order: credentials, rights, pidfd.
    needed = socket.CMSG_SPACE(12) + (
        socket.CMSG_SPACE(12) + socket.CMSG_LEN(4) if HAS_PIDFD else socket.CMSG_LEN(12))
    live = [typed(i) for i in items
            if i[:2] in ((SOL_SOCKET, socket.SCM_RIGHTS), (SOL_SOCKET, SCM_PIDFD))]
    try:
        assert raw.flags == flags
        assert bool(raw.flags & MSG_CTRUNC) is (controllen < needed)
        ours = cmsg.parse(raw.control, truncated=bool(raw.flags & MSG_CTRUNC))
        live += ours
        assert [cmsg.encode(m)[:2] for m in ours] == [i[:2] for i in items]
        for m, (level, type_, data) in zip(ours, items, strict=True):
            if isinstance(m, Truncated):
                # Only the last one, with what the kernel copied: CPython's bytes.
                assert m is ours[-1]
                assert m == Truncated(level, type_, data, socket.CMSG_LEN(len(data)))
            else:
                assert_same(m, typed((level, type_, data)))
        rights = [m for m in ours if isinstance(m, ScmRights)]
        if controllen >= socket.CMSG_SPACE(12) + socket.CMSG_LEN(4):
            room = controllen - socket.CMSG_SPACE(12) - socket.CMSG_LEN(0)
            assert [len(m.fds) for m in rights] == [min(3, room // 4)]
        assert cmsg.build(ours)[:len(raw.control)] == raw.control
    finally:
        close_fds(_fd_payloads(live))
    assert fd_count() == before


# --------------------------------------------------------------------------
# build() through libc sendmsg: what the kernel does with our buffers


@pytest.mark.parametrize(("messages", "enable", "expected"), [
    pytest.param([IpTtl(77)], [IP_RECVTTL], [IpTtl(77)], id="IP_TTL"),
    pytest.param([IpTos(0x28)], [IP_RECVTOS], [IpTos(0x28)], id="IP_TOS-u8"),
    pytest.param([IpTosInt(0x48)], [IP_RECVTOS], [IpTos(0x48)], id="IP_TOS-int"),
    pytest.param([IpTtl(3), IpTos(0x88)], [IP_RECVTTL, IP_RECVTOS], [IpTtl(3), IpTos(0x88)],
                 id="IP_TTL+IP_TOS"),
    pytest.param([IpRetOpts(NOPS)], [IP_RECVOPTS], [IpRecvOpts(NOPS)], id="IP_RETOPTS"),
])
def test_build_ipv4(sockets: Callable[..., socket.socket], messages: list[ControlMessage],
                    enable: list[int], expected: list[ControlMessage]) -> None:
    r, s = udp_pair(sockets)
    for option in enable:
        r.setsockopt(SOL_IP, option, 1)
    buf = cmsg.build(messages)
    assert len(buf) == cmsg.space(*messages)
    libc_sendmsg(s, b"built", buf, sockaddr_in(*r.getsockname()))
    got = receive(r)
    assert got.data == b"built"
    assert got.messages == expected


@needs_ipv6
@pytest.mark.parametrize(("messages", "enable", "expected"), [
    pytest.param([Ipv6HopLimit(9)], [IPV6_RECVHOPLIMIT], [Ipv6HopLimit(9)], id="IPV6_HOPLIMIT"),
    pytest.param([Ipv6Tclass(0x28)], [IPV6_RECVTCLASS], [Ipv6Tclass(0x28)], id="IPV6_TCLASS"),
    pytest.param([Ipv6HopOpts(HBH)], [IPV6_RECVHOPOPTS],
                 [Ipv6HopOpts(bytes([socket.IPPROTO_UDP]) + HBH[1:])], id="IPV6_HOPOPTS",
                 marks=needs_root),
    pytest.param([Ipv6DstOpts(DSTOPTS), Ipv6HopLimit(200)], [IPV6_RECVDSTOPTS, IPV6_RECVHOPLIMIT],
                 [Ipv6HopLimit(200), Ipv6DstOpts(bytes([socket.IPPROTO_UDP]) + DSTOPTS[1:])],
                 id="IPV6_DSTOPTS+IPV6_HOPLIMIT", marks=needs_root),
])
def test_build_ipv6(sockets: Callable[..., socket.socket], messages: list[ControlMessage],
                    enable: list[int], expected: list[ControlMessage]) -> None:
    r, s = udp_pair(sockets, socket.AF_INET6, "::1")
    for option in enable:
        r.setsockopt(SOL_IPV6, option, 1)
    libc_sendmsg(s, b"built6", cmsg.build(messages), sockaddr_in6(*r.getsockname()[:2]))
    got = receive(r)
    assert got.messages == expected


@needs_ipv6
def test_build_ipv6_dontfrag(sockets: Callable[..., socket.socket]) -> None:
    """IPV6_DONTFRAG for one datagram: over the MTU it fails instead of fragmenting."""
    r, s = udp_pair(sockets, socket.AF_INET6, "::1")
    r.setsockopt(SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    big = bytes(65535 - 8)
    address = sockaddr_in6(*r.getsockname()[:2])
    with pytest.raises(OSError, match=os.strerror(errno.EMSGSIZE)) as exc:
        libc_sendmsg(s, big, cmsg.build([Ipv6DontFrag(1)]), address)
    assert exc.value.errno == errno.EMSGSIZE
    assert libc_sendmsg(s, big, cmsg.build([Ipv6DontFrag(0)]), address) == len(big)
    assert len(receive(r).data) == len(big)


def test_build_ip_pktinfo_source(sockets: Callable[..., socket.socket]) -> None:
    """IP_PKTINFO on send: ipi_spec_dst picks the source address (127.0.0.2 is
    local through lo's 127/8 route)."""
    r, s = udp_pair(sockets)
    r.setsockopt(SOL_IP, IP_PKTINFO, 1)
    message = IpPktinfo(ifindex=0, spec_dst="127.0.0.2", addr="0.0.0.0")
    libc_sendmsg(s, b"from .2", cmsg.build([message]), sockaddr_in(*r.getsockname()))
    got = receive(r)
    assert got.address[0] == "127.0.0.2"
    assert got.messages == [IpPktinfo(ifindex=LO, spec_dst="127.0.0.1", addr="127.0.0.1")]


def test_build_ipv6_pktinfo_source(netns: Callable[[], Netns]) -> None:
    """IPV6_PKTINFO on send: ipi6_addr picks the source (two addresses on a private lo)."""
    ns = netns()
    if not ns.run(_has_ipv6):
        pytest.skip("kernel lacks IPv6 on lo (::1)")
    for address in ("fd00::1", "fd00::2"):
        ns.add_address(socket.AF_INET6, address)
    r = ns.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    r.bind(("fd00::2", 0))
    r.setsockopt(SOL_IPV6, IPV6_RECVPKTINFO, 1)
    s = ns.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    # New addresses settle asynchronously (addrconf work): the first datagram
    # may be lost.  Probe from a socket bound to fd00::1 until one arrives.
    probe = ns.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    probe.bind(("fd00::1", 0))
    for _ in range(100):
        probe.sendto(b"probe", r.getsockname())
        if select.select([r], [], [], 0.01)[0]:
            break
    r.setblocking(False)
    with contextlib.suppress(BlockingIOError):
        while True:
            assert receive(r, wait=False).address[0] == "fd00::1"
    r.setblocking(True)
    message = Ipv6Pktinfo(addr="fd00::1", ifindex=0)
    libc_sendmsg(s, b"from ::1", cmsg.build([message]), sockaddr_in6("fd00::2",
                                                                        r.getsockname()[1]))
    got = receive(r)
    assert got.address[0] == "fd00::1"
    assert got.messages == [Ipv6Pktinfo(addr="fd00::2", ifindex=LO_NS)]


def test_build_scm_rights_and_credentials() -> None:
    """SCM_RIGHTS and SCM_CREDENTIALS in one built buffer (root may claim another
    uid/gid: CAP_SETUID/CAP_SETGID)."""
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
    with a, b, tempfile.TemporaryFile() as f, open("/dev/null", "rb") as null:
        b.setsockopt(SOL_SOCKET, SO_PASSCRED, 1)
        before = fd_count()
        uid, gid = (1234, 5678) if IS_ROOT else (os.getuid(), os.getgid())
        creds = ScmCredentials(pid=os.getpid(), uid=uid, gid=gid)
        rights = ScmRights((f.fileno(), null.fileno()))
        libc_sendmsg(a, b"built", cmsg.build([creds, rights]))
        got = receive(b)
        try:
            assert got.one(ScmCredentials) == creds
            received = got.one(ScmRights).fds
            assert [identity(fd) for fd in received] == [identity(f.fileno()),
                                                          identity(null.fileno())]
        finally:
            close_fds(got.messages)
        assert fd_count() == before


@needs_root
@pytest.mark.parametrize(("message", "enable"), [
    pytest.param(SoMark(0x4321), SO_RCVMARK, id="SO_MARK"),
    pytest.param(SoPriority(3), SO_RCVPRIORITY, id="SO_PRIORITY"),
])
def test_build_mark_priority(sockets: Callable[..., socket.socket], message: ControlMessage,
                             enable: int) -> None:
    if not _sockopt_supported(SOL_SOCKET, enable):
        pytest.skip(f"kernel lacks socket option {enable} (SO_RCVMARK 6.1, SO_RCVPRIORITY 6.14)")
    r, s = udp_pair(sockets)
    r.setsockopt(SOL_SOCKET, enable, 1)
    libc_sendmsg(s, b"tagged", cmsg.build([message]), sockaddr_in(*r.getsockname()))
    assert receive(r).messages == [message]


def test_build_udp_segment(sockets: Callable[..., socket.socket]) -> None:
    r, s = udp_pair(sockets)
    libc_sendmsg(s, bytes(1200), cmsg.build([UdpSegment(500)]), sockaddr_in(*r.getsockname()))
    assert [len(receive(r).data) for _ in range(3)] == [500, 500, 200]


def test_build_timestamping_send(sockets: Callable[..., socket.socket]) -> None:
    """SO_TIMESTAMPING (u32 flags) on send asks a tx stamp for this datagram only;
    SCM_TS_OPT_ID sets its key."""
    r, s = udp_pair(sockets)
    s.setsockopt(SOL_SOCKET, SO_TIMESTAMPING_OLD, SOFTWARE | OPT_ID)   # reporting only
    address = sockaddr_in(*r.getsockname())
    libc_sendmsg(s, b"no stamp", b"", address)
    libc_sendmsg(s, b"stamp", cmsg.build([SoTimestampingSend(TX_SOFTWARE)]), address)
    got = receive(s, flags=socket.MSG_ERRQUEUE)
    assert got.data.endswith(b"stamp")
    assert not got.data.endswith(b"no stamp")
    # Keys count stamped datagrams only (__ip_append_data takes one when a
    # tx stamp is requested): this is key 0.
    assert got.one(IpRecvErr).data == 0
    try:
        libc_sendmsg(s, b"id", cmsg.build([SoTimestampingSend(TX_SOFTWARE),
                                          ScmTsOptId(0xBEEF)]), address)
    except OSError as exc:
        pytest.skip(f"kernel lacks SCM_TS_OPT_ID (Linux 6.13): {exc}")
    assert receive(s, flags=socket.MSG_ERRQUEUE).one(IpRecvErr).data == 0xBEEF


def test_build_txtime(sockets: Callable[..., socket.socket]) -> None:
    """SCM_TXTIME (u64 ns) is accepted on a socket with SO_TXTIME (without it, or
    as 4 bytes: EINVAL, see test_kernel_rejects)."""
    r, s = udp_pair(sockets)
    s.setsockopt(SOL_SOCKET, SO_TXTIME, struct.pack("=iI", time.CLOCK_MONOTONIC, 0))
    now = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
    libc_sendmsg(s, b"on time", cmsg.build([ScmTxtime(now)]), sockaddr_in(*r.getsockname()))
    assert receive(r).data == b"on time"
    with pytest.raises(OSError, match=os.strerror(errno.EINVAL)):
        libc_sendmsg(s, b"short", cmsg.build([Unknown(SOL_SOCKET, schemas.constant(
            "SCM_TXTIME"), struct.pack("=I", 0))]), sockaddr_in(*r.getsockname()))


@needs_root
def test_build_ip_protocol(sockets: Callable[..., socket.socket]) -> None:
    """IP_PROTOCOL (Linux 6.3) on a raw socket: an int is accepted, a byte is not."""
    r = sockets(socket.AF_INET, socket.SOCK_DGRAM)
    r.bind(("127.0.0.1", 0))
    raw = sockets(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    datagram = _udp_frame("127.0.0.1", "127.0.0.1", 4242, r.getsockname()[1], b"raw")[14:]
    try:
        libc_sendmsg(raw, datagram, cmsg.build([IpProtocol(socket.IPPROTO_UDP)]),
                     sockaddr_in("127.0.0.1", 0))
    except OSError as exc:
        pytest.skip(f"kernel lacks IP_PROTOCOL (Linux 6.3): {exc}")
    assert receive(r).data == b"raw"
    with pytest.raises(OSError, match=os.strerror(errno.EINVAL)):
        libc_sendmsg(raw, datagram, cmsg.build([Unknown(SOL_IP, schemas.constant("IP_PROTOCOL"),
                                                        bytes([socket.IPPROTO_UDP]))]),
                     sockaddr_in("127.0.0.1", 0))
    with pytest.raises(DecodeError):
        cmsg.decode(SOL_IP, schemas.constant("IP_PROTOCOL"), bytes([socket.IPPROTO_UDP]))


UNIX, UDP4, UDP6 = "unix", "udp4", "udp6"
REJECTED = [
    # cmsg_len below the header, or past the buffer: CMSG_OK fails (net/core/scm.c);
    # parse() refuses both.
    pytest.param(UNIX, Truncated(SOL_SOCKET, socket.SCM_RIGHTS, b"", 8), True,
                 id="cmsg_len<header"),
    pytest.param(UDP4, Truncated(SOL_IP, IP_TTL, b"\x40\0\0\0", 64), True,
                 id="cmsg_len>buffer"),
    # Values out of range (ip_cmsg_send: 1..255): decode() has no range to check.
    pytest.param(UDP4, IpTtl(0), False, id="IP_TTL=0"),
    pytest.param(UDP4, IpTtl(256), False, id="IP_TTL=256"),
    # Payload sizes the kernel refuses, which decode() refuses too.
    pytest.param(UDP4, Unknown(SOL_IP, IP_TTL, b"\x40"), True, id="IP_TTL-1-byte"),
    pytest.param(UDP4, Unknown(SOL_IP, IP_TOS, b"\x28\0"), True, id="IP_TOS-2-bytes"),
    pytest.param(UDP4, Unknown(SOL_UDP, UDP_SEGMENT, struct.pack("=i", 500)), True,
                 id="UDP_SEGMENT-int"),
    pytest.param(UNIX, Unknown(SOL_SOCKET, socket.SCM_CREDENTIALS, bytes(8)), True,
                 id="SCM_CREDENTIALS-8-bytes"),
    pytest.param(UDP6, Unknown(SOL_IPV6, schemas.constant("IPV6_HOPLIMIT"), b"\x09"), True,
                 id="IPV6_HOPLIMIT-1-byte", marks=needs_ipv6),
    # SCM_TXTIME without SO_TXTIME on the socket.
    pytest.param(UDP4, ScmTxtime(0), False, id="SCM_TXTIME-without-SO_TXTIME"),
    # A routing header other than type 2 (and type 2 needs CONFIG_IPV6_MIP6).
    pytest.param(UDP6, Ipv6Rthdr(bytes([socket.IPPROTO_UDP, 0, 0, 0, 0, 0, 0, 0])), False,
                 id="IPV6_RTHDR-type-0", marks=needs_ipv6),
    # A SOL_SOCKET type nobody knows: decode() keeps it as Unknown.
    pytest.param(UNIX, Unknown(SOL_SOCKET, 999, bytes(4)), False, id="SOL_SOCKET-999"),
]


@pytest.mark.parametrize(("kind", "message", "decode_rejects"), REJECTED)
def test_kernel_rejects(sockets: Callable[..., socket.socket], kind: str,
                        message: ControlMessage, decode_rejects: bool) -> None:
    """EINVAL from sendmsg, and the library refuses the same bytes where it can tell."""
    address: bytes | None = None
    if kind == UNIX:
        s, peer = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
    else:
        family, host = ((socket.AF_INET, "127.0.0.1") if kind == UDP4
                        else (socket.AF_INET6, "::1"))
        peer, s = udp_pair(sockets, family, host)
        address = (sockaddr_in if kind == UDP4 else sockaddr_in6)(*peer.getsockname()[:2])
    buf = cmsg.build([message])
    with s, peer, pytest.raises(OSError, match=os.strerror(errno.EINVAL)) as exc:
        libc_sendmsg(s, b"bad", buf, address)
    assert exc.value.errno == errno.EINVAL
    if isinstance(message, Truncated):
        with pytest.raises(DecodeError):
            cmsg.parse(buf)
    else:
        level, type_, data = cmsg.encode(message)
        if decode_rejects:
            with pytest.raises(DecodeError):
                cmsg.decode(level, type_, data)
        else:
            assert cmsg.encode(cmsg.decode(level, type_, data)) == (level, type_, data)


# --------------------------------------------------------------------------
# space()


@pytest.mark.parametrize("sizes", [(), (0,), (1,), (4,), (12,), (16,), (20,), (48,),
                                   (1, 2, 3), (12, 4, 1, 16, 28, 44)])
def test_space_is_cmsg_space(sizes: tuple[int, ...]) -> None:
    assert cmsg.space(*sizes) == sum(socket.CMSG_SPACE(n) for n in sizes)


def test_space_of_messages() -> None:
    messages = [IpPktinfo(1, "127.0.0.1", "127.0.0.1"), IpTtl(64), IpTos(1),
                Ipv6PathMtu(("::1", 0, 0, 0), 1280), ScmRights((0, 1, 2)), UdpSegment(1400)]
    sizes = [len(cmsg.encode(m)[2]) for m in messages]
    assert sizes == [12, 4, 1, 32, 12, 2]
    assert cmsg.space(*messages) == sum(socket.CMSG_SPACE(n) for n in sizes)
    assert cmsg.space(*messages) == len(cmsg.build(messages))


# --------------------------------------------------------------------------
# A 32-bit process (gcc -m32): the compat layout

_M32_C = r"""
#define _GNU_SOURCE
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* Each line: name, msg_flags, then msg_control (zeroed before) in hex. */
static void dump(const char *name, const struct msghdr *m) {
    const unsigned char *p = m->msg_control;
    printf("%s %d ", name, m->msg_flags);
    for (size_t i = 0; i < m->msg_controllen; i++) printf("%02x", p[i]);
    printf("\n");
}

static size_t receive(int fd, char *ctl, size_t len, struct msghdr *m) {
    static char data[64];
    static struct iovec iov;
    iov.iov_base = data; iov.iov_len = sizeof data;
    memset(m, 0, sizeof *m);
    memset(ctl, 0, len);
    m->msg_iov = &iov; m->msg_iovlen = 1; m->msg_control = ctl; m->msg_controllen = len;
    return recvmsg(fd, m, 0) < 0 ? 0 : m->msg_controllen;
}

int main(void) {
    char ctl[512];
    struct msghdr m;
    int on = 1, sv[2];
    printf("ids %d %d %d\n", (int)getpid(), (int)getuid(), (int)getgid());

    /* AF_UNIX: credentials, one passed fd, SO_TIMESTAMP_OLD (an 8-byte timeval) */
    if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv)) return 1;
    setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
    setsockopt(sv[1], SOL_SOCKET, 29 /* SO_TIMESTAMP_OLD */, &on, sizeof on);
    int passed = open("/proc/self/exe", O_RDONLY);
    union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } u;
    memset(&u, 0, sizeof u);
    struct cmsghdr *c = (struct cmsghdr *)u.buf;
    c->cmsg_level = SOL_SOCKET; c->cmsg_type = SCM_RIGHTS; c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &passed, sizeof passed);
    struct iovec iov = { "u", 1 };
    struct msghdr sm = { 0 };
    sm.msg_iov = &iov; sm.msg_iovlen = 1; sm.msg_control = u.buf; sm.msg_controllen = sizeof u.buf;
    if (sendmsg(sv[0], &sm, 0) < 0) return 2;
    if (!receive(sv[1], ctl, sizeof ctl, &m)) return 3;
    dump("unix", &m);
    /* the received fd, walked with glibc's macros: its number and whether it is the file */
    for (struct cmsghdr *h = CMSG_FIRSTHDR(&m); h; h = CMSG_NXTHDR(&m, h))
        if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS) {
            struct stat a, b;
            int got;
            memcpy(&got, CMSG_DATA(h), sizeof got);
            fstat(passed, &a);
            fstat(got, &b);
            printf("rights %d %d\n", got, a.st_ino == b.st_ino && a.st_dev == b.st_dev);
            close(got);
        }

    /* UDP on 127.0.0.1: IP_PKTINFO, IP_TTL (33), and each timestamp form */
    int r = socket(AF_INET, SOCK_DGRAM, 0), s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t sl = sizeof sin;
    int ttl = 33, off = 0;
    bind(r, (struct sockaddr *)&sin, sizeof sin);
    getsockname(r, (struct sockaddr *)&sin, &sl);
    setsockopt(s, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl);
    setsockopt(r, IPPROTO_IP, IP_PKTINFO, &on, sizeof on);
    setsockopt(r, IPPROTO_IP, IP_RECVTTL, &on, sizeof on);
    static const struct { const char *name; int opt; int val; } forms[] = {
        { "SO_TIMESTAMPNS_OLD", 35, 1 }, { "SO_TIMESTAMP_NEW", 63, 1 },
        { "SO_TIMESTAMPNS_NEW", 64, 1 },
        { "SO_TIMESTAMPING_OLD", 37, 0x18 }, { "SO_TIMESTAMPING_NEW", 65, 0x18 },
    };
    for (unsigned k = 0; k < sizeof forms / sizeof forms[0]; k++) {
        setsockopt(r, SOL_SOCKET, 35, &off, sizeof off);
        setsockopt(r, SOL_SOCKET, 37, &off, sizeof off);
        setsockopt(r, SOL_SOCKET, forms[k].opt, &forms[k].val, sizeof forms[k].val);
        /* rx software stamps may be missing until the netstamp key is on: retry */
        for (int tries = 0; tries < 100; tries++) {
            sendto(s, "t", 1, 0, (struct sockaddr *)&sin, sizeof sin);
            if (receive(r, ctl, sizeof ctl, &m) > CMSG_SPACE(12) + CMSG_SPACE(4)) {
                dump(forms[k].name, &m);
                break;
            }
            usleep(10000);
        }
    }
    return 0;
}
"""


@pytest.fixture(scope="module")
def m32_program(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The capture program, built with ``gcc -m32``."""
    if shutil.which("gcc") is None:
        pytest.skip("gcc is missing: no 32-bit capture")
    work = tmp_path_factory.mktemp("m32")
    (work / "capture.c").write_text(_M32_C)
    built = subprocess.run(["gcc", "-m32", "-O1", "-Wall", "-o", str(work / "capture"),
                            str(work / "capture.c")], capture_output=True, text=True,
                           check=False)
    if built.returncode:
        pytest.skip(f"gcc -m32 cannot build (gcc-multilib missing?): {built.stderr[-300:]}")
    return work / "capture"


def test_i386_capture(m32_program: Path) -> None:
    """A 32-bit process's buffers: 12-byte headers, 4-byte alignment, 8-byte _OLD
    timestamps (24-byte SO_TIMESTAMPING_OLD), 16/48-byte _NEW ones."""
    before = time.time()
    out = subprocess.run([str(m32_program)], capture_output=True, text=True, check=True,
                         timeout=20).stdout
    after = time.time()
    lines = {line.split()[0]: line.split()[1:] for line in out.splitlines()}
    pid, uid, gid = map(int, lines.pop("ids"))
    fd, same = map(int, lines.pop("rights"))
    assert same == 1
    abi = "linux-i386"
    assert cmsg.header(abi) == (12, 4)
    stamp_cls = {"unix": SoTimestampOld, "SO_TIMESTAMPNS_OLD": SoTimestampNsOld,
                 "SO_TIMESTAMP_NEW": SoTimestampNew, "SO_TIMESTAMPNS_NEW": SoTimestampNsNew,
                 "SO_TIMESTAMPING_OLD": SoTimestampingOld,
                 "SO_TIMESTAMPING_NEW": SoTimestampingNew}
    payload_size = {SoTimestampOld: 8, SoTimestampNsOld: 8, SoTimestampNew: 16,
                    SoTimestampNsNew: 16, SoTimestampingOld: 24, SoTimestampingNew: 48}
    assert set(lines) == set(stamp_cls)
    for name, (flags, hexdump) in lines.items():
        assert int(flags) == 0, name
        buf = bytes.fromhex(hexdump)
        messages = cmsg.parse(buf, abi=abi)
        # Zeroed padding: building the parsed list gives the same bytes.
        assert cmsg.build(messages, abi=abi) == buf, name
        assert cmsg.space(*messages, abi=abi) == len(buf)
        for m in messages:
            level, type_, data = cmsg.encode(m, abi=abi)
            assert cmsg.decode(level, type_, data, abi=abi) == m
        stamps = [m for m in messages if type(m) is stamp_cls[name]]
        assert len(stamps) == 1, (name, messages)
        assert len(cmsg.encode(stamps[0], abi=abi)[2]) == payload_size[stamp_cls[name]]
        assert_near_now(_stamp_seconds(stamps[0]), before, after)
        rest = [m for m in messages if m is not stamps[0]]
        if name == "unix":
            assert rest == [ScmCredentials(pid=pid, uid=uid, gid=gid), ScmRights((fd,))]
        else:
            assert rest == [IpPktinfo(ifindex=LO, spec_dst="127.0.0.1", addr="127.0.0.1"),
                            IpTtl(33)]
    # The same buffers are not x86_64 ones: 16-byte headers misread them.
    with pytest.raises(DecodeError):
        cmsg.parse(bytes.fromhex(lines["unix"][1]), abi="linux-x86_64")
