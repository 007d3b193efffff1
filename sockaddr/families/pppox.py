"""AF_PPPOX: ``struct sockaddr_pppox`` and the ``sockaddr_pppol2tp*`` structs (<linux/if_pppox.h>).

CPython's ``socket`` module has no tuple for AF_PPPOX.  The socket's protocol
(``socket(AF_PPPOX, SOCK_STREAM, proto)``) picks the form, as ``pppox_create()``
picks the driver; every struct is ``__attribute__((packed))``:

* ``PX_PROTO_OE`` (0, PPPoE, RFC 2516): ``(sid, remote, dev)`` --
  ``sockaddr_pppox`` with its ``pppoe_addr`` arm: the session id (``__be16``;
  0 for discovery), the peer's 6-byte MAC address, the interface name (``str``,
  file-system encoded, or bytes; at most 15 bytes, NUL-padded to IFNAMSIZ).
* ``PX_PROTO_PPTP`` (2): ``(call_id, host)`` -- ``sockaddr_pppox`` with its
  ``pptp_addr`` arm: the call id (host-order ``__u16``) and a numeric IPv4
  host, as AF_INET takes it.
* ``PX_PROTO_OL2TP`` (1, PPP over L2TP): ``(version, pid, fd, (family, address),
  s_tunnel, s_session, d_tunnel, d_session)``.  ``version`` 2 (16-bit ids) or
  3 (32-bit ids) and the transport family (``AF_INET``/``AF_INET6``) pick one
  of ``sockaddr_pppol2tp`` (38 bytes), ``sockaddr_pppol2tpv3`` (46),
  ``sockaddr_pppol2tpin6`` (50), ``sockaddr_pppol2tpv3in6`` (58).  The
  transport address is encoded by the AF_INET/AF_INET6 codec; ``None`` leaves
  it all zero (``pppol2tp_connect()`` ignores it: the tunnel is the socket
  ``fd``).  ``pid`` and ``fd`` are C ints.

``sa_protocol`` is the socket's protocol; every integer must fit its C type
(``OverflowError``), byte strings their array (``ValueError``).

Decoding reads ``sa_protocol`` from the bytes (``proto`` is not needed) and,
for L2TP, the length -- exactly what ``pppol2tp_sockaddr_get_info()`` does.
PPPoE and PPTP need the whole 30-byte ``sockaddr_pppox`` (``pppoe_connect()``,
``pptp_bind()``); L2TP one of the four lengths; an unknown ``sa_protocol``, a
``dev`` without NUL, or a transport whose family does not match its struct
raise :class:`~sockaddr.DecodeError`.  ``decode(encode(a)) == a``;
``encode(decode(b), proto=sa_protocol) == b`` for every ``b`` whose unused
bytes are zero (past ``dev``'s NUL, the union past ``pptp_addr``, the transport's
padding), as the kernel's getsockname() writes them.  ``parse()`` keeps every byte.

>>> import sockaddr
>>> raw = sockaddr.encode(24, (0x1234, bytes.fromhex("020000000001"), "eth0"),
...                       abi="linux-x86_64")
>>> raw.hex()
'180000000000123402000000000165746830000000000000000000000000'
>>> sockaddr.decode(raw, abi="linux-x86_64")
(4660, b'\\x02\\x00\\x00\\x00\\x00\\x01', 'eth0')
"""

from __future__ import annotations

import functools
import os
import socket
from typing import Any

from sockaddr import schemas
from sockaddr._args import c_int, expect_tuple, index
from sockaddr._hosts import resolve_host
from sockaddr.abi import ABI
from sockaddr.errors import DecodeError
from sockaddr.families import Family, register
from sockaddr.families.rxrpc import sa_family, transport_bytes, transport_value
from sockaddr.layout import Bytes
from sockaddr.record import Sockaddr

__all__ = ["Pppox"]

#: The L2TP structs by (version, transport family name).
_L2TP = {
    (2, "AF_INET"): "sockaddr_pppol2tp",
    (3, "AF_INET"): "sockaddr_pppol2tpv3",
    (2, "AF_INET6"): "sockaddr_pppol2tpin6",
    (3, "AF_INET6"): "sockaddr_pppol2tpv3in6",
}
_L2TP_SHAPE = ("AF_PPPOX L2TP address must be a tuple (version, pid, fd, (family, address), "
               "s_tunnel, s_session, d_tunnel, d_session)")
_IDS = ("s_tunnel", "s_session", "d_tunnel", "d_session")


def _proto(name: str) -> int:
    return schemas.constant(name)


class Pppox(Family):
    """AF_PPPOX: PPPoE ``(sid, remote, dev)``, PPTP ``(call_id, host)``, L2TP (see module)."""

    name = "AF_PPPOX"
    struct = "sockaddr_pppox"
    structs = tuple(_L2TP.values())
    min_length = 6       # sa_family and sa_protocol: what tells the struct

    def struct_for(self, proto: int) -> str:
        return _L2TP[2, "AF_INET"] if proto == _proto("PX_PROTO_OL2TP") else self.struct

    def select_for(self, proto: int) -> dict[str, str]:
        if proto == _proto("PX_PROTO_OE"):
            return {"sa_addr": "pppoe"}
        if proto == _proto("PX_PROTO_PPTP"):
            return {"sa_addr": "pptp"}
        return {}

    def _codec(self, abi: ABI, proto: int) -> _Codec:
        # The PPTP address reads as 4 bytes (in_addr), as AF_INET's does.
        return _codec(self.struct, abi, ("sa_addr.sin_addr",),
                      tuple(self.select_for(proto).items()))

    # -- encode ----------------------------------------------------------------------

    def encode(self, address: object, *, family: int, proto: int, abi: ABI, caller: str,
               resolve: bool) -> bytes:
        if proto == _proto("PX_PROTO_OE"):
            return self._pppoe(address, family=family, proto=proto, abi=abi, caller=caller)
        if proto == _proto("PX_PROTO_PPTP"):
            return self._pptp(address, family=family, proto=proto, abi=abi, caller=caller,
                              resolve=resolve)
        if proto == _proto("PX_PROTO_OL2TP"):
            return self._l2tp(address, family=family, proto=proto, abi=abi, caller=caller,
                              resolve=resolve)
        raise OSError(f"{caller}(): unknown AF_PPPOX protocol")

    def _pppoe(self, address: object, *, family: int, proto: int, abi: ABI, caller: str) -> bytes:
        items = expect_tuple(address, caller, "AF_PPPOX")
        if len(items) != 3:
            raise TypeError("AF_PPPOX PPPoE address must be a tuple (sid, remote, dev)")
        sid = index(items[0])
        if not 0 <= sid <= 0xFFFF:
            raise OverflowError(f"{caller}(): sid must be 0-65535.")
        codec = self._codec(abi, proto)
        remote = _bytes(items[1], "remote")
        if len(remote) != codec.size("sa_addr.remote"):
            raise ValueError(f"{caller}(): remote must be {codec.size('sa_addr.remote')} "
                             f"bytes (a MAC address), got {len(remote)}")
        dev = _name(items[2])
        size = codec.size("sa_addr.dev")
        if len(dev) >= size:
            raise ValueError(f"{caller}(): AF_PPPOX interface name too long "
                             f"({len(dev)} bytes, at most {size - 1})")
        return codec.pack({"sa_family": family, "sa_protocol": proto, "sa_addr.sid": sid,
                           "sa_addr.remote": remote, "sa_addr.dev": dev.ljust(size, b"\0")})

    def _pptp(self, address: object, *, family: int, proto: int, abi: ABI, caller: str,
              resolve: bool) -> bytes:
        items = expect_tuple(address, caller, "AF_PPPOX")
        if len(items) != 2:
            raise TypeError("AF_PPPOX PPTP address must be a pair (call_id, host)")
        call_id = index(items[0])
        if not 0 <= call_id <= 0xFFFF:
            raise OverflowError(f"{caller}(): call_id must be 0-65535.")
        addr = resolve_host(items[1], socket.AF_INET, resolve=resolve)
        return self._codec(abi, proto).pack({"sa_family": family, "sa_protocol": proto,
                                             "sa_addr.call_id": call_id,
                                             "sa_addr.sin_addr": addr})

    def _l2tp(self, address: object, *, family: int, proto: int, abi: ABI, caller: str,
              resolve: bool) -> bytes:
        items = expect_tuple(address, caller, "AF_PPPOX")
        if len(items) != 8:
            raise TypeError(_L2TP_SHAPE)
        version = index(items[0])
        if version not in (2, 3):
            raise ValueError(f"{caller}(): L2TP version must be 2 or 3, not {version}")
        pid, fd = (c_int(v, overflow=f"{caller}(): {n} must be -2147483648-2147483647.")
                   for n, v in zip(("pid", "fd"), items[1:3], strict=True))
        transport = items[3]
        if isinstance(transport, tuple) and len(transport) == 2 and transport[1] is None:
            tfamily = index(transport[0])
            struct = _l2tp_struct(version, tfamily, caller)
            inner = None
        else:
            tfamily, inner = transport_bytes(transport, abi=abi, caller=caller,
                                             resolve=resolve)
            struct = _l2tp_struct(version, tfamily, caller)
        bits = 16 if version == 2 else 32
        ids = []
        for name, value in zip(_IDS, items[4:], strict=True):
            number = index(value)
            if not 0 <= number < 1 << bits:
                raise OverflowError(f"{caller}(): {name} must be 0-{(1 << bits) - 1}.")
            ids.append(number)
        codec = _codec(struct, abi, ("pppol2tp.addr",))
        size = codec.size("pppol2tp.addr")
        return codec.pack({"sa_family": family, "sa_protocol": proto, "pppol2tp.pid": pid,
                           "pppol2tp.fd": fd, "pppol2tp.addr": inner or bytes(size),
                           **{f"pppol2tp.{n}": v for n, v in zip(_IDS, ids, strict=True)}})

    # -- decode ----------------------------------------------------------------------

    def _variant(self, data: bytes, abi: ABI) -> tuple[str, int]:
        """The struct ``data`` holds and its ``sa_protocol``, as the kernel tells them."""
        self.check_length(data, abi)
        layout = schemas.layout(self.struct, abi)
        at = layout.offsetof("sa_protocol")
        protocol = int(schemas.fast(self.struct, abi).unpack(data.ljust(layout.size, b"\0"))[1])
        if protocol in (_proto("PX_PROTO_OE"), _proto("PX_PROTO_PPTP")):
            self.check_length(data, abi, need=layout.size)
            return self.struct, protocol
        if protocol == _proto("PX_PROTO_OL2TP"):
            by_size = {schemas.layout(s, abi).size: s for s in _L2TP.values()}
            if len(data) not in by_size:
                sizes = ", ".join(str(n) for n in sorted(by_size))
                raise DecodeError(f"{len(data)} bytes is not the size of an L2TP address "
                                  f"({sizes}) (at offset {len(data)})", offset=len(data),
                                  struct=_L2TP[2, "AF_INET"], data=data)
            return by_size[len(data)], protocol
        raise DecodeError(f"sa_protocol {protocol} is not PX_PROTO_OE, PX_PROTO_OL2TP or "
                          f"PX_PROTO_PPTP (at offset {at})", offset=at, struct=self.struct,
                          data=data)

    def decode(self, data: bytes, *, proto: int, abi: ABI, interfaces: Any) -> object:
        struct, protocol = self._variant(data, abi)
        if protocol == _proto("PX_PROTO_OE"):
            values = self._codec(abi, protocol).unpack(data)
            dev = values["sa_addr.dev"]
            if b"\0" not in dev:
                at = schemas.layout(struct, abi).offsetof("sa_addr.pppoe.dev")
                raise DecodeError(f"dev is not NUL-terminated (at offset {at})", offset=at,
                                  struct=struct, data=data)
            return (values["sa_addr.sid"], values["sa_addr.remote"],
                    os.fsdecode(dev[:dev.index(b"\0")]))
        if protocol == _proto("PX_PROTO_PPTP"):
            values = self._codec(abi, protocol).unpack(data)
            return (values["sa_addr.call_id"],
                    socket.inet_ntop(socket.AF_INET, values["sa_addr.sin_addr"]))
        return self._decode_l2tp(data, struct, abi)

    def _decode_l2tp(self, data: bytes, struct: str, abi: ABI) -> object:
        values = _codec(struct, abi, ("pppol2tp.addr",)).unpack(data)
        version = next(v for (v, _), s in _L2TP.items() if s == struct)
        tname = next(f for (_, f), s in _L2TP.items() if s == struct)
        tfamily = schemas.constant(tname)
        inner: bytes = values["pppol2tp.addr"]
        at = schemas.layout(struct, abi).offsetof("pppol2tp.addr")
        transport: tuple[int, object]
        if not any(inner):
            transport = (tfamily, None)
        elif sa_family(inner, abi) != tfamily:
            raise DecodeError(f"transport family {sa_family(inner, abi)} is not {tname} "
                              f"(at offset {at})", offset=at, struct=struct, data=data)
        else:
            transport = transport_value(inner, abi=abi, offset=at, struct=struct, whole=data)
        return (version, values["pppol2tp.pid"], values["pppol2tp.fd"], transport,
                *(values[f"pppol2tp.{n}"] for n in _IDS))

    def parse(self, data: bytes, *, proto: int, abi: ABI) -> Sockaddr:
        struct, protocol = self._variant(data, abi)
        layout = schemas.layout(struct, abi)
        if struct == self.struct:
            layout = layout.select(**self.select_for(protocol))
        return Sockaddr.from_bytes(struct, data, abi=abi, proto=protocol, layout=layout)


def _l2tp_struct(version: int, family: int, caller: str) -> str:
    for (v, name), struct in _L2TP.items():
        if v == version and family == schemas.constant(name):
            return struct
    raise ValueError(f"{caller}(): transport family must be AF_INET or AF_INET6, not {family}")


@functools.cache
def _codec(struct: str, abi: ABI, raw: tuple[str, ...],
           select: tuple[tuple[str, str], ...] = ()) -> _Codec:
    return _Codec(struct, abi, raw=raw, select=dict(select))


class _Codec:
    """A fast codec of ``struct`` (union arms ``select``, members ``raw`` as bytes)
    that packs by leaf name, every leaf not given zero."""

    def __init__(self, struct: str, abi: ABI, *, raw: tuple[str, ...] = (),
                 select: dict[str, str] | None = None) -> None:
        self.fast = schemas.fast(struct, abi, raw=raw, select=select)
        self.kinds = {path: ctype for path, _, ctype in self.fast.layout.leaves(raw)}

    def size(self, name: str) -> int:
        return self.kinds[name].size

    def pack(self, values: dict[str, object]) -> bytes:
        out = [values[n] if n in values
               else bytes(self.kinds[n].size) if isinstance(self.kinds[n], Bytes) else 0
               for n in self.fast.names]
        return self.fast.pack(*out)

    def unpack(self, data: bytes) -> dict[str, Any]:
        return dict(zip(self.fast.names, self.fast.unpack(data), strict=True))


def _bytes(value: object, name: str) -> bytes:
    if isinstance(value, str):
        raise TypeError(f"{name} must be a bytes-like object, not str")
    try:
        with memoryview(value) as view:  # type: ignore[arg-type]
            return view.tobytes()
    except TypeError:
        raise TypeError(f"{name} must be a bytes-like object, "
                        f"not {type(value).__name__}") from None


def _name(value: object) -> bytes:
    if isinstance(value, str | bytes) or hasattr(value, "__fspath__"):
        raw = os.fsencode(value)
    else:
        raise TypeError(f"dev must be str or bytes, not {type(value).__name__}")
    if b"\0" in raw:
        raise ValueError("embedded null byte")
    return raw


register(Pppox())
