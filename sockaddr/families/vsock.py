"""AF_VSOCK: ``struct sockaddr_vm`` (vsock(7)); tuple ``(cid, port)``.

``svm_flags`` (``VMADDR_FLAG_TO_HOST``) has no place in CPython's tuple: it is
zero when encoding a tuple, shown by ``parse()``, and set through a record:
``sockaddr.encode(AF_VSOCK, Sockaddr.build("sockaddr_vm", svm_cid=…, svm_flags=1))``.
"""

from __future__ import annotations

from typing import Any

from sockaddr._args import u32_pair
from sockaddr.abi import ABI
from sockaddr.families import Decoder, Encoder, Family, register
from sockaddr.families._fast import pair_decoder, pair_encoder

#: The family field and the tuple's two fields, in tuple order.
_FIELDS = ("svm_family", "svm_cid", "svm_port")

__all__ = ["Vsock"]


class Vsock(Family):
    """AF_VSOCK: ``(svm_cid, svm_port)``."""

    name = "AF_VSOCK"
    struct = "sockaddr_vm"

    def encode(self, address: object, *, family: int, proto: int, abi: ABI, caller: str,
               resolve: bool) -> bytes:
        cid, port = u32_pair(address, caller, self.name, ("cid", "port"))
        return self.fast(abi).pack(family, 0, port, cid, 0, bytes(3))

    def decode(self, data: bytes, *, proto: int, abi: ABI, interfaces: Any) -> object:
        self.check_length(data, abi)
        _, _, port, cid, _, _ = self.fast(abi).unpack(data)
        return cid, port


    def decoder(self, family: int, proto: int, abi: ABI) -> Decoder:
        return pair_decoder(self, family, abi, _FIELDS)

    def encoder(self, family: int, proto: int, abi: ABI) -> Encoder:
        return pair_encoder(self, family, abi, _FIELDS)

register(Vsock())
