"""SOL_TIPC control messages (``tipc_sk_anc_data_recv()``, net/tipc/socket.c).

All three are received only, and only when the reader passed a control
buffer: a rejected message comes back with TIPC_ERRINFO (and its data in
TIPC_RETDATA), and a message sent to a service address carries that address
in TIPC_DESTNAME.
"""

from __future__ import annotations

from dataclasses import dataclass

from sockaddr.cmsg._base import RawMessage, StructMessage, register

__all__ = ["TipcDestname", "TipcErrinfo", "TipcRetdata"]

_L = "SOL_TIPC"


@register
@dataclass(frozen=True)
class TipcErrinfo(StructMessage):
    """TIPC_ERRINFO: two ``__u32`` (``tipc_errinfo``, no UAPI struct): why the message
    came back (TIPC_ERR_NO_NAME, _NO_PORT, _NO_NODE, _OVERLOAD, TIPC_CONN_SHUTDOWN)
    and the length of its data, which follows as TIPC_RETDATA when not zero.
    """

    cmsg_level = _L
    cmsg_type = "TIPC_ERRINFO"
    direction = "recv"
    payload = "tipc_errinfo"
    err: int
    len: int


@register
@dataclass(frozen=True)
class TipcRetdata(RawMessage):
    """TIPC_RETDATA: the data of the rejected message, as it was sent."""

    cmsg_level = _L
    cmsg_type = "TIPC_RETDATA"
    direction = "recv"
    data: bytes


@register
@dataclass(frozen=True)
class TipcDestname(StructMessage):
    """TIPC_DESTNAME: the service the message was sent to, three ``__u32``
    laid out as ``struct tipc_service_range`` (``type``, ``lower``, ``upper``).

    For a message to one service address (TIPC_NAMED_MSG) or on a connection
    ``lower == upper`` (the instance); a multicast carries its range.
    """

    cmsg_level = _L
    cmsg_type = "TIPC_DESTNAME"
    direction = "recv"
    payload = "tipc_service_range"
    type: int
    lower: int
    upper: int
