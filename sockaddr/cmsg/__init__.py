"""Control messages (``cmsg(3)``): typed objects ⇄ ``recvmsg``/``sendmsg`` items and buffers.

``socket.recvmsg()`` hands back ``(level, type, data)`` items; a raw
``msg_control`` buffer (from ptrace, strace, a 32-bit process…) is a run of
``struct cmsghdr`` headers, payloads and ``CMSG_ALIGN`` padding.

>>> import socket
>>> from sockaddr import cmsg
>>> msg = cmsg.decode(socket.IPPROTO_IP, 8, bytes.fromhex("01000000 7f000001 7f000001"))
>>> msg
IpPktinfo(ifindex=1, spec_dst='127.0.0.1', addr='127.0.0.1')
>>> cmsg.encode(msg) == (socket.IPPROTO_IP, 8, bytes.fromhex("010000007f0000017f000001"))
True
>>> cmsg.parse(cmsg.build([msg, cmsg.IpTtl(64)]))
[IpPktinfo(ifindex=1, spec_dst='127.0.0.1', addr='127.0.0.1'), IpTtl(ttl=64)]
"""

from __future__ import annotations

from collections.abc import Iterable

from sockaddr import schemas
from sockaddr.abi import ABI
from sockaddr.cmsg import _fast
from sockaddr.cmsg._base import (
    _PLANS,
    ControlMessage,
    RawMessage,
    ScalarMessage,
    StructMessage,
    Truncated,
    Unknown,
    all_forms,
    forms,
    payload_error,
    register,
)
from sockaddr.cmsg.sol_alg import AlgSetAeadAssoclen, AlgSetIv, AlgSetOp
from sockaddr.cmsg.sol_bluetooth import (
    BtScmError,
    BtScmPktSeqnum,
    BtScmPktStatus,
    HciCmsgDir,
    HciCmsgTstamp,
)
from sockaddr.cmsg.sol_dccp import DccpScmPriority
from sockaddr.cmsg.sol_ip import (
    IpChecksum,
    IpOrigDstAddr,
    IpPktinfo,
    IpProtocol,
    IpRecvErr,
    IpRecvFragsize,
    IpRecvOpts,
    IpRetOpts,
    IpSecurity,
    IpTos,
    IpTosInt,
    IpTtl,
)
from sockaddr.cmsg.sol_ipv6 import (
    Ipv6_2292DstOpts,
    Ipv6_2292HopLimit,
    Ipv6_2292HopOpts,
    Ipv6_2292Pktinfo,
    Ipv6_2292Rthdr,
    Ipv6DontFrag,
    Ipv6DstOpts,
    Ipv6FlowInfo,
    Ipv6HopLimit,
    Ipv6HopOpts,
    Ipv6OrigDstAddr,
    Ipv6PathMtu,
    Ipv6Pktinfo,
    Ipv6RecvErr,
    Ipv6RecvFragsize,
    Ipv6Rthdr,
    Ipv6RthdrDstOpts,
    Ipv6Tclass,
)
from sockaddr.cmsg.sol_iucv import ScmIucvTrgcls
from sockaddr.cmsg.sol_j1939 import (
    ScmJ1939DestAddr,
    ScmJ1939DestName,
    ScmJ1939Errqueue,
    ScmJ1939Prio,
)
from sockaddr.cmsg.sol_llc import LlcOptPktinfo
from sockaddr.cmsg.sol_netlink import NetlinkListenAllNsid, NetlinkPktinfo
from sockaddr.cmsg.sol_packet import PacketAuxdata, PacketTxTimestamp
from sockaddr.cmsg.sol_rds import (
    RdsAtomicCswp,
    RdsAtomicFadd,
    RdsCongUpdate,
    RdsMaskedAtomicCswp,
    RdsMaskedAtomicFadd,
    RdsRdmaArgs,
    RdsRdmaDest,
    RdsRdmaMap,
    RdsRdmaStatus,
    RdsRxpathLatency,
    RdsZcopyCompletion,
    RdsZcopyCookie,
)
from sockaddr.cmsg.sol_rxrpc import (
    RxrpcAbort,
    RxrpcAck,
    RxrpcBusy,
    RxrpcChallenged,
    RxrpcChargeAccept,
    RxrpcExclusiveCall,
    RxrpcLocalError,
    RxrpcNetError,
    RxrpcNewCall,
    RxrpcOobId,
    RxrpcRespond,
    RxrpcResponded,
    RxrpcRespRxgkAppdata,
    RxrpcSetCallTimeout,
    RxrpcTxLength,
    RxrpcUpgradeService,
    RxrpcUserCallId,
)
from sockaddr.cmsg.sol_sctp import (
    SctpAuthinfo,
    SctpDstAddrV4,
    SctpDstAddrV6,
    SctpInit,
    SctpNxtinfo,
    SctpPrinfo,
    SctpRcvinfo,
    SctpSndinfo,
    SctpSndrcv,
)
from sockaddr.cmsg.sol_socket import (
    ScmCredentials,
    ScmDevmemDmabuf,
    ScmDevmemDmabufSend,
    ScmDevmemLinear,
    ScmInq,
    ScmPidfd,
    ScmRights,
    ScmSecurity,
    ScmTimestampingOptStats,
    ScmTimestampingPktinfo,
    ScmTsOptId,
    ScmTxtime,
    ScmWifiStatus,
    SoMark,
    SoPriority,
    SoRxqOvfl,
    SoTimestampingNew,
    SoTimestampingOld,
    SoTimestampingSend,
    SoTimestampingSendNew,
    SoTimestampNew,
    SoTimestampNsNew,
    SoTimestampNsOld,
    SoTimestampOld,
)
from sockaddr.cmsg.sol_tcp import TcpCmInq
from sockaddr.cmsg.sol_tipc import TipcDestname, TipcErrinfo, TipcRetdata
from sockaddr.cmsg.sol_tls import TlsGetRecordType, TlsSetRecordType
from sockaddr.cmsg.sol_udp import UdpGro, UdpSegment
from sockaddr.cmsg.sol_vsock import VsockRecvErr

__all__ = [
    "ControlMessage", "RawMessage", "ScalarMessage", "StructMessage", "Truncated", "Unknown",
    "build", "decode", "encode", "header", "parse", "register", "space",
    # SOL_SOCKET
    "ScmCredentials", "ScmDevmemDmabuf", "ScmDevmemDmabufSend", "ScmDevmemLinear", "ScmInq",
    "ScmPidfd", "ScmRights", "ScmSecurity", "ScmTimestampingOptStats", "ScmTimestampingPktinfo",
    "ScmTsOptId", "ScmTxtime", "ScmWifiStatus", "SoMark", "SoPriority", "SoRxqOvfl",
    "SoTimestampNew", "SoTimestampNsNew", "SoTimestampNsOld", "SoTimestampOld",
    "SoTimestampingNew", "SoTimestampingOld", "SoTimestampingSend", "SoTimestampingSendNew",
    # SOL_IP
    "IpChecksum", "IpOrigDstAddr", "IpPktinfo", "IpProtocol", "IpRecvErr", "IpRecvFragsize",
    "IpRecvOpts", "IpRetOpts", "IpSecurity", "IpTos", "IpTosInt", "IpTtl",
    # SOL_IPV6
    "Ipv6DontFrag", "Ipv6DstOpts", "Ipv6FlowInfo", "Ipv6HopLimit", "Ipv6HopOpts",
    "Ipv6OrigDstAddr", "Ipv6PathMtu", "Ipv6Pktinfo", "Ipv6RecvErr", "Ipv6RecvFragsize",
    "Ipv6Rthdr", "Ipv6RthdrDstOpts", "Ipv6Tclass", "Ipv6_2292DstOpts", "Ipv6_2292HopLimit",
    "Ipv6_2292HopOpts", "Ipv6_2292Pktinfo", "Ipv6_2292Rthdr",
    # SOL_TCP, SOL_UDP, SOL_PACKET, SOL_NETLINK
    "NetlinkListenAllNsid", "NetlinkPktinfo", "PacketAuxdata", "PacketTxTimestamp", "TcpCmInq",
    "UdpGro", "UdpSegment",
    # SOL_TLS, SOL_ALG
    "AlgSetAeadAssoclen", "AlgSetIv", "AlgSetOp", "TlsGetRecordType", "TlsSetRecordType",
    # SOL_SCTP
    "SctpAuthinfo", "SctpDstAddrV4", "SctpDstAddrV6", "SctpInit", "SctpNxtinfo", "SctpPrinfo",
    "SctpRcvinfo", "SctpSndinfo", "SctpSndrcv",
    # SOL_RDS
    "RdsAtomicCswp", "RdsAtomicFadd", "RdsCongUpdate", "RdsMaskedAtomicCswp",
    "RdsMaskedAtomicFadd", "RdsRdmaArgs", "RdsRdmaDest", "RdsRdmaMap", "RdsRdmaStatus",
    "RdsRxpathLatency", "RdsZcopyCompletion", "RdsZcopyCookie",
    # SOL_TIPC, SOL_RXRPC
    "TipcDestname", "TipcErrinfo", "TipcRetdata",
    "RxrpcAbort", "RxrpcAck", "RxrpcBusy", "RxrpcChallenged", "RxrpcChargeAccept",
    "RxrpcExclusiveCall", "RxrpcLocalError", "RxrpcNetError", "RxrpcNewCall", "RxrpcOobId",
    "RxrpcRespRxgkAppdata", "RxrpcRespond", "RxrpcResponded", "RxrpcSetCallTimeout",
    "RxrpcTxLength", "RxrpcUpgradeService", "RxrpcUserCallId",
    # SOL_CAN_J1939, SOL_BLUETOOTH / SOL_HCI, SOL_VSOCK
    "ScmJ1939DestAddr", "ScmJ1939DestName", "ScmJ1939Errqueue", "ScmJ1939Prio",
    "BtScmError", "BtScmPktSeqnum", "BtScmPktStatus", "HciCmsgDir", "HciCmsgTstamp",
    "VsockRecvErr",
    # SOL_IUCV, SOL_LLC, SOL_DCCP
    "DccpScmPriority", "LlcOptPktinfo", "ScmIucvTrgcls",
]

Buffer = bytes | bytearray | memoryview


def decode(level: int, type: int, data: Buffer, *, abi: ABI | str | None = None,
           family: int | None = None) -> ControlMessage:
    """One ``recvmsg()`` ancillary item as a typed message (:class:`Unknown` if unregistered).

    Where the kernel takes payloads of several sizes (``IP_TOS``: 1 or 4
    bytes), the size picks the form.  A payload no form takes raises
    :class:`~sockaddr.DecodeError`.  ``family`` disambiguates level 0, which
    is ``SOL_IP`` except on Bluetooth HCI sockets (``SOL_HCI``).
    """
    plan: _fast.Plan = _PLANS.get((abi, family)) or _fast.plan(abi, family)
    return plan.decode(level, type, data if data.__class__ is bytes else bytes(data))


def _decode_reference(level: int, type: int, data: Buffer, *, abi: ABI | str | None = None,
                      family: int | None = None) -> ControlMessage:
    """:func:`decode` one class at a time: what the fast path (``_fast.Plan``) must equal."""
    abi = ABI.get(abi)
    raw = bytes(data)
    candidates = _for_family(forms(level, type, abi), family)
    if not candidates:
        return Unknown(level, type, raw)
    variable = None
    for cls in candidates:
        size = cls.payload_size(abi)
        if size is None:
            variable = variable or cls
        elif size == len(raw):
            return cls.from_payload(raw, abi)
    if variable is not None:
        return variable.from_payload(raw, abi)
    raise payload_error(candidates[0], raw, abi, candidates)


_for_family = _fast.for_family


def encode(message: ControlMessage, *, abi: ABI | str | None = None) -> tuple[int, int, bytes]:
    """The ``(level, type, data)`` item ``socket.sendmsg()`` takes for ``message``."""
    abi = ABI.get(abi)
    if isinstance(message, Unknown | Truncated):
        return message.level, message.type, message.data
    level, type_ = message.numbers(abi)
    return level, type_, message.to_payload(abi)


def header(abi: ABI | str | None = None) -> tuple[int, int]:
    """``(sizeof(struct cmsghdr), CMSG_ALIGN's alignment)`` on ``abi``."""
    layout = schemas.layout("cmsghdr", abi)
    return layout.size, layout.align


def _align(n: int, a: int) -> int:
    return (n + a - 1) & ~(a - 1)


def space(*messages_or_sizes: ControlMessage | int, abi: ABI | str | None = None) -> int:
    """What ``CMSG_SPACE`` sums to for these messages (or payload sizes).

    >>> import socket
    >>> space(12, 4, abi="linux-x86_64") == socket.CMSG_SPACE(12) + socket.CMSG_SPACE(4)
    True
    """
    abi = ABI.get(abi)
    size, align = header(abi)
    total = 0
    for item in messages_or_sizes:
        n = item if isinstance(item, int) else len(encode(item, abi=abi)[2])
        total += _align(size, align) + _align(n, align)
    return total


def build(messages: Iterable[ControlMessage], *, abi: ABI | str | None = None) -> bytes:
    """A raw ``msg_control`` buffer: each header, payload and zeroed ``CMSG_SPACE`` padding."""
    abi = ABI.get(abi)
    fast = schemas.fast("cmsghdr", abi)
    size, align = header(abi)
    out = bytearray()
    for message in messages:
        level, type_, data = encode(message, abi=abi)
        length = message.length if isinstance(message, Truncated) else size + len(data)
        out += fast.pack(length, level, type_) + data
        out += bytes(_align(len(out), align) - len(out))
    return bytes(out)


def parse(buffer: Buffer, *, abi: ABI | str | None = None, truncated: bool = False,
          family: int | None = None) -> list[ControlMessage]:
    """Every message of a raw ``msg_control`` buffer, walked as the kernel and glibc do.

    A ``cmsg_len`` below the header size, one past the end of the buffer, or
    bytes after the last message that cannot hold a header raise
    :class:`~sockaddr.DecodeError` with the offset.  With ``truncated=True``
    (the kernel set ``MSG_CTRUNC``), a last message cut short comes back as
    :class:`Truncated` and a tail too short for a header is allowed.
    """
    plan: _fast.Plan = _PLANS.get((abi, family)) or _fast.plan(abi, family)
    return plan.parse(buffer if type(buffer) is bytes else bytes(buffer), truncated)


def _parse_reference(buffer: Buffer, *, abi: ABI | str | None = None, truncated: bool = False,
                     family: int | None = None) -> list[ControlMessage]:
    """:func:`parse` through :func:`_decode_reference`: what the fast path must equal."""
    abi = ABI.get(abi)
    raw = bytes(buffer)
    hdr = _fast.header(abi)
    out: list[ControlMessage] = []
    offset = 0
    while offset < len(raw):
        offset = _fast.step(raw, offset, out, hdr, truncated=truncated, decode=lambda lv, ty, p:
                            _decode_reference(lv, ty, p, abi=abi, family=family))
    return out


def message_classes() -> list[type[ControlMessage]]:
    """Every registered message class, for tests and documentation."""
    return list(all_forms())

# st.from_type() for our classes when hypothesis is already imported (sockaddr/_hypothesis.py).
if "hypothesis" in __import__("sys").modules:
    from sockaddr._hypothesis import register_loaded

    register_loaded()
