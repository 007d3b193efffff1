"""AF_INET6: ``struct sockaddr_in6`` (ipv6(7)).

Tuple ``(host, port[, flowinfo[, scope_id]])``.  The scope id comes only from
the fourth element: CPython drops a ``%scope`` written in the host.  Decoding
accepts the 24-byte RFC 2133 struct (no ``sin6_scope_id``) that the kernel
still accepts in bind() and connect().
"""

from __future__ import annotations

import socket
from struct import error as struct_error
from typing import Any, Literal

from sockaddr import schemas
from sockaddr._args import c_int, expect_tuple, index
from sockaddr._hosts import host_bytes, resolve_host
from sockaddr.abi import ABI
from sockaddr.errors import DecodeError
from sockaddr.families import Decoder, Encoder, Family, Interfaces, family_error, register
from sockaddr.families.inet import check_port

__all__ = ["Inet6"]

#: What a short tuple lacks: ``flowinfo`` and ``scope_id`` default to zero.
_ZEROS = {2: (0, 0), 3: (0,), 4: ()}
#: The fields of sockaddr_in6 before sin6_scope_id, all in network order.
_HEAD = ("sin6_family", "sin6_port", "sin6_flowinfo", "sin6_addr")


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

    def decoder(self, family: int, proto: int, abi: ABI) -> Decoder:
        fast = self.fast(abi)
        head = fast.view(*_HEAD, order=">")
        read, scope, mine = head.unpack_from, fast.view("sin6_scope_id"), \
            fast.recode("sin6_family", family, head)
        read_scope, size = scope.unpack_from, fast.size
        need, struct, ntop, af = self.min_length, self.struct, socket.inet_ntop, socket.AF_INET6

        def decode(data: bytes, interfaces: Interfaces = None, /) -> object:
            if len(data) < size:       # RFC 2133's struct: no scope id, read as zero
                if len(data) < need:
                    raise DecodeError.short(struct, data, need)
                data = data + bytes(size - len(data))
            got, port, flowinfo, addr = read(data)   # the size is checked: no struct.error
            if got != mine:
                raise family_error(struct, data, family, abi)
            return ntop(af, addr), port, flowinfo, read_scope(data)[0]
        return decode

    def encoder(self, family: int, proto: int, abi: ABI) -> Encoder:
        # As AF_INET's: the plain tuple of strict inet_pton() text and ints in
        # range skips CPython's conversions; anything else takes them.
        fast = self.fast(abi)
        head = fast.view(*_HEAD, order=">")
        scope = fast.view("sin6_scope_id")
        scope_order: Literal["little", "big"] = "little" if scope.format[0] == "<" else "big"
        pack_head = head.pack
        # The usual scope, 0, packs with the rest in one call (the view's zero fill).
        pack_unscoped = fast.view(*_HEAD, order=">", end=fast.size).pack
        mine = fast.recode("sin6_family", family, head)
        pton, af, slow = socket.inet_pton, socket.AF_INET6, super().encoder(family, proto, abi)

        def encode(address: object, caller: str = "encode", resolve: bool = False, /
                   ) -> bytes:
            if address.__class__ is tuple:
                # CPython's "O&i|II": struct takes the objects "i" and "I" take (ints,
                # __index__), refuses what is out of range, and inet_pton() anything
                # but strict text (TypeError for bytes); the flow label's own limit
                # needs an int to compare.  Every refusal takes the long way.
                try:
                    host, port, flowinfo, scope_id = address + _ZEROS[len(address)]
                    if (flowinfo.__class__ is int and flowinfo <= 0xFFFFF
                            and scope_id.__class__ is int):
                        if not scope_id:
                            return pack_unscoped(mine, port, flowinfo, pton(af, host))
                        return (pack_head(mine, port, flowinfo, pton(af, host))
                                + scope_id.to_bytes(4, scope_order))
                except (KeyError, OSError, ValueError, TypeError, OverflowError, struct_error):
                    pass
            return slow(address, caller, resolve)
        return encode


register(Inet6())
