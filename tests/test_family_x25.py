"""AF_X25 (:mod:`sockaddr.families.x25`): the X.121 address as ``str``.

Oracles: a C program that fills ``struct sockaddr_x25`` through
<linux/x25.h>; the address checks of the kernel's ``x25_bind()``
(net/x25/af_x25.c, copied below and compiled); the headers for the layout
(``test_headers.py``).  The kernel here has no AF_X25, so the
bind/getsockname proof skips.
"""

from __future__ import annotations

import ctypes
import socket
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))

from c_oracle import compile_c, kernel_lacks, sys_bind, sys_getsockname
from oracle.cpython import CPythonOracle

import sockaddr
from sockaddr import schemas
from sockaddr.abi import ABI, KNOWN

AF_X25 = schemas.constant("AF_X25")
ABIS = sorted(KNOWN)

SOURCE = r"""
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/x25.h>

#define X25_ADDR_LEN 16                     /* include/net/x25.h */
static const struct x25_address null_x25_address = {"               "};

/* The address checks of x25_bind(), net/x25/af_x25.c, verbatim. */
int x25_bind_checks(const struct sockaddr_x25 *addr, int addr_len)
{
        int len, i, rc = 0;

        if (addr_len != sizeof(struct sockaddr_x25) ||
            addr->sx25_family != AF_X25 ||
            strnlen(addr->sx25_addr.x25_addr, X25_ADDR_LEN) == X25_ADDR_LEN) {
                rc = -EINVAL;
                goto out;
        }

        /* check for the null_x25_address */
        if (strcmp(addr->sx25_addr.x25_addr, null_x25_address.x25_addr)) {

                len = strlen(addr->sx25_addr.x25_addr);
                for (i = 0; i < len; i++) {
                        if (!isdigit(addr->sx25_addr.x25_addr[i])) {
                                rc = -EINVAL;
                                goto out;
                        }
                }
        }
out:
        return rc;
}

/* A C program's sockaddr_x25. */
size_t build(const char *text, unsigned char *out)
{
        struct sockaddr_x25 sx25;

        memset(&sx25, 0, sizeof sx25);
        sx25.sx25_family = AF_X25;
        strncpy(sx25.sx25_addr.x25_addr, text, sizeof sx25.sx25_addr.x25_addr - 1);
        memcpy(out, &sx25, sizeof sx25);
        return sizeof sx25;
}
"""


class Kernel:
    def __init__(self, lib: ctypes.CDLL) -> None:
        self.lib = lib
        lib.build.restype = ctypes.c_size_t

    def bind_checks(self, raw: bytes) -> int:
        return int(self.lib.x25_bind_checks(raw, len(raw)))

    def build(self, text: str) -> bytes:
        out = ctypes.create_string_buffer(64)
        size = self.lib.build(text.encode("latin-1"), out)
        return out.raw[:size]


@pytest.fixture(scope="module")
def kernel(tmp_path_factory: pytest.TempPathFactory) -> Kernel:
    return Kernel(compile_c(tmp_path_factory.mktemp("x25"), SOURCE))


digits = st.text(alphabet="0123456789", max_size=15)


@settings(max_examples=100, deadline=None)
@given(text=digits)
def test_encode_matches_c(kernel: Kernel, text: str) -> None:
    raw = sockaddr.encode(AF_X25, text)
    assert raw == kernel.build(text)
    assert kernel.bind_checks(raw) == 0           # x25_bind() takes it
    assert sockaddr.decode(raw) == text


def test_null_address(kernel: Kernel) -> None:
    raw = sockaddr.encode(AF_X25, " " * 15)
    assert kernel.bind_checks(raw) == 0
    assert sockaddr.decode(raw) == " " * 15
    assert sockaddr.encode(AF_X25, b"123") == kernel.build("123")
    assert sockaddr.encode(AF_X25, "") == kernel.build("")


@settings(max_examples=200, deadline=None)
@given(field=st.binary(min_size=16, max_size=16))
def test_decode_refuses_what_x25_bind_refuses_for_want_of_a_nul(kernel: Kernel,
                                                                 field: bytes) -> None:
    raw = sockaddr.encode(AF_X25, "")[:2] + field
    try:
        text = sockaddr.decode(raw)
    except sockaddr.DecodeError as e:
        assert b"\0" not in field
        assert e.offset == 18
        assert kernel.bind_checks(raw) != 0
    else:
        assert isinstance(text, str)
        assert text.encode("latin-1") == field.split(b"\0")[0]
        # The kernel reads the same string up to the NUL.
        assert sockaddr.encode(AF_X25, text) == raw[:3 + len(text)].ljust(18, b"\0")


@pytest.mark.parametrize("abi", ABIS)
@settings(max_examples=15, deadline=None)
@given(text=st.text(alphabet=st.characters(min_codepoint=1, max_codepoint=255), max_size=15))
def test_round_trip(abi: str, text: str) -> None:
    raw = sockaddr.encode(AF_X25, text, abi=abi)
    assert len(raw) == 18
    assert sockaddr.decode(raw, abi=abi) == text
    rec = sockaddr.parse(raw, abi=abi)
    assert bytes(rec) == raw
    assert rec.family == AF_X25
    assert rec.address == text


@pytest.mark.parametrize("abi", ABIS)
@settings(max_examples=20, deadline=None)
@given(rest=st.binary(max_size=24))
def test_arbitrary_bytes(abi: str, rest: bytes) -> None:
    raw = AF_X25.to_bytes(2, ABI.get(abi).byteorder) + rest
    try:
        value = sockaddr.decode(raw, abi=abi)
    except sockaddr.DecodeError as e:
        assert 0 <= e.offset <= len(raw)
    else:
        assert sockaddr.decode(sockaddr.encode(AF_X25, value, abi=abi), abi=abi) == value
    try:
        assert bytes(sockaddr.parse(raw, abi=abi)) == raw
    except sockaddr.DecodeError as e:
        assert e.offset == len(raw) < 18


@pytest.mark.parametrize(("address", "error", "message"), [
    ("1" * 16, ValueError, r"^bind\(\): AF_X25 address must be at most 15 bytes, got 16$"),
    ("12\x0034", ValueError, r"must not contain NUL"),
    ("€", ValueError, r"must be Latin-1 text"),
    (12345, TypeError, r"AF_X25 address must be str or a bytes-like object, not int"),
    (("12345",), TypeError, r"not tuple"),
])
def test_encode_errors(address: object, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        sockaddr.encode(AF_X25, address, caller="bind")


def test_short_data() -> None:
    with pytest.raises(sockaddr.DecodeError, match=r"17 bytes, needs 18") as info:
        sockaddr.decode(sockaddr.encode(AF_X25, "1")[:17])
    assert info.value.offset == 17


def test_cpython_has_no_tuple(cpython_oracle: CPythonOracle) -> None:
    # CPython's socket module refuses AF_X25 ("bad family") and decodes its
    # bytes as (sa_family, sa_data): the natural form here goes beyond it.
    address = "23421234567"
    theirs = cpython_oracle.encode(AF_X25, address, caller="bind")
    assert theirs.exc_type is OSError
    assert theirs.exc_msg == "bind(): bad family"
    raw = sockaddr.encode(AF_X25, address)
    theirs = cpython_oracle.decode(socket.AF_UNIX, raw)
    assert theirs.value == (AF_X25, raw.ljust(16, b"\0")[2:16])


def test_kernel_bind_getsockname() -> None:
    reason = kernel_lacks(AF_X25, "AF_X25", socket.SOCK_SEQPACKET)
    if reason:
        pytest.skip(reason)
    with socket.socket(AF_X25, socket.SOCK_SEQPACKET) as s:
        sys_bind(s.fileno(), sockaddr.encode(AF_X25, "23421234567"))
        raw = sys_getsockname(s.fileno())
    assert sockaddr.decode(raw) == "23421234567"
