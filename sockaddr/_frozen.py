"""Immutable value classes for what ``import sockaddr`` loads, without :mod:`dataclasses`.

``import dataclasses`` imports :mod:`inspect`, and with it ast, dis,
tokenize, re and copy: 20-25 ms here, a third of what ``import sockaddr``
may take (issue 8's budget is 60 ms).  The few value types built at import
or on the codec paths (:class:`~sockaddr.abi.ABI`, the C layout types,
:class:`~sockaddr.schemas.Schema`) derive from :class:`Frozen` instead and
behave as ``@dataclass(frozen=True)`` would: the annotated names are the
fields, compared, hashed and shown in the order they are annotated, and
pickled by name; assigning one raises :class:`AttributeError`.  Names that
start with ``_`` are derived caches, left out of all four.
"""

from __future__ import annotations

from typing import Any, ClassVar

__all__ = ["Frozen"]


class Frozen:
    """Base of immutable value classes.

    A subclass stores its fields in ``__slots__``, annotates them in order,
    and has an ``__init__`` taking each field by its name that sets them with
    :meth:`_init`, so ``type(x)(**fields)`` rebuilds ``x`` (pickling and
    :mod:`copy` rely on it).
    """

    __slots__ = ()
    #: The public annotated names of the class and its bases, in order.
    _fields: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # A class's own annotations (3.10+), strings here: nothing is evaluated.
        own = tuple(n for n in cls.__annotations__ if not n.startswith("_"))
        # The slots store, the annotations order: a slot left unannotated would be
        # silently left out of equality and pickling.
        slots = {n for n in cls.__dict__.get("__slots__", ()) if not n.startswith("_")}
        if slots != set(own):
            raise TypeError(f"{cls.__name__}: public __slots__ {sorted(slots)} are not "
                            f"its annotated fields {sorted(own)}")
        cls._fields = cls._fields + own

    def _init(self, **values: Any) -> None:
        for name, value in values.items():
            object.__setattr__(self, name, value)

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._fields)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"cannot assign to field {name!r} of frozen {type(self).__name__}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r} of frozen {type(self).__name__}")

    def __eq__(self, other: object) -> bool:
        if other is self:       # the common case (ABIs are shared), without the tuples
            return True
        if not isinstance(other, Frozen) or type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__name__}({shown})"

    def __reduce__(self) -> tuple[Any, ...]:
        return _rebuild, (type(self), dict(zip(self._fields, self._values(), strict=True)))


def _rebuild(cls: type[Frozen], fields: dict[str, Any]) -> Frozen:
    """Unpickle a :class:`Frozen` value (``__reduce__``)."""
    return cls(**fields)
