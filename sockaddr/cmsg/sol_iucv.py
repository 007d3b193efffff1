"""SOL_IUCV control messages (AF_IUCV, s390 only; net/iucv/af_iucv.c)."""

from __future__ import annotations

from dataclasses import dataclass

from sockaddr.cmsg._base import ScalarMessage, register

__all__ = ["ScmIucvTrgcls"]


@register
@dataclass(frozen=True)
class ScmIucvTrgcls(ScalarMessage):
    """SCM_IUCV_TRGCLS: the ``__u32`` IUCV target class of the message, on send and receive.

    ``iucv_sock_sendmsg()`` takes exactly ``CMSG_LEN(4)``; ``iucv_sock_recvmsg()``
    reports the class of every message read.
    """

    cmsg_level = "SOL_IUCV"
    cmsg_type = "SCM_IUCV_TRGCLS"
    payload = "u32"
    trgcls: int
