"""C code as oracle for the families CPython has no tuple for.

A test module hands :func:`compile_c` a C snippet -- functions copied from the
kernel source, or functions that fill a ``struct sockaddr_*`` through the
installed headers -- and calls the result through :mod:`ctypes`.  The shared
object is built for the machine running the tests, so its bytes are the host
ABI's (``sockaddr.abi.host()``).  Without gcc the calling test skips.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

__all__ = ["builder", "compile_c", "kernel_lacks", "sys_bind", "sys_getsockname"]


def compile_c(workdir: Path, source: str) -> ctypes.CDLL:
    """Build ``source`` as a shared object in ``workdir`` and load it."""
    cc = shutil.which("gcc")
    if cc is None:
        pytest.skip("gcc not found: the C oracle needs a compiler")
    key = hashlib.sha256(source.encode()).hexdigest()[:16]
    lib = workdir / f"oracle-{key}.so"
    if not lib.exists():
        src = workdir / f"oracle-{key}.c"
        src.write_text(source)
        built = subprocess.run([cc, "-shared", "-fPIC", "-O0", "-w", "-o", str(lib), str(src)],
                               capture_output=True, text=True, timeout=120, check=False)
        if built.returncode != 0:
            pytest.fail(f"the C oracle does not compile:\n{built.stderr}", pytrace=False)
    return ctypes.CDLL(str(lib))


def builder(lib: ctypes.CDLL, name: str) -> Callable[..., bytes]:
    """The C function ``size_t name(args..., unsigned char *out)`` as ``f(*args) -> bytes``."""
    fn = getattr(lib, name)
    fn.restype = ctypes.c_size_t

    def call(*args: object) -> bytes:
        out = ctypes.create_string_buffer(256)
        size = fn(*args, out)
        return out.raw[:size]

    return call


def kernel_lacks(family: int, name: str, *types: int) -> str:
    """Why this kernel cannot run the family (``""`` if a socket of one of ``types`` opens)."""
    import socket

    errors = []
    for kind in types:
        try:
            socket.socket(family, kind).close()
        except OSError as e:
            errors.append(e.strerror or str(e))
        else:
            return ""
    return (f"this kernel has no {name} sockets (socket() fails: "
            f"{'; '.join(sorted(set(errors)))})")


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def sys_bind(fd: int, raw: bytes) -> None:
    """bind(2) with exactly these sockaddr bytes (CPython cannot pass raw bytes)."""
    if _libc().bind(fd, raw, len(raw)) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


def sys_getsockname(fd: int, size: int = 128) -> bytes:
    """getsockname(2): the bytes and length the kernel reports."""
    buf = ctypes.create_string_buffer(size)
    length = ctypes.c_uint32(size)
    if _libc().getsockname(fd, buf, ctypes.byref(length)) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))
    return buf.raw[:min(length.value, size)]
