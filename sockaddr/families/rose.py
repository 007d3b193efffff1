"""AF_ROSE: ``struct sockaddr_rose`` and ``struct full_sockaddr_rose``.

<linux/rose.h>; rose(4); kernel net/rose/af_rose.c.  CPython's ``socket``
module has no tuple for AF_ROSE; the natural form here is::

    (address, call, digi)     struct sockaddr_rose        (28 bytes)
    (address, call, digis)    struct full_sockaddr_rose   (64 bytes)

``address`` is the ROSE address as ``rose2asc()`` prints it: the 5 bytes of
``rose_address`` (ten BCD digits, DNIC and number) as 10 upper-case hex
digits, ``"3100123456"`` (lower case is accepted when encoding).  ``call``
is an AX.25 callsign as in :mod:`sockaddr.families.ax25` (``"N0CALL-1"``, or
7 raw bytes).

The short struct holds one digipeater: ``digi`` is a callsign
(``srose_ndigis = 1``) or ``None`` (``srose_ndigis = 0``, ``srose_digi``
zero); ``(address, call)`` is the same as ``None``.  A tuple (or list) of 0-6
callsigns as the third item selects the full struct.  ``rose_getname()``
always answers with the full struct; ``recvmsg()`` fills the short one when
the caller's buffer is smaller.

Decoding needs 28 bytes (the kernel takes exactly 28 or 64); data of 64 bytes
or more reads as the full struct.  ``srose_ndigis`` must be 0 or 1 in the
short struct and 0-6 in the full one (``rose_bind()``/``rose_connect()``
refuse the rest, ``EINVAL``), else :class:`DecodeError`.  Digipeater bytes past
``srose_ndigis`` are ignored, as is padding; ``parse()`` keeps them.

>>> import sockaddr
>>> raw = sockaddr.encode(11, ("3100123456", "N0CALL-1", ("RELAY-0",)))
>>> len(raw), raw[2:7].hex()
(64, '3100123456')
>>> sockaddr.decode(raw)
('3100123456', 'N0CALL-1', ('RELAY-0',))
>>> sockaddr.decode(sockaddr.encode(11, ("3100123456", "N0CALL-1")))
('3100123456', 'N0CALL-1', None)
"""

from __future__ import annotations

import re
from typing import Any

from sockaddr import schemas
from sockaddr._args import expect_tuple
from sockaddr.abi import ABI
from sockaddr.errors import DecodeError
from sockaddr.families import Family, register
from sockaddr.families.ax25 import AX25_ADDR_LEN, decode_callsign, encode_callsign
from sockaddr.layout import Struct, read, write
from sockaddr.record import Sockaddr

__all__ = ["Rose"]

ROSE_MAX_DIGIS = schemas.constant("ROSE_MAX_DIGIS")
_FULL = "full_sockaddr_rose"
_HEX10 = re.compile(r"[0-9A-Fa-f]{10}")


def _address(value: object, caller: str) -> dict[str, bytes]:
    if not isinstance(value, str):
        raise TypeError(f"{caller}(): ROSE address must be str, not {type(value).__name__}")
    if _HEX10.fullmatch(value) is None:
        raise ValueError(f"{caller}(): ROSE address must be 10 hex digits, got {value!r}")
    return {"rose_addr": bytes.fromhex(value)}


class Rose(Family):
    """AF_ROSE: ``(address, call, digi)`` or ``(address, call, digis)``."""

    name = "AF_ROSE"
    struct = "sockaddr_rose"
    structs = (_FULL,)
    min_length = 28          # sizeof(struct sockaddr_rose)

    def encode(self, address: object, *, family: int, proto: int, abi: ABI, caller: str,
               resolve: bool) -> bytes:
        items = expect_tuple(address, caller, self.name)
        if not 2 <= len(items) <= 3:
            raise TypeError("AF_ROSE address must be (address, call), (address, call, digi) "
                            "or (address, call, digipeaters)")
        values: dict[str, Any] = {
            "srose_family": family,
            "srose_addr": _address(items[0], caller),
            "srose_call": {"ax25_call": encode_callsign(items[1], "call", caller)},
        }
        digi = items[2] if len(items) == 3 else None
        if isinstance(digi, tuple | list):
            if len(digi) > ROSE_MAX_DIGIS:
                raise ValueError(f"{caller}(): AF_ROSE takes at most {ROSE_MAX_DIGIS} "
                                 f"digipeaters, got {len(digi)}")
            slots = [encode_callsign(d, "digipeater", caller) for d in digi]
            slots += [bytes(AX25_ADDR_LEN)] * (ROSE_MAX_DIGIS - len(slots))
            values["srose_ndigis"] = len(digi)
            values["srose_digis"] = tuple({"ax25_call": s} for s in slots)
            return _build(schemas.layout(_FULL, abi), values)
        if digi is not None:
            values["srose_ndigis"] = 1
            values["srose_digi"] = {"ax25_call": encode_callsign(digi, "digipeater", caller)}
        return _build(schemas.layout(self.struct, abi), values)

    def decode(self, data: bytes, *, proto: int, abi: ABI, interfaces: Any) -> object:
        self.check_length(data, abi)
        layout = self._layout_for(data, abi)
        fields = read(layout, data)
        ndigis = fields["srose_ndigis"]
        head = (fields["srose_addr"]["rose_addr"].hex().upper(),
                decode_callsign(fields["srose_call"]["ax25_call"]))
        if layout.name == _FULL:
            if ndigis > ROSE_MAX_DIGIS:
                raise DecodeError(f"srose_ndigis {ndigis} is not 0-{ROSE_MAX_DIGIS}",
                                  offset=layout.offsetof("srose_ndigis"), struct=_FULL,
                                  data=data)
            return (*head, tuple(decode_callsign(d["ax25_call"])
                                 for d in fields["srose_digis"][:ndigis]))
        if ndigis not in (0, 1):
            raise DecodeError(f"srose_ndigis {ndigis} is not 0 or 1",
                              offset=layout.offsetof("srose_ndigis"), struct=self.struct,
                              data=data)
        return (*head, decode_callsign(fields["srose_digi"]["ax25_call"]) if ndigis else None)

    def _layout_for(self, data: bytes, abi: ABI) -> Struct:
        full = schemas.layout(_FULL, abi)
        return full if len(data) >= full.size else schemas.layout(self.struct, abi)

    def parse(self, data: bytes, *, proto: int, abi: ABI) -> Sockaddr:
        self.check_length(data, abi)
        layout = self._layout_for(data, abi)
        return Sockaddr.from_bytes(layout.name, data, abi=abi, proto=proto)


def _build(layout: Struct, values: dict[str, Any]) -> bytes:
    buf = bytearray(layout.size)
    write(layout, values, buf)
    return bytes(buf)


register(Rose())
