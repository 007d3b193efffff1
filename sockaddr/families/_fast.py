"""Hot-path builders shared by families whose tuple is two unsigned C fields.

AF_VSOCK ``(cid, port)``, AF_NETLINK ``(pid, groups)`` and AF_QIPCRTR
``(node, port)`` decode and encode the same way: one precompiled view of the
two fields (:meth:`sockaddr.layout.FastCodec.view`), and for encoding a check
that lets only the plain case through — an exact ``tuple`` of two values
``struct`` packs — so that anything else takes the family's reference
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

    # CPython reads both items with PyArg_ParseTuple's "I" (any int or __index__,
    # masked to 32 bits); struct takes the same objects and refuses what is out
    # of the field's range, so whatever struct packs is CPython's value, and
    # anything else (another length, a float, -1: CPython masks it) goes to the
    # reference.
    if swapped:
        def encode(address: object, caller: str = "encode", resolve: bool = False, /) -> bytes:
            if address.__class__ is tuple:
                try:
                    a, b = address
                    return pack(value, b, a)
                except (ValueError, struct.error):
                    pass
            return slow(address, caller, resolve)
    else:
        def encode(address: object, caller: str = "encode", resolve: bool = False, /) -> bytes:
            if address.__class__ is tuple:
                try:
                    a, b = address
                    return pack(value, a, b)
                except (ValueError, struct.error):
                    pass
            return slow(address, caller, resolve)
    return encode
