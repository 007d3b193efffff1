"""AF_CAIF: ``struct sockaddr_caif`` (<linux/caif/caif_socket.h>; kernel net/caif/).

CPython's ``socket`` module has no tuple for AF_CAIF.  The struct is a union
whose arm the socket's protocol chooses (``caif_connect()`` copies the
sockaddr, ``caif_connect_req_to_link_param()`` in net/caif/cfcnfg.c reads
the arm of ``sk_protocol``); the natural form is that arm's fields in C order:

=============================================  ==================================  ======
protocol                                       tuple                               ``u``
=============================================  ==================================  ======
``CAIFPROTO_AT`` (0)                           ``(type,)``                         ``at``
``CAIFPROTO_DATAGRAM``, ``_DATAGRAM_LOOP``     ``(connection_id,)``                ``dgm``
``CAIFPROTO_UTIL`` (3)                         ``(service,)``                      ``util``
``CAIFPROTO_RFM`` (4)                          ``(connection_id, volume)``         ``rfm``
``CAIFPROTO_DEBUG`` (5)                        ``(type, service)``                 ``dbg``
=============================================  ==================================  ======

``type`` and the debug ``service`` are ``__u8`` (``CAIF_ATTYPE_PLAIN``,
``CAIF_DEBUG_*``), ``connection_id`` a ``__u32`` in host byte order (the
``dgm`` arm's ``nsapi`` alias is not read by the kernel).  ``service`` (UTIL)
and ``volume`` are names in ``char[16]`` that the kernel copies with
``strscpy()``: a ``str`` (Latin-1) or bytes of at most 15, NUL-terminated.
Decoding needs a NUL in them (:class:`DecodeError` otherwise) and ignores
the bytes after it, the rest of the union and the padding; ``parse()`` keeps
all of them.  Another protocol (the kernel refuses protocols from
``CAIFPROTO_MAX`` on) raises ``OSError("<caller>(): unsupported CAIF
protocol")`` when encoding and :class:`DecodeError` when decoding, as CPython
does for an unknown CAN protocol.

``caif_connect()`` takes exactly ``sizeof(struct sockaddr_caif)`` (24 bytes),
and CAIF sockets have no getname(): decoding needs 24 bytes.

>>> import sockaddr
>>> raw = sockaddr.encode(37, ("psock",), proto=3)           # CAIFPROTO_UTIL
>>> raw[4:12]
b'psock\\x00\\x00\\x00'
>>> sockaddr.decode(raw, proto=3)
('psock',)
>>> sockaddr.decode(sockaddr.encode(37, (7,), proto=1), proto=1)
(7,)
"""

from __future__ import annotations

from typing import Any

from sockaddr import schemas
from sockaddr._args import expect_tuple
from sockaddr.abi import ABI
from sockaddr.errors import DecodeError
from sockaddr.families import Family, register
from sockaddr.families._forms import decode_cstring, encode_cstring, fit
from sockaddr.layout import Bytes, CType, Scalar, Struct, Union, read, write

__all__ = ["Caif"]

#: The arm of ``u`` each protocol reads, and the arm's fields in the tuple.
_ARMS: dict[int, tuple[str, tuple[str, ...]]] = {
    schemas.constant("CAIFPROTO_AT"): ("at", ("type",)),
    schemas.constant("CAIFPROTO_DATAGRAM"): ("dgm", ("connection_id",)),
    schemas.constant("CAIFPROTO_DATAGRAM_LOOP"): ("dgm", ("connection_id",)),
    schemas.constant("CAIFPROTO_UTIL"): ("util", ("service",)),
    schemas.constant("CAIFPROTO_RFM"): ("rfm", ("connection_id", "volume")),
    schemas.constant("CAIFPROTO_DEBUG"): ("dbg", ("type", "service")),
}


def _member(arm: CType, name: str) -> tuple[int, CType]:
    """Offset in the arm and C type of the arm's member ``name``."""
    # A struct arm names its members; the dgm arm is itself a union whose
    # connection_id member is the one the kernel reads.
    if isinstance(arm, Union):
        return 0, arm.arm(name).type
    assert isinstance(arm, Struct)
    member = arm.field(name)
    return member.offset, member.type


class Caif(Family):
    """AF_CAIF: the tuple of the union arm the socket's protocol reads."""

    name = "AF_CAIF"
    struct = "sockaddr_caif"

    def select_for(self, proto: int) -> dict[str, str]:
        arm = _ARMS.get(proto)
        return {"u": arm[0]} if arm else {}

    @staticmethod
    def _union(abi: ABI) -> tuple[Struct, int, Union]:
        layout = schemas.layout("sockaddr_caif", abi)
        field = layout.field("u")
        assert isinstance(field.type, Union)
        return layout, field.offset, field.type

    def encode(self, address: object, *, family: int, proto: int, abi: ABI, caller: str,
               resolve: bool) -> bytes:
        if proto not in _ARMS:
            raise OSError(f"{caller}(): unsupported CAIF protocol")
        arm_name, names = _ARMS[proto]
        items = expect_tuple(address, caller, self.name)
        if len(items) != len(names):
            raise TypeError(f"AF_CAIF address for this protocol must be a tuple "
                            f"({', '.join(names)}{',' if len(names) == 1 else ''})")
        layout, offset, union = self._union(abi)
        arm = union.arm(arm_name).type
        buf = bytearray(layout.size)
        write(layout, {"family": family}, buf)
        for name, item in zip(names, items, strict=True):
            at, kind = _member(arm, name)
            at += offset
            if isinstance(kind, Bytes):
                write(kind, encode_cstring(item, kind.size, name, caller), buf, at)
            else:
                assert isinstance(kind, Scalar)
                write(kind, fit(item, kind, name, caller), buf, at)
        return bytes(buf)

    def decode(self, data: bytes, *, proto: int, abi: ABI, interfaces: Any) -> object:
        self.check_length(data, abi)
        if proto not in _ARMS:
            raise DecodeError(f"protocol {proto} is not a CAIF protocol (CAIFPROTO_*): "
                              "no arm of u to read", offset=0, struct=self.struct, data=data)
        arm_name, names = _ARMS[proto]
        _, offset, union = self._union(abi)
        arm = union.arm(arm_name).type
        out: list[object] = []
        for name in names:
            at, kind = _member(arm, name)
            at += offset
            value = read(kind, data, at)
            if isinstance(kind, Bytes):
                value = decode_cstring(value, what=f"u.{arm_name}.{name}", offset=at,
                                       struct=self.struct, data=data)
            out.append(value)
        return tuple(out)


register(Caif())
