"""AF_AX25 and AF_NETROM: ``struct sockaddr_ax25`` and ``struct full_sockaddr_ax25``.

<linux/ax25.h>; ax25(4), netrom(4); kernel net/ax25/af_ax25.c,
net/netrom/af_netrom.c.  CPython's ``socket`` module has no tuple for these
families; the natural form here is::

    (call, None)           struct sockaddr_ax25        (16 bytes; ``(call,)`` also encodes it)
    (call, digipeaters)    struct full_sockaddr_ax25   (72 bytes; a tuple of 0-8 callsigns)

AF_NETROM uses the same structs and tuples with its own family number
(``nr_getname()`` gives the short form for getsockname(), the full one with
the user callsign as ``call`` and the node as the one digipeater for
getpeername()).  ``ax25_getname()`` always answers with the full form; for
getsockname() its one "digipeater" is the callsign of the bound device.

Callsigns
---------
An ``ax25_address`` is seven bytes: six characters shifted left by one bit
and padded with shifted blanks, then the SSID byte (SSID in bits 1-4).  Its
text is the kernel's (``ax2asc()``/``asc2ax()``, net/ax25/ax25_addr.c)::

    "N0CALL-7"     N0CALL, SSID 7     (9c 60 86 82 98 98 0e)
    "N0CALL"       the same as "N0CALL-0" when encoding
    ""             the null address, six blanks and SSID 0 (ax2asc() prints "*")
    "DIGI-1*"      the H bit (bit 7 of the SSID byte) set: "has been repeated",
                   which ax25 connect() reads on a digipeater (with AX25_IAMDIGI)

``encode_callsign(text)`` is ``asc2ax(text)`` for every text without ``*``;
``decode_callsign(raw)`` is ``ax2asc(raw)`` except that it always spells the
SSID (``"-0"`` for the null address, where ``ax2asc()`` prints ``"*"``) and
adds ``*`` for the H bit.  Callsign characters are printable ASCII other than
blank, ``-`` and ``*``; lower case is kept (the kernel does not fold it).

The kernel compares addresses on the callsign bits and SSID only
(``ax25cmp()``: ``& 0xFE`` on the characters, ``& 0x1E`` on the SSID byte);
frames received from the air also carry the HDLC extension bit (bit 0) and
the reserved bits 5-6 in the addresses that recvmsg() and an accepted
socket's getpeername() report.  Decoding ignores those bits, as it ignores
padding: ``encode(decode(b)) == b`` whenever they are zero, ``parse()`` keeps
them.  Seven bytes that have no callsign text (a NUL or blank inside the
callsign, any other unprintable character) decode to those 7 ``bytes``,
which encode back unchanged: every position that takes a callsign also takes
7 raw bytes.

Decoding
--------
The kernel accepts 16 bytes (short form), 72 (full form) and, from old
programs, 58-71 (full form with fewer slots); the data must hold the
``sax25_ndigis`` (0-8) digipeaters it announces, else :class:`DecodeError`.
Data of 16 bytes reads as the short form, whose ``sax25_ndigis`` (also the
``sax25_uid`` of the SIOCAX25*UID ioctls) is ignored: ``parse()`` shows it.
Digipeater slots past ``sax25_ndigis`` are ignored too.  Encoding always
writes 16 or 72 bytes.

>>> import sockaddr
>>> raw = sockaddr.encode(3, ("N0CALL-7", ("RELAY-1", "WIDE2-2")))
>>> len(raw), raw[2:9].hex()
(72, '9c60868298980e')
>>> sockaddr.decode(raw)
('N0CALL-7', ('RELAY-1', 'WIDE2-2'))
>>> sockaddr.decode(sockaddr.encode(6, ("N0CALL",)))          # AF_NETROM
('N0CALL-0', None)
"""

from __future__ import annotations

import re
from typing import Any

from sockaddr import schemas
from sockaddr._args import bytes_like, expect_tuple
from sockaddr.abi import ABI
from sockaddr.errors import DecodeError
from sockaddr.families import Family, register
from sockaddr.layout import Struct, read, write
from sockaddr.record import Sockaddr

__all__ = ["Ax25", "NetRom", "decode_callsign", "encode_callsign"]

#: Bytes of an ``ax25_address`` (``AX25_ADDR_LEN`` in include/net/ax25.h).
AX25_ADDR_LEN = 7
AX25_MAX_DIGIS = schemas.constant("AX25_MAX_DIGIS")
_HBIT = 0x80           # AX25_HBIT: the C bit on source/destination, H on digipeaters

# Printable ASCII without blank (padding), '-' (starts the SSID) and '*' (the H bit).
_CALL_CHARS = r"\x21-\x29\x2b\x2c\x2e-\x7e"
_CALLSIGN = re.compile(rf"([{_CALL_CHARS}]{{0,6}})(?:-(1[0-5]|[0-9])(\*)?)?")
_PRINTABLE = re.compile(rf"[{_CALL_CHARS}]*")


def encode_callsign(value: object, what: str = "callsign", caller: str = "encode") -> bytes:
    """The 7-byte ``ax25_address`` of a callsign text, or of 7 raw bytes.

    >>> encode_callsign("N0CALL-7").hex()
    '9c60868298980e'
    >>> encode_callsign("").hex()                  # null_ax25_address
    '40404040404000'
    """
    if isinstance(value, str):
        m = _CALLSIGN.fullmatch(value)
        if m is None:
            raise ValueError(f"{caller}(): {what} {value!r} is not an AX.25 callsign "
                             "(up to 6 characters, then -SSID 0-15 and * for the H bit)")
        call, ssid, star = m.groups()
        # asc2ax(): each character shifted left, blanks to six, SSID in bits 1-4.
        shifted = bytes(ord(c) << 1 for c in call.ljust(6))
        return shifted + bytes([int(ssid or 0) << 1 | (_HBIT if star else 0)])
    try:
        raw = bytes_like(value)
    except TypeError:
        raise TypeError(f"{caller}(): {what} must be a callsign str or 7 bytes, not "
                        f"{type(value).__name__}") from None
    if len(raw) != AX25_ADDR_LEN:
        raise ValueError(f"{caller}(): {what} must be {AX25_ADDR_LEN} bytes, got {len(raw)}")
    return raw


def decode_callsign(raw: bytes) -> str | bytes:
    """The callsign text of a 7-byte ``ax25_address``, or the bytes if it has none.

    >>> decode_callsign(bytes.fromhex('9c60868298980e'))
    'N0CALL-7'
    >>> decode_callsign(bytes.fromhex('9c6086829898ef'))   # framing bits ignored
    'N0CALL-7*'
    >>> decode_callsign(bytes(7))
    b'\\x00\\x00\\x00\\x00\\x00\\x00\\x00'
    """
    # ax2asc(): (byte >> 1) & 0x7F per character; blanks are padding.
    call = "".join(chr((b >> 1) & 0x7F) for b in raw[:6]).rstrip(" ")
    if _PRINTABLE.fullmatch(call) is None:
        return bytes(raw)
    ssid = (raw[6] >> 1) & 0x0F
    return f"{call}-{ssid}{'*' if raw[6] & _HBIT else ''}"


class Ax25(Family):
    """AF_AX25: ``(call, None)`` or ``(call, digipeaters)``."""

    name = "AF_AX25"
    struct = "sockaddr_ax25"
    structs = ("full_sockaddr_ax25",)
    min_length = 16          # sizeof(struct sockaddr_ax25)

    def _shape(self) -> str:
        return (f"{self.name} address must be (call,), (call, None) or "
                "(call, digipeaters)")

    def encode(self, address: object, *, family: int, proto: int, abi: ABI, caller: str,
               resolve: bool) -> bytes:
        items = expect_tuple(address, caller, self.name)
        if not 1 <= len(items) <= 2:
            raise TypeError(self._shape())
        call = {"ax25_call": encode_callsign(items[0], "call", caller)}
        digis = items[1] if len(items) == 2 else None
        short = {"sax25_family": family, "sax25_call": call, "sax25_ndigis": 0}
        if digis is None:
            return _build(schemas.layout(self.struct, abi), short)
        if not isinstance(digis, tuple | list):
            raise TypeError(f"{caller}(): {self.name} digipeaters must be a tuple of "
                            f"callsigns or None, not {type(digis).__name__}")
        if len(digis) > AX25_MAX_DIGIS:
            raise ValueError(f"{caller}(): {self.name} takes at most {AX25_MAX_DIGIS} "
                             f"digipeaters, got {len(digis)}")
        slots = [encode_callsign(d, "digipeater", caller) for d in digis]
        slots += [bytes(AX25_ADDR_LEN)] * (AX25_MAX_DIGIS - len(slots))
        short["sax25_ndigis"] = len(digis)
        return _build(schemas.layout("full_sockaddr_ax25", abi),
                      {"fsa_ax25": short,
                       "fsa_digipeater": tuple({"ax25_call": s} for s in slots)})

    def decode(self, data: bytes, *, proto: int, abi: ABI, interfaces: Any) -> object:
        self.check_length(data, abi)
        if len(data) <= self.min_length:
            short = read(schemas.layout(self.struct, abi), data)
            return decode_callsign(short["sax25_call"]["ax25_call"]), None
        full = schemas.layout("full_sockaddr_ax25", abi)
        # Old programs pass 58-71 bytes: the missing slots read as zeros.
        fields = read(full, data.ljust(full.size, b"\0"))
        ndigis = fields["fsa_ax25"]["sax25_ndigis"]
        if not 0 <= ndigis <= AX25_MAX_DIGIS:
            raise DecodeError(f"sax25_ndigis {ndigis} is not 0-{AX25_MAX_DIGIS}",
                              offset=full.offsetof("fsa_ax25.sax25_ndigis"),
                              struct=full.name, data=data)
        need = full.offsetof("fsa_digipeater") + AX25_ADDR_LEN * ndigis
        if len(data) < need:
            raise DecodeError(f"sax25_ndigis {ndigis} needs {need} bytes, got {len(data)} "
                              f"(truncated at offset {len(data)})", offset=len(data),
                              struct=full.name, data=data)
        call = decode_callsign(fields["fsa_ax25"]["sax25_call"]["ax25_call"])
        return call, tuple(decode_callsign(d["ax25_call"])
                           for d in fields["fsa_digipeater"][:ndigis])

    def parse(self, data: bytes, *, proto: int, abi: ABI) -> Sockaddr:
        # The length says which struct: anything past sockaddr_ax25 is the
        # digipeater array (the kernel reads 58-72 bytes as the full form).
        self.check_length(data, abi)
        struct = self.struct if len(data) <= self.min_length else "full_sockaddr_ax25"
        return Sockaddr.from_bytes(struct, data, abi=abi, proto=proto)


class NetRom(Ax25):
    """AF_NETROM: the AX.25 structs and tuples with ``sax25_family = AF_NETROM``."""

    name = "AF_NETROM"


def _build(layout: Struct, values: dict[str, Any]) -> bytes:
    buf = bytearray(layout.size)
    write(layout, values, buf)
    return bytes(buf)


register(Ax25())
register(NetRom())
