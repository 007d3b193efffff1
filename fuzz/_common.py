"""What the harnesses share: the input reader, the ABI table, the checks, and atheris start-up.

Harnesses read their input with :class:`Input` rather than atheris'
``FuzzedDataProvider`` so that ``TestOneInput`` runs without atheris (the tests
replay the seed corpora with plain Python).  The format is simple on purpose:
a few header bytes (ABI, protocol, flags...) chosen by the harness, then the
payload; bytes past the end read as zero.  Each harness has a ``seed()``
function that writes its format, which ``capture_corpus.py`` uses.
"""

from __future__ import annotations

import gc
import importlib
import pickle
import sys
import time
import types
from collections.abc import Callable, Sequence
from typing import TypeVar

import sockaddr
from sockaddr.abi import KNOWN, OTHER, host

__all__ = [
    "ABIS", "ENCODE_ERRORS", "BrokenProperty", "Input", "abi_byte", "check", "check_offset",
    "fuzz", "instrument", "load_all",
]

T = TypeVar("T")

#: Every ABI a harness picks from (a header byte modulo the count): Linux ones by
#: name, then other operating systems (Windows: AF_HYPERV).
ABIS: tuple[str, ...] = (*sorted(KNOWN), *sorted(OTHER))

#: What ``sockaddr.encode`` raises for a value it refuses, as CPython's
#: ``getsockaddrarg()`` does (``errors.py``).  ``UnresolvedHostError`` is a
#: ``socket.gaierror``, an ``OSError``.
ENCODE_ERRORS: tuple[type[Exception], ...] = (TypeError, ValueError, OverflowError, OSError)


class BrokenProperty(Exception):
    """A harness's property failed: a crash, like an unexpected exception."""


def check(condition: object, message: str) -> None:
    """Raise :class:`BrokenProperty` with ``message`` unless ``condition`` holds.

    Not ``assert``: the checks must survive ``python -O``.
    """
    if not condition:
        raise BrokenProperty(message)


def check_offset(error: sockaddr.DecodeError, data: bytes) -> None:
    """A DecodeError's offset points into (or just past) the bytes it was given,
    and the error pickles whole (type, message, offset, struct, data), as
    ``errors.py`` means it to (to cross process pools)."""
    check(0 <= error.offset <= len(data),
          f"DecodeError offset {error.offset} outside 0..{len(data)}: {error}")
    copy = pickle.loads(pickle.dumps(error))
    check((type(copy), str(copy), copy.offset, copy.struct, copy.data)
          == (type(error), str(error), error.offset, error.struct, error.data),
          f"{error!r} (offset {error.offset}, struct {error.struct!r}) unpickles as {copy!r} "
          f"(offset {copy.offset}, struct {copy.struct!r})")


def abi_byte(name: str | None = None) -> int:
    """The header byte that selects ABI ``name`` (default: this machine's)."""
    return ABIS.index(name or host().name)


class Input:
    """A fuzzer input read front to back; missing bytes read as zero."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def byte(self) -> int:
        """The next byte (0 past the end)."""
        value = self.data[self.pos] if self.pos < len(self.data) else 0
        self.pos += 1
        return value

    def uint(self, size: int) -> int:
        """The next ``size`` bytes as a big-endian unsigned integer."""
        chunk = self.data[self.pos:self.pos + size]
        self.pos += size
        return int.from_bytes(chunk.ljust(size, b"\0"), "big")

    def pick(self, items: Sequence[T], width: int = 1) -> T:
        """One of ``items``, chosen by the next ``width`` bytes."""
        return items[self.uint(width) % len(items)]

    def abi(self) -> str:
        """An ABI name, chosen by the next byte."""
        return self.pick(ABIS)

    def rest(self) -> bytes:
        """Every byte not read yet."""
        out = self.data[self.pos:]
        self.pos = len(self.data)
        return out

    def text(self) -> str:
        """The rest as text, undecodable bytes kept as surrogates, as Python reads
        ``sys.argv`` and as the CLI opens capture files."""
        return self.rest().decode("utf-8", "surrogateescape")


def load_all() -> None:
    """Import every module of sockaddr now: families and cmsg levels load lazily,
    and code that is not loaded when instrumentation runs is not instrumented."""
    from sockaddr import families  # noqa: PLC0415
    from sockaddr.cmsg import _base  # noqa: PLC0415

    families._load()
    _base._load()
    for name in ("sockaddr.cli", "sockaddr.captures", "sockaddr.socket", "sockaddr.record",
                 "sockaddr.layout", "sockaddr.schemas", "sockaddr._hosts", "sockaddr._args"):
        importlib.import_module(name)


def instrument(prefixes: tuple[str, ...] = ("sockaddr",)) -> int:
    """Add atheris' coverage and comparison tracing to every loaded function of ``prefixes``.

    ``atheris.instrument_all()`` would also patch the standard library: 20 s
    here, which a 10-second run cannot afford; this takes well under a second.
    Returns the number of functions patched.
    """
    import atheris  # type: ignore[import-untyped,import-not-found,unused-ignore]  # noqa: PLC0415

    patched: dict[types.CodeType, types.CodeType] = {}
    count = 0
    for obj in gc.get_objects():
        if not isinstance(obj, types.FunctionType):
            continue
        module = getattr(obj, "__module__", None)
        if not isinstance(module, str) or module.partition(".")[0] not in prefixes:
            continue
        code = obj.__code__
        if code not in patched:
            patched[code] = atheris.patch_code(code, True, True)
        obj.__code__ = patched[code]
        count += 1
    return count


def fuzz(test_one_input: Callable[[bytes], None]) -> None:
    """Run ``test_one_input`` under atheris with this process's arguments (libFuzzer's)."""
    try:
        import atheris  # type: ignore[import-untyped,import-not-found,unused-ignore]  # noqa: PLC0415
    except ImportError:
        sys.exit("fuzz: atheris is not installed (pip install 'sockaddr-codec[fuzz]')")
    start = time.monotonic()
    load_all()
    count = instrument()
    print(f"INFO: fuzz: instrumented {count} sockaddr functions in "
          f"{time.monotonic() - start:.2f} s", file=sys.stderr, flush=True)
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
