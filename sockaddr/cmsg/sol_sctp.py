"""SOL_SCTP control messages (RFC 6458 section 5; <linux/sctp.h>).

``sctp_msghdr_parse()`` (net/sctp/socket.c) takes each send payload only at
exactly ``sizeof`` its struct.  On receive, the kernel zeroes the structs
before filling them (net/sctp/ulpevent.c), so their padding is zero; a payload
with other padding bytes still encodes back to itself (see
:class:`~sockaddr.cmsg._shapes.PaddedStruct`).  ``assoc_id`` is
``sctp_assoc_t``, a signed 32-bit integer.
"""

from __future__ import annotations

from dataclasses import dataclass

from sockaddr.cmsg._base import register
from sockaddr.cmsg._shapes import AddressMessage, PaddedStruct

__all__ = [
    "SctpAuthinfo", "SctpDstAddrV4", "SctpDstAddrV6", "SctpInit", "SctpNxtinfo", "SctpPrinfo",
    "SctpRcvinfo", "SctpSndinfo", "SctpSndrcv",
]

_L = "SOL_SCTP"


@register
@dataclass(frozen=True)
class SctpInit(PaddedStruct):
    """SCTP_INIT: ``struct sctp_initmsg``, the parameters of an implicitly set up association."""

    cmsg_level = _L
    cmsg_type = "SCTP_INIT"
    direction = "send"
    payload = "sctp_initmsg"
    prefix = "sinit_"
    num_ostreams: int
    max_instreams: int
    max_attempts: int
    max_init_timeo: int


@register
@dataclass(frozen=True)
class SctpSndrcv(PaddedStruct):
    """SCTP_SNDRCV: ``struct sctp_sndrcvinfo`` (32 bytes, 2 of padding after ``flags``).

    Sent to set a message's stream, flags (SCTP_UNORDERED...), ppid, context
    and lifetime; received with the deprecated SCTP_EVENTS ``data_io_event``.
    ``ppid`` is passed through unchanged (by convention in network order).
    """

    cmsg_level = _L
    cmsg_type = "SCTP_SNDRCV"
    payload = "sctp_sndrcvinfo"
    prefix = "sinfo_"
    stream: int
    ssn: int
    flags: int
    ppid: int
    context: int
    timetolive: int
    tsn: int
    cumtsn: int
    assoc_id: int


@register
@dataclass(frozen=True)
class SctpSndinfo(PaddedStruct):
    """SCTP_SNDINFO: ``struct sctp_sndinfo``, RFC 6458's replacement of SCTP_SNDRCV on send."""

    cmsg_level = _L
    cmsg_type = "SCTP_SNDINFO"
    direction = "send"
    payload = "sctp_sndinfo"
    prefix = "snd_"
    sid: int
    flags: int
    ppid: int
    context: int
    assoc_id: int


@register
@dataclass(frozen=True)
class SctpRcvinfo(PaddedStruct):
    """SCTP_RCVINFO: ``struct sctp_rcvinfo`` (28 bytes), with SCTP_RECVRCVINFO on."""

    cmsg_level = _L
    cmsg_type = "SCTP_RCVINFO"
    direction = "recv"
    payload = "sctp_rcvinfo"
    prefix = "rcv_"
    sid: int
    ssn: int
    flags: int
    ppid: int
    tsn: int
    cumtsn: int
    context: int
    assoc_id: int


@register
@dataclass(frozen=True)
class SctpNxtinfo(PaddedStruct):
    """SCTP_NXTINFO: ``struct sctp_nxtinfo``, the message queued after this one.

    Turned on with SCTP_RECVNXTINFO.
    """

    cmsg_level = _L
    cmsg_type = "SCTP_NXTINFO"
    direction = "recv"
    payload = "sctp_nxtinfo"
    prefix = "nxt_"
    sid: int
    flags: int
    ppid: int
    length: int
    assoc_id: int


@register
@dataclass(frozen=True)
class SctpPrinfo(PaddedStruct):
    """SCTP_PRINFO: ``struct sctp_prinfo`` (8 bytes), a PR-SCTP policy and its value.

    ``policy`` is SCTP_PR_SCTP_NONE, _TTL, _RTX or _PRIO.
    """

    cmsg_level = _L
    cmsg_type = "SCTP_PRINFO"
    direction = "send"
    payload = "sctp_prinfo"
    prefix = "pr_"
    policy: int
    value: int


@register
@dataclass(frozen=True)
class SctpAuthinfo(PaddedStruct):
    """SCTP_AUTHINFO: ``struct sctp_authinfo``, the shared key number to authenticate with."""

    cmsg_level = _L
    cmsg_type = "SCTP_AUTHINFO"
    direction = "send"
    payload = "sctp_authinfo"
    prefix = "auth_"
    keynumber: int


@register
@dataclass(frozen=True)
class SctpDstAddrV4(AddressMessage):
    """SCTP_DSTADDRV4: a ``struct in_addr``, the peer address to send this message to."""

    cmsg_level = _L
    cmsg_type = "SCTP_DSTADDRV4"
    direction = "send"
    payload = "in_addr"
    addr: str


@register
@dataclass(frozen=True)
class SctpDstAddrV6(AddressMessage):
    """SCTP_DSTADDRV6: a ``struct in6_addr``, the peer address to send this message to."""

    cmsg_level = _L
    cmsg_type = "SCTP_DSTADDRV6"
    direction = "send"
    payload = "in6_addr"
    addr: str
