"""Control messages drawn from their payload bytes, so every field holds what the kernel can write.

A message is made the way :func:`sockaddr.cmsg.decode` makes one: payload
bytes of the class's size (any size for variable payloads, whole ints more
often) read by the class.  That keeps values in their C ranges and reaches
every shape a payload can take (an offender that is ``None``, a tuple or a
raw record; a timestamp's huge seconds...) without a strategy per class.
"""

from __future__ import annotations

import functools
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from sockaddr import cmsg, schemas
from sockaddr.abi import ABI
from sockaddr.cmsg._base import ControlMessage, all_forms
from sockaddr.errors import DecodeError
from sockaddr.strategies._drop import DROP, mapped

__all__ = ["classes", "message_strategy", "payloads", "unknown_strategy"]

Strategy = st.SearchStrategy[Any]


@functools.cache
def classes(abi: ABI) -> tuple[type[ControlMessage], ...]:
    """Every registered message class that has numbers on ``abi``."""
    out = []
    for cls in all_forms():
        try:
            cls.numbers(abi)
        except (KeyError, LookupError, ValueError):
            continue            # a level this OS does not have
        out.append(cls)
    return tuple(out)


def payloads(cls: type[ControlMessage], abi: ABI) -> Strategy:
    """Payload bytes of the size ``cls`` takes on ``abi``."""
    size = cls.payload_size(abi)
    if size is not None:
        return st.binary(min_size=size, max_size=size)
    ints = st.integers(0, 16).flatmap(lambda n: st.binary(min_size=4 * n, max_size=4 * n))
    return st.one_of(ints, st.binary(max_size=96))


def message_strategy(cls: type[ControlMessage], abi: ABI) -> Strategy:
    """Messages of class ``cls`` on ``abi``."""
    if cls not in classes(abi):
        raise InvalidArgument(f"{cls.__name__} has no (level, type) on {abi.name}")

    def make(data: bytes) -> object:
        message = cls.from_payload(data, abi)
        # A variable-size form gives Unknown for a payload it cannot hold (_shapes.malformed).
        return message if type(message) is cls else DROP

    return mapped(payloads(cls, abi), make, (DecodeError,))


def _registered(abi: ABI) -> frozenset[tuple[int, int]]:
    return frozenset(cls.numbers(abi) for cls in classes(abi))


def unknown_strategy(abi: ABI, level: int | None = None, type_: int | None = None) -> Strategy:
    """:class:`~sockaddr.cmsg.Unknown` messages of pairs nobody registered."""
    known = _registered(abi)
    c_int = st.integers(-(2**31), 2**31 - 1)
    levels = st.just(level) if level is not None else st.one_of(
        st.sampled_from(sorted({lv for lv, _ in known})), c_int)
    types = st.just(type_) if type_ is not None else st.one_of(st.integers(0, 255), c_int)
    pairs = st.tuples(levels, types).filter(lambda p: p not in known)
    return st.builds(lambda p, data: cmsg.Unknown(p[0], p[1], data), pairs,
                     st.binary(max_size=64))


def family_of(cls: type[ControlMessage]) -> int | None:
    """The socket family a class is limited to (SOL_HCI's), else ``None``."""
    name = getattr(cls, "family", None)
    return schemas.constant(name) if name else None
