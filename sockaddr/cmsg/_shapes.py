"""Payload shapes of the less common levels (SCTP, RDS, RxRPC, ALG...).

* :class:`PaddedStruct`: a :class:`~sockaddr.cmsg.StructMessage` whose C struct
  has padding (``sctp_sndrcvinfo``, ``rds_rdma_notify``...).  A decoded message
  remembers the padding bytes it was read from, so that ``encode(decode(b))``
  gives back ``b`` exactly, as records keep ``_padN`` fields; a message built
  by hand encodes its padding as zeros.  The remembered bytes are not a
  dataclass field: they take no part in ``==``, ``hash`` or ``repr``.
* :class:`ArmStruct`: a struct with a union whose arm the message type picks
  (``rds_atomic_args``): the arm's members are the message's fields.
* :class:`AddressMessage`: a bare ``in_addr``/``in6_addr`` as address text.
* :class:`EmptyMessage`: a message with no payload at all (``RXRPC_ACK``).
* :func:`malformed`: what a variable-size form returns for a payload the kernel
  would refuse (:class:`~sockaddr.cmsg.Unknown`, the bytes kept).
"""

from __future__ import annotations

import socket
from typing import Any, ClassVar, Self

from sockaddr import schemas
from sockaddr.abi import ABI
from sockaddr.cmsg._base import ControlMessage, StructMessage, Unknown
from sockaddr.layout import Array, CType, Struct, read, write

__all__ = ["AddressMessage", "ArmStruct", "EmptyMessage", "PaddedStruct", "malformed"]

_KEPT = "_kept_payload"


def _holes(ctype: CType, base: int = 0) -> list[tuple[int, int]]:
    """Byte ranges of the padding inside ``ctype`` (at any depth)."""
    out: list[tuple[int, int]] = []
    if isinstance(ctype, Struct):
        for f in ctype.fields:
            if f.hole:
                out.append((base + f.offset, base + f.offset + f.type.size))
            else:
                out.extend(_holes(f.type, base + f.offset))
    elif isinstance(ctype, Array):
        for i in range(ctype.count):
            out.extend(_holes(ctype.elem, base + i * ctype.elem.size))
    return out


def _keep(message: ControlMessage, data: bytes, abi: ABI,
          holes: list[tuple[int, int]]) -> None:
    # Only non-zero padding needs remembering: zeros are what encoding writes.
    if any(any(data[a:b]) for a, b in holes):
        object.__setattr__(message, _KEPT, (abi.name, bytes(data)))


def _restore(message: ControlMessage, buf: bytearray, abi: ABI,
             holes: list[tuple[int, int]]) -> None:
    kept = message.__dict__.get(_KEPT)
    if kept is not None and kept[0] == abi.name:
        for a, b in holes:
            buf[a:b] = kept[1][a:b]


def malformed(cls: type[ControlMessage], data: bytes, abi: ABI) -> Any:
    """An :class:`~sockaddr.cmsg.Unknown` for a payload ``cls`` cannot hold.

    Variable-size forms return it (typed as ``cls`` by their ``from_payload``)
    rather than raise, so that every payload decodes and encodes back.
    """
    level, type_ = cls.numbers(abi)
    return Unknown(level, type_, bytes(data))


class PaddedStruct(StructMessage):
    """A struct payload with C padding, kept byte for byte when decoded."""

    @classmethod
    def from_payload(cls, data: bytes, abi: ABI) -> Self:
        message = super().from_payload(data, abi)
        _keep(message, data, abi, _holes(cls._layout(abi)))
        return message

    def to_payload(self, abi: ABI) -> bytes:
        buf = bytearray(super().to_payload(abi))
        _restore(self, buf, abi, _holes(self._layout(abi)))
        return bytes(buf)


class ArmStruct(ControlMessage):
    """Struct ``payload`` whose member ``member`` is read as struct ``arm``.

    The fields are the struct's members before and after ``member`` and the
    arm's members in its place, in offset order.  Bytes of the member that the
    arm does not cover are kept like padding.
    """

    payload: ClassVar[str]
    member: ClassVar[str]
    arm: ClassVar[str]

    @classmethod
    def _slots(cls, abi: ABI) -> list[tuple[str, int, CType]]:
        outer = schemas.layout(cls.payload, abi)
        inner = schemas.layout(cls.arm, abi)
        slots: list[tuple[str, int, CType]] = []
        for f in outer.fields:
            if f.hole:
                continue
            if f.name == cls.member:
                slots.extend((g.name, f.offset + g.offset, g.type) for g in inner.fields
                             if not g.hole)
            else:
                slots.append((f.name, f.offset, f.type))
        return slots

    @classmethod
    def _uncovered(cls, abi: ABI) -> list[tuple[int, int]]:
        size = schemas.layout(cls.payload, abi).size
        covered = bytearray(size)
        holes: list[tuple[int, int]] = []
        for _, offset, ctype in cls._slots(abi):
            covered[offset:offset + ctype.size] = b"\1" * ctype.size
            holes.extend(_holes(ctype, offset))
        holes.extend((i, i + 1) for i in range(size) if not covered[i])
        return holes

    @classmethod
    def payload_size(cls, abi: ABI) -> int | None:
        return schemas.layout(cls.payload, abi).size

    @classmethod
    def from_payload(cls, data: bytes, abi: ABI) -> Self:
        values = {name: read(ctype, data, offset) for name, offset, ctype in cls._slots(abi)}
        message = cls(**values)
        _keep(message, data, abi, cls._uncovered(abi))
        return message

    def to_payload(self, abi: ABI) -> bytes:
        buf = bytearray(schemas.layout(self.payload, abi).size)
        for name, offset, ctype in self._slots(abi):
            write(ctype, getattr(self, name), buf, offset, f"{type(self).__name__}.{name}")
        _restore(self, buf, abi, self._uncovered(abi))
        return bytes(buf)


class AddressMessage(ControlMessage):
    """A bare ``struct in_addr`` or ``in6_addr`` (``payload``): ``addr`` as text."""

    payload: ClassVar[str]

    @classmethod
    def _family(cls) -> socket.AddressFamily:
        return socket.AF_INET6 if cls.payload == "in6_addr" else socket.AF_INET

    @classmethod
    def payload_size(cls, abi: ABI) -> int | None:
        return schemas.layout(cls.payload, abi).size

    @classmethod
    def from_payload(cls, data: bytes, abi: ABI) -> Self:
        return cls(socket.inet_ntop(cls._family(), data))  # type: ignore[call-arg]

    def to_payload(self, abi: ABI) -> bytes:
        return socket.inet_pton(self._family(), self.addr)  # type: ignore[attr-defined]


class EmptyMessage(ControlMessage):
    """A message whose whole meaning is its type: no fields, a 0-byte payload."""

    @classmethod
    def payload_size(cls, abi: ABI) -> int | None:
        return 0

    @classmethod
    def from_payload(cls, data: bytes, abi: ABI) -> Self:
        return cls()

    def to_payload(self, abi: ABI) -> bytes:
        return b""

