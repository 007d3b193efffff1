"""Application binary interfaces: byte order, type widths and OS of the bytes.

A sockaddr captured on an s390x audit log, or a control buffer read out of a
32-bit process with ptrace, is laid out by *that* machine's C compiler.  An
:class:`ABI` names the facts a layout depends on; every ``encode``, ``decode``
and ``parse`` takes ``abi=`` (an :class:`ABI` or its name) and defaults to the
machine running Python.

>>> from sockaddr import ABI
>>> ABI.get("linux-s390x").byteorder
'big'
"""

from __future__ import annotations

import struct
import sys
from typing import Literal

from sockaddr._frozen import Frozen

__all__ = ["ABI", "Primitive"]


class Primitive(Frozen):
    """One scalar C type as an ABI lays it out."""

    __slots__ = ("align", "order", "signed", "size")
    size: int
    align: int
    signed: bool
    #: ``"<"`` or ``">"``, the :mod:`struct` byte-order prefix.
    order: str

    def __init__(self, size: int, align: int, signed: bool, order: str) -> None:
        self._init(size=size, align=align, signed=signed, order=order)


# Plain ``char`` is unsigned in these psABIs (AAPCS, the POWER, s390x and RISC-V ELF ABIs).
_UNSIGNED_CHAR = frozenset({"aarch64", "armhf", "armel", "ppc", "ppc64", "ppc64le", "s390x",
                            "riscv64"})

# Fixed-width kernel types.  ``beNN``/``leNN`` are the kernel's ``__beNN`` /
# ``__leNN``: their byte order does not depend on the machine.
_FIXED = {
    "u8": (1, False), "u16": (2, False), "u32": (4, False), "u64": (8, False),
    "s8": (1, True), "s16": (2, True), "s32": (4, True), "s64": (8, True),
}


class ABI(Frozen):
    """The layout rules of one OS and architecture (the C psABI).

    ``long_size`` is ``sizeof(long)`` (and of ``size_t``); ``int64_align`` is
    the alignment of a 64-bit integer inside a struct, which is 4 on i386 and 8
    almost everywhere else.  ``sa_len`` marks the BSD layout whose sockaddrs
    start with a length byte and a one-byte ``sa_family`` (room for a later
    macOS/FreeBSD model; no Linux ABI sets it).
    """

    __slots__ = ("arch", "byteorder", "int64_align", "long_size", "name", "os", "overrides",
                 "sa_len", "time64")
    name: str
    os: str
    arch: str
    byteorder: Literal["little", "big"]
    long_size: int
    int64_align: int
    time64: bool
    sa_len: bool
    #: Extra names of C types this ABI defines differently.
    overrides: tuple[tuple[str, str], ...]

    def __init__(self, name: str, os: str, arch: str, byteorder: Literal["little", "big"],
                 *, long_size: int = 8, int64_align: int = 8, time64: bool = True,
                 sa_len: bool = False, overrides: tuple[tuple[str, str], ...] = ()) -> None:
        self._init(name=name, os=os, arch=arch, byteorder=byteorder, long_size=long_size,
                   int64_align=int64_align, time64=time64, sa_len=sa_len, overrides=overrides)

    @property
    def order(self) -> str:
        """The :mod:`struct` prefix of host-order fields: ``"<"`` or ``">"``."""
        return "<" if self.byteorder == "little" else ">"

    def __hash__(self) -> int:
        # Every codec cache is keyed by ABI: hash the name, not all nine fields each call
        # (equal ABIs have equal names, so this agrees with Frozen's __eq__).
        return hash(self.name)

    @property
    def is_host(self) -> bool:
        """True when this ABI describes the running interpreter."""
        return self == host()

    def aliases(self) -> dict[str, str]:
        """C type names (``int``, ``long``, ``sa_family_t``…) as fixed-width types."""
        word = "64" if self.long_size == 8 else "32"
        table = {
            "char": "u8" if self.arch in _UNSIGNED_CHAR else "s8", "schar": "s8", "uchar": "u8",
            "short": "s16", "ushort": "u16",
            "int": "s32", "uint": "u32",
            "long": f"s{word}", "ulong": f"u{word}",
            "size_t": f"u{word}", "ssize_t": f"s{word}",
            "pointer": f"u{word}",
            "long_long": "s64", "ulong_long": "u64",
            "time_t": "s64" if self.time64 else f"s{word}",
            "sa_family_t": "u8" if self.sa_len else "u16",
            "socklen_t": "u32",
            "pid_t": "s32", "uid_t": "u32", "gid_t": "u32",
        }
        table.update(dict(self.overrides))
        return table

    def primitive(self, ctype: str) -> Primitive:
        """Size, alignment, signedness and byte order of a scalar C type.

        >>> ABI.get("linux-i386").primitive("u64").align
        4
        """
        ctype = self.aliases().get(ctype, ctype)
        order = self.order
        if ctype[:2] in ("be", "le"):
            order = ">" if ctype[:2] == "be" else "<"
            ctype = "u" + ctype[2:]
        try:
            size, signed = _FIXED[ctype]
        except KeyError:
            raise KeyError(f"unknown C type {ctype!r}") from None
        align = min(size, self.int64_align) if size == 8 else size
        return Primitive(size, align, signed, order if size > 1 else "<")

    @classmethod
    def get(cls, abi: ABI | str | None = None) -> ABI:
        """The ABI named ``abi`` (``None`` means the host).

        >>> ABI.get("linux-x86_64").long_size
        8
        """
        if abi is None:
            return host()
        if isinstance(abi, ABI):
            return abi
        found = KNOWN.get(abi) or OTHER.get(abi)
        if found is None:
            names = ", ".join(sorted((*KNOWN, *OTHER)))
            raise ValueError(f"unknown ABI {abi!r}; known: {names}")
        return found


def _linux(arch: str, byteorder: Literal["little", "big"], *, bits: int = 64,
           int64_align: int = 8, time64: bool | None = None) -> ABI:
    return ABI(
        name=f"linux-{arch}", os="linux", arch=arch, byteorder=byteorder,
        long_size=bits // 8, int64_align=int64_align,
        time64=bits == 64 if time64 is None else time64,
    )


#: Every ABI known by name.
KNOWN: dict[str, ABI] = {abi.name: abi for abi in (
    _linux("x86_64", "little"),
    _linux("aarch64", "little"),
    _linux("riscv64", "little"),
    _linux("ppc64le", "little"),
    _linux("ppc64", "big"),
    _linux("s390x", "big"),
    _linux("sparc64", "big"),
    _linux("mips64", "big"),
    _linux("i386", "little", bits=32, int64_align=4),
    _linux("x32", "little", bits=32, time64=True),
    _linux("armhf", "little", bits=32),
    _linux("armel", "little", bits=32),
    _linux("mips", "big", bits=32),
    _linux("ppc", "big", bits=32),
)}

#: ABIs of other operating systems.  Few families exist there (AF_HYPERV on
#: Windows); the Linux families are not checked against these.  Windows is
#: LLP64 (long is 32 bits) and little-endian on every architecture it runs on.
OTHER: dict[str, ABI] = {abi.name: abi for abi in (
    ABI("windows-x86_64", os="windows", arch="x86_64", byteorder="little", long_size=4),
    ABI("windows-aarch64", os="windows", arch="aarch64", byteorder="little", long_size=4),
)}

_MACHINES = {
    "amd64": "x86_64", "arm64": "aarch64", "i686": "i386", "i586": "i386",
    "armv7l": "armhf", "armv8l": "armhf",
}
_host: ABI | None = None


def host() -> ABI:
    """The ABI of the running interpreter."""
    global _host  # noqa: PLW0603 - computed once, on first use
    if _host is None:
        _host = _detect()
    return _host


def _detect() -> ABI:
    import platform  # noqa: PLC0415 - 2-3 ms of `import sockaddr`; needed once, on first use

    machine = platform.machine().lower()
    machine = _MACHINES.get(machine, machine)
    bits = struct.calcsize("P") * 8
    if bits == 32 and machine == "x86_64":
        machine = "x32"
    elif bits == 32 and machine == "aarch64":
        machine = "armhf"
    if machine in ("ppc64", "ppc64le"):
        machine = "ppc64le" if sys.byteorder == "little" else "ppc64"
    system = platform.system().lower()
    known = KNOWN.get(f"{system}-{machine}") or OTHER.get(f"{system}-{machine}")
    if known is not None:
        return known
    # An ABI not in the table: derive what the interpreter itself knows.
    align = struct.calcsize("bq") - 8
    return ABI(
        name=f"{platform.system().lower()}-{machine}", os=platform.system().lower(),
        arch=machine, byteorder="little" if sys.byteorder == "little" else "big",
        long_size=struct.calcsize("l"), int64_align=align,
    )
