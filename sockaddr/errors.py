"""The exceptions of :mod:`sockaddr`.

Decoding raises :class:`DecodeError` (a :class:`ValueError`) for bytes that
are not a valid address: it says what is wrong and at which byte offset.
Encoding raises exactly the exception type CPython's ``socket`` module raises
for the same address (``TypeError``, ``OverflowError``, ``OSError``…), so code
written against ``socket`` keeps working.
"""

from __future__ import annotations

import socket

__all__ = ["DecodeError", "SockaddrError", "UnresolvedHostError"]


class SockaddrError(Exception):
    """Root of the exceptions this package defines."""


class DecodeError(SockaddrError, ValueError):
    """Bytes that do not decode: what is wrong, in which struct, at which offset.

    >>> import sockaddr
    >>> try:
    ...     sockaddr.decode(bytes([2, 0, 0, 80]))
    ... except sockaddr.DecodeError as e:
    ...     print(e.offset, e)
    4 sockaddr_in: 4 bytes, needs 16 (truncated at offset 4)
    """

    def __init__(self, message: str, *, offset: int, struct: str = "",
                 data: bytes = b"") -> None:
        self.offset = offset
        self.struct = struct
        self.data = data
        prefix = f"{struct}: " if struct else ""
        super().__init__(f"{prefix}{message}")

    def __reduce__(self) -> str | tuple[object, ...]:
        # Keyword-only arguments: rebuild through a helper so it pickles.  A
        # subclass with its own __init__ pickles the usual way.
        if type(self).__init__ is not DecodeError.__init__:
            return super().__reduce__()
        return (_rebuild, (type(self), self.args[0], self.offset, self.data, self.struct))

    @classmethod
    def short(cls, struct: str, data: bytes, need: int) -> DecodeError:
        """The error for ``data`` shorter than the ``need`` bytes of ``struct``."""
        return cls(f"{len(data)} bytes, needs {need} (truncated at offset {len(data)})",
                   offset=len(data), struct=struct, data=data)


class UnresolvedHostError(SockaddrError, socket.gaierror):
    """A host name given where the codec resolves nothing (``resolve=False``).

    It is a :class:`socket.gaierror`, as CPython raises for a name it cannot
    resolve, so ``except socket.gaierror`` still catches it.
    """

    def __init__(self, host: str | bytes) -> None:
        self.host = host
        super().__init__(socket.EAI_NONAME,
                         f"{host!r} is a host name, not a numeric address; "
                         "pass resolve=True to look it up")


def _rebuild(cls: type[DecodeError], message: str, offset: int, data: bytes,
             struct: str = "") -> DecodeError:
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.offset, error.struct, error.data = offset, struct, data
    return error
