"""SOL_BLUETOOTH control messages, and SOL_HCI's on HCI sockets.

``bt_sock_recvmsg()`` (net/bluetooth/af_bluetooth.c) adds the packet status
and ISO sequence number of SCO/ISO packets when their socket options are on;
TX timestamps come back from the error queue as BT_SCM_ERROR.

HCI raw sockets (``socket(AF_BLUETOOTH, SOCK_RAW, BTPROTO_HCI)``) use level
SOL_HCI, which is 0 like SOL_IP: ``HCI_CMSG_DIR`` (1) and ``HCI_CMSG_TSTAMP``
(2) share their numbers with IP_TOS and IP_TTL.  Their classes say
``family = "AF_BLUETOOTH"``: a decoder must be told the socket's family
(``cmsg.decode(..., family=socket.AF_BLUETOOTH)``) to choose them, and level 0
stays SOL_IP without it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from sockaddr.cmsg._base import ControlMessage, ScalarMessage, register
from sockaddr.cmsg._kinds import ExtendedError, TimeMessage

__all__ = [
    "HCI_MESSAGES", "BtScmError", "BtScmPktSeqnum", "BtScmPktStatus", "HciCmsgDir",
    "HciCmsgTstamp",
]

_L = "SOL_BLUETOOTH"


@register
@dataclass(frozen=True)
class BtScmPktStatus(ScalarMessage):
    """BT_SCM_PKT_STATUS: the ``__u8`` HCI packet status flag of a SCO/ISO packet.

    Turned on with BT_PKT_STATUS.  0 correctly received, 1 possibly invalid, 2 partly lost, 3 lost.
    """

    cmsg_level = _L
    cmsg_type = "BT_SCM_PKT_STATUS"
    direction = "recv"
    payload = "u8"
    status: int


@register
@dataclass(frozen=True)
class BtScmError(ExtendedError):
    """BT_SCM_ERROR (Linux 6.14): a bare ``struct sock_extended_err`` (16 bytes, no offender).

    TX timestamps of ISO, L2CAP and SCO sockets, from the error queue
    (SO_EE_ORIGIN_TIMESTAMPING, ``info`` the SCM_TSTAMP_* kind).
    """

    cmsg_level = _L
    cmsg_type = "BT_SCM_ERROR"
    direction = "recv"


@register
@dataclass(frozen=True)
class BtScmPktSeqnum(ScalarMessage):
    """BT_SCM_PKT_SEQNUM (Linux 6.17): the ``u16`` sequence number of an ISO packet.

    Turned on with the BT_PKT_SEQNUM socket option.
    """

    cmsg_level = _L
    cmsg_type = "BT_SCM_PKT_SEQNUM"
    direction = "recv"
    payload = "u16"
    seqnum: int


@register
@dataclass(frozen=True)
class HciCmsgDir(ScalarMessage):
    """HCI_CMSG_DIR (level SOL_HCI = 0): an ``int``, 1 for a packet from the controller, 0 to it.

    Turned on with ``setsockopt(SOL_HCI, HCI_DATA_DIR, 1)`` (``hci_sock_cmsg()``,
    net/bluetooth/hci_sock.c).
    """

    cmsg_level = "SOL_HCI"
    cmsg_type = "HCI_CMSG_DIR"
    direction = "recv"
    family: ClassVar[str] = "AF_BLUETOOTH"
    payload = "int"
    incoming: int


@register
@dataclass(frozen=True)
class HciCmsgTstamp(TimeMessage):
    """HCI_CMSG_TSTAMP (level SOL_HCI = 0): the packet's ``struct __kernel_old_timeval``.

    Turned on with HCI_TIME_STAMP.  16 bytes on LP64, 8 on ILP32 (the
    kernel's compat path writes ``old_timeval32`` for a 32-bit process).
    """

    cmsg_level = "SOL_HCI"
    cmsg_type = "HCI_CMSG_TSTAMP"
    direction = "recv"
    family: ClassVar[str] = "AF_BLUETOOTH"
    payload = "__kernel_old_timeval"
    sec: int
    usec: int


#: The SOL_HCI classes (they apply only with ``family=AF_BLUETOOTH``).
HCI_MESSAGES: tuple[type[ControlMessage], ...] = (HciCmsgDir, HciCmsgTstamp)
