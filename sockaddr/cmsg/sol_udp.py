"""SOL_UDP control messages (udp(7)): UDP_SEGMENT on send, UDP_GRO on receive."""

from __future__ import annotations

from dataclasses import dataclass

from sockaddr.cmsg._base import ScalarMessage, register

__all__ = ["UdpGro", "UdpSegment"]

_L = "SOL_UDP"


@register
@dataclass(frozen=True)
class UdpSegment(ScalarMessage):
    """UDP_SEGMENT (Linux 4.18): the ``__u16`` GSO segment size for this send.

    ``udp_cmsg_send()`` takes exactly ``CMSG_LEN(2)``: an ``int`` payload is
    EINVAL.  The kernel splits the datagram into segments of ``gso_size``
    bytes (the last one shorter).
    """

    cmsg_level = _L
    cmsg_type = "UDP_SEGMENT"
    direction = "send"
    payload = "u16"
    gso_size: int


@register
@dataclass(frozen=True)
class UdpGro(ScalarMessage):
    """UDP_GRO (Linux 5.0): an ``int``, the segment size of a coalesced datagram.

    Delivered (``udp_cmsg_recv()``) when the socket has ``UDP_GRO`` on and the
    datagram is a GRO/GSO aggregate; read it as ``gso_size``.
    """

    cmsg_level = _L
    cmsg_type = "UDP_GRO"
    direction = "recv"
    payload = "int"
    gso_size: int
