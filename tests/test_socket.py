"""``sockaddr.socket.Socket`` against ``socket.socket`` and the kernel.

Parity: the same sequence of calls runs on a ``socket.socket`` and on a
:class:`Socket` (one after the other, on the same addresses), and every
result and every exception (type, errno, message) must be equal.  Cross
talk: one side sends, the other receives, control messages included; the
typed messages our ``recvmsg`` returns equal ``cmsg.decode`` of CPython's
items.  AF_XDP, which this CPython cannot address, is checked with the
kernel's errno.  AF_VSOCK carries this machine's control channel: only
bind and getsockname are used on it.
"""

from __future__ import annotations

import array
import asyncio
import errno
import os
import selectors
import signal
import socket
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import sockaddr
from sockaddr import cmsg
from sockaddr.socket import Socket

Outcome = tuple[Any, ...]
Factory = Callable[..., socket.socket]

LO = socket.if_nametoindex("lo")
IP_RECVTTL = 12                     # <linux/in.h>
IP_RECVTOS = 13
IP_PKTINFO = 8
IPV6_FREEBIND = 78                  # <linux/in6.h>: bind fe80::1 on lo without configuring it
ETH_P_LOCAL_EXP = 0x88B5            # IEEE 802 local experimental ethertype
AF_XDP = 44                         # <linux/socket.h>; CPython 3.11 has no socket.AF_XDP
ROOT = os.geteuid() == 0


def outcome(call: Callable[[], object]) -> Outcome:
    """What ``call`` did: ``("ok", value)`` or ``("raise", type, errno, message)``."""
    try:
        return ("ok", call())
    except Exception as exc:  # every exception is compared
        return ("raise", type(exc), getattr(exc, "errno", None), str(exc))


def make(cls: Factory, family: int, type_: int, proto: int = 0) -> socket.socket:
    try:
        return cls(family, type_, proto)
    except OSError as exc:
        if exc.errno in (errno.EAFNOSUPPORT, errno.EPROTONOSUPPORT, errno.ENODEV):
            pytest.skip(f"this kernel has no family {family}: {exc}")
        raise


def parity(sequence: Callable[[Factory, list[socket.socket]], list[Outcome]]) -> list[Outcome]:
    """Run ``sequence`` with ``socket.socket`` then with ``Socket``; assert equal outcomes."""
    results = []
    for cls in (socket.socket, Socket):
        opened: list[socket.socket] = []

        def factory(*args: Any, _opened: list[socket.socket] = opened,
                    _cls: Factory = cls) -> socket.socket:
            sock = make(_cls, *args)
            _opened.append(sock)
            return sock

        try:
            results.append(sequence(factory, opened))
        finally:
            for sock in opened:
                sock.close()
    standard, ours = results
    assert len(standard) == len(ours)
    for i, (a, b) in enumerate(zip(standard, ours, strict=True)):
        assert a == b, f"step {i}: socket.socket {a!r} != Socket {b!r}"
    return ours


@pytest.fixture
def short_dir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="sks", dir="/tmp") as name:
        yield Path(name)


def free_port(family: int, type_: int) -> int:
    with socket.socket(family, type_) as probe:
        probe.bind(("::1" if family == socket.AF_INET6 else "127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --------------------------------------------------------------------------
# Parity per family


def test_unix_dgram_parity(short_dir: Path) -> None:
    path = str(short_dir / "d")

    def seq(new: Factory, opened: list[socket.socket]) -> list[Outcome]:
        if os.path.exists(path):
            os.unlink(path)
        s = new(socket.AF_UNIX, socket.SOCK_DGRAM)
        peer = new(socket.AF_UNIX, socket.SOCK_DGRAM)
        out = [outcome(s.getsockname), outcome(s.getpeername),
               outcome(lambda: s.bind(42)),  # type: ignore[arg-type]
               outcome(lambda: s.bind("x" * 200)),
               outcome(lambda: s.bind(path)), outcome(s.getsockname),
               outcome(lambda: s.bind(path + "2")),
               outcome(lambda: peer.bind(path)),
               outcome(lambda: peer.connect(str(short_dir / "missing"))),
               outcome(lambda: peer.connect_ex(str(short_dir / "missing"))),
               outcome(lambda: peer.sendto(b"x", str(short_dir / "missing"))),
               outcome(lambda: peer.bind(b"\0sockaddr-parity-abstract")),
               outcome(peer.getsockname),
               outcome(lambda: peer.connect(path)), outcome(peer.getpeername),
               outcome(lambda: peer.send(b"hello")),
               outcome(lambda: s.recvfrom(100)),
               outcome(lambda: peer.sendto(b"again", path)),
               outcome(lambda: s.recvfrom(3, socket.MSG_PEEK)),
               outcome(lambda: s.recvfrom(3)),
               outcome(lambda: s.recvfrom(-1))]
        auto = new(socket.AF_UNIX, socket.SOCK_DGRAM)
        out.append(outcome(lambda: auto.bind("")))
        name = auto.getsockname()
        # Autobind: five hex digits in the abstract namespace, chosen by the kernel.
        out.append(("autobind", type(name), len(name), name[:1]))
        return out

    parity(seq)


def test_unix_stream_parity(short_dir: Path) -> None:
    path = str(short_dir / "s")

    def seq(new: Factory, opened: list[socket.socket]) -> list[Outcome]:
        if os.path.exists(path):
            os.unlink(path)
        server = new(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(path)
        server.listen()
        client = new(socket.AF_UNIX, socket.SOCK_STREAM)
        out = [outcome(lambda: client.connect(path)), outcome(client.getpeername),
               outcome(client.getsockname)]
        conn, address = server.accept()
        opened.append(conn)
        out += [("accept", type(conn) is type(server), address),
                outcome(conn.getsockname), outcome(conn.getpeername),
                outcome(lambda: conn.sendall(b"data")), outcome(lambda: client.recvfrom(10)),
                outcome(lambda: client.sendto(b"x", path))]
        return out

    parity(seq)


@pytest.mark.parametrize("type_", [socket.SOCK_DGRAM, socket.SOCK_STREAM])
def test_inet_parity(type_: int) -> None:
    port = free_port(socket.AF_INET, type_)
    closed = free_port(socket.AF_INET, socket.SOCK_STREAM)

    def seq(new: Factory, opened: list[socket.socket]) -> list[Outcome]:
        s = new(socket.AF_INET, type_)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        out = [outcome(s.getsockname), outcome(s.getpeername),
               outcome(lambda: s.bind(("127.0.0.1", 70000))),
               outcome(lambda: s.bind(("127.0.0.1",))),
               outcome(lambda: s.bind(("192.0.2.1", 0))),
               outcome(lambda: s.bind(("127.0.0.1", port))), outcome(s.getsockname),
               outcome(lambda: s.bind(("127.0.0.1", port))),
               outcome(lambda: s.connect(("::1", 1)))]
        c = new(socket.AF_INET, type_)
        out.append(outcome(lambda: c.connect_ex(("127.0.0.1", closed))))
        if type_ == socket.SOCK_STREAM:
            s.listen()
            c2 = new(socket.AF_INET, type_)
            out.append(outcome(lambda: c2.connect(("127.0.0.1", port))))
            conn, address = s.accept()
            opened.append(conn)
            out += [("peer", address == c2.getsockname()), outcome(conn.getsockname),
                    outcome(lambda: c2.sendall(b"tcp")), outcome(lambda: conn.recvfrom(10))]
        else:
            c2 = new(socket.AF_INET, type_)
            out += [outcome(lambda: c2.sendto(b"udp", ("127.0.0.1", port))),
                    outcome(lambda: len(s.recvfrom(10)[0])),
                    outcome(lambda: c2.sendto(b"udp", 0, ("localhost", port))),
                    outcome(lambda: s.recvfrom(10)[0]),
                    outcome(lambda: c2.sendto(b"udp", ("127.0.0.1", -1))),
                    outcome(lambda: c2.connect(("127.0.0.1", port))),
                    outcome(c2.getpeername)]
        return out

    parity(seq)


def test_inet6_scope_parity() -> None:
    def seq(new: Factory, opened: list[socket.socket]) -> list[Outcome]:
        s = new(socket.AF_INET6, socket.SOCK_DGRAM)
        out = [outcome(s.getsockname),
               outcome(lambda: s.bind(("fe80::1", 0, 0, LO)))]      # not on lo: EADDRNOTAVAIL
        s.setsockopt(socket.IPPROTO_IPV6, IPV6_FREEBIND, 1)
        out += [outcome(lambda: s.bind(("fe80::1", 0, 0, 0))),     # link-local needs a scope
                outcome(lambda: s.bind(("fe80::1", 0, 0, 999999))),
                outcome(lambda: s.bind(("fe80::1", 0, 0, LO))),
                outcome(lambda: s.getsockname()[::2])]
        r = new(socket.AF_INET6, socket.SOCK_DGRAM)
        r.bind(("::1", 0))
        out += [outcome(lambda: s.sendto(b"scoped", r.getsockname())),
                outcome(lambda: r.recvfrom(10) == (b"scoped", s.getsockname())),
                outcome(lambda: r.getsockname()[::2])]
        return out

    out = parity(seq)
    assert out[5] == ("ok", ("fe80::1", 0))


def test_netlink_parity() -> None:
    def seq(new: Factory, opened: list[socket.socket]) -> list[Outcome]:
        s = new(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
        return [outcome(s.getsockname), outcome(lambda: s.bind((0,))),
                outcome(lambda: s.bind((0x7654321, 0))), outcome(s.getsockname),
                outcome(lambda: s.bind((1, 0))), outcome(s.getpeername)]

    parity(seq)


@pytest.mark.skipif(not ROOT, reason="AF_PACKET needs root (CAP_NET_RAW)")
def test_packet_parity() -> None:
    def seq(new: Factory, opened: list[socket.socket]) -> list[Outcome]:
        s = new(socket.AF_PACKET, socket.SOCK_DGRAM, 0)
        return [outcome(s.getsockname),
                outcome(lambda: s.bind(("no-such-if0", ETH_P_LOCAL_EXP))),
                outcome(lambda: s.bind(("lo", ETH_P_LOCAL_EXP))), outcome(s.getsockname),
                outcome(lambda: s.sendto(b"x" * 20, ("lo", ETH_P_LOCAL_EXP, 0, 0, b"\0" * 6)))]

    parity(seq)


def test_vsock_bind_parity() -> None:
    """Only bind and getsockname: AF_VSOCK is this machine's control channel."""
    def seq(new: Factory, opened: list[socket.socket]) -> list[Outcome]:
        s = new(socket.AF_VSOCK, socket.SOCK_STREAM)
        return [outcome(s.getsockname), outcome(lambda: s.bind((socket.VMADDR_CID_ANY,))),
                outcome(lambda: s.bind((socket.VMADDR_CID_ANY, 0x5E0C7))),
                outcome(s.getsockname)]

    parity(seq)


# --------------------------------------------------------------------------
# Cross talk and control messages


def udp_pair(receiver_cls: Factory, sender_cls: Factory) -> tuple[Any, Any]:
    r = receiver_cls(socket.AF_INET, socket.SOCK_DGRAM)
    r.bind(("127.0.0.1", 0))
    for option in (IP_RECVTTL, IP_RECVTOS, IP_PKTINFO):
        r.setsockopt(socket.IPPROTO_IP, option, 1)
    r.settimeout(2)
    s = sender_cls(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    return r, s


def test_cross_talk_inet_control_messages() -> None:
    sent: list[cmsg.ControlMessage] = [cmsg.IpTtl(9), cmsg.IpTosInt(0x20)]
    # Ours sends, CPython receives: the kernel reports what we asked for.
    r, s = udp_pair(socket.socket, Socket)
    with r, s:
        assert s.sendmsg([b"ab", b"cd"], sent, 0, r.getsockname()) == 4
        data, items, flags, address = r.recvmsg(10, 256)
        assert (data, flags, address) == (b"abcd", 0, s.getsockname())
        theirs = [cmsg.decode(*item) for item in items]
        assert cmsg.IpTtl(9) in theirs
        assert cmsg.IpTos(0x20) in theirs
        # CPython sends the same, ours receives: typed equal to decode of CPython's items.
    r2, s2 = udp_pair(Socket, socket.socket)
    with r2, s2:
        s2.sendmsg([b"abcd"], [cmsg.encode(m) for m in sent], 0, r2.getsockname())
        data, ours, flags, address = r2.recvmsg(10, 256)
        assert (data, flags, address) == (b"abcd", 0, s2.getsockname())
        pktinfo = [m for m in ours if isinstance(m, cmsg.IpPktinfo)]
        assert pktinfo
        assert pktinfo[0].addr == "127.0.0.1"
        # Same message to a CPython receiver with the same options: same typed list
        # (but the pktinfo destination, which names the receiver's own address).
        r3, _ = udp_pair(socket.socket, socket.socket)
        with r3, _:
            s2.sendmsg([b"abcd"], [cmsg.encode(m) for m in sent], 0, r3.getsockname())
            theirs = [cmsg.decode(*i) for i in r3.recvmsg(10, 256)[1]]
        assert ours == theirs


def test_cross_talk_unix_rights_and_credentials() -> None:
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
    ours = Socket.wrap(a)
    with ours, b, open(__file__, "rb") as f:
        b.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        creds = cmsg.ScmCredentials(os.getpid(), os.getuid(), os.getgid())
        ours.sendmsg([b"fd"], [cmsg.ScmRights((f.fileno(),)), creds])
        data, items, flags, _ = b.recvmsg(10, 256)
        assert (data, flags) == (b"fd", 0)
        typed = [cmsg.decode(*i) for i in items]
        rights = [m for m in typed if isinstance(m, cmsg.ScmRights)]
        assert creds in typed
        assert len(rights) == 1
        got = rights[0].fds[0]
        assert os.fstat(got).st_ino == os.fstat(f.fileno()).st_ino
        os.close(got)
        # Reverse: CPython sends a raw tuple item, ours receives it typed.
        ours.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        b.sendmsg([b"back"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS,
                               array.array("i", [f.fileno()]).tobytes())])
        data, typed, flags, _ = ours.recvmsg(10, 256)
        assert (data, flags) == (b"back", 0)
        rights = [m for m in typed if isinstance(m, cmsg.ScmRights)]
        assert len(rights) == 1
        assert os.fstat(rights[0].fds[0]).st_ino == os.fstat(f.fileno()).st_ino
        os.close(rights[0].fds[0])
        assert creds in typed
        # A (level, type, bytes) tuple is accepted by our sendmsg too.
        ours.sendmsg([b"t"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS,
                                array.array("i", [f.fileno()]).tobytes())])
        _, items, _, _ = b.recvmsg(10, 256)
        for level, type_, payload in items:
            if (level, type_) == (socket.SOL_SOCKET, socket.SCM_RIGHTS):
                for fd in array.array("i", payload):
                    os.close(fd)


def test_recvmsg_into_and_recvfrom_into() -> None:
    r, s = udp_pair(Socket, socket.socket)
    with r, s:
        s.sendto(b"0123456789", r.getsockname())
        one, two = bytearray(4), bytearray(10)
        n, _, _, address = r.recvmsg_into([one, memoryview(two)], 256)
        assert (n, bytes(one), bytes(two[:6]), address) == (10, b"0123", b"456789",
                                                             s.getsockname())
        s.sendto(b"abcdef", r.getsockname())
        buf = bytearray(10)
        assert r.recvfrom_into(buf, 3) == (3, s.getsockname())
        assert bytes(buf[:3]) == b"abc"
        with pytest.raises(ValueError, match="nbytes is greater"):
            r.recvfrom_into(buf, 11)


def test_msg_trunc_returns_only_the_buffer() -> None:
    """A deliberate difference: CPython's recvfrom(3, MSG_TRUNC) resizes its 3-byte
    buffer to the datagram's real length (5) and returns 2 bytes it never wrote;
    ours returns the 3 bytes received."""
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
    ours = Socket.wrap(b)
    with a, ours:
        a.send(b"hello")
        assert ours.recvfrom(3, socket.MSG_TRUNC)[0] == b"hel"
        a.send(b"hello")
        buf = bytearray(3)
        assert ours.recvfrom_into(buf, 0, socket.MSG_TRUNC)[0] == 5  # the real length, as CPython
        assert buf == b"hel"


def open_fds() -> set[str]:
    return set(os.listdir("/proc/self/fd"))


def test_no_fd_leak_with_small_control_buffer() -> None:
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
    sender, receiver = Socket.wrap(a), Socket.wrap(b)
    with sender, receiver, open(__file__, "rb") as f:
        before = open_fds()
        saw_ctrunc = saw_truncated = 0
        for room in range(socket.CMSG_SPACE(16) + 1):
            sender.sendmsg([b"x"], [cmsg.ScmRights((f.fileno(),) * 4)])
            data, items, flags, _ = receiver.recvmsg(10, room)
            assert data == b"x"
            saw_ctrunc += bool(flags & socket.MSG_CTRUNC)
            for m in items:
                if isinstance(m, cmsg.ScmRights):
                    for fd in m.fds:        # the caller owns delivered descriptors
                        os.close(fd)
                else:
                    assert isinstance(m, cmsg.Truncated)
                    saw_truncated += 1
        assert saw_ctrunc
        assert open_fds() == before


def test_timeouts_and_nonblocking() -> None:
    with Socket(socket.AF_INET, socket.SOCK_DGRAM) as s, \
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as t:
        for sock in (s, t):
            sock.bind(("127.0.0.1", 0))
            sock.settimeout(0.05)
        a, b = outcome(lambda: s.recvfrom(10)), outcome(lambda: t.recvfrom(10))
        assert a == b == ("raise", TimeoutError, None, "timed out")
        s.setblocking(False)
        t.setblocking(False)
        a, b = outcome(lambda: s.recvfrom(10)), outcome(lambda: t.recvfrom(10))
        assert a == b
        assert a[1:3] == (BlockingIOError, errno.EAGAIN)
        assert outcome(lambda: s.recvmsg(10)) == outcome(lambda: t.recvmsg(10))
    with Socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        server.settimeout(0.05)
        with pytest.raises(TimeoutError, match="timed out"):
            server.accept()
        server.setblocking(False)
        with pytest.raises(BlockingIOError):
            server.accept()


@pytest.mark.parametrize("timeout", [None, 2.0])
def test_eintr_is_retried(timeout: float | None) -> None:
    """PEP 475: a signal whose handler returns does not interrupt recvfrom/accept."""
    calls: list[int] = []
    previous = signal.signal(signal.SIGALRM, lambda signum, frame: calls.append(signum))
    r, s = udp_pair(Socket, socket.socket)
    try:
        with r, s:
            r.settimeout(timeout)
            timer = threading.Timer(0.25, lambda: s.sendto(b"late", r.getsockname()))
            timer.start()
            signal.setitimer(signal.ITIMER_REAL, 0.05)
            assert r.recvfrom(10) == (b"late", s.getsockname())
            timer.join()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert calls == [signal.SIGALRM]


def test_connect_with_timeout_parity() -> None:
    """Non-blocking connect under a timeout (EINPROGRESS, then poll and SO_ERROR)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        closed = free_port(socket.AF_INET, socket.SOCK_STREAM)

        def seq(new: Factory, opened: list[socket.socket]) -> list[Outcome]:
            c = new(socket.AF_INET, socket.SOCK_STREAM)
            c.settimeout(1.0)
            d = new(socket.AF_INET, socket.SOCK_STREAM)
            d.settimeout(1.0)
            e = new(socket.AF_INET, socket.SOCK_STREAM)
            e.settimeout(1.0)
            out = [outcome(lambda: c.connect(server.getsockname())),
                   outcome(lambda: c.getpeername() == server.getsockname()),
                   outcome(lambda: c.connect(server.getsockname())),          # EISCONN
                   outcome(lambda: d.connect_ex(("127.0.0.1", closed))),
                   outcome(lambda: e.connect(("127.0.0.1", closed)))]
            opened.append(server.accept()[0])
            return out

        out = parity(seq)
        assert out[3] == ("ok", errno.ECONNREFUSED)


def test_closed_socket() -> None:
    for cls in (socket.socket, Socket):
        s = cls(socket.AF_INET, socket.SOCK_DGRAM)
        s.close()
    ours, theirs = Socket(), socket.socket()
    ours.close()
    theirs.close()
    for call in ("getsockname", "getpeername"):
        assert outcome(getattr(ours, call)) == outcome(getattr(theirs, call))
    assert outcome(lambda: ours.bind(("127.0.0.1", 0))) == \
        outcome(lambda: theirs.bind(("127.0.0.1", 0)))


def test_selectors_and_asyncio() -> None:
    r, s = udp_pair(Socket, Socket)
    with r, s, selectors.DefaultSelector() as sel:
        sel.register(r, selectors.EVENT_READ)
        s.sendto(b"sel", r.getsockname())
        assert [key.fileobj for key, _ in sel.select(2)] == [r]
        assert r.recvfrom(10) == (b"sel", s.getsockname())

    async def main() -> bytes:
        loop = asyncio.get_running_loop()
        with Socket(socket.AF_INET, socket.SOCK_STREAM) as server:
            server.bind(("127.0.0.1", 0))
            server.listen()
            server.setblocking(False)
            client = Socket(socket.AF_INET, socket.SOCK_STREAM)
            client.setblocking(False)
            with client:
                await loop.sock_connect(client, server.getsockname())
                conn, _ = await loop.sock_accept(server)
                with conn:
                    await loop.sock_sendall(client, b"async")
                    return await loop.sock_recv(conn, 10)

    assert asyncio.run(main()) == b"async"


# --------------------------------------------------------------------------
# A family this CPython cannot address


def test_xdp_bind_reaches_the_kernel() -> None:
    std = make(socket.socket, AF_XDP, socket.SOCK_RAW)
    with std:
        exc = outcome(lambda: std.bind((0, 999999, 0, 0)))
        assert exc == ("raise", OSError, None, "bind(): bad family")
    with make(Socket, AF_XDP, socket.SOCK_RAW) as s:
        # Well formed: the kernel gets as far as looking up the interface.
        assert outcome(lambda: s.bind((0, 999999, 0, 0)))[2] == errno.ENODEV
        # ... and on lo, as far as wanting a UMEM (none was registered).
        assert outcome(lambda: s.bind((0, LO)))[2] == errno.EINVAL
        # Malformed: 8 bytes (addrlen < sizeof(struct sockaddr_xdp)) fail before the lookup.
        short = sockaddr.Sockaddr.from_bytes(
            "sockaddr", sockaddr.encode(AF_XDP, (0, 999999))[:8])
        assert outcome(lambda: s.bind(short))[2] == errno.EINVAL
        # Unknown flag bits: refused before the lookup too.
        assert outcome(lambda: s.bind((0x8000, 999999)))[2] == errno.EINVAL
        assert outcome(lambda: s.bind((0, 999999, 0, 2**32)))[1] is OverflowError
        assert outcome(s.getsockname)[2] == errno.EOPNOTSUPP


def test_wrap_keeps_timeout_and_descriptor() -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.settimeout(0.5)
    fd = sock.fileno()
    ours = Socket.wrap(sock)
    with ours:
        assert (ours.fileno(), ours.gettimeout(), sock.fileno()) == (fd, 0.5, -1)
        assert isinstance(ours, socket.socket)
        dup = ours.dup()
        with dup:
            assert type(dup) is Socket


def test_undecodable_control_message_does_not_raise() -> None:
    """A payload no class takes comes back as Unknown: the datagram is not lost."""
    from sockaddr.socket import _tolerant_parse

    odd = cmsg.Unknown(socket.SOL_SOCKET, socket.SCM_RIGHTS, b"\1\0\0\0\2\0")
    buf = cmsg.build([cmsg.IpTtl(5), odd])
    with pytest.raises(sockaddr.DecodeError):
        cmsg.parse(buf)
    assert _tolerant_parse(buf, False, socket.AF_INET) == [cmsg.IpTtl(5), odd]
