"""AF_ISDN: ``struct sockaddr_mISDN`` (kernel include/linux/mISDNif.h, not UAPI).

The mISDN sockets of drivers/isdn/mISDN/socket.c.  The header is not
installed (mISDNuser ships its own copy), so the layout in
``schemas/linux/mISDNif.toml`` comes from the kernel source.  CPython's
``socket`` module has no tuple for AF_ISDN; the address is the struct's fields
in C order (:class:`~sockaddr.families._fields.FieldTuple`)::

    (dev, channel, sapi, tei)

each an ``unsigned char``: the mISDN device id, the channel, and the LAPD
SAPI and TEI.  The struct is 6 bytes with no padding, so ``encode(decode(b))
== b`` for every 6-byte ``b``.

``data_sock_bind()`` takes exactly ``sizeof(struct sockaddr_mISDN)``,
``base_sock_bind()`` at least that, and getsockname() and recvmsg() return
it: decoding needs 6 bytes.

>>> import sockaddr
>>> sockaddr.encode(34, (1, 0, 0, 127)).hex()
'22000100007f'
>>> sockaddr.decode(bytes.fromhex('22000100007f'))
(1, 0, 0, 127)
"""

from __future__ import annotations

from sockaddr.families import register
from sockaddr.families._fields import FieldTuple

__all__ = ["MISDN"]


class MISDN(FieldTuple):
    """AF_ISDN: ``(dev, channel, sapi, tei)``."""

    name = "AF_ISDN"
    struct = "sockaddr_mISDN"
    fields = ("dev", "channel", "sapi", "tei")


register(MISDN())
