"""Properties of every codec, driven by sockaddr.strategies, on every ABI.

* encode/decode round trips and ``parse`` losslessness for every family and
  protocol the package encodes, on every Linux ABI;
* ``decode``/``parse``/``cmsg.parse`` are total on hostile bytes: a value or
  :class:`sockaddr.DecodeError`, nothing else;
* ``cmsg.build``/``cmsg.parse`` are inverse; every message type re-encodes;
* differential: CPython's C codec decodes the same hostile bytes to the same
  values (every family CPython knows), and the running kernel reports back
  the bytes we built for the addresses it can bind here (UNIX abstract
  names, INET/INET6 with FREEBIND, NETLINK, PACKET, VSOCK bind only).

``HYPOTHESIS_PROFILE=thorough`` runs 100x more examples.
"""

from __future__ import annotations

import contextlib
import errno
import socket
from typing import Any

import pytest
from differential import SOCKET_FAMILIES, check_decode
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from oracle.cpython import CPythonOracle
from test_kernel import libc_bind, libc_getsockname, new_socket

import sockaddr
from sockaddr import cmsg
from sockaddr import strategies as sst
from sockaddr.abi import ABI, KNOWN
from sockaddr.cli import family_name
from sockaddr.strategies._cmsg import classes, family_of

LINUX_ABIS = sorted(KNOWN)
FAMILIES = sst.address_families()
slow = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                      HealthCheck.filter_too_much])


def _id(case: tuple[int, int]) -> str:
    family, proto = case
    name = family_name(family)
    return f"{name}-{proto}" if proto else name


# -- addresses ---------------------------------------------------------------------------

@pytest.mark.parametrize("case", FAMILIES, ids=_id)
@slow
@given(data=st.data(), abi=st.sampled_from(LINUX_ABIS))
def test_round_trip_and_lossless_parse(case: tuple[int, int], abi: str,
                                       data: st.DataObject) -> None:
    family, proto = case
    raw = data.draw(sst.sockaddrs(family, proto=proto, abi=abi))
    value = sockaddr.decode(raw, proto=proto, abi=abi)
    assert sockaddr.encode(family, value, proto=proto, abi=abi) == raw
    assert sockaddr.decode(sockaddr.encode(family, value, proto=proto, abi=abi),
                           proto=proto, abi=abi) == value
    rec = sockaddr.parse(raw, proto=proto, abi=abi)
    assert bytes(rec) == raw
    assert rec.address == value


@pytest.mark.parametrize("case", FAMILIES, ids=_id)
@slow
@given(data=st.data(), abi=st.sampled_from(LINUX_ABIS))
def test_hostile_bytes_only_raise_decode_error(case: tuple[int, int], abi: str,
                                              data: st.DataObject) -> None:
    family, proto = case
    raw = data.draw(sst.sockaddrs(family, proto=proto, abi=abi, valid=False))
    try:
        sockaddr.decode(raw, proto=proto, abi=abi, interfaces={})
    except sockaddr.DecodeError as e:
        assert 0 <= e.offset <= max(len(raw), 2), (e.offset, len(raw))
    try:
        rec = sockaddr.parse(raw, proto=proto, abi=abi)
    except sockaddr.DecodeError:
        return
    assert bytes(rec) == raw


@pytest.mark.parametrize("abi", [*LINUX_ABIS, "windows-x86_64", "windows-aarch64"])
@slow
@given(data=st.data())
def test_any_family_any_abi(abi: str, data: st.DataObject) -> None:
    raw = data.draw(sst.sockaddrs(abi=abi))
    assert bytes(sockaddr.parse(raw, abi=abi)) == raw
    hostile = data.draw(sst.sockaddrs(abi=abi, valid=False))
    try:
        sockaddr.decode(hostile, abi=abi, interfaces={})
        assert bytes(sockaddr.parse(hostile, abi=abi)) == hostile
    except sockaddr.DecodeError:
        pass


@slow
@given(raw=st.binary(max_size=300), proto=st.integers(0, 8), abi=st.sampled_from(LINUX_ABIS))
def test_arbitrary_bytes_only_raise_decode_error(raw: bytes, proto: int, abi: str) -> None:
    for call in (sockaddr.decode, sockaddr.parse):
        with contextlib.suppress(sockaddr.DecodeError):
            call(raw, proto=proto, abi=abi)


# -- control messages --------------------------------------------------------------------

HOST = ABI.get(None)
CLASSES = classes(HOST)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
@slow
@given(data=st.data(), abi=st.sampled_from(LINUX_ABIS))
def test_every_message_type_round_trips(cls: type[cmsg.ControlMessage], abi: str,
                                        data: st.DataObject) -> None:
    assume(cls in classes(ABI.get(abi)))
    message = data.draw(sst.messages_of(cls, abi=abi))
    assert type(message) is cls
    level, type_, payload = cmsg.encode(message, abi=abi)
    family = family_of(cls)
    decoded = cmsg.decode(level, type_, payload, abi=abi, family=family)
    if decoded != message:
        # Send and receive forms of one size: decode picks the first one registered.
        assert type(decoded) is not cls
        assert cmsg.encode(decoded, abi=abi)[2] == payload
    assert cmsg.parse(cmsg.build([message], abi=abi), abi=abi, family=family) == [decoded]


def _one_family(messages: list[cmsg.ControlMessage]) -> bool:
    return len({family_of(type(m)) for m in messages}) <= 1


@pytest.mark.parametrize("abi", LINUX_ABIS)
@slow
@given(data=st.data())
def test_build_and_parse_are_inverse(abi: str, data: st.DataObject) -> None:
    # SOL_HCI messages (level 0 on Bluetooth sockets) only parse with family=31.
    sent = data.draw(st.lists(sst.control_messages(abi=abi), max_size=6).filter(_one_family))
    family = next((family_of(type(m)) for m in sent), None)
    buffer = cmsg.build(sent, abi=abi)
    messages = cmsg.parse(buffer, abi=abi, family=family)
    assert len(messages) == len(sent)
    for got, put in zip(messages, sent, strict=True):
        assert got == put or cmsg.encode(got, abi=abi) == cmsg.encode(put, abi=abi)
    assert cmsg.build(messages, abi=abi) == buffer
    assert cmsg.parse(cmsg.build(messages, abi=abi), abi=abi, family=family) == messages


@pytest.mark.parametrize("abi", LINUX_ABIS)
@slow
@given(data=st.data())
def test_truncated_buffers_parse(abi: str, data: st.DataObject) -> None:
    family = data.draw(st.sampled_from([None, 31]))
    buffer = data.draw(sst.control_buffers(abi=abi, truncated=True, family=family))
    messages = cmsg.parse(buffer, abi=abi, truncated=True, family=family)
    assert all(not isinstance(m, cmsg.Truncated) for m in messages[:-1])


@pytest.mark.parametrize("abi", LINUX_ABIS)
@slow
@given(data=st.data(), truncated=st.booleans(), family=st.sampled_from([None, 31, 2]))
def test_malformed_buffers_only_raise_decode_error(abi: str, data: st.DataObject,
                                                   truncated: bool, family: int | None) -> None:
    buffer = data.draw(sst.control_buffers(abi=abi, valid=False))
    try:
        cmsg.parse(buffer, abi=abi, truncated=truncated, family=family)
    except sockaddr.DecodeError as e:
        assert 0 <= e.offset <= len(buffer)


@slow
@given(level=st.integers(-(2**31), 2**31 - 1), type_=st.integers(-(2**31), 2**31 - 1),
       payload=st.binary(max_size=128), abi=st.sampled_from(LINUX_ABIS))
def test_decode_is_total(level: int, type_: int, payload: bytes, abi: str) -> None:
    try:
        message = cmsg.decode(level, type_, payload, abi=abi)
    except sockaddr.DecodeError:
        return
    assert cmsg.encode(message, abi=abi)[:2] == (level, type_) or not isinstance(
        message, cmsg.Unknown)


# -- differential: CPython's C codec -----------------------------------------------------

CPYTHON_CASES = [c for c in FAMILIES if c[0] in SOCKET_FAMILIES]


@pytest.mark.parametrize("case", CPYTHON_CASES, ids=_id)
@slow
@given(data=st.data())
def test_hostile_bytes_decode_like_cpython(cpython_oracle: CPythonOracle, case: tuple[int, int],
                                           data: st.DataObject) -> None:
    family, proto = case
    raw = data.draw(sst.sockaddrs(family, proto=proto, valid=False))
    check_decode(cpython_oracle, raw, family=family, proto=proto)


# -- differential: the running kernel ----------------------------------------------------


@slow
@given(address=sst.addresses(socket.AF_UNIX).filter(
    lambda a: bool(a) and (a[0] == 0 if not isinstance(a, str) else a[0] == "\0")))
def test_kernel_reports_the_abstract_names_we_build(address: Any) -> None:
    raw = sockaddr.encode(socket.AF_UNIX, address)
    with new_socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
        try:
            libc_bind(s, raw)
        except OSError as e:
            assert e.errno == errno.EADDRINUSE
            return
        assert libc_getsockname(s) == raw


def _freebind(s: socket.socket, family: int) -> None:
    if family == socket.AF_INET:
        s.setsockopt(socket.IPPROTO_IP, 15, 1)          # IP_FREEBIND
    else:
        s.setsockopt(socket.IPPROTO_IPV6, 78, 1)        # IPV6_FREEBIND


@pytest.mark.parametrize("family", [socket.AF_INET, socket.AF_INET6], ids=["AF_INET", "AF_INET6"])
@slow
@given(data=st.data())
def test_kernel_reports_the_inet_addresses_we_build(family: int, data: st.DataObject) -> None:
    # FREEBIND lets bind() take addresses this host does not have, so the
    # kernel reads (and reports back) whatever host the strategy drew.
    address = data.draw(sst.addresses(family))
    raw = sockaddr.encode(family, address)
    with new_socket(family, socket.SOCK_DGRAM) as s:
        _freebind(s, family)
        try:
            libc_bind(s, raw)
        except OSError as e:
            # Ports in use, multicast/broadcast or link-local scopes the host lacks.
            assert e.errno in (errno.EADDRINUSE, errno.EADDRNOTAVAIL, errno.EINVAL,
                               errno.ENODEV, errno.EACCES), e
            return
        reported = libc_getsockname(s)
    ours, theirs = sockaddr.decode(raw), sockaddr.decode(reported)
    assert isinstance(ours, tuple)
    assert isinstance(theirs, tuple)
    assert theirs[0] == ours[0]
    assert theirs[1] == ours[1] or ours[1] == 0
    if family == socket.AF_INET:
        assert reported == raw or ours[1] == 0


@slow
@given(address=sst.addresses(socket.AF_NETLINK))
def test_kernel_reports_the_netlink_addresses_we_build(address: Any) -> None:
    raw = sockaddr.encode(socket.AF_NETLINK, address)
    with new_socket(socket.AF_NETLINK, socket.SOCK_RAW, 0) as s:    # NETLINK_ROUTE
        try:
            libc_bind(s, raw)
        except OSError as e:
            assert e.errno in (errno.EADDRINUSE, errno.EPERM), e
            return
        reported = libc_getsockname(s)
    pid, groups = sockaddr.decode(raw)  # type: ignore[misc]
    assert sockaddr.decode(reported)[1] == groups  # type: ignore[index]
    if pid:
        assert reported == raw


@slow
@given(address=sst.addresses(socket.AF_PACKET))
def test_kernel_reports_the_packet_addresses_we_build(address: Any) -> None:
    raw = sockaddr.encode(socket.AF_PACKET, address)
    try:
        s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, 0)
    except PermissionError:
        pytest.skip("AF_PACKET sockets need root (CAP_NET_RAW)")
    with s:
        try:
            libc_bind(s, raw)
        except OSError as e:
            assert e.errno in (errno.ENETDOWN, errno.EINVAL), e    # an interface that is down
            return
        reported = libc_getsockname(s)
    ours, theirs = sockaddr.decode(raw), sockaddr.decode(reported)
    assert isinstance(ours, tuple)
    assert isinstance(theirs, tuple)
    assert theirs[:2] == ours[:2]       # the interface and protocol bind() read


@slow
@given(address=sst.addresses(socket.AF_VSOCK))
def test_kernel_reports_the_vsock_addresses_we_build(address: Any) -> None:
    # bind() and getsockname() only: this machine's vsock is its host's control channel.
    raw = sockaddr.encode(socket.AF_VSOCK, address)
    with new_socket(socket.AF_VSOCK, socket.SOCK_STREAM) as s:   # no DGRAM transport here
        try:
            libc_bind(s, raw)
        except OSError as e:
            assert e.errno in (errno.EADDRNOTAVAIL, errno.EADDRINUSE, errno.EACCES,
                               errno.EINVAL), e
            return
        reported = libc_getsockname(s)
    _cid, port = sockaddr.decode(raw)  # type: ignore[misc]
    if port != 0xFFFFFFFF:              # VMADDR_PORT_ANY picks one
        assert sockaddr.decode(reported)[1] == port  # type: ignore[index]
