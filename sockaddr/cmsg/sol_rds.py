"""SOL_RDS control messages (rds(7), rds-rdma(7); <linux/rds.h>).

``sendmsg()`` takes the RDMA and atomic requests (``rds_cmsg_send()``,
net/rds/send.c); ``recvmsg()`` reports RDMA completions, congestion updates,
the receive path latency and zerocopy completions (net/rds/recv.c).  The
structs are made of ``__u64``: their size and padding follow the ABI's u64
alignment (``rds_rdma_notify`` is 16 bytes on x86_64, 12 on i386).  A 32-bit
process on a 64-bit kernel gets the kernel's layout: RDS has no compat
conversion, so decode such a capture with the 64-bit ABI.
"""

from __future__ import annotations

from dataclasses import dataclass

from sockaddr.cmsg._base import ScalarMessage, register
from sockaddr.cmsg._shapes import ArmStruct, PaddedStruct

__all__ = [
    "RdsAtomicCswp", "RdsAtomicFadd", "RdsCongUpdate", "RdsMaskedAtomicCswp",
    "RdsMaskedAtomicFadd", "RdsRdmaArgs", "RdsRdmaDest", "RdsRdmaMap", "RdsRdmaStatus",
    "RdsRxpathLatency", "RdsZcopyCompletion", "RdsZcopyCookie",
]

_L = "SOL_RDS"


@register
@dataclass(frozen=True)
class RdsRdmaArgs(PaddedStruct):
    """RDS_CMSG_RDMA_ARGS: ``struct rds_rdma_args``, an RDMA to do with this message.

    ``remote_vec`` is ``(addr, bytes)`` (``struct rds_iovec``);
    ``local_vec_addr`` the address of ``nr_local`` iovecs in the sender.
    """

    cmsg_level = _L
    cmsg_type = "RDS_CMSG_RDMA_ARGS"
    direction = "send"
    payload = "rds_rdma_args"
    cookie: int
    remote_vec: tuple[int, int]
    local_vec_addr: int
    nr_local: int
    flags: int
    user_token: int


@register
@dataclass(frozen=True)
class RdsRdmaDest(ScalarMessage):
    """RDS_CMSG_RDMA_DEST: an ``rds_rdma_cookie_t`` (``__u64``), the MR a peer may RDMA to."""

    cmsg_level = _L
    cmsg_type = "RDS_CMSG_RDMA_DEST"
    payload = "rds_rdma_cookie_t"
    cookie: int


@register
@dataclass(frozen=True)
class RdsRdmaMap(PaddedStruct):
    """RDS_CMSG_RDMA_MAP: ``struct rds_get_mr_args``, register ``vec`` for this message."""

    cmsg_level = _L
    cmsg_type = "RDS_CMSG_RDMA_MAP"
    direction = "send"
    payload = "rds_get_mr_args"
    vec: tuple[int, int]
    cookie_addr: int
    flags: int


@register
@dataclass(frozen=True)
class RdsRdmaStatus(PaddedStruct):
    """RDS_CMSG_RDMA_STATUS: ``struct rds_rdma_notify``, an RDMA's outcome (RDS_RDMA_SUCCESS...).

    16 bytes where ``__u64`` is 8-aligned (4 of them tail padding), 12 on i386.
    """

    cmsg_level = _L
    cmsg_type = "RDS_CMSG_RDMA_STATUS"
    direction = "recv"
    payload = "rds_rdma_notify"
    user_token: int
    status: int


@register
@dataclass(frozen=True)
class RdsCongUpdate(ScalarMessage):
    """RDS_CMSG_CONG_UPDATE: a ``__u64`` bit map of the ports whose congestion cleared."""

    cmsg_level = _L
    cmsg_type = "RDS_CMSG_CONG_UPDATE"
    direction = "recv"
    payload = "u64"
    mask: int


class _Atomic(ArmStruct):
    # struct rds_atomic_args: the anonymous union is declared by its m_cswp arm;
    # each message type reads the union through its own arm.
    cmsg_level = _L
    direction = "send"
    payload = "rds_atomic_args"
    member = "m_cswp"


@register
@dataclass(frozen=True)
class RdsAtomicFadd(_Atomic):
    """RDS_CMSG_ATOMIC_FADD: ``struct rds_atomic_args`` through its ``fadd`` arm (fetch-and-add)."""

    cmsg_type = "RDS_CMSG_ATOMIC_FADD"
    arm = "rds_atomic_fadd"
    cookie: int
    local_addr: int
    remote_addr: int
    add: int
    flags: int
    user_token: int


@register
@dataclass(frozen=True)
class RdsAtomicCswp(_Atomic):
    """RDS_CMSG_ATOMIC_CSWP: ``struct rds_atomic_args`` through its ``cswp`` arm."""

    cmsg_type = "RDS_CMSG_ATOMIC_CSWP"
    arm = "rds_atomic_cswp"
    cookie: int
    local_addr: int
    remote_addr: int
    compare: int
    swap: int
    flags: int
    user_token: int


@register
@dataclass(frozen=True)
class RdsMaskedAtomicFadd(_Atomic):
    """RDS_CMSG_MASKED_ATOMIC_FADD: ``struct rds_atomic_args`` through its ``m_fadd`` arm."""

    cmsg_type = "RDS_CMSG_MASKED_ATOMIC_FADD"
    arm = "rds_atomic_m_fadd"
    cookie: int
    local_addr: int
    remote_addr: int
    add: int
    nocarry_mask: int
    flags: int
    user_token: int


@register
@dataclass(frozen=True)
class RdsMaskedAtomicCswp(_Atomic):
    """RDS_CMSG_MASKED_ATOMIC_CSWP: ``struct rds_atomic_args`` through its ``m_cswp`` arm."""

    cmsg_type = "RDS_CMSG_MASKED_ATOMIC_CSWP"
    arm = "rds_atomic_m_cswp"
    cookie: int
    local_addr: int
    remote_addr: int
    compare: int
    swap: int
    compare_mask: int
    swap_mask: int
    flags: int
    user_token: int


@register
@dataclass(frozen=True)
class RdsRxpathLatency(PaddedStruct):
    """RDS_CMSG_RXPATH_LATENCY: ``struct rds_cmsg_rx_trace`` (SO_RDS_MSG_RXPATH_LATENCY on).

    ``rx_trace_pos`` holds ``rx_traces`` trace points (RDS_MSG_RX_*) as bytes,
    ``rx_trace`` the nanoseconds between each and the next.  32 bytes where
    ``__u64`` is 8-aligned (4 of padding after ``rx_trace_pos``), 28 on i386.
    """

    cmsg_level = _L
    cmsg_type = "RDS_CMSG_RXPATH_LATENCY"
    direction = "recv"
    payload = "rds_cmsg_rx_trace"
    rx_traces: int
    rx_trace_pos: bytes
    rx_trace: tuple[int, int, int]


@register
@dataclass(frozen=True)
class RdsZcopyCookie(ScalarMessage):
    """RDS_CMSG_ZCOPY_COOKIE: a ``__u32`` cookie reported when this MSG_ZEROCOPY send completes."""

    cmsg_level = _L
    cmsg_type = "RDS_CMSG_ZCOPY_COOKIE"
    direction = "send"
    payload = "u32"
    cookie: int


@register
@dataclass(frozen=True)
class RdsZcopyCompletion(PaddedStruct):
    """RDS_CMSG_ZCOPY_COMPLETION: ``struct rds_zcopy_cookies``.

    The first ``num`` of ``cookies`` are the RDS_CMSG_ZCOPY_COOKIE of completed sends.
    """

    cmsg_level = _L
    cmsg_type = "RDS_CMSG_ZCOPY_COMPLETION"
    direction = "recv"
    payload = "rds_zcopy_cookies"
    num: int
    cookies: tuple[int, ...]
