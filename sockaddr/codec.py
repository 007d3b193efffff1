"""``encode``, ``decode`` and ``parse``: the three entry points of the package."""

from __future__ import annotations

from sockaddr import schemas
from sockaddr.abi import ABI
from sockaddr.errors import DecodeError
from sockaddr.families import Interfaces, decoder_for, encoder_for
from sockaddr.record import Sockaddr

__all__ = ["decode", "encode", "parse"]

Buffer = bytes | bytearray | memoryview


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
    if isinstance(address, Sockaddr):
        return bytes(address)
    abi = ABI.get(abi)
    codec = encoder_for(family, abi.os)
    if codec is None:
        raise OSError(f"{caller}(): bad family")
    return codec.encode(address, family=family, proto=proto, abi=abi, caller=caller,
                        resolve=resolve)


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
    raw = bytes(data)
    if not raw:
        return None
    abi = ABI.get(abi)
    family = _family(raw, abi)
    codec = decoder_for(family, abi.os)
    if codec is None:
        # CPython's fallback: (sa_family, the 14 bytes of sa_data), zero-filled.
        return family, layout_pad(raw, 16)[2:16]
    return codec.decode(raw, proto=proto, abi=abi, interfaces=interfaces)


def parse(data: Buffer, *, proto: int = 0, abi: ABI | str | None = None) -> Sockaddr:
    """The lossless :class:`Sockaddr` record of ``data``: ``bytes(rec) == data``.

    >>> import sockaddr
    >>> rec = sockaddr.parse(bytes.fromhex("2800000000040000030000000100000000"))
    >>> rec.svm_cid, rec.svm_port, rec.svm_flags
    (3, 1024, 1)
    """
    raw = bytes(data)
    abi = ABI.get(abi)
    family = _family(raw, abi)
    codec = decoder_for(family, abi.os)
    if codec is None:
        return Sockaddr.from_bytes("sockaddr", raw, abi=abi, proto=proto)
    return codec.parse(raw, proto=proto, abi=abi)
