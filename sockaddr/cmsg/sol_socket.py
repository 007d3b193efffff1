"""SOL_SOCKET control messages (socket(7), unix(7), so_timestamping)."""

from __future__ import annotations

from dataclasses import dataclass

from sockaddr.abi import ABI
from sockaddr.cmsg._base import RawMessage, ScalarMessage, StructMessage, register
from sockaddr.cmsg._kinds import FdArray, TimeMessage, nlattrs

__all__ = [
    "ScmCredentials", "ScmDevmemDmabuf", "ScmDevmemDmabufSend", "ScmDevmemLinear", "ScmInq",
    "ScmPidfd", "ScmRights", "ScmSecurity", "ScmTimestampingOptStats", "ScmTimestampingPktinfo",
    "ScmTsOptId", "ScmTxtime", "ScmWifiStatus", "SoMark", "SoPriority", "SoRxqOvfl",
    "SoTimestampNew", "SoTimestampNsNew", "SoTimestampNsOld", "SoTimestampOld",
    "SoTimestampingNew", "SoTimestampingOld", "SoTimestampingSend", "SoTimestampingSendNew",
]

_S = "SOL_SOCKET"


@register
@dataclass(frozen=True)
class ScmRights(FdArray):
    """SCM_RIGHTS: file descriptors (numbers in the receiver; meaningless in a capture)."""

    cmsg_level = _S
    cmsg_type = "SCM_RIGHTS"
    fds: tuple[int, ...]


@register
@dataclass(frozen=True)
class ScmCredentials(StructMessage):
    """SCM_CREDENTIALS: ``struct ucred``."""

    cmsg_level = _S
    cmsg_type = "SCM_CREDENTIALS"
    payload = "ucred"
    pid: int
    uid: int
    gid: int


@register
@dataclass(frozen=True)
class ScmSecurity(RawMessage):
    """SCM_SECURITY: the peer's LSM security context, as the LSM wrote it."""

    cmsg_level = _S
    cmsg_type = "SCM_SECURITY"
    direction = "recv"
    data: bytes


@register
@dataclass(frozen=True)
class ScmPidfd(ScalarMessage):
    """SCM_PIDFD (Linux 6.5): a pidfd of the sender, new in the receiver."""

    cmsg_level = _S
    cmsg_type = "SCM_PIDFD"
    direction = "recv"
    payload = "int"
    pidfd: int


@register
@dataclass(frozen=True)
class SoPriority(ScalarMessage):
    """SO_PRIORITY: the packet's priority (send; received with SO_RCVPRIORITY)."""

    cmsg_level = _S
    cmsg_type = "SO_PRIORITY"
    payload = "u32"
    priority: int


@register
@dataclass(frozen=True)
class SoMark(ScalarMessage):
    """SO_MARK: the packet's fwmark (send needs CAP_NET_RAW/ADMIN; received with SO_RCVMARK)."""

    cmsg_level = _S
    cmsg_type = "SO_MARK"
    payload = "u32"
    mark: int


@register
@dataclass(frozen=True)
class SoRxqOvfl(ScalarMessage):
    """SO_RXQ_OVFL: packets dropped before this one (present only when non-zero)."""

    cmsg_level = _S
    cmsg_type = "SO_RXQ_OVFL"
    direction = "recv"
    payload = "u32"
    drops: int


@register
@dataclass(frozen=True)
class ScmWifiStatus(ScalarMessage):
    """SCM_WIFI_STATUS: whether the frame was acked (mac80211, error queue)."""

    cmsg_level = _S
    cmsg_type = "SCM_WIFI_STATUS"
    direction = "recv"
    payload = "int"
    status: int


@register
@dataclass(frozen=True)
class ScmInq(ScalarMessage):
    """SCM_INQ: bytes left in an AF_UNIX stream's receive queue (SO_INQ)."""

    cmsg_level = _S
    cmsg_type = "SCM_INQ"
    direction = "recv"
    payload = "int"
    inq: int


@register
@dataclass(frozen=True)
class ScmTsOptId(ScalarMessage):
    """SCM_TS_OPT_ID (Linux 6.13): the id reported back in ``ee_data``."""

    cmsg_level = _S
    cmsg_type = "SCM_TS_OPT_ID"
    direction = "send"
    payload = "u32"
    id: int


@register
@dataclass(frozen=True)
class ScmTxtime(ScalarMessage):
    """SCM_TXTIME: the launch time in ns of the clock set with SO_TXTIME."""

    cmsg_level = _S
    cmsg_type = "SCM_TXTIME"
    direction = "send"
    payload = "u64"
    txtime: int


@register
@dataclass(frozen=True)
class SoTimestampOld(TimeMessage):
    """SO_TIMESTAMP_OLD (SCM_TIMESTAMP): ``struct timeval`` of longs (8 bytes on ILP32)."""

    cmsg_level = _S
    cmsg_type = "SO_TIMESTAMP_OLD"
    direction = "recv"
    payload = "__kernel_old_timeval"
    sec: int
    usec: int


@register
@dataclass(frozen=True)
class SoTimestampNsOld(TimeMessage):
    """SO_TIMESTAMPNS_OLD (SCM_TIMESTAMPNS): ``struct timespec`` of longs."""

    cmsg_level = _S
    cmsg_type = "SO_TIMESTAMPNS_OLD"
    direction = "recv"
    payload = "__kernel_old_timespec"
    sec: int
    nsec: int


@register
@dataclass(frozen=True)
class SoTimestampNew(TimeMessage):
    """SO_TIMESTAMP_NEW: ``struct __kernel_sock_timeval``, 64-bit on every ABI."""

    cmsg_level = _S
    cmsg_type = "SO_TIMESTAMP_NEW"
    direction = "recv"
    payload = "__kernel_sock_timeval"
    sec: int
    usec: int


@register
@dataclass(frozen=True)
class SoTimestampNsNew(TimeMessage):
    """SO_TIMESTAMPNS_NEW: ``struct __kernel_timespec``, 64-bit on every ABI."""

    cmsg_level = _S
    cmsg_type = "SO_TIMESTAMPNS_NEW"
    direction = "recv"
    payload = "__kernel_timespec"
    sec: int
    nsec: int


@register
@dataclass(frozen=True)
class SoTimestampingOld(StructMessage):
    """SO_TIMESTAMPING_OLD (SCM_TIMESTAMPING): ``ts`` = (software, legacy, raw hardware).

    Each is ``(sec, nsec)``; 48 bytes on LP64, 24 on ILP32.
    """

    cmsg_level = _S
    cmsg_type = "SO_TIMESTAMPING_OLD"
    direction = "recv"
    payload = "scm_timestamping"
    ts: tuple[tuple[int, int], ...]


@register
@dataclass(frozen=True)
class SoTimestampingNew(StructMessage):
    """SO_TIMESTAMPING_NEW: ``struct scm_timestamping64``, 48 bytes on every ABI."""

    cmsg_level = _S
    cmsg_type = "SO_TIMESTAMPING_NEW"
    direction = "recv"
    payload = "scm_timestamping64"
    ts: tuple[tuple[int, int], ...]


@register
@dataclass(frozen=True)
class SoTimestampingSend(ScalarMessage):
    """SO_TIMESTAMPING_OLD on send: the SOF_TIMESTAMPING_TX_* flags for this packet."""

    cmsg_level = _S
    cmsg_type = "SO_TIMESTAMPING_OLD"
    direction = "send"
    payload = "u32"
    flags: int


@register
@dataclass(frozen=True)
class SoTimestampingSendNew(ScalarMessage):
    """SO_TIMESTAMPING_NEW on send: the SOF_TIMESTAMPING_TX_* flags for this packet."""

    cmsg_level = _S
    cmsg_type = "SO_TIMESTAMPING_NEW"
    direction = "send"
    payload = "u32"
    flags: int


@register
@dataclass(frozen=True)
class ScmTimestampingOptStats(RawMessage):
    """SCM_TIMESTAMPING_OPT_STATS: netlink attributes (TCP_NLA_*, J1939_NLA_*)."""

    cmsg_level = _S
    cmsg_type = "SCM_TIMESTAMPING_OPT_STATS"
    direction = "recv"
    data: bytes

    def attributes(self, abi: ABI | str | None = None) -> list[tuple[int, bytes]]:
        """The attributes as ``(nla_type, payload)``."""
        return nlattrs(self.data, ABI.get(abi))


@register
@dataclass(frozen=True)
class ScmTimestampingPktinfo(StructMessage):
    """SCM_TIMESTAMPING_PKTINFO: ``struct scm_ts_pktinfo`` (hardware rx timestamps)."""

    cmsg_level = _S
    cmsg_type = "SCM_TIMESTAMPING_PKTINFO"
    direction = "recv"
    payload = "scm_ts_pktinfo"
    if_index: int
    pkt_length: int
    reserved: tuple[int, ...]


@register
@dataclass(frozen=True)
class ScmDevmemLinear(StructMessage):
    """SCM_DEVMEM_LINEAR (Linux 6.12): ``struct dmabuf_cmsg``, a fragment in the linear buffer."""

    cmsg_level = _S
    cmsg_type = "SCM_DEVMEM_LINEAR"
    direction = "recv"
    payload = "dmabuf_cmsg"
    frag_offset: int
    frag_size: int
    frag_token: int
    dmabuf_id: int
    flags: int


@register
@dataclass(frozen=True)
class ScmDevmemDmabuf(StructMessage):
    """SCM_DEVMEM_DMABUF (Linux 6.12): ``struct dmabuf_cmsg``, a fragment in a dmabuf."""

    cmsg_level = _S
    cmsg_type = "SCM_DEVMEM_DMABUF"
    direction = "recv"
    payload = "dmabuf_cmsg"
    frag_offset: int
    frag_size: int
    frag_token: int
    dmabuf_id: int
    flags: int


@register
@dataclass(frozen=True)
class ScmDevmemDmabufSend(ScalarMessage):
    """SCM_DEVMEM_DMABUF on send (devmem TX): the dmabuf id."""

    cmsg_level = _S
    cmsg_type = "SCM_DEVMEM_DMABUF"
    direction = "send"
    payload = "u32"
    dmabuf_id: int
