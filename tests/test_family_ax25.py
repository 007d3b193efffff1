"""AF_AX25 (:mod:`sockaddr.families.ax25`): callsigns and ``(call, digipeaters)``.

Oracles: the kernel's own ``asc2ax()``/``ax2asc()`` (net/ax25/ax25_addr.c,
compiled: ``ax25_oracle.py``); a C program that fills ``struct sockaddr_ax25``
and ``struct full_sockaddr_ax25`` through <linux/ax25.h> with ``asc2ax()``;
an AX.25 address field published with its decoding (aprssig, 2004); the
headers for every layout (``test_headers.py``).  The kernel here has no
AF_AX25, so the bind/getsockname proof skips.
"""

from __future__ import annotations

import re
import socket
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ax25_oracle import Ax25Oracle
from c_oracle import kernel_lacks, sys_bind, sys_getsockname
from oracle.cpython import CPythonOracle

import sockaddr
from sockaddr import schemas
from sockaddr.abi import ABI, KNOWN
from sockaddr.families.ax25 import decode_callsign, encode_callsign

AF_AX25 = schemas.constant("AF_AX25")
AF_NETROM = schemas.constant("AF_NETROM")
ABIS = sorted(KNOWN)

#: Callsign characters: printable ASCII but blank, '-' and '*'.
ALPHABET = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) not in "-*")
calls = st.text(alphabet=ALPHABET, max_size=6)
ssids = st.integers(0, 15)
#: The text decoding gives: always -SSID, '*' for the H bit.
canonical = st.builds(lambda c, s, h: f"{c}-{s}{'*' if h else ''}", calls, ssids, st.booleans())
#: Texts the kernel's asc2ax() reads: no '*', SSID optional.
kernel_texts = st.builds(lambda c, s: c if s is None else f"{c}-{s}", calls,
                         st.none() | ssids)


def masked(raw: bytes) -> bytes:
    """What ax25cmp() compares: the callsign bits and the SSID."""
    return bytes(b & 0xFE for b in raw[:6]) + bytes([raw[6] & 0x1E])


@pytest.fixture(scope="module")
def kernel(tmp_path_factory: pytest.TempPathFactory) -> Ax25Oracle:
    return Ax25Oracle(tmp_path_factory.mktemp("ax25"))


# -- callsigns against the kernel's asc2ax()/ax2asc() ----------------------------------

@settings(max_examples=300, deadline=None)
@given(text=kernel_texts)
def test_encode_callsign_is_asc2ax(kernel: Ax25Oracle, text: str) -> None:
    assert encode_callsign(text) == kernel.asc2ax(text.encode())


@settings(max_examples=400, deadline=None)
@given(raw=st.binary(min_size=7, max_size=7))
def test_decode_callsign_agrees_with_ax2asc(kernel: Ax25Oracle, raw: bytes) -> None:
    ours = decode_callsign(raw)
    theirs = kernel.ax2asc(raw)
    if isinstance(ours, bytes):
        # Only where the kernel's own text cannot name the address either, or
        # names it with '*' or a control character (which this form refuses).
        assert ours == raw
        lost = theirs == b"*" or masked(kernel.asc2ax(theirs)) != masked(raw)
        assert lost or re.search(rb"[\x00-\x1f\x7f*]", theirs), (raw, theirs)
        return
    text = ours.removesuffix("*")
    assert ours.endswith("*") == bool(raw[6] & 0x80)
    call, _, _ = text.rpartition("-")
    # ax2asc() prints the same text, but "*" when the callsign is blank.
    assert theirs.decode("latin-1") == (text if call else "*")
    # And asc2ax() of it is the same address, as ax25cmp() sees it.
    assert masked(kernel.asc2ax(text.encode("latin-1"))) == masked(raw)
    assert encode_callsign(ours) == bytes(b & 0xFE for b in raw[:6]) + bytes(
        [raw[6] & 0x9E])


@settings(max_examples=200, deadline=None)
@given(text=canonical)
def test_callsign_round_trip(text: str) -> None:
    assert decode_callsign(encode_callsign(text)) == text


def test_callsign_examples(kernel: Ax25Oracle) -> None:
    null = kernel.asc2ax(b"")           # the kernel's null_ax25_address
    assert null == bytes([0x40] * 6 + [0])
    assert encode_callsign("") == null
    assert decode_callsign(null) == "-0"
    assert kernel.ax2asc(null) == b"*"
    assert encode_callsign("N0CALL") == encode_callsign("N0CALL-0") == kernel.asc2ax(b"N0CALL")
    assert decode_callsign(kernel.asc2ax(b"n0call-15")) == "n0call-15"   # case kept
    assert encode_callsign("DIGI-1*")[6] == 0x80 | 1 << 1
    assert encode_callsign(bytearray(7)) == bytes(7)         # raw bytes pass through
    assert decode_callsign(bytes(7)) == bytes(7)             # NULs have no text


def test_published_address_field() -> None:
    # "VK4TEC>APU25N,RELAY,WIDE" as received, decoded by hand in
    # http://lists.tapr.org/pipermail/aprssig_lists.tapr.org/2004-September/000661.html:
    # every SSID byte carries the reserved bits (0x60), the last the extension bit.
    frame = bytes.fromhex("82A0AA646A9C60 AC9668A88A8660 A48A9882B24060 AE92888A404061")
    dest, src, *digis = (frame[i:i + 7] for i in range(0, len(frame), 7))
    assert [decode_callsign(a) for a in (dest, src, *digis)] == [
        "APU25N-0", "VK4TEC-0", "RELAY-0", "WIDE-0"]
    # ax25_recvmsg() puts src and the digipeaters, as received, in a full_sockaddr_ax25.
    rec = sockaddr.Sockaddr.build(
        "full_sockaddr_ax25",
        fsa_ax25={"sax25_family": AF_AX25, "sax25_call": {"ax25_call": src},
                  "_pad9": bytes(3), "sax25_ndigis": 2},
        fsa_digipeater=tuple({"ax25_call": d} for d in [*digis, *[bytes(7)] * 6]))
    assert sockaddr.decode(bytes(rec)) == ("VK4TEC-0", ("RELAY-0", "WIDE-0"))
    assert bytes(sockaddr.parse(bytes(rec))) == bytes(rec)


# -- the sockaddr, against a C program using <linux/ax25.h> -------------------------------

digi_lists = st.lists(kernel_texts, max_size=8)


@settings(max_examples=150, deadline=None)
@given(call=kernel_texts, digis=st.none() | digi_lists, family=st.sampled_from(
    [AF_AX25, AF_NETROM]))
def test_encode_matches_c(kernel: Ax25Oracle, call: str, digis: list[str] | None,
                          family: int) -> None:
    address = (call, None if digis is None else tuple(digis))
    assert sockaddr.encode(family, address) == kernel.build_ax25(family, call, digis)


def test_short_forms(kernel: Ax25Oracle) -> None:
    want = kernel.build_ax25(AF_AX25, "N0CALL-1", None)
    assert len(want) == 16
    assert sockaddr.encode(AF_AX25, ("N0CALL-1",)) == want
    assert sockaddr.encode(AF_AX25, ("N0CALL-1", None)) == want
    assert sockaddr.decode(want) == ("N0CALL-1", None)
    full = kernel.build_ax25(AF_AX25, "N0CALL-1", [])
    assert len(full) == 72
    assert sockaddr.encode(AF_AX25, ("N0CALL-1", [])) == full
    assert sockaddr.decode(full) == ("N0CALL-1", ())


def test_getsockname_shape(kernel: Ax25Oracle) -> None:
    # ax25_getname(): full form, ndigis 1, the device callsign (or the null
    # address when unbound to a device) as the one digipeater.
    raw = kernel.build_ax25(AF_AX25, "N0CALL-1", [""])
    assert sockaddr.decode(raw) == ("N0CALL-1", ("-0",))
    assert sockaddr.encode(AF_AX25, ("N0CALL-1", ("-0",))) == raw


# -- every ABI ----------------------------------------------------------------------------

addresses = st.tuples(canonical, st.none() | st.lists(canonical, max_size=8).map(tuple))


@pytest.mark.parametrize("abi", ABIS)
@settings(max_examples=15, deadline=None)
@given(address=addresses)
def test_round_trip(abi: str, address: tuple[object, ...]) -> None:
    raw = sockaddr.encode(AF_AX25, address, abi=abi)
    assert len(raw) == (16 if address[1] is None else 72)
    assert sockaddr.decode(raw, abi=abi) == address
    rec = sockaddr.parse(raw, abi=abi)
    assert bytes(rec) == raw
    head = rec.fields if address[1] is None else rec.fsa_ax25
    assert head["sax25_family"] == AF_AX25
    assert rec.address == address
    assert sockaddr.encode(AF_AX25, rec) == raw


@pytest.mark.parametrize("abi", ABIS)
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_arbitrary_bytes(abi: str, data: st.DataObject) -> None:
    family = AF_AX25.to_bytes(2, ABI.get(abi).byteorder)
    raw = family + data.draw(st.binary(max_size=90) | st.binary(min_size=70, max_size=70))
    try:
        value = sockaddr.decode(raw, abi=abi)
    except sockaddr.DecodeError as e:
        assert 0 <= e.offset <= len(raw)
    else:
        # Whatever decodes encodes, and reads back the same.
        assert sockaddr.decode(sockaddr.encode(AF_AX25, value, abi=abi), abi=abi) == value
    try:
        rec = sockaddr.parse(raw, abi=abi)
    except sockaddr.DecodeError as e:
        assert e.offset == len(raw) < 16
    else:
        assert bytes(rec) == raw


def test_canonical_bytes_encode_back(kernel: Ax25Oracle) -> None:
    for raw in (kernel.build_ax25(AF_AX25, "G4KLX-15", ["DIGI-3", "A"]),
                kernel.build_ax25(AF_AX25, "", None),
                kernel.build_ax25(AF_AX25, "x", ["1-1"] * 8)):
        assert sockaddr.encode(AF_AX25, sockaddr.decode(raw)) == raw


def test_record_family_of_nested_struct() -> None:
    rec = sockaddr.Sockaddr.build("full_sockaddr_ax25")
    assert rec.fsa_ax25["sax25_family"] == AF_AX25
    assert rec.family == AF_AX25


# -- errors -------------------------------------------------------------------------------

def _full(ndigis: int, length: int = 72, abi: str | None = None) -> bytes:
    order = ABI.get(abi).byteorder
    head = AF_AX25.to_bytes(2, order) + encode_callsign("N0CALL") + bytes(3)
    return (head + ndigis.to_bytes(4, order, signed=True)).ljust(length, b"\0")


@pytest.mark.parametrize(("data", "offset", "message"), [
    (_full(0)[:15], 15, r"15 bytes, needs 16"),
    (_full(9), 12, r"sax25_ndigis 9 is not 0-8"),
    (_full(-1), 12, r"sax25_ndigis -1 is not 0-8"),
    (_full(3, 30), 30, r"sax25_ndigis 3 needs 37 bytes, got 30"),
])
def test_decode_errors(data: bytes, offset: int, message: str) -> None:
    with pytest.raises(sockaddr.DecodeError, match=message) as info:
        sockaddr.decode(data)
    assert info.value.offset == offset


def test_old_digipeater_lengths() -> None:
    # The kernel still takes 58-71 bytes (the 6-digipeater struct of old programs).
    assert sockaddr.decode(_full(6, 58)) == ("N0CALL-0", (bytes(7),) * 6)
    assert sockaddr.decode(_full(0, 17)) == ("N0CALL-0", ())


@pytest.mark.parametrize(("address", "error", "message"), [
    ("N0CALL", TypeError, r"^bind\(\): AF_AX25 address must be tuple, not str$"),
    ((), TypeError, r"^AF_AX25 address must be \(call,\), \(call, None\) or"),
    (("A", None, 1), TypeError, r"^AF_AX25 address must be"),
    ((1,), TypeError, r"call must be a callsign str or 7 bytes, not int"),
    (("N0CALL-16",), ValueError, r"'N0CALL-16' is not an AX.25 callsign"),
    (("TOOLONG",), ValueError, r"is not an AX.25 callsign"),
    (("N0 CALL",), ValueError, r"is not an AX.25 callsign"),
    (("N0CALL*",), ValueError, r"is not an AX.25 callsign"),      # '*' needs the SSID
    (("*",), ValueError, r"is not an AX.25 callsign"),
    ((b"abc",), ValueError, r"call must be 7 bytes, got 3"),
    (("A", "B"), TypeError, r"digipeaters must be a tuple of callsigns or None, not str"),
    (("A", ("B",) * 9), ValueError, r"at most 8 digipeaters, got 9"),
    (("A", ("B-99",)), ValueError, r"digipeater 'B-99' is not an AX.25 callsign"),
])
def test_encode_errors(address: object, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        sockaddr.encode(AF_AX25, address, caller="bind")


# -- the kernel ---------------------------------------------------------------------------

def test_cpython_has_no_tuple(cpython_oracle: CPythonOracle) -> None:
    # CPython's socket module refuses AF_AX25 ("bad family") and decodes its
    # bytes as (sa_family, sa_data): the natural form here goes beyond it.
    address = ("N0CALL-1", ("RELAY-0",))
    theirs = cpython_oracle.encode(AF_AX25, address, caller="bind")
    assert theirs.exc_type is OSError
    assert theirs.exc_msg == "bind(): bad family"
    raw = sockaddr.encode(AF_AX25, address)
    theirs = cpython_oracle.decode(socket.AF_UNIX, raw)
    assert theirs.value == (AF_AX25, raw.ljust(16, b"\0")[2:16])


def test_kernel_bind_getsockname() -> None:
    reason = kernel_lacks(AF_AX25, "AF_AX25", socket.SOCK_SEQPACKET, socket.SOCK_DGRAM)
    if reason:
        pytest.skip(reason)
    with socket.socket(AF_AX25, socket.SOCK_DGRAM) as s:
        try:
            sys_bind(s.fileno(), sockaddr.encode(AF_AX25, ("N0CALL-1", ("-0",))))
        except OSError as e:       # needs a configured AX.25 port (kissattach)
            pytest.skip(f"AF_AX25 bind() needs an AX.25 port here: {e}")
        raw = sys_getsockname(s.fileno())
    assert sockaddr.decode(raw) == ("N0CALL-1", ("-0",))
