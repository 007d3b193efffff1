"""Host strings to address bytes, as CPython's ``setipaddr()`` does, without DNS.

CPython hands every host it cannot parse strictly to ``getaddrinfo()``, so it
accepts glibc's numeric forms (``'127.1'``, ``'0x7f.1'``, octal ``'010.1.1.1'``,
a v4-mapped IPv6 literal on an AF_INET socket) and, beyond those, host names.
This module accepts the same numeric forms deterministically; a host name is
an :class:`~sockaddr.errors.UnresolvedHostError` unless the caller asked for
``resolve=True``, which then does what CPython does (first getaddrinfo
result).  Sources: CPython ``Modules/socketmodule.c`` ``idna_converter()`` and
``setipaddr()``; glibc ``resolv/inet_addr.c`` (``__inet_aton_exact``) and
``sysdeps/posix/getaddrinfo.c`` (numeric hosts, ``%scope`` suffixes).
"""

from __future__ import annotations

import socket

from sockaddr.errors import UnresolvedHostError

__all__ = ["host_bytes", "inet_aton_exact", "resolve_host"]

_V4MAPPED = bytes(10) + b"\xff\xff"
_BROADCAST = b"\xff\xff\xff\xff"


def host_bytes(host: object) -> bytes:
    """CPython's ``idna_converter()``: the host as the bytes C will see.

    Exact ``str`` that is ASCII passes as is; any other ``str`` (subclasses
    too) goes through the ``idna`` codec.
    """
    if isinstance(host, bytes | bytearray):
        raw = bytes(host)
    elif isinstance(host, str):
        if type(host) is str and host.isascii():
            raw = host.encode("ascii")
        else:
            try:
                raw = host.encode("idna")
            except UnicodeError:
                raise TypeError("encoding of hostname failed") from None
    else:
        raise TypeError(f"str, bytes or bytearray expected, not {type(host).__name__}")
    if b"\0" in raw:
        raise TypeError("host name must not contain null character")
    return raw


def inet_aton_exact(text: str) -> bytes | None:
    """glibc's ``__inet_aton_exact``: ``a``, ``a.b``, ``a.b.c``, ``a.b.c.d``.

    Each part is C-style decimal, ``0x`` hex or ``0`` octal; the last part
    fills the remaining bytes.  Returns ``None`` when ``text`` is not one.
    """
    parts = text.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    values = []
    for part in parts:
        value = _c_number(part)
        if value is None:
            return None
        values.append(value)
    *head, last = values
    if any(v > 0xFF for v in head) or last >= 1 << (8 * (4 - len(head))):
        return None
    number = last
    for i, v in enumerate(head):
        number |= v << (8 * (3 - i))
    return number.to_bytes(4, "big")


def _c_number(part: str) -> int | None:
    if not part or not part.isascii():
        return None
    if part[:2] in ("0x", "0X"):
        digits, base = part[2:], 16
        if not digits:
            return None
    elif part[0] == "0":
        digits, base = part, 8
    else:
        digits, base = part, 10
    allowed = "0123456789abcdefABCDEF"[:22 if base == 16 else base]
    if not all(c in allowed for c in digits):
        return None
    value = int(digits, base)
    return value if value <= 0xFFFFFFFF else None


def _inet6(text: str) -> bytes | None:
    try:
        return socket.inet_pton(socket.AF_INET6, text)
    except (OSError, ValueError):
        return None


def _numeric_scope(scope: str) -> bool:
    """A ``%scope`` glibc takes as a number (``strtoul`` to the end, at most 2**32-1)."""
    return scope.isascii() and scope.isdigit() and int(scope) <= 0xFFFFFFFF


def _addrfamily() -> socket.gaierror:
    return socket.gaierror(socket.EAI_ADDRFAMILY, "Address family for hostname not supported")


def resolve_host(host: object, family: int, *, resolve: bool = False) -> bytes:
    """The 4 (AF_INET) or 16 (AF_INET6) address bytes CPython would use.

    Raises what CPython raises: :class:`TypeError` for a bad host object,
    :class:`OSError` for ``'<broadcast>'`` on AF_INET6,
    :class:`socket.gaierror` for numbers of the other family; a host name
    raises :class:`UnresolvedHostError` unless ``resolve`` is true.
    """
    raw = host_bytes(host)
    size = 4 if family == socket.AF_INET else 16
    if not raw:
        return bytes(size)               # getaddrinfo(NULL, AI_PASSIVE): the wildcard
    if raw in (b"<broadcast>", b"255.255.255.255"):
        if family != socket.AF_INET:
            raise OSError("address family mismatched")
        return _BROADCAST
    text = raw.decode("ascii", "replace")
    try:
        # The common case first, as CPython's setipaddr() does: strict inet_pton()
        # text (no leading zeros, no %scope) means the same to getaddrinfo().
        return socket.inet_pton(family, text)
    except (OSError, ValueError):
        pass
    v4 = inet_aton_exact(text)
    addr, _, scope = text.partition("%")
    v6 = _inet6(addr) if "%" not in addr else None
    if family == socket.AF_INET:
        if v4 is not None:
            return v4
        if v6 is not None:
            if v6.startswith(_V4MAPPED) and (text == addr or _numeric_scope(scope)):
                return v6[12:]
            if v6.startswith(_V4MAPPED) and not resolve:
                raise UnresolvedHostError(host if isinstance(host, str) else raw)
            if not v6.startswith(_V4MAPPED):
                raise _addrfamily()
    else:
        if v4 is not None:
            raise _addrfamily()
        if v6 is not None and (text == addr or _numeric_scope(scope)):
            # CPython overwrites the scope id with the tuple's; a %scope is dropped.
            return v6
    if not resolve:
        raise UnresolvedHostError(host if isinstance(host, str) else raw)
    info = socket.getaddrinfo(raw, None, family)
    return socket.inet_pton(family, str(info[0][4][0]).partition("%")[0])
