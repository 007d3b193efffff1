"""Control messages: properties on every ABI, the registry against the schemas, CMSG_* vs gcc."""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
import socket
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sockaddr
from sockaddr import cmsg, schemas
from sockaddr.abi import ABI, KNOWN
from sockaddr.cmsg._base import ControlMessage, RawMessage, ScalarMessage, StructMessage
from sockaddr.cmsg._kinds import ExtendedError, FdArray, SockaddrMessage

ABIS = sorted(KNOWN)
CLASSES = sorted(cmsg.message_classes(), key=lambda c: (c.cmsg_level, c.cmsg_type, c.__name__))
#: Classes that apply on any socket (SOL_HCI's apply only with family=AF_BLUETOOTH).
UNBOUND = [c for c in CLASSES if getattr(c, "family", None) is None]


def _family(cls: type[ControlMessage]) -> int | None:
    name = getattr(cls, "family", None)
    return None if name is None else schemas.constant(name)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_fields_are_the_c_fields(cls: type[ControlMessage]) -> None:
    """A struct-backed message has exactly the struct's fields, prefix removed."""
    names = [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
    if issubclass(cls, StructMessage):
        layout = schemas.layout(cls.payload)
        assert names == [f.name.removeprefix(cls.prefix) for f in layout.fields if not f.hole]
    elif issubclass(cls, ExtendedError):
        fast = schemas.fast("sock_extended_err")
        expected = [n.removeprefix("ee_") for n in fast.names]
        assert names == expected + (["offender"] if cls.offender_struct else [])
    elif issubclass(cls, ScalarMessage | RawMessage | FdArray | SockaddrMessage):
        assert len(names) == 1
    for abi in ABIS:
        schemas.constant(cls.cmsg_level, abi)   # every name resolves on every ABI
        schemas.constant(cls.cmsg_type, abi)


def _address_bytes(payload: str, abi: str) -> st.SearchStrategy[bytes]:
    if payload == "sockaddr_in6":
        return st.tuples(st.ip_addresses(v=6).map(str), st.integers(0, 65535),
                         st.integers(0, 0xFFFFF), st.integers(0, 2**32 - 1)).map(
            lambda a: sockaddr.encode(socket.AF_INET6, a, abi=abi))
    return st.tuples(st.ip_addresses(v=4).map(str), st.integers(0, 65535)).map(
        lambda a: sockaddr.encode(socket.AF_INET, a, abi=abi))


def payloads(cls: type[ControlMessage], abi: str) -> st.SearchStrategy[bytes]:
    """Payload bytes a kernel could produce for ``cls`` (random where every byte is meaningful)."""
    size = cls.payload_size(ABI.get(abi))
    if issubclass(cls, SockaddrMessage):
        return _address_bytes(cls.payload, abi)
    if issubclass(cls, ExtendedError):
        head = st.binary(min_size=16, max_size=16)
        if not cls.offender_struct:
            return head
        offender = st.one_of(_address_bytes(cls.offender_struct, abi),
                             st.just(bytes(schemas.layout(cls.offender_struct, abi).size)))
        return st.builds(bytes.__add__, head, offender)
    if issubclass(cls, StructMessage) and any(
            f.type.name.startswith("sockaddr") for f in schemas.layout(cls.payload, abi).fields
            if hasattr(f.type, "name")):
        layout = schemas.layout(cls.payload, abi)
        parts = [(_address_bytes(f.type.name, abi) if getattr(f.type, "name", "").startswith(
            "sockaddr") else st.binary(min_size=f.type.size, max_size=f.type.size))
            for f in layout.fields]
        return st.tuples(*parts).map(b"".join)
    if issubclass(cls, FdArray):
        return st.lists(st.binary(min_size=4, max_size=4), max_size=8).map(b"".join)
    if size is None:
        return st.binary(max_size=64)
    return st.binary(min_size=size, max_size=size)


@pytest.mark.parametrize("abi", ABIS)
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_decode_encode_is_exact(abi: str, data: st.DataObject) -> None:
    cls = data.draw(st.sampled_from(CLASSES))
    payload = data.draw(payloads(cls, abi))
    level, type_ = cls.numbers(ABI.get(abi))
    message = cmsg.decode(level, type_, payload, abi=abi, family=_family(cls))
    assert isinstance(message, cls) or len({c.payload_size(ABI.get(abi))
                                            for c in cmsg.message_classes()
                                            if c.numbers(ABI.get(abi)) == (level, type_)}) < 2
    assert cmsg.encode(message, abi=abi) == (level, type_, payload)


def _messages(abi: str) -> st.SearchStrategy[list[ControlMessage]]:
    def one(cls: type[ControlMessage]) -> st.SearchStrategy[ControlMessage]:
        level, type_ = cls.numbers(ABI.get(abi))
        return payloads(cls, abi).map(lambda p: cmsg.decode(level, type_, p, abi=abi))
    unknown = st.builds(cmsg.Unknown, st.integers(1000, 2**31 - 1), st.integers(0, 2**31 - 1),
                        st.binary(max_size=40))
    return st.lists(st.one_of(unknown, *(one(c) for c in UNBOUND)), max_size=6)


@pytest.mark.parametrize("abi", ABIS)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_parse_inverts_build(abi: str, data: st.DataObject) -> None:
    messages = data.draw(_messages(abi))
    buffer = cmsg.build(messages, abi=abi)
    assert cmsg.parse(buffer, abi=abi) == messages
    assert len(buffer) == cmsg.space(*messages, abi=abi)


@pytest.mark.parametrize("abi", ABIS)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_cut_buffers(abi: str, data: st.DataObject) -> None:
    """A buffer cut anywhere parses (truncated=True) to the whole messages before the cut."""
    messages = data.draw(_messages(abi).filter(bool))
    buffer = cmsg.build(messages, abi=abi)
    cut = data.draw(st.integers(0, len(buffer)))
    got = cmsg.parse(buffer[:cut], abi=abi, truncated=True)
    whole = [m for m in got if not isinstance(m, cmsg.Truncated)]
    assert whole == messages[:len(whole)]
    assert all(isinstance(m, cmsg.Truncated) for m in got[len(whole):])
    assert len(got) - len(whole) <= 1


@pytest.mark.parametrize("abi", ABIS)
@settings(max_examples=200, deadline=None)
@given(raw=st.binary(max_size=200), truncated=st.booleans())
def test_parse_raises_only_decode_error(abi: str, raw: bytes, truncated: bool) -> None:
    try:
        cmsg.parse(raw, abi=abi, truncated=truncated)
    except sockaddr.DecodeError as e:
        assert 0 <= e.offset <= len(raw)


@pytest.mark.parametrize("abi", ABIS)
@settings(max_examples=150, deadline=None)
@given(cls=st.sampled_from(CLASSES), raw=st.binary(max_size=80))
def test_decode_raises_only_decode_error(cls: type[ControlMessage], abi: str, raw: bytes) -> None:
    level, type_ = cls.numbers(ABI.get(abi))
    with contextlib.suppress(sockaddr.DecodeError):
        cmsg.decode(level, type_, raw, abi=abi)


def test_malformed_headers_say_where() -> None:
    good = cmsg.build([cmsg.IpTtl(64)], abi="linux-x86_64")
    with pytest.raises(sockaddr.DecodeError, match="less than the header") as info:
        cmsg.parse(good + (8).to_bytes(8, "little") + bytes(8), abi="linux-x86_64")
    assert info.value.offset == len(good)
    with pytest.raises(sockaddr.DecodeError, match="runs past") as info:
        cmsg.parse(good[:-5], abi="linux-x86_64")
    assert info.value.offset == 0
    with pytest.raises(sockaddr.DecodeError, match="takes 4") as info:
        cmsg.parse(cmsg.build([cmsg.Unknown(0, 2, b"\x40")]), abi="linux-x86_64")
    assert info.value.offset == 16 + 1
    with pytest.raises(sockaddr.DecodeError, match="after the last message"):
        cmsg.parse(good + bytes(8), abi="linux-x86_64")


def test_space_is_cpython_cmsg_space() -> None:
    for sizes in ([0], [1], [12, 4], [20, 16, 48, 1, 3]):
        assert cmsg.space(*sizes) == sum(socket.CMSG_SPACE(n) for n in sizes)


def test_sizes_pick_the_form() -> None:
    assert cmsg.decode(0, 1, b"\x10") == cmsg.IpTos(16)
    assert cmsg.decode(0, 1, b"\x10\0\0\0", abi="linux-x86_64") == cmsg.IpTosInt(16)
    stamp = cmsg.decode(1, 37, bytes(48), abi="linux-x86_64")
    assert isinstance(stamp, cmsg.SoTimestampingOld)
    assert isinstance(cmsg.decode(1, 37, bytes(4)), cmsg.SoTimestampingSend)
    assert isinstance(cmsg.decode(1, 37, bytes(24), abi="linux-i386"), cmsg.SoTimestampingOld)
    assert cmsg.decode(0xFFFF, 29, bytes(16), abi="linux-mips64") == cmsg.SoTimestampOld(0, 0)
    assert isinstance(cmsg.decode(1, 29, bytes(16), abi="linux-mips64"), cmsg.Unknown)


def test_timestamps_convert() -> None:
    stamp = cmsg.SoTimestampNsNew(sec=1_700_000_000, nsec=123_456_789)
    assert stamp.timestamp == pytest.approx(1_700_000_000.123456789)
    assert stamp.datetime.isoformat() == "2023-11-14T22:13:20.123456+00:00"


# -- CMSG_LEN / CMSG_SPACE / CMSG_DATA against the C library's own macros -------------

_PROGRAM = r"""
#include <stdio.h>
#include <stddef.h>
#include <sys/socket.h>
int main(void) {
    printf("%zu %zu\n", sizeof(struct cmsghdr), (size_t)CMSG_DATA((struct cmsghdr *)0));
    for (unsigned n = 0; n < 70; n++) printf("%u %zu %zu\n", n, CMSG_LEN(n), CMSG_SPACE(n));
    return 0;
}
"""


@pytest.mark.parametrize(("abi", "flags"), [("linux-x86_64", []), ("linux-i386", ["-m32"])])
def test_cmsg_macros_match_glibc(tmp_path: Path, abi: str, flags: list[str]) -> None:
    if shutil.which("gcc") is None:
        pytest.skip("gcc not found: needed to compile the CMSG_* macro check")
    src = tmp_path / "cmsg.c"
    src.write_text(_PROGRAM)
    exe = tmp_path / "cmsg"
    built = subprocess.run(["gcc", *flags, str(src), "-o", str(exe)], capture_output=True,
                           text=True, check=False)
    if built.returncode:
        pytest.skip(f"gcc {' '.join(flags)} cannot build: install gcc-multilib "
                    f"({built.stderr[:200]})")
    out = subprocess.run([str(exe)], capture_output=True, text=True, check=True).stdout
    lines = out.split("\n")
    size, data_offset = map(int, lines[0].split())
    assert cmsg.header(abi)[0] == size
    assert cmsg.header(abi)[0] == data_offset
    for line in filter(None, lines[1:]):
        n, length, space = map(int, line.split())
        assert cmsg.space(n, abi=abi) == space
        built_one = cmsg.build([cmsg.Unknown(1000, 1, bytes(n))], abi=abi)
        assert len(built_one) == space
        assert int.from_bytes(built_one[:size - 8], "little") == length


# -- found by sockaddr.strategies: an offender that is not its struct's own value -----------

@pytest.mark.parametrize(("cls", "offender"), [
    (cmsg.IpRecvErr, bytes.fromhex("1e00") + bytes(14)),                 # a stale family (TIPC)
    (cmsg.IpRecvErr, bytes.fromhex("0200 0050 7f000001 0102030405060708")),  # sin_zero not zero
    (cmsg.Ipv6RecvErr, bytes.fromhex("0a00 0000 ffffffff") + bytes(20)),  # flowinfo > 20 bits
    (cmsg.Ipv6RecvErr, bytes.fromhex("0000 0001") + bytes(24)),          # AF_UNSPEC, not zero
], ids=["stale-family", "sin_zero", "flowinfo", "unspec"])
def test_extended_error_keeps_any_offender_bytes(cls: type[cmsg.ControlMessage],
                                                  offender: bytes) -> None:
    # Bytes the kernel does not read back must not make a payload undecodable or
    # change it: the offender then comes back as the lossless record.
    head = bytes.fromhex("6f000000 02 03 03 00 00000000 00000000")      # ECONNREFUSED, ICMP
    payload = head + offender
    level, type_ = cls.numbers(ABI.get("linux-x86_64"))
    message = cmsg.decode(level, type_, payload, abi="linux-x86_64")
    assert isinstance(message, cls)
    assert isinstance(message.offender, sockaddr.Sockaddr)  # type: ignore[attr-defined]
    assert cmsg.encode(message, abi="linux-x86_64") == (level, type_, payload)
