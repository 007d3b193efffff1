"""The lossless typed record of one sockaddr: every C field, and the bytes back."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from typing import Any

from sockaddr import schemas
from sockaddr.abi import ABI
from sockaddr.errors import DecodeError
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

    # A parsed record keeps its bytes and reads the fields on first use: parse()
    # is on hot paths (audit logs, captures) where most fields are never looked at.
    # Read-only without a __setattr__ of our own: fields are not attributes and
    # the public names are setter-less properties, so setting either raises
    # AttributeError; an override would make every slot store (two per parse)
    # a generic call, ~40% of parsing a sockaddr_vm.
    __slots__ = ("_data", "_fields", "_kind", "_length", "_tail")

    _kind: tuple[str, ABI, Struct, int]      # struct, abi, layout, proto
    _data: bytes | None                      # parsed: the bytes, tail included
    _fields: dict[str, Value]                # built, or parsed and read (unset till then)
    _length: int                             # built only
    _tail: bytes                             # built only

    def __init__(self, struct: str, fields: Mapping[str, Value], *,
                 abi: ABI | str | None = None, length: int | None = None,
                 tail: bytes = b"", proto: int = 0, layout: Struct | None = None) -> None:
        abi = ABI.get(abi)
        layout = layout or schemas.layout(struct, abi)
        self._kind = (struct, abi, layout, proto)
        self._data = None
        self._fields = dict(fields)
        self._length = layout.size if length is None else length
        self._tail = bytes(tail)

    @classmethod
    def from_bytes(cls, struct: str, data: bytes, *, abi: ABI | str | None = None,
                   proto: int = 0, layout: Struct | None = None) -> Sockaddr:
        """Read ``data`` as ``struct``; short data reads as zero-filled."""
        abi = ABI.get(abi)
        return cls.reader(struct, abi, proto, layout=layout)(bytes(data))

    @classmethod
    def reader(cls, struct: str, abi: ABI, proto: int = 0, *, layout: Struct | None = None,
               need: int = 0, family: int | None = None, most: int = sys.maxsize,
               longer: Callable[[bytes], object] | None = None) -> Callable[[bytes], Sockaddr]:
        """:meth:`from_bytes` bound to one struct, ABI and protocol (the codecs' hot path).

        Data shorter than ``need`` bytes, or whose ``sa_family`` is not
        ``family`` (when given), raises :class:`DecodeError`; data longer than
        ``most`` bytes is first handed to ``longer``, which raises if it must
        (AF_UNIX: a name past ``sun_path``).
        """
        from sockaddr.families import family_bytes, family_error  # noqa: PLC0415 - cycle

        kind = (struct, abi, layout or schemas.layout(struct, abi), proto)
        new = object.__new__
        # `longer` tested before the bound: a chained compare on every parse
        # costs ~10% of a small struct's.

        def from_bytes(data: bytes) -> Sockaddr:
            if len(data) < need:
                raise DecodeError.short(struct, data, need)
            if longer is not None and len(data) > most:
                longer(data)
            rec = new(cls)
            rec._kind = kind
            rec._data = data          # _fields stays unset until read
            return rec
        if family is None:
            return from_bytes
        mine = family_bytes(family, abi)
        if need < len(mine):
            def checked(data: bytes) -> Sockaddr:
                rec = from_bytes(data)          # the length first
                if data[:2] != mine:
                    raise family_error(struct, data, family, abi)
                return rec
            return checked
        low, high = mine

        def of_family(data: bytes) -> Sockaddr:
            if len(data) < need:
                raise DecodeError.short(struct, data, need)
            if longer is not None and len(data) > most:
                longer(data)
            # Two byte compares: a two-byte slice would cost a third of the parse.
            if data[0] != low or data[1] != high:
                raise family_error(struct, data, family, abi)
            rec = new(cls)
            rec._kind = kind
            rec._data = data
            return rec
        return of_family

    @property
    def struct(self) -> str:
        """The C struct's name (``"sockaddr_in6"``)."""
        return self._kind[0]

    @property
    def abi(self) -> ABI:
        """The ABI the bytes are laid out for."""
        return self._kind[1]

    @property
    def proto(self) -> int:
        """The socket protocol the record was parsed for (CAN and Bluetooth read by it)."""
        return self._kind[3]

    @property
    def _layout(self) -> Struct:
        return self._kind[2]

    @property
    def fields(self) -> Mapping[str, Value]:
        """Every field by its C name, padding included (``_padN``)."""
        try:
            return self._fields
        except AttributeError:      # parsed, not read yet
            assert self._data is not None
            size = self._kind[2].size
            body = self._data[:size]
            fields: dict[str, Value] = read(self._kind[2], body + bytes(size - len(body)))
            self._fields = fields
            return fields

    @property
    def length(self) -> int:
        """The addrlen: bytes of the struct present (missing ones read as zero)."""
        if self._data is not None:
            return min(len(self._data), self._kind[2].size)
        return self._length

    @property
    def tail(self) -> bytes:
        """Bytes past the end of the struct."""
        if self._data is not None:
            return self._data[self._kind[2].size:]
        return self._tail

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
        if self._data is not None:     # parsed: the bytes themselves
            return self._data
        buf = bytearray(self._layout.size)
        write(self._layout, self.fields, buf, 0, "")
        if any(buf[self.length:]):
            raise ValueError(f"{self.struct}: fields past length {self.length} are not "
                             "zero; set length to keep them")
        return bytes(buf[:self.length]) + self.tail

    def __getattr__(self, name: str) -> Value:
        if name in _OWN:        # a slot not set (yet): never a field lookup, no recursion
            raise AttributeError(name)
        try:
            return self.fields[name]
        except KeyError:
            raise AttributeError(f"{self.struct} has no field {name!r}") from None

    def __getitem__(self, name: str) -> Value:
        return self.fields[name]

    def __reduce__(self) -> tuple[Any, ...]:
        if self._data is not None:
            return _restore, (self._kind, self._data)
        return _restore, (self._kind, None, self._fields, self._length, self._tail)

    def __copy__(self) -> Sockaddr:
        return self         # immutable

    def __deepcopy__(self, memo: dict[int, object]) -> Sockaddr:
        return self

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


_OWN = frozenset({*Sockaddr.__slots__, "fields", "length", "tail", "struct", "abi", "proto",
                  "_layout"})


def _restore(kind: tuple[str, ABI, Struct, int], data: bytes | None,
             fields: dict[str, Value] | None = None, length: int = 0, tail: bytes = b"",
             ) -> Sockaddr:
    """Unpickle a record (``__reduce__``)."""
    rec: Sockaddr = object.__new__(Sockaddr)
    rec._kind = kind
    rec._data = data
    if data is None:
        assert fields is not None
        rec._fields = fields
        rec._length = length
        rec._tail = tail
    return rec


def _family_path(layout: Struct) -> list[str]:
    """Field names down to a struct's first scalar: where ``sa_family`` is."""
    path = []
    ctype: Any = layout
    while isinstance(ctype, Struct):
        first = ctype.fields[0]
        path.append(first.name)
        ctype = first.type
    return path
