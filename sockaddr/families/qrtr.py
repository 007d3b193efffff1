"""AF_QIPCRTR: ``struct sockaddr_qrtr`` (<linux/qrtr.h>, Qualcomm IPC router).

Tuple ``(node, port)``, as CPython's ``getsockaddrarg()``/``makesockaddr()``
(3.8+).  CPython parses both with the ``I`` code, which wraps modulo 2**32;
this codec raises :class:`OverflowError` for values outside 0..2**32-1 instead
(use ``QRTR_NODE_BCAST``/``QRTR_PORT_CTRL``, 0xffffffff/0xfffffffe, not -1/-2).
The pad at offset 2, which CPython <= 3.13 leaves uninitialised, is zero.

The kernel accepts only the whole struct (``qrtr_bind()``/``qrtr_sendmsg()``:
``len < sizeof(struct sockaddr_qrtr)`` is ``EINVAL``) and reports it whole, so
decoding needs all 12 bytes.
"""

from __future__ import annotations

from typing import Any

from sockaddr._args import u32_pair
from sockaddr.abi import ABI
from sockaddr.families import Decoder, Encoder, Family, register
from sockaddr.families._fast import pair_decoder, pair_encoder

#: The family field and the tuple's two fields, in tuple order.
_FIELDS = ("sq_family", "sq_node", "sq_port")

__all__ = ["Qrtr"]


class Qrtr(Family):
    """AF_QIPCRTR: ``(sq_node, sq_port)``.

    >>> import socket, sockaddr
    >>> sockaddr.encode(socket.AF_QIPCRTR, (1, 0xfffffffe), abi="linux-x86_64").hex()
    '2a00000001000000feffffff'
    """

    name = "AF_QIPCRTR"
    struct = "sockaddr_qrtr"

    def encode(self, address: object, *, family: int, proto: int, abi: ABI, caller: str,
               resolve: bool) -> bytes:
        node, port = u32_pair(address, caller, self.name, ("node", "port"))
        return self.fast(abi).pack(self.number, bytes(2), node, port)

    def decode(self, data: bytes, *, proto: int, abi: ABI, interfaces: Any) -> object:
        self.check_length(data, abi)
        _, _, node, port = self.fast(abi).unpack(data)
        return node, port


    def decoder(self, family: int, proto: int, abi: ABI) -> Decoder:
        return pair_decoder(self, family, abi, _FIELDS)

    def encoder(self, family: int, proto: int, abi: ABI) -> Encoder:
        return pair_encoder(self, self.number, abi, _FIELDS)

register(Qrtr())
