"""AF_INET (and AF_RDS): ``struct sockaddr_in`` (ip(7)).

Tuple ``(host, port)``.  CPython's order of checks: the host converts (type,
NUL, idna), the port converts, the host resolves, then the port range.  AF_RDS
sockets take the same tuple and write ``sin_family = AF_INET``, as CPython's
shared ``case AF_RDS: case AF_INET:`` does.
"""

from __future__ import annotations

import socket
from struct import error as struct_error
from typing import Any

from sockaddr._args import c_int, expect_tuple
from sockaddr._hosts import host_bytes, resolve_host
from sockaddr.abi import ABI
from sockaddr.errors import DecodeError
from sockaddr.families import Decoder, Encoder, Family, Interfaces, family_error, register

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

    def decoder(self, family: int, proto: int, abi: ABI) -> Decoder:
        fast = self.fast(abi)
        # The view spans the bytes the kernel requires: struct.error is the short case.
        need = self.required_length(proto, abi)
        view = fast.view("sin_family", "sin_port", "sin_addr", order=">", end=need)
        read, mine = view.unpack_from, fast.recode("sin_family", family, view)
        struct, ntop, af = self.struct, socket.inet_ntop, socket.AF_INET

        def decode(data: bytes, interfaces: Interfaces = None, /) -> object:
            try:
                got, port, addr = read(data)
            except struct_error:
                raise DecodeError.short(struct, data, need) from None
            if got != mine:
                raise family_error(struct, data, family, abi)
            return ntop(af, addr), port
        return decode

    def encoder(self, family: int, proto: int, abi: ABI) -> Encoder:
        # The common tuple, (str, int) of strict inet_pton() text and a port in
        # range, needs none of CPython's conversions; anything else takes them.
        fast = self.fast(abi)
        view = fast.view("sin_family", "sin_port", "sin_addr", order=">", end=fast.size)
        pack, family_value = view.pack, fast.recode("sin_family", socket.AF_INET, view)
        pton, af, slow = socket.inet_pton, socket.AF_INET, super().encoder(family, proto, abi)

        def encode(address: object, caller: str = "encode", resolve: bool = False, /
                   ) -> bytes:
            if address.__class__ is tuple and len(address) == 2:
                host, port = address
                if host.__class__ is str and port.__class__ is int:
                    try:        # struct refuses a port out of range
                        return pack(family_value, port, pton(af, host))
                    except (OSError, ValueError, struct_error):
                        pass
            return slow(address, caller, resolve)
        return encode


class Rds(Inet):
    """AF_RDS sockets: the AF_INET tuple and struct."""

    name = "AF_RDS"


register(Inet())
register(Rds(), decode=-1)   # bytes say AF_INET; CPython decodes AF_RDS bytes as unknown
