"""The control-message property both cmsg harnesses check.

``cmsg.decode`` then ``cmsg.encode`` gives back the exact ``(level, type,
payload)`` item for every payload a class takes (``tests/test_cmsg.py``,
``test_decode_encode_is_exact``; ``tests/test_cmsg_levels.py``,
``test_round_trips``): scalars, raw bytes and fd arrays are kept byte for
byte, struct padding is remembered (``PaddedStruct``, ``ArmStruct``), and a
payload a variable form cannot hold stays an ``Unknown``.

The one designed exception is a message that embeds a ``struct sockaddr_*``
(``IP_ORIGDSTADDR``, ``IPV6_ORIGDSTADDR``, ``IPV6_PATHMTU``'s ``ip6m_addr``,
the ``IP_RECVERR``/``IPV6_RECVERR`` offender): the address is held as the
value ``sockaddr.decode()`` gives, which is CPython's tuple and drops what the
tuple has no room for (``sin_zero``, a family other than the struct's, a
flowinfo of more than 20 bits...).  For those, encoding may refuse the
value (the encoder's ``TypeError``/``ValueError``/``OverflowError``/
``OSError``), and when it does not, the bytes it gives decode to the same
message: the normalisation happens once.
"""

from __future__ import annotations

import socket

from fuzz._common import ENCODE_ERRORS, check
from sockaddr import cmsg, schemas
from sockaddr.abi import ABI
from sockaddr.cmsg import ControlMessage, StructMessage, Truncated, Unknown
from sockaddr.cmsg._kinds import ExtendedError, SockaddrMessage
from sockaddr.layout import Array, CType, Struct

__all__ = ["FAMILIES", "check_round_trip", "embeds_sockaddr", "numbers"]

#: ``family=`` for the cmsg functions: unknown, and the families whose
#: sockets carry control messages (AF_BLUETOOTH makes level 0 SOL_HCI).
FAMILIES: tuple[int | None, ...] = (
    None, socket.AF_INET, socket.AF_INET6, socket.AF_UNIX, socket.AF_NETLINK,
    socket.AF_PACKET, schemas.constant("AF_BLUETOOTH"), schemas.constant("AF_CAN"),
)


def _has_sockaddr(ctype: CType) -> bool:
    if isinstance(ctype, Struct):
        return ctype.name.startswith("sockaddr") or any(_has_sockaddr(f.type)
                                                        for f in ctype.fields)
    if isinstance(ctype, Array):
        return _has_sockaddr(ctype.elem)
    return False


_EMBEDS: dict[tuple[str, str, str], bool] = {}


def embeds_sockaddr(cls: type[ControlMessage], abi: ABI) -> bool:
    """Whether ``cls`` holds a decoded ``struct sockaddr_*`` (see the module docstring)."""
    key = (cls.__module__, cls.__qualname__, abi.name)
    if key not in _EMBEDS:
        if issubclass(cls, SockaddrMessage):
            _EMBEDS[key] = True
        elif issubclass(cls, ExtendedError):
            _EMBEDS[key] = cls.offender_struct is not None
        elif issubclass(cls, StructMessage):
            _EMBEDS[key] = _has_sockaddr(schemas.layout(cls.payload, abi))
        else:
            _EMBEDS[key] = False
    return _EMBEDS[key]


def numbers(message: ControlMessage, abi: ABI) -> tuple[int, int]:
    """The ``(cmsg_level, cmsg_type)`` a message says it is."""
    if isinstance(message, Unknown | Truncated):
        return message.level, message.type
    return message.numbers(abi)


def check_round_trip(message: ControlMessage, level: int, type_: int, payload: bytes, *,
                     abi: ABI, family: int | None) -> bool:
    """Check ``message``, decoded from ``(level, type_, payload)``, against them.

    Returns whether encoding gives back ``payload`` exactly (always, except
    for the sockaddr-holding classes).
    """
    check(numbers(message, abi) == (level, type_),
          f"{message!r} from ({level}, {type_}) says it is {numbers(message, abi)}")
    check(not isinstance(message, Truncated), f"a whole message decoded to {message!r}")
    if not embeds_sockaddr(type(message), abi):
        item = cmsg.encode(message, abi=abi)
        check(item == (level, type_, payload),
              f"{abi.name}: ({level}, {type_}, {payload.hex()}) decodes to {message!r}, "
              f"which encodes to ({item[0]}, {item[1]}, {item[2].hex()})")
        return True
    try:
        item = cmsg.encode(message, abi=abi)
    except ENCODE_ERRORS:
        return False
    check(item[:2] == (level, type_), f"{message!r} encodes as {item[:2]}")
    if item[2] == payload:
        return True
    again = cmsg.decode(level, type_, item[2], abi=abi, family=family)
    check(again == message, f"{abi.name}: ({level}, {type_}, {payload.hex()}) decodes to "
          f"{message!r}, encodes to {item[2].hex()}, which decodes to {again!r}")
    return False
