"""AF_APPLETALK: ``struct sockaddr_at`` (<linux/atalk.h>; ddp(7); kernel net/appletalk/ddp.c).

CPython's ``socket`` module has no tuple for AF_APPLETALK (it raises "bad
family"), so the address is the struct's fields in C order
(:class:`~sockaddr.families._fields.FieldTuple`)::

    (sat_port, s_net, s_node)

``sat_port`` is the DDP socket number (``ATPORT_FIRST``-``ATPORT_LAST``;
``ATADDR_ANYPORT`` 0 asks bind() for one), ``s_net`` the network number
(written in network byte order, ``__be16``) and ``s_node`` the node
(``ATADDR_ANYNODE`` 0, ``ATADDR_BCAST`` 255).  Values must fit their ``__u8``/
``__be16`` (``OverflowError``).  ``sat_zero`` and the padding are written as
zeros and ignored when decoding, so ``encode(decode(b)) == b`` whenever they
are zero, and ``decode(encode(a)) == a``.

``atalk_bind()`` and ``atalk_connect()`` take exactly ``sizeof(struct
sockaddr_at)`` (16 bytes; sendmsg at least that), and ``atalk_getname()``
returns 16: decoding needs 16 bytes.

>>> import sockaddr
>>> sockaddr.encode(5, (129, 65280, 42)).hex()    # socket 129 of node 65280.42
'05008100ff002a000000000000000000'
>>> sockaddr.decode(bytes.fromhex('05008100ff002a000000000000000000'))
(129, 65280, 42)
"""

from __future__ import annotations

from sockaddr.families import register
from sockaddr.families._fields import FieldTuple

__all__ = ["AppleTalk"]


class AppleTalk(FieldTuple):
    """AF_APPLETALK: ``(sat_port, s_net, s_node)``."""

    name = "AF_APPLETALK"
    struct = "sockaddr_at"
    fields = ("sat_port", "sat_addr.s_net", "sat_addr.s_node")


register(AppleTalk())
