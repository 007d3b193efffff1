"""The three forms derived from one schema agree: construct, the struct fast path, records.

construct is the reference form (an independent interpreter of the same
declaration); the fast path and the lossless reader/writer must read and
write the same bytes on every ABI.
"""

from __future__ import annotations

import copy
import pickle
import struct
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sockaddr import schemas
from sockaddr._frozen import Frozen
from sockaddr.abi import ABI, KNOWN
from sockaddr.layout import Array, Bytes, CType, Scalar, Struct, Union, read, write

STRUCTS = sorted({name for schema, name in schemas.structs() if name in schema.structs})
ABIS = sorted(KNOWN)


def _plain(value: Any) -> Any:
    """construct's Containers and ListContainers as dicts and tuples, holes included."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if not k.startswith("_io")}
    if isinstance(value, list):
        return tuple(_plain(v) for v in value)
    return value


@pytest.mark.parametrize("abi", ABIS)
@pytest.mark.parametrize("name", STRUCTS)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_forms_agree(name: str, abi: str, data: st.DataObject) -> None:
    layout = schemas.layout(name, abi)
    raw = data.draw(st.binary(min_size=layout.size, max_size=layout.size))
    lossless = read(layout, raw)
    con = schemas.get(name, abi)
    _agree(layout, _plain(con.parse(raw)), raw)
    assert con.build(con.parse(raw)) == raw
    buf = bytearray(layout.size)
    write(layout, lossless, buf)
    assert bytes(buf) == raw
    fast = schemas.fast(name, abi)
    values = fast.unpack(raw)
    assert fast.pack(*values) == raw
    leaves = dict(zip(fast.names, values, strict=True))
    for path, offset, leaf in layout.leaves():
        assert leaves[path] == read(leaf, raw[offset:offset + leaf.size])


def _agree(ctype: CType, parsed: Any, raw: bytes) -> None:
    """construct's parse of ``raw`` equals the lossless reader's, union arms included.

    The lossless reader keeps an unselected union as bytes; construct parses
    every arm, so each arm is compared with the reader on that arm.
    """
    if isinstance(ctype, Union):
        for arm in ctype.arms:
            _agree(arm.type, parsed[arm.name], raw[:arm.type.size])
    elif isinstance(ctype, Struct) and not (len(ctype.fields) == 1 and not ctype.fields[0].name):
        for f in ctype.fields:
            _agree(f.type, parsed[f.name], raw[f.offset:f.offset + f.type.size])
    elif isinstance(ctype, Array) and not isinstance(ctype.elem, Scalar):
        step = ctype.elem.size
        for i, item in enumerate(parsed):
            _agree(ctype.elem, item, raw[i * step:(i + 1) * step])
    else:
        assert parsed == read(ctype, raw)


@pytest.mark.parametrize("abi", ABIS)
@pytest.mark.parametrize("name", STRUCTS)
def test_fields_tile_the_struct(name: str, abi: str) -> None:
    layout: Struct = schemas.layout(name, abi)
    end = 0
    for field in layout.fields:
        assert field.offset == end, f"{name}.{field.name} leaves a gap"
        end = field.offset + field.type.size
    assert end == layout.size


def test_abi_widths() -> None:
    assert ABI.get("linux-i386").primitive("u64").align == 4
    assert ABI.get("linux-armhf").primitive("u64").align == 8
    assert ABI.get("linux-i386").primitive("long").size == 4
    assert ABI.get("linux-s390x").primitive("u32").order == ">"
    assert ABI.get("linux-s390x").primitive("be16").order == ">"
    assert ABI.get("linux-x86_64").primitive("be16").order == ">"
    assert ABI.get("linux-ppc64").primitive("le16").order == "<"
    with pytest.raises(ValueError, match="unknown ABI"):
        ABI.get("linux-vax")


def test_host_abi_matches_interpreter() -> None:
    import struct
    import sys

    host = ABI.get()
    assert host.byteorder == sys.byteorder
    assert host.long_size == struct.calcsize("l")


@pytest.mark.parametrize("abi", ABIS)
@pytest.mark.parametrize("name", STRUCTS)
@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_views_read_and_write_what_the_fast_path_does(name: str, abi: str,
                                                     data: st.DataObject) -> None:
    """``FastCodec.view`` (the hot paths' single struct call) on any leaves, either order."""
    fast = schemas.fast(name, abi)
    size = fast.size
    raw = data.draw(st.binary(min_size=size, max_size=size))
    values = dict(zip(fast.names, fast.unpack(raw), strict=True))
    leaves = {path: (offset, leaf) for path, offset, leaf in fast.layout.leaves()}
    chosen = data.draw(st.lists(st.sampled_from(fast.names), unique=True, min_size=1)
                       .map(lambda ns: sorted(ns, key=fast.index)))
    order = data.draw(st.sampled_from(["<", ">"]))
    start = data.draw(st.sampled_from([0, leaves[chosen[0]][0]]))
    view = fast.view(*chosen, order=order, start=start, end=size)
    assert view.size == size - start
    got = view.unpack_from(raw, start)
    expect = bytearray(size)
    for path, value in zip(chosen, got, strict=True):
        offset, leaf = leaves[path]
        expect[offset:offset + leaf.size] = raw[offset:offset + leaf.size]
        if isinstance(leaf, Scalar):
            # A leaf of the other byte order reads swapped; recode() is that swap.
            assert fast.recode(path, values[path], view) == value
        else:
            assert value == values[path]
    assert view.pack(*got) == bytes(expect[start:])
    with pytest.raises(struct.error):
        view.unpack_from(raw[:-1], start)
    with pytest.raises(Exception, match=r"stream read less|could not read"):
        schemas.get(name, abi).parse(raw[:-1])


@pytest.mark.parametrize("abi", sorted(KNOWN))
def test_layout_values_behave_as_frozen_dataclasses(abi: str) -> None:
    """ABIs and layouts (sockaddr._frozen, not dataclasses): equal by value and type,
    hashed alike, rebuilt by pickle and copy, and never assigned."""
    resolved = ABI.get(abi)
    for name in ("sockaddr_in6", "sockaddr_ll", "sockaddr_can", "cmsghdr"):
        layout = schemas.layout(name, resolved)
        values: tuple[Any, ...] = (resolved, layout, layout.fields[0], layout.fields[0].type)
        for value in values:
            for twin in (pickle.loads(pickle.dumps(value)), copy.deepcopy(value)):
                assert twin is not value
                assert twin == value
                assert hash(twin) == hash(value)
                assert repr(twin) == repr(value)
            with pytest.raises(AttributeError):
                value.size = 0
            with pytest.raises(AttributeError):
                del value.name
    assert schemas.layout("sockaddr_in", resolved) != schemas.layout("sockaddr_in6", resolved)
    assert ABI.get(abi) != ABI.get("linux-s390x" if abi != "linux-s390x" else "linux-i386")
    assert Bytes(4) == Bytes(4, 1)
    assert Bytes(4) != Bytes(4, 2)


class _Pair(Frozen):
    __slots__ = ("a", "b")
    a: int
    b: int

    def __init__(self, a: int, b: int) -> None:
        self._init(a=a, b=b)


class _OtherPair(_Pair):
    __slots__ = ()


def test_frozen_compares_class_and_fields_in_order() -> None:
    """Same values, another class: not equal (as dataclasses compare); fields are the
    annotated names in order."""
    assert _Pair._fields == ("a", "b")
    assert _Pair(1, 2) == _Pair(1, 2)
    assert _Pair(1, 2) != _Pair(2, 1)
    assert _Pair(1, 2) != _OtherPair(1, 2)
    assert _Pair(1, 2) != (1, 2)
    assert repr(_OtherPair(1, 2)) == "_OtherPair(a=1, b=2)"
    with pytest.raises(TypeError, match="are not its annotated fields"):
        class _Unannotated(Frozen):     # a slot equality and pickling would skip
            __slots__ = ("a", "b")
            a: int
