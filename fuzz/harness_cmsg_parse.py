"""Harness ``cmsg_parse``: a whole raw ``msg_control`` buffer, walked and typed.

Input: ``[ABI][flags]`` + the buffer; flags bit 0 is ``truncated=`` (the
kernel's ``MSG_CTRUNC``), bits 1-3 pick ``family=``.

Checks:

* ``cmsg.parse`` raises nothing but :class:`sockaddr.DecodeError`, whose
  offset lies within the buffer;
* the walk: the messages are the buffer's ``cmsghdr`` runs, one each, in
  order (walked again here with ``CMSG_ALIGN``), ``Truncated`` only last and
  only with ``truncated=True``, with the header's length and the bytes present;
* each whole message is its payload decoded, and encodes back exactly (or,
  holding a decoded sockaddr, to bytes that decode to it: ``fuzz/_cmsg.py``);
* so ``cmsg.build(parse(buf)) == buf`` with the ``CMSG_SPACE`` padding zeroed
  and a truncated tail dropped, when every message encodes back exactly, and
  ``cmsg.space()`` of the messages is that length (when nothing is truncated).
"""

from __future__ import annotations

import os
import sys

if __package__ in (None, ""):  # run as a script: python fuzz/harness_cmsg_parse.py
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import sockaddr
from fuzz._cmsg import FAMILIES, check_round_trip
from fuzz._common import Input, abi_byte, check, check_offset
from sockaddr import cmsg, schemas
from sockaddr.abi import ABI

__all__ = ["TestOneInput", "seed", "walk"]


def seed(buffer: bytes, *, abi: str | None = None, truncated: bool = False,
         family: int | None = None) -> bytes:
    """The input that parses ``buffer`` (from a ``family`` socket) on ``abi``."""
    return bytes([abi_byte(abi), int(truncated) | FAMILIES.index(family) << 1]) + buffer


def _align(n: int, a: int) -> int:
    return (n + a - 1) // a * a


def walk(buffer: bytes, abi: ABI) -> list[tuple[int, int, int, int]]:
    """``(offset, cmsg_len, level, type)`` of each header ``CMSG_NXTHDR`` visits
    in a buffer ``parse`` accepted; the last may run past the end (cut)."""
    fast = schemas.fast("cmsghdr", abi)
    size, align = cmsg.header(abi)
    out = []
    offset = 0
    while len(buffer) - offset >= size:
        length, level, type_ = fast.unpack(buffer, offset)
        check(length >= size, f"parse() accepted cmsg_len {length} at offset {offset}")
        out.append((offset, length, level, type_))
        offset += _align(length, align)
    return out


def TestOneInput(data: bytes) -> None:
    """Parse a buffer, then walk it again and rebuild it."""
    inp = Input(data)
    abi = ABI.get(inp.abi())
    flags = inp.byte()
    truncated = bool(flags & 1)
    family = FAMILIES[(flags >> 1) % len(FAMILIES)]
    buffer = inp.rest()
    try:
        messages = cmsg.parse(buffer, abi=abi, truncated=truncated, family=family)
    except sockaddr.DecodeError as e:
        check_offset(e, buffer)
        return
    size, align = cmsg.header(abi)
    headers = walk(buffer, abi)
    check(len(headers) == len(messages),
          f"{abi.name}: {len(messages)} messages in a buffer of {len(headers)} headers: "
          f"{buffer.hex()}")
    expected = bytearray()
    exact = True
    for i, ((offset, length, level, type_), message) in enumerate(
            zip(headers, messages, strict=True)):
        payload = buffer[offset + size:offset + length]
        if isinstance(message, cmsg.Truncated):
            check(truncated and i == len(messages) - 1,
                  f"Truncated message {i} of {len(messages)} (truncated={truncated})")
            check((message.level, message.type, message.data, message.length)
                  == (level, type_, payload, length),
                  f"{message!r} at offset {offset} of {buffer.hex()}")
        else:
            check(offset + length <= len(buffer), f"{message!r} runs past the buffer")
            exact &= check_round_trip(message, level, type_, payload, abi=abi, family=family)
        chunk = buffer[offset:offset + length]
        expected += chunk + bytes(_align(len(expected) + len(chunk), align)
                                  - len(expected) - len(chunk))
    if not exact:
        return
    rebuilt = cmsg.build(messages, abi=abi)
    check(rebuilt == expected, f"{abi.name}: build(parse({buffer.hex()})) = {rebuilt.hex()}, "
          f"not {bytes(expected).hex()}")
    if not any(isinstance(m, cmsg.Truncated) for m in messages):
        check(cmsg.space(*messages, abi=abi) == len(expected),
              f"cmsg.space() of {messages!r} is not {len(expected)}")


if __name__ == "__main__":
    from fuzz._common import fuzz

    fuzz(TestOneInput)
