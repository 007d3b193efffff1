"""SOL_TCP control messages (tcp(7)): TCP_CM_INQ, on TCP and MPTCP sockets."""

from __future__ import annotations

from dataclasses import dataclass

from sockaddr.cmsg._base import ScalarMessage, register

__all__ = ["TcpCmInq"]


@register
@dataclass(frozen=True)
class TcpCmInq(ScalarMessage):
    """TCP_CM_INQ (= TCP_INQ, Linux 4.18): an ``int``, bytes still queued after this read.

    Turned on with ``setsockopt(SOL_TCP, TCP_INQ, 1)``; ``tcp_recvmsg()``
    appends it to every read.
    """

    cmsg_level = "SOL_TCP"
    cmsg_type = "TCP_CM_INQ"
    direction = "recv"
    payload = "int"
    inq: int
