"""Properties of the codec on every family and ABI: totality, losslessness, round trips."""

from __future__ import annotations

import socket
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sockaddr
from sockaddr import schemas
from sockaddr.abi import ABI, KNOWN
from sockaddr.codec import decode_list

ABIS = sorted(KNOWN)
#: Every family number a codec knows, and two nobody knows.
FAMILIES = [socket.AF_UNSPEC, *range(1, 46), 0xFFFE, 0xFFFF]


def _with_family(abi: str) -> st.SearchStrategy[bytes]:
    """Bytes that start with a known family in ``abi``'s byte order, any length."""
    order = ABI.get(abi).byteorder
    return st.builds(lambda fam, rest: fam.to_bytes(2, order) + rest,
                     st.sampled_from(FAMILIES), st.binary(max_size=140))


@pytest.mark.parametrize("abi", ABIS)
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_decode_and_parse_raise_only_decode_error(abi: str, data: st.DataObject) -> None:
    raw = data.draw(st.one_of(st.binary(max_size=140), _with_family(abi)))
    try:
        sockaddr.decode(raw, abi=abi, interfaces={})
    except sockaddr.DecodeError as e:
        assert 0 <= e.offset <= len(raw)
    try:
        rec = sockaddr.parse(raw, abi=abi)
    except sockaddr.DecodeError as e:
        assert 0 <= e.offset <= len(raw)
    else:
        assert bytes(rec) == raw
        assert rec.fields == sockaddr.parse(bytes(rec), abi=abi).fields


def _outcome(fn: Callable[[], object]) -> object:
    try:
        return fn()
    except sockaddr.DecodeError as e:
        return type(e), str(e), e.offset


@pytest.mark.parametrize("abi", [*ABIS, None])
@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_decode_list_is_decode_of_each(abi: str | None, data: st.DataObject) -> None:
    """The same values, or the first address's error, as decode() one by one (cached
    families and new ones, any protocol)."""
    raws = data.draw(st.lists(st.one_of(st.binary(max_size=40), _with_family(abi or "linux-x86_64"),
                                        st.sampled_from([b"", b"\x02\x00" + bytes(14)])),
                              max_size=8))
    proto = data.draw(st.sampled_from([0, 1, 2, 7]))
    want = _outcome(lambda: [sockaddr.decode(r, proto=proto, abi=abi) for r in raws])
    assert _outcome(lambda: decode_list(raws, proto, abi)) == want


@pytest.mark.parametrize("abi", ABIS)
def test_decode_error_names_struct_and_offset(abi: str) -> None:
    short = socket.AF_INET6.to_bytes(2, ABI.get(abi).byteorder) + bytes(10)
    with pytest.raises(sockaddr.DecodeError) as info:
        sockaddr.decode(short, abi=abi)
    assert info.value.offset == 12
    assert info.value.struct == "sockaddr_in6"
    assert "offset 12" in str(info.value)
    assert isinstance(info.value, ValueError)


_ports = st.integers(0, 65535)
_u32 = st.integers(0, 2**32 - 1)
ADDRESSES = {
    socket.AF_INET: st.tuples(st.ip_addresses(v=4).map(str), _ports),
    socket.AF_INET6: st.tuples(st.ip_addresses(v=6).map(str), _ports,
                               st.integers(0, 0xFFFFF), _u32),
    socket.AF_NETLINK: st.tuples(_u32, _u32),
    socket.AF_VSOCK: st.tuples(_u32, _u32),
    socket.AF_UNIX: st.one_of(
        st.binary(min_size=1, max_size=107).filter(lambda b: b[0] != 0 and b"\0" not in b)
        .map(lambda b: b.decode("utf-8", "surrogateescape")),
        st.binary(max_size=107).map(lambda b: b"\0" + b),
    ),
    socket.AF_PACKET: st.tuples(st.just("lo"), _ports, st.integers(0, 255),
                                st.integers(0, 65535), st.binary(max_size=8)),
}


@pytest.mark.parametrize("abi", ABIS)
@pytest.mark.parametrize("family", sorted(ADDRESSES), ids=lambda f: socket.AddressFamily(f).name)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_decode_encode_round_trip(family: int, abi: str, data: st.DataObject) -> None:
    address = data.draw(ADDRESSES[family])
    raw = sockaddr.encode(family, address, abi=abi)
    decoded = sockaddr.decode(raw, abi=abi)
    if family == socket.AF_INET6:
        address = (socket.inet_ntop(family, socket.inet_pton(family, address[0])), *address[1:])
    assert decoded == address
    rec = sockaddr.parse(raw, abi=abi)
    assert bytes(rec) == raw
    assert rec.family == family
    assert rec.address == address
    assert sockaddr.encode(family, rec) == raw


def test_vsock_flags_through_the_record() -> None:
    flag = schemas.constant("VMADDR_FLAG_TO_HOST")
    rec = sockaddr.Sockaddr.build("sockaddr_vm", svm_cid=3, svm_port=1024, svm_flags=flag)
    raw = sockaddr.encode(socket.AF_VSOCK, rec)
    assert sockaddr.parse(raw).svm_flags == flag
    assert sockaddr.decode(raw) == (3, 1024)       # CPython's tuple has no room for it
    assert sockaddr.parse(raw).replace(svm_flags=0) == sockaddr.parse(
        sockaddr.encode(socket.AF_VSOCK, (3, 1024)))


def test_record_refuses_silent_loss() -> None:
    rec = sockaddr.parse(sockaddr.encode(socket.AF_UNIX, "/a"))
    with pytest.raises(ValueError, match="past length"):
        rec.replace(sun_path=b"/longer".ljust(108, b"\0"))
    assert bytes(rec.replace(sun_path=b"/b".ljust(108, b"\0"))) == sockaddr.encode(
        socket.AF_UNIX, "/b")
    with pytest.raises(OverflowError):
        sockaddr.Sockaddr.build("sockaddr_vm", svm_cid=2**32)
    with pytest.raises(TypeError, match="no field"):
        sockaddr.Sockaddr.build("sockaddr_vm", svm_nope=1)
    with pytest.raises(AttributeError):
        rec.length = 3  # type: ignore[misc]


def test_unknown_family_keeps_every_byte() -> None:
    raw = (0xFFFE).to_bytes(2, "little") + bytes(range(30))
    assert sockaddr.decode(raw) == (0xFFFE, raw[2:16])
    assert bytes(sockaddr.parse(raw)) == raw
    assert sockaddr.parse(raw).tail == raw[16:]


def test_bad_family_on_encode() -> None:
    with pytest.raises(OSError, match=r"^bind\(\): bad family$"):
        sockaddr.encode(socket.AF_KEY, ("x", 1), caller="bind")
