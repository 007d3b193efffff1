"""AF_TIPC: ``struct sockaddr_tipc`` (``<linux/tipc.h>``; net/tipc/socket.c).

Tuple ``(addr_type, v1, v2, v3[, scope])``, parsed by CPython's
``getsockaddrarg()`` with ``"IIII|I"``; ``scope`` defaults to
``TIPC_CLUSTER_SCOPE``.  ``addr_type`` picks the arm of the ``addr`` union
and where the values go:

======================  ===========  ============  ===============  ======================
addr_type               arm          v1            v2               v3
======================  ===========  ============  ===============  ======================
TIPC_ADDR_NAMESEQ (1)   ``nameseq``  ``type``      ``lower``        ``upper``
TIPC_ADDR_NAME (2)      ``name``     ``type``      ``instance``     ignored; ``domain`` 0
TIPC_ADDR_ID (3)        ``id``       ``node`` @8   ``ref`` @4       ignored
======================  ===========  ============  ===============  ======================

Decoding gives what ``makesockaddr()`` gives: ``(1, type, lower, upper,
scope)``, ``(2, type, instance, instance, scope)`` (the domain is dropped) and
``(3, node, ref, 0, scope)``; ``scope`` is the ``signed char`` read as a C
``unsigned int``, so a scope of -1 decodes as 4294967295.

Where CPython wraps we raise :class:`OverflowError`: ``addr_type`` and
``v1``-``v3`` must be 0..2**32-1 (``v3`` even where it is ignored, since
CPython parses it as ``I`` too); ``scope`` must be a ``signed char``,
-128..127 (a negative scope withdraws a binding: ``__tipc_bind()``), or
4294967168..4294967295, the form decoding returns for a negative scope, so
that every decoded tuple encodes back to its bytes.  An ``addr_type`` that
CPython rejects as well (its value modulo 2**32 is not 1, 2 or 3) raises
CPython's ``TypeError: Invalid address type``.

Decoding needs ``sizeof(struct sockaddr_tipc)`` (16) bytes, the kernel's
minimum (``tipc_uaddr_valid()``, net/tipc/addr.h); bytes past it are ignored,
as by the kernel and CPython.  An ``addrtype`` other than 1..3 raises
:class:`~sockaddr.DecodeError` with CPython's message (CPython raises
``ValueError: Invalid address type``; DecodeError is a ValueError).
``parse()`` reads ``addr`` through the arm ``addrtype`` names, and keeps it as
12 raw bytes for any other ``addrtype``: a record never fails on a valid length.

>>> import socket, sockaddr
>>> sockaddr.encode(socket.AF_TIPC, (3, 0x01001001, 42, 0)).hex()   # ID: ref @4, node @8
'1e0003022a0000000110000100000000'
>>> sockaddr.decode(sockaddr.encode(socket.AF_TIPC, (2, 18888, 17, 0, -2)))
(2, 18888, 17, 17, 4294967294)
"""

from __future__ import annotations

from typing import Any

from sockaddr import schemas
from sockaddr._args import expect_tuple, index, unsigned
from sockaddr.abi import ABI
from sockaddr.errors import DecodeError
from sockaddr.families import Family, register
from sockaddr.layout import Bytes, FastCodec
from sockaddr.record import Sockaddr

__all__ = ["Tipc"]

_U32 = 1 << 32
#: The arm of ``sockaddr_tipc.addr`` each address type uses.
_ARMS = {"TIPC_ADDR_NAMESEQ": "nameseq", "TIPC_ADDR_NAME": "name", "TIPC_ADDR_ID": "id"}
_SHAPE = "AF_TIPC address must be a tuple (addr_type, v1, v2, v3[, scope])"


class Tipc(Family):
    """AF_TIPC: ``(addr_type, v1, v2, v3, scope)``; the union arm follows ``addr_type``."""

    name = "AF_TIPC"
    struct = "sockaddr_tipc"

    @staticmethod
    def arm(addrtype: int) -> str | None:
        """The ``addr`` arm of ``addrtype`` (None: not an address type)."""
        for constant, arm in _ARMS.items():
            if schemas.constant(constant) == addrtype:
                return arm
        return None

    def _fast(self, abi: ABI, arm: str) -> FastCodec:
        return schemas.fast(self.struct, abi, select={"addr": arm})

    def encode(self, address: object, *, family: int, proto: int, abi: ABI, caller: str,
               resolve: bool) -> bytes:
        items = expect_tuple(address, caller, self.name)
        if not 4 <= len(items) <= 5:
            raise TypeError(_SHAPE)
        # "IIII|I": every item is converted (TypeError for a non-integer) before
        # getsockaddrarg() looks at addr_type.
        addr_type, v1, v2, v3, scope = (
            index(v) for v in (*items, schemas.constant("TIPC_CLUSTER_SCOPE", abi))[:5])
        arm = self.arm(addr_type % _U32)
        if arm is None:
            raise TypeError("Invalid address type")
        addr_type = unsigned(addr_type, 32, f"{caller}(): addr_type must be 0-4294967295.")
        for label, value in (("v1", v1), ("v2", v2), ("v3", v3)):
            unsigned(value, 32, f"{caller}(): {label} must be 0-4294967295.")
        if not (-128 <= scope <= 127 or _U32 - 128 <= scope < _U32):
            raise OverflowError(f"{caller}(): scope must be -128 to 127, or 4294967168 to "
                                "4294967295 as a negative scope decodes.")
        # A scope in 4294967168..4294967295 is the signed char it decodes from.
        head = {"family": family, "addrtype": addr_type,
                "scope": scope - _U32 if scope >= _U32 - 128 else scope}
        # getsockaddrarg()'s field placement: ID puts v1 in node (offset 8), v2 in ref.
        body: dict[str, int] = {
            "nameseq": {"addr.type": v1, "addr.lower": v2, "addr.upper": v3},
            "name": {"addr.name.type": v1, "addr.name.instance": v2, "addr.domain": 0},
            "id": {"addr.node": v1, "addr.ref": v2},
        }[arm]
        return self._pack(self._fast(abi, arm), head | body)

    @staticmethod
    def _pack(fast: FastCodec, fields: dict[str, Any]) -> bytes:
        # Leaves not named (the padding after `id`) are zero.
        kinds = {path: kind for path, _, kind in fast.layout.leaves()}
        return fast.pack(*(fields.get(n, bytes(kinds[n].size) if isinstance(kinds[n], Bytes)
                                      else 0) for n in fast.names))

    def decode(self, data: bytes, *, proto: int, abi: ABI, interfaces: Any) -> object:
        self.check_length(data, abi)
        _, addrtype, scope, _ = self.fast(abi).unpack(data)
        arm = self.arm(addrtype)
        if arm is None:
            error = DecodeError("Invalid address type",
                                offset=self.layout(proto, abi).offsetof("addrtype"), data=data)
            error.struct = self.struct      # set after: the message stays CPython's
            raise error
        fast = self._fast(abi, arm)
        v = dict(zip(fast.names, fast.unpack(data), strict=True))
        # makesockaddr() passes the signed char scope to Py_BuildValue("I").
        scope %= _U32
        if arm == "nameseq":
            return addrtype, v["addr.type"], v["addr.lower"], v["addr.upper"], scope
        if arm == "name":
            instance = v["addr.name.instance"]
            return addrtype, v["addr.name.type"], instance, instance, scope
        return addrtype, v["addr.node"], v["addr.ref"], 0, scope

    def parse(self, data: bytes, *, proto: int, abi: ABI) -> Sockaddr:
        self.check_length(data, abi)
        layout = self.layout(proto, abi)
        arm = self.arm(self.fast(abi).unpack(data)[1])
        if arm is not None:
            layout = layout.select(addr=arm)
        return Sockaddr.from_bytes(self.struct, data, abi=abi, proto=proto, layout=layout)


register(Tipc())
