"""AF_RXRPC: ``struct sockaddr_rxrpc`` (<linux/rxrpc.h>; Documentation/networking/rxrpc.rst).

CPython's ``socket`` module has no tuple for AF_RXRPC.  The address is::

    (srx_service, transport_type, (family, address))

``transport_type`` is the transport socket's type (the kernel takes only
``SOCK_DGRAM``); the transport is a *tagged* address: ``family`` is
``AF_INET`` or ``AF_INET6`` and ``address`` what that family's codec takes and
gives (``("10.0.0.1", 7001)``, ``("::1", 7001, 0, 0)``).  It is encoded by the
package's own AF_INET/AF_INET6 codec -- same host rules, same errors -- and
``transport_len`` is the length of the result (16 or 28).  ``address`` may also
be a :class:`~sockaddr.Sockaddr` record of that family.

Decoding follows ``rxrpc_validate_address()``: the whole struct (36 bytes),
``2 <= transport_len <= 28``, a transport family AF_INET (``transport_len >=
16``) or AF_INET6 (``transport_len >= 28``); anything else raises
:class:`~sockaddr.DecodeError`.  The transport decodes from its first
``transport_len`` bytes.  ``decode(encode(a)) == a`` (with IPv6 hosts in their
canonical text form); ``encode(decode(b)) == b`` for every ``b`` that
``encode()`` could have written -- zero bytes past the transport and the
transport's own padding, ``transport_len`` 16 or 28.  ``parse()`` keeps every
byte.

>>> import socket, sockaddr
>>> raw = sockaddr.encode(33, (52, socket.SOCK_DGRAM, (socket.AF_INET, ("127.0.0.1", 7001))))
>>> len(raw), sockaddr.decode(raw)
(36, (52, 2, (2, ('127.0.0.1', 7001))))
"""

from __future__ import annotations

from typing import Any

from sockaddr import codec, schemas
from sockaddr._args import expect_tuple, index
from sockaddr.abi import ABI
from sockaddr.errors import DecodeError
from sockaddr.families import Family, register

__all__ = ["Rxrpc", "sa_family", "transport_bytes", "transport_value"]


def transport_bytes(transport: object, *, abi: ABI, caller: str, resolve: bool,
                    field: str = "transport") -> tuple[int, bytes]:
    """``(family, bytes)`` of a tagged transport address ``(AF_INET|AF_INET6, address)``.

    The address is encoded by the package's codec of that family.
    """
    if not isinstance(transport, tuple):
        raise TypeError(f"{caller}(): {field} must be a pair (family, address), "
                        f"not {type(transport).__name__}")
    if len(transport) != 2:
        raise TypeError(f"{caller}(): {field} must be a pair (family, address), "
                        f"not {len(transport)} items")
    family = index(transport[0])
    inet = (schemas.constant("AF_INET"), schemas.constant("AF_INET6"))
    if family not in inet:
        raise ValueError(f"{caller}(): {field} family must be AF_INET ({inet[0]}) or "
                         f"AF_INET6 ({inet[1]}), not {family}")
    return family, codec.encode(family, transport[1], abi=abi, caller=caller, resolve=resolve)


def transport_value(data: bytes, *, abi: ABI, offset: int, struct: str,
                    whole: bytes) -> tuple[int, object]:
    """The tagged transport ``(family, address)`` of the sockaddr bytes ``data``.

    ``offset`` is where ``data`` starts inside ``whole`` (the bytes of
    ``struct``): a :class:`DecodeError` names offsets in ``whole``.
    """
    try:
        value = codec.decode(data, abi=abi)
    except DecodeError as e:
        raise DecodeError(f"transport: {e}", offset=offset + e.offset, struct=struct,
                          data=whole) from None
    assert isinstance(value, tuple)
    return sa_family(data, abi), value


def sa_family(data: bytes, abi: ABI) -> int:
    """The ``sa_family`` of sockaddr bytes (at least 2 of them)."""
    generic = schemas.fast("sockaddr", abi)
    return int(generic.unpack(data[:generic.size].ljust(generic.size, b"\0"))[0])


class Rxrpc(Family):
    """AF_RXRPC: ``(srx_service, transport_type, (family, address))``."""

    name = "AF_RXRPC"
    struct = "sockaddr_rxrpc"

    def encode(self, address: object, *, family: int, proto: int, abi: ABI, caller: str,
               resolve: bool) -> bytes:
        items = expect_tuple(address, caller, "AF_RXRPC")
        if len(items) != 3:
            raise TypeError("AF_RXRPC address must be a tuple "
                            "(srx_service, transport_type, (family, address))")
        service, transport_type = (index(v) for v in items[:2])
        if not 0 <= service <= 0xFFFF:
            raise OverflowError(f"{caller}(): srx_service must be 0-65535.")
        if not 0 <= transport_type <= 0xFFFF:
            raise OverflowError(f"{caller}(): transport_type must be 0-65535.")
        _, inner = transport_bytes(items[2], abi=abi, caller=caller, resolve=resolve)
        fast = self.fast(abi)
        size = fast.size - fast.layout.offsetof("transport")
        return fast.pack(family, service, transport_type, len(inner), inner.ljust(size, b"\0"))

    def decode(self, data: bytes, *, proto: int, abi: ABI, interfaces: Any) -> object:
        self.check_length(data, abi)
        layout = schemas.layout(self.struct, abi)
        _, service, transport_type, transport_len, transport = self.fast(abi).unpack(data)
        at = layout.offsetof("transport")
        if not 2 <= transport_len <= len(transport):
            offset = layout.offsetof("transport_len")
            raise DecodeError(f"transport_len {transport_len} is not 2-{len(transport)} "
                              f"(at offset {offset})", offset=offset, struct=self.struct,
                              data=data)
        family = sa_family(transport, abi)
        sizes = {schemas.constant("AF_INET"): schemas.layout("sockaddr_in", abi).size,
                 schemas.constant("AF_INET6"): schemas.layout("sockaddr_in6", abi).size}
        if family not in sizes:
            raise DecodeError(f"transport family {family} is neither AF_INET nor AF_INET6 "
                              f"(at offset {at})", offset=at, struct=self.struct, data=data)
        if transport_len < sizes[family]:
            offset = layout.offsetof("transport_len")
            raise DecodeError(f"transport_len {transport_len} is shorter than the "
                              f"transport's sockaddr ({sizes[family]}) (at offset {offset})",
                              offset=offset, struct=self.struct, data=data)
        return service, transport_type, transport_value(
            transport[:transport_len], abi=abi, offset=at, struct=self.struct, whole=data)


register(Rxrpc())
