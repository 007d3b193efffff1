"""Differential checks against CPython's C codec, shared by the family tests.

``check_encode`` and ``check_decode`` run one case through ``sockaddr`` and
through the oracle (``tests/oracle``) and assert the same bytes (uninitialised
ones masked), the same value (same types: str is not bytes), or the same
exception type and message.
"""

from __future__ import annotations

import socket
import sys
from collections.abc import Callable
from typing import Any

import pytest
from oracle.cpython import CPythonOracle

import sockaddr

_STORAGE = 128      # sizeof(struct sockaddr_storage): CPython's zeroed buffer

#: Families whose sockets CPython sizes a decode buffer for (any family CPython
#: knows would do; bytes of other families are decoded on an AF_UNIX socket).
SOCKET_FAMILIES = {socket.AF_UNIX, socket.AF_INET, socket.AF_INET6, socket.AF_NETLINK,
                   socket.AF_PACKET, socket.AF_VSOCK, socket.AF_CAN, socket.AF_TIPC,
                   socket.AF_ALG, socket.AF_QIPCRTR}

#: Families CPython's makesockaddr() does not know but sockaddr decodes (README).
BEYOND_CPYTHON = frozenset(range(1, 46)) - SOCKET_FAMILIES - {31,  # AF_BLUETOOTH
                                                              socket.AF_RDS}


def check_encode(oracle: CPythonOracle, family: int, address: object, proto: int = 0,
                 deviation: Callable[[object], type | None] | None = None) -> str:
    """Compare one encode; returns how it went ("bytes", "error" or "deviation").

    ``deviation(address)`` names the exception a documented deviation makes us
    raise where CPython wraps or truncates (None: no deviation for it).
    """
    theirs = oracle.encode(family, address, proto=proto, caller="bind")
    try:
        ours: bytes | BaseException = sockaddr.encode(family, address, proto=proto,
                                                      caller="bind")
    except Exception as e:
        ours = e
    expected = deviation(address) if deviation is not None else None
    if expected is not None and (
            theirs.ok or (theirs.exc_type is OSError and type(ours) is expected)):
        # Where CPython wraps or truncates (and, for a long AF_PACKET name, then
        # fails to find the truncated name), we raise the documented exception.
        assert type(ours) is expected, (address, ours, theirs)
        assert theirs.ok or theirs.exc_type is OSError, (address, ours, theirs)
        return "deviation"
    if theirs.ok:
        assert isinstance(ours, bytes), (address, ours, theirs)
        assert len(ours) == len(theirs.value), (address, ours, theirs)  # type: ignore[arg-type]
        assert theirs.masked() == bytes(
            0 if i in theirs.uninit else b for i, b in enumerate(ours)), (address, theirs)
        assert not any(ours[i] for i in theirs.uninit), "uninitialised bytes must be zero"
        return "bytes"
    assert isinstance(ours, BaseException), (address, ours, theirs)
    assert type(ours) is theirs.exc_type or (
        isinstance(ours, sockaddr.UnresolvedHostError) and theirs.exc_type is socket.gaierror
    ), (address, ours, theirs)
    if not isinstance(ours, sockaddr.UnresolvedHostError):
        assert str(ours) == theirs.exc_msg, (address, ours, theirs)
    return "error"


def same(a: Any, b: Any) -> bool:
    """Equal values of the same types, all the way down (str is not bytes)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def check_decode(oracle: CPythonOracle, data: bytes, family: int | None = None,
                 proto: int = 0) -> str:
    """Compare one decode on a socket of the data's own family."""
    beyond = BEYOND_CPYTHON if oracle.python != sys.executable or hasattr(
        socket, "BTPROTO_RFCOMM") else BEYOND_CPYTHON | {31}   # a CPython built without BlueZ
    if len(data) >= 2 and int.from_bytes(data[:2], "little") in beyond:
        return "beyond CPython: it decodes this family as (family, sa_data)"
    if family is None:
        family = int.from_bytes(data[:2], "little") if len(data) >= 2 else socket.AF_INET
        if family not in SOCKET_FAMILIES:
            family = socket.AF_UNIX     # the largest buffer; makesockaddr reads sa_family
    theirs = oracle.decode(family, data, proto=proto)
    try:
        ours: object = sockaddr.decode(data, proto=proto)
    except sockaddr.DecodeError as e:
        ours = e
    if theirs.reads_uninit:
        return "cpython reads uninitialised bytes"
    if (isinstance(ours, sockaddr.DecodeError) and not theirs.ok
            and theirs.exc_type is not SystemError and ours.offset != len(data)):
        # Bytes CPython rejects for what they say (TIPC's address type, ALG's
        # UTF-8): a DecodeError that is also CPython's exception, same text.
        assert theirs.exc_type is not None
        assert isinstance(ours, theirs.exc_type), (data, ours, theirs)
        assert str(ours) == theirs.exc_msg, (data, ours, theirs)
        return "error"
    if isinstance(ours, sockaddr.DecodeError):
        # Documented: CPython reads its zeroed buffer where the bytes are too short
        # (or, for addrlen 1, fails with SystemError).  What it then returns or
        # raises is what we make of the zero-filled bytes.
        assert not theirs.ok or ours.offset == len(data), (data, ours, theirs)
        if not theirs.ok and theirs.exc_type is not SystemError:
            assert ours.offset == len(data), (data, ours, theirs)
            with pytest.raises(sockaddr.DecodeError) as filled:
                sockaddr.decode(data.ljust(_STORAGE, b"\0"), proto=proto)
            assert isinstance(filled.value, theirs.exc_type), (data, filled.value, theirs)
            assert str(filled.value) == theirs.exc_msg, (data, filled.value, theirs)
        return "deviation"
    assert theirs.ok, (data, ours, theirs)
    assert same(ours, theirs.value), (data, ours, theirs.value)
    return "value"


