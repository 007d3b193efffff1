"""``encode``, ``decode`` and ``parse``: the three entry points of the package."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sockaddr import schemas
from sockaddr.abi import ABI
from sockaddr.errors import DecodeError
from sockaddr.families import (
    DECODERS,
    ENCODERS,
    PARSERS,
    Decoder,
    Encoder,
    Interfaces,
    Parser,
    decoder_for,
    encoder_for,
    family_bytes,
    family_error,
)
from sockaddr.record import Sockaddr

__all__ = ["Codec", "decode", "decode_list", "encode", "parse"]

Buffer = bytes | bytearray | memoryview

# Each call looks up, by abi as the caller spelled it, by proto and then by the
# family, a closure its Family resolved once (Family.decoder/encoder/parser): the
# ABI, struct views and checks are bound in it, so a call costs three dict
# lookups on top of the work.  The first call of a kind takes the slow path that
# fills the tables; a caller cycling through many protocols must not grow them
# forever.
_MAX_PROTOS = 64


def encode(family: int, address: object, *, proto: int = 0, abi: ABI | str | None = None,
           caller: str = "encode", resolve: bool = False) -> bytes:
    """The bytes CPython's ``getsockaddrarg()`` hands the kernel for ``address``.

    ``family`` and ``proto`` are the socket's, as in CPython: the tuple
    never chooses the family.  The result is exactly ``addrlen`` long.
    ``caller`` names the method in error messages (CPython says
    ``bind(): port must be 0-65535.``).  Host names are not resolved unless
    ``resolve`` is true.  A :class:`Sockaddr` record is encoded as its bytes.

    >>> import socket, sockaddr
    >>> sockaddr.encode(socket.AF_INET, ("127.0.0.1", 80)).hex()
    '020000507f0000010000000000000000'
    """
    try:
        fn = ENCODERS[abi][proto][family]
    except KeyError:
        fn = _encoder(family, proto, abi, caller, address)
    return fn(address, caller, resolve)


def _encoder(family: int, proto: int, abi: ABI | str | None, caller: str,
             address: object) -> Encoder:
    resolved = ABI.get(abi)
    codec = encoder_for(family, resolved.os)
    if codec is None:
        if isinstance(address, Sockaddr):
            return lambda address, caller="", resolve=False, /: bytes(address)
        raise OSError(f"{caller}(): bad family")
    fn = codec.encoder(family, proto, resolved)
    _table(ENCODERS, abi, proto)[family] = fn
    return fn


def _table(tables: dict[object, dict[int, dict[Any, Any]]], abi: object, proto: int
           ) -> dict[Any, Any]:
    protos = tables.setdefault(abi, {})
    if len(protos) >= _MAX_PROTOS:
        protos.clear()
    return protos.setdefault(proto, {})


def _family(data: bytes, abi: ABI) -> int:
    layout = schemas.fast("sockaddr", abi)
    if len(data) < 2:
        raise DecodeError.short("sockaddr", data, 2)
    return int(layout.unpack(layout_pad(data, layout.size))[0])


def layout_pad(data: bytes, size: int) -> bytes:
    """``data`` zero-filled to ``size`` bytes."""
    return data if len(data) >= size else data + bytes(size - len(data))


def decode(data: Buffer, *, proto: int = 0, abi: ABI | str | None = None,
           interfaces: Interfaces = None) -> object:
    """What CPython's ``makesockaddr()`` returns for ``data``.

    The family is read from the bytes; ``proto`` picks the variant of
    families whose tuple depends on the socket's protocol.  Empty data gives
    ``None`` (addrlen 0).  ``interfaces`` names interface indexes (AF_PACKET)
    for bytes captured on another machine.  Raises :class:`DecodeError`.

    >>> import sockaddr
    >>> sockaddr.decode(bytes.fromhex("0a001f90000000000000000000000000000000000000000100000000"))
    ('::1', 8080, 0, 0)
    """
    if data.__class__ is not bytes:
        data = bytes(data)
    try:
        fn = DECODERS[abi][proto][data[:2]]
    except KeyError:
        fn = _decoder(data, proto, abi)
    return fn(data, interfaces)


def decode_list(datas: list[bytes], proto: int = 0,
                abi: ABI | str | None = None) -> list[object]:
    """``[decode(data, proto=proto, abi=abi) for data in datas]``, for bytes only.

    The table of ``abi`` and ``proto`` is looked up once, not per address
    (~0.2 µs of each: a fifth of decoding an audit log's addresses).
    Raises what :func:`decode` raises for the first address it refuses.

    >>> from sockaddr.codec import decode_list
    >>> decode_list([bytes.fromhex("02000050c0000201") + bytes(8), b""])
    [('192.0.2.1', 80), None]
    """
    table = _table(DECODERS, abi, proto)
    try:
        return [table[data[:2]](data, None) for data in datas]
    except KeyError:        # a family not met yet: the first of each fills the table
        return [decode(data, proto=proto, abi=abi) for data in datas]


def _decoder(data: bytes, proto: int, abi: ABI | str | None) -> Decoder:
    resolved = ABI.get(abi)
    fn: Decoder
    if not data:
        fn = _none
    else:
        family = _family(data, resolved)
        codec = decoder_for(family, resolved.os)
        fn = codec.decoder(family, proto, resolved) if codec is not None else _unknown(family)
    _table(DECODERS, abi, proto)[data[:2]] = fn
    return fn


def _none(data: bytes, interfaces: Interfaces = None, /) -> None:
    return None


def _unknown(family: int) -> Decoder:
    def fallback(data: bytes, interfaces: Interfaces = None, /) -> object:
        # CPython's fallback: (sa_family, the 14 bytes of sa_data), zero-filled.
        return family, layout_pad(data, 16)[2:16]
    return fallback


def parse(data: Buffer, *, proto: int = 0, abi: ABI | str | None = None) -> Sockaddr:
    """The lossless :class:`Sockaddr` record of ``data``: ``bytes(rec) == data``.

    >>> import sockaddr
    >>> rec = sockaddr.parse(bytes.fromhex("2800000000040000030000000100000000"))
    >>> rec.svm_cid, rec.svm_port, rec.svm_flags
    (3, 1024, 1)
    """
    if data.__class__ is not bytes:
        data = bytes(data)
    try:
        fn = PARSERS[abi][proto][data[:2]]
    except KeyError:
        fn = _parser(data, proto, abi)
    return fn(data)


def _parser(data: bytes, proto: int, abi: ABI | str | None) -> Parser:
    resolved = ABI.get(abi)
    family = _family(data, resolved)
    codec = decoder_for(family, resolved.os)
    fn: Parser
    if codec is not None:
        fn = codec.parser(family, proto, resolved)
    else:
        fn = Sockaddr.reader("sockaddr", resolved, proto)
    _table(PARSERS, abi, proto)[data[:2]] = fn
    return fn


class Codec:
    """One family's codec bound to a protocol and ABI, as :class:`struct.Struct` binds a format.

    :attr:`decode`, :attr:`encode` and :attr:`parse` do what the functions of
    the same names do, without finding the family each call: the choice for
    a loop over addresses of one family (a ``recvfrom()`` loop, a capture of
    one socket).  ``decode``/``parse`` raise :class:`DecodeError` for bytes
    of another ``sa_family``; ``encode(address, caller="encode",
    resolve=False)`` takes the function's arguments positionally.

    >>> import socket, sockaddr
    >>> inet = sockaddr.Codec(socket.AF_INET)
    >>> inet.decode(inet.encode(("127.0.0.1", 80)))
    ('127.0.0.1', 80)
    >>> inet.parse(inet.encode(("127.0.0.1", 80))).sin_port
    80
    """

    __slots__ = ("abi", "decode", "encode", "family", "parse", "proto")

    family: int
    proto: int
    abi: ABI
    decode: Decoder
    encode: Encoder
    parse: Parser

    def __init__(self, family: int, *, proto: int = 0, abi: ABI | str | None = None) -> None:
        resolved = ABI.get(abi)
        encoder, decoder = encoder_for(family, resolved.os), decoder_for(family, resolved.os)
        if encoder is None:
            raise OSError(f"Codec(): bad family {family}")
        sets = object.__setattr__
        sets(self, "family", family)
        sets(self, "proto", proto)
        sets(self, "abi", resolved)
        sets(self, "encode", encoder.encoder(family, proto, resolved))
        if decoder is None:     # AF_RDS: its bytes say AF_INET, CPython's fallback decodes them
            sets(self, "decode", _checked(_unknown(family), family, resolved))
            sets(self, "parse", _checked(Sockaddr.reader("sockaddr", resolved, proto),
                                         family, resolved))
        else:
            sets(self, "decode", decoder.decoder(family, proto, resolved))
            sets(self, "parse", decoder.parser(family, proto, resolved))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Codec is immutable")

    def __repr__(self) -> str:
        return f"Codec({self.family}, proto={self.proto}, abi={self.abi.name!r})"


def _checked(fn: Callable[..., Any], family: int, abi: ABI) -> Any:
    """``fn`` behind a check that the bytes say ``sa_family == family``."""
    mine = family_bytes(family, abi)

    def checked(data: bytes, *rest: Any) -> Any:
        if data[:2] != mine:
            raise family_error("sockaddr", data, family, abi)
        return fn(data, *rest)
    return checked
