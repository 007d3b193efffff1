"""SOL_NETLINK control messages (netlink(7)): NETLINK_PKTINFO, NETLINK_LISTEN_ALL_NSID."""

from __future__ import annotations

from dataclasses import dataclass

from sockaddr.cmsg._base import ScalarMessage, StructMessage, register

__all__ = ["NetlinkListenAllNsid", "NetlinkPktinfo"]

_L = "SOL_NETLINK"


@register
@dataclass(frozen=True)
class NetlinkPktinfo(StructMessage):
    """NETLINK_PKTINFO: ``struct nl_pktinfo``, the multicast group a message came on.

    ``group`` is the group's number (RTNLGRP_IPV4_IFADDR = 5), not the
    ``nl_groups`` bit mask; 0 for a unicast message.
    """

    cmsg_level = _L
    cmsg_type = "NETLINK_PKTINFO"
    direction = "recv"
    payload = "nl_pktinfo"
    group: int


@register
@dataclass(frozen=True)
class NetlinkListenAllNsid(ScalarMessage):
    """NETLINK_LISTEN_ALL_NSID (Linux 4.2): an ``int``, the id of the network namespace
    a broadcast came from, as the listener's namespace numbers it (RTM_NEWNSID).

    Present only when that namespace has an id (``netlink_cmsg_listen_all_nsid()``).
    """

    cmsg_level = _L
    cmsg_type = "NETLINK_LISTEN_ALL_NSID"
    direction = "recv"
    payload = "int"
    nsid: int
