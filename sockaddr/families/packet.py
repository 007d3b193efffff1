"""AF_PACKET: ``struct sockaddr_ll`` (packet(7)).

Tuple ``(ifname, proto[, pkttype[, hatype[, addr]]])``.  The interface name
is looked up on this host (``SIOCGIFINDEX``) only because the caller gave a
name; the record from ``parse()`` keeps ``sll_ifindex`` whatever the host.

Decoding names the interface as CPython does, with this host's table, unless
the caller passes ``interfaces``: a mapping or function from index to name,
for bytes captured on another machine.  An index nobody knows gives ``''``,
as in CPython.  The kernel reports ``offsetof(sll_addr) + sll_halen`` bytes,
so 12 bytes with ``sll_halen == 0`` is a whole address.
"""

from __future__ import annotations

import socket
from typing import Any, Literal

from sockaddr._args import bytes_like, c_int, c_string, expect_tuple
from sockaddr.abi import ABI
from sockaddr.errors import DecodeError
from sockaddr.families import (
    Decoder,
    Encoder,
    Family,
    Interfaces,
    family_bytes,
    family_error,
    register,
)
from sockaddr.families._interfaces import IFNAMSIZ, ifindex, ifname

__all__ = ["Packet"]


class Packet(Family):
    """AF_PACKET: ``(ifname, proto, pkttype, hatype, addr)``."""

    name = "AF_PACKET"
    struct = "sockaddr_ll"
    min_length = 12      # offsetof(struct sockaddr_ll, sll_addr)

    def encode(self, address: object, *, family: int, proto: int, abi: ABI, caller: str,
               resolve: bool) -> bytes:
        shape = "AF_PACKET address must be a tuple of two to five elements"
        items = expect_tuple(address, caller, "AF_PACKET")
        if not 2 <= len(items) <= 5:
            raise TypeError(shape)
        name = c_string(items[0], shape)
        out_of_range = f"{caller}(): address argument out of range"
        number = c_int(items[1], overflow=out_of_range)
        pkttype = c_int(items[2], overflow=out_of_range) if len(items) > 2 else 0
        hatype = c_int(items[3], overflow=out_of_range) if len(items) > 3 else 0
        hwaddr = bytes_like(items[4]) if len(items) > 4 else b""
        if len(name.encode()) >= IFNAMSIZ:
            raise ValueError(f"{caller}(): AF_PACKET interface name too long "
                             f"({len(name.encode())} bytes, at most {IFNAMSIZ - 1})")
        index = ifindex(name)
        if len(hwaddr) > 8:
            raise ValueError("Hardware address must be 8 bytes or less")
        if not 0 <= number <= 0xFFFF:
            raise OverflowError(f"{caller}(): proto must be 0-65535.")
        if not 0 <= pkttype <= 0xFF:
            raise OverflowError(f"{caller}(): pkttype must be 0-255.")
        if not 0 <= hatype <= 0xFFFF:
            raise OverflowError(f"{caller}(): hatype must be 0-65535.")
        return self.fast(abi).pack(socket.AF_PACKET, number, index, hatype, pkttype,
                                   len(hwaddr), hwaddr)

    def decode(self, data: bytes, *, proto: int, abi: ABI, interfaces: Any) -> object:
        self.check_length(data, abi)
        _, number, index, hatype, pkttype, halen, _ = self.fast(abi).unpack(
            self.padded(data, abi))
        end = self.min_length + halen
        if len(data) < end:
            raise DecodeError(f"sll_halen {halen} needs {end} bytes, got {len(data)} "
                              f"(truncated at offset {len(data)})", offset=len(data),
                              struct=self.struct, data=data)
        return (ifname(index, interfaces), number, pkttype, hatype,
                data[self.min_length:end])

    def decoder(self, family: int, proto: int, abi: ABI) -> Decoder:
        fast = self.fast(abi)
        host = fast.view("sll_family", "sll_ifindex", "sll_hatype", "sll_pkttype", "sll_halen")
        read, read_number = host.unpack_from, fast.view("sll_protocol").unpack_from
        mine, start, struct = fast.recode("sll_family", family, host), self.min_length, self.struct

        def decode(data: bytes, interfaces: Interfaces = None, /) -> object:
            if len(data) < start:
                raise DecodeError.short(struct, data, start)
            got, index, hatype, pkttype, halen = read(data)
            if got != mine:
                raise family_error(struct, data, family, abi)
            end = start + halen
            if len(data) < end:
                raise DecodeError(f"sll_halen {halen} needs {end} bytes, got {len(data)} "
                                  f"(truncated at offset {len(data)})", offset=len(data),
                                  struct=struct, data=data)
            # A dict of names (captures from elsewhere, a table built once) is
            # ifname()'s common case, inlined.
            name = (("" if not index else interfaces.get(index, ""))
                    if interfaces.__class__ is dict else ifname(index, interfaces))
            return name, read_number(data)[0], pkttype, hatype, data[start:end]
        return decode

    def encoder(self, family: int, proto: int, abi: ABI) -> Encoder:
        # The plain tuple (str name, ints in range, bytes address): only the name
        # lookup is left, and it raises what the reference would at that point.
        fast = self.fast(abi)
        rest = fast.view("sll_ifindex", "sll_hatype", "sll_pkttype", "sll_halen", "sll_addr",
                         start=fast.layout.offsetof("sll_ifindex"), end=fast.size)
        pack, slow = rest.pack, super().encoder(family, proto, abi)
        mine, nametoindex = family_bytes(socket.AF_PACKET, abi), socket.if_nametoindex
        order: Literal["little", "big"] = ("big" if fast.view("sll_protocol").format[0] == ">"
                                           else "little")

        def encode(address: object, caller: str = "encode", resolve: bool = False, /
                   ) -> bytes:
            if address.__class__ is tuple and 2 <= len(address) <= 5:
                name, protocol, pkttype, hatype, hwaddr = (*address, 0, 0, b"")[:5]
                if (name.__class__ is str and name.isascii() and "\0" not in name
                        and len(name) < IFNAMSIZ and protocol.__class__ is int
                        and pkttype.__class__ is int and hatype.__class__ is int
                        and hwaddr.__class__ is bytes and len(hwaddr) <= 8
                        and 0 <= protocol <= 0xFFFF and 0 <= pkttype <= 0xFF
                        and 0 <= hatype <= 0xFFFF):
                    try:    # the name is plain ASCII text: no fsdecode() on the way
                        index = nametoindex(name)
                    except OSError:
                        return slow(address, caller, resolve)   # for the reference's error
                    return (mine + protocol.to_bytes(2, order)
                            + pack(index, hatype, pkttype, len(hwaddr), hwaddr))
            return slow(address, caller, resolve)
        return encode


register(Packet())
