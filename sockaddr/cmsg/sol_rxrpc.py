"""SOL_RXRPC control messages (Documentation/networking/rxrpc.rst; <linux/rxrpc.h>).

``rxrpc_sendmsg_cmsg()`` (net/rxrpc/sendmsg.c) checks each send payload's
exact size; ``recvmsg`` (net/rxrpc/recvmsg.c) reports the call's user ID and
how it ended.  Several messages have no payload: their type is the whole
message.  The OOB messages (RXRPC_OOB_ID to RXRPC_RESP_RXGK_APPDATA, Linux
6.16) carry security-class specific data, kept as bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self

from sockaddr import schemas
from sockaddr.abi import ABI
from sockaddr.cmsg._base import ControlMessage, RawMessage, ScalarMessage, register
from sockaddr.cmsg._shapes import EmptyMessage, malformed
from sockaddr.layout import read, write

__all__ = [
    "RxrpcAbort", "RxrpcAck", "RxrpcBusy", "RxrpcChallenged", "RxrpcChargeAccept",
    "RxrpcExclusiveCall", "RxrpcLocalError", "RxrpcNetError", "RxrpcNewCall", "RxrpcOobId",
    "RxrpcRespRxgkAppdata", "RxrpcRespond", "RxrpcResponded", "RxrpcSetCallTimeout",
    "RxrpcTxLength", "RxrpcUpgradeService", "RxrpcUserCallId",
]

_L = "SOL_RXRPC"


@register
@dataclass(frozen=True)
class RxrpcUserCallId(ScalarMessage):
    """RXRPC_USER_CALL_ID: an ``unsigned long``, the caller's tag of the call.

    8 bytes on LP64, 4 on ILP32: the kernel reads and writes an ``unsigned
    int`` for a compat (MSG_CMSG_COMPAT) process, which is what linux-i386 is.
    """

    cmsg_level = _L
    cmsg_type = "RXRPC_USER_CALL_ID"
    payload = "ulong"
    user_call_id: int


@register
@dataclass(frozen=True)
class RxrpcAbort(ScalarMessage):
    """RXRPC_ABORT: a ``u32`` abort code, to abort the call (send) or why it was (receive)."""

    cmsg_level = _L
    cmsg_type = "RXRPC_ABORT"
    payload = "u32"
    abort_code: int


@register
@dataclass(frozen=True)
class RxrpcAck(EmptyMessage):
    """RXRPC_ACK: (service) the final ACK of the reply arrived; the call is over."""

    cmsg_level = _L
    cmsg_type = "RXRPC_ACK"
    direction = "recv"


@register
@dataclass(frozen=True)
class RxrpcNetError(ScalarMessage):
    """RXRPC_NET_ERROR: a ``u32`` errno from the network (e.g. ICMP unreachable)."""

    cmsg_level = _L
    cmsg_type = "RXRPC_NET_ERROR"
    direction = "recv"
    payload = "u32"
    errno: int


@register
@dataclass(frozen=True)
class RxrpcBusy(EmptyMessage):
    """RXRPC_BUSY: (client) the server answered BUSY; the call is over."""

    cmsg_level = _L
    cmsg_type = "RXRPC_BUSY"
    direction = "recv"


@register
@dataclass(frozen=True)
class RxrpcLocalError(ScalarMessage):
    """RXRPC_LOCAL_ERROR: a ``u32`` errno of a local failure (e.g. ENOMEM, key rejected)."""

    cmsg_level = _L
    cmsg_type = "RXRPC_LOCAL_ERROR"
    direction = "recv"
    payload = "u32"
    errno: int


@register
@dataclass(frozen=True)
class RxrpcNewCall(EmptyMessage):
    """RXRPC_NEW_CALL: (service) a new incoming call is waiting."""

    cmsg_level = _L
    cmsg_type = "RXRPC_NEW_CALL"
    direction = "recv"


@register
@dataclass(frozen=True)
class RxrpcExclusiveCall(EmptyMessage):
    """RXRPC_EXCLUSIVE_CALL: (client) put the new call on a connection of its own."""

    cmsg_level = _L
    cmsg_type = "RXRPC_EXCLUSIVE_CALL"
    direction = "send"


@register
@dataclass(frozen=True)
class RxrpcUpgradeService(EmptyMessage):
    """RXRPC_UPGRADE_SERVICE: (client) ask the server to upgrade the call's service."""

    cmsg_level = _L
    cmsg_type = "RXRPC_UPGRADE_SERVICE"
    direction = "send"


@register
@dataclass(frozen=True)
class RxrpcTxLength(ScalarMessage):
    """RXRPC_TX_LENGTH: an ``__s64``, the total length of the data to send on the call."""

    cmsg_level = _L
    cmsg_type = "RXRPC_TX_LENGTH"
    direction = "send"
    payload = "s64"
    length: int


@register
@dataclass(frozen=True)
class RxrpcSetCallTimeout(ControlMessage):
    """RXRPC_SET_CALL_TIMEOUT: one to three ``u32`` in ms: hard, idle and normal timeouts.

    The kernel takes 4, 8 or 12 bytes (else EINVAL); any other payload decodes
    as :class:`~sockaddr.cmsg.Unknown`.
    """

    cmsg_level = _L
    cmsg_type = "RXRPC_SET_CALL_TIMEOUT"
    direction = "send"
    timeouts: tuple[int, ...]

    @classmethod
    def from_payload(cls, data: bytes, abi: ABI) -> Self:
        word = schemas.ctype("u32", abi)
        count, rest = divmod(len(data), word.size)
        if rest or not 1 <= count <= 3:
            return malformed(cls, data, abi)  # type: ignore[no-any-return]
        return cls(tuple(read(word, data, i * word.size) for i in range(count)))

    def to_payload(self, abi: ABI) -> bytes:
        word = schemas.ctype("u32", abi)
        if not 1 <= len(self.timeouts) <= 3:
            raise ValueError(f"RxrpcSetCallTimeout.timeouts must have 1 to 3 items, "
                             f"got {len(self.timeouts)}")
        buf = bytearray(word.size * len(self.timeouts))
        for i, ms in enumerate(self.timeouts):
            write(word, ms, buf, i * word.size, f"RxrpcSetCallTimeout.timeouts[{i}]")
        return bytes(buf)


@register
@dataclass(frozen=True)
class RxrpcChargeAccept(EmptyMessage):
    """RXRPC_CHARGE_ACCEPT: (service) charge the accept queue; with RXRPC_USER_CALL_ID."""

    cmsg_level = _L
    cmsg_type = "RXRPC_CHARGE_ACCEPT"
    direction = "send"


@register
@dataclass(frozen=True)
class RxrpcOobId(ScalarMessage):
    """RXRPC_OOB_ID (Linux 6.16): a ``u64``, the id of an out-of-band message (receive)
    or of the one a RESPOND answers (send)."""

    cmsg_level = _L
    cmsg_type = "RXRPC_OOB_ID"
    payload = "u64"
    oob_id: int


@register
@dataclass(frozen=True)
class RxrpcChallenged(RawMessage):
    """RXRPC_CHALLENGED (Linux 6.16): a CHALLENGE to answer, ``struct rxrpc_challenge``
    (``__u16 service_id; __u8 security_index; __u8 pad``) then the security class's
    data (``struct rxgk_challenge`` adds ``__u32 enctype``), as bytes."""

    cmsg_level = _L
    cmsg_type = "RXRPC_CHALLENGED"
    direction = "recv"
    data: bytes


@register
@dataclass(frozen=True)
class RxrpcRespond(RawMessage):
    """RXRPC_RESPOND (Linux 6.16): answer the challenge RXRPC_OOB_ID names (no payload is read)."""

    cmsg_level = _L
    cmsg_type = "RXRPC_RESPOND"
    direction = "send"
    data: bytes = b""


@register
@dataclass(frozen=True)
class RxrpcResponded(RawMessage):
    """RXRPC_RESPONDED (Linux 6.16): data from a received RESPONSE (security-class specific)."""

    cmsg_level = _L
    cmsg_type = "RXRPC_RESPONDED"
    direction = "recv"
    data: bytes


@register
@dataclass(frozen=True)
class RxrpcRespRxgkAppdata(RawMessage):
    """RXRPC_RESP_RXGK_APPDATA (Linux 6.16): application data for the RxGK RESPONSE.

    It goes into the RESPONSE's authenticator (``rxgk_sendmsg_respond_to_challenge()``).
    """

    cmsg_level = _L
    cmsg_type = "RXRPC_RESP_RXGK_APPDATA"
    direction = "send"
    data: bytes
