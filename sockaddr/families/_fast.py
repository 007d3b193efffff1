"""Hot-path builders shared by families whose tuple is two unsigned C fields.

AF_VSOCK ``(cid, port)``, AF_NETLINK ``(pid, groups)`` and AF_QIPCRTR
``(node, port)`` decode and encode the same way: one precompiled view of the
two fields (:meth:`sockaddr.layout.FastCodec.view`), and for encoding a check
that lets only the plain case through — an exact ``tuple`` of two exact
``int`` in range — so that anything else takes the family's reference
:meth:`~sockaddr.families.Family.encode`, with CPython's conversions and errors.
"""

from __future__ import annotations

import struct

from sockaddr.abi import ABI
from sockaddr.errors import DecodeError
from sockaddr.families import Decoder, Encoder, Family, Interfaces, family_error

__all__ = ["pair_decoder", "pair_encoder"]


def _ordered(family: Family, abi: ABI, first: str, second: str) -> tuple[bool, list[str]]:
    fast = family.fast(abi)
    swapped = fast.index(first) > fast.index(second)
    return swapped, [second, first] if swapped else [first, second]


def pair_decoder(family: Family, number: int, abi: ABI, fields: tuple[str, str, str]
                 ) -> Decoder:
    """``fields`` are the family field and the pair: ``(first, second)`` read from the
    struct, whatever their order in it."""
    family_field, first, second = fields
    fast = family.fast(abi)
    swapped, names = _ordered(family, abi, first, second)
    need, name = family.required_length(0, abi), family.struct
    # The view spans the bytes the kernel requires: struct.error is the short case.
    view = fast.view(family_field, *names, order=fast.view(*names).format[0], end=need)
    read, mine = view.unpack_from, fast.recode(family_field, number, view)

    if swapped:
        def decode(data: bytes, interfaces: Interfaces = None, /) -> object:
            try:
                got, b, a = read(data)
            except struct.error:
                raise DecodeError.short(name, data, need) from None
            if got != mine:
                raise family_error(name, data, number, abi)
            return a, b
    else:
        def decode(data: bytes, interfaces: Interfaces = None, /) -> object:
            try:
                got, a, b = read(data)
            except struct.error:
                raise DecodeError.short(name, data, need) from None
            if got != mine:
                raise family_error(name, data, number, abi)
            return a, b
    return decode


def pair_encoder(family: Family, number: int, abi: ABI, fields: tuple[str, str, str]
                 ) -> Encoder:
    """The struct holding the family field ``= number`` and the pair, zero elsewhere."""
    family_field, first, second = fields
    fast = family.fast(abi)
    swapped, names = _ordered(family, abi, first, second)
    view = fast.view(family_field, *names, order=fast.view(*names).format[0], end=fast.size)
    pack, value = view.pack, fast.recode(family_field, number, view)
    slow = Family.encoder(family, number, 0, abi)

    # struct's own range check is the schema's (unsigned fields of their C width):
    # struct.error sends the value to the reference, for CPython's error.
    if swapped:
        def encode(address: object, caller: str = "encode", resolve: bool = False, /) -> bytes:
            if address.__class__ is tuple and len(address) == 2:
                a, b = address
                if a.__class__ is int and b.__class__ is int:
                    try:
                        return pack(value, b, a)
                    except struct.error:
                        pass
            return slow(address, caller, resolve)
    else:
        def encode(address: object, caller: str = "encode", resolve: bool = False, /) -> bytes:
            if address.__class__ is tuple and len(address) == 2:
                a, b = address
                if a.__class__ is int and b.__class__ is int:
                    try:
                        return pack(value, a, b)
                    except struct.error:
                        pass
            return slow(address, caller, resolve)
    return encode
