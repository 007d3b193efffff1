"""Harness ``parse``: the lossless record of any bytes, on any ABI, with any protocol.

Input: as the ``decode`` harness (``[ABI][proto][flags]([family]) + bytes``).

Checks:

* ``sockaddr.parse`` raises nothing but :class:`sockaddr.DecodeError`, whose
  offset lies within the data;
* the record is lossless: ``bytes(rec) == data``, ``encode()`` of the record
  gives the data, and parsing ``bytes(rec)`` again gives the same fields;
* its ``family`` is the ``sa_family`` the bytes start with;
* every field reads the same as an attribute and an item, and ``replace()``
  with no change or with a field's own value gives an equal record and the
  same bytes;
* a field changed with ``replace()`` (an integer's low bit, a byte string's
  first byte flipped) is written where it is read: the new bytes, as long as
  the old, parse to the new value (unless the change picks another layout, or
  the record refuses it: past ``length``, out of range);
* ``repr()`` works; ``rec.address`` is ``decode()`` of the data (or raises the
  same DecodeError: parse accepts bytes decode refuses).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

if __package__ in (None, ""):  # run as a script: python fuzz/harness_parse.py
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import sockaddr
from fuzz._common import Input, check, check_offset
from fuzz.harness_decode import read, seed

__all__ = ["TestOneInput", "seed"]


def _flipped(value: object) -> object:
    """``value`` changed a little, or None for values not changed here."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value ^ 1
    if isinstance(value, bytes) and value:
        return bytes([value[0] ^ 1]) + value[1:]
    return None


def _shape(value: object) -> object:
    """The layout a value was read with: names, kinds and sizes, not contents."""
    if isinstance(value, Mapping):
        return tuple((k, _shape(v)) for k, v in value.items())
    if isinstance(value, tuple):
        return tuple(_shape(v) for v in value)
    if isinstance(value, bytes):
        return ("bytes", len(value))
    return type(value).__name__


def _check_writes(rec: sockaddr.Sockaddr, raw: bytes, proto: int, abi: sockaddr.ABI) -> None:
    family_field = next(iter(rec.fields))
    for name, value in rec.fields.items():
        new = _flipped(value)
        if name == family_field or new is None:
            continue
        try:
            changed = rec.replace(**{name: new})
            out = bytes(changed)
        except (ValueError, OverflowError, TypeError):
            continue      # the record refuses it (past length, out of the C type's range)
        check(len(out) == len(raw), f"{rec!r}.replace({name}={new!r}) is {len(out)} bytes")
        try:
            again = sockaddr.parse(out, proto=proto, abi=abi)
        except sockaddr.DecodeError:
            continue      # the change made the bytes invalid (a length field, say)
        if _shape(again.fields) == _shape(changed.fields):   # not another layout (union arm)
            check(again.fields == changed.fields,
                  f"{rec!r}: {name} set to {new!r} reads back as {again.fields[name]!r} "
                  f"({out.hex()})")


def TestOneInput(data: bytes) -> None:
    """Parse, then check the record against the bytes."""
    abi, proto, _, raw = read(Input(data))
    try:
        rec = sockaddr.parse(raw, proto=proto, abi=abi)
    except sockaddr.DecodeError as e:
        check_offset(e, raw)
        return
    out = bytes(rec)
    check(out == raw, f"parse({raw.hex()}) gives back {out.hex()}: {rec!r}")
    family = int.from_bytes(raw[:2], abi.byteorder)
    check(rec.family == family, f"{rec!r}: family {rec.family}, bytes say {family}")
    check(sockaddr.encode(family, rec, proto=proto, abi=abi) == raw,
          f"encode() of the record of {raw.hex()} is not its bytes")
    again = sockaddr.parse(out, proto=proto, abi=abi)
    check(again == rec, f"{raw.hex()}: parsed twice, {rec!r} then {again!r}")
    check(rec.replace() == rec and bytes(rec.replace()) == raw, f"{rec!r}.replace() differs")
    for name, value in rec.fields.items():
        check(getattr(rec, name) == value == rec[name], f"{rec!r}: field {name} reads apart")
        same = rec.replace(**{name: value})
        check(same == rec and bytes(same) == raw, f"{rec!r}.replace({name}=itself) differs")
    _check_writes(rec, raw, proto, abi)
    repr(rec)
    try:
        expected: object = sockaddr.decode(raw, proto=proto, abi=abi)
    except sockaddr.DecodeError as e:
        expected = e
    try:
        address = rec.address
    except sockaddr.DecodeError as e:
        check(isinstance(expected, sockaddr.DecodeError) and str(e) == str(expected),
              f"{rec!r}.address raises {e!r}, decode() gives {expected!r}")
    else:
        check(address == expected, f"{rec!r}.address {address!r} is not decode()'s "
              f"{expected!r}")


if __name__ == "__main__":
    from fuzz._common import fuzz

    fuzz(TestOneInput)
