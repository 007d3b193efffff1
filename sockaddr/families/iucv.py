"""AF_IUCV: ``struct sockaddr_iucv`` (s390 only; kernel net/iucv/af_iucv.c).

The struct is in the kernel's include/net/iucv/af_iucv.h, which is not UAPI;
glibc installs the same struct as <netiucv/iucv.h>, which
``schemas/linux/netiucv/iucv.toml`` is checked against.  CPython's ``socket``
module has no tuple for AF_IUCV; the natural form is the two names the kernel
reads::

    (user_id, name)

``siucv_user_id`` is the z/VM guest (or, over HiperSockets, the user id of
the device) and ``siucv_name`` the application name: 8 characters each,
blank padded, as z/VM writes them.  Encoding takes a ``str`` (Latin-1, one
byte a character; the kernel translates to EBCDIC itself) or bytes of at most
8 and pads it with blanks; ``""`` as ``name`` is eight blanks, which asks
bind() for an automatic name.  Decoding strips the trailing blanks and keeps
every other byte, so ``encode(decode(b)) == b`` for every ``b`` whose
reserved fields (``siucv_port``, ``siucv_addr``, ``siucv_nodeid``, written as
zeros here and by ``iucv_sock_getname()``) are zero, and ``decode(encode(a))
== a`` for names without trailing blanks.

``iucv_sock_bind()`` and ``iucv_sock_connect()`` need at least
``sizeof(struct sockaddr_iucv)`` and getname() returns it: decoding needs 32
bytes.

>>> import sockaddr
>>> raw = sockaddr.encode(32, ("LNXGUEST", "APPSRV"))
>>> raw[16:].decode()
'LNXGUESTAPPSRV  '
>>> sockaddr.decode(raw)
('LNXGUEST', 'APPSRV')
"""

from __future__ import annotations

from typing import Any

from sockaddr import schemas
from sockaddr._args import expect_tuple
from sockaddr.abi import ABI
from sockaddr.families import Family, register
from sockaddr.families._forms import decode_padded, encode_padded
from sockaddr.layout import read, write

__all__ = ["Iucv"]


class Iucv(Family):
    """AF_IUCV: ``(user_id, name)``."""

    name = "AF_IUCV"
    struct = "sockaddr_iucv"

    def encode(self, address: object, *, family: int, proto: int, abi: ABI, caller: str,
               resolve: bool) -> bytes:
        items = expect_tuple(address, caller, self.name)
        if len(items) != 2:
            raise TypeError("AF_IUCV address must be a pair (user_id, name)")
        layout = schemas.layout(self.struct, abi)
        user_size = layout.field("siucv_user_id").type.size
        name_size = layout.field("siucv_name").type.size
        buf = bytearray(layout.size)
        write(layout, {"siucv_family": family,
                       "siucv_user_id": encode_padded(items[0], user_size, "user_id", caller),
                       "siucv_name": encode_padded(items[1], name_size, "name", caller)}, buf)
        return bytes(buf)

    def decode(self, data: bytes, *, proto: int, abi: ABI, interfaces: Any) -> object:
        self.check_length(data, abi)
        fields = read(schemas.layout(self.struct, abi), data)
        return decode_padded(fields["siucv_user_id"]), decode_padded(fields["siucv_name"])


register(Iucv())
