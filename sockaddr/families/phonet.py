"""AF_PHONET: ``struct sockaddr_pn`` (<linux/phonet.h>; kernel net/phonet/).

CPython's ``socket`` module has no tuple for AF_PHONET, so the address is the
struct's fields in C order (:class:`~sockaddr.families._fields.FieldTuple`)::

    (spn_obj, spn_dev, spn_resource)

each a ``__u8``: the object (port) and device of the Phonet address
(``pn_sockaddr_get_object()``: ``spn_dev << 8 | spn_obj``) and the resource
(for ``PN_PROTO_PHONET`` resource routing).  ``spn_zero`` is written as zeros
and ignored when decoding.  The struct is packed: 16 bytes on every ABI.

``pn_socket_bind()`` and ``pn_socket_connect()`` need at least ``sizeof(struct
sockaddr_pn)`` and ``pn_socket_getname()`` returns it: decoding needs 16 bytes.

>>> import sockaddr
>>> sockaddr.encode(35, (0x20, 0x10, 0)).hex()     # object 0x20 on PN_DEV_PC
'23002010000000000000000000000000'
>>> sockaddr.decode(bytes.fromhex('23002010000000000000000000000000'))
(32, 16, 0)
"""

from __future__ import annotations

from sockaddr.families import register
from sockaddr.families._fields import FieldTuple

__all__ = ["Phonet"]


class Phonet(FieldTuple):
    """AF_PHONET: ``(spn_obj, spn_dev, spn_resource)``."""

    name = "AF_PHONET"
    struct = "sockaddr_pn"
    fields = ("spn_obj", "spn_dev", "spn_resource")


register(Phonet())
