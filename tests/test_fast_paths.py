"""The hot paths equal the reference paths they are derived from, on every family and ABI.

``sockaddr.decode``/``encode``/``parse`` and :class:`sockaddr.Codec` call
closures each family resolves once per protocol and ABI
(``Family.decoder``/``encoder``/``parser``: precompiled struct views, the
plain case first).  Each family's ``decode``/``encode``/``parse`` methods,
dispatched as the package did before those closures existed, are the
reference: for valid and hostile bytes, and valid and hostile addresses, both
give the same value or the same exception (type, message, offset).
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from intlike import Index

import sockaddr
from sockaddr import strategies as sst
from sockaddr.abi import ABI, KNOWN
from sockaddr.cli import family_name
from sockaddr.codec import layout_pad
from sockaddr.families import decoder_for, encoder_for
from sockaddr.record import Sockaddr

ABIS = sorted(KNOWN)
FAMILIES = sst.address_families()
slow = settings(deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def _id(case: tuple[int, int]) -> str:
    family, proto = case
    return f"{family_name(family)}-{proto}" if proto else family_name(family)


def _outcome(call: Callable[[], Any]) -> tuple[Any, ...]:
    try:
        value = call()
    except Exception as e:
        return ("raised", type(e), str(e), getattr(e, "offset", None))
    if isinstance(value, Sockaddr):
        return ("record", value, bytes(value), value.length, value.tail)
    return ("value", type(value), value)


# -- the reference: each family's own methods, dispatched as before the closures --------

def _family_of(raw: bytes, abi: ABI) -> int:
    if len(raw) < 2:
        raise sockaddr.DecodeError.short("sockaddr", raw, 2)
    return int.from_bytes(raw[:2], abi.byteorder)


def reference_decode(raw: bytes, proto: int, abi: ABI) -> object:
    if not raw:
        return None
    family = _family_of(raw, abi)
    codec = decoder_for(family, abi.os)
    if codec is None:
        return family, layout_pad(raw, 16)[2:16]
    return codec.decode(raw, proto=proto, abi=abi, interfaces={})


def reference_parse(raw: bytes, proto: int, abi: ABI) -> Sockaddr:
    family = _family_of(raw, abi)
    codec = decoder_for(family, abi.os)
    if codec is None:
        return Sockaddr.from_bytes("sockaddr", raw, abi=abi, proto=proto)
    return codec.parse(raw, proto=proto, abi=abi)


def reference_encode(family: int, address: object, proto: int, abi: ABI) -> bytes:
    if isinstance(address, Sockaddr):
        return bytes(address)
    codec = encoder_for(family, abi.os)
    assert codec is not None
    return codec.encode(address, family=family, proto=proto, abi=abi, caller="bind",
                        resolve=False)


def _bytes(family: int, proto: int, abi: str) -> st.SearchStrategy[bytes]:
    own = ABI.get(abi)
    head = st.just(int(family).to_bytes(2, own.byteorder))
    return st.one_of(sst.sockaddrs(family, proto=proto, abi=abi),
                     sst.sockaddrs(family, proto=proto, abi=abi, valid=False),
                     st.builds(bytes.__add__, head, st.binary(max_size=120)),
                     st.binary(max_size=4))


class _Int(int):
    """An int subclass: taken where an int is."""


class _Tuple(tuple):  # type: ignore[type-arg]
    """A tuple subclass (a namedtuple's kind): CPython takes it where a tuple is."""


_NUMBERS = st.sampled_from([0, 1, 0xFF, 0xFFFF, 0x10000, 0xFFFFF, 0x100000, 0xFFFFFFFF,
                            1 << 32, (1 << 64) - 1, 1 << 64, -1])
_JUNK = st.one_of(st.none(), st.booleans(), st.integers(-(1 << 70), 1 << 70),
                  st.builds(Index, _NUMBERS), st.builds(_Int, _NUMBERS),
                  st.sampled_from([0, 1, 0xFF, 0xFFFF, 0x10000, 0xFFFFF, 0x100000,
                                   0xFFFFFFFF, 1 << 32, (1 << 64) - 1, 1 << 64, -1]),
                  st.text(max_size=12), st.binary(max_size=12), st.floats(),
                  st.sampled_from(["", "lo", "127.0.0.1", "::1", "fe80::1%1", "<broadcast>",
                                   "1.2.3", "\0abstract", "/run/x.sock", "é"]))


def _addresses(family: int, proto: int, abi: str) -> st.SearchStrategy[object]:
    return st.one_of(
        sst.addresses(family, proto=proto, abi=abi),
        st.lists(_JUNK, max_size=6).map(tuple),
        _JUNK,
        sst.addresses(family, proto=proto, abi=abi).map(
            lambda a: list(a) if isinstance(a, tuple) else a),
        sst.addresses(family, proto=proto, abi=abi).map(
            lambda a: _Tuple(a) if isinstance(a, tuple) else a),
    )


def _int_likes(address: object) -> list[object]:
    """``address`` with each int item in turn made an int-like object of the same
    value: an ``__index__`` object (CPython's "i"/"I"/"B" take it, "k"/"K" do not),
    an int subclass, a bool."""
    if not isinstance(address, tuple):
        return []
    out: list[object] = []
    for at, item in enumerate(address):
        if item.__class__ is int:
            kinds: list[type] = [Index, _Int, *([bool] if item in (0, 1) else [])]
            out += [(*address[:at], kind(item), *address[at + 1:]) for kind in kinds]
    return out


# -- decode, parse, encode ----------------------------------------------------------------

@pytest.mark.parametrize("case", FAMILIES, ids=_id)
@slow
@given(data=st.data(), abi=st.sampled_from(ABIS))
def test_decode_and_parse_equal_the_reference(case: tuple[int, int], abi: str,
                                              data: st.DataObject) -> None:
    family, proto = case
    own = ABI.get(abi)
    raw = data.draw(_bytes(family, proto, abi))
    want = _outcome(lambda: reference_decode(raw, proto, own))
    assert _outcome(lambda: sockaddr.decode(raw, proto=proto, abi=abi, interfaces={})) == want
    assert _outcome(lambda: sockaddr.decode(bytearray(raw), proto=proto, abi=own,
                                            interfaces={})) == want
    want = _outcome(lambda: reference_parse(raw, proto, own))
    assert _outcome(lambda: sockaddr.parse(raw, proto=proto, abi=abi)) == want
    # A Codec bound to the family: the same where the bytes say that family.
    codec = sockaddr.Codec(family, proto=proto, abi=abi)
    if raw[:2] == int(family).to_bytes(2, own.byteorder):
        assert _outcome(lambda: codec.decode(raw, {})) == _outcome(
            lambda: reference_decode(raw, proto, own))
        assert _outcome(lambda: codec.parse(raw)) == want
    elif raw:
        for call in (lambda: codec.decode(raw, {}), lambda: codec.parse(raw)):
            outcome = _outcome(call)
            assert outcome[:2] == ("raised", sockaddr.DecodeError), outcome
            assert outcome[3] in (0, len(raw)), outcome


@pytest.mark.parametrize("case", FAMILIES, ids=_id)
@slow
@given(data=st.data(), abi=st.sampled_from(ABIS))
def test_encode_equals_the_reference(case: tuple[int, int], abi: str,
                                     data: st.DataObject) -> None:
    family, proto = case
    own = ABI.get(abi)
    address = data.draw(_addresses(family, proto, abi))
    want = _outcome(lambda: reference_encode(family, address, proto, own))
    assert _outcome(lambda: sockaddr.encode(family, address, proto=proto, abi=abi,
                                            caller="bind")) == want
    codec = sockaddr.Codec(family, proto=proto, abi=abi)
    assert _outcome(lambda: codec.encode(address, "bind")) == want


@pytest.mark.parametrize("case", FAMILIES, ids=_id)
@slow
@given(data=st.data(), abi=st.sampled_from(ABIS))
def test_encode_takes_int_likes_as_the_reference(case: tuple[int, int], abi: str,
                                                 data: st.DataObject) -> None:
    """Fast encoders hand numbers to struct, which takes what "I" takes: every int
    item of a valid address swapped for an int-like object, each in turn."""
    family, proto = case
    own = ABI.get(abi)
    address = data.draw(sst.addresses(family, proto=proto, abi=abi))
    for changed in _int_likes(address):
        want = _outcome(lambda c=changed: reference_encode(family, c, proto, own))
        assert _outcome(lambda c=changed: sockaddr.encode(family, c, proto=proto,
                                                          abi=abi)) == want, changed


def test_codec_checks_the_family() -> None:
    inet = sockaddr.Codec(socket.AF_INET, abi="linux-x86_64")
    six = sockaddr.encode(socket.AF_INET6, ("::1", 1), abi="linux-x86_64")
    with pytest.raises(sockaddr.DecodeError, match="sa_family is 10, not 2") as e:
        inet.decode(six)
    assert e.value.offset == 0
    with pytest.raises(sockaddr.DecodeError, match="needs 16"):
        inet.decode(six[:3])
    with pytest.raises(OSError, match="bad family"):
        sockaddr.Codec(12345)


def test_register_replaces_the_resolved_closures() -> None:
    """A user's codec registered after the tables filled takes effect at once."""
    from sockaddr.families import Family, register
    from sockaddr.families.vsock import Vsock

    raw = sockaddr.encode(socket.AF_VSOCK, (3, 4))
    assert sockaddr.decode(raw) == (3, 4)

    class Swapped(Vsock):
        def decode(self, data: bytes, *, proto: int, abi: ABI, interfaces: Any) -> object:
            cid, port = super().decode(data, proto=proto, abi=abi, interfaces=interfaces)
            return port, cid

        def decoder(self, family: int, proto: int, abi: ABI) -> Any:
            return Family.decoder(self, family, proto, abi)

    register(Swapped())
    try:
        assert sockaddr.decode(raw) == (4, 3)
    finally:
        register(Vsock())
    assert sockaddr.decode(raw) == (3, 4)


@pytest.mark.parametrize("case", FAMILIES, ids=_id)
@slow
@given(data=st.data(), abi=st.sampled_from(ABIS))
def test_records_pickle_and_copy(case: tuple[int, int], abi: str, data: st.DataObject) -> None:
    """Parsed records read their fields lazily; pickling and copying keep them equal.

    (Before this, ``pickle.dumps``/``copy.copy`` of any record recursed without end.)
    """
    import copy
    import pickle

    family, proto = case
    raw = data.draw(sst.sockaddrs(family, proto=proto, abi=abi))
    rec = sockaddr.parse(raw, proto=proto, abi=abi)
    fresh = pickle.loads(pickle.dumps(rec))
    assert bytes(fresh) == raw
    assert fresh == rec
    assert copy.copy(rec) is rec
    assert copy.deepcopy(rec) is rec
    built = rec.replace()               # a record from fields, not bytes
    assert pickle.loads(pickle.dumps(built)) == built == rec


@pytest.mark.parametrize("case", FAMILIES, ids=_id)
@slow
@given(data=st.data(), abi=st.sampled_from(ABIS))
def test_records_refuse_assignment(case: tuple[int, int], abi: str, data: st.DataObject) -> None:
    """Records keep no ``__setattr__`` of their own (parse stores its slots directly):
    fields and the public properties still refuse assignment, and nothing sticks."""
    family, proto = case
    raw = data.draw(sst.sockaddrs(family, proto=proto, abi=abi))
    for rec in (sockaddr.parse(raw, proto=proto, abi=abi),
                sockaddr.parse(raw, proto=proto, abi=abi).replace()):
        before = dict(rec.fields)
        for name in [*rec.fields, "fields", "length", "tail", "struct", "abi", "proto",
                     "not_a_field"]:
            with pytest.raises(AttributeError):
                setattr(rec, name, 0)
        assert rec.fields == before
        assert bytes(rec) == raw
