"""AF_XDP: ``struct sockaddr_xdp`` (<linux/if_xdp.h>; Documentation/networking/af_xdp.rst).

CPython's ``socket`` module has no tuple for AF_XDP, so the address is the
struct's fields in C order (:class:`~sockaddr.families._fields.FieldTuple`)::

    (sxdp_flags, sxdp_ifindex[, sxdp_queue_id[, sxdp_shared_umem_fd]])

``sxdp_flags`` is a mask of ``XDP_SHARED_UMEM``, ``XDP_COPY``, ``XDP_ZEROCOPY``,
``XDP_USE_NEED_WAKEUP``, ``XDP_USE_SG`` (constants in ``schemas/linux/if_xdp.toml``);
``sxdp_ifindex`` is an interface index (``socket.if_nametoindex("lo")``); the
queue id and the fd of the socket whose UMEM is shared (with ``XDP_SHARED_UMEM``)
default to 0.  Every value must fit its ``__u16``/``__u32`` (``OverflowError``).
Decoding gives the 4-tuple, so ``encode(decode(b)) == b`` for all 16-byte ``b``
and ``decode(encode(a)) == a`` for every full 4-tuple ``a``.

The kernel (``xsk_bind()``) reads only the whole 16-byte struct: a shorter
addrlen is ``EINVAL``, so decoding needs 16 bytes.  AF_XDP sockets have no
``getsockname()``.

>>> import sockaddr
>>> sockaddr.encode(44, (2, 1), abi="linux-x86_64").hex()   # XDP_COPY, ifindex 1
'2c000200010000000000000000000000'
>>> sockaddr.decode(bytes.fromhex('2c000200010000000000000000000000'), abi="linux-x86_64")
(2, 1, 0, 0)
"""

from __future__ import annotations

from sockaddr.families import register
from sockaddr.families._fields import FieldTuple

__all__ = ["Xdp"]


class Xdp(FieldTuple):
    """AF_XDP: ``(sxdp_flags, sxdp_ifindex, sxdp_queue_id, sxdp_shared_umem_fd)``."""

    name = "AF_XDP"
    struct = "sockaddr_xdp"
    fields = ("sxdp_flags", "sxdp_ifindex", "sxdp_queue_id", "sxdp_shared_umem_fd")
    optional = 2


register(Xdp())
