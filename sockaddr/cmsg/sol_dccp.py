"""SOL_DCCP control messages (net/dccp/proto.c; DCCP was removed in Linux 6.16)."""

from __future__ import annotations

from dataclasses import dataclass

from sockaddr.cmsg._base import ScalarMessage, register

__all__ = ["DccpScmPriority"]


@register
@dataclass(frozen=True)
class DccpScmPriority(ScalarMessage):
    """DCCP_SCM_PRIORITY: a ``__u32`` priority for the ``prio`` TX queuing policy.

    ``dccp_msghdr_parse()`` takes exactly ``CMSG_LEN(4)``.
    """

    cmsg_level = "SOL_DCCP"
    cmsg_type = "DCCP_SCM_PRIORITY"
    direction = "send"
    payload = "u32"
    priority: int
