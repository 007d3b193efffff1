"""Address values per family: hand-written where CPython defines the tuple, derived elsewhere.

For the families CPython's ``socket`` module knows, the strategies draw every
form ``getsockaddrarg()`` takes (optional tuple items, ``str``/``bytes``/
``bytearray``/path-like where CPython's converters take them, abstract
AF_UNIX names, ``%scope`` hosts...) and only values both CPython and this
package accept: where CPython wraps an integer modulo 2**n, we raise, so the
strategies stay in range.  For the other families the value is derived from
the schema: each field of the struct drawn from its C type's range, the bytes
decoded by the family's codec, and kept if the codec encodes it back.
"""

from __future__ import annotations

import functools
import os
import pathlib
import socket
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from sockaddr import schemas
from sockaddr.abi import ABI
from sockaddr.codec import decode, encode
from sockaddr.errors import DecodeError
from sockaddr.families import Family, encoder_for
from sockaddr.layout import Bytes, Scalar
from sockaddr.strategies._drop import mapped

__all__ = ["address_strategy", "protocols"]

Strategy = st.SearchStrategy[Any]
c = schemas.constant


# -- shared pieces ------------------------------------------------------------------

def uint(bits: int) -> Strategy:
    """0..2**bits-1 with the ends and powers of two drawn often."""
    top = (1 << bits) - 1
    return st.one_of(st.sampled_from(sorted({0, 1, top, top - 1, 1 << (bits - 1)})),
                     st.integers(0, top))


def sint(bits: int) -> Strategy:
    lo, hi = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    return st.one_of(st.sampled_from([lo, -1, 0, 1, hi]), st.integers(lo, hi))


def _ints(bits: int) -> Strategy:
    # CPython's integer codes take any int subclass: bool is one.
    return st.one_of(uint(bits), st.booleans()) if bits else st.just(0)


@functools.cache
def host_interfaces() -> tuple[str, ...]:
    """This host's interface names: the only ones CPython's SIOCGIFINDEX lookups accept."""
    try:
        return tuple(name for _, name in socket.if_nameindex())
    except OSError:                     # no interfaces visible (a sandbox): loopback only
        return ("lo",)


def _ifname(*, empty: bool, path_like: bool) -> Strategy:
    names = st.sampled_from(host_interfaces())
    forms: list[Strategy] = [names, names.map(os.fsencode)]
    if path_like:
        forms.append(names.map(pathlib.PurePosixPath))
    if empty:
        forms += [st.just(""), st.just(b"")]
    return st.one_of(forms)


def _tuple_prefix(required: list[Strategy], optional: list[Strategy]) -> Strategy:
    """Tuples of the required items and any number of the optional ones, in order."""
    return st.integers(0, len(optional)).flatmap(
        lambda n: st.tuples(*required, *optional[:n]))


def _text_bytes(max_bytes: int, *, encoding: str = "utf-8", min_size: int = 0) -> Strategy:
    """``str`` without NUL whose ``encoding`` fits in ``max_bytes``."""
    alphabet = st.characters(codec=encoding, exclude_characters="\0")
    return st.text(alphabet, min_size=min_size, max_size=max_bytes).filter(
        lambda s: len(s.encode(encoding)) <= max_bytes)


# -- CPython's families --------------------------------------------------------------

def _unix(abi: ABI) -> Strategy:
    room = schemas.layout("sockaddr_un", abi).size - 2
    path_text = _text_bytes(room - 1, encoding="utf-8", min_size=1)
    path = st.binary(min_size=1, max_size=room - 1).filter(lambda b: b[0] != 0 and b"\0" not in b)
    abstract = st.binary(max_size=room - 1).map(lambda b: b"\0" + b)
    return st.one_of(
        path_text,                                          # str: os.fsencode'd
        path, path.map(bytearray),                          # any bytes-like object
        abstract, abstract.map(bytearray),                  # Linux abstract names
        abstract.map(lambda b: b.decode("latin-1")).filter(
            lambda s: len(os.fsencode(s)) <= room),         # "\0name" as str
        st.sampled_from(["", b""]),                         # autobind
    )


_V4_FORMS = ["", "<broadcast>", "0.0.0.0", "255.255.255.255", "127.1", "0x7f.0.0.1",
             "010.1.1.1", "2130706433", "10.1.256", "::ffff:127.0.0.1"]


def _host_forms(text: Strategy) -> Strategy:
    # idna_converter(): str, bytes or bytearray.
    return st.one_of(text, text.map(str.encode), text.map(lambda s: bytearray(s.encode())))


def _inet(abi: ABI) -> Strategy:
    text = st.one_of(st.ip_addresses(v=4).map(str), st.sampled_from(_V4_FORMS))
    return st.tuples(_host_forms(text), _ints(16))


def _v6_text() -> Strategy:
    plain = st.ip_addresses(v=6)
    # Numeric scopes only: glibc takes an interface name only on link-local
    # addresses, and this package does not look names up (README, "Where we differ").
    scoped = st.tuples(plain.map(str), st.integers(0, 2**32 - 1)).map(
        lambda p: f"{p[0]}%{p[1]}")
    return st.one_of(
        plain.map(str),
        plain.map(lambda a: a.exploded), plain.map(lambda a: a.exploded.upper()),
        st.ip_addresses(v=4).map(lambda a: f"::ffff:{a}"),       # v4-mapped
        st.sampled_from(["", "::", "::1", "fe80::1%2", "FF02::1"]),
        scoped,                                                  # CPython drops the scope
    )


def _inet6(abi: ABI) -> Strategy:
    return _tuple_prefix([_host_forms(_v6_text()), _ints(16)], [uint(20), uint(32)])


def _netlink(abi: ABI) -> Strategy:
    return st.tuples(_ints(32), _ints(32))


def _packet(abi: ABI) -> Strategy:
    hwaddr = st.binary(max_size=8)
    return _tuple_prefix(
        [st.sampled_from(host_interfaces()), _ints(16)],
        [_ints(8), _ints(16), st.one_of(hwaddr, hwaddr.map(bytearray))])


def _u32_pair(abi: ABI) -> Strategy:
    return st.tuples(_ints(32), _ints(32))


def _can(abi: ABI, proto: int) -> Strategy:
    name = _ifname(empty=True, path_like=True)
    if proto in (c("CAN_RAW"), c("CAN_BCM")):
        return st.tuples(name)
    if proto == c("CAN_ISOTP"):
        return st.tuples(name, _ints(32), _ints(32))
    if proto == c("CAN_J1939"):
        return st.tuples(name, _ints(64), _ints(32), _ints(8))
    raise InvalidArgument(f"AF_CAN has no addresses for protocol {proto}: CPython encodes "
                          "CAN_RAW, CAN_BCM, CAN_ISOTP and CAN_J1939 only")


def _tipc(abi: ABI) -> Strategy:
    scope = st.one_of(st.sampled_from([c("TIPC_ZONE_SCOPE"), c("TIPC_CLUSTER_SCOPE"),
                                       c("TIPC_NODE_SCOPE")]),
                      st.integers(-128, 127), st.integers(2**32 - 128, 2**32 - 1))
    kind = st.sampled_from([c("TIPC_ADDR_NAMESEQ"), c("TIPC_ADDR_NAME"), c("TIPC_ADDR_ID")])
    return _tuple_prefix([kind, _ints(32), _ints(32), _ints(32)], [scope])


def _alg(abi: ABI) -> Strategy:
    layout = schemas.layout("sockaddr_alg", abi)
    kind = st.one_of(st.sampled_from(["hash", "skcipher", "aead", "rng", "akcipher"]),
                     _text_bytes(layout.field("salg_type").type.size - 1))
    name = st.one_of(st.sampled_from(["sha256", "cbc(aes)", "gcm(aes)", "hmac(sha1)"]),
                     _text_bytes(layout.field("salg_name").type.size - 1))
    return _tuple_prefix([kind, name], [_ints(16), _ints(16)])


def _bdaddr() -> Strategy:
    octets = st.lists(st.integers(0, 255), min_size=6, max_size=6)
    return st.one_of(
        octets.map(lambda o: ":".join(f"{b:02X}" for b in o)),
        octets.map(lambda o: ":".join(f"{b:02x}" for b in o)),
        octets.map(lambda o: ":".join(f"{b:X}" for b in o)),        # single digits
        st.just("00:00:00:00:00:00"),
    )


def _bluetooth(abi: ABI, proto: int) -> Strategy:
    if proto == c("BTPROTO_L2CAP"):
        return _tuple_prefix([_bdaddr(), _ints(16)], [_ints(16), _ints(8)])
    if proto == c("BTPROTO_RFCOMM"):
        return st.tuples(_bdaddr(), _ints(8))
    if proto == c("BTPROTO_HCI"):
        return st.one_of(_ints(16), _tuple_prefix([_ints(16)], [_ints(16)]))
    if proto == c("BTPROTO_SCO"):
        return st.one_of(_bdaddr(), _bdaddr().map(str.encode))
    raise InvalidArgument(f"AF_BLUETOOTH has no protocol {proto}")


def _guid(upper: bool) -> Strategy:
    return st.uuids().map(lambda u: str(u).upper() if upper else str(u))


def _hyperv(abi: ABI, proto: int) -> Strategy:
    if proto != c("HV_PROTOCOL_RAW"):
        raise InvalidArgument(f"AF_HYPERV has addresses for HV_PROTOCOL_RAW only, not {proto}")
    guid = st.one_of(_guid(False), _guid(True))
    return st.tuples(guid, guid)


def _pppox(abi: ABI, proto: int) -> Strategy:
    if proto == c("PX_PROTO_OE"):
        dev = _ifname(empty=True, path_like=False)
        return st.tuples(_ints(16), st.binary(min_size=6, max_size=6), dev)
    if proto == c("PX_PROTO_PPTP"):
        return st.tuples(_ints(16), st.ip_addresses(v=4).map(str))
    if proto == c("PX_PROTO_OL2TP"):
        transport = st.one_of(
            st.tuples(st.sampled_from([socket.AF_INET, socket.AF_INET6]), st.none()),
            st.tuples(st.just(socket.AF_INET), _inet(abi)),
            st.tuples(st.just(socket.AF_INET6), _inet6(abi)))
        return st.sampled_from([2, 3]).flatmap(lambda v: st.tuples(
            st.just(v), sint(32), sint(32), transport,
            *(uint(16 if v == 2 else 32) for _ in range(4))))
    raise InvalidArgument(f"AF_PPPOX has no addresses for protocol {proto}")


def _rxrpc(abi: ABI) -> Strategy:
    transport = st.one_of(st.tuples(st.just(socket.AF_INET), _inet(abi)),
                          st.tuples(st.just(socket.AF_INET6), _inet6(abi)))
    return st.tuples(_ints(16), st.just(socket.SOCK_DGRAM), transport)


def _rose(abi: ABI) -> Strategy:
    digits = st.text("0123456789ABCDEF", min_size=10, max_size=10)
    call = st.sampled_from(["N0CALL", "N0CALL-1", "G4ABC-15", "ROSE-0", "A"])
    return st.one_of(
        st.tuples(digits, call, st.one_of(st.none(), call)),
        st.tuples(digits, call, st.lists(call, max_size=6).map(tuple)))


_HANDWRITTEN: dict[str, Callable[[ABI], Strategy]] = {
    "AF_UNIX": _unix, "AF_INET": _inet, "AF_RDS": _inet, "AF_INET6": _inet6,
    "AF_NETLINK": _netlink, "AF_PACKET": _packet, "AF_VSOCK": _u32_pair,
    "AF_QIPCRTR": _u32_pair, "AF_TIPC": _tipc, "AF_ALG": _alg,
}
_BY_PROTOCOL: dict[str, Callable[[ABI, int], Strategy]] = {
    "AF_CAN": _can, "AF_BLUETOOTH": _bluetooth, "AF_PPPOX": _pppox,
}
_WINDOWS: dict[str, Callable[[ABI, int], Strategy]] = {"AF_HYPERV": _hyperv}
#: Families beyond CPython whose structs are too constrained to derive from random fields.
_OTHER: dict[str, Callable[[ABI], Strategy]] = {"AF_ROSE": _rose, "AF_RXRPC": _rxrpc}

#: The protocols whose addresses differ, per family; every other family: (0,).
_PROTOCOLS: dict[str, tuple[str, ...]] = {
    "AF_CAN": ("CAN_RAW", "CAN_BCM", "CAN_ISOTP", "CAN_J1939"),
    "AF_BLUETOOTH": ("BTPROTO_L2CAP", "BTPROTO_RFCOMM", "BTPROTO_HCI", "BTPROTO_SCO"),
    "AF_PPPOX": ("PX_PROTO_OE", "PX_PROTO_OL2TP", "PX_PROTO_PPTP"),
    "AF_CAIF": ("CAIFPROTO_AT", "CAIFPROTO_DATAGRAM", "CAIFPROTO_DATAGRAM_LOOP",
                "CAIFPROTO_UTIL", "CAIFPROTO_RFM", "CAIFPROTO_DEBUG"),
    "AF_NFC": ("NFC_SOCKPROTO_RAW", "NFC_SOCKPROTO_LLCP"),
    "AF_HYPERV": ("HV_PROTOCOL_RAW",),
}


def protocols(codec: Family) -> tuple[int, ...]:
    """The socket protocols whose addresses :func:`address_strategy` draws for ``codec``."""
    return tuple(c(p) for p in _PROTOCOLS.get(codec.name, ())) or (0,)


# -- derived from the schema ---------------------------------------------------------

def _leaf(ctype: Scalar | Bytes) -> Strategy:
    if isinstance(ctype, Bytes):
        return st.one_of(st.binary(min_size=ctype.size, max_size=ctype.size),
                         st.binary(max_size=ctype.size).map(lambda b: b.ljust(ctype.size, b"\0")))
    bits = 8 * ctype.size
    return sint(bits) if ctype.signed else uint(bits)


def struct_bytes(struct: str, family: int, abi: ABI, select: dict[str, str]) -> Strategy:
    """Bytes of ``struct`` with every field drawn from its C type, padding zero."""
    fast = schemas.fast(struct, abi, select=select)
    parts: list[Strategy] = []
    for i, (path, _, ctype) in enumerate(fast.layout.leaves()):
        if i == 0:
            parts.append(st.just(family))
        elif path.rpartition(".")[2].startswith("_pad"):
            parts.append(st.just(bytes(ctype.size) if isinstance(ctype, Bytes) else 0))
        else:
            parts.append(_leaf(ctype))
    return st.tuples(*parts).map(lambda values: fast.pack(*values))


def _derived(codec: Family, family: int, proto: int, abi: ABI) -> Strategy:
    structs = {codec.struct_for(proto): codec.select_for(proto)}
    if type(codec).struct_for is Family.struct_for:     # the length picks the struct
        structs.update((s, {}) for s in codec.structs)

    def value(data: bytes) -> object:
        address = decode(data, proto=proto, abi=abi)
        encode(family, address, proto=proto, abi=abi)
        return address

    return mapped(st.one_of([struct_bytes(s, family, abi, sel) for s, sel in structs.items()]),
                  value, (DecodeError, TypeError, ValueError, OverflowError, OSError))


# -- the entry point -----------------------------------------------------------------

def address_strategy(family: int, proto: int, abi: ABI) -> Strategy:
    """Valid address values of ``family`` for a socket of ``proto`` on ``abi``."""
    codec = encoder_for(family, abi.os)
    if codec is None:
        raise InvalidArgument(f"no codec encodes family {family} on {abi.os}")
    if abi.os == "windows":
        windows = _WINDOWS.get(codec.name)
        if windows is None:
            raise InvalidArgument(f"no address strategy for {codec.name} on windows")
        return windows(abi, proto)
    if codec.name in _BY_PROTOCOL:
        return _BY_PROTOCOL[codec.name](abi, proto)
    builder = _HANDWRITTEN.get(codec.name) or _OTHER.get(codec.name)
    if builder is not None:
        return builder(abi)
    return _derived(codec, family, proto, abi)



