"""Values that are integers only through ``__index__``, shared by the tests.

CPython's ``PyArg_ParseTuple`` number formats "i", "I", "B" (and ``struct``)
take such an object; "k" and "K" do not.  It lives in a module of its own so
that it pickles by reference for the CPython oracle's worker.
"""

from __future__ import annotations


class Index:
    """An ``__index__`` integer that is not an int (pickles by reference)."""

    def __init__(self, value: int) -> None:
        self.value = value

    def __index__(self) -> int:
        return self.value

    def __repr__(self) -> str:
        return f"Index({self.value})"
