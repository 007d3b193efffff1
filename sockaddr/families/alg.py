"""AF_ALG: ``struct sockaddr_alg`` (``<linux/if_alg.h>``; crypto/af_alg.c).

Tuple ``(type, name[, feat[, mask]])``, parsed by CPython's
``getsockaddrarg()`` with ``"ss|HH"``: ``type`` and ``name`` are ``str``
(UTF-8, no NUL), shorter than their arrays (``salg_type[14]``,
``salg_name[64]``: "AF_ALG type too long." / "AF_ALG name too long."), and
``feat``/``mask`` go into the ``__u32`` fields as ``unsigned short``.  Where
CPython takes them modulo 2**16 we raise :class:`OverflowError`: they must be
0..65535.  Encoding always builds the 88-byte ``sockaddr_alg``, as CPython.

Decoding gives ``(type, name, feat, mask)`` as ``makesockaddr()`` does: each
string up to its first NUL or the end of its array (a 14-byte type needs no
NUL), strictly UTF-8, and ``feat``/``mask`` as the full ``__u32`` (so 0x10001
decodes as 65537 though encoding keeps 16 bits).  Undecodable bytes raise
:class:`AlgNameError`, which is both a :class:`~sockaddr.DecodeError` and
the :class:`UnicodeDecodeError` CPython raises, with CPython's message.

Lengths follow ``alg_bind()`` (Linux 4.12+), which reads the address as
``struct sockaddr_alg_new``: a 24-byte head and a flexible ``salg_name[]``
running to the end of the address.  Decoding needs ``sizeof(struct
sockaddr_alg_new) + 1`` (25) bytes, the kernel's minimum; shorter data raises
DecodeError (CPython would read its zeroed buffer).  Data up to 88 bytes reads
as ``sockaddr_alg`` zero-filled, which is what CPython reads.  Longer data
(a long algorithm name; the kernel takes up to 128 bytes, sockaddr_storage)
has its name read up to the first NUL or the end of the data, where CPython
would cut it at 64 bytes; ``parse()`` then gives a ``sockaddr_alg_new``
record whose ``tail`` is the whole name.  To send such a name, build that
record (``encode()`` of a record gives its bytes):

>>> import socket, sockaddr
>>> sockaddr.decode(sockaddr.encode(socket.AF_ALG, ("skcipher", "cbc(aes)")))
('skcipher', 'cbc(aes)', 0, 0)
>>> head = sockaddr.Sockaddr.build("sockaddr_alg_new", salg_type=b"hash".ljust(14, b"\\0"))
>>> data = sockaddr.encode(socket.AF_ALG, head.replace(tail=b"x" * 70 + b"\\0"))
>>> len(data), sockaddr.decode(data)[1] == "x" * 70, sockaddr.parse(data).struct
(95, True, 'sockaddr_alg_new')
"""

from __future__ import annotations

from typing import Any

from sockaddr import schemas
from sockaddr._args import expect_tuple, index, unsigned
from sockaddr.abi import ABI
from sockaddr.errors import DecodeError
from sockaddr.families import Family, register
from sockaddr.record import Sockaddr

__all__ = ["Alg", "AlgNameError"]

_SHAPE = "AF_ALG address must be a tuple (type, name[, feat[, mask]])"
_LONG = "sockaddr_alg_new"


class AlgNameError(DecodeError, UnicodeDecodeError):
    """``salg_type``/``salg_name`` bytes that are not UTF-8.

    A :class:`UnicodeDecodeError` (what CPython raises, same message) and a
    :class:`~sockaddr.DecodeError` whose ``offset`` is the bad byte's offset
    in the sockaddr.  Takes :class:`UnicodeDecodeError`'s arguments.
    """

    def __init__(self, encoding: str, obj: bytes, start: int, end: int, reason: str, *,
                 offset: int = 0, struct: str = "", data: bytes = b"") -> None:
        UnicodeDecodeError.__init__(self, encoding, obj, start, end, reason)
        self.offset = offset
        self.struct = struct
        self.data = data

    __str__ = UnicodeDecodeError.__str__


def _c_string(value: object) -> bytes:
    """Code ``s`` in ``getargs.c`` order: UTF-8 conversion, then the NUL check.

    ``sockaddr._args.c_string`` checks NUL first, so ``'\\ud800\\0'`` would
    raise ValueError where CPython raises UnicodeEncodeError.
    """
    if not isinstance(value, str):
        raise TypeError(_SHAPE)
    raw = value.encode("utf-8")
    if b"\0" in raw:
        raise ValueError("embedded null character")
    return raw


class Alg(Family):
    """AF_ALG: ``(salg_type, salg_name, salg_feat, salg_mask)``."""

    name = "AF_ALG"
    struct = "sockaddr_alg"
    structs = (_LONG,)

    @staticmethod
    def min_size(abi: ABI) -> int:
        """The shortest address ``alg_bind()`` takes: the head and one name byte."""
        return schemas.layout(_LONG, abi).size + 1

    def encode(self, address: object, *, family: int, proto: int, abi: ABI, caller: str,
               resolve: bool) -> bytes:
        items = expect_tuple(address, caller, self.name)
        if not 2 <= len(items) <= 4:
            raise TypeError(_SHAPE)
        kind = _c_string(items[0])
        name = _c_string(items[1])
        feat, mask = (index(v) for v in (*items[2:], 0, 0)[:2])
        fast = self.fast(abi)
        # The arrays keep a byte for the NUL, as CPython's strlen() >= sizeof checks.
        if len(kind) >= fast.layout.field("salg_type").type.size:
            raise ValueError("AF_ALG type too long.")
        if len(name) >= fast.layout.field("salg_name").type.size:
            raise ValueError("AF_ALG name too long.")
        feat = unsigned(feat, 16, f"{caller}(): feat must be 0-65535.")
        mask = unsigned(mask, 16, f"{caller}(): mask must be 0-65535.")
        return fast.pack(family, kind, feat, mask, name)

    def decode(self, data: bytes, *, proto: int, abi: ABI, interfaces: Any) -> object:
        self.check_length(data, abi, need=self.min_size(abi))
        fast = self.fast(abi)
        _, kind, feat, mask, name = fast.unpack(self.padded(data, abi))
        name_at = fast.layout.offsetof("salg_name")
        if len(data) > fast.size:
            name = data[name_at:]          # sockaddr_alg_new: salg_name[] runs to the end
        return (self._text(kind, fast.layout.offsetof("salg_type"), data),
                self._text(name, name_at, data), feat, mask)

    def _text(self, field: bytes, at: int, data: bytes) -> str:
        # Py_BuildValue("s#") over strnlen(field, sizeof field): strict UTF-8.
        raw = field.partition(b"\0")[0]
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as e:
            raise AlgNameError(e.encoding, e.object, e.start, e.end, e.reason,
                               offset=at + e.start, struct=self.struct, data=data) from None

    def parse(self, data: bytes, *, proto: int, abi: ABI) -> Sockaddr:
        self.check_length(data, abi, need=self.min_size(abi))
        struct = self.struct if len(data) <= self.fast(abi).size else _LONG
        return Sockaddr.from_bytes(struct, data, abi=abi, proto=proto)


register(Alg())
