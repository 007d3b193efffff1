"""AF_UNIX: ``struct sockaddr_un`` (unix(7)).

CPython (``getsockaddrarg``/``makesockaddr``, Linux): a ``str`` is encoded
with the file-system encoding; any bytes-like object is taken as is.  A name
that is empty or starts with NUL is an abstract name (or autobind) with addrlen
``2 + len``; anything else is a path with addrlen ``2 + len + 1`` (the NUL
counts, as in 3.9+).  Decoding gives ``bytes`` for an abstract name, ``str``
for a path (up to the first NUL) and ``''`` for an unnamed socket.
"""

from __future__ import annotations

import os
from typing import Any

from sockaddr._args import bytes_like
from sockaddr.abi import ABI
from sockaddr.errors import DecodeError
from sockaddr.families import Family, register

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

    def parse(self, data: bytes, *, proto: int, abi: ABI) -> Any:
        self.decode(data, proto=proto, abi=abi, interfaces=None)   # same length rules
        return super().parse(data, proto=proto, abi=abi)


register(Unix())
