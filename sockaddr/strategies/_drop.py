"""Mapping a strategy through a function that may refuse a draw.

Hypothesis has ``.map`` and ``.filter`` but nothing for "map, and drop the
draws the function refuses": each strategy module wrote its own sentinel.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

__all__ = ["DROP", "mapped"]

#: What a function given to :func:`mapped` returns for a draw to drop.
DROP: Any = object()


def mapped(strategy: st.SearchStrategy[Any], fn: Callable[[Any], Any],
           errors: tuple[type[Exception], ...] = ()) -> st.SearchStrategy[Any]:
    """``strategy.map(fn)`` without the draws ``fn`` refuses: by raising one of
    ``errors`` or by returning :data:`DROP`."""
    def apply(value: Any) -> Any:
        try:
            return fn(value)
        except errors:
            return DROP

    return strategy.map(apply).filter(lambda v: v is not DROP)
