"""Typed control messages: the base classes, the registry, and payload conversion.

A control message class names its ``(level, type)`` by the C constants
(``cmsg_level = "SOL_IP"``, ``cmsg_type = "IP_PKTINFO"``), since the numbers
differ between architectures, and its payload by a schema layout
(``payload = "in_pktinfo"`` or a scalar C type such as ``"int"``).  Its
dataclass fields are the C struct's fields without the struct prefix
(``ipi_ifindex`` becomes ``ifindex``), so nothing about the layout is written
here: reading and writing go through :mod:`sockaddr.layout`.

Send and receive forms are separate classes where the kernel reads and writes
different payloads (``IP_TOS``: an ``int`` or a byte on send, one byte on
receive), as in Rust's ``nix::sys::socket`` ``ControlMessage`` /
``ControlMessageOwned``.
"""

from __future__ import annotations

import dataclasses
import functools
import socket
from collections.abc import Callable, Iterator
from typing import Any, ClassVar, Literal, Self, TypeVar

from sockaddr import schemas
from sockaddr.abi import ABI
from sockaddr.errors import DecodeError
from sockaddr.layout import Array, CType, Scalar, Struct, read, write

__all__ = [
    "ControlMessage", "RawMessage", "ScalarMessage", "StructMessage", "Truncated", "Unknown",
    "forms", "register",
]

Direction = Literal["recv", "send", "both"]
C = TypeVar("C", bound="ControlMessage")


class ControlMessage:
    """One control message (``cmsg(3)`` item) as a typed, immutable value.

    Subclasses are frozen dataclasses.  ``direction`` says whether the kernel
    produces it (``"recv"``), accepts it (``"send"``) or both.
    """

    cmsg_level: ClassVar[str]
    cmsg_type: ClassVar[str]
    direction: ClassVar[Direction] = "both"

    @classmethod
    def numbers(cls, abi: ABI) -> tuple[int, int]:
        """``(cmsg_level, cmsg_type)`` on ``abi``."""
        return schemas.constant(cls.cmsg_level, abi), schemas.constant(cls.cmsg_type, abi)

    @classmethod
    def payload_size(cls, abi: ABI) -> int | None:
        """The payload's size on ``abi``, or ``None`` when it varies."""
        return None

    @classmethod
    def from_payload(cls, data: bytes, abi: ABI) -> Self:
        """Read the payload (already of an acceptable size)."""
        raise NotImplementedError

    def to_payload(self, abi: ABI) -> bytes:
        """The payload bytes on ``abi``."""
        raise NotImplementedError


@dataclasses.dataclass(frozen=True)
class Unknown(ControlMessage):
    """A ``(level, type)`` nobody registered: the payload kept byte for byte."""

    level: int
    type: int
    data: bytes

    def to_payload(self, abi: ABI) -> bytes:
        return self.data


@dataclasses.dataclass(frozen=True)
class Truncated(ControlMessage):
    """The last message of a buffer the kernel cut (``MSG_CTRUNC``).

    ``length`` is its ``cmsg_len``; ``data`` the payload bytes present.
    """

    level: int
    type: int
    data: bytes
    length: int

    def to_payload(self, abi: ABI) -> bytes:
        return self.data


# -- payload kinds ---------------------------------------------------------------

class ScalarMessage(ControlMessage):
    """A payload of one integer C type (``payload``); the one field holds it."""

    payload: ClassVar[str]

    @classmethod
    def _scalar(cls, abi: ABI) -> Scalar:
        ctype = schemas.ctype(cls.payload, abi)
        assert isinstance(ctype, Scalar)
        return ctype

    @classmethod
    def payload_size(cls, abi: ABI) -> int | None:
        return cls._scalar(abi).size

    @classmethod
    def from_payload(cls, data: bytes, abi: ABI) -> Self:
        return cls(read(cls._scalar(abi), data))  # type: ignore[call-arg]

    def to_payload(self, abi: ABI) -> bytes:
        ctype = self._scalar(abi)
        buf = bytearray(ctype.size)
        (name,) = (f.name for f in dataclasses.fields(self))  # type: ignore[arg-type]
        write(ctype, getattr(self, name), buf, 0, f"{type(self).__name__}.{name}")
        return bytes(buf)


class RawMessage(ControlMessage):
    """A payload of wire bytes (IP options, IPv6 extension headers, strings)."""

    @classmethod
    def from_payload(cls, data: bytes, abi: ABI) -> Self:
        return cls(bytes(data))  # type: ignore[call-arg]

    def to_payload(self, abi: ABI) -> bytes:
        return bytes(self.data)  # type: ignore[attr-defined]


class StructMessage(ControlMessage):
    """A payload laid out by schema struct ``payload``; fields lose ``prefix``.

    ``in_addr``/``in6_addr`` members read as address text (as CPython prints
    them), ``sockaddr_*`` members as the value :func:`sockaddr.decode`
    returns, nested structs as tuples, arrays as tuples.
    """

    payload: ClassVar[str]
    prefix: ClassVar[str] = ""

    @classmethod
    def _layout(cls, abi: ABI) -> Struct:
        return schemas.layout(cls.payload, abi)

    @classmethod
    def payload_size(cls, abi: ABI) -> int | None:
        return cls._layout(abi).size

    @classmethod
    def from_payload(cls, data: bytes, abi: ABI) -> Self:
        layout = cls._layout(abi)
        values = {}
        for f in layout.fields:
            if f.hole:
                continue
            raw = data[f.offset:f.offset + f.type.size]
            values[f.name.removeprefix(cls.prefix)] = _to_python(f.type, raw, abi)
        return cls(**values)

    def to_payload(self, abi: ABI) -> bytes:
        layout = self._layout(abi)
        buf = bytearray(layout.size)
        for f in layout.fields:
            if not f.hole:
                value = getattr(self, f.name.removeprefix(self.prefix))
                buf[f.offset:f.offset + f.type.size] = _from_python(f.type, value, abi, f.name)
        return bytes(buf)


def read_sockaddr(struct: str, raw: bytes, abi: ABI) -> Any:
    """A ``struct sockaddr_in``/``_in6`` member of a payload (an offender, a destination).

    ``None`` when the kernel left it all zero; the value :func:`sockaddr.decode`
    returns when the bytes hold the struct's own family and that value encodes
    back to them; otherwise the lossless :class:`~sockaddr.Sockaddr` record, so
    that no payload fails to decode or re-encode over bytes the kernel does not
    read (a stale family, non-zero ``sin_zero``).
    """
    from sockaddr.codec import decode, encode  # noqa: PLC0415 - cycle
    from sockaddr.families import family_of_struct  # noqa: PLC0415 - cycle
    from sockaddr.record import Sockaddr  # noqa: PLC0415 - cycle

    if not any(raw):
        return None
    family = family_of_struct(struct)
    if family is not None and int.from_bytes(raw[:2], abi.byteorder) == family:
        try:
            value = decode(raw, abi=abi, interfaces={})
            if encode(family, value, abi=abi).ljust(len(raw), b"\0") == raw:
                return value
        except (ValueError, TypeError, OverflowError, OSError):
            pass        # not the value's bytes: keep them whole
    return Sockaddr.from_bytes(struct, raw, abi=abi)


def write_sockaddr(struct: str, value: Any, abi: ABI) -> bytes:
    """The bytes of a member :func:`read_sockaddr` read (``None``: all zero)."""
    from sockaddr.codec import encode  # noqa: PLC0415 - cycle
    from sockaddr.families import family_of_struct  # noqa: PLC0415 - cycle

    size = schemas.layout(struct, abi).size
    if value is None:
        return bytes(size)
    family = family_of_struct(struct)
    raw = encode(family if family is not None else socket.AF_UNSPEC, value, abi=abi)
    if len(raw) > size:
        raise ValueError(f"{struct}: {len(raw)} bytes do not fit its {size}")
    return raw.ljust(size, b"\0")


def _struct_name(ctype: CType) -> str:
    return ctype.name if isinstance(ctype, Struct) else ""


def _to_python(ctype: CType, raw: bytes, abi: ABI) -> Any:
    name = _struct_name(ctype)
    if name == "in_addr":
        return socket.inet_ntop(socket.AF_INET, raw)
    if name == "in6_addr":
        return socket.inet_ntop(socket.AF_INET6, raw)
    if name.startswith("sockaddr"):
        return read_sockaddr(name, raw, abi)
    if isinstance(ctype, Array):
        step = ctype.elem.size
        return tuple(_to_python(ctype.elem, raw[i * step:(i + 1) * step], abi)
                     for i in range(ctype.count))
    if isinstance(ctype, Struct):
        return tuple(_to_python(f.type, raw[f.offset:f.offset + f.type.size], abi)
                     for f in ctype.fields if not f.hole)
    return read(ctype, raw)


def _from_python(ctype: CType, value: Any, abi: ABI, path: str) -> bytes:
    name = _struct_name(ctype)
    if name in ("in_addr", "in6_addr"):
        return socket.inet_pton(socket.AF_INET if name == "in_addr" else socket.AF_INET6, value)
    if name.startswith("sockaddr"):
        return write_sockaddr(name, value, abi)
    if isinstance(ctype, Array):
        step = ctype.elem.size
        items = tuple(value)
        if len(items) != ctype.count:
            raise ValueError(f"{path} must have {ctype.count} items, got {len(items)}")
        return b"".join(_from_python(ctype.elem, v, abi, f"{path}[{i}]")
                        for i, v in enumerate(items))[:step * ctype.count]
    if isinstance(ctype, Struct):
        buf = bytearray(ctype.size)
        members = [f for f in ctype.fields if not f.hole]
        items = tuple(value)
        if len(items) != len(members):
            raise ValueError(f"{path} must have {len(members)} items, got {len(items)}")
        for f, v in zip(members, items, strict=True):
            buf[f.offset:f.offset + f.type.size] = _from_python(f.type, v, abi, f"{path}.{f.name}")
        return bytes(buf)
    buf = bytearray(ctype.size)
    write(ctype, value, buf, 0, path)
    return bytes(buf)


# -- the registry -----------------------------------------------------------------

_FORMS: dict[tuple[str, str], list[type[ControlMessage]]] = {}
#: ``sockaddr.cmsg._fast`` plans by ``(abi, family)``, built from ``_FORMS``.
_PLANS: dict[tuple[Any, ...], Any] = {}


def register(cls: type[C]) -> type[C]:
    """Class decorator: make ``cls`` a decoder of its ``(cmsg_level, cmsg_type)``.

    Several classes may share a pair (send and receive forms of different
    sizes); decoding picks the one whose size fits.  Users register their own
    the same way, without editing the library.
    """
    _FORMS.setdefault((cls.cmsg_level, cls.cmsg_type), []).append(cls)
    _table.cache_clear()
    _PLANS.clear()
    return cls


@functools.cache
def _table(abi: ABI) -> dict[tuple[int, int], tuple[type[ControlMessage], ...]]:
    table: dict[tuple[int, int], tuple[type[ControlMessage], ...]] = {}
    for (level, type_), classes in _FORMS.items():
        key = schemas.constant(level, abi), schemas.constant(type_, abi)
        table[key] = table.get(key, ()) + tuple(classes)
    return table


def forms(level: int, type_: int, abi: ABI) -> tuple[type[ControlMessage], ...]:
    """Every class registered for the numbers ``(level, type_)`` on ``abi``."""
    _load()
    return _table(abi).get((level, type_), ())


def all_forms() -> Iterator[type[ControlMessage]]:
    """Every registered class."""
    _load()
    for classes in _FORMS.values():
        yield from classes


def payload_error(cls: type[ControlMessage], data: bytes, abi: ABI,
                  candidates: tuple[type[ControlMessage], ...]) -> DecodeError:
    """The error for a payload whose size no registered form takes."""
    sizes = sorted({s for c in candidates if (s := c.payload_size(abi)) is not None})
    want = " or ".join(map(str, sizes))
    return DecodeError(f"{cls.cmsg_level}/{cls.cmsg_type} payload of {len(data)} bytes, "
                       f"takes {want}", offset=min(len(data), sizes[0]) if sizes else 0,
                       struct=cls.cmsg_type)


_loaded = False


def _load() -> None:
    # One module per level registers its classes on import.
    global _loaded  # noqa: PLW0603
    if not _loaded:
        _loaded = True
        import importlib  # noqa: PLC0415
        import pkgutil  # noqa: PLC0415

        from sockaddr import cmsg  # noqa: PLC0415

        for module in pkgutil.iter_modules(cmsg.__path__):
            if not module.name.startswith("_"):
                importlib.import_module(f"{cmsg.__name__}.{module.name}")


Reader = Callable[[bytes, ABI], ControlMessage]
