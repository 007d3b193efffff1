"""The C headers as oracle for the schemas.

For each schema file, ABI (``linux-x86_64`` with ``gcc -m64``, ``linux-i386``
with ``gcc -m32``) and struct the file declares, a generated C program (see
:mod:`header_oracle`) reports ``sizeof``/``_Alignof``, every member's
``offsetof``/``sizeof``, and the bytes of the struct filled with distinct
values; the library must agree byte for byte through its three codecs -- the
lossless record writer/reader (:func:`sockaddr.layout.write`/``read``), the
:mod:`struct` fast path (:func:`sockaddr.schemas.fast`) and the
:mod:`construct` form (:func:`sockaddr.schemas.get`).  Every schema constant
that the header defines (as a macro, or as an enum constant) must have the
schema's value on that ABI; those the header does not declare are reported as
skipped.

Tests skip only when no compiler builds for an ABI (say, ``gcc -m32`` without
gcc-multilib); a disagreement is always a failure.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from header_oracle import (
    ABIS,
    CompileError,
    CompilerUnavailable,
    Fill,
    Member,
    Oracle,
    Result,
    Target,
    Unit,
    byte_diff,
    construct_value,
    flatten,
    members,
    plain,
    plan,
    record_value,
    selected,
    selected_value,
    variants,
)

from sockaddr import layout as lay
from sockaddr import schemas
from sockaddr.abi import ABI
from sockaddr.layout import FastCodec, Struct, Union

SELFCHECK = "selfcheck"


# -- a struct no schema has yet: unions, arrays of structs, 64-bit and signed ---------
# Checks the oracle itself (union arms, select, nested arrays) against gcc.

_SELFCHECK_C = """
struct oracle_inner { unsigned char tag; __be32 addr; };
struct oracle_probe {
    unsigned short family;
    union {
        __u8 raw[6];
        struct { __be16 port; __u32 id; } ip;
        __le32 le;
    } u;
    long long big;
    signed char neg;
    struct oracle_inner pair[2];
    short vals[3];
    struct { union { __u16 w; __s16 sw; } inner; } deep;
};
"""


def _selfcheck(abi: str) -> Unit:
    a = ABI.get(abi)

    def s(ctype: str) -> lay.Scalar:
        return lay.scalar(a, ctype)

    inner = lay.make_struct("oracle_inner", [("tag", s("uchar"), ""), ("addr", s("be32"), "")])
    ip = lay.make_struct("", [("port", s("be16"), ""), ("id", s("u32"), "")])
    u = lay.make_union("", [("raw", lay.make_array(s("u8"), 6), ""), ("ip", ip, ""),
                            ("le", s("le32"), "")])
    deep = lay.make_struct("", [("inner", lay.make_union(
        "", [("w", s("u16"), ""), ("sw", s("s16"), "")]), "")])
    probe = lay.make_struct("oracle_probe", [
        ("family", s("ushort"), ""), ("u", u, ""), ("big", s("long_long"), ""),
        ("neg", s("schar"), ""), ("pair", lay.make_array(inner, 2), ""),
        ("vals", lay.make_array(s("short"), 3), ""), ("deep", deep, ""),
    ])
    target = Target("oracle_probe", "struct oracle_probe", probe, tuple(members(probe)),
                    tuple(variants(probe)))
    return Unit(key=SELFCHECK, abi=abi, headers=("linux/types.h",), targets=(target,),
                constants=(), declarations=_SELFCHECK_C)


PLANS: dict[str, tuple[Unit, ...]] = {abi: (*plan(abi), _selfcheck(abi)) for abi in ABIS}
UNITS: dict[tuple[str, str], Unit] = {(u.abi, u.key): u for units in PLANS.values()
                                      for u in units}
TARGETS: dict[tuple[str, str], Target] = {(u.abi, t.name): t for u in UNITS.values()
                                          for t in u.targets}


def _targets() -> Iterator[tuple[Unit, Target]]:
    for units in PLANS.values():
        for unit in units:
            for t in unit.targets:
                yield unit, t


def _id(unit: Unit, *rest: str) -> str:
    prefix = f"{unit.abi}:{SELFCHECK}" if unit.key == SELFCHECK else unit.abi
    return ":".join((prefix, *rest))


STRUCTS = [pytest.param(u.abi, u.key, t.name, id=_id(u, t.name)) for u, t in _targets()]
MEMBERS = [pytest.param(u.abi, u.key, t.name, m, id=_id(u, f"{t.name}.{m.path}"))
           for u, t in _targets() for m in t.members]
FILLS = [pytest.param(u.abi, u.key, t.name, k, id=_id(u, t.name, f.name))
         for u, t in _targets() for k, f in enumerate(t.fills)]
STRUCT_FILLS = [pytest.param(u.abi, u.key, t.name, k, id=_id(u, t.name, f.name))
                for u, t in _targets() if isinstance(t.layout, Struct)
                for k, f in enumerate(t.fills)]
CONSTANTS = [pytest.param(u.abi, u.key, name, id=f"{u.abi}:{name}")
             for units in PLANS.values() for u in units for name in u.constants]


@pytest.fixture(scope="module")
def oracle(tmp_path_factory: pytest.TempPathFactory) -> Oracle:
    """Compiles each unit's program at most once for the whole module."""
    return Oracle(tmp_path_factory.mktemp("headers"))


def _result(oracle: Oracle, abi: str, key: str) -> Result:
    unit = UNITS[abi, key]
    if unit.skip:
        pytest.skip(unit.skip)
    try:
        return oracle.result(PLANS[abi], key)
    except CompilerUnavailable as e:
        pytest.skip(str(e))
    except CompileError as e:
        pytest.fail(str(e), pytrace=False)


def _image(oracle: Oracle, abi: str, key: str, name: str, k: int) -> tuple[Target, Fill, bytes]:
    t = TARGETS[abi, name]
    res = _result(oracle, abi, key)
    return t, t.fills[k], res.images[name, k]


def _codecs(abi: str, key: str, t: Target, arms: dict[str, str]) -> tuple[FastCodec, Any]:
    """The fast path (with ``arms`` selected) and construct form of ``t``, as the
    library hands them out for a schema struct."""
    if key == SELFCHECK:
        assert isinstance(t.layout, Struct)
        chosen = t.layout.select(**arms) if arms else t.layout
        return FastCodec(chosen), lay.to_construct(t.layout)
    return schemas.fast(t.name, abi, select=arms or None), schemas.get(t.name, abi)


# -- sizes and offsets ----------------------------------------------------------------

@pytest.mark.parametrize(("abi", "key", "name"), STRUCTS)
def test_sizeof_alignof(oracle: Oracle, abi: str, key: str, name: str) -> None:
    t = TARGETS[abi, name]
    c_size, c_align = _result(oracle, abi, key).sizes[name]
    assert (c_size, c_align) == (t.layout.size, t.layout.align), (
        f"{t.c_type} on {abi}: C sizeof {c_size} _Alignof {c_align}; "
        f"schema ({key}) size {t.layout.size} align {t.layout.align}")


@pytest.mark.parametrize(("abi", "key", "name", "member"), MEMBERS)
def test_offsetof(oracle: Oracle, abi: str, key: str, name: str, member: Member) -> None:
    t = TARGETS[abi, name]
    c_offset, c_size = _result(oracle, abi, key).offsets[name, member.path]
    assert (c_offset, c_size) == (member.offset, member.size), (
        f"{t.c_type}.{member.path} on {abi}: C offsetof {c_offset} sizeof {c_size}; "
        f"schema ({key}) offset {member.offset} size {member.size}")
    # The library's own offsetof(), where the path is one it can spell.
    if isinstance(t.layout, Struct) and "[" not in member.path:
        assert t.layout.offsetof(member.path) == c_offset


# -- the bytes of a filled struct -----------------------------------------------------

@pytest.mark.parametrize(("abi", "key", "name", "k"), FILLS)
def test_write_read(oracle: Oracle, abi: str, key: str, name: str, k: int) -> None:
    """The lossless writer and reader, on the layout and on its union selection."""
    t, fill, want = _image(oracle, abi, key, name, k)
    value = record_value(t.layout, fill)
    buf = bytearray(t.layout.size)
    lay.write(t.layout, value, buf)
    assert bytes(buf) == want, f"layout.write({name}) on {abi}:\n" + byte_diff(
        t.layout, want, bytes(buf))
    assert lay.read(t.layout, want) == value, f"layout.read({name}) of the C bytes on {abi}"

    if isinstance(t.layout, Struct) and (arms := selected(t.layout, fill)):
        chosen = t.layout.select(**arms)
        value = selected_value(t.layout, fill)
        buf = bytearray(chosen.size)
        lay.write(chosen, value, buf)
        assert bytes(buf) == want, f"layout.write({name}.select({arms})) on {abi}:\n" + (
            byte_diff(chosen, want, bytes(buf)))
        assert lay.read(chosen, want) == value, f"layout.read({name}.select({arms})) on {abi}"


@pytest.mark.parametrize(("abi", "key", "name", "k"), STRUCT_FILLS)
def test_fast(oracle: Oracle, abi: str, key: str, name: str, k: int) -> None:
    """The fast path: unions as raw bytes, and with the filled arms selected."""
    t, fill, want = _image(oracle, abi, key, name, k)
    assert isinstance(t.layout, Struct)
    arms = selected(t.layout, fill)
    cases: list[tuple[dict[str, str], Struct, Any]] = [
        ({}, t.layout, record_value(t.layout, fill))]
    if arms:
        cases.append((arms, t.layout.select(**arms), selected_value(t.layout, fill)))
    for select, chosen, value in cases:
        codec, _ = _codecs(abi, key, t, select)
        leaves = flatten(chosen, value)
        assert len(leaves) == len(codec.names), (codec.names, leaves)
        got = codec.pack(*leaves)
        assert got == want, f"fast({name}, select={select}).pack on {abi}:\n" + byte_diff(
            chosen, want, got)
        assert codec.unpack(want) == tuple(leaves), (
            f"fast({name}, select={select}).unpack of the C bytes on {abi}")


@pytest.mark.parametrize(("abi", "key", "name", "k"), FILLS)
def test_construct(oracle: Oracle, abi: str, key: str, name: str, k: int) -> None:
    """The construct form builds the C bytes and parses them back."""
    t, fill, want = _image(oracle, abi, key, name, k)
    _, con = _codecs(abi, key, t, {})
    value = construct_value(t.layout, fill)
    got = con.build(value)
    assert got == want, f"get({name}).build on {abi}:\n" + byte_diff(t.layout, want, got)
    assert plain(t.layout, con.parse(want), fill) == value, (
        f"get({name}).parse of the C bytes on {abi}")


SIZEOFS = [pytest.param(u.abi, u.key, t.name, id=_id(u, t.name)) for u, t in _targets()]


@pytest.mark.parametrize(("abi", "key", "name"), SIZEOFS)
def test_construct_sizeof(oracle: Oracle, abi: str, key: str, name: str) -> None:
    t = TARGETS[abi, name]
    c_size, _ = _result(oracle, abi, key).sizes[name]
    _, con = _codecs(abi, key, t, {})
    assert con.sizeof() == c_size, f"get({name}).sizeof() on {abi}; C sizeof {c_size}"


# -- constants -----------------------------------------------------------------------

@pytest.mark.parametrize(("abi", "key", "name"), CONSTANTS)
def test_constant(oracle: Oracle, abi: str, key: str, name: str) -> None:
    unit = UNITS[abi, key]
    got = _result(oracle, abi, key).constants.get(name)
    header = unit.headers[-1] if unit.headers else "?"
    if got is None:
        pytest.skip(f"not checked: {name} ({key}) is neither a macro nor an identifier "
                    f"that <{header}> declares on {abi}")
    kind, value = got
    expected = schemas.constant(name, abi)
    assert value == expected, (
        f"{name} on {abi}: <{header}> {kind} = {value} ({value:#x}); "
        f"schema ({key}) = {expected} ({expected:#x})")


# -- the plan itself --------------------------------------------------------------------

def test_every_struct_is_planned() -> None:
    """Each struct the schemas declare is checked on each ABI."""
    declared = {name for _, name in schemas.structs()}
    for abi, units in PLANS.items():
        planned = {t.name for u in units if u.key != SELFCHECK for t in u.targets}
        assert planned == declared, abi
    assert len(STRUCTS) >= 2 * len(declared)


def test_selfcheck_covers_unions() -> None:
    """The self-check fills each union arm in turn, including a nested one."""
    t = TARGETS["linux-x86_64", "oracle_probe"]
    assert sorted(f.name for f in t.fills) == [
        "deep.inner=sw", "fill", "u=ip", "u=le"]
    assert isinstance(t.layout.field("u").type, Union)  # type: ignore[union-attr]
