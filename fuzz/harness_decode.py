"""Harness ``decode``: ``sockaddr.decode()`` of any bytes, on any ABI, with any protocol.

Input: ``[ABI byte][proto byte][flags byte]([family byte]) + sockaddr bytes``.
Flags: bits 0-1 pick ``interfaces=``; with bit 2 set, the family byte picks
one of the families with a decoder on the ABI's OS (or AF_UNSPEC, 0xFFFF)
and replaces the first two bytes of the data with it, so that every family
is reached without seeds of its own (the seeds are this kernel's addresses).

Checks:

* ``decode`` raises nothing but :class:`sockaddr.DecodeError`, whose offset
  lies within the data and which pickles whole;
* empty data decodes to ``None``; a family without a codec to CPython's
  ``(sa_family, sa_data)``;
* what decodes also parses (the record is the lossless view of the same bytes);
* a decoded value of a family with an encoder encodes again, or is refused
  for one of the documented reasons (:func:`expected_refusal`), and the bytes
  it encodes to decode to the same value (decoding normalises at most once).
"""

from __future__ import annotations

import errno
import functools
import os
import socket
import sys

if __package__ in (None, ""):  # run as a script: python fuzz/harness_decode.py
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import sockaddr
from fuzz._common import ENCODE_ERRORS, BrokenProperty, Input, abi_byte, check, check_offset
from sockaddr import schemas
from sockaddr.abi import ABI
from sockaddr.families import Interfaces, decoder_for, encoder_for

__all__ = ["TestOneInput", "encode_proto", "expected_refusal", "read", "seed"]


def _remote(index: int) -> str:
    return f"remote{index % 10**9}"


#: ``interfaces=``: this host's table, nobody's, the host's as a mapping, and
#: a capture machine's (names this host does not have).
INTERFACES: tuple[Interfaces, ...] = (
    None, {}, dict(socket.if_nameindex()), _remote,
)
_HOST_NAMES = frozenset(name for _, name in socket.if_nameindex())


def seed(data: bytes, *, abi: str | None = None, proto: int = 0, interfaces: int = 0) -> bytes:
    """The input that decodes ``data`` on ``abi`` (default: this machine) with ``proto``."""
    return bytes([abi_byte(abi), proto, interfaces & 3]) + data


@functools.cache
def _families(os_name: str) -> tuple[int, ...]:
    """The families with a decoder on ``os_name``, then two without (AF_UNSPEC, 0xFFFF)."""
    return (*(f for f in range(256) if decoder_for(f, os_name) is not None), 0, 0xFFFF)


def read(inp: Input) -> tuple[ABI, int, Interfaces, bytes]:
    """``(abi, proto, interfaces, data)`` from an input in this harness's format."""
    abi = ABI.get(inp.abi())
    proto = inp.byte()
    flags = inp.byte()
    interfaces = INTERFACES[flags & 3]
    family = inp.pick(_families(abi.os)) if flags & 4 else None
    raw = inp.rest()
    if family is not None:
        raw = family.to_bytes(2, abi.byteorder) + raw[2:]
    return abi, proto, interfaces, raw


def _constant(name: str) -> int:
    return schemas.constant(name)


#: ``(os, family)`` of the families that decode bytes of any protocol but
#: encode only some: AF_CAN ("any other (decode only)": ``(ifname,)``) and
#: AF_HYPERV (``HV_PROTOCOL_RAW`` only).  Bluetooth, CAIF and AF_PPPOX refuse
#: an unknown protocol when decoding too.
_BY_PROTOCOL = frozenset({
    ("linux", _constant("AF_CAN")),
    ("windows", schemas.constant("AF_HYPERV", "windows-x86_64")),
})


def expected_refusal(family: int, proto: int, value: object, error: Exception,
                     os_name: str = "linux") -> bool:
    """Whether ``encode`` may refuse this decoded ``value`` with ``error``.

    Each case is documented, in the README or the family's module docstring:
    decoding follows CPython's ``makesockaddr()`` (or the kernel), encoding
    ``getsockaddrarg()``, and there they disagree.
    """
    # Decoding reads any protocol; getsockaddrarg() refuses those it has no form for.
    if ((os_name, family) in _BY_PROTOCOL and isinstance(error, OSError)
            and str(error).endswith((" protocol", f" protocol: {proto}"))):
        return True
    if os_name != "linux":
        return False
    # Interface names are looked up on this host; decoding an index gives ''
    # when unknown (CPython), or a capture machine's name (interfaces=).
    if (family in (_constant("AF_PACKET"), _constant("AF_CAN"))
            and isinstance(error, OSError) and error.errno == errno.ENODEV
            and isinstance(value, tuple) and value and value[0] not in _HOST_NAMES):
        return True
    # The kernel reports offsetof(sll_addr) + sll_halen bytes, with a halen up
    # to MAX_ADDR_LEN (32, InfiniBand's 20-byte addresses); getsockaddrarg()
    # takes at most the 8 bytes of sll_addr.
    if (family == _constant("AF_PACKET") and isinstance(error, ValueError)
            and isinstance(value, tuple) and len(value[4]) > 8):
        return True
    # "IPv6 decodes flowinfo values encode rejects" (20-bit flow label).
    if (family == socket.AF_INET6 and isinstance(error, OverflowError)
            and isinstance(value, tuple) and value[2] > 0xFFFFF):
        return True
    # "ALG's feat/mask decode as 32 bits but encode takes 16".
    if (family == _constant("AF_ALG") and isinstance(error, OverflowError)
            and isinstance(value, tuple) and max(value[2:]) > 0xFFFF):
        return True
    # ALG: "a 14-byte type needs no NUL" and a name runs to the end of long
    # data (sockaddr_alg_new) when decoding; getsockaddrarg() needs both
    # shorter than their arrays (salg_type[14], salg_name[64]).
    if (family == _constant("AF_ALG") and isinstance(error, ValueError)
            and isinstance(value, tuple)
            and (len(value[0].encode()) >= 14 or len(value[1].encode()) >= 64)):
        return True
    # A 108-byte path (the kernel's NUL past the struct, 111 bytes in all)
    # decodes; getsockaddrarg() needs room for the NUL in sun_path.
    return (family == socket.AF_UNIX and isinstance(error, OSError)
            and isinstance(value, str) and len(os.fsencode(value)) >= 108)


def encode_proto(family: int, proto: int, raw: bytes, abi: ABI) -> int:
    """The protocol to encode a decoded value with: the socket's, except where
    decoding reads it from the bytes (AF_PPPOX's ``sa_protocol``, as the
    kernel's ``pppox_create()`` and ``pppol2tp_sockaddr_get_info()`` do)."""
    if family == _constant("AF_PPPOX"):
        return int(sockaddr.parse(raw, abi=abi).fields["sa_protocol"])
    return proto


def TestOneInput(data: bytes) -> None:
    """Decode, then encode what was decoded."""
    abi, proto, interfaces, raw = read(Input(data))
    try:
        value = sockaddr.decode(raw, proto=proto, abi=abi, interfaces=interfaces)
    except sockaddr.DecodeError as e:
        check_offset(e, raw)
        return
    if not raw:
        check(value is None, f"empty data decoded to {value!r}")
        return
    try:
        sockaddr.parse(raw, proto=proto, abi=abi)
    except sockaddr.DecodeError as e:
        raise BrokenProperty(f"decode gives {value!r} but parse raises {e}") from None
    family = int.from_bytes(raw[:2].ljust(2, b"\0"), abi.byteorder)
    if decoder_for(family, abi.os) is None:
        expect = (family, raw[2:16].ljust(14, b"\0"))
        check(value == expect, f"no codec for family {family}: {value!r}, not {expect!r}")
        return
    if encoder_for(family, abi.os) is None:
        return
    proto = encode_proto(family, proto, raw, abi)
    try:
        again = sockaddr.encode(family, value, proto=proto, abi=abi)
    except ENCODE_ERRORS as e:
        check(expected_refusal(family, proto, value, e, abi.os),
              f"encode refuses what decode gave: family {family}, {value!r}: "
              f"{type(e).__name__}: {e}")
        return
    try:
        twice = sockaddr.decode(again, proto=proto, abi=abi, interfaces=interfaces)
    except sockaddr.DecodeError as e:
        raise BrokenProperty(f"encode({value!r}) = {again.hex()} does not decode: {e}") from e
    check(twice == value, f"family {family}: {raw.hex()} decodes to {value!r}, encodes to "
          f"{again.hex()}, which decodes to {twice!r}")


if __name__ == "__main__":
    from fuzz._common import fuzz

    fuzz(TestOneInput)
