"""AF_X25: ``struct sockaddr_x25`` (<linux/x25.h>; x25(7); kernel net/x25/af_x25.c).

CPython's ``socket`` module has no tuple for AF_X25.  The address is one
``struct x25_address``: an X.121 address held as NUL-terminated text, so the
natural form is that text, a ``str`` such as ``"23421234567"`` (like AF_UNIX,
not a tuple).  Encoding takes a ``str`` (Latin-1, one byte a character) or a
bytes-like object of at most 15 bytes without NUL, and zero-fills the rest of
``x25_addr``.  ``x25_bind()`` accepts digits only, or the null address of 15
blanks; ``x25_connect()`` checks just the NUL: the codec leaves the digits to
the kernel.

Decoding needs the whole 18 bytes (``bind()``, ``connect()`` and
``getsockname()`` all use exactly ``sizeof(struct sockaddr_x25)``) and a NUL
within ``x25_addr`` (the kernel refuses 16 bytes without one: ``EINVAL``);
bytes after the NUL are ignored, so ``encode(decode(b)) == b`` when they are
zero.  Every byte decodes (Latin-1), and ``decode(encode(a)) == a`` for every
``str`` ``a`` the encoder accepts.

>>> import sockaddr
>>> sockaddr.encode(9, "23421234567").hex()
'090032333432313233343536370000000000'
>>> sockaddr.decode(bytes.fromhex('090032333432313233343536370000000000'))
'23421234567'
"""

from __future__ import annotations

from typing import Any

from sockaddr import schemas
from sockaddr.abi import ABI
from sockaddr.families import Family, register
from sockaddr.families._forms import decode_cstring, encode_cstring

__all__ = ["X25"]


class X25(Family):
    """AF_X25: the X.121 address as ``str``."""

    name = "AF_X25"
    struct = "sockaddr_x25"

    def encode(self, address: object, *, family: int, proto: int, abi: ABI, caller: str,
               resolve: bool) -> bytes:
        fast = self.fast(abi)
        size = schemas.layout("x25_address", abi).size
        return fast.pack(family, encode_cstring(address, size, "AF_X25 address", caller))

    def decode(self, data: bytes, *, proto: int, abi: ABI, interfaces: Any) -> object:
        self.check_length(data, abi)
        fast = self.fast(abi)
        _, text = fast.unpack(data)
        return decode_cstring(text, what="x25_addr",
                              offset=fast.layout.offsetof("sx25_addr.x25_addr"),
                              struct=self.struct, data=data)


register(X25())
