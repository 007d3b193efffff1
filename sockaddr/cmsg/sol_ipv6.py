"""SOL_IPV6 control messages (ipv6(7); RFC 3542, with RFC 2292's older numbers)."""

from __future__ import annotations

from dataclasses import dataclass

from sockaddr.cmsg._base import RawMessage, ScalarMessage, StructMessage, register
from sockaddr.cmsg._kinds import ExtendedError, SockaddrMessage

__all__ = [
    "Ipv6DontFrag", "Ipv6DstOpts", "Ipv6FlowInfo", "Ipv6HopLimit", "Ipv6HopOpts",
    "Ipv6OrigDstAddr", "Ipv6PathMtu", "Ipv6Pktinfo", "Ipv6RecvErr", "Ipv6RecvFragsize",
    "Ipv6Rthdr", "Ipv6RthdrDstOpts", "Ipv6Tclass", "Ipv6_2292DstOpts", "Ipv6_2292HopLimit",
    "Ipv6_2292HopOpts", "Ipv6_2292Pktinfo", "Ipv6_2292Rthdr",
]

_L = "SOL_IPV6"


@register
@dataclass(frozen=True)
class Ipv6Pktinfo(StructMessage):
    """IPV6_PKTINFO: ``struct in6_pktinfo`` (address, interface index)."""

    cmsg_level = _L
    cmsg_type = "IPV6_PKTINFO"
    payload = "in6_pktinfo"
    prefix = "ipi6_"
    addr: str
    ifindex: int


@register
@dataclass(frozen=True)
class Ipv6_2292Pktinfo(StructMessage):  # noqa: N801 - the C name
    """IPV6_2292PKTINFO: RFC 2292's number for ``struct in6_pktinfo``."""

    cmsg_level = _L
    cmsg_type = "IPV6_2292PKTINFO"
    payload = "in6_pktinfo"
    prefix = "ipi6_"
    addr: str
    ifindex: int


@register
@dataclass(frozen=True)
class Ipv6HopLimit(ScalarMessage):
    """IPV6_HOPLIMIT: an ``int`` (send: -1..255)."""

    cmsg_level = _L
    cmsg_type = "IPV6_HOPLIMIT"
    payload = "int"
    hoplimit: int


@register
@dataclass(frozen=True)
class Ipv6_2292HopLimit(ScalarMessage):  # noqa: N801 - the C name
    """IPV6_2292HOPLIMIT: RFC 2292's hop limit, an ``int``."""

    cmsg_level = _L
    cmsg_type = "IPV6_2292HOPLIMIT"
    payload = "int"
    hoplimit: int


@register
@dataclass(frozen=True)
class Ipv6Tclass(ScalarMessage):
    """IPV6_TCLASS: an ``int`` both ways (unlike IP_TOS)."""

    cmsg_level = _L
    cmsg_type = "IPV6_TCLASS"
    payload = "int"
    tclass: int


@register
@dataclass(frozen=True)
class Ipv6FlowInfo(ScalarMessage):
    """IPV6_FLOWINFO: ``__be32`` traffic class and flow label (network order)."""

    cmsg_level = _L
    cmsg_type = "IPV6_FLOWINFO"
    payload = "be32"
    flowinfo: int


@register
@dataclass(frozen=True)
class Ipv6RecvErr(ExtendedError):
    """IPV6_RECVERR: ``struct sock_extended_err`` and the offending ``sockaddr_in6``."""

    cmsg_level = _L
    cmsg_type = "IPV6_RECVERR"
    direction = "recv"
    offender_struct = "sockaddr_in6"
    offender: object = None


@register
@dataclass(frozen=True)
class Ipv6OrigDstAddr(SockaddrMessage):
    """IPV6_ORIGDSTADDR: the original destination (``sockaddr_in6``)."""

    cmsg_level = _L
    cmsg_type = "IPV6_ORIGDSTADDR"
    direction = "recv"
    payload = "sockaddr_in6"
    address: object     # (host, port, flowinfo, scope_id); a Sockaddr record for other bytes


@register
@dataclass(frozen=True)
class Ipv6PathMtu(StructMessage):
    """IPV6_PATHMTU: ``struct ip6_mtuinfo`` (destination as a sockaddr_in6 value, path MTU)."""

    cmsg_level = _L
    cmsg_type = "IPV6_PATHMTU"
    direction = "recv"
    payload = "ip6_mtuinfo"
    prefix = "ip6m_"
    addr: tuple[str, int, int, int]
    mtu: int


@register
@dataclass(frozen=True)
class Ipv6DontFrag(ScalarMessage):
    """IPV6_DONTFRAG: an ``int`` flag for this packet."""

    cmsg_level = _L
    cmsg_type = "IPV6_DONTFRAG"
    direction = "send"
    payload = "int"
    dontfrag: int


@register
@dataclass(frozen=True)
class Ipv6RecvFragsize(ScalarMessage):
    """IPV6_RECVFRAGSIZE: the largest fragment of a reassembled datagram."""

    cmsg_level = _L
    cmsg_type = "IPV6_RECVFRAGSIZE"
    direction = "recv"
    payload = "int"
    size: int


@register
@dataclass(frozen=True)
class Ipv6HopOpts(RawMessage):
    """IPV6_HOPOPTS: the hop-by-hop options header, raw (send needs CAP_NET_RAW)."""

    cmsg_level = _L
    cmsg_type = "IPV6_HOPOPTS"
    data: bytes


@register
@dataclass(frozen=True)
class Ipv6DstOpts(RawMessage):
    """IPV6_DSTOPTS: a destination options header, raw."""

    cmsg_level = _L
    cmsg_type = "IPV6_DSTOPTS"
    data: bytes


@register
@dataclass(frozen=True)
class Ipv6Rthdr(RawMessage):
    """IPV6_RTHDR: the routing header, raw."""

    cmsg_level = _L
    cmsg_type = "IPV6_RTHDR"
    data: bytes


@register
@dataclass(frozen=True)
class Ipv6RthdrDstOpts(RawMessage):
    """IPV6_RTHDRDSTOPTS: destination options placed before the routing header."""

    cmsg_level = _L
    cmsg_type = "IPV6_RTHDRDSTOPTS"
    direction = "send"
    data: bytes


@register
@dataclass(frozen=True)
class Ipv6_2292HopOpts(RawMessage):  # noqa: N801 - the C name
    """IPV6_2292HOPOPTS: RFC 2292's number for the hop-by-hop options."""

    cmsg_level = _L
    cmsg_type = "IPV6_2292HOPOPTS"
    data: bytes


@register
@dataclass(frozen=True)
class Ipv6_2292DstOpts(RawMessage):  # noqa: N801 - the C name
    """IPV6_2292DSTOPTS: RFC 2292's number for destination options."""

    cmsg_level = _L
    cmsg_type = "IPV6_2292DSTOPTS"
    data: bytes


@register
@dataclass(frozen=True)
class Ipv6_2292Rthdr(RawMessage):  # noqa: N801 - the C name
    """IPV6_2292RTHDR: RFC 2292's number for the routing header."""

    cmsg_level = _L
    cmsg_type = "IPV6_2292RTHDR"
    data: bytes
