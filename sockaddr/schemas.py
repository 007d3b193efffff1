"""The schema files under ``schemas/``, loaded and laid out for an ABI.

Every byte layout of the package is declared once, as data, in a TOML file per
C header (``schemas/README.md`` documents the format).  This module reads them
and hands out, for any ABI:

* :func:`get` -- the :mod:`construct` structure, to embed in your own
  construct definitions;
* :func:`layout` -- the computed C layout (offsets, sizes, holes);
* :func:`fast` -- the precompiled :mod:`struct` reader/writer the codecs use;
* :func:`constant` -- a named number (``AF_INET6``, ``UNIX_PATH_MAX``…).

>>> from sockaddr import schemas
>>> schemas.layout("sockaddr_in6").offsetof("sin6_scope_id")
24
>>> schemas.get("sockaddr_in6").sizeof()
28
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

    import construct as cs

from sockaddr._frozen import Frozen
from sockaddr.abi import ABI
from sockaddr.layout import (
    CType,
    FastCodec,
    Struct,
    Union,
    make_array,
    make_struct,
    make_union,
    scalar,
    to_construct,
)

__all__ = ["Schema", "constant", "constants", "ctype", "fast", "files", "get", "layout",
           "structs", "union"]


class Schema(Frozen):
    """One schema file: the C header it mirrors and what it declares."""

    __slots__ = ("constants", "defines", "header", "includes", "path", "source", "structs",
                 "typedefs", "unions")
    path: str                    # relative to schemas/, e.g. "linux/in6.toml"
    header: str                  # the C header, e.g. "linux/in6.h"
    includes: tuple[str, ...]    # headers a C program must include first
    defines: tuple[str, ...]     # feature macros it must define first (_GNU_SOURCE)
    source: str                  # where in the kernel (or OS) sources it comes from
    constants: dict[str, Any]
    typedefs: dict[str, str]
    structs: dict[str, dict[str, Any]]
    unions: dict[str, dict[str, Any]]

    def __init__(self, *, path: str, header: str, includes: tuple[str, ...],
                 defines: tuple[str, ...], source: str, constants: dict[str, Any],
                 typedefs: dict[str, str], structs: dict[str, dict[str, Any]],
                 unions: dict[str, dict[str, Any]]) -> None:
        self._init(path=path, header=header, includes=includes, defines=defines, source=source,
                   constants=constants, typedefs=typedefs, structs=structs, unions=unions)


def _root() -> Path:
    # A wheel installs schemas/ as sockaddr/_schemas; a source checkout (and
    # an editable install, which imports from it) has it beside the package.
    # pathlib and tomllib load here, on first use: ~25 ms of `import sockaddr`.
    from pathlib import Path  # noqa: PLC0415

    here = Path(__file__).resolve().parent
    for root in (here / "_schemas", here.parent / "schemas"):
        if root.is_dir():
            return root
    raise FileNotFoundError(f"schemas not found beside {here}")


@functools.cache
def files() -> tuple[Schema, ...]:
    """Every schema file, read once."""
    import tomllib  # noqa: PLC0415 - see _root()

    root = _root()
    out = []
    for path in sorted(root.rglob("*.toml")):
        with path.open("rb") as f:
            doc = tomllib.load(f)
        meta = doc.get("meta", {})
        out.append(Schema(
            path=path.relative_to(root).as_posix(),
            header=meta.get("header", ""),
            includes=tuple(meta.get("includes", ())),
            defines=tuple(meta.get("defines", ())),
            source=meta.get("source", ""),
            constants=doc.get("constants", {}),
            typedefs=doc.get("typedef", {}),
            structs=doc.get("struct", {}),
            unions=doc.get("union", {}),
        ))
    return tuple(out)


@functools.cache
def _index() -> tuple[dict[str, Schema], dict[str, Schema], dict[str, Schema], dict[str, Schema]]:
    consts: dict[str, Schema] = {}
    types: dict[str, Schema] = {}
    tdefs: dict[str, Schema] = {}
    owners: dict[str, Schema] = {}
    for schema in files():
        for table, names in ((consts, schema.constants), (types, schema.structs),
                             (types, schema.unions), (tdefs, schema.typedefs)):
            for name in names:
                # Struct, union and typedef names share one namespace here.
                clash = consts if table is consts else {**types, **tdefs}
                if name in clash:
                    raise ValueError(f"{name} is declared twice: in {clash[name].path} "
                                     f"and {schema.path}")
                table[name] = schema
                owners[name] = schema
    return consts, types, tdefs, owners


def structs() -> Iterator[tuple[Schema, str]]:
    """Every declared struct and union, with the file that declares it."""
    for schema in files():
        for name in (*schema.structs, *schema.unions):
            yield schema, name


def constants() -> dict[str, Schema]:
    """Every constant name, with the file that declares it."""
    return dict(_index()[0])


def constant(name: str, abi: ABI | str | None = None) -> int:
    """The value of constant ``name`` on ``abi``.

    A constant may differ between architectures; the schema then gives a
    table ``{ default = …, <arch> = … }``.

    >>> constant("AF_VSOCK")
    40
    """
    schema = _index()[0][name]
    value = schema.constants[name]
    if isinstance(value, dict):
        arch = ABI.get(abi).arch
        value = value.get(arch, value["default"])
    if isinstance(value, str):
        return constant(value, abi)
    return int(value)


@functools.cache
def _layout(name: str, abi: ABI) -> CType:
    _, types, tdefs, _ = _index()
    if name in tdefs:
        return _layout(tdefs[name].typedefs[name], abi)
    if name in types:
        schema = types[name]
        if name in schema.structs:
            return _compound(name, schema.structs[name], abi, union=False)
        return _compound(name, schema.unions[name], abi, union=True)
    return scalar(abi, name)


def _compound(name: str, decl: dict[str, Any], abi: ABI, *, union: bool) -> CType:
    members = [(m["name"], _member(m, abi), m.get("doc", "")) for m in decl["fields"]]
    if union:
        return make_union(name, members, align=decl.get("align"))
    return make_struct(name, members, packed=decl.get("packed", False),
                       align=decl.get("align"), doc=decl.get("doc", ""))


def _member(decl: dict[str, Any], abi: ABI) -> CType:
    if "struct" in decl:
        ctype = _compound("", {"fields": decl["struct"]}, abi, union=False)
    elif "union" in decl:
        ctype = _compound("", {"fields": decl["union"]}, abi, union=True)
    else:
        ctype = _layout(decl["type"], abi)
    count = decl.get("count")
    if count is not None:
        ctype = make_array(ctype, constant(count, abi) if isinstance(count, str) else count)
    return ctype


def ctype(name: str, abi: ABI | str | None = None) -> CType:
    """Any declared type, or a scalar C type name, laid out for ``abi``."""
    return _layout(name, ABI.get(abi))


def layout(name: str, abi: ABI | str | None = None) -> Struct:
    """The C layout of struct ``name`` on ``abi`` (default: this machine)."""
    ctype = _layout(name, ABI.get(abi))
    if not isinstance(ctype, Struct):
        raise KeyError(f"{name} is not a struct")
    return ctype


def union(name: str, abi: ABI | str | None = None) -> Union:
    """The C layout of union ``name`` on ``abi``."""
    ctype = _layout(name, ABI.get(abi))
    if not isinstance(ctype, Union):
        raise KeyError(f"{name} is not a union")
    return ctype


@functools.cache
def _fast(name: str, abi: ABI, raw: tuple[str, ...], select: tuple[tuple[str, str], ...]
          ) -> FastCodec:
    struct = _layout(name, abi)
    assert isinstance(struct, Struct)
    if select:
        struct = struct.select(**dict(select))
    return FastCodec(struct, raw)


def fast(name: str, abi: ABI | str | None = None, *, raw: tuple[str, ...] = (),
         select: dict[str, str] | None = None) -> FastCodec:
    """The :mod:`struct` fast path of ``name``, cached per ABI.

    ``raw`` names members to read as bytes; ``select`` picks union arms.
    """
    return _fast(name, ABI.get(abi), raw, tuple(sorted(select.items())) if select else ())


def get(name: str, abi: ABI | str | None = None) -> cs.Construct:
    """The :mod:`construct` structure of struct or union ``name`` on ``abi``.

    >>> import construct
    >>> packet = construct.Struct("kind" / construct.Int8ub, "peer" / get("sockaddr_in"))
    >>> packet.parse(bytes([1, 2, 0, 0, 80, 127, 0, 0, 1]) + bytes(8)).peer.sin_port
    80
    """
    return to_construct(_layout(name, ABI.get(abi)))
