"""SOL_CAN_J1939 control messages (Documentation/networking/j1939.rst; <linux/can/j1939.h>).

``j1939_sk_recvmsg()`` (net/can/j1939/socket.c) reports where a received
message was addressed and its priority; with SO_J1939_ERRQUEUE the error queue
carries transfer-session events (``j1939_sk_errqueue()``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sockaddr.cmsg._base import ScalarMessage, register
from sockaddr.cmsg._kinds import ExtendedError

__all__ = ["ScmJ1939DestAddr", "ScmJ1939DestName", "ScmJ1939Errqueue", "ScmJ1939Prio"]

_L = "SOL_CAN_J1939"


@register
@dataclass(frozen=True)
class ScmJ1939DestAddr(ScalarMessage):
    """SCM_J1939_DEST_ADDR: the ``__u8`` destination address (J1939_NO_ADDR 0xff: broadcast)."""

    cmsg_level = _L
    cmsg_type = "SCM_J1939_DEST_ADDR"
    direction = "recv"
    payload = "u8"
    addr: int


@register
@dataclass(frozen=True)
class ScmJ1939DestName(ScalarMessage):
    """SCM_J1939_DEST_NAME: the destination's 64-bit NAME (``name_t``, host order).

    Present only when the destination has a NAME (address claiming).
    """

    cmsg_level = _L
    cmsg_type = "SCM_J1939_DEST_NAME"
    direction = "recv"
    payload = "name_t"
    name: int


@register
@dataclass(frozen=True)
class ScmJ1939Prio(ScalarMessage):
    """SCM_J1939_PRIO: the message's ``priority_t`` (``__u8``, 0 highest .. 7)."""

    cmsg_level = _L
    cmsg_type = "SCM_J1939_PRIO"
    direction = "recv"
    payload = "priority_t"
    priority: int


@register
@dataclass(frozen=True)
class ScmJ1939Errqueue(ExtendedError):
    """SCM_J1939_ERRQUEUE: a bare ``struct sock_extended_err`` (16 bytes, no offender).

    Session events have origin SO_EE_ORIGIN_LOCAL and ``info``
    J1939_EE_INFO_TX_ABORT, _RX_RTS, _RX_DPO or _RX_ABORT; TX timestamps have
    origin SO_EE_ORIGIN_TIMESTAMPING and ``info`` SCM_TSTAMP_SCHED or _ACK
    (``__j1939_sk_errqueue()``).  ``data`` is the session's key with
    SOF_TIMESTAMPING_OPT_ID.  An SCM_TIMESTAMPING_OPT_STATS with J1939_NLA_*
    attributes comes with it.
    """

    cmsg_level = _L
    cmsg_type = "SCM_J1939_ERRQUEUE"
    direction = "recv"
