"""The lossless typed record of one sockaddr: every C field, and the bytes back."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sockaddr import schemas
from sockaddr.abi import ABI
from sockaddr.layout import Struct, Value, read, write

__all__ = ["Sockaddr"]


class Sockaddr:
    """One ``struct sockaddr_*`` with every field by its C name.

    ``parse()`` returns these.  Fields are read by name as attributes or
    items (``rec.sin6_port``, ``rec["sin6_port"]``); nested structs are
    dicts, arrays tuples, ``char``/``u8`` arrays bytes, and compiler padding
    appears as ``_padN`` fields, so nothing is lost: ``bytes(rec)`` gives
    back exactly the bytes parsed.  ``length`` is the addrlen (it may be
    less than the struct, e.g. AF_UNIX; missing bytes read as zero) and
    ``tail`` holds bytes past the struct.

    >>> import sockaddr
    >>> rec = sockaddr.Sockaddr.build("sockaddr_vm", svm_cid=2, svm_port=1234, svm_flags=1)
    >>> rec.address, rec.svm_flags, len(bytes(rec))
    ((2, 1234), 1, 16)
    """

    __slots__ = ("_layout", "abi", "fields", "length", "proto", "struct", "tail")

    struct: str
    abi: ABI
    fields: Mapping[str, Value]
    length: int
    tail: bytes
    proto: int
    _layout: Struct

    def __init__(self, struct: str, fields: Mapping[str, Value], *,
                 abi: ABI | str | None = None, length: int | None = None,
                 tail: bytes = b"", proto: int = 0, layout: Struct | None = None) -> None:
        sets = object.__setattr__
        sets(self, "struct", struct)
        sets(self, "abi", ABI.get(abi))
        sets(self, "_layout", layout or schemas.layout(struct, self.abi))
        sets(self, "fields", dict(fields))
        sets(self, "length", self._layout.size if length is None else length)
        sets(self, "tail", bytes(tail))
        sets(self, "proto", proto)

    @classmethod
    def from_bytes(cls, struct: str, data: bytes, *, abi: ABI | str | None = None,
                   proto: int = 0, layout: Struct | None = None) -> Sockaddr:
        """Read ``data`` as ``struct``; short data reads as zero-filled."""
        abi = ABI.get(abi)
        layout = layout or schemas.layout(struct, abi)
        size = layout.size
        body = data[:size]
        if len(body) < size:
            body = body + bytes(size - len(body))
        return cls(struct, read(layout, body), abi=abi, length=min(len(data), size),
                   tail=data[size:], proto=proto, layout=layout)

    @classmethod
    def build(cls, struct: str, *, abi: ABI | str | None = None, proto: int = 0,
              **fields: Value) -> Sockaddr:
        """A record of ``struct`` with ``fields`` set and every other field zero.

        The family field defaults to the family whose codec uses ``struct``.
        """
        from sockaddr.families import family_of_struct  # noqa: PLC0415 - cycle

        abi = ABI.get(abi)
        layout = schemas.layout(struct, abi)
        values = read(layout, bytes(layout.size))
        family = family_of_struct(struct)
        if family is not None:
            *outer, last = _family_path(layout)
            inner = values
            for name in outer:
                inner = inner[name]
            inner[last] = family
        unknown = set(fields) - set(values)
        if unknown:
            raise TypeError(f"{struct} has no field {', '.join(sorted(unknown))}")
        values.update(fields)
        rec = cls(struct, values, abi=abi, proto=proto, layout=layout)
        bytes(rec)     # validate now: wrong sizes and ranges raise here
        return rec

    @property
    def family(self) -> int:
        """The ``sa_family`` field: the struct's first scalar (``full_sockaddr_ax25``
        and ``sockaddr_mctp_ext`` start with a nested sockaddr)."""
        value: Any = self.fields
        for name in _family_path(self._layout):
            value = value[name]
        return int(value)

    @property
    def address(self) -> object:
        """What CPython's ``makesockaddr()`` returns for these bytes."""
        from sockaddr.codec import decode  # noqa: PLC0415 - cycle

        return decode(bytes(self), proto=self.proto, abi=self.abi)

    def replace(self, **changes: Any) -> Sockaddr:
        """A copy with some fields (or ``length``, ``tail``) changed."""
        length = changes.pop("length", self.length)
        tail = changes.pop("tail", self.tail)
        unknown = set(changes) - set(self.fields)
        if unknown:
            raise TypeError(f"{self.struct} has no field {', '.join(sorted(unknown))}")
        rec = Sockaddr(self.struct, {**self.fields, **changes}, abi=self.abi, length=length,
                       tail=tail, proto=self.proto, layout=self._layout)
        bytes(rec)
        return rec

    def __bytes__(self) -> bytes:
        buf = bytearray(self._layout.size)
        write(self._layout, self.fields, buf, 0, "")
        if any(buf[self.length:]):
            raise ValueError(f"{self.struct}: fields past length {self.length} are not "
                             "zero; set length to keep them")
        return bytes(buf[:self.length]) + self.tail

    def __getattr__(self, name: str) -> Value:
        try:
            return self.fields[name]
        except KeyError:
            raise AttributeError(f"{self.struct} has no field {name!r}") from None

    def __getitem__(self, name: str) -> Value:
        return self.fields[name]

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Sockaddr is immutable; use replace()")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sockaddr):
            return NotImplemented
        return (self.struct, self.abi, self.fields, self.length, self.tail, self.proto) == (
            other.struct, other.abi, other.fields, other.length, other.tail, other.proto)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v!r}" for k, v in self.fields.items()
                          if not (k.startswith("_pad") and not any(v)))
        extra = "" if self.length == self._layout.size else f", length={self.length}"
        extra += f", tail={self.tail!r}" if self.tail else ""
        return f"Sockaddr({self.struct}, {shown}{extra}, abi={self.abi.name!r})"


def _family_path(layout: Struct) -> list[str]:
    """Field names down to a struct's first scalar: where ``sa_family`` is."""
    path = []
    ctype: Any = layout
    while isinstance(ctype, Struct):
        first = ctype.fields[0]
        path.append(first.name)
        ctype = first.type
    return path
