"""AF_NFC: ``struct sockaddr_nfc`` and ``struct sockaddr_nfc_llcp`` (<linux/nfc.h>).

CPython's ``socket`` module has no tuple for AF_NFC.  The socket's protocol
picks the struct, as in the kernel (``nfc_sock_create()``):

* ``NFC_SOCKPROTO_RAW`` (0, the default): ``(dev_idx, target_idx, nfc_protocol)``,
  the fields of ``struct sockaddr_nfc`` (16 bytes).
* ``NFC_SOCKPROTO_LLCP`` (1): ``(dev_idx, target_idx, nfc_protocol, dsap, ssap,
  service_name)``, ``struct sockaddr_nfc_llcp``: ``service_name`` is bytes (a
  ``str`` is encoded as UTF-8) of at most ``NFC_LLCP_MAX_SERVICE_NAME`` (63);
  ``service_name_len`` is its length and the rest of the array zero, as
  ``llcp_sock_getname()`` writes it.  The service name may be left out (empty).

``nfc_protocol`` is an ``NFC_PROTO_*`` number.  Integers must fit their C type
(``OverflowError``); the pad after ``sa_family`` is zero.

Decoding uses the struct of ``proto`` too.  ``rawsock_connect()`` needs the
whole ``sockaddr_nfc`` (16 bytes); ``llcp_sock_bind()`` accepts any length from
2 (``sa_family``) and zero-fills the rest, so an LLCP address decodes from 2
bytes on.  A ``service_name_len`` above 63 (which bind() would cut to 63) raises
:class:`~sockaddr.DecodeError`.  ``decode(encode(a)) == a`` (with
``service_name`` as bytes); ``encode(decode(b)) == b`` for every whole struct
whose padding and ``service_name`` bytes past ``service_name_len`` are zero.

>>> import sockaddr
>>> sockaddr.encode(39, (1, 2, 5), abi="linux-x86_64").hex()
'27000000010000000200000005000000'
>>> raw = sockaddr.encode(39, (0, 0, 5, 0, 0, "urn:nfc:sn:snep"), proto=1, abi="linux-i386")
>>> len(raw), sockaddr.decode(raw, proto=1, abi="linux-i386")
(88, (0, 0, 5, 0, 0, b'urn:nfc:sn:snep'))
"""

from __future__ import annotations

from typing import Any

from sockaddr import schemas
from sockaddr._args import expect_tuple
from sockaddr.abi import ABI
from sockaddr.errors import DecodeError
from sockaddr.families import Family, register
from sockaddr.families._fields import FieldTuple
from sockaddr.record import Sockaddr

__all__ = ["Nfc"]

_RAW = ("dev_idx", "target_idx", "nfc_protocol")


class _Raw(FieldTuple):
    name = "AF_NFC"
    struct = "sockaddr_nfc"
    fields = _RAW


class _Llcp(FieldTuple):
    # The struct's own fields; Nfc turns (service_name[63], len) into bytes.
    name = "AF_NFC"
    struct = "sockaddr_nfc_llcp"
    fields = (*_RAW, "dsap", "ssap", "service_name", "service_name_len")
    optional = 2
    min_length = 2       # llcp_sock_bind(): offsetofend(struct sockaddr, sa_family)


class Nfc(Family):
    """AF_NFC: ``(dev_idx, target_idx, nfc_protocol)``; LLCP adds ``dsap, ssap, service_name``."""

    name = "AF_NFC"
    struct = "sockaddr_nfc"
    structs = ("sockaddr_nfc_llcp",)
    rawsock = _Raw()
    llcp = _Llcp()

    def _codec(self, proto: int) -> FieldTuple:
        return self.llcp if proto == schemas.constant("NFC_SOCKPROTO_LLCP") else self.rawsock

    def struct_for(self, proto: int) -> str:
        return self._codec(proto).struct

    def encode(self, address: object, *, family: int, proto: int, abi: ABI, caller: str,
               resolve: bool) -> bytes:
        codec = self._codec(proto)
        if codec is self.rawsock:
            return codec.encode(address, family=family, proto=proto, abi=abi, caller=caller,
                                resolve=resolve)
        items = expect_tuple(address, caller, "AF_NFC")
        if not 5 <= len(items) <= 6:
            raise TypeError("AF_NFC LLCP address must be a tuple (dev_idx, target_idx, "
                            "nfc_protocol, dsap, ssap[, service_name])")
        name = items[5] if len(items) == 6 else b""
        # service_name_len is the length of what was given; FieldTuple refuses a name
        # longer than the array before it looks at the length.
        size = len(name.encode()) if isinstance(name, str) else _length(name)
        return codec.encode((*items[:5], name, size), family=family, proto=proto, abi=abi,
                            caller=caller, resolve=resolve)

    def decode(self, data: bytes, *, proto: int, abi: ABI, interfaces: Any) -> object:
        codec = self._codec(proto)
        value = codec.decode(data, proto=proto, abi=abi, interfaces=interfaces)
        assert isinstance(value, tuple)
        if codec is self.rawsock:
            return value
        *head, name, size = value
        if size > len(name):
            offset = schemas.layout(codec.struct, abi).offsetof("service_name_len")
            raise DecodeError(f"service_name_len {size} exceeds NFC_LLCP_MAX_SERVICE_NAME "
                              f"({len(name)}) at offset {offset}", offset=offset,
                              struct=codec.struct, data=data)
        return (*head, name[:size])

    def parse(self, data: bytes, *, proto: int, abi: ABI) -> Sockaddr:
        codec = self._codec(proto)
        return codec.parse(data, proto=proto, abi=abi)


def _length(value: object) -> int:
    try:
        with memoryview(value) as view:  # type: ignore[arg-type]
            return view.nbytes
    except TypeError:
        raise TypeError(f"a bytes-like object is required, not "
                        f"'{type(value).__name__}'") from None


register(Nfc())
