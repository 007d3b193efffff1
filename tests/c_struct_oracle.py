"""The C compiler as oracle for concrete values: structs a C program fills, byte for byte.

``c_images(cases, headers, abi)`` compiles one program that includes
``headers`` (the real kernel UAPI headers), declares each case's struct,
``memset``s it to zero, runs the case's C statements (``s.field = value;``)
and prints the bytes.  A family test compares them with what ``sockaddr``
encodes for the same address, so expected bytes never come from our own
encoder.  gcc ``-m64`` builds linux-x86_64 and ``-m32`` linux-i386; a missing
compiler is a :class:`~header_oracle.CompilerUnavailable` (tests then skip).
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from header_oracle import ABIS, CompilerUnavailable

__all__ = ["Case", "c_images"]


@dataclass(frozen=True)
class Case:
    """One struct to fill: its C type and the statements that fill ``s``."""

    name: str
    c_type: str
    statements: tuple[str, ...]


_PRELUDE = """
#include <stdio.h>
#include <string.h>
#define BE16(x) ((unsigned short)__builtin_bswap16((unsigned short)(x)))
#define BE32(x) ((unsigned int)__builtin_bswap32((unsigned int)(x)))
static void dump(const char *name, const void *p, size_t n)
{
    const unsigned char *b = p;
    printf("%s ", name);
    for (size_t i = 0; i < n; i++)
        printf("%02x", b[i]);
    printf("\\n");
}
"""


def c_images(cases: tuple[Case, ...], headers: tuple[str, ...], abi: str,
             declarations: str = "") -> dict[str, bytes]:
    """The bytes of each case's struct as gcc lays it out for ``abi``.

    ``BE16``/``BE32`` spell network order (the hosts here are little-endian).
    """
    return dict(_images(cases, headers, abi, declarations))


@functools.cache
def _images(cases: tuple[Case, ...], headers: tuple[str, ...], abi: str,
            declarations: str) -> tuple[tuple[str, bytes], ...]:
    cc = shutil.which("gcc")
    if cc is None:
        raise CompilerUnavailable("gcc not found on PATH: install gcc")
    if abi not in ABIS:
        raise CompilerUnavailable(f"no compiler flags for {abi}")
    body = ["int main(void)\n{"]
    for case in cases:
        body.append(f"    {{\n        {case.c_type} s;\n        memset(&s, 0, sizeof s);")
        body.extend(f"        {stmt}" for stmt in case.statements)
        body.append(f'        dump("{case.name}", &s, sizeof s);\n    }}')
    body.append("    return 0;\n}\n")
    source = ("".join(f"#include <{h}>\n" for h in headers) + declarations + _PRELUDE
              + "\n".join(body))
    with tempfile.TemporaryDirectory() as tmp:
        src, exe = Path(tmp) / "oracle.c", Path(tmp) / "oracle"
        src.write_text(source)
        built = subprocess.run([cc, *ABIS[abi], "-std=gnu11", "-Wall", "-o", str(exe),
                                str(src)], capture_output=True, text=True, check=False)
        if built.returncode != 0:
            if "-m32" in ABIS[abi] and "bits/" in built.stderr:
                raise CompilerUnavailable(f"gcc {' '.join(ABIS[abi])} cannot build: "
                                          "install gcc-multilib")
            raise AssertionError(f"the C oracle does not compile:\n{built.stderr}\n{source}")
        ran = subprocess.run([str(exe)], capture_output=True, text=True, check=True)
    out = []
    for line in ran.stdout.splitlines():
        name, hexed = line.split(" ")
        out.append((name, bytes.fromhex(hexed)))
    return tuple(out)
