"""Payload shapes shared by several levels: timestamps, fd arrays, extended errors."""

from __future__ import annotations

import dataclasses
import datetime as _dt
from typing import Any, ClassVar, Self

from sockaddr import schemas
from sockaddr.abi import ABI
from sockaddr.cmsg._base import ControlMessage, StructMessage, read_sockaddr, write_sockaddr
from sockaddr.errors import DecodeError

__all__ = ["ExtendedError", "FdArray", "SockaddrMessage", "TimeMessage", "nlattrs"]



class TimeMessage(StructMessage):
    """A timeval/timespec payload (fields ``sec`` and ``usec`` or ``nsec``).

    ``timestamp`` is the float seconds, ``datetime`` an aware UTC datetime.
    """

    prefix = "tv_"

    @property
    def timestamp(self) -> float:
        """Seconds since the epoch, as a float."""
        sub = getattr(self, "nsec", None)
        frac = sub / 1e9 if sub is not None else getattr(self, "usec") / 1e6  # noqa: B009
        return float(getattr(self, "sec")) + float(frac)  # noqa: B009

    @property
    def datetime(self) -> _dt.datetime:
        """The time as an aware UTC :class:`datetime.datetime` (microsecond precision)."""
        sub = getattr(self, "nsec", None)
        micro = sub // 1000 if sub is not None else getattr(self, "usec")  # noqa: B009
        epoch = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)
        return epoch + _dt.timedelta(seconds=getattr(self, "sec"), microseconds=micro)  # noqa: B009


class FdArray(ControlMessage):
    """``int fds[]``: a payload of whole C ints (SCM_RIGHTS)."""

    @classmethod
    def from_payload(cls, data: bytes, abi: ABI) -> Self:
        if len(data) % 4:
            raise DecodeError(f"payload of {len(data)} bytes is not whole ints",
                              offset=len(data) - len(data) % 4, struct=cls.cmsg_type)
        ctype = schemas.ctype("int", abi)
        fds = tuple(int.from_bytes(data[i:i + 4], abi.byteorder, signed=True)
                    for i in range(0, len(data), ctype.size))
        return cls(fds)  # type: ignore[call-arg]

    def to_payload(self, abi: ABI) -> bytes:
        return b"".join(int(fd).to_bytes(4, abi.byteorder, signed=True)
                        for fd in self.fds)  # type: ignore[attr-defined]


class SockaddrMessage(ControlMessage):
    """One ``struct sockaddr_*`` (IP_ORIGDSTADDR): ``address`` as CPython's tuple."""

    payload: ClassVar[str]

    @classmethod
    def payload_size(cls, abi: ABI) -> int | None:
        return schemas.layout(cls.payload, abi).size

    @classmethod
    def from_payload(cls, data: bytes, abi: ABI) -> Self:
        return cls(read_sockaddr(cls.payload, data, abi))  # type: ignore[call-arg]

    def to_payload(self, abi: ABI) -> bytes:
        return write_sockaddr(self.payload, self.address, abi)  # type: ignore[attr-defined]


@dataclasses.dataclass(frozen=True)
class ExtendedError(ControlMessage):
    """``struct sock_extended_err`` (ip(7) IP_RECVERR), fields without ``ee_``.

    Subclasses for IP and IPv6 add ``offender``: the address that follows the
    error (``SO_EE_OFFENDER``), as :func:`sockaddr.decode` returns it, or
    ``None`` where the kernel leaves it all zero (local errors, zerocopy and
    TSONLY timestamps).  PACKET, J1939, Bluetooth and VSOCK errors carry none.
    """

    errno: int
    origin: int
    type: int
    code: int
    pad: int
    info: int
    data: int

    offender_struct: ClassVar[str | None] = None

    @classmethod
    def payload_size(cls, abi: ABI) -> int | None:
        size = schemas.layout("sock_extended_err", abi).size
        if cls.offender_struct:
            size += schemas.layout(cls.offender_struct, abi).size
        return size

    @classmethod
    def from_payload(cls, data: bytes, abi: ABI) -> Self:
        layout = schemas.layout("sock_extended_err", abi)
        fast = schemas.fast("sock_extended_err", abi)
        values = dict(zip((n.removeprefix("ee_") for n in fast.names),
                          fast.unpack(data), strict=True))
        extra: dict[str, Any] = {}
        if cls.offender_struct:
            extra["offender"] = read_sockaddr(cls.offender_struct, data[layout.size:], abi)
        return cls(**values, **extra)

    def to_payload(self, abi: ABI) -> bytes:
        fast = schemas.fast("sock_extended_err", abi)
        out = fast.pack(*(getattr(self, n.removeprefix("ee_")) for n in fast.names))
        if self.offender_struct:
            out += write_sockaddr(self.offender_struct, getattr(self, "offender"), abi)  # noqa: B009
        return out


def nlattrs(data: bytes, abi: ABI) -> list[tuple[int, bytes]]:
    """Netlink attributes (``struct nlattr``, 4-aligned) as ``(nla_type, payload)``."""
    out = []
    offset = 0
    while offset + 4 <= len(data):
        length = int.from_bytes(data[offset:offset + 2], abi.byteorder)
        kind = int.from_bytes(data[offset + 2:offset + 4], abi.byteorder)
        if length < 4 or offset + length > len(data):
            raise DecodeError(f"nla_len {length} does not fit", offset=offset, struct="nlattr")
        out.append((kind, data[offset + 4:offset + length]))
        offset += (length + 3) & ~3
    return out
