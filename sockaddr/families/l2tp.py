"""L2TP over IP: ``struct sockaddr_l2tpip`` and ``struct sockaddr_l2tpip6`` (<linux/l2tp.h>).

L2TPv3 over IP (RFC 3931) uses sockets of family ``AF_INET``/``AF_INET6`` and
protocol ``IPPROTO_L2TP`` (115): these structs are *not* a family of their own
-- their ``l2tp_family`` is ``AF_INET``/``AF_INET6`` -- so the package's
``sockaddr.encode(AF_INET, ...)`` keeps meaning ``struct sockaddr_in``.  Reach
them through this module::

    from sockaddr.families import l2tp
    raw = l2tp.encode(socket.AF_INET, ("192.0.2.1", 42))       # 16 bytes
    l2tp.decode(raw)                                           # ('192.0.2.1', 42)
    l2tp.parse(raw).l2tp_conn_id                               # 42

(or the :data:`L2TP_IP`/:data:`L2TP_IP6` codecs, with the :class:`Family`
interface).  The tuples follow AF_INET's and AF_INET6's with the connection id
in the port's place:

* ``AF_INET``: ``(host, conn_id)``;
* ``AF_INET6``: ``(host, conn_id[, flowinfo[, scope_id]])``.

Hosts follow the AF_INET/AF_INET6 rules (numeric only unless ``resolve``; ``''``
is the wildcard); ``conn_id`` is a ``__u32`` (0 binds the tunnel-less socket);
``l2tp_unused`` (the port) and ``__pad`` are written as zero, as
``l2tp_ip_getname()`` writes them.  ``flowinfo`` must be 0-1048575, ``scope_id``
and ``conn_id`` 0-4294967295 (``OverflowError``).

Decoding needs the whole struct (16 / 32 bytes; ``l2tp_ip_bind()`` and
``l2tp_ip6_bind()`` refuse less).  ``decode(encode(a)) == a`` (IPv6 hosts in
canonical form); ``encode(decode(b)) == b`` when ``l2tp_unused`` and the pad
are zero, as the kernel writes them.
"""

from __future__ import annotations

import socket
from typing import Any

from sockaddr import schemas
from sockaddr._args import expect_tuple, index
from sockaddr._hosts import resolve_host
from sockaddr.abi import ABI
from sockaddr.errors import DecodeError
from sockaddr.families import Family
from sockaddr.record import Sockaddr

__all__ = ["L2TP_IP", "L2TP_IP6", "L2tpIp", "L2tpIp6", "decode", "encode", "parse"]

Buffer = bytes | bytearray | memoryview


def _conn_id(value: object, caller: str) -> int:
    number = index(value)
    if not 0 <= number <= 0xFFFFFFFF:
        raise OverflowError(f"{caller}(): conn_id must be 0-4294967295.")
    return number


class L2tpIp(Family):
    """``struct sockaddr_l2tpip``: ``(host, conn_id)``.  Not registered for AF_INET."""

    name = "AF_INET"
    struct = "sockaddr_l2tpip"
    raw = ("l2tp_addr",)

    def encode(self, address: object, *, family: int, proto: int, abi: ABI, caller: str,
               resolve: bool) -> bytes:
        items = expect_tuple(address, caller, "L2TP/IP")
        if len(items) != 2:
            raise TypeError("L2TP/IP address must be a pair (host, conn_id)")
        conn_id = _conn_id(items[1], caller)
        addr = resolve_host(items[0], socket.AF_INET, resolve=resolve)
        fast = self.fast(abi)
        return fast.pack(self.number, 0, addr, conn_id, bytes(fast.layout.field("__pad").type.size))

    def decode(self, data: bytes, *, proto: int, abi: ABI, interfaces: Any) -> object:
        self.check_length(data, abi)
        _, _, addr, conn_id, _ = self.fast(abi).unpack(data)
        return socket.inet_ntop(socket.AF_INET, addr), conn_id


class L2tpIp6(Family):
    """``struct sockaddr_l2tpip6``: ``(host, conn_id, flowinfo, scope_id)``.  Not registered."""

    name = "AF_INET6"
    struct = "sockaddr_l2tpip6"
    raw = ("l2tp_addr",)

    def encode(self, address: object, *, family: int, proto: int, abi: ABI, caller: str,
               resolve: bool) -> bytes:
        items = expect_tuple(address, caller, "L2TP/IPv6")
        if not 2 <= len(items) <= 4:
            raise TypeError("L2TP/IPv6 address must be a tuple "
                            "(host, conn_id[, flowinfo[, scope_id]])")
        conn_id = _conn_id(items[1], caller)
        flowinfo, scope_id = (index(v) for v in (*items[2:], 0, 0)[:2])
        addr = resolve_host(items[0], socket.AF_INET6, resolve=resolve)
        if not 0 <= flowinfo <= 0xFFFFF:
            raise OverflowError(f"{caller}(): flowinfo must be 0-1048575.")
        if not 0 <= scope_id <= 0xFFFFFFFF:
            raise OverflowError(f"{caller}(): scope_id must be 0-4294967295.")
        return self.fast(abi).pack(self.number, 0, flowinfo, addr, scope_id, conn_id)

    def decode(self, data: bytes, *, proto: int, abi: ABI, interfaces: Any) -> object:
        self.check_length(data, abi)
        _, _, flowinfo, addr, scope_id, conn_id = self.fast(abi).unpack(data)
        return socket.inet_ntop(socket.AF_INET6, addr), conn_id, flowinfo, scope_id


#: The codec of ``struct sockaddr_l2tpip`` (AF_INET, IPPROTO_L2TP sockets).
L2TP_IP = L2tpIp()
#: The codec of ``struct sockaddr_l2tpip6`` (AF_INET6, IPPROTO_L2TP sockets).
L2TP_IP6 = L2tpIp6()


def _codec(family: int, caller: str) -> Family:
    for codec in (L2TP_IP, L2TP_IP6):
        if family == codec.number:
            return codec
    raise OSError(f"{caller}(): bad family")


def encode(family: int, address: object, *, abi: ABI | str | None = None,
           caller: str = "encode", resolve: bool = False) -> bytes:
    """The ``sockaddr_l2tpip`` (``family`` AF_INET) or ``sockaddr_l2tpip6`` (AF_INET6)
    bytes of ``address``; a :class:`Sockaddr` record is encoded as its bytes.

    >>> import socket
    >>> encode(socket.AF_INET, ("192.0.2.1", 42), abi="linux-x86_64").hex()
    '02000000c00002012a00000000000000'
    """
    if isinstance(address, Sockaddr):
        return bytes(address)
    return _codec(family, caller).encode(
        address, family=family, proto=schemas.constant("IPPROTO_L2TP"), abi=ABI.get(abi),
        caller=caller, resolve=resolve)


def _from(data: Buffer, abi: ABI) -> tuple[bytes, Family]:
    raw = bytes(data)
    if len(raw) < 2:
        raise DecodeError.short("sockaddr", raw, 2)
    generic = schemas.fast("sockaddr", abi)
    family = int(generic.unpack(raw[:generic.size].ljust(generic.size, b"\0"))[0])
    try:
        return raw, _codec(family, "decode")
    except OSError:
        raise DecodeError(f"l2tp_family {family} is neither AF_INET nor AF_INET6 "
                          "(at offset 0)", offset=0, struct="sockaddr_l2tpip",
                          data=raw) from None


def decode(data: Buffer, *, abi: ABI | str | None = None) -> object:
    """``(host, conn_id)`` or ``(host, conn_id, flowinfo, scope_id)``, by ``l2tp_family``.

    >>> decode(bytes.fromhex('02000000c00002012a00000000000000'), abi="linux-x86_64")
    ('192.0.2.1', 42)
    """
    abi = ABI.get(abi)
    raw, codec = _from(data, abi)
    return codec.decode(raw, proto=schemas.constant("IPPROTO_L2TP"), abi=abi, interfaces=None)


def parse(data: Buffer, *, abi: ABI | str | None = None) -> Sockaddr:
    """The lossless record of ``sockaddr_l2tpip``/``sockaddr_l2tpip6`` bytes."""
    abi = ABI.get(abi)
    raw, codec = _from(data, abi)
    return codec.parse(raw, proto=schemas.constant("IPPROTO_L2TP"), abi=abi)
