"""AF_BLUETOOTH (L2CAP, RFCOMM, HCI, SCO) against its oracles.

* CPython: the Python here is built without Bluetooth, so the oracle is
  Debian's own ``/usr/bin/python3.11`` (3.11.2, built with
  ``<bluetooth/bluetooth.h>``; ``apt-get install python3.11``).  The library
  follows CPython main's reworked Bluetooth code (``Modules/socketmodule.c``,
  ``getsockaddrarg()``/``makesockaddr()``); the cases where 3.11 and main
  agree are compared with 3.11.2, and the documented 3.11-vs-main
  differences are pinned: 3.11.2's result is asserted, and ours is main's.
* glibc: ``setbdaddr()`` is ``sscanf("%X:%X:%X:%X:%X:%X%c")``; the address
  parser is compared with libc's own ``sscanf`` through ctypes.
* The kernel's declarations: ``l2_psm``/``l2_cid`` are ``__le16``
  (``include/net/bluetooth/l2cap.h``), checked on a big-endian ABI.
* The headers: the schemas are checked by ``tests/test_headers.py``.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import platform
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from differential import check_decode, check_encode
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle.cpython import CPythonOracle, unavailable_reason

import sockaddr
from sockaddr import schemas
from sockaddr.abi import ABI, KNOWN
from sockaddr.families.bluetooth import format_bdaddr, parse_bdaddr

AF_BLUETOOTH = 31
L2CAP, HCI, SCO, RFCOMM = 0, 1, 2, 3
DEBIAN_PYTHON = "/usr/bin/python3.11"
ADDR = "01:02:03:04:05:06"
ADDR_BYTES = bytes([6, 5, 4, 3, 2, 1])     # bdaddr_t: least significant byte first
ABIS = sorted(KNOWN)


# -- the oracle: Debian's python3.11, the only CPython here built with Bluetooth ------

def _debian_reason() -> str | None:
    if not Path(DEBIAN_PYTHON).exists():
        return (f"{DEBIAN_PYTHON} is missing: Debian's python3.11 package "
                "(apt-get install python3.11) is the CPython built with Bluetooth")
    probe = subprocess.run([DEBIAN_PYTHON, "-I", "-c", "import socket; socket.AF_BLUETOOTH"],
                           capture_output=True, check=False)
    if probe.returncode:
        return f"{DEBIAN_PYTHON} has no socket.AF_BLUETOOTH (built without Bluetooth)"
    reason = unavailable_reason(DEBIAN_PYTHON)
    return None if reason is None else f"CPython oracle on {DEBIAN_PYTHON}: {reason}"


@pytest.fixture(scope="module")
def py311() -> Iterator[CPythonOracle]:
    reason = _debian_reason()
    if reason is not None:
        pytest.skip(reason)
    with CPythonOracle(python=DEBIAN_PYTHON) as oracle:
        oracle.start()
        assert oracle.version is not None
        assert oracle.version[:2] == (3, 11)
        yield oracle


def ours(address: object, proto: int, abi: str | None = None) -> bytes | BaseException:
    try:
        return sockaddr.encode(AF_BLUETOOTH, address, proto=proto, caller="bind", abi=abi)
    except Exception as e:
        return e


def theirs(oracle: CPythonOracle, address: object, proto: int) -> bytes | tuple[type, str]:
    out = oracle.encode(AF_BLUETOOTH, address, proto=proto, caller="bind")
    if out.ok:
        assert not out.uninit
        assert isinstance(out.value, bytes)
        return out.value
    assert out.exc_type is not None
    assert out.exc_msg is not None
    return out.exc_type, out.exc_msg


def error(result: bytes | BaseException) -> tuple[type, str]:
    assert isinstance(result, BaseException), result
    return type(result), str(result)


# -- the documented deviations (module docstring of sockaddr.families.bluetooth) ------

@functools.cache
def _libc_sscanf() -> Any:
    if platform.libc_ver()[0] != "glibc":
        return None
    return ctypes.CDLL(ctypes.util.find_library("c")).sscanf


def glibc_scan(text: bytes) -> tuple[int, list[int]]:
    """glibc's ``sscanf(text, "%X:%X:%X:%X:%X:%X%c")``: its count and the six cells."""
    sscanf = _libc_sscanf()
    if sscanf is None:
        pytest.skip("glibc's sscanf is the oracle of setbdaddr(); this libc is not glibc")
    cells = [ctypes.c_uint(0) for _ in range(6)]
    char = ctypes.c_char()
    n = sscanf(text, b"%X:%X:%X:%X:%X:%X%c", *(ctypes.byref(c) for c in cells),
               ctypes.byref(char))
    return n, [c.value for c in cells]


def written(text: object) -> list[int] | None:
    """The six octets as written (sign applied, not wrapped) when glibc scans all six
    and nothing follows; None otherwise."""
    if isinstance(text, str):
        try:
            text = text.encode("utf-8")
        except UnicodeEncodeError:
            return None
    if not isinstance(text, bytes) or b"\0" in text or glibc_scan(text)[0] != 6:
        return None
    values = []
    for field in text.split(b":"):
        digits = field.lstrip(b" \t\n\v\f\r")
        sign = -1 if digits[:1] == b"-" else 1
        digits = digits.lstrip(b"+-")
        if digits[:2] in (b"0x", b"0X"):
            digits = digits[2:] or b"0"
        values.append(sign * int(digits, 16))
    return values


def wraps_octet(text: object) -> bool:
    """glibc reads six octets, one written outside 0..255 (CPython may wrap it into range)."""
    values = written(text)
    return values is not None and any(not 0 <= v <= 255 for v in values)


def deviation(proto: int):  # type: ignore[no-untyped-def]
    """What we raise where CPython (3.11 here) wraps or truncates."""
    ranges = {L2CAP: (16, 16, 8), RFCOMM: (8,), HCI: (16, 16)}

    def expected(address: object) -> type | None:
        items = address if isinstance(address, tuple) else (address,)
        if proto in (L2CAP, RFCOMM) and items and wraps_octet(items[0]):
            return OSError
        if proto == SCO and wraps_octet(address):
            return OSError
        ints = [v for v in items if isinstance(v, int)]
        for value, bits in zip(ints, ranges.get(proto, ()), strict=False):
            if not 0 <= value < 1 << bits:
                return OverflowError
        return None
    return expected


# -- hand-picked cases where CPython 3.11 and main agree --------------------------------

AGREE: dict[int, list[object]] = {
    L2CAP: [
        (ADDR, 1), (ADDR, 0), (ADDR, 0xFFFF), ("ff:FF:0a:0B:c:D", 0x1001), (ADDR, True),
        (" 1:2:3:4:5:6", 5), ("0x1:0X2:+3:-0:0x:6", 5), ("001:2:3:4:5:6", 5),
        ("1:2:3:4:5:6 ", 5), ("1 :2:3:4:5:6", 5), ("1:2:3:4:5", 5), ("", 5), ("x", 5),
        ("100:2:3:4:5:6", 5), ("-1:2:3:4:5:6", 5), ("1:2:3:4:5:6:7", 5), ("é", 5),
        (ADDR, 65536), (ADDR, -1), (ADDR, 2**31 - 1), (ADDR, -(2**31)),
        (ADDR,), (), ADDR, [ADDR, 1], (b"01:02:03:04:05:06", 1), (1, 1), (ADDR, 1.0),
        (ADDR, "1"), (ADDR, None), ("a\0b", 1), ("\ud800", 1),
        ("100000000:2:3:4:5:6", 1), ("-FFFFFFFF:2:3:4:5:6", 1),
        ("ffffffffffffffffffff:2:3:4:5:6", 1),
    ],
    RFCOMM: [
        (ADDR, 1), (ADDR, 0), (ADDR, 30), (ADDR, 255), (ADDR, 256), (ADDR, -1),
        (ADDR, 2**31 - 1), ("aa:bb:cc:dd:ee:ff", 3), ("1:2:3:4:5:6\n", 1), (ADDR,),
        (ADDR, 1, 2), ADDR, [ADDR, 1], (b"1:2:3:4:5:6", 1), (ADDR, 1.5), ("0x100:2:3:4:5:6", 1),
    ],
    HCI: [
        (0,), (1,), (0xFFFF,), (True,), (65536,), (-1,), (2**31 - 1,), ("0",), (1.0,), (),
        [0], "hci0", b"\0", None,
    ],
    SCO: [
        b"01:02:03:04:05:06", b"aa:bb:cc:dd:ee:ff", b" 1:2:3:4:5:6", b"1:2:3:4:5:6 ",
        b"", b"\xff", b"1:2:3:4:5:256", bytearray(b"1:2:3:4:5:6"), memoryview(b"1:2:3:4:5:6"),
        (b"1:2:3:4:5:6",), None, 1,
    ],
}
AGREE_CASES = [pytest.param(p, a, id=f"{p}-{a!r}") for p, cases in AGREE.items() for a in cases]


@pytest.mark.parametrize(("proto", "address"), AGREE_CASES)
def test_encode_like_cpython(py311: CPythonOracle, proto: int, address: object) -> None:
    check_encode(py311, AF_BLUETOOTH, address, proto=proto, deviation=deviation(proto))


@pytest.mark.parametrize("proto", [4, 5, 6, 7, 8, 99, -1])
def test_unknown_protocol(py311: CPythonOracle, proto: int) -> None:
    assert error(ours((ADDR, 1), proto)) == theirs(py311, (ADDR, 1), proto) == (
        OSError, "bind(): unknown Bluetooth protocol")


DECODE_AGREE: dict[int, list[bytes]] = {
    L2CAP: [bytes.fromhex("1f00" "0100" "060504030201" "0000" "00" "00"),
            bytes.fromhex("1f00" "ffff" "ffffffffffff" "0000" "00" "ff"),
            bytes.fromhex("1f00" "0110"), bytes.fromhex("1f00"),
            bytes.fromhex("1f00" "0100" "060504030201" "0000" "00" "00" "abcd")],
    RFCOMM: [bytes.fromhex("1f00" "060504030201" "1e" "00"),
             bytes.fromhex("1f00" "abcdef012345" "ff" "ff"), bytes.fromhex("1f000102")],
    HCI: [bytes.fromhex("1f00" "0000" "0000"), bytes.fromhex("1f00" "ffff" "0000"),
          bytes.fromhex("1f00" "0300")],
    SCO: [bytes.fromhex("1f00" "060504030201"), bytes.fromhex("1f00" "0a0b0c0d0e0f"),
          bytes.fromhex("1f00" "0605"), bytes.fromhex("1f00" "060504030201" "ff")],
}
DECODE_CASES = [pytest.param(p, d, id=f"{p}-{d.hex()}") for p, cases in DECODE_AGREE.items()
                for d in cases]


@pytest.mark.parametrize(("proto", "data"), DECODE_CASES)
def test_decode_like_cpython(py311: CPythonOracle, proto: int, data: bytes) -> None:
    check_decode(py311, data, family=AF_BLUETOOTH, proto=proto)


def test_decode_unknown_protocol(py311: CPythonOracle) -> None:
    data = bytes.fromhex("1f00" "060504030201" "0000")
    # On a socket of another family (getsockaddrlen raises first on a Bluetooth one).
    out = py311.decode(socket.AF_INET6, data, proto=9)
    assert (out.exc_type, out.exc_msg) == (ValueError, "Unknown Bluetooth protocol")
    with pytest.raises(sockaddr.DecodeError, match="Unknown Bluetooth protocol 9"):
        sockaddr.decode(data, proto=9)
    with pytest.raises(sockaddr.DecodeError):
        sockaddr.parse(data, proto=9)


# -- generated cases -------------------------------------------------------------------

# What may stand before an octet's digits: white space, a sign, a base prefix.
PREFIXES = st.sampled_from(["", "", "", "", " ", "\t\n", "\v\f\r ", "+", "-", "0x", "0X",
                            " +0x", "-0X", "\t-", "+0"])
FORMATS = st.sampled_from(["x", "X", "02x", "02X", "03x", "x"])
OCTETS = st.one_of(*[st.integers(0, 255)] * 8, st.integers(0, 2**72))


@st.composite
def octet_text(draw: st.DrawFn) -> str:
    """One "%X" field as a person (or a fuzzer) might write it."""
    return draw(PREFIXES) + format(draw(OCTETS), draw(FORMATS))


@st.composite
def lenient_address(draw: st.DrawFn) -> str:
    text = ":".join(draw(octet_text()) for _ in range(6))
    tail = draw(st.sampled_from(["", "", "", "", "", "", " ", ":", "x", ":7"]))
    return text + tail


GARBLED = st.text(alphabet=":0123456789abcdefxX+- \t\x1c\u00e9gG", max_size=24)
ADDRESSES = st.one_of(lenient_address(), GARBLED)
C_INT = st.integers(-(2**31), 2**31 - 1)


@settings(max_examples=100)
@given(address=ADDRESSES, psm=st.one_of(st.integers(0, 0xFFFF), C_INT))
def test_generated_l2cap(py311: CPythonOracle, address: str, psm: int) -> None:
    check_encode(py311, AF_BLUETOOTH, (address, psm), proto=L2CAP, deviation=deviation(L2CAP))


@settings(max_examples=40)
@given(address=ADDRESSES, channel=st.one_of(st.integers(0, 255), C_INT))
def test_generated_rfcomm(py311: CPythonOracle, address: str, channel: int) -> None:
    check_encode(py311, AF_BLUETOOTH, (address, channel), proto=RFCOMM,
                 deviation=deviation(RFCOMM))


@settings(max_examples=40)
@given(address=st.one_of(lenient_address(), GARBLED).map(lambda s: s.encode()))
def test_generated_sco(py311: CPythonOracle, address: bytes) -> None:
    check_encode(py311, AF_BLUETOOTH, address, proto=SCO, deviation=deviation(SCO))


@settings(max_examples=30)
@given(dev=st.one_of(st.integers(0, 0xFFFF), C_INT))
def test_generated_hci(py311: CPythonOracle, dev: int) -> None:
    check_encode(py311, AF_BLUETOOTH, (dev,), proto=HCI, deviation=deviation(HCI))


@settings(max_examples=60)
@given(proto=st.sampled_from([L2CAP, RFCOMM, HCI, SCO]), body=st.binary(max_size=16))
def test_generated_decode(py311: CPythonOracle, proto: int, body: bytes) -> None:
    data = bytearray(b"\x1f\x00" + body)
    # Where main's tuple differs from 3.11's: L2CAP cid/bdaddr_type and the HCI
    # channel must be 0 (those are pinned in test_311_differs_on_decode).
    if proto == L2CAP:
        data[10:13] = bytes(len(data[10:13]))
    if proto == HCI:
        data[4:6] = bytes(len(data[4:6]))
    check_decode(py311, bytes(data), family=AF_BLUETOOTH, proto=proto)


# -- where CPython 3.11 and main differ: 3.11.2 measured, ours is main's --------------

L2_HEAD = bytes.fromhex("1f00")


def l2(psm: int, cid: int = 0, kind: int = 0) -> bytes:
    """sockaddr_l2 as main's getsockaddrarg() lays it out on x86_64 (psm, cid __le16)."""
    return (L2_HEAD + psm.to_bytes(2, "little") + ADDR_BYTES + cid.to_bytes(2, "little")
            + bytes([kind, 0]))


WRONG = (OSError, "bind(): wrong format")
DIFFERS: list[tuple[int, object, object, object]] = [
    # (proto, address, CPython 3.11.2's result, main's result per its source)
    (L2CAP, (ADDR, 0x1001, 0x40), WRONG, l2(0x1001, 0x40)),
    (L2CAP, (ADDR, 0, 4, 1), WRONG, l2(0, 4, 1)),
    (L2CAP, (ADDR, 0x80, 0, 2), WRONG, l2(0x80, 0, 2)),
    (L2CAP, (ADDR, 0x1001, 0, 0), WRONG, l2(0x1001)),
    # 3.11's "i" wraps psm into its 16 bits (main's "H" too); we raise.
    (L2CAP, (ADDR, 0x10001), l2(1), (OverflowError, "bind(): psm must be 0-65535.")),
    (L2CAP, (ADDR, -1), l2(0xFFFF), (OverflowError, "bind(): psm must be 0-65535.")),
    # Beyond a C int 3.11 fails to parse; main would wrap; we raise.
    (L2CAP, (ADDR, 2**40), WRONG, (OverflowError, "bind(): psm must be 0-65535.")),
    (L2CAP, (ADDR, 1, 0x10000), WRONG, (OverflowError, "bind(): cid must be 0-65535.")),
    (L2CAP, (ADDR, 1, 0, 256), WRONG, (OverflowError, "bind(): bdaddr_type must be 0-255.")),
    (L2CAP, ("bad", 2**40), WRONG, (OSError, "bad bluetooth address")),
    # RFCOMM: 3.11 writes a 4-byte int over rc_channel and the pad byte.
    (RFCOMM, (ADDR, 256), L2_HEAD + ADDR_BYTES + b"\x00\x01",
     (OverflowError, "bind(): channel must be 0-255.")),
    (RFCOMM, (ADDR, -1), L2_HEAD + ADDR_BYTES + b"\xff\xff",
     (OverflowError, "bind(): channel must be 0-255.")),
    # HCI: main takes a bare int and (dev, channel); 3.11 only (dev,), whose
    # 4-byte int covers hci_dev and hci_channel.
    (HCI, 3, WRONG, bytes.fromhex("1f00" "0300" "0000")),
    (HCI, True, WRONG, bytes.fromhex("1f00" "0100" "0000")),
    (HCI, (3, 1), WRONG, bytes.fromhex("1f00" "0300" "0100")),
    (HCI, (0xFFFF, 3), WRONG, bytes.fromhex("1f00" "ffff" "0300")),
    (HCI, (65536,), bytes.fromhex("1f00" "0000" "0100"),
     (OverflowError, "bind(): dev must be 0-65535.")),
    (HCI, 65536, WRONG, (OverflowError, "bind(): dev must be 0-65535.")),
    (HCI, (1, 65536), WRONG, (OverflowError, "bind(): channel must be 0-65535.")),
    (HCI, (1, 2, 3), WRONG, WRONG),
    # SCO: main takes str too, and rejects NULs ("y"/"s"); 3.11 read the
    # bytes up to the first NUL.
    (SCO, ADDR, WRONG, L2_HEAD + ADDR_BYTES),
    (SCO, "aa:BB:cc:DD:ee:FF", WRONG, L2_HEAD + bytes.fromhex("ffeeddccbbaa")),
    (SCO, "1:2:3:4:5:6 ", WRONG, (OSError, "bad bluetooth address")),
    (SCO, ADDR + "\0", WRONG, (ValueError, "embedded null character")),
    (SCO, "\ud800\0", WRONG,
     (UnicodeEncodeError,
      "'utf-8' codec can't encode character '\\ud800' in position 0: surrogates not allowed")),
    (SCO, b"01:02:03:04:05:06\0junk", L2_HEAD + ADDR_BYTES, (ValueError, "embedded null byte")),
]


@pytest.mark.parametrize(("proto", "address", "v311", "main"), [
    pytest.param(*d, id=f"{d[0]}-{d[1]!r}") for d in DIFFERS])
def test_311_differs_on_encode(py311: CPythonOracle, proto: int, address: object,
                               v311: object, main: object) -> None:
    assert theirs(py311, address, proto) == v311
    got = ours(address, proto)
    assert (got if isinstance(got, bytes) else error(got)) == main


DECODE_DIFFERS: list[tuple[int, bytes, object, object]] = [
    (L2CAP, l2(0x1001, 0x40), (ADDR, 0x1001), (ADDR, 0x1001, 0x40)),
    (L2CAP, l2(0x80, 0, 1), (ADDR, 0x80), (ADDR, 0x80, 0, 1)),
    (L2CAP, l2(0, 4, 2), (ADDR, 0), (ADDR, 0, 4, 2)),
    (HCI, bytes.fromhex("1f00" "0300" "0100"), 3, (3, 1)),
    (HCI, bytes.fromhex("1f00" "ffff" "ffff"), 0xFFFF, (0xFFFF, 0xFFFF)),
]


@pytest.mark.parametrize(("proto", "data", "v311", "main"), [
    pytest.param(*d, id=f"{d[0]}-{d[1].hex()}") for d in DECODE_DIFFERS])
def test_311_differs_on_decode(py311: CPythonOracle, proto: int, data: bytes,
                               v311: object, main: object) -> None:
    out = py311.decode(AF_BLUETOOTH, data, proto=proto)
    assert out.ok
    assert out.value == v311
    assert sockaddr.decode(data, proto=proto) == main


def test_311_does_not_round_trip(py311: CPythonOracle) -> None:
    """3.11's HCI takes (dev,) and gives dev; its SCO takes bytes and gives str.

    Main (and we) take the values it gives: an int for HCI, a str for SCO.
    """
    hci = theirs(py311, (3,), HCI)
    assert isinstance(hci, bytes)
    back = py311.decode(AF_BLUETOOTH, hci, proto=HCI).value
    assert back == 3
    assert theirs(py311, back, HCI) == WRONG
    assert ours(back, HCI) == hci
    sco = theirs(py311, b"01:02:03:04:05:06", SCO)
    assert isinstance(sco, bytes)
    text = py311.decode(AF_BLUETOOTH, sco, proto=SCO).value
    assert text == ADDR
    assert theirs(py311, text, SCO) == WRONG
    assert ours(text, SCO) == sco


# -- glibc's sscanf as the oracle of the address parser ----------------------------------

@settings(max_examples=120)
@given(text=st.one_of(lenient_address(), GARBLED))
def test_address_parser_is_glibc_sscanf(text: str) -> None:
    n, values = glibc_scan(text.encode())
    accepted = n == 6 and all(v < 256 for v in values)
    try:
        got: bytes | None = parse_bdaddr(text)
    except OSError as e:
        assert str(e) == "bad bluetooth address"
        got = None
    if accepted and got is None:
        assert wraps_octet(text), (text, values)    # the documented deviation
    else:
        assert got == (bytes(reversed(values)) if accepted else None), (text, values)


def test_address_text() -> None:
    assert parse_bdaddr(ADDR) == parse_bdaddr(b"1:2:3:4:5:6") == ADDR_BYTES
    assert format_bdaddr(bytes.fromhex("0a0b0c0d0e0f")) == "0F:0E:0D:0C:0B:0A"
    for bad in ("100000000:2:3:4:5:6", "-1:2:3:4:5:6", "1:2:3:4:5:6\0"):
        with pytest.raises(OSError, match=r"^bad bluetooth address$"):
            parse_bdaddr(bad)


# -- every ABI: the kernel's byte order, round trips, lengths ----------------------------

def test_le16_fields_on_big_endian() -> None:
    """``__le16 l2_psm, l2_cid`` (kernel include/net/bluetooth/l2cap.h) on s390x;
    ``hci_dev``/``hci_channel`` are ``unsigned short`` there (host order)."""
    data = sockaddr.encode(AF_BLUETOOTH, (ADDR, 0x1001, 0x0040, 1), proto=L2CAP,
                           abi="linux-s390x")
    assert data == b"\x00\x1f" + b"\x01\x10" + ADDR_BYTES + b"\x40\x00" + b"\x01\x00"
    assert sockaddr.decode(data, proto=L2CAP, abi="linux-s390x") == (ADDR, 0x1001, 0x40, 1)
    hci = sockaddr.encode(AF_BLUETOOTH, (0x0102, 3), proto=HCI, abi="linux-s390x")
    assert hci == b"\x00\x1f\x01\x02\x00\x03"


BDADDR = st.binary(min_size=6, max_size=6).map(format_bdaddr)
U16 = st.integers(0, 0xFFFF)
U8 = st.integers(0, 0xFF)


def _l2(addr: str, psm: int, cid: int, kind: int) -> tuple[object, ...]:
    # main's makesockaddr(): the shortest tuple that keeps every value.
    return (addr, psm, cid, kind) if kind else ((addr, psm, cid) if cid else (addr, psm))


CANONICAL: dict[int, st.SearchStrategy[object]] = {
    L2CAP: st.builds(_l2, BDADDR, U16, U16, U8),
    RFCOMM: st.tuples(BDADDR, U8),
    HCI: st.one_of(U16, st.tuples(U16, st.integers(1, 0xFFFF))),
    SCO: BDADDR,
}


@settings(max_examples=100)
@given(abi=st.sampled_from(ABIS), data=st.data())
def test_round_trip_values(abi: str, data: st.DataObject) -> None:
    proto = data.draw(st.sampled_from(sorted(CANONICAL)))
    value = data.draw(CANONICAL[proto])
    raw = sockaddr.encode(AF_BLUETOOTH, value, proto=proto, abi=abi)
    assert len(raw) == schemas.layout(_STRUCT[proto], abi).size
    assert sockaddr.decode(raw, proto=proto, abi=abi) == value
    assert bytes(sockaddr.parse(raw, proto=proto, abi=abi)) == raw


_STRUCT = {L2CAP: "sockaddr_l2", RFCOMM: "sockaddr_rc", HCI: "sockaddr_hci",
           SCO: "sockaddr_sco"}


@settings(max_examples=100)
@given(abi=st.sampled_from(ABIS), proto=st.sampled_from(sorted(_STRUCT)),
       body=st.binary(max_size=20))
def test_round_trip_bytes(abi: str, proto: int, body: bytes) -> None:
    a = ABI.get(abi)
    data = AF_BLUETOOTH.to_bytes(2, a.byteorder) + body
    size = schemas.layout(_STRUCT[proto], a).size
    if proto == SCO and len(data) < size:
        with pytest.raises(sockaddr.DecodeError) as info:
            sockaddr.decode(data, proto=proto, abi=a)
        assert info.value.offset == len(data)
        return
    assert bytes(sockaddr.parse(data, proto=proto, abi=a)) == data
    value = sockaddr.decode(data, proto=proto, abi=a)
    whole = data[:size].ljust(size, b"\0")
    if proto in (L2CAP, RFCOMM):
        whole = whole[:-1] + b"\0"          # the trailing pad byte
    assert sockaddr.encode(AF_BLUETOOTH, value, proto=proto, abi=a) == whole


def test_minimum_lengths() -> None:
    """bind() zero-fills short L2CAP/RFCOMM/HCI addresses; SCO needs all 8 bytes."""
    assert sockaddr.decode(b"\x1f\x00", proto=L2CAP) == ("00:00:00:00:00:00", 0)
    assert sockaddr.decode(b"\x1f\x00\x01", proto=HCI) == 1
    with pytest.raises(sockaddr.DecodeError, match="needs 8"):
        sockaddr.decode(b"\x1f\x00" + bytes(5), proto=SCO)
