"""AF_ATMPVC and AF_ATMSVC: ``struct sockaddr_atmpvc`` and ``struct sockaddr_atmsvc``.

<linux/atm.h>; kernel net/atm/pvc.c, net/atm/svc.c.  CPython's ``socket``
module has no tuple for either family.

AF_ATMPVC is the struct's fields in C order
(:class:`~sockaddr.families._fields.FieldTuple`)::

    (itf, vpi, vci)

the interface (``short``), virtual path (``short``) and channel (``int``);
``ATM_ITF_ANY``/``ATM_VPI_ANY``/``ATM_VCI_ANY`` are -1 and the ``*_UNSPEC``
values -2, so the fields are signed.

AF_ATMSVC is ``(prv, pub[, lij_type[, lij_id]])``: ``prv`` the private ATM
End System Address (NSAP), a bytes-like object of at most ``ATM_ESA_LEN``
(20) bytes, zero-filled and decoded as 20 ``bytes``; ``pub`` the public E.164
number, a ``str`` (Latin-1) or bytes of at most ``ATM_E164_LEN`` (12)
characters, NUL-terminated in its 13 bytes, ``""`` when unused; ``lij_type``
(a ``char``, ``ATM_LIJ*``) and ``lij_id`` (``__u32``) default to 0.
Decoding needs a NUL in ``pub`` (:class:`DecodeError` otherwise) and ignores
the bytes after it and the padding.

Both kernels take exactly the struct size in bind() and connect() and return
it from getname(): decoding needs 12 bytes (PVC) or 44 (SVC).

``__ATM_API_ALIGN`` aligns ``sap_addr``/``sas_addr`` to 8 on sparc and ia64;
the schema format cannot say so yet, so on ``linux-sparc64`` encoding raises
:class:`ValueError` and decoding :class:`DecodeError` rather than use the
wrong layout.

>>> import sockaddr
>>> sockaddr.encode(8, (0, 0, 5)).hex()
'080000000000000005000000'
>>> sockaddr.decode(bytes.fromhex('080000000000000005000000'))
(0, 0, 5)
>>> addr = sockaddr.decode(sockaddr.encode(20, (bytes.fromhex("47") + bytes(19), "12345")))
>>> addr[1:]
('12345', 0, 0)
"""

from __future__ import annotations

from typing import Any

from sockaddr import schemas
from sockaddr._args import bytes_like, expect_tuple
from sockaddr.abi import ABI
from sockaddr.errors import DecodeError
from sockaddr.families import Family, register
from sockaddr.families._fields import FieldTuple
from sockaddr.families._forms import decode_cstring, encode_cstring, fit
from sockaddr.layout import Scalar, read, write
from sockaddr.record import Sockaddr

__all__ = ["AtmPvc", "AtmSvc"]

# linux/atmapi.h: __ATM_API_ALIGN is aligned(8) on these architectures only.
_ATM_API_ALIGN_8 = ("sparc", "sparc64", "ia64")


def _unsupported(family: str, abi: ABI) -> str:
    return (f"{family} on {abi.name}: __ATM_API_ALIGN moves the address to offset 8 "
            "there, which the schemas do not describe yet")


class _Guarded(Family):
    """Refuses the ABIs whose ``__ATM_API_ALIGN`` the schema cannot express."""

    def _check_abi(self, abi: ABI, data: bytes | None = None) -> None:
        if abi.arch in _ATM_API_ALIGN_8:
            if data is None:
                raise ValueError(_unsupported(self.name, abi))
            raise DecodeError(_unsupported(self.name, abi), offset=0, struct=self.struct,
                              data=data)

    def parse(self, data: bytes, *, proto: int, abi: ABI) -> Sockaddr:
        self._check_abi(abi, data)
        return super().parse(data, proto=proto, abi=abi)


class AtmPvc(_Guarded, FieldTuple):
    """AF_ATMPVC: ``(itf, vpi, vci)``."""

    name = "AF_ATMPVC"
    struct = "sockaddr_atmpvc"
    fields = ("sap_addr.itf", "sap_addr.vpi", "sap_addr.vci")

    def encode(self, address: object, *, family: int, proto: int, abi: ABI, caller: str,
               resolve: bool) -> bytes:
        self._check_abi(abi)
        return super().encode(address, family=family, proto=proto, abi=abi, caller=caller,
                              resolve=resolve)

    def decode(self, data: bytes, *, proto: int, abi: ABI, interfaces: Any) -> object:
        self._check_abi(abi, data)
        return super().decode(data, proto=proto, abi=abi, interfaces=interfaces)


class AtmSvc(_Guarded):
    """AF_ATMSVC: ``(prv, pub, lij_type, lij_id)``."""

    name = "AF_ATMSVC"
    struct = "sockaddr_atmsvc"

    def encode(self, address: object, *, family: int, proto: int, abi: ABI, caller: str,
               resolve: bool) -> bytes:
        self._check_abi(abi)
        items = expect_tuple(address, caller, self.name)
        if not 2 <= len(items) <= 4:
            raise TypeError("AF_ATMSVC address must be a tuple (prv, pub[, lij_type[, lij_id]])")
        layout = schemas.layout(self.struct, abi)
        kinds = {path: kind for path, _, kind in layout.leaves()}
        prv_size = kinds["sas_addr.prv"].size
        prv = bytes_like(items[0])
        if len(prv) > prv_size:
            raise ValueError(f"{caller}(): prv must be at most {prv_size} bytes, got {len(prv)}")
        lij_type, lij_id = (*items[2:], 0, 0)[:2]
        lij_kind, id_kind = kinds["sas_addr.lij_type"], kinds["sas_addr.lij_id"]
        assert isinstance(lij_kind, Scalar)
        assert isinstance(id_kind, Scalar)
        buf = bytearray(layout.size)
        write(layout, {"sas_family": family, "sas_addr": {
            "prv": prv.ljust(prv_size, b"\0"),
            "pub": encode_cstring(items[1], kinds["sas_addr.pub"].size, "pub", caller),
            "lij_type": fit(lij_type, lij_kind, "lij_type", caller),
            "lij_id": fit(lij_id, id_kind, "lij_id", caller),
        }}, buf)
        return bytes(buf)

    def decode(self, data: bytes, *, proto: int, abi: ABI, interfaces: Any) -> object:
        self._check_abi(abi, data)
        self.check_length(data, abi)
        layout = schemas.layout(self.struct, abi)
        addr = read(layout, data)["sas_addr"]
        pub = decode_cstring(addr["pub"], what="pub", offset=layout.offsetof("sas_addr.pub"),
                             struct=self.struct, data=data)
        return addr["prv"], pub, addr["lij_type"], addr["lij_id"]


register(AtmPvc())
register(AtmSvc())
