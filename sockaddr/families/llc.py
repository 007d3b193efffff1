"""AF_LLC: ``struct sockaddr_llc`` (<linux/llc.h>; kernel net/llc/af_llc.c).

CPython's ``socket`` module has no tuple for AF_LLC, so the address is the
struct's fields in C order (:class:`~sockaddr.families._fields.FieldTuple`)::

    (sllc_arphrd, sllc_test, sllc_xid, sllc_ua, sllc_sap, sllc_mac)

``sllc_arphrd`` is the hardware type (``ARPHRD_ETHER`` 1), ``sllc_sap`` the
service access point (``LLC_SAP_*``), ``sllc_test``/``sllc_xid``/``sllc_ua``
flags for TEST, XID and UA frames, and ``sllc_mac`` the MAC address: a
bytes-like object of at most ``IFHWADDRLEN`` (6) bytes, zero-filled, decoded
as 6 ``bytes``.  ``__pad`` is written as zeros and ignored when decoding.

``llc_ui_bind()`` and ``llc_ui_connect()`` take exactly ``sizeof(struct
sockaddr_llc)`` (16 bytes; sendmsg at least that) and ``llc_ui_getname()``
returns 16: decoding needs 16 bytes.

>>> import sockaddr
>>> sockaddr.encode(26, (1, 0, 0, 0, 0x42, bytes.fromhex("0180c2000000"))).hex()
'1a000100000000420180c20000000000'
>>> sockaddr.decode(bytes.fromhex('1a000100000000420180c20000000000'))
(1, 0, 0, 0, 66, b'\\x01\\x80\\xc2\\x00\\x00\\x00')
"""

from __future__ import annotations

from sockaddr.families import register
from sockaddr.families._fields import FieldTuple

__all__ = ["Llc"]


class Llc(FieldTuple):
    """AF_LLC: ``(sllc_arphrd, sllc_test, sllc_xid, sllc_ua, sllc_sap, sllc_mac)``."""

    name = "AF_LLC"
    struct = "sockaddr_llc"
    fields = ("sllc_arphrd", "sllc_test", "sllc_xid", "sllc_ua", "sllc_sap", "sllc_mac")


register(Llc())
