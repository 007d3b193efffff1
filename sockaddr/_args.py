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

__all__ = ["bytes_like", "c_int", "expect_tuple", "unsigned"]

_INT_MIN, _INT_MAX = -(1 << 31), (1 << 31) - 1


def expect_tuple(address: object, caller: str, family: str) -> tuple[Any, ...]:
    """The ``PyTuple_Check`` most families start with."""
    if not isinstance(address, tuple):
        raise TypeError(f"{caller}(): {family} address must be tuple, "
                        f"not {type(address).__name__}")
    return address


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
