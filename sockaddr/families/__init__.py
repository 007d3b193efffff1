"""Address families: what each element of CPython's address tuple means.

Each module here is one family: which struct it uses (the layout comes from
``schemas/``), how CPython's ``getsockaddrarg()`` validates and writes its
tuple, and how ``makesockaddr()`` turns bytes back into a value.  A family is a
:class:`Family` registered by socket family (encode) and by ``sa_family``
(decode); :func:`register` lets users add their own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Protocol, TypeAlias

from sockaddr import schemas
from sockaddr.abi import ABI
from sockaddr.errors import DecodeError
from sockaddr.layout import FastCodec, Struct
from sockaddr.record import Sockaddr

__all__ = ["Decoder", "Encoder", "Family", "Interfaces", "Parser", "decoder_for", "encoder_for",
           "family_bytes", "family_error", "family_of_struct", "register"]

#: How a caller names interface indexes when decoding bytes from another
#: machine: a mapping or a function from index to name (``None``: this host).
Interfaces: TypeAlias = Mapping[int, str] | Callable[[int], str] | None



class Decoder(Protocol):
    """:meth:`Family.decoder`'s result: ``fn(data, interfaces=None)``."""

    def __call__(self, data: bytes, interfaces: Interfaces = None, /) -> object: ...


class Encoder(Protocol):
    """:meth:`Family.encoder`'s result: ``fn(address, caller="encode", resolve=False)``."""

    def __call__(self, address: object, caller: str = "encode", resolve: bool = False, /
                 ) -> bytes: ...

#: :meth:`Family.parser`'s result: ``fn(data)``.
Parser: TypeAlias = Callable[[bytes], Sockaddr]


class Family:
    """The codec of one address family.

    Subclasses set ``name`` (the ``AF_*`` constant), ``struct`` (the C
    struct) and ``min_length`` (the shortest addrlen the kernel accepts), and
    implement :meth:`encode` and :meth:`decode`.  ``raw`` names struct members
    the fast path reads as bytes (an ``in_addr`` as 4 bytes, say).
    """

    name: ClassVar[str]
    struct: ClassVar[str]
    raw: ClassVar[tuple[str, ...]] = ()
    #: Every struct the family uses, when it has more than :attr:`struct`.
    structs: ClassVar[tuple[str, ...]] = ()
    min_length: ClassVar[int] = 0    # 0: the whole struct

    @property
    def number(self) -> int:
        """The family's number (``AF_INET`` is 2)."""
        return schemas.constant(self.name)

    def struct_for(self, proto: int) -> str:
        """The C struct a socket of protocol ``proto`` uses (Bluetooth varies)."""
        return self.struct

    def select_for(self, proto: int) -> dict[str, str]:
        """Union arms a socket of protocol ``proto`` uses (CAN's ``can_addr``)."""
        return {}

    def layout(self, proto: int, abi: ABI) -> Struct:
        """The struct for a socket of protocol ``proto``, its union arms chosen."""
        layout = schemas.layout(self.struct_for(proto), abi)
        select = self.select_for(proto)
        return layout.select(**select) if select else layout

    def fast(self, abi: ABI, proto: int = 0) -> FastCodec:
        """The precompiled struct codec for protocol ``proto`` on ``abi``."""
        return schemas.fast(self.struct_for(proto), abi, raw=self.raw,
                            select=self.select_for(proto))

    def check_length(self, data: bytes, abi: ABI, need: int | None = None,
                     proto: int = 0) -> None:
        """Raise :class:`DecodeError` when ``data`` is shorter than the kernel allows."""
        if need is None:
            need = self.required_length(proto, abi)
        if len(data) < need:
            raise DecodeError.short(self.struct_for(proto), data, need)

    def required_length(self, proto: int, abi: ABI) -> int:
        """The shortest addrlen the kernel accepts for a socket of protocol ``proto``."""
        return self.min_length or schemas.layout(self.struct_for(proto), abi).size

    def padded(self, data: bytes, abi: ABI, proto: int = 0) -> bytes:
        """``data`` zero-filled to the struct size, as CPython's zeroed buffer reads."""
        size = self.fast(abi, proto).size
        return data if len(data) >= size else data + bytes(size - len(data))

    # -- the hot paths: one closure per (protocol, ABI), resolved once by sockaddr.codec.
    # The methods below them (encode, decode, parse) are the reference each closure
    # must equal (tests/test_fast_paths.py); a family that has no faster form
    # keeps these defaults, which skip only the dispatch.

    def decoder(self, family: int, proto: int, abi: ABI) -> Decoder:
        """:meth:`decode` for bytes of ``sa_family == family``, one protocol and ABI.

        The closure checks ``sa_family`` (a :class:`DecodeError` at offset 0).
        """
        decode, mine, struct = self.decode, family_bytes(family, abi), self._struct_name(proto)

        def reference(data: bytes, interfaces: Interfaces = None, /) -> object:
            if data[:2] != mine:
                raise family_error(struct, data, family, abi)
            return decode(data, proto=proto, abi=abi, interfaces=interfaces)
        return reference

    def _struct_name(self, proto: int) -> str:
        # For error messages only: a protocol without a struct (Bluetooth's
        # unknown ones) is the reference decode's to refuse, when it is called.
        try:
            return self.struct_for(proto)
        except ValueError:
            return self.struct

    def encoder(self, family: int, proto: int, abi: ABI) -> Encoder:
        """:meth:`encode` for one socket family, protocol and ABI.

        A :class:`Sockaddr` record encodes as its bytes, whatever the family.
        """
        encode = self.encode

        def reference(address: object, caller: str = "encode", resolve: bool = False, /
                      ) -> bytes:
            if isinstance(address, Sockaddr):
                return bytes(address)
            return encode(address, family=family, proto=proto, abi=abi, caller=caller,
                          resolve=resolve)
        return reference

    def parser(self, family: int, proto: int, abi: ABI) -> Parser:
        """:meth:`parse` for bytes of ``sa_family == family``, one protocol and ABI."""
        mine, struct = family_bytes(family, abi), self._struct_name(proto)
        if type(self).parse is Family.parse:
            return Sockaddr.reader(struct, abi, proto, layout=self.layout(proto, abi),
                                   need=self.required_length(proto, abi), family=family)
        parse = self.parse

        def reference(data: bytes) -> Sockaddr:
            if data[:2] != mine:
                raise family_error(struct, data, family, abi)
            return parse(data, proto=proto, abi=abi)
        return reference

    def encode(self, address: object, *, family: int, proto: int, abi: ABI, caller: str,
               resolve: bool) -> bytes:
        """The bytes ``getsockaddrarg()`` builds for ``address``."""
        raise NotImplementedError

    def decode(self, data: bytes, *, proto: int, abi: ABI, interfaces: Any) -> object:
        """The value ``makesockaddr()`` returns for ``data`` (checked length)."""
        raise NotImplementedError

    def parse(self, data: bytes, *, proto: int, abi: ABI) -> Sockaddr:
        """The lossless record of ``data``."""
        self.check_length(data, abi, proto=proto)
        return Sockaddr.from_bytes(self.struct_for(proto), data, abi=abi, proto=proto,
                                   layout=self.layout(proto, abi))


def family_bytes(family: int, abi: ABI) -> bytes:
    """The two bytes of ``sa_family = family`` on ``abi``."""
    return schemas.fast("sockaddr", abi).view("sa_family").pack(family)


def family_error(struct: str, data: bytes, family: int, abi: ABI) -> DecodeError:
    """The error for bytes whose ``sa_family`` is not ``family`` (or that have none)."""
    if len(data) < 2:
        return DecodeError.short(struct, data, 2)
    got = int.from_bytes(data[:2], abi.byteorder)
    return DecodeError(f"sa_family is {got}, not {family}", offset=0, struct=struct, data=data)


_ENCODERS: dict[tuple[str, int], Family] = {}
_DECODERS: dict[tuple[str, int], Family] = {}
_STRUCTS: dict[str, int] = {}

#: The closures sockaddr.codec resolved, by abi as the caller gave it, by proto,
#: and then by the family's two bytes (decoders, parsers) or number (encoders).
#: Emptied by :func:`register`, so a replaced codec takes effect at once.
DECODERS: dict[object, dict[int, dict[bytes, Decoder]]] = {}
ENCODERS: dict[object, dict[int, dict[int, Encoder]]] = {}
PARSERS: dict[object, dict[int, dict[bytes, Parser]]] = {}


def register(codec: Family, *, encode: int | None = None, decode: int | None = None,
             os: str = "linux") -> None:
    """Make ``codec`` the codec of a socket family (encode) and an ``sa_family`` (decode).

    Both default to the codec's own family number; ``decode=-1`` registers
    no decoder.  Numbers are per OS (34 is AF_ISDN on Linux and AF_HYPERV on
    Windows): ``os`` is :attr:`ABI.os`.  Registering again replaces the
    previous codec, so users can override a family.
    """
    number = codec.number
    for cache in (DECODERS, ENCODERS, PARSERS):
        cache.clear()
    _ENCODERS[os, number if encode is None else encode] = codec
    if decode != -1:
        _DECODERS[os, number if decode is None else decode] = codec
        for struct in (codec.struct, *codec.structs):
            _STRUCTS.setdefault(struct, number)


def encoder_for(family: int, os: str = "linux") -> Family | None:
    """The codec that encodes for a socket of ``family`` on ``os``."""
    _load()
    return _ENCODERS.get((os, family))


def decoder_for(family: int, os: str = "linux") -> Family | None:
    """The codec that decodes bytes whose ``sa_family`` is ``family`` on ``os``."""
    _load()
    return _DECODERS.get((os, family))


def family_of_struct(struct: str) -> int | None:
    """The family number whose codec uses ``struct``."""
    _load()
    return _STRUCTS.get(struct)


_loaded = False


def _load() -> None:
    # Every public module of this package is a family that registers itself on
    # import; they load on first use so that `import sockaddr` stays cheap.
    global _loaded  # noqa: PLW0603
    if not _loaded:
        _loaded = True
        import importlib  # noqa: PLC0415
        import pkgutil  # noqa: PLC0415

        for module in pkgutil.iter_modules(__path__):
            if not module.name.startswith("_"):
                importlib.import_module(f"{__name__}.{module.name}")
