"""AF_CAN: ``struct sockaddr_can`` (<linux/can.h>; Documentation/networking/can.rst).

The socket's protocol picks the tuple and the arm of the ``can_addr`` union,
as in CPython's ``getsockaddrarg()``/``makesockaddr()``:

=============================  ==================================  ==============
protocol                       tuple                               ``can_addr``
=============================  ==================================  ==============
``CAN_RAW``, ``CAN_BCM``       ``(ifname,)``                       not used
``CAN_ISOTP``                  ``(ifname, rx_id, tx_id)``          ``tp``
``CAN_J1939``                  ``(ifname, name, pgn, addr)``       ``j1939``
any other (decode only)        ``(ifname,)``                       not used
=============================  ==================================  ==============

Encoding any other protocol raises ``OSError("<caller>(): unsupported CAN
protocol")``, as CPython does.  The interface name goes through
``PyUnicode_FSConverter`` (str, bytes or ``os.PathLike``; not bytearray):
``''`` is ifindex 0 (every interface) with no lookup, a name of 16 bytes or
more raises ``OSError("AF_CAN interface name too long")``, any other name is
looked up on this host (``SIOCGIFINDEX``; ``ENODEV`` when unknown).

Where CPython wraps an integer (``k``/``K``/``I``/``B`` codes: ISOTP ids cut
to 32 bits, J1939 ``name`` modulo 2**64, ``pgn`` modulo 2**32, ``addr`` modulo
256) this codec raises :class:`OverflowError` instead.  Bytes CPython <= 3.13
leaves uninitialised (the pad at offset 2, the unused part of ``can_addr``)
are written as zeros.

Decoding keeps ``can_ifindex`` and names it with ``interfaces`` (a mapping or
function from index to name) or this host's table; an unknown index or 0
gives ``''`` as in CPython.  The shortest data accepted is what the kernel
accepts and reports for the protocol, ``CAN_REQUIRED_SIZE()`` of the member it
reads: ``can_ifindex`` (8 bytes) for CAN_RAW, CAN_BCM and others
(``RAW_MIN_NAMELEN``, ``BCM_MIN_NAMELEN`` in net/can/raw.c, bcm.c),
``can_addr.tp`` (16) for CAN_ISOTP (``ISOTP_MIN_NAMELEN``, net/can/isotp.c),
``can_addr.j1939`` (24) for CAN_J1939 (``J1939_MIN_NAMELEN``,
net/can/j1939/socket.c).  Shorter data raises :class:`DecodeError` where
CPython would read its zeroed buffer.
"""

from __future__ import annotations

import functools
import struct
from struct import error as struct_error
from typing import Any

from sockaddr import schemas
from sockaddr._args import expect_tuple, fs_converter, index
from sockaddr.abi import ABI
from sockaddr.errors import DecodeError
from sockaddr.families import Decoder, Encoder, Family, Interfaces, family_error, register
from sockaddr.families._interfaces import IFNAMSIZ, ifindex, ifname
from sockaddr.layout import Bytes, FastCodec, Scalar, Union

__all__ = ["Can"]

CAN_RAW = schemas.constant("CAN_RAW")
CAN_BCM = schemas.constant("CAN_BCM")
CAN_ISOTP = schemas.constant("CAN_ISOTP")
CAN_J1939 = schemas.constant("CAN_J1939")

#: The ``can_addr`` arm each protocol uses (the others use none).
_ARMS = {CAN_ISOTP: "tp", CAN_J1939: "j1939"}

_HEAPTYPE = 1 << 9      # Py_TPFLAGS_HEAPTYPE


def _tp_name(value: object) -> str:
    """``Py_TYPE(value)->tp_name`` as getargs' ``converterr()`` prints it."""
    if value is None:
        return "None"
    kind = type(value)
    if kind.__flags__ & _HEAPTYPE:          # a class defined in Python: its bare name
        name = kind.__name__
    elif kind.__module__ == "builtins":
        name = kind.__qualname__
    else:                                   # a C type names its module ("decimal.Decimal")
        name = f"{kind.__module__}.{kind.__qualname__}"
    return name[:50]                        # "%.50s"


def _exact_int(value: object, position: int) -> int:
    """Codes ``k``/``K``: an ``int`` (``PyLong_Check``), no ``__index__``."""
    if not isinstance(value, int):
        raise TypeError(f"argument {position} must be int, not {_tp_name(value)}")
    return int(value)


def _arguments(address: object, count: int) -> tuple[Any, ...]:
    """``PyArg_ParseTuple`` with no tuple check of its own and no ``;message``."""
    if not isinstance(address, tuple):
        # The ISOTP and J1939 branches call PyArg_ParseTuple on whatever they got.
        raise SystemError("new style getargs format but argument is not a tuple")
    if len(address) != count:
        raise TypeError(f"function takes exactly {count} arguments ({len(address)} given)")
    return address


@functools.cache
def _leaves(fast: FastCodec) -> dict[str, Scalar | Bytes]:
    # Each leaf's C type by dotted path: the widths the range checks use.
    return {path: ctype for path, _, ctype in fast.layout.leaves()}


class Can(Family):
    """AF_CAN: ``(ifname,)``, ``(ifname, rx_id, tx_id)`` or ``(ifname, name, pgn, addr)``.

    >>> import socket, sockaddr
    >>> raw = sockaddr.encode(socket.AF_CAN, ("", 0x123, 0x456), proto=socket.CAN_ISOTP,
    ...                       abi="linux-x86_64")
    >>> raw.hex()
    '1d0000000000000023010000560400000000000000000000'
    >>> sockaddr.decode(raw[:16], proto=socket.CAN_ISOTP, abi="linux-x86_64")
    ('', 291, 1110)
    >>> sockaddr.decode(raw, proto=socket.CAN_RAW, abi="linux-x86_64")
    ('',)
    """

    name = "AF_CAN"
    struct = "sockaddr_can"

    def select_for(self, proto: int) -> dict[str, str]:
        arm = _ARMS.get(proto)
        return {"can_addr": arm} if arm else {}

    def required_size(self, proto: int, abi: ABI) -> int:
        """``CAN_REQUIRED_SIZE(struct sockaddr_can, <member the protocol reads>)``."""
        layout = schemas.layout(self.struct, abi)
        arm = _ARMS.get(proto)
        if arm is None:
            return layout.offsetof("can_ifindex") + layout.field("can_ifindex").type.size
        union = layout.field("can_addr").type
        assert isinstance(union, Union)         # as the schema declares it
        return layout.offsetof(f"can_addr.{arm}") + union.arm(arm).type.size

    def required_length(self, proto: int, abi: ABI) -> int:
        return self.required_size(proto, abi)

    def encode(self, address: object, *, family: int, proto: int, abi: ABI, caller: str,
               resolve: bool) -> bytes:
        # Conversions run in CPython's order (arity, then each item left to right),
        # then the range checks that replace CPython's wraps, then the name rules;
        # so every error CPython raises is raised here, and the deviations only
        # where CPython would have succeeded or failed on the name.
        fields: dict[str, int] = {}
        if proto in (CAN_RAW, CAN_BCM):
            items = expect_tuple(address, caller, "AF_CAN")
            if len(items) != 1:
                raise TypeError("AF_CAN address must be a tuple (interface, )")
            name = fs_converter(items[0])
        elif proto == CAN_ISOTP:
            items = _arguments(address, 3)
            name = fs_converter(items[0])
            fields["can_addr.rx_id"] = _exact_int(items[1], 2)
            fields["can_addr.tx_id"] = _exact_int(items[2], 3)
        elif proto == CAN_J1939:
            items = _arguments(address, 4)
            name = fs_converter(items[0])
            fields["can_addr.name"] = _exact_int(items[1], 2)
            fields["can_addr.pgn"] = index(items[2])
            fields["can_addr.addr"] = index(items[3])
        else:
            raise OSError(f"{caller}(): unsupported CAN protocol")
        fast = self.fast(abi, proto)
        kinds = _leaves(fast)
        for path, number in fields.items():
            hi = (1 << 8 * kinds[path].size) - 1
            if not 0 <= number <= hi:
                raise OverflowError(f"{caller}(): {path.rpartition('.')[2]} must be 0-{hi}.")
        if not name:
            fields["can_ifindex"] = 0      # every CAN interface; CPython makes no ioctl
        elif len(name) >= IFNAMSIZ:
            raise OSError("AF_CAN interface name too long")
        else:
            fields["can_ifindex"] = ifindex(name)
        fields["can_family"] = self.number
        return fast.pack(*(bytes(kinds[path].size) if isinstance(kinds[path], Bytes)
                           else fields.get(path, 0) for path in fast.names))

    def decode(self, data: bytes, *, proto: int, abi: ABI, interfaces: Any) -> object:
        self.check_length(data, abi, proto=proto)
        fast = self.fast(abi, proto)
        values = dict(zip(fast.names, fast.unpack(self.padded(data, abi, proto)), strict=True))
        device = ifname(values["can_ifindex"], interfaces)
        if proto == CAN_ISOTP:
            return device, values["can_addr.rx_id"], values["can_addr.tx_id"]
        if proto == CAN_J1939:
            return (device, values["can_addr.name"], values["can_addr.pgn"],
                    values["can_addr.addr"])
        return (device,)

    def decoder(self, family: int, proto: int, abi: ABI) -> Decoder:
        fast = self.fast(abi, proto)
        need, struct = self.required_length(proto, abi), self.struct
        # The view spans the bytes the kernel requires: struct.error is the short case.
        names = _TUPLES.get(proto, ())
        view = fast.view("can_family", "can_ifindex", *names, end=need)
        read, mine = view.unpack_from, fast.recode("can_family", family, view)

        def header(data: bytes) -> tuple[Any, ...]:
            try:
                values = read(data)
            except struct_error:
                raise DecodeError.short(struct, data, need) from None
            if values[0] != mine:
                raise family_error(struct, data, family, abi)
            return values

        if len(names) == 3:
            def decode(data: bytes, interfaces: Interfaces = None, /) -> object:
                try:
                    got, index, a, b, c = read(data)
                except struct_error:
                    raise DecodeError.short(struct, data, need) from None
                if got != mine:
                    raise family_error(struct, data, family, abi)
                return ifname(index, interfaces) if index else "", a, b, c
            return decode

        def other(data: bytes, interfaces: Interfaces = None, /) -> object:
            _, index, *rest = header(data)
            return (ifname(index, interfaces), *rest)
        return other

    def encoder(self, family: int, proto: int, abi: ABI) -> Encoder:
        # The plain tuple of a protocol with fields, on every interface (''): no
        # name lookup and none of CPython's conversions; anything else takes them.
        slow = super().encoder(family, proto, abi)
        names = _TUPLES.get(proto)
        if names is None:
            return slow
        fast = self.fast(abi, proto)
        view = fast.view("can_family", *names, end=fast.size)
        pack, mine = view.pack, fast.recode("can_family", self.number, view)
        # CPython reads the numbers with PyArg_ParseTuple's "I"/"B" (an int or
        # __index__, masked: struct takes the same objects and refuses what is
        # out of range) and "k"/"K" (an int only: ISOTP's ids, J1939's name, hence
        # the exact-int checks); whatever passes packs to CPython's value and the
        # rest goes to the reference.  '' is the one str of length zero (CPython
        # keeps a single empty str): a subclass takes the long way.
        any_interface = ""
        if len(names) == 3:
            def encode(address: object, caller: str = "encode", resolve: bool = False, /
                       ) -> bytes:
                if address.__class__ is tuple:
                    try:
                        name, a, b, c = address
                        if name is any_interface and a.__class__ is int:
                            return pack(mine, a, b, c)
                    except (ValueError, struct.error):
                        pass
                return slow(address, caller, resolve)
        else:
            def encode(address: object, caller: str = "encode", resolve: bool = False, /
                       ) -> bytes:
                if address.__class__ is tuple:
                    try:
                        name, a, b = address
                        if name is any_interface and a.__class__ is int and b.__class__ is int:
                            return pack(mine, a, b)
                    except (ValueError, struct.error):
                        pass
                return slow(address, caller, resolve)
        return encode

#: The ``can_addr`` fields after the interface in each protocol's tuple.
_TUPLES = {CAN_ISOTP: ("can_addr.rx_id", "can_addr.tx_id"),
           CAN_J1939: ("can_addr.name", "can_addr.pgn", "can_addr.addr")}


register(Can())
