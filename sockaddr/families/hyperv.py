"""AF_HYPERV: Windows' ``SOCKADDR_HV`` (``<hvsocket.h>``), and its Linux-guest side.

On Windows (CPython 3.12+) a Hyper-V socket address is the tuple
``(vm_id, service_id)`` of two GUID strings; the struct is::

    typedef struct _SOCKADDR_HV {
        ADDRESS_FAMILY Family;      /* AF_HYPERV, 34 */
        USHORT Reserved;
        GUID VmId;
        GUID ServiceId;
    } SOCKADDR_HV;                  /* 36 bytes */

A GUID is stored the Windows way: ``Data1`` (32 bits), ``Data2`` and
``Data3`` (16 bits) in the machine's (little-endian) order, then ``Data4``'s
8 bytes as written, so ``'a42e7cda-d03f-480c-9cc2-a4de20abb878'`` is the bytes
``da7c2ea4 3fd0 0c48 9cc2a4de20abb878``: :attr:`uuid.UUID.bytes_le`.

Encoding follows CPython's ``getsockaddrarg()`` (``Modules/socketmodule.c``,
``case AF_HYPERV``) with its messages: only ``HV_PROTOCOL_RAW`` sockets
(``OSError('<caller>(): unsupported AF_HYPERV protocol: N')``), a tuple
(``TypeError('<caller>(): AF_HYPERV address must be tuple, not X')``) of two
strings (``TypeError('AF_HYPERV address must be a str tuple (vm_id,
service_id)')``), each one what ``UuidFromStringW()`` accepts: exactly
``xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`` in hex digits of either case, no
braces (``ValueError('<caller>(): AF_HYPERV address vm_id is not a valid
UUID string')``, or ``service_id``).  We also accept :class:`uuid.UUID`
objects, which CPython does not.  Decoding gives ``UuidToStringW()``'s lower
case strings, so ``decode(encode(a)) == a`` for lower-case strings.  The
whole struct is needed to decode (``getsockaddrlen()`` sizes CPython's buffer
as ``sizeof(SOCKADDR_HV)``).

AF_HYPERV is 34 on Windows, where Linux has AF_ISDN.  The codec is registered
for Windows ABIs only (``"windows-x86_64"``, ``"windows-aarch64"``, or the host
ABI when Python runs on Windows); on a Linux ABI family 34 is AF_ISDN.

>>> from sockaddr.families import hyperv
>>> data = hyperv.encode_hyperv(("a42e7cda-d03f-480c-9cc2-a4de20abb878",
...                              "00000401-facb-11e6-bd58-64006a7986d3"))
>>> data[:4].hex(), data[4:8].hex(), len(data)
('22000000', 'da7c2ea4', 36)

Inside a Linux guest, Hyper-V sockets are AF_VSOCK sockets: the guest's
``hv_sock`` transport maps a vsock port to the service GUID
``<port>-facb-11e6-bd58-64006a7986d3`` (the port in ``Data1``) and back
(Linux ``net/vmw_vsock/hyperv_transport.c``: ``srv_id_template``,
``is_valid_srv_id()``, ``get_port_by_srv_id()``; the same template is
``HV_GUID_VSOCK_TEMPLATE`` in ``<hvsocket.h>``).
:func:`vsock_port_to_service_id` and :func:`service_id_to_vsock_port` do that
mapping, so a host service GUID can be turned into the ``(cid, port)`` a
guest connects to.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from sockaddr import schemas
from sockaddr._args import expect_tuple, index
from sockaddr.abi import ABI
from sockaddr.families import Family, register

__all__ = [
    "AF_HYPERV", "HV_GUID_BROADCAST", "HV_GUID_CHILDREN", "HV_GUID_LOOPBACK",
    "HV_GUID_PARENT", "HV_GUID_SILOHOST", "HV_GUID_VSOCK_TEMPLATE", "HV_GUID_WILDCARD",
    "HV_GUID_ZERO", "HV_PROTOCOL_RAW", "WINDOWS_AARCH64", "WINDOWS_X86_64", "HyperV",
    "decode_hyperv", "encode_hyperv", "service_id_to_vsock_port", "vsock_port_to_service_id",
]

#: The family and protocol numbers of Windows (``<ws2def.h>``, ``<hvsocket.h>``).
AF_HYPERV = schemas.constant("AF_HYPERV")
HV_PROTOCOL_RAW = schemas.constant("HV_PROTOCOL_RAW")

WINDOWS_X86_64 = ABI.get("windows-x86_64")
WINDOWS_AARCH64 = ABI.get("windows-aarch64")

# The well-known GUIDs of <hvsocket.h> (DEFINE_GUID).
HV_GUID_ZERO = uuid.UUID("00000000-0000-0000-0000-000000000000")
HV_GUID_WILDCARD = HV_GUID_ZERO
HV_GUID_BROADCAST = uuid.UUID("ffffffff-ffff-ffff-ffff-ffffffffffff")
HV_GUID_CHILDREN = uuid.UUID("90db8b89-0d35-4f79-8ce9-49ea0ac8b7cd")
HV_GUID_LOOPBACK = uuid.UUID("e0e16197-dd56-4a10-9195-5ee7a155a838")
HV_GUID_PARENT = uuid.UUID("a42e7cda-d03f-480c-9cc2-a4de20abb878")
HV_GUID_SILOHOST = uuid.UUID("36bd0c5c-7276-4223-88ba-7d03b654c568")
#: ``srv_id_template`` of Linux's hv_sock: a vsock port's service GUID has
#: the port in Data1 and these bytes elsewhere.
HV_GUID_VSOCK_TEMPLATE = uuid.UUID("00000000-facb-11e6-bd58-64006a7986d3")

# UuidFromStringW(): exactly 36 characters, dashes at 8, 13, 18 and 23, hex
# digits elsewhere (Wine's dlls/rpcrt4/rpcrt4_main.c spells the same check).
_UUID_STRING = re.compile(
    "[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")
_SHAPE = "AF_HYPERV address must be a str tuple (vm_id, service_id)"


def _guid(value: str | uuid.UUID, caller: str, which: str) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    # PyUnicode_AsWideCharString() refuses a NUL; the regex refuses it too.
    if _UUID_STRING.fullmatch(value) is None:
        raise ValueError(f"{caller}(): AF_HYPERV address {which} is not a valid UUID string")
    return uuid.UUID(value)


def _fields(guid: uuid.UUID) -> tuple[int, int, int, bytes]:
    """A GUID's ``Data1``, ``Data2``, ``Data3``, ``Data4``."""
    return guid.time_low, guid.time_mid, guid.time_hi_version, guid.bytes[8:]


def _from_fields(data1: int, data2: int, data3: int, data4: bytes) -> uuid.UUID:
    return uuid.UUID(bytes=data1.to_bytes(4, "big") + data2.to_bytes(2, "big")
                     + data3.to_bytes(2, "big") + data4)


class HyperV(Family):
    """AF_HYPERV (Windows): ``(vm_id, service_id)``."""

    name = "AF_HYPERV"
    struct = "SOCKADDR_HV"

    def encode(self, address: object, *, family: int, proto: int, abi: ABI, caller: str,
               resolve: bool) -> bytes:
        if proto != HV_PROTOCOL_RAW:
            raise OSError(f"{caller}(): unsupported AF_HYPERV protocol: {proto}")
        items = expect_tuple(address, caller, "AF_HYPERV")
        if len(items) != 2 or not all(isinstance(v, str | uuid.UUID) for v in items):
            raise TypeError(_SHAPE)
        vm_id = _guid(items[0], caller, "vm_id")
        service_id = _guid(items[1], caller, "service_id")
        return self.fast(abi).pack(AF_HYPERV, 0, *_fields(vm_id), *_fields(service_id))

    def decode(self, data: bytes, *, proto: int, abi: ABI, interfaces: Any) -> object:
        self.check_length(data, abi)
        values = self.fast(abi).unpack(data)
        return str(_from_fields(*values[2:6])), str(_from_fields(*values[6:10]))


register(HyperV(), os="windows")


def encode_hyperv(address: object, *, proto: int = HV_PROTOCOL_RAW,
                  abi: ABI = WINDOWS_X86_64, caller: str = "encode") -> bytes:
    """The ``SOCKADDR_HV`` CPython on Windows builds for ``(vm_id, service_id)``."""
    return HyperV().encode(address, family=AF_HYPERV, proto=proto, abi=abi, caller=caller,
                           resolve=False)


def decode_hyperv(data: bytes, *, abi: ABI = WINDOWS_X86_64) -> tuple[str, str]:
    """``(vm_id, service_id)`` of a ``SOCKADDR_HV``; raises :class:`DecodeError`."""
    value = HyperV().decode(bytes(data), proto=HV_PROTOCOL_RAW, abi=abi, interfaces=None)
    assert isinstance(value, tuple)
    return value


def vsock_port_to_service_id(port: int) -> uuid.UUID:
    """The Hyper-V service GUID of AF_VSOCK port ``port`` (``hvs_connect()``).

    >>> vsock_port_to_service_id(1024)
    UUID('00000400-facb-11e6-bd58-64006a7986d3')
    """
    number = index(port)
    if not 0 <= number <= 0xFFFFFFFF:
        raise OverflowError(f"vsock port must be 0-4294967295, not {number}")
    return _from_fields(number, *_fields(HV_GUID_VSOCK_TEMPLATE)[1:])


def service_id_to_vsock_port(service_id: uuid.UUID | str) -> int:
    """The AF_VSOCK port of a Hyper-V service GUID (``get_port_by_srv_id()``).

    Raises :class:`ValueError` unless the GUID follows the template
    ``<port>-facb-11e6-bd58-64006a7986d3`` (``is_valid_srv_id()``).

    >>> service_id_to_vsock_port("00000400-FACB-11E6-BD58-64006A7986D3")
    1024
    """
    guid = service_id if isinstance(service_id, uuid.UUID) else uuid.UUID(service_id)
    if _fields(guid)[1:] != _fields(HV_GUID_VSOCK_TEMPLATE)[1:]:
        raise ValueError(f"{guid} is not a vsock service GUID: those are "
                         f"<port>-{str(HV_GUID_VSOCK_TEMPLATE)[9:]}")
    return guid.time_low
