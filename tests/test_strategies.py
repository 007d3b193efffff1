"""sockaddr.strategies: what they draw CPython accepts, in every form; hypothesis finds them.

The oracle for "valid" is CPython's own C codec (tests/oracle): every value
:func:`addresses` draws for a family CPython knows must pass its
``getsockaddrarg()`` and give the bytes ours gives.  Each family's edge forms
must actually be drawn: the distribution is printed (``pytest -s``) and every
form asserted present.
"""

from __future__ import annotations

import collections
import importlib.metadata
import os
import pathlib
import socket
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from differential import SOCKET_FAMILIES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oracle.cpython import CPythonOracle
from test_family_bluetooth import DEBIAN_PYTHON, _debian_reason

import sockaddr
from sockaddr import cmsg
from sockaddr import strategies as sst

SCALE = 100 if os.environ.get("HYPOTHESIS_PROFILE") == "thorough" else 1
DRAWS = 300 * SCALE
ROOT = Path(__file__).resolve().parent.parent
AF_BLUETOOTH = 31
CAN = {socket.CAN_RAW: "CAN_RAW", socket.CAN_BCM: "CAN_BCM", socket.CAN_ISOTP: "CAN_ISOTP",
       socket.CAN_J1939: "CAN_J1939"}


def draw_many(strategy: st.SearchStrategy[object], n: int) -> list[object]:
    """``n`` examples of ``strategy`` (through @given, so shrinking and health checks apply)."""
    out: list[object] = []

    @settings(max_examples=n, database=None, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(strategy)
    def collect(value: object) -> None:
        out.append(value)

    collect()
    return out


# -- the forms of each family ----------------------------------------------------------

def _kind(value: object) -> str:
    return type(value).__name__


def _int_forms(items: tuple[object, ...], tops: tuple[int, ...]) -> set[str]:
    forms = set()
    for item, top in zip(items, tops, strict=False):
        if isinstance(item, bool):
            forms.add("bool item")
        elif item == top:
            forms.add("max item")
    return forms


def _unix(a: object) -> set[str]:
    raw = os.fsencode(a) if isinstance(a, str) else bytes(a)  # type: ignore[arg-type]
    where = "autobind" if not raw else "abstract" if raw[0] == 0 else "path"
    return {f"{_kind(a)} {where}"}


def _host(h: object) -> set[str]:
    text = h.decode() if isinstance(h, bytes | bytearray) else str(h)
    forms = {f"{_kind(h)} host"}
    if text in ("", "<broadcast>"):
        forms.add(repr(text))
    elif "%" in text:
        forms.add("%scope")
    elif text.lower().startswith("::ffff:") and "." in text:
        forms.add("v4-mapped")
    elif ":" not in text and text.count(".") != 3:
        forms.add("inet_aton short form")
    return forms


def _inet(a: object) -> set[str]:
    assert isinstance(a, tuple)
    return _host(a[0]) | _int_forms(a[1:], (65535,))


def _inet6(a: object) -> set[str]:
    assert isinstance(a, tuple)
    return _host(a[0]) | {f"{len(a)} items"} | _int_forms(a[1:], (65535, 0xFFFFF, 2**32 - 1))


def _pair(a: object) -> set[str]:
    assert isinstance(a, tuple)
    return _int_forms(a, (2**32 - 1, 2**32 - 1)) | {"pair"}


def _packet(a: object) -> set[str]:
    assert isinstance(a, tuple)
    forms = {f"{len(a)} items"}
    if len(a) == 5:
        forms.add(f"{_kind(a[4])} hwaddr")
    return forms


def _can(a: object) -> set[str]:
    assert isinstance(a, tuple)
    name = a[0]
    empty = not os.fsencode(name)  # type: ignore[call-overload]
    return {f"{_kind(name)} ifname", "'' (any)" if empty else "named"}


def _tipc(a: object) -> set[str]:
    assert isinstance(a, tuple)
    forms = {f"addr_type {a[0]}", f"{len(a)} items"}
    if len(a) == 5:
        scope = a[4]
        assert isinstance(scope, int)
        forms.add("negative scope" if scope < 0 else "scope as decoded" if scope > 255
                  else "scope")
    return forms


def _alg(a: object) -> set[str]:
    assert isinstance(a, tuple)
    return {f"{len(a)} items"}


def _bt(a: object) -> set[str]:
    if isinstance(a, tuple):
        return {f"{len(a)} items"}
    return {f"{_kind(a)} address"}


#: family -> (forms of a value, the forms that must be drawn)
FORMS: dict[int, tuple[Callable[[object], set[str]], set[str]]] = {
    socket.AF_UNIX: (_unix, {"str path", "bytes path", "bytearray path", "bytes abstract",
                             "bytearray abstract", "str abstract", "str autobind",
                             "bytes autobind"}),
    socket.AF_INET: (_inet, {"str host", "bytes host", "bytearray host", "''", "'<broadcast>'",
                             "v4-mapped", "inet_aton short form", "bool item", "max item"}),
    socket.AF_INET6: (_inet6, {"str host", "bytes host", "bytearray host", "''", "%scope",
                               "v4-mapped", "2 items", "3 items", "4 items", "max item"}),
    socket.AF_NETLINK: (_pair, {"pair", "bool item", "max item"}),
    socket.AF_PACKET: (_packet, {"2 items", "3 items", "4 items", "5 items", "bytes hwaddr",
                                 "bytearray hwaddr"}),
    socket.AF_VSOCK: (_pair, {"pair", "bool item", "max item"}),
    socket.AF_QIPCRTR: (_pair, {"pair", "bool item", "max item"}),
    socket.AF_CAN: (_can, {"str ifname", "bytes ifname", "PurePosixPath ifname", "'' (any)",
                           "named"}),
    socket.AF_TIPC: (_tipc, {"addr_type 1", "addr_type 2", "addr_type 3", "4 items", "5 items",
                             "negative scope", "scope as decoded", "scope"}),
    socket.AF_ALG: (_alg, {"2 items", "3 items", "4 items"}),
    socket.AF_RDS: (_inet, {"str host", "bytes host", "''"}),
}


def _cpython_cases() -> list[tuple[int, int]]:
    return [(f, p) for f, p in sst.address_families()
            if f in SOCKET_FAMILIES | {socket.AF_RDS}]


def _case_id(case: tuple[int, int]) -> str:
    family, proto = case
    name = socket.AddressFamily(family).name
    return f"{name}-{CAN[proto]}" if family == socket.AF_CAN else name


# -- every drawn value is one CPython accepts ------------------------------------------

@pytest.mark.parametrize("case", _cpython_cases(), ids=_case_id)
def test_cpython_accepts_every_drawn_address(cpython_oracle: CPythonOracle,
                                             case: tuple[int, int]) -> None:
    family, proto = case
    values = draw_many(sst.addresses(family, proto=proto), DRAWS)
    classify, required = FORMS[family]
    counts: collections.Counter[str] = collections.Counter()
    for value in values:
        theirs = cpython_oracle.encode(family, value, proto=proto, caller="bind")
        assert theirs.ok, f"CPython rejects {value!r}: {theirs.exc_type}: {theirs.exc_msg}"
        ours = sockaddr.encode(family, value, proto=proto, caller="bind")
        assert ours == theirs.masked(), f"{value!r}: ours {ours.hex()}, CPython's " \
                                        f"{theirs.masked().hex()}"
        counts.update(classify(value))
    print(f"\n{_case_id(case)}: {len(values)} values: "
          + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    assert required <= set(counts), f"never drawn: {sorted(required - set(counts))}"


def _cpython311_takes(proto: int, value: object) -> bool:
    """The Bluetooth forms CPython 3.11 parses (we follow main, which takes more: module doc)."""
    if proto == 0:
        return isinstance(value, tuple) and len(value) == 2
    if proto == 1:
        return isinstance(value, tuple) and len(value) == 1
    if proto == 2:
        return isinstance(value, bytes)
    return True


@pytest.mark.parametrize("proto", [0, 1, 2, 3], ids=["L2CAP", "HCI", "SCO", "RFCOMM"])
def test_cpython_accepts_every_drawn_bluetooth_address(proto: int) -> None:
    reason = _debian_reason()
    if reason is not None:
        pytest.skip(reason)
    values = draw_many(sst.addresses(AF_BLUETOOTH, proto=proto), DRAWS // 3)
    counts: collections.Counter[str] = collections.Counter(
        f for v in values for f in _bt(v))
    checked = [v for v in values if _cpython311_takes(proto, v)]
    assert checked, "no value in a form CPython 3.11 takes"
    with CPythonOracle(python=DEBIAN_PYTHON) as oracle:
        for value in checked:
            theirs = oracle.encode(AF_BLUETOOTH, value, proto=proto, type=socket.SOCK_STREAM)
            assert theirs.ok, f"CPython 3.11 rejects {value!r}: {theirs.exc_msg}"
            ours = sockaddr.encode(AF_BLUETOOTH, value, proto=proto, caller="bind")
            masked = theirs.masked()
            assert ours[:len(masked)] == masked
    print(f"\nAF_BLUETOOTH proto {proto}: {len(values)} values, {len(checked)} in 3.11's "
          "forms: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    assert len(counts) >= (1 if proto in (2, 3) else 2)


# -- every family, every ABI: drawn values encode --------------------------------------

@pytest.mark.parametrize("case", sst.address_families(), ids=lambda c: f"{c[0]}-{c[1]}")
def test_every_family_draws_encodable_addresses(case: tuple[int, int]) -> None:
    family, proto = case
    values = draw_many(sst.addresses(family, proto=proto), 50 * SCALE)
    assert len(values) >= 10
    for value in values:
        raw = sockaddr.encode(family, value, proto=proto)
        assert sockaddr.encode(family, sockaddr.decode(raw, proto=proto), proto=proto) == raw


def test_windows_hyperv_addresses() -> None:
    assert sst.address_families("windows-x86_64") == [(34, 1)]
    for value in draw_many(sst.addresses(34, proto=1, abi="windows-x86_64"), 30):
        raw = sockaddr.encode(34, value, proto=1, abi="windows-x86_64")
        assert sockaddr.decode(raw, abi="windows-x86_64") == tuple(
            v.lower() for v in value)  # type: ignore[attr-defined]


def test_unknown_family_is_refused() -> None:
    with pytest.raises(Exception, match="no codec encodes family 250"):
        draw_many(sst.addresses(250), 1)
    with pytest.raises(Exception, match="CAN_RAW"):
        draw_many(sst.addresses(socket.AF_CAN, proto=0), 1)


# -- hostile bytes do get drawn ----------------------------------------------------------

def test_hostile_sockaddrs_cover_every_kind() -> None:
    seen: collections.Counter[str] = collections.Counter()
    for raw in draw_many(sst.sockaddrs(socket.AF_INET6, valid=False), 400):
        assert isinstance(raw, bytes)
        family = int.from_bytes(raw[:2], sys.byteorder) if len(raw) >= 2 else None
        seen["short" if len(raw) < 24 else "oversize" if len(raw) > 128
             else "long" if len(raw) > 28 else "struct size"] += 1
        seen["other family" if family not in (None, socket.AF_INET6) else "AF_INET6"] += 1
    assert {"short", "oversize", "long", "struct size", "other family", "AF_INET6"} <= set(seen)


def test_control_buffers_truncated_and_malformed_are_drawn() -> None:
    cut = draw_many(sst.control_buffers(truncated=True), 200)
    kinds = collections.Counter(type(m).__name__ for b in cut
                                for m in cmsg.parse(b, truncated=True))  # type: ignore[arg-type]
    assert kinds["Truncated"] > 0
    refused = 0
    for raw in draw_many(sst.control_buffers(valid=False), 300):
        try:
            cmsg.parse(raw)  # type: ignore[arg-type]
        except sockaddr.DecodeError:
            refused += 1
    assert refused > 0


# -- hypothesis' plugin entry point ------------------------------------------------------

def test_entry_point_is_installed() -> None:
    points = importlib.metadata.entry_points(group="hypothesis")
    assert any(p.value == "sockaddr._hypothesis:_hypothesis_setup_hook" for p in points)


@settings(max_examples=50 * SCALE, deadline=None)
@given(st.from_type(cmsg.IpPktinfo), st.from_type(cmsg.ScmRights), st.from_type(sockaddr.Sockaddr))
def test_from_type_uses_our_strategies(pktinfo: cmsg.IpPktinfo, rights: cmsg.ScmRights,
                                       rec: sockaddr.Sockaddr) -> None:
    # Without the plugin, from_type would build these dataclasses from arbitrary
    # ints and strings, which do not encode.
    for message in (pktinfo, rights):
        level, type_, data = cmsg.encode(message)
        assert cmsg.decode(level, type_, data) == message
    assert sockaddr.parse(bytes(rec), proto=rec.proto, abi=rec.abi) == rec


def test_package_imports_without_hypothesis(tmp_path: Path) -> None:
    script = textwrap.dedent("""
        import sys
        class Block:
            def find_spec(self, name, path=None, target=None):
                if name == "hypothesis" or name.startswith("hypothesis."):
                    raise ImportError("blocked: " + name)
        sys.meta_path.insert(0, Block())
        import sockaddr, sockaddr.cmsg, sockaddr.cli, sockaddr.socket, sockaddr.captures.audit
        from sockaddr.families import _load
        _load()
        assert not [m for m in sys.modules if m.startswith("hypothesis")]
        try:
            import sockaddr.strategies
        except ImportError as e:
            print("refused:", e)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, cwd=tmp_path)
    assert "refused: sockaddr.strategies needs hypothesis" in out.stdout


def test_strategies_module_is_public_and_typed() -> None:
    assert set(sst.__all__) >= {"addresses", "sockaddrs", "control_messages", "control_buffers"}
    assert (ROOT / "sockaddr" / "py.typed").exists()
    assert isinstance(pathlib.PurePosixPath("lo"), os.PathLike)
