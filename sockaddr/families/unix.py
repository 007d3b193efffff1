"""AF_UNIX: ``struct sockaddr_un`` (unix(7)).

CPython (``getsockaddrarg``/``makesockaddr``, Linux): a ``str`` is encoded
with the file-system encoding; any bytes-like object is taken as is.  A name
that is empty or starts with NUL is an abstract name (or autobind) with addrlen
``2 + len``; anything else is a path with addrlen ``2 + len + 1`` (the NUL
counts, as in 3.9+).  Decoding gives ``bytes`` for an abstract name, ``str``
for a path (up to the first NUL) and ``''`` for an unnamed socket.
"""

from __future__ import annotations

import codecs
import os
import sys
from typing import Any

from sockaddr._args import bytes_like
from sockaddr.abi import ABI
from sockaddr.errors import DecodeError
from sockaddr.families import (
    Decoder,
    Encoder,
    Family,
    Interfaces,
    Parser,
    family_bytes,
    register,
)
from sockaddr.record import Sockaddr

__all__ = ["Unix"]


class Unix(Family):
    """AF_UNIX: pathname, Linux abstract name, or unnamed."""

    name = "AF_UNIX"
    struct = "sockaddr_un"
    min_length = 2      # offsetof(sun_path): an unnamed socket

    def encode(self, address: object, *, family: int, proto: int, abi: ABI, caller: str,
               resolve: bool) -> bytes:
        path = os.fsencode(address) if isinstance(address, str) else bytes_like(address)
        fast = self.fast(abi)
        room = fast.size - 2
        abstract = abi.os == "linux" and (not path or path[0] == 0)
        if len(path) > room or (not abstract and len(path) == room):
            raise OSError("AF_UNIX path too long")
        length = 2 + len(path) + (0 if abstract else 1)
        return fast.pack(family, path)[:length]

    def decode(self, data: bytes, *, proto: int, abi: ABI, interfaces: Any) -> object:
        self.check_length(data, abi)
        room = self.fast(abi).size - 2
        path = data[2:]
        if path and path[0] == 0:
            if len(path) > room:
                raise DecodeError(f"abstract name of {len(path)} bytes, at most {room}",
                                  offset=2 + room, struct=self.struct, data=data)
            return path
        # A path may run to the last byte of sun_path; the kernel then adds a NUL
        # past the struct and getsockname() reports 111 bytes (unix(7), BUGS).
        name = path.partition(b"\0")[0]
        if len(name) > room:
            raise DecodeError(f"path of more than {room} bytes without a NUL",
                              offset=2 + room, struct=self.struct, data=data)
        return os.fsdecode(name)

    def decoder(self, family: int, proto: int, abi: ABI) -> Decoder:
        (low, high), size = family_bytes(family, abi), self.fast(abi).size
        slow = super().decoder(family, proto, abi)
        # What os.fsdecode() uses, bound once.  With UTF-8 (and any error
        # handler) text that decodes strictly decodes the same: the strict
        # call, without arguments, is the cheaper one.
        encoding, errors = sys.getfilesystemencoding(), sys.getfilesystemencodeerrors()
        utf8 = codecs.lookup(encoding).name == "utf-8"

        def decode(data: bytes, interfaces: Interfaces = None, /) -> object:
            # The plain cases: an abstract name or a path with its NUL, in the struct.
            if 2 < len(data) <= size and data[0] == low and data[1] == high:
                if data[2] == 0:
                    return data[2:]
                end = data.find(0, 2)
                if end > 0:
                    if utf8:
                        try:
                            return data[2:end].decode()
                        except UnicodeDecodeError:
                            pass
                    return data[2:end].decode(encoding, errors)
            return slow(data, interfaces)
        return decode

    def encoder(self, family: int, proto: int, abi: ABI) -> Encoder:
        mine, room = family_bytes(family, abi), self.fast(abi).size - 2
        linux, slow = abi.os == "linux", super().encoder(family, proto, abi)
        encoding, errors = sys.getfilesystemencoding(), sys.getfilesystemencodeerrors()

        def encode(address: object, caller: str = "encode", resolve: bool = False, /
                   ) -> bytes:
            if address.__class__ is str or address.__class__ is bytes:
                path: bytes = (address.encode(encoding, errors) if isinstance(address, str)
                               else address)
                if path and path[0] and len(path) < room:
                    return mine + path + b"\0"
                if linux and path and not path[0] and len(path) <= room:
                    return mine + path
            return slow(address, caller, resolve)
        return encode

    def parser(self, family: int, proto: int, abi: ABI) -> Parser:
        # Within the struct every name reads (decode() refuses only names longer
        # than sun_path): the decoder's rules are needed past it alone.
        return Sockaddr.reader(self.struct, abi, proto, layout=self.layout(proto, abi),
                               need=self.min_length, family=family, most=self.fast(abi).size,
                               longer=self.decoder(family, proto, abi))

    def parse(self, data: bytes, *, proto: int, abi: ABI) -> Any:
        self.decode(data, proto=proto, abi=abi, interfaces=None)   # same length rules
        return super().parse(data, proto=proto, abi=abi)


register(Unix())
