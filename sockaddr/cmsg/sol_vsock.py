"""SOL_VSOCK control messages (vsock(7); <linux/vm_sockets.h>)."""

from __future__ import annotations

from dataclasses import dataclass

from sockaddr.cmsg._base import register
from sockaddr.cmsg._kinds import ExtendedError

__all__ = ["VsockRecvErr"]


@register
@dataclass(frozen=True)
class VsockRecvErr(ExtendedError):
    """VSOCK_RECVERR (Linux 6.7): a bare ``struct sock_extended_err`` (16 bytes, no offender).

    MSG_ZEROCOPY completions, read from the error queue
    (``sock_recv_errqueue(sk, msg, len, SOL_VSOCK, VSOCK_RECVERR)``): origin
    SO_EE_ORIGIN_ZEROCOPY, ``info``..``data`` the range of completed sends,
    ``code`` SO_EE_CODE_ZEROCOPY_COPIED when the data was copied after all.
    """

    cmsg_level = "SOL_VSOCK"
    cmsg_type = "VSOCK_RECVERR"
    direction = "recv"
