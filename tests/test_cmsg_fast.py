"""cmsg's fast path (``sockaddr.cmsg._fast``) against its reference path, on every class and ABI.

The oracle is the reference path kept in :mod:`sockaddr.cmsg`:
``_decode_reference`` (the registry looked up, the family filter and the
sizes tried, ``from_payload`` called, for every message) and
``_parse_reference`` (the kernel's walk through it).  The fast path must give
the same messages (same type, ``==``, ``repr``, ``hash``, attributes) and the
same errors (type, message, offset, struct) for valid, hostile and cut
buffers, with and without ``truncated=True`` and ``family=``.
"""

from __future__ import annotations

import dataclasses
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sockaddr import cmsg, schemas, strategies
from sockaddr.abi import ABI, KNOWN
from sockaddr.cmsg import _base, _fast
from sockaddr.cmsg._base import ControlMessage, RawMessage, ScalarMessage, StructMessage
from sockaddr.cmsg._shapes import PaddedStruct
from sockaddr.errors import DecodeError

ABIS = sorted(KNOWN)
CLASSES = sorted(cmsg.message_classes(), key=lambda c: (c.cmsg_level, c.cmsg_type, c.__name__))
FAMILIES: tuple[int | None, ...] = (None, socket.AF_INET, socket.AF_INET6, socket.AF_UNIX,
                                    schemas.constant("AF_BLUETOOTH"), schemas.constant("AF_CAN"))


#: The ``from_payload`` methods the fast path replaces by generated readers.
DERIVED = {ScalarMessage.from_payload.__func__, StructMessage.from_payload.__func__,  # type: ignore[attr-defined]
           PaddedStruct.from_payload.__func__}  # type: ignore[attr-defined]


def _family(cls: type[ControlMessage]) -> int | None:
    name = getattr(cls, "family", None)
    return None if name is None else schemas.constant(name)


def outcome(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, ...]:
    """What a call gives: ``("value", v)`` or the exception's type, text, offset, struct."""
    try:
        return ("value", fn(*args, **kwargs))
    except Exception as e:
        return ("raise", type(e), str(e), getattr(e, "offset", None), getattr(e, "struct", None),
                getattr(e, "data", None))


def _hash(message: object) -> tuple[Any, ...]:
    return outcome(hash, message)


def assert_same_message(fast: object, ref: object) -> None:
    assert type(fast) is type(ref)
    assert fast == ref
    assert repr(fast) == repr(ref)
    assert _hash(fast) == _hash(ref)
    # Padding a PaddedStruct remembers lives in __dict__ too: same keys, same order.
    assert list(vars(fast).items()) == list(vars(ref).items())


def assert_same(fast: tuple[Any, ...], ref: tuple[Any, ...]) -> None:
    assert fast[0] == ref[0], (fast, ref)
    if ref[0] == "raise":
        assert fast == ref
    elif isinstance(ref[1], list):
        assert len(fast[1]) == len(ref[1])
        for a, b in zip(fast[1], ref[1], strict=True):
            assert_same_message(a, b)
    else:
        assert_same_message(fast[1], ref[1])


def check_decode(level: int, type_: int, payload: bytes | bytearray | memoryview, abi: str,
                 family: int | None) -> None:
    assert_same(outcome(cmsg.decode, level, type_, payload, abi=abi, family=family),
                outcome(cmsg._decode_reference, level, type_, payload, abi=abi, family=family))


def check_parse(buffer: bytes | bytearray, abi: str, family: int | None) -> None:
    for truncated in (False, True):
        assert_same(outcome(cmsg.parse, buffer, abi=abi, truncated=truncated, family=family),
                    outcome(cmsg._parse_reference, buffer, abi=abi, truncated=truncated,
                            family=family))


def _patterns(size: int) -> list[bytes]:
    """Payloads of ``size`` bytes: zeros, ones, and bytes that differ everywhere."""
    return [bytes(size), b"\xff" * size, bytes((i * 37 + 11) & 0xFF for i in range(size))]


def _header(abi: str, length: int, level: int, type_: int) -> bytes:
    return schemas.fast("cmsghdr", abi).pack(length, level, type_)


# -- every class on every ABI, deterministically -------------------------------------


@pytest.mark.parametrize("abi", ABIS)
def test_every_class(abi: str) -> None:
    """Each class's payload of its size, one byte short, one too long, and empty;
    alone and in buffers (whole and cut at every byte)."""
    resolved = ABI.get(abi)
    size, align = cmsg.header(abi)
    for cls in CLASSES:
        level, type_ = cls.numbers(resolved)
        want = cls.payload_size(resolved)
        lengths = [want, want + 1, max(want - 1, 0), 0] if want is not None else [0, 1, 4, 17]
        for family in {None, _family(cls)}:
            buffer = b""
            for n in lengths:
                for payload in _patterns(n):
                    check_decode(level, type_, payload, abi, family)
                    message = _header(abi, size + n, level, type_) + payload
                    check_parse(message, abi, family)
                    buffer += message.ljust((len(message) + align - 1) & ~(align - 1), b"\0")
            check_parse(buffer, abi, family)
            first = _header(abi, size + (want or 0), level, type_) + _patterns(want or 0)[2]
            for cut in range(len(first) + size + 1):
                check_parse((first * 2)[:cut], abi, family)


@pytest.mark.parametrize("abi", ABIS)
def test_fast_readers_are_derived(abi: str) -> None:
    """The library's scalar, struct (padded or not) and raw classes take the generated
    readers (so the tests above prove them), not their from_payload."""
    resolved = ABI.get(abi)
    for family in FAMILIES:
        plan = _fast.plan(abi, family)
        for level, type_ in {cls.numbers(resolved) for cls in CLASSES}:
            entry = plan.entry(level, type_)
            assert entry is not None
            _sizes, variable, candidates = entry
            for cls in candidates:
                size = cls.payload_size(resolved)
                own = cls.from_payload.__func__  # type: ignore[attr-defined]
                if size is not None and own in DERIVED:
                    length = size + cmsg.header(abi)[0]
                    read, run, _ = plan.fixed[_header(abi, length, *cls.numbers(resolved))]
                    assert read.__code__.co_filename.startswith("<cmsg reader"), cls
                    assert run.__code__.co_filename.startswith("<cmsg reader"), cls
                if size is None and own is RawMessage.from_payload.__func__:  # type: ignore[attr-defined]
                    assert variable is not None, cls
                    assert variable.__name__ == "raw_message", cls


# -- hypothesis: random payloads, messages and buffers -------------------------------------


@pytest.mark.parametrize("abi", ABIS)
@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_random_payloads(abi: str, data: st.DataObject) -> None:
    cls = data.draw(st.sampled_from(CLASSES))
    level, type_ = cls.numbers(ABI.get(abi))
    want = cls.payload_size(ABI.get(abi)) or 0
    payload = data.draw(st.one_of(st.binary(min_size=want, max_size=want),
                                  st.binary(max_size=want + 8)))
    family = data.draw(st.sampled_from((*FAMILIES, _family(cls))))
    check_decode(level, type_, payload, abi, family)
    check_decode(level, type_, bytearray(payload), abi, family)
    check_decode(level, type_, memoryview(payload), abi, family)


@pytest.mark.parametrize("abi", ABIS)
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_random_messages(abi: str, data: st.DataObject) -> None:
    """Messages as the strategies draw them: decode and parse of what they encode to."""
    messages = data.draw(st.lists(strategies.control_messages(abi=abi), max_size=5))
    family = data.draw(st.sampled_from(FAMILIES))
    for message in messages:
        check_decode(*cmsg.encode(message, abi=abi), abi, family)
    check_parse(cmsg.build(messages, abi=abi), abi, family)


@pytest.mark.parametrize("abi", ABIS)
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_random_buffers(abi: str, data: st.DataObject) -> None:
    """Valid, cut and hostile buffers (``control_buffers``), on every family."""
    family = data.draw(st.sampled_from(FAMILIES))
    buffer = data.draw(strategies.control_buffers(
        abi, truncated=data.draw(st.booleans()), valid=data.draw(st.booleans()),
        family=family))
    check_parse(buffer, abi, family)
    check_parse(bytearray(buffer), abi, family)


# -- the plans' cache ------------------------------------------------------------------


def test_register_drops_the_plans() -> None:
    """Classes registered after a parse are seen by the next one, as by the reference,
    including one whose struct ends in padding (its reader must still need every byte)."""

    @dataclass(frozen=True)
    class IpTtl16(ScalarMessage):
        cmsg_level = "SOL_IP"
        cmsg_type = "IP_TTL"
        payload = "u16"
        ttl: int

    @dataclass(frozen=True)
    class IpTtlNotify(StructMessage):
        cmsg_level = "SOL_IP"
        cmsg_type = "IP_TTL"
        payload = "rds_rdma_notify"     # u64, int, 4 bytes of tail padding
        user_token: int
        status: int

    abi = "linux-x86_64"
    short = _header(abi, 18, 0, 2) + b"\x40\x00"
    padded = _header(abi, 32, 0, 2) + bytes(range(16))
    with pytest.raises(DecodeError, match="takes 4"):
        cmsg.parse(short, abi=abi)
    try:
        cmsg.register(IpTtl16)
        cmsg.register(IpTtlNotify)
        assert cmsg.parse(short, abi=abi) == [IpTtl16(64)]
        assert cmsg.decode(0, 2, b"\x40\x00", abi=abi) == IpTtl16(64)
        assert cmsg.parse(padded, abi=abi) == [IpTtlNotify(0x0706050403020100, 0x0B0A0908)]
        for cut in range(len(padded) * 2 + 1):
            check_parse((padded * 2)[:cut], abi, None)
        check_parse(short, abi, None)
    finally:
        _base._FORMS["SOL_IP", "IP_TTL"].remove(IpTtl16)
        _base._FORMS["SOL_IP", "IP_TTL"].remove(IpTtlNotify)
        _base._table.cache_clear()
        _base._PLANS.clear()
    with pytest.raises(DecodeError, match="takes 4"):
        cmsg.parse(short, abi=abi)


def test_unknown_families_share_a_plan() -> None:
    """Families no class names read as ``None`` does: one plan, however many callers name."""
    assert _fast.plan("linux-x86_64", socket.AF_INET) is _fast.plan("linux-x86_64", None)
    assert _fast.plan(ABI.get("linux-x86_64"), None) is _fast.plan("linux-x86_64", None)
    bt = schemas.constant("AF_BLUETOOTH")
    assert _fast.plan("linux-x86_64", bt) is not _fast.plan("linux-x86_64", None)
    for family in range(1000):
        _fast.plan("linux-x86_64", family)
    assert len(_base._PLANS) <= 257


def test_generated_messages_are_frozen() -> None:
    message = cmsg.parse(cmsg.build([cmsg.IpPktinfo(1, "10.0.0.1", "10.0.0.2")]))[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        message.ifindex = 2  # type: ignore[attr-defined]
    assert message == cmsg.IpPktinfo(1, "10.0.0.1", "10.0.0.2")
    assert {message} == {cmsg.IpPktinfo(1, "10.0.0.1", "10.0.0.2")}
