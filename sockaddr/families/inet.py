"""AF_INET (and AF_RDS): ``struct sockaddr_in`` (ip(7)).

Tuple ``(host, port)``.  CPython's order of checks: the host converts (type,
NUL, idna), the port converts, the host resolves, then the port range.  AF_RDS
sockets take the same tuple and write ``sin_family = AF_INET``, as CPython's
shared ``case AF_RDS: case AF_INET:`` does.
"""

from __future__ import annotations

import socket
from typing import Any

from sockaddr._args import c_int, expect_tuple
from sockaddr._hosts import host_bytes, resolve_host
from sockaddr.abi import ABI
from sockaddr.families import Family, register

__all__ = ["Inet", "check_port"]


def check_port(port: int, caller: str) -> int:
    """The range check CPython makes after resolving the host."""
    if not 0 <= port <= 0xFFFF:
        raise OverflowError(f"{caller}(): port must be 0-65535.")
    return port


class Inet(Family):
    """AF_INET: ``(host, port)``."""

    name = "AF_INET"
    struct = "sockaddr_in"
    raw = ("sin_addr",)

    def encode(self, address: object, *, family: int, proto: int, abi: ABI, caller: str,
               resolve: bool) -> bytes:
        items = expect_tuple(address, caller, "AF_INET")
        if len(items) != 2:
            raise TypeError("AF_INET address must be a pair (host, port)")
        host = host_bytes(items[0])
        port = c_int(items[1], overflow=f"{caller}(): port must be 0-65535.")
        addr = resolve_host(host, socket.AF_INET, resolve=resolve)
        check_port(port, caller)
        return self.fast(abi).pack(socket.AF_INET, port, addr, bytes(8))

    def decode(self, data: bytes, *, proto: int, abi: ABI, interfaces: Any) -> object:
        self.check_length(data, abi)
        _, port, addr, _ = self.fast(abi).unpack(data)
        return socket.inet_ntop(socket.AF_INET, addr), port


class Rds(Inet):
    """AF_RDS sockets: the AF_INET tuple and struct."""

    name = "AF_RDS"


register(Inet())
register(Rds(), decode=-1)   # bytes say AF_INET; CPython decodes AF_RDS bytes as unknown
