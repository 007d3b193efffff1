"""SOL_LLC control messages (AF_LLC, net/llc/af_llc.c)."""

from __future__ import annotations

from dataclasses import dataclass

from sockaddr.cmsg._base import register
from sockaddr.cmsg._shapes import PaddedStruct

__all__ = ["LlcOptPktinfo"]


@register
@dataclass(frozen=True)
class LlcOptPktinfo(PaddedStruct):
    """LLC_OPT_PKTINFO: ``struct llc_pktinfo`` (12 bytes, 1 of tail padding).

    The receiving interface, the frame's destination SAP and destination
    MAC (6 bytes).  Turned on with ``setsockopt(SOL_LLC, LLC_OPT_PKTINFO, 1)``;
    ``llc_cmsg_rcv()`` zeroes the struct before filling it.
    """

    cmsg_level = "SOL_LLC"
    cmsg_type = "LLC_OPT_PKTINFO"
    direction = "recv"
    payload = "llc_pktinfo"
    prefix = "lpi_"
    ifindex: int
    sap: int
    mac: bytes
