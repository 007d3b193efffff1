"""Hot-path builders shared by families whose tuple is two unsigned C fields.

AF_VSOCK ``(cid, port)``, AF_NETLINK ``(pid, groups)`` and AF_QIPCRTR
``(node, port)`` decode and encode the same way: one precompiled view of the
two fields (:meth:`sockaddr.layout.FastCodec.view`), and for encoding a check
that lets only the plain case through — an exact ``tuple`` of two exact
``int`` in range — so that anything else takes the family's reference
:meth:`~sockaddr.families.Family.encode`, with CPython's conversions and errors.
"""

from __future__ import annotations

from sockaddr.abi import ABI
from sockaddr.errors import DecodeError
from sockaddr.families import Decoder, Encoder, Family, Interfaces, family_error
from sockaddr.layout import Scalar

__all__ = ["pair_decoder", "pair_encoder"]


def _ordered(family: Family, abi: ABI, first: str, second: str) -> tuple[bool, list[str]]:
    fast = family.fast(abi)
    swapped = fast.index(first) > fast.index(second)
    return swapped, [second, first] if swapped else [first, second]


def _unsigned_max(kind: object) -> int:
    assert isinstance(kind, Scalar), kind     # the pairs are unsigned ints in the schemas
    assert not kind.signed, kind
    return (1 << 8 * kind.size) - 1


def pair_decoder(family: Family, number: int, abi: ABI, fields: tuple[str, str, str]
                 ) -> Decoder:
    """``fields`` are the family field and the pair: ``(first, second)`` read from the
    struct, whatever their order in it."""
    family_field, first, second = fields
    fast = family.fast(abi)
    swapped, names = _ordered(family, abi, first, second)
    view = fast.view(family_field, *names, order=fast.view(*names).format[0])
    read, mine = view.unpack_from, fast.recode(family_field, number, view)
    need, struct = family.required_length(0, abi), family.struct

    def decode(data: bytes, interfaces: Interfaces = None, /) -> object:
        if len(data) < need:
            raise DecodeError.short(struct, data, need)
        got, a, b = read(data)
        if got != mine:
            raise family_error(struct, data, number, abi)
        return (b, a) if swapped else (a, b)
    return decode


def pair_encoder(family: Family, number: int, abi: ABI, fields: tuple[str, str, str]
                 ) -> Encoder:
    """The struct holding the family field ``= number`` and the pair, zero elsewhere."""
    family_field, first, second = fields
    fast = family.fast(abi)
    swapped, names = _ordered(family, abi, first, second)
    view = fast.view(family_field, *names, order=fast.view(*names).format[0], end=fast.size)
    pack, value = view.pack, fast.recode(family_field, number, view)
    kinds = {path: ctype for path, _, ctype in fast.layout.leaves()}
    hi_a, hi_b = (_unsigned_max(kinds[name]) for name in (first, second))
    slow = Family.encoder(family, number, 0, abi)

    def encode(address: object, caller: str = "encode", resolve: bool = False, /) -> bytes:
        if address.__class__ is tuple and len(address) == 2:
            a, b = address
            if (a.__class__ is int and b.__class__ is int and 0 <= a <= hi_a
                    and 0 <= b <= hi_b):
                return pack(value, b, a) if swapped else pack(value, a, b)
        return slow(address, caller, resolve)
    return encode
