"""AF_IEEE802154 (``struct sockaddr_ieee802154``) against its oracles.

The struct lives in the kernel-internal include/net/af_ieee802154.h, which no
installed header declares, so ``test_headers.py`` skips its schema.  Here the
header oracle (``tests/header_oracle.py``) compiles the kernel's own source
text instead, with gcc for x86_64 and i386: sizes, offsets, the bytes of filled
structs through every codec, and the constants.  CPython has no AF_IEEE802154
tuple and this kernel has no AF_IEEE802154 (that test skips); round trips run
on every ABI.
"""

from __future__ import annotations

import socket
import struct
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))

from header_oracle import (
    ABIS,
    CompileError,
    CompilerUnavailable,
    Oracle,
    Result,
    Unit,
    byte_diff,
    construct_value,
    flatten,
    plain,
    record_value,
    target,
)

import sockaddr
from sockaddr import layout as lay
from sockaddr import schemas
from sockaddr.abi import ABI, KNOWN

AF = schemas.constant("AF_IEEE802154")
SHORT = schemas.constant("IEEE802154_ADDR_SHORT")
LONG = schemas.constant("IEEE802154_ADDR_LONG")
NONE = schemas.constant("IEEE802154_ADDR_NONE")
SCHEMA = "linux/af_ieee802154.toml"

# include/net/af_ieee802154.h of torvalds/linux (commit 15a892e7), verbatim but for
# the kernel-only u8/u16, spelled __u8/__u16, and sa_family_t from <sys/socket.h>.
KERNEL_SOURCE = """
enum {
	IEEE802154_ADDR_NONE = 0x0,
	/* RESERVED = 0x01, */
	IEEE802154_ADDR_SHORT = 0x2, /* 16-bit address + PANid */
	IEEE802154_ADDR_LONG = 0x3, /* 64-bit address + PANid */
};

/* address length, octets */
#define IEEE802154_ADDR_LEN	8

struct ieee802154_addr_sa {
	int addr_type;
	__u16 pan_id;
	union {
		__u8 hwaddr[IEEE802154_ADDR_LEN];
		__u16 short_addr;
	};
};

#define IEEE802154_PANID_BROADCAST	0xffff
#define IEEE802154_ADDR_BROADCAST	0xffff
#define IEEE802154_ADDR_UNDEF		0xfffe

struct sockaddr_ieee802154 {
	sa_family_t family; /* AF_IEEE802154 */
	struct ieee802154_addr_sa addr;
};
"""


def _unit(abi: str) -> Unit:
    schema = next(s for s in schemas.files() if s.path == SCHEMA)
    assert not schema.header, "the schema names no header: this test is its oracle"
    names = [*schema.structs, *schema.unions]
    return Unit(key=SCHEMA, abi=abi, headers=("linux/types.h", "sys/socket.h"),
                targets=tuple(target(schema, n, abi) for n in names),
                constants=tuple(schema.constants), declarations=KERNEL_SOURCE)


UNITS = {abi: _unit(abi) for abi in ABIS}


@pytest.fixture(scope="module")
def oracle(tmp_path_factory: pytest.TempPathFactory) -> Oracle:
    return Oracle(tmp_path_factory.mktemp("ieee802154"))


def _result(oracle: Oracle, abi: str) -> Result:
    try:
        return oracle.result([UNITS[abi]], SCHEMA)
    except CompilerUnavailable as e:
        pytest.skip(str(e))
    except CompileError as e:
        pytest.fail(str(e), pytrace=False)


TARGETS = [pytest.param(abi, t.name, id=f"{abi}:{t.name}")
           for abi, u in UNITS.items() for t in u.targets]
FILLS = [pytest.param(abi, t.name, k, id=f"{abi}:{t.name}:{f.name}")
         for abi, u in UNITS.items() for t in u.targets for k, f in enumerate(t.fills)]


@pytest.mark.parametrize(("abi", "name"), TARGETS)
def test_sizes_and_offsets(oracle: Oracle, abi: str, name: str) -> None:
    res = _result(oracle, abi)
    t = next(t for t in UNITS[abi].targets if t.name == name)
    assert res.sizes[name] == (t.layout.size, t.layout.align)
    for m in t.members:
        assert res.offsets[name, m.path] == (m.offset, m.size), m.path


@pytest.mark.parametrize(("abi", "name", "k"), FILLS)
def test_filled_bytes(oracle: Oracle, abi: str, name: str, k: int) -> None:
    """The record writer/reader and the fast path give the bytes gcc lays out for
    the struct filled through each arm of the anonymous union."""
    res = _result(oracle, abi)
    t = next(t for t in UNITS[abi].targets if t.name == name)
    fill, want = t.fills[k], res.images[name, k]
    value = record_value(t.layout, fill)
    buf = bytearray(t.layout.size)
    lay.write(t.layout, value, buf)
    assert bytes(buf) == want, byte_diff(t.layout, want, bytes(buf))
    assert lay.read(t.layout, want) == value
    fast = schemas.fast(name, abi)
    leaves = flatten(t.layout, value)
    assert fast.pack(*leaves) == want
    assert fast.unpack(want) == tuple(leaves)


@pytest.mark.parametrize(("abi", "name", "k"), FILLS)
def test_filled_bytes_construct(oracle: Oracle, abi: str, name: str, k: int) -> None:
    res = _result(oracle, abi)
    t = next(t for t in UNITS[abi].targets if t.name == name)
    fill, want = t.fills[k], res.images[name, k]
    con = schemas.get(name, abi)
    assert con.build(construct_value(t.layout, fill)) == want
    assert plain(t.layout, con.parse(want), fill) == construct_value(t.layout, fill)


@pytest.mark.parametrize("abi", ABIS)
def test_constants(oracle: Oracle, abi: str) -> None:
    res = _result(oracle, abi)
    for name in UNITS[abi].constants:
        assert name in res.constants, f"{name} is not in the kernel source"
        assert res.constants[name][1] == schemas.constant(name, abi), name


# -- encode / decode ----------------------------------------------------------------

def test_values_by_addr_type() -> None:
    # family, pad, int addr_type, u16 pan_id, union, pad: host order, hwaddr as given.
    short = sockaddr.encode(AF, (SHORT, 0xABCD, 0x1234), abi="linux-x86_64")
    assert short == struct.pack("<HxxiHH6xxx", AF, SHORT, 0xABCD, 0x1234)
    big = sockaddr.encode(AF, (SHORT, 0xABCD, 0x1234), abi="linux-s390x")
    assert big == struct.pack(">HxxiHH6xxx", AF, SHORT, 0xABCD, 0x1234)
    eui = bytes.fromhex("0011223344556677")
    long = sockaddr.encode(AF, (LONG, 1, eui), abi="linux-x86_64")
    assert long == struct.pack("<HxxiH8sxx", AF, LONG, 1, eui)
    assert sockaddr.decode(long, abi="linux-x86_64") == (LONG, 1, eui)
    assert sockaddr.decode(short, abi="linux-x86_64") == (SHORT, 0xABCD, 0x1234)
    none = sockaddr.encode(AF, (NONE, 0xFFFF))
    assert sockaddr.decode(none) == (NONE, 0xFFFF, bytes(8))
    assert sockaddr.parse(long, abi="linux-x86_64").addr["_anon6"] == eui


@pytest.mark.parametrize(("address", "exc", "match"), [
    ((SHORT,), TypeError, "must be a tuple"),
    ((SHORT, 1, 2, 3), TypeError, "must be a tuple"),
    ([SHORT, 1], TypeError, "must be tuple, not list"),
    ((SHORT, 0x10000), OverflowError, "pan_id must be 0-65535"),
    ((SHORT, 1, 0x10000), OverflowError, "short_addr must be 0-65535"),
    ((SHORT, 1, b"\1\2"), TypeError, "integer"),
    ((LONG, 1, b"1234567"), ValueError, "hwaddr must be 8 bytes"),
    ((LONG, 1, 5), TypeError, "bytes-like"),
    ((NONE, 1, bytes(9)), ValueError, "at most 8 bytes"),
    ((2**31, 1), OverflowError, "addr_type"),
])
def test_encode_errors(address: object, exc: type[Exception], match: str) -> None:
    with pytest.raises(exc, match=match):
        sockaddr.encode(AF, address, caller="bind")


def test_decode_lengths_follow_the_kernel() -> None:
    """ieee802154_sockaddr_check_size(): 8 bytes for NONE, 12 SHORT, 18 LONG."""
    for addr_type, need in ((NONE, 8), (SHORT, 12), (LONG, 18), (7, 8)):
        raw = sockaddr.encode(AF, (addr_type, 1, bytes(8) if addr_type != SHORT else 0))
        for n in range(2, 21):
            if n < need:
                with pytest.raises(sockaddr.DecodeError) as info:
                    sockaddr.decode(raw[:n])
                assert info.value.offset == n
                with pytest.raises(sockaddr.DecodeError):
                    sockaddr.parse(raw[:n])
            else:      # the missing bytes read as zero, as the kernel never reads them
                zero_filled = raw[:n] + bytes(20 - n)
                assert sockaddr.decode(raw[:n]) == sockaddr.decode(zero_filled)
                assert bytes(sockaddr.parse(raw[:n])) == raw[:n]


_address = st.one_of(
    st.tuples(st.just(SHORT), st.integers(0, 0xFFFF), st.integers(0, 0xFFFF)),
    st.tuples(st.just(LONG), st.integers(0, 0xFFFF), st.binary(min_size=8, max_size=8)),
    st.tuples(st.sampled_from([NONE, 1, 4, -1, 2**31 - 1]), st.integers(0, 0xFFFF),
              st.binary(min_size=8, max_size=8)),
)


@pytest.mark.parametrize("abi", sorted(KNOWN))
@settings(max_examples=25, deadline=None)
@given(address=_address, junk=st.binary(max_size=24))
def test_round_trip(abi: str, address: tuple[int, int, object], junk: bytes) -> None:
    raw = sockaddr.encode(AF, address, abi=abi)
    assert len(raw) == 20
    assert sockaddr.decode(raw, abi=abi) == address
    rec = sockaddr.parse(raw, abi=abi)
    assert bytes(rec) == raw
    assert rec.address == address
    assert sockaddr.encode(AF, sockaddr.decode(raw, abi=abi), abi=abi) == raw
    # Arbitrary bytes of the family: DecodeError or a lossless record.
    other = AF.to_bytes(2, ABI.get(abi).byteorder) + junk
    for call in (sockaddr.decode, sockaddr.parse):
        try:
            out = call(other, abi=abi)
        except sockaddr.DecodeError as e:
            assert 0 <= e.offset <= len(other)
        else:
            if isinstance(out, sockaddr.Sockaddr):
                assert bytes(out) == other


def test_kernel() -> None:
    try:
        sock = socket.socket(AF, socket.SOCK_DGRAM, 0)
    except OSError as e:
        pytest.skip(f"this kernel has no AF_IEEE802154 (CONFIG_IEEE802154_SOCKET): {e}")
    sock.close()
    pytest.skip("AF_IEEE802154 needs an 802.15.4 device (mac802154_hwsim) to bind to")
