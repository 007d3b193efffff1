"""AF_IEEE802154: ``struct sockaddr_ieee802154`` (kernel include/net/af_ieee802154.h).

The header is kernel-internal (no ``<linux/...>`` exports it); the layout in
``schemas/linux/af_ieee802154.toml`` is taken from the kernel source::

    struct ieee802154_addr_sa {
        int addr_type;
        u16 pan_id;
        union { u8 hwaddr[IEEE802154_ADDR_LEN]; u16 short_addr; };
    };
    struct sockaddr_ieee802154 { sa_family_t family; struct ieee802154_addr_sa addr; };

CPython's ``socket`` module has no tuple for AF_IEEE802154.  The address is
``(addr_type, pan_id[, addr])``, where ``addr`` is read through the union arm
that ``addr_type`` names, as the kernel's ``ieee802154_addr_from_sa()`` does:

* ``IEEE802154_ADDR_SHORT`` (2): ``addr`` is the 16-bit ``short_addr``, an int
  in host order (the kernel converts it with ``cpu_to_le16``);
* ``IEEE802154_ADDR_LONG`` (3): ``addr`` is the 8 bytes of ``hwaddr``, the
  EUI-64 in network order;
* any other type (``IEEE802154_ADDR_NONE``, 0, or a value the kernel refuses):
  ``addr`` is the union's 8 raw bytes (zero for a NONE address).

``pan_id`` is a host-order ``u16``; ``addr_type`` a C ``int``.  ``addr``
defaults to 0 / zero bytes; bytes shorter than 8 are zero-filled except for a
long address, which must be exactly 8.

Decoding follows ``ieee802154_sockaddr_check_size()``: at least 8 bytes (up to
``addr_type``), 12 for a short address (up to ``short_addr``), 18 for a long
one (up to ``hwaddr``); shorter raises :class:`~sockaddr.DecodeError`; missing
bytes read as zero.  ``decode(encode(a)) == a``; ``encode(decode(b)) == b``
for every 20-byte ``b`` whose padding is zero and, for a short address, whose
union bytes past ``short_addr`` are zero (the kernel ignores them; ``parse()``
keeps them).

>>> import sockaddr
>>> raw = sockaddr.encode(36, (2, 0xabcd, 0x0001), abi="linux-x86_64")
>>> raw.hex(), sockaddr.decode(raw, abi="linux-x86_64")
('2400000002000000cdab01000000000000000000', (2, 43981, 1))
"""

from __future__ import annotations

from typing import Any

from sockaddr import layout as lay
from sockaddr import schemas
from sockaddr._args import bytes_like, c_int, expect_tuple, index
from sockaddr.abi import ABI
from sockaddr.families import Family, register
from sockaddr.layout import Bytes, CType, Scalar, Struct
from sockaddr.record import Sockaddr

__all__ = ["Ieee802154"]

# The anonymous union's arms, as offsetof() spells them.
_SHORT = "addr.short_addr"
_HWADDR = "addr.hwaddr"


def _member(struct: Struct, path: str) -> tuple[int, CType]:
    """Offset and type of ``path`` in ``struct``, through the anonymous union.

    ``"addr."`` (an empty last name, as C would have it) is the union itself.
    """
    if path.endswith("."):
        base, outer = struct.member(path[:-1])
        assert isinstance(outer, Struct)
        inner = next(f for f in outer.fields if f.anonymous)
        return base + inner.offset, inner.type
    return struct.member(path)


def _end(struct: Struct, path: str) -> int:
    """``offsetofend(struct, path)``."""
    offset, ctype = _member(struct, path)
    return offset + ctype.size


class Ieee802154(Family):
    """AF_IEEE802154: ``(addr_type, pan_id, addr)``."""

    name = "AF_IEEE802154"
    struct = "sockaddr_ieee802154"

    @property
    def min_length(self) -> int:  # type: ignore[override]
        # IEEE802154_MIN_NAMELEN: up to the end of addr_type (the same on every ABI).
        return _end(schemas.layout(self.struct), "addr.addr_type")

    def _need(self, addr_type: int, abi: ABI) -> int:
        # ieee802154_sockaddr_check_size(): up to the end of the arm the type uses.
        layout = schemas.layout(self.struct, abi)
        if addr_type == schemas.constant("IEEE802154_ADDR_SHORT"):
            return _end(layout, _SHORT)
        if addr_type == schemas.constant("IEEE802154_ADDR_LONG"):
            return _end(layout, _HWADDR)
        return _end(layout, "addr.addr_type")

    def encode(self, address: object, *, family: int, proto: int, abi: ABI, caller: str,
               resolve: bool) -> bytes:
        items = expect_tuple(address, caller, "AF_IEEE802154")
        if not 2 <= len(items) <= 3:
            raise TypeError("AF_IEEE802154 address must be a tuple (addr_type, pan_id[, addr])")
        addr_type = c_int(items[0], overflow=f"{caller}(): addr_type must be "
                                              "-2147483648-2147483647.")
        pan_id = index(items[1])
        if not 0 <= pan_id <= 0xFFFF:
            raise OverflowError(f"{caller}(): pan_id must be 0-65535.")
        layout = schemas.layout(self.struct, abi)
        union_at, union = _member(layout, "addr.")
        buf = bytearray(union.size)
        if addr_type == schemas.constant("IEEE802154_ADDR_SHORT"):
            short = index(items[2]) if len(items) > 2 else 0
            if not 0 <= short <= 0xFFFF:
                raise OverflowError(f"{caller}(): short_addr must be 0-65535.")
            at, kind = _member(layout, _SHORT)
            assert isinstance(kind, Scalar)
            lay.write(kind, short, buf, at - union_at)
        else:
            raw = bytes_like(items[2]) if len(items) > 2 else b""
            if addr_type == schemas.constant("IEEE802154_ADDR_LONG") and len(raw) != len(buf):
                raise ValueError(f"{caller}(): hwaddr must be {len(buf)} bytes, got {len(raw)}")
            if len(raw) > len(buf):
                raise ValueError(f"{caller}(): addr must be at most {len(buf)} bytes, "
                                 f"got {len(raw)}")
            buf[:len(raw)] = raw
        fast = self.fast(abi)
        kinds = {path: ctype for path, _, ctype in fast.layout.leaves(self.raw)}
        values: list[Any] = [bytes(k.size) if isinstance(k, Bytes) else 0
                             for k in (kinds[n] for n in fast.names)]
        for name, value in (("family", family), ("addr.addr_type", addr_type),
                            ("addr.pan_id", pan_id), ("addr", bytes(buf))):
            values[fast.index(name)] = value
        return fast.pack(*values)

    def _fields(self, data: bytes, abi: ABI) -> tuple[int, int, bytes]:
        self.check_length(data, abi, need=_end(schemas.layout(self.struct, abi), "addr.addr_type"))
        fast = self.fast(abi)
        values = fast.unpack(self.padded(data, abi))
        addr_type, pan_id, union = (values[fast.index(n)]
                                    for n in ("addr.addr_type", "addr.pan_id", "addr"))
        self.check_length(data, abi, need=self._need(addr_type, abi))
        return addr_type, pan_id, union

    def decode(self, data: bytes, *, proto: int, abi: ABI, interfaces: Any) -> object:
        addr_type, pan_id, union = self._fields(data, abi)
        if addr_type == schemas.constant("IEEE802154_ADDR_SHORT"):
            layout = schemas.layout(self.struct, abi)
            at, kind = _member(layout, _SHORT)
            return addr_type, pan_id, lay.read(kind, union, at - _member(layout, "addr.")[0])
        return addr_type, pan_id, union

    def parse(self, data: bytes, *, proto: int, abi: ABI) -> Sockaddr:
        self._fields(data, abi)      # the same length checks as decode()
        return Sockaddr.from_bytes(self.struct, data, abi=abi, proto=proto)


register(Ieee802154())
