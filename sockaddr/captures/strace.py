"""Socket addresses in ``strace`` output (default and ``-X raw`` formatting).

strace prints a ``struct sockaddr`` as braces of C fields (``print_sockaddr()``
in strace's ``sockaddr.c``)::

    1234 bind(3, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("127.0.0.1")}, 16) = 0
    1234 bind(3, {sa_family=0x2, sin_port="\\x00\\x50", sin_addr="\\x7f\\x00\\x00\\x01"}, 16) = 0

Every ``{sa_family=…}`` on a line (``bind``, ``connect``, ``sendto``,
``recvfrom``, ``accept``, ``getsockname``, ``sendmsg``'s ``msg_name``…) is
turned back into the address tuple CPython would give for it.  Supported:
AF_UNIX (paths, ``@"abstract"``, unnamed), AF_INET, AF_INET6, AF_NETLINK,
AF_PACKET, AF_VSOCK, the families whose tuple is their struct's fields
(AF_XDP...), and every family strace prints in its generic form
``{sa_family=AF_X25, sa_data="…"}`` (families it has no printer for, and
addresses shorter than their struct), whose bytes go through
:func:`sockaddr.decode`.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import re
import socket
import sys

from sockaddr import schemas

__all__ = ["StraceRecord", "parse_strace_line"]

_PREFIX = re.compile(r"^\s*(?:\[pid\s+(?P<bpid>\d+)\]\s*|(?P<pid>\d+)\s+)?"
                     r"(?:[\d:.]+\s+)?(?:<\.\.\. (?P<resumed>\w+) resumed>|(?P<call>\w+)\()")
_ESCAPE = {"n": b"\n", "t": b"\t", "r": b"\r", "v": b"\v", "f": b"\f", "\\": b"\\", '"': b'"',
           "'": b"'", "?": b"?", "a": b"\a", "b": b"\b"}


@dataclasses.dataclass(frozen=True)
class StraceRecord:
    """One ``struct sockaddr`` strace printed.

    ``pid`` is ``None`` without ``-f``; ``fields`` are strace's, as text;
    ``address`` is the tuple (or str/bytes) CPython's ``makesockaddr()``
    gives for it.
    """

    pid: int | None
    syscall: str
    family: int
    fields: dict[str, str]
    address: object


def _unquote(text: str) -> bytes:
    """A C string literal as strace prints it (``"\\x7f…"``, octal, ``\\n``).

    A trailing ``...`` (strace's ``-s`` cut) is dropped.
    """
    text = text.removesuffix("...")
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise ValueError(f"not a quoted string: {text[:40]!r}")
    body, out, i = text[1:-1], bytearray(), 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            out += c.encode()
            i += 1
            continue
        nxt = body[i + 1:i + 2]
        if nxt == "x":
            out.append(int(body[i + 2:i + 4], 16))
            i += 4
        elif nxt.isdigit():
            j = i + 1
            while j < len(body) and j < i + 4 and body[j] in "01234567":
                j += 1
            out.append(int(body[i + 1:j], 8))
            i = j
        elif nxt in _ESCAPE:
            out += _ESCAPE[nxt]
            i += 2
        else:
            raise ValueError(f"bad escape {body[i:i + 2]!r}")
    return bytes(out)


def _split(body: str) -> list[str]:
    """Top-level comma-separated items of a brace body (quotes and parentheses nest)."""
    items, depth, quoted, start, i = [], 0, False, 0, 0
    while i < len(body):
        c = body[i]
        if quoted:
            if c == "\\":
                i += 1
            elif c == '"':
                quoted = False
        elif c == '"':
            quoted = True
        elif c in "({[":
            depth += 1
        elif c in ")}]":
            depth -= 1
        elif c == "," and depth == 0:
            items.append(body[start:i].strip())
            start = i + 1
        i += 1
    items.append(body[start:].strip())
    return [item for item in items if item]


def enclosed(line: str, key: str) -> list[tuple[int, str]]:
    """``(column, text inside the bracket)`` of every ``key`` outside string literals.

    ``key`` holds one opening bracket (``{sa_family=``: the text starts with
    ``sa_family=``; ``msg_control=[``: it starts after the ``[``); brackets
    nest and quoted strings are skipped.  One found inside another is part of it.
    """
    opening = next(i for i, c in enumerate(key) if c in "[{(")
    found, quoted, i = [], False, 0
    while i < len(line):
        c = line[i]
        if quoted:
            if c == "\\":
                i += 1
            elif c == '"':
                quoted = False
        elif c == '"':
            quoted = True
        elif line.startswith(key, i):
            depth, inner, j = 0, False, i + opening
            while j < len(line):
                d = line[j]
                if inner:
                    if d == "\\":
                        j += 1
                    elif d == '"':
                        inner = False
                elif d == '"':
                    inner = True
                elif d in "[{(":
                    depth += 1
                elif d in "]})":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            if depth:
                raise ValueError(f"column {i + 1}: unterminated {key}…")
            found.append((i + 1, line[i + opening + 1:j]))
            i = j
        i += 1
    return found


def _structs(line: str) -> list[tuple[int, str]]:
    """``(column, body)`` of every ``{sa_family=…}`` outside string literals."""
    return enclosed(line, "{sa_family=")


def _call_arg(value: str, name: str) -> str | None:
    if value.startswith(name + "(") and value.endswith(")"):
        return value[len(name) + 1:-1]
    return None


def _int(value: str) -> int:
    for wrap in ("htons", "htonl"):
        inner = _call_arg(value, wrap)
        if inner is not None:
            return _int(inner)
    if value.startswith('"'):  # -X raw: the field's bytes, network order
        return int.from_bytes(_unquote(value), "big")
    inner = _call_arg(value, "if_nametoindex")
    if inner is not None:
        return socket.if_nametoindex(_unquote(inner).decode())
    if _SYMBOL.fullmatch(value):        # ETH_P_IP, ARPHRD_ETHER, PACKET_HOST, VMADDR_CID_ANY...
        return schemas.constant(value)
    return int(value, 0)


_SYMBOL = re.compile(r"[A-Z][A-Z0-9_]*")


def _packet(fields: dict[str, str]) -> object:
    """AF_PACKET's ``sockaddr_ll`` as CPython's tuple; strace names the interface
    (``if_nametoindex("lo")``) by default, so no lookup is needed then."""
    index = fields["sll_ifindex"]
    named = _call_arg(index, "if_nametoindex")
    octets = fields.get("sll_addr", "[]").strip("[]")
    addr = bytes(int(o, 0) for o in _split(octets))
    halen = _int(fields.get("sll_halen", str(len(addr))))
    if named is not None:
        name = _unquote(named).decode("utf-8", "surrogateescape")
    else:
        try:
            name = socket.if_indextoname(_int(index))
        except OSError:                 # CPython's makesockaddr(): '' for an unknown index
            name = ""
    return (name, _int(fields["sll_protocol"]), _int(fields.get("sll_pkttype", "0")),
            _int(fields.get("sll_hatype", "0")), addr[:halen])


def _sa_data(family: int, data: bytes) -> object:
    """strace's generic form (a family it does not print, or a short addrlen):
    the bytes after ``sa_family``, decoded as the kernel's bytes would be."""
    from sockaddr.codec import decode  # noqa: PLC0415 - captures stay importable alone

    return decode(family.to_bytes(2, sys.byteorder) + data)


def _family(value: str) -> int:
    if value.startswith("AF_"):
        return schemas.constant(value)
    return int(value, 0)


def _address(family: int, fields: dict[str, str], positional: list[str]) -> object:
    if "sa_data" in fields:
        return _sa_data(family, _unquote(fields["sa_data"]))
    if family == schemas.constant("AF_UNIX"):
        path = fields.get("sun_path")
        if path is None:
            return ""
        if path.startswith("@"):
            return b"\0" + _unquote(path[1:])
        return _unquote(path).decode("utf-8", "surrogateescape")
    if family == schemas.constant("AF_INET"):
        addr = fields["sin_addr"]
        inner = _call_arg(addr, "inet_addr")
        host = _unquote(inner).decode() if inner is not None else str(
            ipaddress.IPv4Address(_unquote(addr)))
        return host, _int(fields["sin_port"])
    if family == schemas.constant("AF_INET6"):
        if "sin6_addr" in fields:
            host = str(ipaddress.IPv6Address(_unquote(fields["sin6_addr"])))
        else:
            pton = next((_call_arg(p, "inet_pton") for p in positional
                         if p.startswith("inet_pton(")), None)
            if pton is None:
                raise ValueError("AF_INET6 without sin6_addr")
            host = str(ipaddress.IPv6Address(_unquote(_split(pton)[1]).decode()))
        return (host, _int(fields["sin6_port"]), _int(fields.get("sin6_flowinfo", "0")),
                _int(fields.get("sin6_scope_id", "0")))
    if family == schemas.constant("AF_NETLINK"):
        # strace prints nl_groups with "%08x" and no 0x (print_sockaddr_data_nl).
        return _int(fields["nl_pid"]), int(fields["nl_groups"], 16)
    if family == schemas.constant("AF_PACKET"):
        return _packet(fields)
    if family == schemas.constant("AF_VSOCK"):
        return _int(fields["svm_cid"]), _int(fields["svm_port"])
    return _field_tuple(family, fields)


def _flags(value: str) -> int:
    """``XDP_USE_NEED_WAKEUP|XDP_COPY`` or a number."""
    total = 0
    for part in value.split("|"):
        total |= _int(part.strip())
    return total


def _field_tuple(family: int, fields: dict[str, str]) -> object:
    """Families whose tuple is their struct's fields (AF_XDP...): strace prints those
    fields by their C names; one it leaves out (``sxdp_shared_umem_fd`` without
    ``XDP_SHARED_UMEM``) is zero."""
    from sockaddr.families import encoder_for  # noqa: PLC0415 - captures stay importable alone
    from sockaddr.families._fields import FieldTuple  # noqa: PLC0415

    codec = encoder_for(family)
    if not isinstance(codec, FieldTuple):
        raise ValueError(f"family {family} is not supported by the strace reader")
    values: list[object] = []
    for path in codec.fields:
        text = fields.get(path.rpartition(".")[2])
        if text is None:
            values.append(0)
        elif text.startswith('"'):
            values.append(_unquote(text))
        elif text.startswith("["):
            values.append(bytes(_int(v) for v in _split(text[1:-1])))
        else:
            values.append(_flags(text))
    return tuple(values)


def parse_strace_line(line: str) -> list[StraceRecord]:
    """Every socket address printed on one strace line (empty when none).

    Raises :class:`ValueError` (naming the column) for a ``{sa_family=…}``
    that cannot be read back.
    """
    structs = _structs(line)
    if not structs:
        return []
    head = _PREFIX.match(line)
    pid_text = head and (head["pid"] or head["bpid"])
    pid = int(pid_text) if pid_text else None
    syscall = (head["call"] or head["resumed"]) if head else "?"
    out = []
    for column, body in structs:
        fields: dict[str, str] = {}
        positional: list[str] = []
        for item in _split(body):
            name, eq, value = item.partition("=")
            if eq and re.fullmatch(r"\w+", name):
                fields[name] = value
            else:
                positional.append(item)
        try:
            family = _family(fields["sa_family"])
            address = _address(family, fields, positional)
        except (ValueError, KeyError, IndexError, OSError) as e:
            detail = f"missing field {e}" if isinstance(e, KeyError) else str(e)
            raise ValueError(f"column {column}: {detail}") from None
        out.append(StraceRecord(pid, syscall, family, fields, address))
    return out
