"""Families CPython has no tuple for: the address is the struct's fields, in order.

For AF_XDP, AF_MCTP and the other families CPython's ``socket`` module does
not know, the natural Python form is a tuple of the C fields that carry
meaning (the family field and padding excluded), in struct order.  Ranges
come from the schema's C types, so nothing here is specific to a family:
a subclass names its fields and, if the last ones may be left out, how many.
"""

from __future__ import annotations

from typing import Any, ClassVar

from sockaddr._args import bytes_like, expect_tuple, index
from sockaddr.abi import ABI
from sockaddr.families import Family
from sockaddr.layout import Bytes, Scalar

__all__ = ["FieldTuple"]


class FieldTuple(Family):
    """An address given as ``tuple(struct fields)``; omitted trailing ones are zero.

    Integers must fit their C type (``OverflowError`` otherwise, never a
    wrap); byte arrays take any bytes-like object up to their size and are
    zero-filled; decoding gives every byte array at its full size, so
    ``encode(decode(b)) == b`` for every ``b`` whose padding is zero.
    """

    #: Leaf paths (as :attr:`FastCodec.names`) of the tuple's elements.
    fields: ClassVar[tuple[str, ...]]
    #: How many trailing fields may be omitted.
    optional: ClassVar[int] = 0

    def _shape(self) -> str:
        return f"{self.name} address must be a tuple ({', '.join(self.fields)})"

    def encode(self, address: object, *, family: int, proto: int, abi: ABI, caller: str,
               resolve: bool) -> bytes:
        items = expect_tuple(address, caller, self.name)
        if not len(self.fields) - self.optional <= len(items) <= len(self.fields):
            raise TypeError(self._shape())
        fast = self.fast(abi, proto)
        kinds = {path: ctype for path, _, ctype in fast.layout.leaves(self.raw)}
        values: list[Any] = [bytes(k.size) if isinstance(k, Bytes) else 0
                             for k in (kinds[n] for n in fast.names)]
        values[0] = family
        for name, item in zip(self.fields, items, strict=False):
            kind = kinds[name]
            values[fast.index(name)] = (self._bytes(item, kind, name, caller)
                                        if isinstance(kind, Bytes)
                                        else self._int(item, kind, name, caller))
        return fast.pack(*values)

    @staticmethod
    def _int(item: object, kind: Scalar, name: str, caller: str) -> int:
        number = index(item)
        bits = 8 * kind.size
        lo = -(1 << (bits - 1)) if kind.signed else 0
        hi = (1 << (bits - 1 if kind.signed else bits)) - 1
        if not lo <= number <= hi:
            raise OverflowError(f"{caller}(): {name} must be {lo}-{hi}.")
        return number

    @staticmethod
    def _bytes(item: object, kind: Bytes, name: str, caller: str) -> bytes:
        raw = item.encode() if isinstance(item, str) else bytes_like(item)
        if len(raw) > kind.size:
            raise ValueError(f"{caller}(): {name} must be at most {kind.size} bytes, "
                             f"got {len(raw)}")
        return raw.ljust(kind.size, b"\0")

    def decode(self, data: bytes, *, proto: int, abi: ABI, interfaces: Any) -> object:
        self.check_length(data, abi, proto=proto)
        fast = self.fast(abi, proto)
        values = fast.unpack(self.padded(data, abi, proto))
        return tuple(values[fast.index(name)] for name in self.fields)
