"""The control-message property both cmsg harnesses check.

``cmsg.decode`` then ``cmsg.encode`` gives back the exact ``(level, type,
payload)`` item for every payload a class takes (``tests/test_cmsg.py``,
``test_decode_encode_is_exact``; ``tests/test_cmsg_levels.py``,
``test_round_trips``): scalars, raw bytes and fd arrays are kept byte for
byte, struct padding is remembered (``PaddedStruct``, ``ArmStruct``), and a
payload a variable form cannot hold stays an ``Unknown``.

A message that embeds a ``struct sockaddr_*`` (``IP_ORIGDSTADDR``,
``IPV6_PATHMTU``'s ``ip6m_addr``, the ``IP_RECVERR`` offender) holds CPython's
tuple only when that tuple encodes back to the same bytes, else the lossless
``Sockaddr`` record (``sockaddr.cmsg._base.read_sockaddr``), so it is exact too.
"""

from __future__ import annotations

import socket

from fuzz._common import check
from sockaddr import cmsg, schemas
from sockaddr.abi import ABI
from sockaddr.cmsg import ControlMessage, Truncated, Unknown

__all__ = ["FAMILIES", "check_round_trip", "numbers"]

#: ``family=`` for the cmsg functions: unknown, and the families whose
#: sockets carry control messages (AF_BLUETOOTH makes level 0 SOL_HCI).
FAMILIES: tuple[int | None, ...] = (
    None, socket.AF_INET, socket.AF_INET6, socket.AF_UNIX, socket.AF_NETLINK,
    socket.AF_PACKET, schemas.constant("AF_BLUETOOTH"), schemas.constant("AF_CAN"),
)


def numbers(message: ControlMessage, abi: ABI) -> tuple[int, int]:
    """The ``(cmsg_level, cmsg_type)`` a message says it is."""
    if isinstance(message, Unknown | Truncated):
        return message.level, message.type
    return message.numbers(abi)


def check_round_trip(message: ControlMessage, level: int, type_: int, payload: bytes, *,
                     abi: ABI, family: int | None) -> bool:
    """Check ``message``, decoded from ``(level, type_, payload)``, against them.

    Returns True: encoding gives back ``payload`` exactly.
    """
    check(numbers(message, abi) == (level, type_),
          f"{message!r} from ({level}, {type_}) says it is {numbers(message, abi)}")
    check(not isinstance(message, Truncated), f"a whole message decoded to {message!r}")
    item = cmsg.encode(message, abi=abi)
    check(item == (level, type_, payload),
          f"{abi.name}: ({level}, {type_}, {payload.hex()}) decodes to {message!r}, "
          f"which encodes to ({item[0]}, {item[1]}, {item[2].hex()})")
    return True
