"""AF_INET6: ``struct sockaddr_in6`` (ipv6(7)).

Tuple ``(host, port[, flowinfo[, scope_id]])``.  The scope id comes only from
the fourth element: CPython drops a ``%scope`` written in the host.  Decoding
accepts the 24-byte RFC 2133 struct (no ``sin6_scope_id``) that the kernel
still accepts in bind() and connect().
"""

from __future__ import annotations

import socket
from typing import Any

from sockaddr import schemas
from sockaddr._args import c_int, expect_tuple, index
from sockaddr._hosts import host_bytes, resolve_host
from sockaddr.abi import ABI
from sockaddr.families import Family, register
from sockaddr.families.inet import check_port

__all__ = ["Inet6"]


class Inet6(Family):
    """AF_INET6: ``(host, port, flowinfo, scope_id)``."""

    name = "AF_INET6"
    struct = "sockaddr_in6"
    raw = ("sin6_addr",)

    @property
    def min_length(self) -> int:  # type: ignore[override]
        return schemas.constant("SIN6_LEN_RFC2133")

    def encode(self, address: object, *, family: int, proto: int, abi: ABI, caller: str,
               resolve: bool) -> bytes:
        items = expect_tuple(address, caller, "AF_INET6")
        if not 2 <= len(items) <= 4:
            raise TypeError("AF_INET6 address must be a tuple "
                            "(host, port[, flowinfo[, scopeid]])")
        host = host_bytes(items[0])
        port = c_int(items[1], overflow=f"{caller}(): port must be 0-65535.")
        flowinfo, scope_id = (index(v) for v in (*items[2:], 0, 0)[:2])
        addr = resolve_host(host, socket.AF_INET6, resolve=resolve)
        check_port(port, caller)
        if not 0 <= flowinfo <= 0xFFFFF:
            raise OverflowError(f"{caller}(): flowinfo must be 0-1048575.")
        if not 0 <= scope_id <= 0xFFFFFFFF:
            raise OverflowError(f"{caller}(): scope_id must be 0-4294967295.")
        return self.fast(abi).pack(family, port, flowinfo, addr, scope_id)

    def decode(self, data: bytes, *, proto: int, abi: ABI, interfaces: Any) -> object:
        self.check_length(data, abi)
        _, port, flowinfo, addr, scope_id = self.fast(abi).unpack(self.padded(data, abi))
        return socket.inet_ntop(socket.AF_INET6, addr), port, flowinfo, scope_id


register(Inet6())
