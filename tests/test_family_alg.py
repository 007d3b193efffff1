"""AF_ALG (``struct sockaddr_alg``, ``struct sockaddr_alg_new``) against its oracles.

* CPython's own C codec (``cpython_oracle``): hand-picked cases for every
  error path of ``getsockaddrarg()``'s AF_ALG branch (``"ss|HH"``, the two
  length checks) and every ``makesockaddr()`` outcome (strnlen over each
  array, strict UTF-8, full ``__u32`` feat/mask), then the same comparisons
  on hypothesis-generated tuples and bytes.
* The headers, with gcc: ``tests/test_headers.py`` checks both structs and
  the constants (x86_64, i386).
* The kernel, where it has AF_ALG (this one does not: those tests skip).
* Round trips on every ABI.

Documented deviations (module docstring of ``sockaddr.families.alg``):
``feat``/``mask`` outside 0..65535 raise OverflowError where CPython takes
them modulo 2**16; data shorter than the kernel's 25 bytes raises DecodeError
where CPython reads its zeroed buffer; undecodable names raise AlgNameError,
a DecodeError that is also CPython's UnicodeDecodeError with its message; data
longer than 88 bytes (``sockaddr_alg_new``) keeps its whole name where CPython
cuts it at 64 bytes.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import pickle
import socket
from collections.abc import Callable, Iterator

import pytest
from differential import check_decode, check_encode
from hypothesis import given, settings
from hypothesis import strategies as st
from intlike import Index
from oracle.cpython import CPythonOracle

import sockaddr
from sockaddr import Sockaddr, schemas
from sockaddr.abi import ABI, KNOWN
from sockaddr.families.alg import AlgNameError

AF_ALG = socket.AF_ALG
# Offsets and sizes from the reference table (checked against the headers by
# test_headers.py): type @2 [14], feat @16, mask @20, name @24 [64]; 88 bytes.
TYPE_AT, TYPE_LEN, FEAT_AT, NAME_AT, NAME_LEN, SIZE = 2, 14, 16, 24, 64, 88
MIN = NAME_AT + 1                   # alg_bind(): addr_len >= sizeof(sockaddr_alg_new) + 1
U16, U32 = 2**16, 2**32


class Text(str):
    """A str subclass: code ``s`` accepts it."""

    __slots__ = ()


def deviation(address: object) -> type | None:
    """OverflowError where CPython takes feat/mask modulo 2**16."""
    if not isinstance(address, tuple) or not 2 <= len(address) <= 4:
        return None
    extra = address[2:]
    if all(isinstance(v, int) for v in extra) and any(not 0 <= v < U16 for v in extra):
        return OverflowError
    return None


def data_of(kind: bytes, name: bytes, feat: int = 0, mask: int = 0, *, size: int = SIZE,
            abi: ABI | None = None) -> bytes:
    """Hand-made sockaddr_alg bytes: the arrays are raw (no NUL added), then cut to ``size``."""
    order = (abi or ABI.get()).byteorder
    raw = (AF_ALG.to_bytes(2, order) + kind.ljust(TYPE_LEN, b"\0")[:TYPE_LEN]
           + feat.to_bytes(4, order) + mask.to_bytes(4, order) + name)
    return raw.ljust(size, b"\0")[:size]


def compare_decode(oracle: CPythonOracle, data: bytes) -> str:
    """check_decode(), plus the bytes CPython refuses: an AlgNameError that is the
    UnicodeDecodeError CPython raises, same message; or (too short) a DecodeError."""
    theirs = oracle.decode(AF_ALG, data)
    if theirs.ok:
        return check_decode(oracle, data)
    with pytest.raises(sockaddr.DecodeError) as info:
        sockaddr.decode(data)
    ours = info.value
    if len(data) < MIN:
        assert ours.offset == len(data), (data, ours)
        return "deviation"
    assert theirs.exc_type is UnicodeDecodeError, theirs
    assert isinstance(ours, AlgNameError)
    assert isinstance(ours, UnicodeDecodeError)
    assert str(ours) == theirs.exc_msg, (data, ours, theirs)
    return "error"


# -- hand-picked: every error path of the reference, the edges of every range ------------

ENCODE_CASES: list[object] = [
    ("hash", "sha256"), ("skcipher", "cbc(aes)", 0, 0), ("aead", "gcm(aes)", 1, 0xFFFF),
    ("rng", "stdrng", 65535, 65535), ("", ""), ("hash", "", 0), ("a" * 13, "b" * 63),
    ("\u00e9" * 6 + "a", "x"), ("\u20ac" * 4 + "a", "\U0001f600" * 15 + "abc"),
    ("hash", "sha256", True, False), ("hash", "sha256", Index(3), Index(4)),
    (Text("hash"), Text("sha1")), ("hash", "sha256", 2**15),
    # too long: strlen(type) >= 14, strlen(name) >= 64, in UTF-8 bytes; type checked first
    ("a" * 14, "x"), ("\u00e9" * 7, "x"), ("a" * 100, "b" * 100), ("a", "b" * 64),
    ("a", "\u00e9" * 32), ("a", "b" * 64, 1.5), ("a" * 14, "b", 2**20),
    # feat/mask: "H" takes them modulo 2**16 (deviation: OverflowError)
    ("hash", "x", 0x10001), ("hash", "x", -1), ("hash", "x", 0, U16), ("hash", "x", 0, -1),
    ("hash", "x", 2**70, 0), ("hash", "x", U32, U32),
    # "s": str only, UTF-8 conversion before the NUL check
    ("ha\0sh", "x"), ("hash", "x\0"), ("\0", ""), ("\ud800", "x"), ("hash", "\udcff"),
    ("\ud800\0", "x"), ("a\0", "\ud800"), ("a" * 14, "\ud800"),
    (b"hash", "x"), ("hash", b"x"), (bytearray(b"a"), "x"), (None, "x"), ("a", None),
    (1, "x"), ("hash", "x", 1.5), ("hash", "x", 1, 1.5), ("hash", "x", "1"),
    ("hash", "x", None, 0),
    # sizes; not a tuple
    ("hash",), (), ("a", "b", 1, 2, 3), ["hash", "sha256"], "hash", None, b"hash",
    {"hash": "sha256"},
]


@pytest.mark.parametrize("address", ENCODE_CASES, ids=[repr(a)[:50] for a in ENCODE_CASES])
def test_encode_like_cpython(cpython_oracle: CPythonOracle, address: object) -> None:
    check_encode(cpython_oracle, AF_ALG, address, deviation=deviation)


def _decode_cases() -> list[bytes]:
    out = [
        data_of(b"hash", b"sha256"), data_of(b"h" * 14, b"n" * 64),     # no NUL at all
        data_of(b"hash", b"sha256\0junk"),                                # strnlen stops
        data_of(b"", b"", 0x10001, U32 - 1), data_of(b"a", b"b", U32 - 1, 0x10000),
        data_of(b"\xff", b"x"), data_of(b"hash", b"\xff"), data_of(b"hash", b"ab\xc3"),
        data_of(b"h\0\xff", b"x"), data_of(b"hash", b"ok\0\xff"),         # after the NUL
        data_of(b"\xc3\xa9" * 7, b"\xe2\x82\xac" * 21),                   # multi-byte, full
        data_of(b"h" * 13 + b"\xc3", b"x"), data_of(b"\xed\xa0\x80", b"x"),  # cut; surrogate
        data_of(b"hash", b"n" * 64)[:-1],
    ]
    whole = data_of(b"hash", b"sha256")
    out += [whole[:n] for n in (2, 3, 10, 16, 20, 24, 25, 26, 30, 87)]
    out += [data_of(b"\xff", b"x")[:n] for n in (3, 24, 25)]
    out += [whole + b"x", whole + bytes(40)]                              # longer, NUL in name
    for address in ENCODE_CASES:
        with contextlib.suppress(Exception):
            out.append(sockaddr.encode(AF_ALG, address))
    return out


DECODE_CASES = _decode_cases()


@pytest.mark.parametrize("data", DECODE_CASES, ids=[d.hex()[:60] for d in DECODE_CASES])
def test_decode_like_cpython(cpython_oracle: CPythonOracle, data: bytes) -> None:
    compare_decode(cpython_oracle, data)


def test_name_error() -> None:
    """AlgNameError: a DecodeError and a UnicodeDecodeError, offset at the bad byte."""
    data = data_of(b"hash", b"ab\xffcd")
    with pytest.raises(sockaddr.DecodeError) as info:
        sockaddr.decode(data)
    error = info.value
    assert isinstance(error, UnicodeDecodeError)
    assert isinstance(error, ValueError)
    assert (error.offset, error.struct, error.data) == (NAME_AT + 2, "sockaddr_alg", data)
    assert (error.object, error.start, error.end) == (b"ab\xffcd", 2, 3)
    assert str(error) == "'utf-8' codec can't decode byte 0xff in position 2: invalid start byte"
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), str(copy), copy.offset) == (AlgNameError, str(error), error.offset)
    with pytest.raises(AlgNameError) as in_type:
        sockaddr.decode(data_of(b"ha\x80", b"x"))
    assert in_type.value.offset == TYPE_AT + 2


def test_deviations_documented(cpython_oracle: CPythonOracle) -> None:
    """Each deviation: CPython accepts and wraps; we raise OverflowError."""
    wrapped = {("hash", "x", 0x10001): ("hash", "x", 1),
               ("hash", "x", -1): ("hash", "x", 0xFFFF),
               ("hash", "x", 0, U16): ("hash", "x", 0, 0),
               ("hash", "x", 2**70, 5): ("hash", "x", 0, 5)}
    for address, same_as in wrapped.items():
        theirs = cpython_oracle.encode(AF_ALG, address, caller="bind")
        assert theirs.ok, address
        assert theirs.value == sockaddr.encode(AF_ALG, same_as), address
        with pytest.raises(OverflowError, match=r"^bind\(\): (feat|mask) must be 0-65535\.$"):
            sockaddr.encode(AF_ALG, address, caller="bind")


# -- the long name of sockaddr_alg_new ---------------------------------------------------------

def test_long_name(cpython_oracle: CPythonOracle) -> None:
    """More than 88 bytes: the name runs to the NUL or the end (alg_bind()); CPython,
    reading 88 bytes, cuts it at 64; parse() gives a sockaddr_alg_new record."""
    name = b"authenc(hmac(sha256-generic),cbc-aes-aesni-with-a-long-driver-name)-x"
    data = data_of(b"aead", name, size=NAME_AT) + name + b"\0"
    assert len(data) > SIZE
    assert sockaddr.decode(data) == ("aead", name.decode(), 0, 0)
    assert cpython_oracle.decode(AF_ALG, data).value == ("aead", name[:NAME_LEN].decode(), 0, 0)
    record = sockaddr.parse(data)
    assert (record.struct, record.tail, bytes(record)) == ("sockaddr_alg_new", name + b"\0", data)
    assert record.address == sockaddr.decode(data)
    built = Sockaddr.build("sockaddr_alg_new", salg_type=b"aead".ljust(TYPE_LEN, b"\0"))
    assert bytes(built.replace(tail=name + b"\0")) == data
    assert sockaddr.encode(AF_ALG, built.replace(tail=name + b"\0")) == data
    # A NUL inside the first 64 bytes: the same value as CPython's.
    short = data_of(b"hash", b"sha256", size=SIZE) + b"ignored"
    assert sockaddr.decode(short) == cpython_oracle.decode(AF_ALG, short).value
    assert sockaddr.parse(short).struct == "sockaddr_alg_new"
    # The shortest address the kernel takes: the head and one (NUL) name byte.
    shortest = data[:NAME_AT] + b"\0"
    assert len(shortest) == MIN
    assert sockaddr.decode(shortest) == ("aead", "", 0, 0)
    assert bytes(sockaddr.parse(shortest)) == shortest
    assert sockaddr.decode(data[:MIN]) == ("aead", "a", 0, 0)       # a NUL is not required
    with pytest.raises(sockaddr.DecodeError, match="needs 25"):
        sockaddr.parse(data[:MIN - 1])


# -- hypothesis: the same comparisons on generated tuples and bytes ------------------------

_junk = st.one_of(st.none(), st.floats(allow_nan=False), st.binary(max_size=3),
                  st.integers(-(2**70), 2**70), st.booleans())
_text = st.one_of(st.text(max_size=16), st.text(max_size=70),
                  st.text(st.characters(codec="utf-8"), max_size=70),
                  st.sampled_from(["a" * 13, "a" * 14, "b" * 63, "b" * 64, "\u00e9" * 7,
                                   "x\0", "\ud800", "\ud800\0"]), _junk)
_u16 = st.one_of(st.integers(0, U16 - 1), st.integers(-(2**18), 2**18), _junk)
_full = st.tuples(_text, _text, _u16, _u16, _junk)
GENERATED = st.one_of(
    _full.map(lambda t: t[:2]), _full.map(lambda t: t[:3]), _full.map(lambda t: t[:4]),
    st.integers(0, 5).flatmap(lambda n: _full.map(lambda t: t[:n])), _full.map(list), _junk)


@settings(max_examples=200, deadline=None)
@given(address=GENERATED)
def test_generated_encode_like_cpython(cpython_oracle: CPythonOracle, address: object) -> None:
    check_encode(cpython_oracle, AF_ALG, address, deviation=deviation)


_field = st.one_of(st.binary(max_size=70), st.text(max_size=40).map(str.encode),
                   st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"ok\0\xff"]))


@settings(max_examples=200, deadline=None)
@given(strings=st.tuples(_field, _field), numbers=st.tuples(st.integers(0, U32 - 1),
                                                            st.integers(0, U32 - 1)),
       size=st.integers(2, SIZE))
def test_generated_decode_like_cpython(cpython_oracle: CPythonOracle,
                                       strings: tuple[bytes, bytes],
                                       numbers: tuple[int, int], size: int) -> None:
    kind, name = strings
    compare_decode(cpython_oracle, data_of(kind, name[:NAME_LEN], *numbers, size=size))


# -- round trips on every ABI ------------------------------------------------------------------

ABIS = sorted(KNOWN)
_clean = st.text(st.characters(codec="utf-8", exclude_characters="\0"))
_valid = st.tuples(_clean.filter(lambda s: len(s.encode()) < TYPE_LEN),
                   _clean.filter(lambda s: len(s.encode()) < NAME_LEN),
                   st.integers(0, U16 - 1), st.integers(0, U16 - 1), st.integers(2, 4))


@pytest.mark.parametrize("abi", ABIS)
@settings(max_examples=25, deadline=None)
@given(valid=_valid)
def test_round_trip(abi: str, valid: tuple[str, str, int, int, int]) -> None:
    *address, n = valid
    data = sockaddr.encode(AF_ALG, tuple(address[:n]), abi=abi)
    assert len(data) == schemas.layout("sockaddr_alg", abi).size == SIZE
    value = sockaddr.decode(data, abi=abi)
    assert value == (*address[:n], 0, 0)[:4]
    assert sockaddr.encode(AF_ALG, value, abi=abi) == data
    record = sockaddr.parse(data, abi=abi)
    assert bytes(record) == data
    assert record.address == value
    assert (record.salg_feat, record.salg_mask) == value[2:]


@pytest.mark.parametrize("abi", ABIS)
@settings(max_examples=25, deadline=None)
@given(rest=st.binary(min_size=MIN - 2, max_size=126))
def test_bytes_round_trip(abi: str, rest: bytes) -> None:
    """bytes(parse(b)) == b; decode is total up to AlgNameError; encode(decode(b))
    gives b back when b is what CPython can build (zeros after each string, feat and
    mask below 2**16, 88 bytes)."""
    data = data_of(b"", b"", abi=ABI.get(abi))[:2] + rest
    record = sockaddr.parse(data, abi=abi)
    assert bytes(record) == data
    assert record.struct == ("sockaddr_alg" if len(data) <= SIZE else "sockaddr_alg_new")
    try:
        value = sockaddr.decode(data, abi=abi)
    except AlgNameError as e:
        assert TYPE_AT <= e.offset < len(data)
        return
    assert isinstance(value, tuple)
    kind, name, feat, mask = value
    try:
        again = sockaddr.encode(AF_ALG, value, abi=abi)
    except (ValueError, OverflowError):
        # CPython does not round-trip these either: a 14-byte type or 64-byte name
        # (no NUL in the array), feat/mask past 16 bits, a name longer than 64 bytes.
        assert (len(kind.encode()) >= TYPE_LEN or len(name.encode()) >= NAME_LEN
                or feat >= U16 or mask >= U16)
        return
    assert sockaddr.decode(again, abi=abi) == value


def test_cpython_does_not_round_trip(cpython_oracle: CPythonOracle) -> None:
    """Where CPython itself loses information, decode agrees with CPython and encode
    refuses (ValueError/OverflowError) instead of wrapping or truncating."""
    wide = data_of(b"hash", b"x", 0x10001, 0xFFFF0000)
    value = ("hash", "x", 0x10001, 0xFFFF0000)
    assert cpython_oracle.decode(AF_ALG, wide).value == value == sockaddr.decode(wide)
    theirs = cpython_oracle.encode(AF_ALG, value, caller="bind")
    assert theirs.ok
    assert theirs.value == data_of(b"hash", b"x", 1, 0)      # 16 bits kept
    with pytest.raises(OverflowError):
        sockaddr.encode(AF_ALG, value)
    full = data_of(b"t" * TYPE_LEN, b"n" * NAME_LEN)                         # no NULs
    value = ("t" * TYPE_LEN, "n" * NAME_LEN, 0, 0)
    assert cpython_oracle.decode(AF_ALG, full).value == value == sockaddr.decode(full)
    theirs = cpython_oracle.encode(AF_ALG, value, caller="bind")
    assert (theirs.exc_type, theirs.exc_msg) == (ValueError, "AF_ALG type too long.")
    with pytest.raises(ValueError, match=r"^AF_ALG type too long\.$"):
        sockaddr.encode(AF_ALG, value)
    assert bytes(sockaddr.parse(wide)) == wide
    assert bytes(sockaddr.parse(full)) == full


# -- the kernel, where it has AF_ALG ----------------------------------------------------------

@pytest.fixture
def alg_socket() -> Iterator[socket.socket]:
    try:
        sock = socket.socket(AF_ALG, socket.SOCK_SEQPACKET)
    except OSError as e:
        pytest.skip(f"this kernel has no AF_ALG: socket(AF_ALG, SOCK_SEQPACKET) failed: {e}")
    with sock:
        yield sock


def _libc_bind(sock: socket.socket, data: bytes) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.bind(sock.fileno(), data, len(data)) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code))


def _outcome(call: Callable[..., object], *args: object) -> int:
    """0 when ``call(*args)`` succeeds, else its errno."""
    try:
        call(*args)
    except OSError as e:
        return e.errno or -1
    return 0


@pytest.mark.parametrize("address", [("hash", "sha256"), ("skcipher", "cbc(aes)"),
                                     ("hash", "no-such-algorithm"), ("nosuchtype", "x")])
def test_kernel_bind(alg_socket: socket.socket, address: tuple[str, str]) -> None:
    """The kernel answers our bytes as it answers CPython's bind() of the tuple."""
    ours = _outcome(_libc_bind, alg_socket, sockaddr.encode(AF_ALG, address))
    with socket.socket(AF_ALG, socket.SOCK_SEQPACKET) as other:
        assert ours == _outcome(other.bind, address)


def test_kernel_lengths(alg_socket: socket.socket) -> None:
    """alg_bind(): 24 bytes is EINVAL; 25 bytes (an empty name) is looked up; a
    name past 64 bytes (sockaddr_alg_new) is looked up, not refused for its length."""
    head = sockaddr.encode(AF_ALG, ("hash", "sha256"))[:NAME_AT]
    assert _outcome(_libc_bind, alg_socket, head) == 22
    assert _outcome(_libc_bind, alg_socket, head + b"\0") != 22
    long = Sockaddr.build("sockaddr_alg_new", salg_type=b"hash".ljust(TYPE_LEN, b"\0"))
    name = b"no-such-algorithm-" * 5
    assert _outcome(_libc_bind, alg_socket, bytes(long.replace(tail=name + b"\0"))) != 22
