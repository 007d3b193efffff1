"""SOL_ALG control messages (AF_ALG, the kernel crypto API; Documentation/crypto/userspace-if.rst).

All three are ``sendmsg()`` only and read by ``af_alg_cmsg_send()``
(crypto/af_alg.c), which takes any payload at least as long as it needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self

from sockaddr import schemas
from sockaddr.abi import ABI
from sockaddr.cmsg._base import ControlMessage, ScalarMessage, register
from sockaddr.cmsg._shapes import malformed
from sockaddr.layout import read, write

__all__ = ["AlgSetAeadAssoclen", "AlgSetIv", "AlgSetOp"]

_L = "SOL_ALG"


@register
@dataclass(frozen=True)
class AlgSetIv(ControlMessage):
    """ALG_SET_IV: ``struct af_alg_iv {__u32 ivlen; __u8 iv[]}``, the IV for this request.

    ``iv`` is every byte after ``ivlen``, kept exactly as sent: the kernel
    needs ``ivlen <= len(iv)`` (else EINVAL) and uses the first ``ivlen``
    bytes, so a payload whose ``ivlen`` disagrees still encodes back to
    itself.  ``AlgSetIv.of(iv)`` builds the usual ``ivlen == len(iv)`` form.
    A payload shorter than ``ivlen`` itself (4 bytes) decodes as
    :class:`~sockaddr.cmsg.Unknown`.
    """

    cmsg_level = _L
    cmsg_type = "ALG_SET_IV"
    direction = "send"
    ivlen: int
    iv: bytes

    @classmethod
    def of(cls, iv: bytes) -> Self:
        """The message for ``iv``, with ``ivlen = len(iv)``."""
        return cls(len(iv), bytes(iv))

    @classmethod
    def from_payload(cls, data: bytes, abi: ABI) -> Self:
        head = schemas.layout("af_alg_iv", abi)
        if len(data) < head.size:
            return malformed(cls, data, abi)  # type: ignore[no-any-return]
        return cls(read(head, data)["ivlen"], bytes(data[head.size:]))

    def to_payload(self, abi: ABI) -> bytes:
        head = schemas.layout("af_alg_iv", abi)
        buf = bytearray(head.size)
        write(head, {"ivlen": self.ivlen}, buf, 0, "AlgSetIv")
        return bytes(buf) + bytes(self.iv)


@register
@dataclass(frozen=True)
class AlgSetOp(ScalarMessage):
    """ALG_SET_OP: a ``u32``, ALG_OP_DECRYPT (0) or ALG_OP_ENCRYPT (1)."""

    cmsg_level = _L
    cmsg_type = "ALG_SET_OP"
    direction = "send"
    payload = "u32"
    op: int


@register
@dataclass(frozen=True)
class AlgSetAeadAssoclen(ScalarMessage):
    """ALG_SET_AEAD_ASSOCLEN: a ``u32``, the bytes of associated data at the start of the input."""

    cmsg_level = _L
    cmsg_type = "ALG_SET_AEAD_ASSOCLEN"
    direction = "send"
    payload = "u32"
    assoclen: int
