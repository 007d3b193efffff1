"""SOL_IP control messages (ip(7)).  Level 0 is SOL_IP except on Bluetooth HCI sockets."""

from __future__ import annotations

from dataclasses import dataclass

from sockaddr.cmsg._base import RawMessage, ScalarMessage, StructMessage, register
from sockaddr.cmsg._kinds import ExtendedError, SockaddrMessage

__all__ = [
    "IpChecksum", "IpOrigDstAddr", "IpPktinfo", "IpProtocol", "IpRecvErr", "IpRecvFragsize",
    "IpRecvOpts", "IpRetOpts", "IpSecurity", "IpTos", "IpTosInt", "IpTtl",
]

_L = "SOL_IP"


@register
@dataclass(frozen=True)
class IpTos(ScalarMessage):
    """IP_TOS: one byte, as the kernel delivers it (IP_RECVTOS) and as send accepts it."""

    cmsg_level = _L
    cmsg_type = "IP_TOS"
    payload = "u8"
    tos: int


@register
@dataclass(frozen=True)
class IpTosInt(ScalarMessage):
    """IP_TOS as an ``int``, the other size ``sendmsg`` accepts."""

    cmsg_level = _L
    cmsg_type = "IP_TOS"
    direction = "send"
    payload = "int"
    tos: int


@register
@dataclass(frozen=True)
class IpTtl(ScalarMessage):
    """IP_TTL: an ``int`` both ways (send: exactly 4 bytes, 1..255)."""

    cmsg_level = _L
    cmsg_type = "IP_TTL"
    payload = "int"
    ttl: int


@register
@dataclass(frozen=True)
class IpSecurity(RawMessage):
    """SCM_SECURITY at SOL_IP (IP_PASSSEC): the LSM context of the packet."""

    cmsg_level = _L
    cmsg_type = "SCM_SECURITY"
    direction = "recv"
    data: bytes


@register
@dataclass(frozen=True)
class IpRecvOpts(RawMessage):
    """IP_RECVOPTS: the IPv4 options as received (raw wire bytes)."""

    cmsg_level = _L
    cmsg_type = "IP_RECVOPTS"
    direction = "recv"
    data: bytes


@register
@dataclass(frozen=True)
class IpRetOpts(RawMessage):
    """IP_RETOPTS: options reversed for a reply (receive), or options to send."""

    cmsg_level = _L
    cmsg_type = "IP_RETOPTS"
    data: bytes


@register
@dataclass(frozen=True)
class IpPktinfo(StructMessage):
    """IP_PKTINFO: ``struct in_pktinfo`` (interface index, local and header destination)."""

    cmsg_level = _L
    cmsg_type = "IP_PKTINFO"
    payload = "in_pktinfo"
    prefix = "ipi_"
    ifindex: int
    spec_dst: str
    addr: str


@register
@dataclass(frozen=True)
class IpRecvErr(ExtendedError):
    """IP_RECVERR: ``struct sock_extended_err`` and the offending ``sockaddr_in``."""

    cmsg_level = _L
    cmsg_type = "IP_RECVERR"
    direction = "recv"
    offender_struct = "sockaddr_in"
    offender: object = None


@register
@dataclass(frozen=True)
class IpOrigDstAddr(SockaddrMessage):
    """IP_ORIGDSTADDR: the original destination (``sockaddr_in``), e.g. under TPROXY."""

    cmsg_level = _L
    cmsg_type = "IP_ORIGDSTADDR"
    direction = "recv"
    payload = "sockaddr_in"
    address: object     # (host, port); a Sockaddr record for other bytes (read_sockaddr)


@register
@dataclass(frozen=True)
class IpChecksum(ScalarMessage):
    """IP_CHECKSUM: the payload's unfolded partial checksum (``__wsum``, host arithmetic)."""

    cmsg_level = _L
    cmsg_type = "IP_CHECKSUM"
    direction = "recv"
    payload = "u32"
    csum: int


@register
@dataclass(frozen=True)
class IpRecvFragsize(ScalarMessage):
    """IP_RECVFRAGSIZE: the largest fragment of a reassembled datagram."""

    cmsg_level = _L
    cmsg_type = "IP_RECVFRAGSIZE"
    direction = "recv"
    payload = "int"
    size: int


@register
@dataclass(frozen=True)
class IpProtocol(ScalarMessage):
    """IP_PROTOCOL (Linux 6.3): the protocol used for routing a raw packet (int, 1..255)."""

    cmsg_level = _L
    cmsg_type = "IP_PROTOCOL"
    direction = "send"
    payload = "int"
    protocol: int
