"""Numeric hosts against glibc: our parser must agree with getaddrinfo(AI_NUMERICHOST).

CPython resolves every host it cannot parse strictly with getaddrinfo(); the
codec accepts the same numeric forms without calling it.  The oracle here is
glibc itself, asked with AI_NUMERICHOST so no name service is involved.
"""

from __future__ import annotations

import socket

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from sockaddr._hosts import resolve_host
from sockaddr.errors import UnresolvedHostError

FAMILIES = [socket.AF_INET, socket.AF_INET6]


def glibc(host: str, family: int) -> bytes | int:
    """The address bytes glibc gives, or its EAI_* error number."""
    try:
        info = socket.getaddrinfo(host.encode(), None, family, socket.SOCK_DGRAM, 0,
                                  socket.AI_NUMERICHOST)
    except socket.gaierror as e:
        return int(e.errno)
    text = str(info[0][4][0]).partition("%")[0]
    return socket.inet_pton(family, text)


def ours(host: str, family: int) -> bytes | int:
    try:
        return resolve_host(host.encode(), family)
    except UnresolvedHostError:
        return socket.EAI_NONAME
    except socket.gaierror as e:
        return int(e.errno)


_part = st.one_of(
    st.integers(0, 0x1FF).map(str),
    st.integers(0, 0x1FF).map(oct).map(lambda s: "0" + s[2:]),
    st.integers(0, 0x1FFFFFFFF).map(hex),
    st.integers(0, 0x1FFFFFFFF).map(str),
    st.sampled_from(["", "0x", "08", "09", "0X1f", "00", "1a", " 1", "1 ", "+1", "-1"]),
)
_dotted = st.lists(_part, min_size=1, max_size=5).map(".".join)
_ipv6 = st.one_of(
    st.ip_addresses(v=6).map(str),
    st.ip_addresses(v=4).map(lambda a: f"::ffff:{a}"),
    st.tuples(st.ip_addresses(v=6).map(str),
              st.sampled_from(["0", "1", "7", "4294967295", "4294967296", "", "-1", "x"])
              ).map("%".join),
)


@pytest.mark.parametrize("family", FAMILIES, ids=["AF_INET", "AF_INET6"])
@given(host=st.one_of(_dotted, _ipv6, st.text("0123456789abcdefx.:%", max_size=20)))
@example(host="::ffff:0:0%4294967296")
@example(host="::ffff:0:0%")
@example(host="127.1")
@example(host="0x7f.1")
@example(host="010.1.1.1")
@example(host="4294967295")
@example(host="4294967296")
@example(host="1.2.3.0400")
@example(host="::ffff:7f00:1")
@example(host="::1.2.3.4")
@example(host="fe80::1%7")
@example(host="::ffff:1.2.3.4%1")
@example(host="1.2.3.4%1")
@example(host="0.0.0.0377")
@example(host="::ffff:1.2.3.4%x")
def test_numeric_hosts_match_glibc(host: str, family: int) -> None:
    if host in ("", "255.255.255.255"):
        return      # CPython handles these itself, before getaddrinfo (tested below)
    expected = glibc(host, family)
    got = ours(host, family)
    if expected == socket.EAI_NONAME:
        # glibc would now try the name service; the codec refuses to.
        assert got == socket.EAI_NONAME
    else:
        assert got == expected


def test_wildcard_and_broadcast() -> None:
    assert resolve_host(b"", socket.AF_INET) == bytes(4)
    assert resolve_host(b"", socket.AF_INET6) == bytes(16)
    assert resolve_host(b"<broadcast>", socket.AF_INET) == socket.inet_aton("255.255.255.255")
    with pytest.raises(OSError, match="address family mismatched"):
        resolve_host(b"<broadcast>", socket.AF_INET6)


def test_names_need_resolve() -> None:
    with pytest.raises(socket.gaierror) as info:
        resolve_host(b"localhost", socket.AF_INET)
    assert isinstance(info.value, UnresolvedHostError)
    # resolve=True does what CPython does: the first getaddrinfo answer (/etc/hosts here).
    expected = socket.inet_aton(socket.getaddrinfo("localhost", None, socket.AF_INET)[0][4][0])
    assert resolve_host(b"localhost", socket.AF_INET, resolve=True) == expected


def test_named_scope_needs_resolve() -> None:
    # CPython looks the interface name up, then drops the scope (README, "Where we differ").
    with pytest.raises(UnresolvedHostError):
        resolve_host(b"fe80::1%lo", socket.AF_INET6)
    assert resolve_host(b"fe80::1%lo", socket.AF_INET6, resolve=True) == socket.inet_pton(
        socket.AF_INET6, "fe80::1")
    assert resolve_host(b"fe80::1%1", socket.AF_INET6) == socket.inet_pton(
        socket.AF_INET6, "fe80::1")
