"""The fast path of :func:`sockaddr.cmsg.parse` and :func:`~sockaddr.cmsg.decode`.

The reference path looks up a message's classes, filters them by family and
tries their sizes for every message, then reads the payload through the
layout one field at a time.  A :class:`Plan` does that work once per ABI and
family: every ``(cmsg_len, cmsg_level, cmsg_type)`` a fixed-size form takes is
a key of raw header bytes, so a message costs one slice and one dict look-up
before its reader; readers are generated from the payload's schema layout (one
:class:`struct.Struct` per payload) and fill the frozen dataclass's
``__dict__`` directly, as its ``__init__`` would.  When a header repeats the
one before, that form's reader runs on for as long as the next header is the
same bytes (a ``startswith``; no slice, look-up or call per message): 1,000
IP_TTLs cost 1.13-1.19x the cheapest hand-written loop that makes the same
objects, not 1.4x.  A buffer of different messages pays ~2% for looking out
for repeats.

Whatever the fast path does not cover (unregistered pairs, variable sizes,
classes with their own ``from_payload``, every error and truncation) goes
through :func:`step`, the reference semantics of one message, so that errors
are the reference's own.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import socket
import struct
from collections.abc import Callable
from typing import Any

from sockaddr import schemas
from sockaddr.abi import ABI
from sockaddr.cmsg._base import (
    _PLANS,
    ControlMessage,
    RawMessage,
    ScalarMessage,
    StructMessage,
    Truncated,
    Unknown,
    _load,
    _table,
    payload_error,
    read_sockaddr,
)
from sockaddr.cmsg._shapes import PaddedStruct, _holes, _keep
from sockaddr.errors import DecodeError
from sockaddr.layout import _CODES, Array, CType, Scalar, Struct

__all__ = ["Plan", "for_family", "header", "plan", "step"]

#: ``reader(buffer, offset)``: the message whose header starts at ``offset`` (fixed size).
Reader = Callable[[bytes, int], ControlMessage]
#: ``run(buffer, offset, append)``: appends the message at ``offset`` and every next one
#: whose header is the same bytes; returns the offset of the first it did not read (the
#: one it was given when that one fails: cut short, or a reader's error).
Run = Callable[[bytes, int, Callable[[ControlMessage], None]], int]
#: ``runner(header, step)``: the :data:`Run` of messages with that raw header, ``step``
#: bytes apart (``CMSG_ALIGN(cmsg_len)``).
Runner = Callable[[bytes, int], Run]
#: ``reader(payload)``: the message of that payload.
Whole = Callable[[bytes], ControlMessage]
#: ``decode(level, type, payload)``.
Decoder = Callable[[int, int, bytes], ControlMessage]
#: What :func:`header` returns.
Header = tuple[int, int, Callable[[bytes, int], tuple[Any, ...]]]

_OCTETS = tuple(str(i) for i in range(256))


@functools.lru_cache(maxsize=1024)
def _ntop6(raw: bytes) -> str:
    # Hosts see few distinct local addresses (IPV6_PKTINFO): a cache hit is ~8x
    # cheaper than inet_ntop.
    return socket.inet_ntop(socket.AF_INET6, raw)


def for_family(candidates: tuple[type[ControlMessage], ...],
               family: int | None) -> tuple[type[ControlMessage], ...]:
    """The classes that apply on a socket of ``family`` (``None``: not known).

    A class with a ``family`` attribute (SOL_HCI's: level 0 is also SOL_IP)
    applies only when the caller names that family, and then it is the only
    choice; otherwise the classes without one apply.
    """
    if family is not None:
        own = tuple(c for c in candidates
                    if (w := getattr(c, "family", None)) and schemas.constant(w) == family)
        if own:
            return own
    return tuple(c for c in candidates if getattr(c, "family", None) is None)


def _align(n: int, a: int) -> int:
    return (n + a - 1) & ~(a - 1)


def step(raw: bytes, offset: int, out: list[ControlMessage], header: Header, *,
         truncated: bool, decode: Decoder) -> int:
    """Walk the message at ``offset`` as the kernel and glibc do; the next offset.

    Appends the message to ``out``; returns ``len(raw)`` when the walk stops
    there (a truncated tail) and raises :class:`DecodeError` as
    :func:`sockaddr.cmsg.parse` documents.
    """
    size, align, unpack = header
    left = len(raw) - offset
    if left < size:
        if truncated:
            return len(raw)
        raise DecodeError(f"{left} bytes after the last message, a header needs {size}",
                          offset=offset, struct="cmsghdr", data=raw)
    length, level, type_ = unpack(raw, offset)
    if length < size:
        raise DecodeError(f"cmsg_len {length} is less than the header ({size})",
                          offset=offset, struct="cmsghdr", data=raw)
    if length > left:
        if not truncated:
            raise DecodeError(f"cmsg_len {length} runs past the buffer ({left} bytes left)",
                              offset=offset, struct="cmsghdr", data=raw)
        out.append(Truncated(level, type_, raw[offset + size:], length))
        return len(raw)
    payload = raw[offset + size:offset + length]
    try:
        out.append(decode(level, type_, payload))
    except DecodeError as e:
        if truncated and offset + _align(length, align) >= len(raw):
            # The kernel's put_cmsg() sets cmsg_len to the room left when it
            # cuts the last message: a short payload there is the cut.
            out.append(Truncated(level, type_, payload, length))
            return len(raw)
        message = str(e).removeprefix(f"{e.struct}: ")
        raise DecodeError(f"{message} (message at offset {offset})",
                          offset=offset + size + e.offset, struct=e.struct,
                          data=raw) from None
    return offset + _align(length, align)


def header(abi: ABI) -> Header:
    """``sizeof(struct cmsghdr)``, CMSG_ALIGN's alignment and the header's reader."""
    layout = schemas.layout("cmsghdr", abi)
    return layout.size, layout.align, schemas.fast("cmsghdr", abi).unpack


# -- readers derived from the schemas ---------------------------------------------

def _plain_fields(cls: type[ControlMessage]) -> list[str] | None:
    """The fields of dataclass ``cls`` in order, if its constructor only stores them.

    Then filling ``__dict__`` is what its generated ``__init__`` does; a
    ``__post_init__``, a hand-written ``__init__`` or ``__new__``, ``InitVar``s,
    ``init=False`` fields or slots keep the class on its own constructor.
    """
    if not dataclasses.is_dataclass(cls) or hasattr(cls, "__post_init__"):
        return None
    names = [f.name for f in dataclasses.fields(cls)]
    code = getattr(cls.__init__, "__code__", None)
    if (code is None or code.co_filename != "<string>"
            or [(p.name, p.kind) for p in inspect.signature(cls.__init__).parameters.values()][1:]
            != [(n, inspect.Parameter.POSITIONAL_OR_KEYWORD) for n in names]
            or cls.__new__ is not object.__new__ or not hasattr(object.__new__(cls), "__dict__")):
        return None
    return names


class _Source:
    """A reader's :mod:`struct` format and Python expressions, built field by field."""

    def __init__(self, abi: ABI) -> None:
        self.order = "<" if abi.byteorder == "little" else ">"
        self.fmt: list[str] = []
        self.pos = 0
        self.count = 0
        self.env: dict[str, Any] = {"octet": _OCTETS, "ntop6": _ntop6, "abi": abi,
                                    "read_sockaddr": read_sockaddr, "from_bytes": int.from_bytes}

    def leaf(self, code: str, offset: int, size: int) -> str:
        if offset > self.pos:
            self.fmt.append(f"{offset - self.pos}x")
        self.fmt.append(code)
        self.pos = offset + size
        self.count += 1
        return f"v{self.count - 1}"

    def expr(self, ctype: CType, offset: int) -> str:
        """An expression equal to ``_base._to_python(ctype, bytes at offset)``."""
        name = ctype.name if isinstance(ctype, Struct) else ""
        if name == "in_addr":     # inet_ntop's dotted quad, without its ~0.5 µs call
            octets = [f"{{octet[{self.leaf('B', offset + i, 1)}]}}" for i in range(4)]
            return 'f"' + ".".join(octets) + '"'
        if name == "in6_addr":
            return f"ntop6({self.leaf('16s', offset, 16)})"
        if name.startswith("sockaddr"):
            raw = self.leaf(f"{ctype.size}s", offset, ctype.size)
            return f"read_sockaddr({name!r}, {raw}, abi)"
        if isinstance(ctype, Array):
            step = ctype.elem.size
            return self.group([self.expr(ctype.elem, offset + i * step)
                               for i in range(ctype.count)])
        if isinstance(ctype, Struct):
            return self.group([self.expr(f.type, offset + f.offset)
                               for f in ctype.fields if not f.hole])
        if isinstance(ctype, Scalar):
            code = _CODES.get((ctype.size, ctype.signed))
            if code is not None and (ctype.order == self.order or ctype.size == 1):
                return self.leaf(code, offset, ctype.size)
            order = "little" if ctype.order == "<" else "big"
            raw = self.leaf(f"{ctype.size}s", offset, ctype.size)
            return f"from_bytes({raw}, {order!r}, signed={ctype.signed})"
        return self.leaf(f"{ctype.size}s", offset, ctype.size)     # bytes, unions

    @staticmethod
    def group(items: list[str]) -> str:
        return f"({', '.join(items)},)" if items else "()"

    def readers(self, cls: type[ControlMessage], values: dict[str, str], size: int,
                skip: int, holes: list[tuple[int, int]]) -> tuple[Reader, Runner, Whole]:
        """The reader and runner of ``cls`` from ``values`` (field: expression)
        after a ``skip``-byte header, and the reader of the payload alone.
        Non-zero bytes in ``holes`` are kept as
        :class:`~sockaddr.cmsg._shapes.PaddedStruct` keeps them."""
        tail = [f"{size - self.pos}x"] if size > self.pos else []
        targets = "".join(f"v{i}, " for i in range(self.count))
        lines = [f"{targets}= unpack_from(raw, off)" if targets else "unpack_from(raw, off)",
                 "o = new(cls)", "d = o.__dict__" if len(values) > 1 else "",
                 *(f"{'d' if len(values) > 1 else 'o.__dict__'}[{k!r}] = {v}"
                   for k, v in values.items())]
        if holes:
            lines += ["if padding(raw, off) != zeros:",
                      "    keep(o, raw[off + base:off + base + size], abi, holes)"]
        body = "".join(f"            {x}\n" for x in lines)
        code = compile(
            "def read(raw, off=0):\n" + "".join(f"    {x}\n" for x in lines) + "    return o\n"
            # The same body in a loop: see the module's docstring.
            "def runner(key, step):\n"
            "    def run(raw, off, append):\n"
            "        startswith = raw.startswith\n"
            "        try:\n"
            "          while True:\n" + body +
            "            append(o)\n"
            "            off += step\n"
            "            if not startswith(key, off):\n"
            "                return off\n"
            "        except Exception:\n"
            "            return off\n"
            "    return run\n", f"<cmsg reader {cls.__qualname__}>", "exec")
        padding = []
        at = 0
        for a, b in sorted(holes):
            padding += [f"{a - at}x", f"{b - a}s"]
            at = b
        made = []
        for base in (skip, 0):
            head = [f"{base}x"] if base else []
            env = dict(self.env, new=object.__new__, cls=cls, keep=_keep, holes=holes, base=base,
                       size=size, zeros=tuple(bytes(b - a) for a, b in sorted(holes)),
                       unpack_from=struct.Struct(self.order + "".join(head + self.fmt + tail)
                                                 ).unpack_from,
                       padding=struct.Struct("".join(["<", *head, *padding])).unpack_from)
            exec(code, env)
            made.append(env)
        return made[0]["read"], made[0]["runner"], made[1]["read"]


def readers(cls: type[ControlMessage], abi: ABI, size: int,
            skip: int) -> tuple[Reader, Runner, Whole]:
    """Readers of ``cls``'s fixed ``size``-byte payload: ``cls.from_payload``, made fast.

    The first reads the message at an offset of a buffer, after its ``skip``
    header bytes, and raises if the buffer is too short for it; the second
    is the :data:`Runner` of such messages; the third reads the payload alone.  Only the
    library's own ``from_payload`` of scalars and structs (padded or not) is
    derived: other classes keep theirs.
    """
    own = cls.from_payload.__func__  # type: ignore[attr-defined]
    fields = _plain_fields(cls)
    source = _Source(abi)
    if own is ScalarMessage.from_payload.__func__ and fields and len(fields) == 1:  # type: ignore[attr-defined]
        scalar = cls._scalar(abi)  # type: ignore[attr-defined]
        return source.readers(cls, {fields[0]: source.expr(scalar, 0)}, size, skip, [])
    padded = own is PaddedStruct.from_payload.__func__  # type: ignore[attr-defined]
    if (own is StructMessage.from_payload.__func__ or padded) and fields:  # type: ignore[attr-defined]
        layout: Struct = cls._layout(abi)  # type: ignore[attr-defined]
        prefix: str = cls.prefix  # type: ignore[attr-defined]
        members = [f for f in layout.fields if not f.hole]
        by_name = {f.name.removeprefix(prefix): f for f in members}
        if len(by_name) == len(members) and sorted(by_name) == sorted(fields):
            values = {k: source.expr(by_name[k].type, by_name[k].offset) for k in fields}
            return source.readers(cls, values, size, skip, _holes(layout) if padded else [])
    from_payload = cls.from_payload

    def read(raw: bytes, off: int) -> ControlMessage:
        if off + skip + size > len(raw):
            raise IndexError(off)       # as the derived readers' struct.error
        return from_payload(raw[off + skip:off + skip + size], abi)
    return read, functools.partial(_runner, read), lambda data: from_payload(data, abi)


def _runner(read: Reader, key: bytes, step: int) -> Run:
    """The :data:`Run` of ``read``'s messages: what the generated runners do, by calls."""
    def run(raw: bytes, off: int, append: Callable[[ControlMessage], None]) -> int:
        startswith = raw.startswith
        try:
            while True:
                append(read(raw, off))
                off += step
                if not startswith(key, off):
                    return off
        except Exception:   # cut short, or a reader's error: the caller's step says which
            return off
    return run


def variable(cls: type[ControlMessage], abi: ABI) -> Whole:
    """The reader of a variable-size payload: ``cls.from_payload``, fast for raw bytes."""
    fields = _plain_fields(cls)
    own = cls.from_payload.__func__  # type: ignore[attr-defined]
    if own is RawMessage.from_payload.__func__ and fields and len(fields) == 1:  # type: ignore[attr-defined]
        name = fields[0]
        new = object.__new__

        def raw_message(data: bytes) -> ControlMessage:
            o: ControlMessage = new(cls)
            o.__dict__[name] = data
            return o
        return raw_message
    from_payload = cls.from_payload
    return lambda data: from_payload(data, abi)


# -- the plan ---------------------------------------------------------------------

Pair = tuple[dict[int, Whole], Whole | None, tuple[type[ControlMessage], ...]]


class Plan:
    """Every registered form of one ABI and family, resolved for decoding.

    A pair's readers are made the first time a message of it comes (all of
    them cost ~40 ms, a few well under one).
    """

    def __init__(self, abi: ABI, family: int | None) -> None:
        self.abi = abi
        self.family = family
        self.table = _table(abi)
        self.header = header(abi)
        self.size, self.align, _ = self.header
        self.pack = schemas.fast("cmsghdr", abi).pack
        #: ``(level, type)`` -> (readers by payload size, the variable form, the candidates)
        self.pairs: dict[tuple[int, int], Pair] = {}
        #: the raw ``cmsghdr`` of a fixed-size form -> (reader, run, CMSG_ALIGN(cmsg_len))
        self.fixed: dict[bytes, tuple[Reader, Run, int]] = {}
        #: ``parse(raw, truncated)``: :func:`sockaddr.cmsg.parse` of ``raw`` (bytes).
        self.parse = self._parser()

    def entry(self, level: int, type_: int) -> Pair | None:
        """The forms of ``(level, type_)``, made on first use (``None``: nobody registered it)."""
        found = self.pairs.get((level, type_))
        if found is not None:
            return found
        classes = self.table.get((level, type_))
        if classes is None:
            return None
        candidates = for_family(classes, self.family)
        sizes: dict[int, Whole] = {}
        var = None
        for cls in candidates:
            size = cls.payload_size(self.abi)
            if size is None:
                var = var or variable(cls, self.abi)
            elif size not in sizes:
                read, runner, sizes[size] = readers(cls, self.abi, size, self.size)
                length = self.size + size
                try:
                    key = self.pack(length, level, type_)
                except struct.error:
                    continue        # numbers no header holds: the reference path refuses
                step_ = _align(length, self.align)
                self.fixed[key] = (read, runner(key, step_), step_)
        found = self.pairs[level, type_] = (sizes, var, candidates)
        return found

    def decode(self, level: int, type_: int, raw: bytes) -> ControlMessage:
        """:func:`sockaddr.cmsg.decode` of ``raw`` (bytes)."""
        entry = self.pairs.get((level, type_)) or self.entry(level, type_)
        if entry is None or not entry[2]:
            return Unknown(level, type_, raw)
        sizes, var, candidates = entry
        read = sizes.get(len(raw))
        if read is not None:
            return read(raw)
        if var is not None:
            return var(raw)
        raise payload_error(candidates[0], raw, self.abi, candidates)

    def _parser(self) -> Callable[[bytes, bool], list[ControlMessage]]:
        # A closure: the loop reads its cells, not the plan's attributes.
        get = self.fixed.get
        size = self.size
        hdr = self.header
        decode = self.decode

        def parse(raw: bytes, truncated: bool) -> list[ControlMessage]:
            out: list[ControlMessage] = []
            append = out.append
            end = len(raw)
            offset = 0
            last = None
            while offset < end:
                entry = get(raw[offset:offset + size])
                if entry is not None:
                    # Each header has its own entry: the same entry is a repeat.
                    if entry is last:       # run on (see the module's docstring)
                        after = entry[1](raw, offset, append)
                        if after != offset:
                            offset = after
                            continue
                    else:
                        try:
                            append(entry[0](raw, offset))
                            offset += entry[2]
                            last = entry
                            continue
                        except Exception:
                            pass
                # Not a fixed form, cut short, or a reader's error: the reference says which.
                offset = step(raw, offset, out, hdr, truncated=truncated, decode=decode)
            return out
        return parse


def plan(abi: ABI | str | None, family: int | None) -> Plan:
    """The plan of ``abi`` and ``family``, built once (``register()`` drops them all)."""
    _load()
    resolved = ABI.get(abi)
    families = {schemas.constant(w) for classes in _table(resolved).values()
                for c in classes if (w := getattr(c, "family", None))}
    known = family if family in families else None
    # Three items: ABI hashes as its name, and a 2-tuple key holding one would
    # collide with the caller's ("linux-x86_64", None) and cost an ABI.__eq__.
    found: Plan | None = _PLANS.get((resolved, known, ()))
    if found is None:
        found = _PLANS[resolved, known, ()] = Plan(resolved, known)
    if len(_PLANS) > 256:       # callers naming many ABIs or families: start again
        _PLANS.clear()
    _PLANS[abi, family] = found
    return found
