"""Text and integer fields of the families CPython has no tuple for.

Several structs hold text in fixed ``char`` arrays: NUL-terminated
(``struct x25_address``, CAIF service and volume names, the E.164 number of
``struct sockaddr_atmsvc``) or blank-padded (the z/VM names of
``struct sockaddr_iucv``).  Their natural Python form is a ``str``; these
helpers convert both ways with Latin-1, one character per byte, so that every
byte string decodes and encodes back unchanged.
"""

from __future__ import annotations

from sockaddr._args import bytes_like, index
from sockaddr.errors import DecodeError
from sockaddr.layout import Scalar

__all__ = ["decode_cstring", "decode_padded", "encode_cstring", "encode_padded", "fit"]


def _raw_text(value: object, what: str, caller: str) -> bytes:
    if isinstance(value, str):
        try:
            return value.encode("latin-1")
        except UnicodeEncodeError:
            raise ValueError(f"{caller}(): {what} must be Latin-1 text (one byte a "
                             f"character), got {value!r}") from None
    try:
        return bytes_like(value)
    except TypeError:
        raise TypeError(f"{caller}(): {what} must be str or a bytes-like object, not "
                        f"{type(value).__name__}") from None


def encode_cstring(value: object, size: int, what: str, caller: str) -> bytes:
    """``value`` as a ``char[size]`` holding a NUL-terminated string (at most ``size - 1``)."""
    raw = _raw_text(value, what, caller)
    if b"\0" in raw:
        raise ValueError(f"{caller}(): {what} must not contain NUL")
    if len(raw) >= size:
        raise ValueError(f"{caller}(): {what} must be at most {size - 1} bytes, got {len(raw)}")
    return raw.ljust(size, b"\0")


def decode_cstring(field: bytes, *, what: str, offset: int, struct: str, data: bytes) -> str:
    """The string in a ``char`` array up to its NUL; :class:`DecodeError` if there is none.

    Bytes after the NUL are ignored, as C reads them.  ``offset`` is where the
    field starts in ``data``.
    """
    end = field.find(b"\0")
    if end < 0:
        raise DecodeError(f"{what} has no terminating NUL in its {len(field)} bytes",
                          offset=offset + len(field), struct=struct, data=data)
    return field[:end].decode("latin-1")


def encode_padded(value: object, size: int, what: str, caller: str) -> bytes:
    """``value`` blank-padded to ``size`` bytes (an EBCDIC-world name)."""
    raw = _raw_text(value, what, caller)
    if len(raw) > size:
        raise ValueError(f"{caller}(): {what} must be at most {size} bytes, got {len(raw)}")
    return raw.ljust(size, b" ")


def decode_padded(field: bytes) -> str:
    """A blank-padded name without its trailing blanks (every byte kept otherwise)."""
    return field.decode("latin-1").rstrip(" ")


def fit(value: object, kind: Scalar, what: str, caller: str) -> int:
    """An integer that fits the C type ``kind``: :class:`OverflowError` otherwise, never a wrap."""
    number = index(value)
    bits = 8 * kind.size
    lo = -(1 << (bits - 1)) if kind.signed else 0
    hi = (1 << (bits - 1 if kind.signed else bits)) - 1
    if not lo <= number <= hi:
        raise OverflowError(f"{caller}(): {what} must be {lo}-{hi}.")
    return number
