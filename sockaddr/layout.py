"""C layouts computed from the schema declarations, for one ABI.

This is the only place that knows C's layout rules (alignment, padding,
unions, arrays).  Everything that reads or writes bytes derives from a
:class:`Struct` built here: the embeddable :mod:`construct` form
(:func:`to_construct`), the lossless record reader/writer (:func:`read`,
:func:`write`) and the precompiled :mod:`struct` fast path
(:class:`FastCodec`).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

if TYPE_CHECKING:
    import construct as cs

from sockaddr._frozen import Frozen
from sockaddr.abi import ABI

__all__ = [
    "Array", "Bytes", "CType", "FastCodec", "Field", "Scalar", "Struct", "Union",
    "Value", "read", "to_construct", "write",
]

#: A field's value in a record: int, bytes, a tuple (array) or a mapping (struct).
Value: TypeAlias = Any


class Scalar(Frozen):
    """An integer of ``size`` bytes in byte order ``order`` (``"<"``/``">"``)."""

    __slots__ = ("align", "ctype", "order", "signed", "size")
    ctype: str
    size: int
    align: int
    signed: bool
    order: str

    def __init__(self, ctype: str, size: int, align: int, signed: bool, order: str) -> None:
        self._init(ctype=ctype, size=size, align=align, signed=signed, order=order)


class Bytes(Frozen):
    """``char``/``__u8`` arrays: kept as :class:`bytes`, never decoded here."""

    __slots__ = ("align", "size")
    size: int
    align: int

    def __init__(self, size: int, align: int = 1) -> None:
        self._init(size=size, align=align)


class Array(Frozen):
    """``elem name[count]`` for any element type but bytes."""

    __slots__ = ("align", "count", "elem", "size")
    elem: CType
    count: int
    size: int
    align: int

    def __init__(self, elem: CType, count: int, size: int, align: int) -> None:
        self._init(elem=elem, count=count, size=size, align=align)


class Field(Frozen):
    """One member at its byte offset.  ``hole`` marks padding C adds silently.

    An anonymous C11 member (``union { ... };`` without a name) is named
    ``_anonN`` (N its offset) so records and construct can hold it;
    ``anonymous`` marks it, and :attr:`c_name` is then empty, as C spells
    paths through it.
    """

    __slots__ = ("anonymous", "doc", "hole", "name", "offset", "type")
    name: str
    offset: int
    type: CType
    hole: bool
    doc: str
    anonymous: bool

    def __init__(self, name: str, offset: int, type: CType, *, hole: bool = False,
                 doc: str = "", anonymous: bool = False) -> None:
        self._init(name=name, offset=offset, type=type, hole=hole, doc=doc, anonymous=anonymous)

    @property
    def c_name(self) -> str:
        """The member's name in a C access path ('' for an anonymous member)."""
        return "" if self.anonymous else self.name


class Struct(Frozen):
    """A C struct; ``fields`` tile it completely (holes are explicit fields)."""

    __slots__ = ("_index", "align", "doc", "fields", "name", "size")
    name: str
    fields: tuple[Field, ...]
    size: int
    align: int
    doc: str
    _index: dict[str, Field]

    def __init__(self, name: str, fields: tuple[Field, ...], size: int, align: int,
                 doc: str = "") -> None:
        self._init(name=name, fields=fields, size=size, align=align, doc=doc,
                   _index={f.name: f for f in fields})

    def field(self, name: str) -> Field:
        """The member called ``name`` (C name)."""
        return self._index[name]

    def offsetof(self, path: str) -> int:
        """``offsetof(struct, a.b.c)``, through nested structs and unions."""
        return self.member(path)[0]

    def member(self, path: str) -> tuple[int, CType]:
        """Offset and type of the member C names ``a.b.c``.

        As in C, members of anonymous structs and unions are named as if they
        were members of the enclosing one.
        """
        ctype: CType = self
        offset = 0
        for part in path.split("."):
            found = _find(ctype, part)
            if found is None:
                raise KeyError(f"{self.name} has no member {path}")
            offset += found[0]
            ctype = found[1]
        return offset, ctype

    def select(self, **arms: str) -> Struct:
        """This struct with the union member ``name`` replaced by its arm.

        The arm is padded to the union's size, so offsets do not move.  A
        union that is not selected reads and writes as raw bytes.
        """
        fields = []
        for f in self.fields:
            if f.name in arms and isinstance(f.type, Union):
                arm = f.type.arm(arms[f.name])
                fields.append(Field(f.name, f.offset, _pad_to(arm.type, f.type.size),
                                    anonymous=f.anonymous))
            else:
                fields.append(f)
        return Struct(self.name, tuple(fields), self.size, self.align, self.doc)

    def leaves(self, raw: tuple[str, ...] = ()) -> Iterator[tuple[str, int, Scalar | Bytes]]:
        """Every scalar or byte run as ``(dotted.path, offset, type)``.

        Paths are C's: an anonymous member adds no name (an unselected
        anonymous union is named by the struct that holds it).

        Members named in ``raw`` come out whole, as one run of bytes.
        """
        yield from _leaves(self, "", 0, raw)


class Union(Frozen):
    """A C union: every arm starts at offset 0."""

    __slots__ = ("align", "arms", "name", "size")
    name: str
    arms: tuple[Field, ...]
    size: int
    align: int

    def __init__(self, name: str, arms: tuple[Field, ...], size: int, align: int) -> None:
        self._init(name=name, arms=arms, size=size, align=align)

    def arm(self, name: str) -> Field:
        """The arm called ``name``."""
        for arm in self.arms:
            if arm.name == name:
                return arm
        raise KeyError(f"union {self.name} has no arm {name!r}")


CType: TypeAlias = Scalar | Bytes | Array | Struct | Union


def _pad_to(ctype: CType, size: int) -> Struct:
    fields = [Field("", 0, ctype)] if not isinstance(ctype, Struct) else list(ctype.fields)
    end = ctype.size
    if end < size:
        fields.append(Field(f"_pad{end}", end, Bytes(size - end), hole=True))
    name = ctype.name if isinstance(ctype, Struct | Union) else ""
    return Struct(name, tuple(fields), size, ctype.align)


def _find(ctype: CType, name: str) -> tuple[int, CType] | None:
    """Member ``name`` of a struct or union, looking inside anonymous members."""
    members = (ctype.fields if isinstance(ctype, Struct)
               else ctype.arms if isinstance(ctype, Union) else ())
    for f in members:
        if f.name == name and not f.hole:
            return f.offset, f.type
        if f.anonymous:
            inner = _find(f.type, name)
            if inner is not None:
                return f.offset + inner[0], inner[1]
    return None


def _leaves(ctype: CType, path: str, base: int,
            raw: tuple[str, ...]) -> Iterator[tuple[str, int, Scalar | Bytes]]:
    if path in raw:
        yield path, base, Bytes(ctype.size)
    elif isinstance(ctype, Scalar | Bytes):
        yield path, base, ctype
    elif isinstance(ctype, Union):
        yield path, base, Bytes(ctype.size)
    elif isinstance(ctype, Array):
        for i in range(ctype.count):
            yield from _leaves(ctype.elem, f"{path}[{i}]", base + i * ctype.elem.size, raw)
    else:
        for f in ctype.fields:
            sub = f"{path}.{f.c_name}" if path and f.c_name else (f.c_name or path)
            yield from _leaves(f.type, sub, base + f.offset, raw)


def align_up(n: int, a: int) -> int:
    """``n`` rounded up to a multiple of ``a``."""
    return (n + a - 1) // a * a


def make_struct(name: str, members: list[tuple[str, CType, str]], *,
                packed: bool = False, align: int | None = None, doc: str = "") -> Struct:
    """Lay out ``members`` as a C compiler does, naming the holes ``_padN``."""
    fields: list[Field] = []
    offset = 0
    max_align = 1
    for mname, ctype, mdoc in members:
        a = 1 if packed else ctype.align
        start = align_up(offset, a)
        if start > offset:
            fields.append(Field(f"_pad{offset}", offset, Bytes(start - offset), hole=True))
        fields.append(Field(mname or f"_anon{start}", start, ctype, doc=mdoc,
                            anonymous=not mname))
        offset = start + ctype.size
        max_align = max(max_align, a)
    if align is not None:
        max_align = max(max_align, align)
    size = align_up(offset, max_align)
    if size > offset:
        fields.append(Field(f"_pad{offset}", offset, Bytes(size - offset), hole=True))
    return Struct(name, tuple(fields), size, max_align, doc)


def make_union(name: str, members: list[tuple[str, CType, str]], *,
               align: int | None = None) -> Union:
    """Lay out a C union: size of the largest arm, rounded to its alignment."""
    max_align = max([m[1].align for m in members] + [align or 1])
    size = align_up(max(m[1].size for m in members), max_align)
    arms = tuple(Field(n or "_anon0", 0, t, doc=d, anonymous=not n) for n, t, d in members)
    return Union(name, arms, size, max_align)


def make_array(elem: CType, count: int) -> CType:
    """``elem[count]``: bytes for char-like elements, an :class:`Array` otherwise."""
    if isinstance(elem, Scalar) and elem.size == 1:
        return Bytes(count)
    return Array(elem, count, elem.size * count, elem.align)


def scalar(abi: ABI, ctype: str) -> Scalar:
    """The :class:`Scalar` for a C type name on ``abi``."""
    p = abi.primitive(ctype)
    return Scalar(ctype, p.size, p.align, p.signed, p.order)


# -- the lossless reader and writer (records) ---------------------------------

def read(ctype: CType, data: bytes | memoryview, offset: int = 0) -> Value:
    """The value of ``ctype`` at ``offset``: ints, bytes, tuples, dicts."""
    if isinstance(ctype, Scalar):
        end = offset + ctype.size
        return int.from_bytes(data[offset:end], "little" if ctype.order == "<" else "big",
                              signed=ctype.signed)
    if isinstance(ctype, Bytes):
        return bytes(data[offset:offset + ctype.size])
    if isinstance(ctype, Union):
        return bytes(data[offset:offset + ctype.size])
    if isinstance(ctype, Array):
        step = ctype.elem.size
        return tuple(read(ctype.elem, data, offset + i * step) for i in range(ctype.count))
    if len(ctype.fields) == 1 and not ctype.fields[0].name:
        return read(ctype.fields[0].type, data, offset)
    return {f.name: read(f.type, data, offset + f.offset) for f in ctype.fields}


def write(ctype: CType, value: Value, buf: bytearray, offset: int = 0, path: str = "") -> None:
    """Write ``value`` (as :func:`read` returns it) into ``buf`` at ``offset``.

    Raises :class:`OverflowError` for an integer that does not fit and
    :class:`ValueError` for bytes of the wrong length: nothing is truncated.
    """
    if isinstance(ctype, Scalar):
        order: Literal["little", "big"] = "little" if ctype.order == "<" else "big"
        try:
            buf[offset:offset + ctype.size] = int(value).to_bytes(ctype.size, order,
                                                                   signed=ctype.signed)
        except OverflowError:
            raise OverflowError(f"{path or 'value'} = {value!r} does not fit "
                                f"{ctype.ctype}") from None
    elif isinstance(ctype, Bytes | Union):
        raw = bytes(value)
        if len(raw) != ctype.size:
            raise ValueError(f"{path or 'value'} must be {ctype.size} bytes, got {len(raw)}")
        buf[offset:offset + ctype.size] = raw
    elif isinstance(ctype, Array):
        items = tuple(value)
        if len(items) != ctype.count:
            raise ValueError(f"{path} must have {ctype.count} items, got {len(items)}")
        for i, item in enumerate(items):
            write(ctype.elem, item, buf, offset + i * ctype.elem.size, f"{path}[{i}]")
    elif len(ctype.fields) == 1 and not ctype.fields[0].name:
        write(ctype.fields[0].type, value, buf, offset, path)
    else:
        if not isinstance(value, Mapping):
            raise TypeError(f"{path or ctype.name} must be a mapping of its fields")
        for f in ctype.fields:
            sub = f"{path}.{f.name}" if path else f.name
            if f.name in value:
                write(f.type, value[f.name], buf, offset + f.offset, sub)


# -- the fast path --------------------------------------------------------------

_CODES = {(1, False): "B", (2, False): "H", (4, False): "I", (8, False): "Q",
          (1, True): "b", (2, True): "h", (4, True): "i", (8, True): "q"}


class FastCodec:
    """A precompiled :mod:`struct` reader/writer of one layout's leaves.

    ``names`` are the dotted leaf paths, in offset order; :meth:`unpack`
    returns their values in that order and :meth:`pack` takes them back.
    Fields listed in ``raw`` are read as bytes whatever their C type (an
    ``in_addr`` is easier to use as four bytes).  Runs of one byte order
    share one :class:`struct.Struct`, so a sockaddr that mixes network and
    host order costs two calls.
    """

    def __init__(self, layout: Struct, raw: tuple[str, ...] = ()) -> None:
        self.layout = layout
        self.size = layout.size
        names: list[str] = []
        runs: list[tuple[str, int, list[str]]] = []   # (order, start, codes)
        for path, offset, ctype in layout.leaves(raw):
            names.append(path)
            if isinstance(ctype, Bytes):
                code, order = f"{ctype.size}s", None
            else:
                code, order = _CODES[ctype.size, ctype.signed], ctype.order
            if ctype.size == 1 or order is None:
                order = runs[-1][0] if runs else "<"
            if runs and runs[-1][0] == order:
                runs[-1][2].append(code)
            else:
                runs.append((order, offset, [code]))
        self.names = tuple(names)
        self._leaves = {path: (offset, ctype) for path, offset, ctype in layout.leaves(raw)}
        self._structs = tuple((struct.Struct(o + "".join(c)), start) for o, start, c in runs)
        self._counts = tuple(len(c) for _, _, c in runs)
        if len(self._structs) == 1:
            only = self._structs[0][0]
            self.unpack = only.unpack_from  # type: ignore[method-assign,assignment]
            self.pack = only.pack  # type: ignore[method-assign]

    def index(self, name: str) -> int:
        """Position of leaf ``name`` in the tuples of :meth:`unpack`."""
        return self.names.index(name)

    def view(self, *names: str, order: str | None = None, start: int = 0,
             end: int | None = None) -> struct.Struct:
        """One :class:`struct.Struct` over leaves ``names`` only, the rest as pad bytes.

        The hot paths' single C call: ``view("sin_port", "sin_addr").unpack_from(data)``
        reads just those two, and ``pack`` writes them with zeros around.  ``names``
        go in offset order; the Struct spans offset 0 to ``end`` (default: the
        last leaf named).  Its byte order is ``order``, by default the one the
        named multi-byte leaves share; a leaf of the other order reads
        byte-swapped, so give it through :meth:`recode` (a constant family).
        ``start`` makes it begin at that offset instead (``pack_into`` there, or
        bytes to append to the ones before).

        >>> from sockaddr import schemas
        >>> schemas.fast("sockaddr_in6", "linux-x86_64").view("sin6_port", "sin6_flowinfo").format
        '>2xHI'
        """
        codes: list[str] = []
        at = start
        chosen = order is not None
        for name in names:
            offset, ctype = self._leaves[name]
            if offset < at:
                raise ValueError(f"{name} is not after the leaves before it")
            if isinstance(ctype, Bytes):
                code = f"{ctype.size}s"
            else:
                code = _CODES[ctype.size, ctype.signed]
                if ctype.size > 1:
                    order = order or ctype.order
                    if ctype.order != order and not chosen:
                        raise ValueError(f"{name} is {ctype.order}, not {order}: "
                                         "pass order= and recode() it")
            codes.append(f"{offset - at}x" if offset > at else "")
            codes.append(code)
            at = offset + ctype.size
        if end is not None:
            if end < at:
                raise ValueError(f"end {end} is inside the leaves named")
            codes.append(f"{end - at}x" if end > at else "")
        return struct.Struct((order or "<") + "".join(codes))

    def recode(self, name: str, value: int, view: struct.Struct) -> int:
        """The number that ``view`` must pack for leaf ``name`` to hold ``value``.

        Equal to ``value`` unless the view's byte order is not the leaf's own,
        as for ``sin_family`` in a network-order view of ``sockaddr_in``.
        """
        _, ctype = self._leaves[name]
        assert isinstance(ctype, Scalar)
        mine: Literal["little", "big"] = "little" if ctype.order == "<" else "big"
        theirs: Literal["little", "big"] = "little" if view.format[0] == "<" else "big"
        return int.from_bytes(value.to_bytes(ctype.size, mine, signed=ctype.signed), theirs,
                              signed=ctype.signed)

    def unpack(self, data: bytes | bytearray | memoryview, offset: int = 0) -> tuple[Any, ...]:
        """Leaf values from ``data[offset:offset+size]``."""
        out: tuple[Any, ...] = ()
        for s, start in self._structs:
            out += s.unpack_from(data, offset + start)
        return out

    def pack(self, *values: Any) -> bytes:
        """The bytes of the layout holding ``values`` (in :attr:`names` order)."""
        parts = []
        i = 0
        for (s, _), n in zip(self._structs, self._counts, strict=True):
            parts.append(s.pack(*values[i:i + n]))
            i += n
        return b"".join(parts)


# -- the construct form -----------------------------------------------------------

def to_construct(ctype: CType) -> cs.Construct:
    """The :mod:`construct` equivalent of ``ctype``.

    Holes become ``_padN`` fields that default to zero bytes, so parse keeps
    them (lossless) and build does not need them.
    """
    import construct as cs  # noqa: PLC0415 - the codecs never need it: keep imports cheap

    if isinstance(ctype, Scalar):
        code = _CODES[ctype.size, ctype.signed]
        return cs.FormatField(ctype.order, {"I": "L", "i": "l"}.get(code, code))
    if isinstance(ctype, Bytes):
        return cs.Bytes(ctype.size)
    if isinstance(ctype, Array):
        return cs.Array(ctype.count, to_construct(ctype.elem))
    if isinstance(ctype, Union):
        # Padded gives the union a size (a bare construct Union has none).  The
        # "_raw" view comes first: construct builds a union from the first arm
        # the value names, so a parsed value builds back byte for byte, while a
        # value naming only one arm builds that arm.
        return cs.Padded(ctype.size, cs.Union(0, "_raw" / cs.Bytes(ctype.size), *[
            a.name / cs.Padded(ctype.size, to_construct(a.type)) for a in ctype.arms]))
    if len(ctype.fields) == 1 and not ctype.fields[0].name:
        return to_construct(ctype.fields[0].type)
    members = []
    for f in ctype.fields:
        sub = to_construct(f.type)
        if f.hole:
            sub = cs.Default(sub, bytes(f.type.size))
        members.append(f.name / sub)
    return cs.Struct(*members)
