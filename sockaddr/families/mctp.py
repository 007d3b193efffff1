"""AF_MCTP: ``struct sockaddr_mctp`` and ``struct sockaddr_mctp_ext`` (<linux/mctp.h>; mctp(7)).

CPython's ``socket`` module has no tuple for AF_MCTP.  The address is one of::

    (network, addr, type, tag)                        # struct sockaddr_mctp, 12 bytes
    (network, addr, type, tag, ifindex, haddr)        # struct sockaddr_mctp_ext, 52 bytes

``network`` is ``smctp_network`` (``MCTP_NET_ANY`` is 0), ``addr`` the endpoint
id ``smctp_addr.s_addr`` (``MCTP_ADDR_ANY`` 0xff), ``type`` the message type,
``tag`` the tag bits (``MCTP_TAG_OWNER``...).  The extended form, which sockets
with ``MCTP_OPT_ADDR_EXT`` use, adds the interface index and the hardware
address: ``smctp_halen`` is ``len(haddr)`` (at most ``MAX_ADDR_LEN``, 32) and
``smctp_haddr`` is ``haddr`` zero-filled, as ``mctp_recvmsg()`` writes it.  The
length of the tuple picks the struct; the pads are written as zero (the kernel
refuses non-zero ones).  Every integer must fit its C type (``OverflowError``).

Decoding picks the struct by length, as ``mctp_sendmsg()`` does: at least 52
bytes are a ``sockaddr_mctp_ext``, 12 to 51 a ``sockaddr_mctp`` (bytes past it
ignored); fewer than 12 raise :class:`~sockaddr.DecodeError` (``mctp_bind()``
and ``mctp_sendmsg()`` refuse them), and so does ``smctp_halen`` above 32.
``decode(encode(a)) == a`` for every address (``haddr`` comes back as bytes);
``encode(decode(b)) == b`` for every ``b`` of either size whose pads and
``smctp_haddr`` bytes past ``smctp_halen`` are zero -- everything the kernel
writes.  ``parse()`` keeps every byte.

>>> import sockaddr
>>> sockaddr.encode(45, (1, 8, 1, 8), abi="linux-x86_64").hex()
'2d0000000100000008010800'
>>> sockaddr.decode(sockaddr.encode(45, (1, 8, 1, 8, 3, b"\\x1d")))
(1, 8, 1, 8, 3, b'\\x1d')
"""

from __future__ import annotations

from typing import Any

from sockaddr import schemas
from sockaddr.abi import ABI
from sockaddr.errors import DecodeError
from sockaddr.families import Family, register
from sockaddr.families._fields import FieldTuple
from sockaddr.record import Sockaddr

__all__ = ["Mctp"]

_BASE = ("smctp_network", "smctp_addr.s_addr", "smctp_type", "smctp_tag")


class _Base(FieldTuple):
    name = "AF_MCTP"
    struct = "sockaddr_mctp"
    fields = _BASE


class _Ext(FieldTuple):
    # The struct's own fields; Mctp turns (halen, haddr[32]) into haddr[:halen].
    name = "AF_MCTP"
    struct = "sockaddr_mctp_ext"
    fields = (*(f"smctp_base.{f}" for f in _BASE), "smctp_ifindex", "smctp_halen",
              "smctp_haddr")


class Mctp(Family):
    """AF_MCTP: ``(network, addr, type, tag)`` or ``(..., ifindex, haddr)``."""

    name = "AF_MCTP"
    struct = "sockaddr_mctp"
    structs = ("sockaddr_mctp_ext",)
    base = _Base()
    ext = _Ext()

    def _shape(self) -> str:
        return ("AF_MCTP address must be a tuple (network, addr, type, tag) or "
                "(network, addr, type, tag, ifindex, haddr)")

    def encode(self, address: object, *, family: int, proto: int, abi: ABI, caller: str,
               resolve: bool) -> bytes:
        if not isinstance(address, tuple):
            raise TypeError(f"{caller}(): AF_MCTP address must be tuple, "
                            f"not {type(address).__name__}")
        if len(address) == 4:
            return self.base.encode(address, family=family, proto=proto, abi=abi,
                                    caller=caller, resolve=resolve)
        if len(address) != 6:
            raise TypeError(self._shape())
        *head, ifindex, haddr = address
        if isinstance(haddr, str):
            raise TypeError(f"{caller}(): haddr must be a bytes-like object, not str")
        # smctp_halen is len(haddr); past 32 bytes FieldTuple refuses haddr itself
        # (capping halen keeps that the error the caller sees).
        try:
            halen = memoryview(haddr).nbytes
        except TypeError:
            raise TypeError(f"{caller}(): haddr must be a bytes-like object, "
                            f"not {type(haddr).__name__}") from None
        return self.ext.encode((*head, ifindex, min(halen, 255), haddr), family=family,
                               proto=proto, abi=abi, caller=caller, resolve=resolve)

    def _extended(self, data: bytes, abi: ABI) -> bool:
        return len(data) >= schemas.layout(self.ext.struct, abi).size

    def decode(self, data: bytes, *, proto: int, abi: ABI, interfaces: Any) -> object:
        self.check_length(data, abi)
        if not self._extended(data, abi):
            return self.base.decode(data, proto=proto, abi=abi, interfaces=interfaces)
        value = self.ext.decode(data, proto=proto, abi=abi, interfaces=interfaces)
        assert isinstance(value, tuple)
        *head, ifindex, halen, haddr = value
        if halen > len(haddr):
            offset = schemas.layout(self.ext.struct, abi).offsetof("smctp_halen")
            raise DecodeError(f"smctp_halen {halen} exceeds MAX_ADDR_LEN ({len(haddr)}) "
                              f"at offset {offset}", offset=offset, struct=self.ext.struct,
                              data=data)
        return (*head, ifindex, haddr[:halen])

    def parse(self, data: bytes, *, proto: int, abi: ABI) -> Sockaddr:
        self.check_length(data, abi)
        if self._extended(data, abi):
            return Sockaddr.from_bytes(self.ext.struct, data, abi=abi, proto=proto)
        return Sockaddr.from_bytes(self.struct, data, abi=abi, proto=proto)


register(Mctp())
