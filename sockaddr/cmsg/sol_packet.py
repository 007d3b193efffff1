"""SOL_PACKET control messages (packet(7)): PACKET_AUXDATA and PACKET_TX_TIMESTAMP."""

from __future__ import annotations

from dataclasses import dataclass

from sockaddr.cmsg._base import StructMessage, register
from sockaddr.cmsg._kinds import ExtendedError

__all__ = ["PacketAuxdata", "PacketTxTimestamp"]

_L = "SOL_PACKET"


@register
@dataclass(frozen=True)
class PacketAuxdata(StructMessage):
    """PACKET_AUXDATA: ``struct tpacket_auxdata``, fields without ``tp_``.

    ``status`` holds TP_STATUS_* bits (USER always; CSUMNOTREADY, CSUM_VALID,
    VLAN_VALID, VLAN_TPID_VALID, GSO_TCP), ``len`` the frame's original
    length, ``snaplen`` the bytes delivered, ``mac`` 0 and ``net`` the
    network header's offset in the data read (``packet_recvmsg()``).
    """

    cmsg_level = _L
    cmsg_type = "PACKET_AUXDATA"
    direction = "recv"
    payload = "tpacket_auxdata"
    prefix = "tp_"
    status: int
    len: int
    snaplen: int
    mac: int
    net: int
    vlan_tci: int
    vlan_tpid: int


@register
@dataclass(frozen=True)
class PacketTxTimestamp(ExtendedError):
    """PACKET_TX_TIMESTAMP: a bare ``struct sock_extended_err`` (16 bytes, no offender).

    Read from the error queue of a packet socket with SO_TIMESTAMPING on;
    ``origin`` is SO_EE_ORIGIN_TIMESTAMPING, ``errno`` ENOMSG, ``info`` the
    SCM_TSTAMP_* kind and ``data`` the OPT_ID key
    (``packet_recv_error()`` -> ``sock_recv_errqueue()``).
    """

    cmsg_level = _L
    cmsg_type = "PACKET_TX_TIMESTAMP"
    direction = "recv"
