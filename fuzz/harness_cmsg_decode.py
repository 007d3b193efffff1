"""Harness ``cmsg_decode``: one ancillary item ``(level, type, payload)``, typed.

Input: ``[ABI][mode][family]``, then ``[pair: 2 bytes]`` (a registered
``(cmsg_level, cmsg_type)``, by index) or, when ``mode % 16 == 15``,
``[level: 4 bytes][type: 4 bytes]`` (any numbers), then the payload.

Checks:

* ``cmsg.decode`` raises nothing but :class:`sockaddr.DecodeError`, whose
  offset lies within the payload;
* the message says it is ``(level, type)``, and ``cmsg.encode`` gives back
  the exact item, except where the class holds a decoded sockaddr: then the
  encoded item decodes to the same message (``fuzz/_cmsg.py`` says why);
* ``repr()`` works, and so does ``cmsg.space()`` of the message (when it encodes).
"""

from __future__ import annotations

import functools
import os
import sys

if __package__ in (None, ""):  # run as a script: python fuzz/harness_cmsg_decode.py
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import sockaddr
from fuzz._cmsg import FAMILIES, check_round_trip
from fuzz._common import Input, abi_byte, check, check_offset
from sockaddr import cmsg
from sockaddr.abi import ABI

__all__ = ["TestOneInput", "seed"]

_EXPLICIT = 15


@functools.cache
def pairs() -> tuple[tuple[str, str], ...]:
    """Every registered ``(cmsg_level, cmsg_type)``, by constant name."""
    return tuple(sorted({(c.cmsg_level, c.cmsg_type) for c in cmsg.message_classes()}))


def _numbers(pair: tuple[str, str], abi: ABI) -> tuple[int, int]:
    from sockaddr import schemas  # noqa: PLC0415

    return schemas.constant(pair[0], abi), schemas.constant(pair[1], abi)


def seed(level: int, type_: int, payload: bytes, *, abi: str | None = None,
         family: int | None = None) -> bytes:
    """The input that decodes ``(level, type_, payload)`` on ``abi`` for a ``family`` socket."""
    head = bytes([abi_byte(abi), 0, FAMILIES.index(family)])
    target = ABI.get(abi)
    for i, pair in enumerate(pairs()):
        if _numbers(pair, target) == (level, type_):
            return head + i.to_bytes(2, "big") + payload
    head = head[:1] + bytes([_EXPLICIT]) + head[2:]
    return head + level.to_bytes(4, "big") + type_.to_bytes(4, "big") + payload


def read(inp: Input) -> tuple[ABI, int, int, int | None, bytes]:
    """``(abi, level, type, family, payload)`` from an input in this harness's format."""
    abi = ABI.get(inp.abi())
    mode = inp.byte()
    family = inp.pick(FAMILIES)
    if mode % 16 == _EXPLICIT:
        level, type_ = inp.uint(4), inp.uint(4)
    else:
        level, type_ = _numbers(inp.pick(pairs(), 2), abi)
    return abi, level, type_, family, inp.rest()


def TestOneInput(data: bytes) -> None:
    """Decode one item, encode it back."""
    abi, level, type_, family, payload = read(Input(data))
    try:
        message = cmsg.decode(level, type_, payload, abi=abi, family=family)
    except sockaddr.DecodeError as e:
        check_offset(e, payload)
        return
    check_round_trip(message, level, type_, payload, abi=abi, family=family)
    repr(message)
    check(cmsg.space(message, abi=abi) == cmsg.space(len(payload), abi=abi),
          f"cmsg.space({message!r}) is not CMSG_SPACE({len(payload)})")


if __name__ == "__main__":
    from fuzz._common import fuzz

    fuzz(TestOneInput)
