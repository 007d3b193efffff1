"""Control messages in ``strace`` output: ``sendmsg``/``recvmsg``'s ``msg_control=[…]``.

strace prints each ``cmsghdr`` with its payload already interpreted
(``print_cmsg_*()`` in strace's ``msghdr.c``)::

    msg_control=[{cmsg_len=20, cmsg_level=SOL_IP, cmsg_type=IP_TTL, cmsg_data=[64]},
                 {cmsg_len=28, cmsg_level=SOL_IP, cmsg_type=IP_PKTINFO,
                  cmsg_data={ipi_ifindex=if_nametoindex("lo"), ipi_spec_dst=inet_addr(…), …}}]

The payload is rebuilt from that text -- integer arrays (``[64]``, SCM_RIGHTS'
``[7, 8]``), structs by their C member names (``{tv_sec=…, tv_nsec=…}``,
``{pid=…, uid=…, gid=…}``), quoted bytes -- and decoded as
:func:`sockaddr.cmsg.decode` decodes ``recvmsg()``'s items.  For types strace
has no printer for it prints no ``cmsg_data`` at all: those come back with
``message=None``.  Payloads are rebuilt for the machine strace ran on
(``abi``, default this one).
"""

from __future__ import annotations

import dataclasses
import socket

from sockaddr import cmsg, schemas
from sockaddr.abi import ABI
from sockaddr.captures.strace import _PREFIX, _int, _split, _unquote, enclosed
from sockaddr.cmsg import ControlMessage
from sockaddr.cmsg._base import forms
from sockaddr.layout import Bytes, Struct, write

__all__ = ["StraceControl", "parse_strace_cmsgs"]


@dataclasses.dataclass(frozen=True)
class StraceControl:
    """One control message strace printed.

    ``data`` is strace's text of the payload (``None`` when it printed none);
    ``message`` the typed message rebuilt from it, or ``None`` when strace
    printed no payload.
    """

    pid: int | None
    syscall: str
    level: int
    type: int
    length: int
    data: str | None
    message: ControlMessage | None


def _fields(body: str) -> dict[str, str]:
    out = {}
    for item in _split(body):
        name, eq, value = item.partition("=")
        if not eq:
            raise ValueError(f"{item!r} is not name=value")
        out[name.strip()] = value.strip()
    return out


def _field_bytes(value: str, size: int) -> bytes | None:
    """A member strace printed as bytes: ``inet_addr("…")``, ``inet_pton(…)``, ``"\\x.."``."""
    inner = value[len("inet_addr("):-1] if value.startswith("inet_addr(") else None
    if inner is not None:
        return socket.inet_aton(_unquote(inner).decode())
    if value.startswith('"'):
        raw = _unquote(value)
        if len(raw) != size:
            raise ValueError(f"{value} is {len(raw)} bytes, the member {size}")
        return raw
    return None


def _struct_payload(cls: type[ControlMessage], body: str, size: int, abi: ABI) -> bytes:
    name = getattr(cls, "payload", None)
    layout = schemas.layout(name, abi) if isinstance(name, str) else None
    if not isinstance(layout, Struct) or layout.size != size:
        raise ValueError(f"{cls.__name__}: no struct of {size} bytes to rebuild")
    buf = bytearray(size)
    leaves = list(layout.leaves())
    for member, value in _fields(body).items():
        matched = [leaf for leaf in leaves
                   if leaf[0] == member or leaf[0].startswith(member + ".")]
        if not matched:
            raise ValueError(f"{cls.__name__} has no member {member}")
        start = matched[0][1]
        end = max(off + ctype.size for _, off, ctype in matched)
        raw = _field_bytes(value, end - start)
        if raw is not None:
            buf[start:end] = raw
            continue
        if len(matched) != 1 or isinstance(matched[0][2], Bytes):
            raise ValueError(f"{cls.__name__}.{member}: cannot read {value!r}")
        path, offset, ctype = matched[0]
        write(ctype, _int(value), buf, offset, path)
    return bytes(buf)


def _payload(level: int, type_: int, data: str, size: int, abi: ABI) -> bytes:
    if data.startswith('"'):
        return _unquote(data)
    if data.startswith("["):
        numbers = [_int(v) for v in _split(data[1:-1])]
        if not numbers or size % len(numbers):
            raise ValueError(f"{len(numbers)} numbers in a payload of {size} bytes")
        width = size // len(numbers)
        return b"".join(n.to_bytes(width, abi.byteorder, signed=n < 0) for n in numbers)
    if data.startswith("{"):
        candidates = [c for c in forms(level, type_, abi) if c.payload_size(abi) == size]
        if not candidates:
            raise ValueError(f"no control message ({level}, {type_}) of {size} bytes")
        return _struct_payload(candidates[0], data[1:-1], size, abi)
    raise ValueError(f"cannot read cmsg_data={data[:40]}")


def parse_strace_cmsgs(line: str, *, abi: ABI | str | None = None) -> list[StraceControl]:
    """Every control message of a ``msg_control=[…]`` on one strace line.

    Raises :class:`ValueError` (naming the column) for a message whose
    printed payload cannot be rebuilt, or :class:`~sockaddr.DecodeError` for
    one that does not decode.
    """
    bodies = enclosed(line, "msg_control=[")
    if not bodies:
        return []
    resolved = ABI.get(abi)
    head = _PREFIX.match(line)
    pid_text = head and (head["pid"] or head["bpid"])
    pid = int(pid_text) if pid_text else None
    syscall = (head["call"] or head["resumed"]) if head else "?"
    header = cmsg.header(resolved)[0]
    out = []
    for column, body in bodies:
        for item in _split(body):
            if not item.startswith("{"):
                continue            # "..." (strace's -s cut) or an unreadable buffer
            try:
                fields = _fields(item[1:-1])
                level = _int(fields["cmsg_level"])
                type_ = _int(fields["cmsg_type"])
                length = _int(fields["cmsg_len"])
                data = fields.get("cmsg_data")
                message = None
                if data is not None:
                    payload = _payload(level, type_, data, length - header, resolved)
                    message = cmsg.decode(level, type_, payload, abi=resolved)
            except (KeyError, LookupError, ValueError, OverflowError, OSError) as e:
                if isinstance(e, ValueError) and hasattr(e, "offset"):
                    raise                       # DecodeError: the rebuilt bytes are wrong
                detail = f"missing {e}" if isinstance(e, KeyError) else str(e)
                raise ValueError(f"column {column}: {detail}") from None
            out.append(StraceControl(pid, syscall, level, type_, length, data, message))
    return out
