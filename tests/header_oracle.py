"""The C headers as oracle: generate C programs from the schemas, run them.

For every schema file and ABI this module writes one C program that includes
the schema's ``meta.includes`` and then its ``meta.header`` (one program per
file, so headers that conflict, such as ``<linux/in.h>`` and
``<netinet/in.h>``, are never mixed).  The program prints what the compiler
knows -- ``sizeof``/``_Alignof`` of each declared struct, ``offsetof`` and
``sizeof`` of each member, the bytes of the struct filled with distinct
values, the value of each schema constant the header declares -- and
:class:`Oracle` parses it back into a :class:`Result`.

Everything is derived from the layouts (:mod:`sockaddr.layout`) and the
schema files, never from a list written here: a struct or constant added to a
schema is checked the next time the tests run.

Filling a struct: every scalar leaf gets a distinct logical value, every byte
of a byte array a distinct byte (no byte is 0, so a byte left zero is
padding).  Network-order fields (schema types ``be16``/``be32``/``be64``,
the kernel's ``__beNN``) are assigned ``htobeNN(value)`` -- what ``htons``/
``htonl`` do -- and ``leNN`` fields ``htoleNN(value)``; the program spells
them with ``__builtin_bswapNN`` so that it needs no ``<arpa/inet.h>``, which
would clash with the kernel headers.  A union is filled through one arm
(:class:`Fill` records which); :func:`variants` lists one fill with every
union on its first arm and one per other arm.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sockaddr import layout as lay
from sockaddr import schemas
from sockaddr.abi import ABI
from sockaddr.layout import Array, Bytes, CType, Scalar, Struct, Union

__all__ = [
    "ABIS", "CompileError", "CompilerUnavailable", "Fill", "Member", "Oracle", "Result",
    "Target", "Unit", "byte_diff", "flatten", "members", "plain", "plan", "record_value",
    "construct_value", "selected", "selected_value", "unions", "variants",
]

#: The ABIs checked, with the gcc flags that target them.
ABIS: dict[str, tuple[str, ...]] = {
    "linux-x86_64": ("-m64",),
    "linux-i386": ("-m32",),
}

CC = "gcc"
CFLAGS = ("-std=gnu11", "-O0", "-Wall", "-Wno-unused-function")
_BYTE_ORDER_TYPE = re.compile(r"^(be|le)(16|32|64)$")

Compound = Struct | Union


class CompilerUnavailable(Exception):
    """No compiler builds and runs programs for this ABI here."""


class CompileError(Exception):
    """A generated program did not compile: the header disagrees with a schema."""


# -- what is checked ------------------------------------------------------------------

def join(path: str, name: str) -> str:
    """``path.name``; an empty name (C11 anonymous member) adds nothing."""
    if not name:
        return path
    return f"{path}.{name}" if path else name


@dataclass(frozen=True)
class Member:
    """One named member, anywhere in a struct: ``offsetof``/``sizeof`` target."""

    path: str       # C member designator, e.g. "sin6_addr.s6_addr" or "a[0].b"
    offset: int
    size: int


def members(ctype: CType, path: str = "", base: int = 0) -> Iterator[Member]:
    """Every named non-hole member, through nested structs, union arms and
    the first element of arrays of structs."""
    if isinstance(ctype, Struct):
        fields: Sequence[lay.Field] = ctype.fields
    elif isinstance(ctype, Union):
        fields = ctype.arms
    elif isinstance(ctype, Array) and isinstance(ctype.elem, Struct | Union):
        yield from members(ctype.elem, f"{path}[0]", base)
        return
    else:
        return
    for f in fields:
        if f.hole:
            continue
        sub = join(path, f.c_name)
        if f.c_name:
            yield Member(sub, base + f.offset, f.type.size)
        yield from members(f.type, sub, base + f.offset)


def _shape(path: str) -> str:
    """A union's key in a :class:`Fill`: its path without array indexes."""
    return re.sub(r"\[\d+\]", "[]", path)


@dataclass
class Fill:
    """Distinct values for every leaf of one struct, through chosen union arms."""

    #: Union arm asked for, by union shape path (``u``, ``a[].u``); unions not
    #: named here are filled through their first arm.
    request: dict[str, str]
    #: Arm actually used, for every union met.
    chosen: dict[str, str] = field(default_factory=dict)
    #: Logical value of each leaf by C path: int for scalars, bytes for byte arrays.
    values: dict[str, int | bytes] = field(default_factory=dict)
    #: C statements that store those values into a struct named ``s``.
    statements: list[str] = field(default_factory=list)
    _next: int = 0

    @property
    def name(self) -> str:
        """The fill's name in test ids: ``fill`` or ``u=arm``."""
        if not self.request:
            return "fill"
        return ",".join(f"{k or '<anon>'}={v}" for k, v in sorted(self.request.items()))

    def _bytes(self, n: int) -> bytes:
        out = bytes((self._next + i) % 251 + 1 for i in range(n))
        self._next += n
        return out

    def arm(self, union: Union, path: str) -> lay.Field:
        """The arm through which ``union`` at ``path`` is filled."""
        shape = _shape(path)
        name = self.request.get(shape, union.arms[0].name)
        self.chosen.setdefault(shape, name)
        return union.arm(name)

    def walk(self, ctype: CType, path: str) -> None:
        """Assign distinct values to every leaf under ``path``."""
        lvalue = f"s.{path}"
        if isinstance(ctype, Scalar):
            raw = self._bytes(ctype.size)
            bits = int.from_bytes(raw, "big")
            logical = bits
            if ctype.signed and bits >> (8 * ctype.size - 1):
                logical -= 1 << (8 * ctype.size)
            self.values[path] = logical
            literal = f"{bits:#x}ULL"
            m = _BYTE_ORDER_TYPE.match(ctype.ctype)
            if m:
                literal = f"ORACLE_TO_{m[1].upper()}{m[2]}({literal})"
            self.statements.append(f"{lvalue} = (__typeof__({lvalue}))({literal});")
        elif isinstance(ctype, Bytes):
            raw = self._bytes(ctype.size)
            self.values[path] = raw
            self.statements.extend(f"{lvalue}[{i}] = (__typeof__({lvalue}[{i}])){b:#04x};"
                                   for i, b in enumerate(raw))
        elif isinstance(ctype, Array):
            for i in range(ctype.count):
                self.walk(ctype.elem, f"{path}[{i}]")
        elif isinstance(ctype, Union):
            arm = self.arm(ctype, path)
            self.walk(arm.type, join(path, arm.c_name))
        else:
            for f in ctype.fields:
                if not f.hole:
                    self.walk(f.type, join(path, f.c_name))


def variants(ctype: Compound) -> list[Fill]:
    """One fill with every union through its first arm, then one per other arm."""
    first = Fill({})
    first.walk(ctype, "")
    out = [first]
    for shape, union in unions(ctype).items():
        if shape not in first.chosen:
            continue          # inside an arm the first fill did not take
        for arm in union.arms[1:]:
            fill = Fill({shape: arm.name})
            fill.walk(ctype, "")
            out.append(fill)
    return out


def unions(ctype: CType) -> dict[str, Union]:
    """Every union in ``ctype`` (through every arm), by shape path."""
    out: dict[str, Union] = {}
    _unions(ctype, "", out)
    return out


def _unions(ctype: CType, path: str, out: dict[str, Union]) -> None:
    if isinstance(ctype, Union):
        out.setdefault(_shape(path), ctype)
        for arm in ctype.arms:
            _unions(arm.type, join(path, arm.c_name), out)
    elif isinstance(ctype, Array):
        _unions(ctype.elem, f"{path}[0]", out)
    elif isinstance(ctype, Struct):
        for f in ctype.fields:
            _unions(f.type, join(path, f.c_name), out)


# -- the same values as the library spells them --------------------------------------

def record_value(ctype: CType, fill: Fill, path: str = "") -> Any:
    """The value :func:`sockaddr.layout.read` returns for the filled bytes.

    A union is raw bytes there: the chosen arm written with
    :func:`sockaddr.layout.write` into a zeroed buffer of the union's size.
    """
    if isinstance(ctype, Scalar | Bytes):
        return fill.values[path]
    if isinstance(ctype, Array):
        return tuple(record_value(ctype.elem, fill, f"{path}[{i}]") for i in range(ctype.count))
    if isinstance(ctype, Union):
        arm = ctype.arm(fill.chosen[_shape(path)])
        buf = bytearray(ctype.size)
        lay.write(arm.type, record_value(arm.type, fill, join(path, arm.c_name)), buf)
        return bytes(buf)
    return _struct_value(ctype, fill, path, record_value)


def construct_value(ctype: CType, fill: Fill, path: str = "") -> Any:
    """The value the :mod:`construct` form builds from: a union is ``{arm: value}``."""
    if isinstance(ctype, Scalar | Bytes):
        return fill.values[path]
    if isinstance(ctype, Array):
        return tuple(construct_value(ctype.elem, fill, f"{path}[{i}]")
                     for i in range(ctype.count))
    if isinstance(ctype, Union):
        arm = ctype.arm(fill.chosen[_shape(path)])
        return {arm.name: construct_value(arm.type, fill, join(path, arm.c_name))}
    return _struct_value(ctype, fill, path, construct_value)


def _struct_value(ctype: Struct, fill: Fill, path: str, leaf: Any) -> Any:
    if len(ctype.fields) == 1 and not ctype.fields[0].name and not ctype.fields[0].hole:
        return leaf(ctype.fields[0].type, fill, path)
    return {f.name: bytes(f.type.size) if f.hole else leaf(f.type, fill, join(path, f.c_name))
            for f in ctype.fields}


def selected(ctype: Struct, fill: Fill) -> dict[str, str]:
    """The ``select`` arguments for the top-level unions of ``fill``."""
    return {f.name: fill.chosen[f.c_name] for f in ctype.fields
            if isinstance(f.type, Union) and f.c_name in fill.chosen}


def selected_value(ctype: Struct, fill: Fill) -> dict[str, Any]:
    """:func:`record_value` of ``ctype.select(**selected(ctype, fill))``.

    A selected member is its arm padded to the union's size, so the C path
    of what it holds goes through the arm: ``u.arm.x`` for the layout's ``u.x``.
    """
    arms = selected(ctype, fill)
    chosen = ctype.select(**arms)
    out = {}
    for f in chosen.fields:
        if f.hole:
            out[f.name] = bytes(f.type.size)
        elif f.name in arms:
            out[f.name] = record_value(f.type, fill, join(f.c_name, arms[f.name]))
        else:
            out[f.name] = record_value(f.type, fill, f.c_name)
    return out


def flatten(ctype: CType, value: Any) -> list[Any]:
    """The leaves of ``value`` in :class:`sockaddr.layout.FastCodec` order."""
    if isinstance(ctype, Scalar | Bytes | Union):
        return [value]
    if isinstance(ctype, Array):
        return [leaf for item in value for leaf in flatten(ctype.elem, item)]
    if len(ctype.fields) == 1 and not ctype.fields[0].name:
        return flatten(ctype.fields[0].type, value)
    return [leaf for f in ctype.fields for leaf in flatten(f.type, value[f.name])]


def plain(ctype: CType, parsed: Any, fill: Fill, path: str = "") -> Any:
    """A construct parse result as :func:`construct_value` spells it: dicts,
    tuples, no ``_io``, and of each union only the arm that was filled."""
    if isinstance(ctype, Scalar | Bytes):
        return parsed
    if isinstance(ctype, Array):
        return tuple(plain(ctype.elem, item, fill, f"{path}[{i}]")
                     for i, item in enumerate(parsed))
    if isinstance(ctype, Union):
        name = fill.chosen[_shape(path)]
        arm = ctype.arm(name)
        return {name: plain(arm.type, parsed[name], fill, join(path, name))}
    if len(ctype.fields) == 1 and not ctype.fields[0].name and not ctype.fields[0].hole:
        return plain(ctype.fields[0].type, parsed, fill, path)
    if not isinstance(parsed, Mapping):
        return parsed
    out = {k: v for k, v in parsed.items() if k != "_io"}
    for f in ctype.fields:
        if f.name in out and not f.hole:
            out[f.name] = plain(f.type, out[f.name], fill, join(path, f.c_name))
    return out


def byte_diff(ctype: Compound, want: bytes, got: bytes, *, want_name: str = "C",
              got_name: str = "python") -> str:
    """A readable account of where two images of ``ctype`` differ."""
    lines = [f"{want_name:>8}: {want.hex(' ')}", f"{got_name:>8}: {got.hex(' ')}"]
    if len(want) != len(got):
        lines.append(f"sizes differ: {want_name} {len(want)}, {got_name} {len(got)}")
    leaves: list[tuple[str, int, CType]] = (
        list(ctype.leaves()) if isinstance(ctype, Struct) else [("<union>", 0, ctype)])
    for path, offset, leaf in leaves:
        end = offset + leaf.size
        a, b = want[offset:end], got[offset:end]
        if a != b:
            lines.append(f"  [{offset}:{end}] {path or '<value>'}: "
                         f"{want_name} {a.hex()} != {got_name} {b.hex()}")
    return "\n".join(lines)


# -- the programs ---------------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    """One struct (or union) to check: its name, C spelling and layout."""

    name: str
    c_type: str
    layout: Compound
    members: tuple[Member, ...]
    fills: tuple[Fill, ...]


@dataclass(frozen=True)
class Unit:
    """What one C program checks: a schema file on one ABI."""

    key: str                       # the schema path, e.g. "linux/in.toml"
    abi: str
    headers: tuple[str, ...]       # includes, then the header
    targets: tuple[Target, ...]
    constants: tuple[str, ...]
    skip: str = ""                 # why this unit cannot be compiled, if so
    declarations: str = ""         # C text after the includes (the self-check's structs)
    defines: tuple[str, ...] = ()  # feature macros before any include (meta.defines)


def c_type(schema: schemas.Schema, name: str) -> str:
    """How C spells the schema's struct ``name``: ``struct X`` unless ``c_name``."""
    is_union = name in schema.unions and name not in schema.structs
    decl = schema.unions[name] if is_union else schema.structs[name]
    c_name = decl.get("c_name")
    if c_name:
        return str(c_name)
    return f"{'union' if is_union else 'struct'} {name}"


def target(schema: schemas.Schema, name: str, abi: str) -> Target:
    """The :class:`Target` of struct ``name`` declared by ``schema``."""
    if name in schema.unions and name not in schema.structs:
        ctype: Compound = schemas.union(name, abi)
    else:
        ctype = schemas.layout(name, abi)
    return Target(name, c_type(schema, name), ctype, tuple(members(ctype)),
                  tuple(variants(ctype)))


#: Where gcc looks for system headers (Debian's multiarch layout included).
_INCLUDE_DIRS = ("/usr/local/include", "/usr/include", "/usr/include/x86_64-linux-gnu",
                 "/usr/include/i386-linux-gnu")
#: The Debian package of headers outside linux-libc-dev, by their folder.
_PACKAGES = {"bluetooth": "apt-get install libbluetooth-dev"}


def _installed(header: str) -> bool:
    return any(Path(d, header).is_file() for d in _INCLUDE_DIRS)


def plan(abi: str) -> tuple[Unit, ...]:
    """Every schema file as a :class:`Unit` for ``abi``."""
    by_file: dict[str, list[str]] = {}
    for schema, name in schemas.structs():
        by_file.setdefault(schema.path, []).append(name)
    units = []
    for schema in schemas.files():
        names = by_file.get(schema.path, [])
        skip = "" if schema.header else f"schema {schema.path} names no meta.header"
        missing = [h for h in (*schema.includes, schema.header) if h and not _installed(h)]
        if missing and not skip:
            skip = (f"header <{missing[0]}> is not installed (schema {schema.path}); "
                    f"on Debian: {_PACKAGES.get(missing[0].split('/')[0], 'apt-file search')}")
        units.append(Unit(
            key=schema.path, abi=abi,
            headers=(*schema.includes, schema.header) if schema.header else (),
            targets=tuple(target(schema, n, abi) for n in names),
            constants=tuple(schema.constants), skip=skip, defines=schema.defines,
        ))
    return tuple(units)


_PRELUDE = r"""
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ORACLE_TO_BE16(x) __builtin_bswap16((unsigned short)(x))
#define ORACLE_TO_BE32(x) __builtin_bswap32((unsigned int)(x))
#define ORACLE_TO_BE64(x) __builtin_bswap64((unsigned long long)(x))
#define ORACLE_TO_LE16(x) ((unsigned short)(x))
#define ORACLE_TO_LE32(x) ((unsigned int)(x))
#define ORACLE_TO_LE64(x) ((unsigned long long)(x))
#else
#define ORACLE_TO_BE16(x) ((unsigned short)(x))
#define ORACLE_TO_BE32(x) ((unsigned int)(x))
#define ORACLE_TO_BE64(x) ((unsigned long long)(x))
#define ORACLE_TO_LE16(x) __builtin_bswap16((unsigned short)(x))
#define ORACLE_TO_LE32(x) __builtin_bswap32((unsigned int)(x))
#define ORACLE_TO_LE64(x) __builtin_bswap64((unsigned long long)(x))
#endif

#define ORACLE_CONST(name, kind) \
    do { \
        if ((name) < 0) \
            printf("C\t%s\t%s\t%lld\n", #name, kind, (long long)(name)); \
        else \
            printf("C\t%s\t%s\t%llu\n", #name, kind, (unsigned long long)(name)); \
    } while (0)

static void oracle_dump(const char *name, int fill, const void *p, size_t n)
{
    const unsigned char *b = p;
    printf("V\t%s\t%d\t", name, fill);
    for (size_t i = 0; i < n; i++)
        printf("%02x", b[i]);
    printf("\n");
}
"""


def _includes(unit: Unit) -> str:
    return ("".join(f"#define {d}\n" for d in unit.defines)
            + "".join(f"#include <{h}>\n" for h in unit.headers) + unit.declarations)


def probe_source(unit: Unit) -> tuple[str, dict[int, str]]:
    """A program that uses each constant that is not a macro, one per line
    and function, so that gcc names each undeclared one; and the line map."""
    head = _includes(unit)
    lines = head.count("\n")
    body = []
    where: dict[int, str] = {}
    for i, name in enumerate(unit.constants):
        body.append(f"#ifndef {name}")
        body.append(f"long long oracle_probe_{i}(void) {{ return (long long)({name}); }}")
        body.append("#endif")
        where[lines + len(body) - 1] = name
    return head + "\n".join(body) + "\n", where


def program_source(unit: Unit, identifiers: set[str]) -> str:
    """The checking program; ``identifiers`` are the non-macro constants
    (enum constants) the probe found declared."""
    out = [_includes(unit), _PRELUDE, "int main(void)\n{"]
    for t in unit.targets:
        out.append(f'    printf("S\\t%s\\t%zu\\t%zu\\n", "{t.name}", '
                   f"sizeof({t.c_type}), _Alignof({t.c_type}));")
        for m in t.members:
            out.append(f'    printf("F\\t%s\\t%s\\t%zu\\t%zu\\n", "{t.name}", "{m.path}", '
                       f"offsetof({t.c_type}, {m.path}), sizeof((({t.c_type} *)0)->{m.path}));")
        for k, fill in enumerate(t.fills):
            out.append(f"    {{\n        {t.c_type} s;\n        memset(&s, 0, sizeof s);")
            out.extend(f"        {stmt}" for stmt in fill.statements)
            out.append(f'        oracle_dump("{t.name}", {k}, &s, sizeof s);\n    }}')
    for name in unit.constants:
        out.append(f"#ifdef {name}")
        out.append(f'    ORACLE_CONST({name}, "macro");')
        if name in identifiers:
            out.append("#else")
            out.append(f'    ORACLE_CONST({name}, "enum");')
        out.append("#endif")
    out.append("    return 0;\n}\n")
    return "\n".join(out)


@dataclass
class Result:
    """What one program printed."""

    sizes: dict[str, tuple[int, int]] = field(default_factory=dict)
    offsets: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)
    images: dict[tuple[str, int], bytes] = field(default_factory=dict)
    constants: dict[str, tuple[str, int]] = field(default_factory=dict)
    source: Path | None = None


def parse_output(text: str, source: Path | None = None) -> Result:
    """Parse the tab-separated lines of a checking program."""
    res = Result(source=source)
    for line in text.splitlines():
        kind, *rest = line.split("\t")
        if kind == "S":
            res.sizes[rest[0]] = (int(rest[1]), int(rest[2]))
        elif kind == "F":
            res.offsets[rest[0], rest[1]] = (int(rest[2]), int(rest[3]))
        elif kind == "V":
            res.images[rest[0], int(rest[1])] = bytes.fromhex(rest[2])
        elif kind == "C":
            res.constants[rest[0]] = (rest[1], int(rest[2]))
        else:
            raise ValueError(f"unexpected line from {source}: {line!r}")
    return res


def _run(cmd: Sequence[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=120,
                          check=False)


def _numbered(source: str) -> str:
    return "\n".join(f"{i:5d}  {line}" for i, line in enumerate(source.splitlines(), 1))


class Oracle:
    """Compiles and runs each unit's programs once, on first use."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self._results: dict[tuple[str, str], Result | Exception] = {}
        self._toolchains: dict[str, str] = {}     # ABI -> why it is unavailable, or ""

    def result(self, units: Sequence[Unit], key: str) -> Result:
        """The :class:`Result` of the unit called ``key`` among ``units`` (all
        of one ABI, compiled together); raises :class:`CompilerUnavailable`
        or the unit's :class:`CompileError`."""
        unit = next(u for u in units if u.key == key)
        if unit.abi not in self._toolchains:
            try:
                self._check_toolchain(unit.abi)
                self._toolchains[unit.abi] = ""
            except CompilerUnavailable as e:
                self._toolchains[unit.abi] = str(e)
        if self._toolchains[unit.abi]:
            raise CompilerUnavailable(self._toolchains[unit.abi])
        if (unit.abi, key) not in self._results:
            todo = [u for u in units if not u.skip and (u.abi, u.key) not in self._results]
            with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1)) as pool:
                for u, res in zip(todo, pool.map(self._unit, todo), strict=True):
                    self._results[u.abi, u.key] = res
        res = self._results[unit.abi, key]
        if isinstance(res, Exception):
            raise res
        return res

    def _dir(self, abi: str) -> Path:
        d = self.workdir / abi
        d.mkdir(parents=True, exist_ok=True)
        return d

    def _check_toolchain(self, abi: str) -> None:
        flags = ABIS[abi]
        cc = shutil.which(CC)
        if cc is None:
            raise CompilerUnavailable(f"{CC} not found on PATH: install gcc")
        arch = ABI.get(abi).arch
        d = self._dir(abi)
        src = d / "toolchain.c"
        src.write_text(
            "#include <stdio.h>\n#include <sys/socket.h>\n"
            "int main(void)\n{\n"
            "#if defined(__x86_64__) && !defined(__ILP32__)\n    puts(\"x86_64\");\n"
            "#elif defined(__i386__)\n    puts(\"i386\");\n"
            "#else\n    puts(\"other\");\n#endif\n    return 0;\n}\n")
        built = _run([cc, *flags, "-o", str(d / "toolchain"), str(src)], d)
        if built.returncode != 0:
            lines = built.stderr.strip().splitlines()
            said = next((ln for ln in lines if "error" in ln), lines[0] if lines else "?")
            hint = ": install gcc-multilib" if "-m32" in flags else ""
            raise CompilerUnavailable(f"{CC} {' '.join(flags)} cannot build{hint} ({said})")
        try:
            ran = _run([str(d / "toolchain")], d)
        except OSError as e:
            raise CompilerUnavailable(f"cannot run what {CC} {' '.join(flags)} "
                                      f"builds: {e}") from None
        got = ran.stdout.strip()
        if ran.returncode != 0 or got != arch:
            raise CompilerUnavailable(f"{CC} {' '.join(flags)} builds for {got or '?'}, "
                                      f"not {arch} (the {abi} oracle needs one that does)")

    def _unit(self, unit: Unit) -> Result | Exception:
        try:
            return self._compile_unit(unit)
        except CompileError as e:
            return e

    def _compile_unit(self, unit: Unit) -> Result:
        cc = shutil.which(CC) or CC
        flags = [cc, *ABIS[unit.abi], *CFLAGS]
        d = self._dir(unit.abi)
        stem = unit.key.removesuffix(".toml").replace("/", "_")

        # 1. which constants that are not macros does the header declare?
        probe, where = probe_source(unit)
        probe_c = d / f"{stem}.probe.c"
        probe_c.write_text(probe)
        ran = _run([*flags, "-fsyntax-only", str(probe_c)], d)
        undeclared: set[str] = set()
        stray: list[str] = []
        for m in re.finditer(r"^([^\n:]*):(\d+):\d+: (?:fatal )?error: .*$", ran.stderr, re.M):
            name = where.get(int(m[2])) if m[1] == str(probe_c) else None
            if name is None:
                stray.append(m[0])
            else:
                undeclared.add(name)
        if stray or (ran.returncode != 0 and not undeclared):
            raise CompileError(f"the headers of {unit.key} do not compile with "
                               f"{' '.join(flags)}:\n{ran.stderr}\n{_numbered(probe)}")
        identifiers = {n for n in where.values() if n not in undeclared}

        # 2. the checking program
        source = program_source(unit, identifiers)
        src = d / f"{stem}.c"
        src.write_text(source)
        exe = d / stem
        built = _run([*flags, "-o", str(exe), str(src)], d)
        if built.returncode != 0:
            raise CompileError(f"{src} (from {unit.key}, {unit.abi}) does not compile: the "
                               f"header disagrees with the schema.\n{built.stderr}")
        ran = _run([str(exe)], d)
        if ran.returncode != 0:
            raise CompileError(f"{exe} failed ({ran.returncode}): {ran.stderr}")
        return parse_output(ran.stdout, src)
