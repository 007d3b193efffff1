"""Hypothesis strategies for socket addresses and control messages.

Use them to fuzz your own code that handles ``struct sockaddr`` bytes,
address tuples or ``msg_control`` buffers:

>>> import socket
>>> from hypothesis import given
>>> from sockaddr import strategies as sst
>>> @given(sst.addresses(socket.AF_INET6))
... def test_my_server_accepts(address):
...     assert len(address) in (2, 3, 4)
>>> test_my_server_accepts()

* :func:`addresses` -- address values as CPython's ``socket`` methods take
  them, in all their forms;
* :func:`sockaddrs` -- raw sockaddr bytes: valid, or hostile (cut short, too
  long, a flipped family, random tails);
* :func:`control_messages` and :func:`control_buffers` -- typed control
  messages and whole ``msg_control`` buffers, valid, truncated or malformed.

Installing the package registers them with hypothesis (the ``hypothesis``
entry point), so ``st.from_type(sockaddr.Sockaddr)`` and
``st.from_type(sockaddr.cmsg.IpPktinfo)`` draw from these strategies.

This is the only module of the package that imports hypothesis.
"""

from __future__ import annotations

import functools
from typing import Any

try:
    from hypothesis import strategies as st
    from hypothesis.errors import InvalidArgument
except ImportError as e:  # pragma: no cover - depends on the environment
    raise ImportError("sockaddr.strategies needs hypothesis: pip install hypothesis "
                      "(or sockaddr-codec[test])") from e

from sockaddr import cmsg, schemas
from sockaddr.abi import ABI
from sockaddr.cmsg._base import ControlMessage, forms
from sockaddr.codec import encode, parse
from sockaddr.families import _ENCODERS, _load, encoder_for
from sockaddr.record import Sockaddr
from sockaddr.strategies._addresses import address_strategy, protocols
from sockaddr.strategies._cmsg import (
    classes,
    family_of,
    message_strategy,
    unknown_strategy,
)
from sockaddr.strategies._drop import mapped

__all__ = [
    "address_families",
    "addresses",
    "control_buffers",
    "control_messages",
    "messages_of",
    "records",
    "sockaddrs",
]

AbiArg = ABI | str | None


@functools.cache
def _families(os_name: str) -> tuple[tuple[int, int], ...]:
    _load()
    pairs = []
    for (os_, family), codec in sorted(_ENCODERS.items()):
        if os_ == os_name:
            pairs += [(family, proto) for proto in protocols(codec)]
    return tuple(pairs)


def address_families(abi: AbiArg = None) -> list[tuple[int, int]]:
    """Every ``(family, proto)`` :func:`addresses` draws for on ``abi``'s OS.

    >>> import socket
    >>> (socket.AF_CAN, socket.CAN_ISOTP) in address_families()
    True
    """
    return list(_families(ABI.get(abi).os))


def addresses(family: int, *, proto: int = 0, abi: AbiArg = None) -> st.SearchStrategy[Any]:
    """Address values a socket of ``family`` and ``proto`` accepts, as CPython takes them.

    For families CPython's ``socket`` module knows, every value is one that
    its ``bind()`` accepts (no name lookups: numeric hosts and this host's
    interfaces only), drawn in every form CPython takes: optional tuple items
    left out, ``str``/``bytes``/``bytearray``, abstract AF_UNIX names,
    ``%scope`` IPv6 hosts, booleans for integers.  Other families draw the
    tuple this package defines (README, "beyond CPython").  ``abi`` picks the
    OS whose family numbers apply (34 is AF_HYPERV on Windows).

    >>> import socket, sockaddr
    >>> from hypothesis import given
    >>> @given(addresses(socket.AF_INET))
    ... def test(address):
    ...     assert len(sockaddr.encode(socket.AF_INET, address)) == 16
    >>> test()
    """
    resolved = ABI.get(abi)
    return address_strategy(family, proto, resolved)


def _pairs(family: int | None, proto: int, abi: ABI) -> st.SearchStrategy[tuple[int, int]]:
    if family is not None:
        if encoder_for(family, abi.os) is None:
            raise InvalidArgument(f"no codec encodes family {family} on {abi.os}")
        return st.just((family, proto))
    return st.sampled_from(_families(abi.os))


def _encoded(family: int, proto: int, abi: ABI) -> st.SearchStrategy[bytes]:
    # Drops the values this ABI cannot hold.
    return mapped(address_strategy(family, proto, abi),
                  lambda address: encode(family, address, proto=proto, abi=abi),
                  (ValueError, TypeError, OverflowError, OSError))


def _hostile(valid: bytes, abi: ABI) -> st.SearchStrategy[bytes]:
    flipped = st.integers(0, 2**16 - 1).map(
        lambda f: f.to_bytes(2, abi.byteorder) + valid[2:])      # sa_family is 2 bytes
    return st.one_of(
        st.integers(0, max(len(valid) - 1, 0)).map(lambda n: valid[:n]),     # cut short
        st.binary(min_size=1, max_size=64).map(lambda tail: valid + tail),     # too long
        flipped,                                                               # other family
        st.integers(129, 300).map(lambda n: valid.ljust(n, b"\xff")),          # oversize
        st.tuples(st.integers(0, max(len(valid) - 1, 0)), st.integers(0, 255)).map(
            lambda p: valid[:p[0]] + bytes([p[1]]) + valid[p[0] + 1:]),        # one byte
    )


def sockaddrs(family: int | None = None, *, proto: int = 0, abi: AbiArg = None,
              valid: bool = True) -> st.SearchStrategy[bytes]:
    """Raw ``struct sockaddr`` bytes (the ``addr``/``addrlen`` of a syscall).

    ``valid=True``: exactly what :func:`sockaddr.encode` (CPython's
    ``getsockaddrarg()``) builds for an :func:`addresses` value, so the
    kernel's length and layout rules hold.  ``valid=False``: hostile input
    for decoders -- valid bytes cut short, extended, with another family, a
    changed byte, oversize, or random -- for checking that a parser fails
    cleanly.  ``family=None`` draws from every family (and protocol) the
    package encodes on ``abi``.

    >>> import sockaddr, socket
    >>> from hypothesis import given
    >>> @given(sockaddrs(socket.AF_NETLINK))
    ... def test(raw):
    ...     assert sockaddr.encode(socket.AF_NETLINK, sockaddr.decode(raw)) == raw
    >>> test()
    """
    resolved = ABI.get(abi)
    good = _pairs(family, proto, resolved).flatmap(lambda p: _encoded(p[0], p[1], resolved))
    if valid:
        return good
    noise = st.binary(max_size=140)
    if family is not None:
        head = family.to_bytes(2, resolved.byteorder)
        noise = st.one_of(noise, st.binary(max_size=140).map(lambda b: head + b))
    return st.one_of(good.flatmap(lambda b: _hostile(b, resolved)), noise)


def records(family: int | None = None, *, proto: int = 0,
            abi: AbiArg = None) -> st.SearchStrategy[Sockaddr]:
    """:class:`~sockaddr.Sockaddr` records of valid :func:`sockaddrs` bytes."""
    resolved = ABI.get(abi)
    return _pairs(family, proto, resolved).flatmap(
        lambda p: _encoded(p[0], p[1], resolved).map(
            lambda b: parse(b, proto=p[1], abi=resolved)))


def control_messages(level: int | None = None, type: int | None = None, *,
                     abi: AbiArg = None) -> st.SearchStrategy[ControlMessage]:
    """Typed control messages, as :func:`sockaddr.cmsg.decode` returns them.

    ``level`` and ``type`` narrow the choice (both: the forms of that pair,
    or :class:`~sockaddr.cmsg.Unknown` if nobody registered it; ``level``
    alone: that level's messages).  Every field holds what some payload of
    the message's size reads as, so ``cmsg.decode(*cmsg.encode(m)) == m``.

    >>> import socket
    >>> from hypothesis import given
    >>> @given(control_messages(socket.SOL_SOCKET, socket.SCM_RIGHTS))
    ... def test(message):
    ...     assert cmsg.decode(*cmsg.encode(message)) == message
    >>> test()
    """
    resolved = ABI.get(abi)
    if level is not None and type is not None:
        found = forms(level, type, resolved)
        if not found:
            return unknown_strategy(resolved, level, type)
        return st.one_of([message_strategy(cls, resolved) for cls in found])
    chosen = [cls for cls in classes(resolved)
              if level is None or cls.numbers(resolved)[0] == level]
    if type is not None:
        chosen = [cls for cls in chosen if cls.numbers(resolved)[1] == type]
    if not chosen:
        return unknown_strategy(resolved, level, type)
    typed = st.sampled_from(chosen).flatmap(lambda cls: message_strategy(cls, resolved))
    if level is None and type is None:
        return st.one_of(typed, unknown_strategy(resolved))
    return typed


def messages_of(cls: type[ControlMessage], *, abi: AbiArg = None) -> st.SearchStrategy[Any]:
    """Messages of one class (``st.from_type(cls)`` resolves to this)."""
    resolved = ABI.get(abi)
    if cls is ControlMessage:
        return control_messages(abi=resolved)
    if cls is cmsg.Unknown:
        return unknown_strategy(resolved)
    if cls is cmsg.Truncated:
        return _buffer_of(resolved).flatmap(lambda b: _cut(b, resolved)).map(
            lambda b: cmsg.parse(b, abi=resolved, truncated=True)).filter(
            lambda ms: bool(ms) and isinstance(ms[-1], cmsg.Truncated)).map(lambda ms: ms[-1])
    concrete = [c for c in classes(resolved) if issubclass(c, cls)]
    if not concrete:
        raise InvalidArgument(f"no registered control message is a {cls.__name__}")
    return st.sampled_from(concrete).flatmap(lambda c: message_strategy(c, resolved))


def _buffer_classes(abi: ABI, family: int | None) -> list[type[ControlMessage]]:
    """The classes a buffer of a ``family`` socket holds (``cmsg.parse(..., family=)``).

    SOL_HCI is level 0 on Bluetooth sockets, where SOL_IP is level 0 elsewhere:
    a family's own classes replace the others of their level.
    """
    own = [c for c in classes(abi) if family is not None and family_of(c) == family]
    taken = {c.numbers(abi)[0] for c in own}
    return own + [c for c in classes(abi)
                  if family_of(c) is None and c.numbers(abi)[0] not in taken]


def _buffer_of(abi: ABI, family: int | None = None) -> st.SearchStrategy[bytes]:
    messages = st.one_of(
        st.sampled_from(_buffer_classes(abi, family)).flatmap(
            lambda c: message_strategy(c, abi)),
        unknown_strategy(abi))
    return st.lists(messages, max_size=6).map(lambda ms: cmsg.build(ms, abi=abi))


def _cut(buffer: bytes, abi: ABI) -> st.SearchStrategy[bytes]:
    """``buffer`` as the kernel leaves it when ``msg_controllen`` runs out (``put_cmsg()``).

    The kernel writes whole messages while they fit, then the header and the
    payload bytes that fit of the next, with ``cmsg_len`` cut to what it wrote.
    """
    size, _ = cmsg.header(abi)
    fast = schemas.fast("cmsghdr", abi)

    def cut(limit: int) -> bytes:
        out = bytearray()
        offset = 0
        while offset < len(buffer):
            length, level, type_ = fast.unpack(buffer, offset)
            space = cmsg.space(length - size, abi=abi)
            if offset + length <= limit:
                out += buffer[offset:offset + min(space, limit - offset)]
                offset += space
                continue
            if limit - offset >= size:
                out += fast.pack(limit - offset, level, type_) + buffer[offset + size:limit]
            break
        return bytes(out)

    return st.integers(0, len(buffer)).map(cut)


def control_buffers(abi: AbiArg = None, truncated: bool = False, *, valid: bool = True,
                    family: int | None = None) -> st.SearchStrategy[bytes]:
    """Raw ``msg_control`` buffers: headers, payloads and ``CMSG_SPACE`` padding.

    ``truncated=True`` draws buffers cut as the kernel cuts them under
    ``MSG_CTRUNC`` (parse them with ``cmsg.parse(..., truncated=True)``);
    ``valid=False`` draws malformed ones (a ``cmsg_len`` below the header or
    past the end, a stray tail, a changed byte, random bytes) that
    :func:`sockaddr.cmsg.parse` must refuse or read without an internal error.
    ``family`` is the socket's, as :func:`sockaddr.cmsg.parse` takes it (31:
    a Bluetooth socket, whose level 0 is SOL_HCI).

    >>> from hypothesis import given
    >>> @given(control_buffers(truncated=True))
    ... def test(buffer):
    ...     cmsg.parse(buffer, truncated=True)     # never raises
    >>> test()
    """
    resolved = ABI.get(abi)
    good = _buffer_of(resolved, family)
    if truncated:
        good = good.flatmap(lambda b: _cut(b, resolved))
    if valid:
        return good
    size, _ = cmsg.header(resolved)
    fast = schemas.fast("cmsghdr", resolved)
    bad_len = st.tuples(st.one_of(st.integers(0, size - 1), st.integers(size + 1, 2**16)),
                        st.integers(0, 2**31 - 1), st.integers(0, 255), st.binary(max_size=32))
    return st.one_of(
        bad_len.map(lambda t: fast.pack(*t[:3]) + t[3]),
        good.flatmap(lambda b: st.binary(min_size=1, max_size=size - 1).map(lambda t: b + t)),
        good.filter(bool).flatmap(lambda b: st.tuples(
            st.integers(0, len(b) - 1), st.integers(0, 255)).map(
            lambda p: b[:p[0]] + bytes([p[1]]) + b[p[0] + 1:])),
        good.flatmap(lambda b: _cut(b, resolved)),
        st.binary(max_size=256),
    )


