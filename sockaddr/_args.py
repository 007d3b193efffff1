"""CPython's argument conversions (``PyArg_ParseTuple`` codes), in Python.

The families follow ``getsockaddrarg()`` in ``Modules/socketmodule.c``, which
parses each tuple with format codes such as ``"O&i|II"``.  These helpers
reproduce what those codes accept and the exceptions they raise, so an
address CPython rejects is rejected here with the same type and message.
One deliberate difference: codes that wrap silently (``I``, ``H``, ``B``…,
values taken modulo 2**n) are replaced by a range check that raises
:class:`OverflowError` (see the compatibility table in the README).
"""

from __future__ import annotations

import operator
from typing import Any

__all__ = ["bytes_like", "c_int", "c_string", "expect_tuple", "fs_converter", "u32_pair",
           "unsigned"]

_INT_MIN, _INT_MAX = -(1 << 31), (1 << 31) - 1


def expect_tuple(address: object, caller: str, family: str) -> tuple[Any, ...]:
    """The ``PyTuple_Check`` most families start with."""
    if not isinstance(address, tuple):
        raise TypeError(f"{caller}(): {family} address must be tuple, not {tp_name(address)}")
    return address


def tp_name(value: object) -> str:
    """The type name C code prints (``tp_name``): ``collections.deque``, ``list``, ``Foo``.

    Static C types carry their module in ``tp_name`` unless they are builtins;
    classes defined in Python carry only their name.
    """
    kind = type(value)
    heap = bool(kind.__flags__ & (1 << 9))          # Py_TPFLAGS_HEAPTYPE
    if heap or kind.__module__ == "builtins":
        return kind.__name__
    return f"{kind.__module__}.{kind.__name__}"


def index(value: object) -> int:
    """``__index__`` conversion: float, str and others raise TypeError."""
    return operator.index(value)  # type: ignore[arg-type]


def c_int(value: object, overflow: str | None = None) -> int:
    """Code ``i``: a C ``int``.  ``overflow`` replaces CPython's range message."""
    number = index(value)
    if not _INT_MIN <= number <= _INT_MAX:
        if overflow is not None:
            raise OverflowError(overflow)
        if number.bit_length() > 63:
            raise OverflowError("Python int too large to convert to C long")
        raise OverflowError("signed integer is greater than maximum" if number > 0
                            else "signed integer is less than minimum")
    return number


def unsigned(value: object, bits: int, message: str) -> int:
    """Codes ``I``/``H``/``B``/``k``/``K`` with a range check instead of the wrap."""
    number = index(value)
    if not 0 <= number < 1 << bits:
        raise OverflowError(message)
    return number


def bytes_like(value: object) -> bytes:
    """Code ``y*``: any C-contiguous buffer (bytes, bytearray, memoryview…)."""
    try:
        view = memoryview(value)  # type: ignore[arg-type]
    except TypeError:
        raise TypeError(f"a bytes-like object is required, not "
                        f"'{type(value).__name__}'") from None
    with view:
        if not view.c_contiguous:
            raise BufferError("memoryview: underlying buffer is not C-contiguous")
        return view.tobytes()


def c_string(value: object, wrong_kind: str) -> str:
    """Code ``s``: a ``str`` (UTF-8) without NUL.

    ``wrong_kind`` is the message of the format's ``;message`` suffix, which
    CPython raises for a value of the wrong kind (bytes included).
    """
    if not isinstance(value, str):
        raise TypeError(wrong_kind)
    value.encode("utf-8")        # first, as in C: a lone surrogate raises UnicodeEncodeError
    if "\0" in value:
        raise ValueError("embedded null character")
    return value


def fs_converter(value: object) -> bytes:
    """``PyUnicode_FSConverter``: str (fs encoding), bytes or os.PathLike; no NUL."""
    import os  # noqa: PLC0415 - only the families that take file-system names need it

    if isinstance(value, str | bytes) or hasattr(value, "__fspath__"):
        raw = os.fsencode(value)
    else:
        raise TypeError(f"expected str, bytes or os.PathLike object, not {type(value).__name__}")
    if b"\0" in raw:
        raise ValueError("embedded null byte")
    return raw


def u32_pair(address: object, caller: str, family: str, names: tuple[str, str]) -> tuple[int, int]:
    """CPython's ``"II:getsockaddrarg"`` pairs (AF_QIPCRTR, AF_VSOCK), range-checked.

    Their messages name ``getsockaddrarg``, never the caller; the range check
    replaces the ``I`` code's wrap.
    """
    if not isinstance(address, tuple):
        raise TypeError(f"getsockaddrarg: {family} address must be tuple, "
                        f"not {tp_name(address)}")
    if len(address) != 2:
        raise TypeError(f"getsockaddrarg() takes exactly 2 arguments ({len(address)} given)")
    first, second = (index(v) for v in address)
    return (unsigned(first, 32, f"{caller}(): {names[0]} must be 0-4294967295."),
            unsigned(second, 32, f"{caller}(): {names[1]} must be 0-4294967295."))
