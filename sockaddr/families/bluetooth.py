"""AF_BLUETOOTH: ``sockaddr_l2``, ``sockaddr_rc``, ``sockaddr_hci``, ``sockaddr_sco``.

The socket's protocol picks the struct (BlueZ's ``<bluetooth/*.h>``; kernel
``include/net/bluetooth/``), as in CPython's ``getsockaddrarg()``:

==============  ================  ==============================================
proto           struct            address
==============  ================  ==============================================
BTPROTO_L2CAP   ``sockaddr_l2``   ``(bdaddr, psm[, cid[, bdaddr_type]])``
BTPROTO_RFCOMM  ``sockaddr_rc``   ``(bdaddr, channel)``
BTPROTO_HCI     ``sockaddr_hci``  ``dev`` or ``(dev[, channel])``
BTPROTO_SCO     ``sockaddr_sco``  ``bdaddr`` (str or bytes)
==============  ================  ==============================================

These are the forms of CPython's main branch (after 3.13), whose Bluetooth
code was reworked; 3.11 took fewer forms (``(bdaddr, psm)`` only, HCI only as
``(dev,)``, SCO only as bytes) and where the two differ we follow main.
Decoding gives main's values too: L2CAP ``(bdaddr, psm)`` with ``cid`` added
when it is not 0 and ``bdaddr_type`` when it is not BR/EDR, HCI ``dev`` on
the raw channel and ``(dev, channel)`` otherwise, SCO the address string.
With those rules ``encode(decode(b)) == b`` for every struct whose padding
is zero.

``bdaddr`` is text such as ``'01:02:03:04:05:06'``, parsed as CPython's
``setbdaddr()`` does with glibc's ``sscanf("%X:%X:%X:%X:%X:%X%c")``: leading
white space, ``0x``, signs and single digits are accepted; anything after
the sixth octet, or an octet outside 0..255, raises
``OSError('bad bluetooth address')``.  The struct stores it byte-reversed
(``bdaddr_t`` is least significant byte first) and decoding prints it back in
upper case.  Every other malformed address raises
``OSError('<caller>(): wrong format')``, as in CPython.

Where we differ from CPython (main):

* integers CPython wraps (``psm``/``cid``/``dev``/HCI ``channel`` modulo
  2**16, RFCOMM ``channel`` and ``bdaddr_type`` modulo 2**8) raise
  ``OverflowError`` (after the address is parsed, so every input CPython
  rejects is rejected with CPython's exception);
* an octet that glibc's ``strtoul`` wraps into 0..255 (``'100000000'`` or
  ``'-FFFFFFFF'``, read as 0 and 1 by CPython) raises
  ``OSError('bad bluetooth address')`` like any octet above 255;
* ``l2_psm`` and ``l2_cid`` are ``__le16`` in the kernel, which reads them
  with ``__le16_to_cpu()``: we write and read them little-endian on every
  ABI.  CPython stores them in host order, so on big-endian machines its
  bytes differ from ours (and the kernel reads a byte-swapped PSM).

The kernel accepts addresses shorter than the struct (bind() and connect()
zero-fill them) for L2CAP (2 bytes: ``l2cap_sock_bind()``), RFCOMM
(``rfcomm_sock_bind()``) and HCI (``hci_sock_bind()``); SCO needs the whole
8 bytes (``sco_sock_bind()``).  Decoding accepts the same and reads the
missing bytes as zero, as CPython's zeroed buffer does.
"""

from __future__ import annotations

from typing import Any, ClassVar

from sockaddr import schemas
from sockaddr._args import index
from sockaddr.abi import ABI
from sockaddr.errors import DecodeError
from sockaddr.families import Family, register
from sockaddr.record import Sockaddr

__all__ = ["Bluetooth", "format_bdaddr", "parse_bdaddr"]

# C isspace() in the C locale: what sscanf's %X skips.
_SPACE = b" \t\n\v\f\r"
_HEX = b"0123456789abcdefABCDEF"


class _WrongFormat(Exception):
    """A PyArg_Parse failure, which CPython turns into OSError("<caller>(): wrong format")."""


def _scan_hex(text: bytes, i: int) -> tuple[int, int] | None:
    """glibc's ``%X`` at ``text[i:]``: ``(signed value, end)`` or None when it fails.

    The value is the number written, sign applied; it is not reduced modulo
    2**32 as C's ``strtoul()`` and the ``unsigned int`` store would.
    """
    n = len(text)
    while i < n and text[i] in _SPACE:
        i += 1
    negative = False
    if i < n and text[i] in b"+-":
        negative = text[i] == ord("-")
        i += 1
    value: int | None = None
    # A leading "0" is a digit by itself; an "x" right after it is the base
    # prefix even with no hex digit after it ("0x" reads as 0, glibc).
    if i < n and text[i] == ord("0"):
        value = 0
        i += 1
        if i < n and text[i] in b"xX":
            i += 1
    start = i
    while i < n and text[i] in _HEX:
        i += 1
    if i > start:
        value = int(text[start:i], 16)
    if value is None:
        return None
    return (-value if negative else value), i


def parse_bdaddr(text: str | bytes) -> bytes:
    """The 6 ``bdaddr_t`` bytes of ``text``, as CPython's ``setbdaddr()`` stores them.

    >>> parse_bdaddr("01:02:03:04:05:06").hex()
    '060504030201'
    >>> parse_bdaddr(" 0x1:2:3:4:5:+6").hex()
    '060504030201'

    Raises ``OSError('bad bluetooth address')``.
    """
    raw = text.encode("utf-8") if isinstance(text, str) else bytes(text)
    octets: list[int] = []
    i = 0
    for k in range(6):
        # The ':' between conversions is a literal: no white space before it.
        if k:
            if i < len(raw) and raw[i] == ord(":"):
                i += 1
            else:
                raise OSError("bad bluetooth address")
        scanned = _scan_hex(raw, i)
        if scanned is None:
            raise OSError("bad bluetooth address")
        value, i = scanned
        octets.append(value)
    # The trailing %c matched something (sscanf returned 7), or an octet is
    # out of range.  CPython accepts an octet C wrapped into 0..255 (e.g.
    # "100000000" on LP64); we reject it like any octet above 255.
    if i != len(raw) or any(not 0 <= v <= 0xFF for v in octets):
        raise OSError("bad bluetooth address")
    return bytes(reversed(octets))


def format_bdaddr(b: bytes) -> str:
    """``makebdaddr()``: the ``bdaddr_t`` bytes as ``'XX:XX:XX:XX:XX:XX'`` (upper case)."""
    return ":".join(f"{octet:02X}" for octet in reversed(b))


def _index(value: object) -> int:
    try:
        return index(value)
    except TypeError:
        raise _WrongFormat from None


def _string(value: object) -> str:
    """Code ``s`` inside a Bluetooth parse: any failure is "wrong format"."""
    if not isinstance(value, str) or "\0" in value:
        raise _WrongFormat
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise _WrongFormat from None
    return value


def _tuple(value: object, least: int, most: int) -> tuple[Any, ...]:
    """``PyArg_ParseTuple`` arity: a non-tuple or a wrong size is "wrong format"."""
    if not isinstance(value, tuple) or not least <= len(value) <= most:
        raise _WrongFormat
    return value


def _check(value: int, bits: int, caller: str, name: str) -> int:
    # CPython's H/B codes wrap silently; we refuse (README: where we differ).
    if not 0 <= value < 1 << bits:
        raise OverflowError(f"{caller}(): {name} must be 0-{(1 << bits) - 1}.")
    return value


class Bluetooth(Family):
    """AF_BLUETOOTH: the struct and tuple depend on the socket's ``BTPROTO_*``."""

    name = "AF_BLUETOOTH"
    struct = "sockaddr_l2"
    structs = ("sockaddr_l2", "sockaddr_rc", "sockaddr_hci", "sockaddr_sco")
    #: Shortest addrlen each protocol's bind() accepts (see the module docstring).
    MIN_LENGTH: ClassVar[dict[str, int]] = {
        "sockaddr_l2": 2, "sockaddr_rc": 2, "sockaddr_hci": 2, "sockaddr_sco": 8,
    }

    @staticmethod
    def _protos() -> dict[int, str]:
        c = schemas.constant
        return {c("BTPROTO_L2CAP"): "sockaddr_l2", c("BTPROTO_RFCOMM"): "sockaddr_rc",
                c("BTPROTO_HCI"): "sockaddr_hci", c("BTPROTO_SCO"): "sockaddr_sco"}

    def struct_for(self, proto: int) -> str:
        try:
            return self._protos()[proto]
        except KeyError:
            raise ValueError(f"unknown Bluetooth protocol {proto}") from None

    # -- encode ---------------------------------------------------------------------

    def encode(self, address: object, *, family: int, proto: int, abi: ABI, caller: str,
               resolve: bool) -> bytes:
        structs = self._protos()
        if proto not in structs:
            raise OSError(f"{caller}(): unknown Bluetooth protocol")
        struct = structs[proto]
        try:
            fields = self._parse(struct, address)
        except _WrongFormat:
            raise OSError(f"{caller}(): wrong format") from None
        bdaddr = parse_bdaddr(fields.pop(0)) if struct != "sockaddr_hci" else b""
        af = schemas.constant("AF_BLUETOOTH")
        fast = self.fast(abi, proto)
        if struct == "sockaddr_l2":
            psm, cid, kind = fields
            return fast.pack(af, _check(psm, 16, caller, "psm"), bdaddr,
                             _check(cid, 16, caller, "cid"),
                             _check(kind, 8, caller, "bdaddr_type"), b"\0")
        if struct == "sockaddr_rc":
            return fast.pack(af, bdaddr, _check(fields[0], 8, caller, "channel"), b"\0")
        if struct == "sockaddr_hci":
            dev, channel = fields
            return fast.pack(af, _check(dev, 16, caller, "dev"),
                             _check(channel, 16, caller, "channel"))
        return fast.pack(af, bdaddr)

    @staticmethod
    def _parse(struct: str, address: object) -> list[Any]:
        """The PyArg step of main's getsockaddrarg(): the address text, then the ints."""
        if struct == "sockaddr_l2":
            # "sH|HB": cid defaults to 0, bdaddr_type to BDADDR_BREDR.
            items = _tuple(address, 2, 4)
            text = _string(items[0])
            psm, cid, kind = (*(_index(v) for v in items[1:]),
                              0, schemas.constant("BDADDR_BREDR"))[:3]
            return [text, psm, cid, kind]
        if struct == "sockaddr_rc":
            # "sB"
            items = _tuple(address, 2, 2)
            return [_string(items[0]), _index(items[1])]
        if struct == "sockaddr_hci":
            # An int (PyIndex_Check) is the device on the raw channel, parsed
            # with "H" whose only failure is the object's own __index__ raising;
            # otherwise "H|H".
            if hasattr(type(address), "__index__"):
                return [index(address), schemas.constant("HCI_CHANNEL_RAW")]
            items = _tuple(address, 1, 2)
            return [_index(v) for v in (*items, schemas.constant("HCI_CHANNEL_RAW"))[:2]]
        # SCO: bytes ("y") or str ("s"); their NUL and encoding errors keep
        # their own exceptions, any other type is "wrong format".
        if isinstance(address, bytes):
            if b"\0" in address:
                raise ValueError("embedded null byte")
            return [bytes(address)]
        if isinstance(address, str):
            raw = address.encode("utf-8")     # a lone surrogate: UnicodeEncodeError first
            if b"\0" in raw:
                raise ValueError("embedded null character")
            return [raw]
        raise _WrongFormat

    # -- decode ---------------------------------------------------------------------

    def _struct(self, data: bytes, proto: int, abi: ABI) -> str:
        try:
            struct = self.struct_for(proto)
        except ValueError:
            # makesockaddr() raises ValueError("Unknown Bluetooth protocol").
            raise DecodeError(f"Unknown Bluetooth protocol {proto} (BTPROTO_L2CAP, "
                              "BTPROTO_HCI, BTPROTO_SCO or BTPROTO_RFCOMM)",
                              offset=0, struct="sockaddr", data=data) from None
        self.check_length(data, abi, need=self.MIN_LENGTH[struct], proto=proto)
        return struct

    def decode(self, data: bytes, *, proto: int, abi: ABI, interfaces: Any) -> object:
        struct = self._struct(data, proto, abi)
        values = self.fast(abi, proto).unpack(self.padded(data, abi, proto))
        if struct == "sockaddr_l2":
            _, psm, bdaddr, cid, kind, _ = values
            text = format_bdaddr(bdaddr)
            if kind != schemas.constant("BDADDR_BREDR"):
                return text, psm, cid, kind
            return (text, psm, cid) if cid else (text, psm)
        if struct == "sockaddr_rc":
            _, bdaddr, channel, _ = values
            return format_bdaddr(bdaddr), channel
        if struct == "sockaddr_hci":
            _, dev, channel = values
            return dev if channel == schemas.constant("HCI_CHANNEL_RAW") else (dev, channel)
        return format_bdaddr(values[1])

    def parse(self, data: bytes, *, proto: int, abi: ABI) -> Sockaddr:
        struct = self._struct(data, proto, abi)
        return Sockaddr.from_bytes(struct, data, abi=abi, proto=proto,
                                   layout=self.layout(proto, abi))


register(Bluetooth())
