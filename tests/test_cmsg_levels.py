"""The less common control-message levels against the C headers.

None of these families runs on this kernel (TLS, ALG, SCTP, RDS, TIPC,
RXRPC, CAN, Bluetooth are off; IUCV is s390 only; DCCP is gone in 6.16), so
the oracles are the headers, with gcc for linux-x86_64 (-m64) and linux-i386
(-m32):

* every struct payload: a C program fills the header's struct (or, where the
  kernel writes an array, that array) with distinct values and prints its
  bytes; ``cmsg.decode`` of those bytes must give the same values, field by
  field, and ``cmsg.encode`` the same bytes.  Scalar payloads go through the
  header's own C type (``unsigned long``, ``name_t``, ``priority_t``...);
* every (level, type) number against the header's macro or enum constant;
* ``tests/test_headers.py`` checks the schema structs and constants themselves.

Also: the padding a decoded message keeps, the union arms of the RDS atomic
messages, the variable forms (ALG_SET_IV, RXRPC_SET_CALL_TIMEOUT), the empty
RXRPC messages, and the SOL_HCI classes, which need the socket family.
"""

from __future__ import annotations

import dataclasses
import functools
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from c_struct_oracle import Case, c_images
from header_oracle import ABIS, CompilerUnavailable
from hypothesis import given, settings
from hypothesis import strategies as st

import sockaddr
from sockaddr import cmsg, schemas
from sockaddr.abi import ABI, KNOWN
from sockaddr.cmsg import (
    sol_alg,
    sol_bluetooth,
    sol_dccp,
    sol_iucv,
    sol_j1939,
    sol_llc,
    sol_rds,
    sol_rxrpc,
    sol_sctp,
    sol_tipc,
    sol_tls,
    sol_vsock,
)
from sockaddr.cmsg._base import ControlMessage, RawMessage
from sockaddr.cmsg._shapes import EmptyMessage

MODULES = (sol_alg, sol_bluetooth, sol_dccp, sol_iucv, sol_j1939, sol_llc, sol_rds, sol_rxrpc,
           sol_sctp, sol_tipc, sol_tls, sol_vsock)
HCI = sol_bluetooth.HCI_MESSAGES
CLASSES = sorted({c for m in MODULES for n in m.__all__
                  if isinstance(c := getattr(m, n), type) and issubclass(c, ControlMessage)},
                 key=lambda c: c.__name__)
REGISTERED = [c for c in CLASSES if c not in HCI]

ALL_HEADERS = (
    "sys/socket.h", "stdint.h", "limits.h", "netinet/in.h", "linux/errqueue.h",
    "linux/time_types.h", "linux/tls.h", "linux/if_alg.h", "linux/sctp.h", "linux/rds.h",
    "linux/tipc.h", "linux/rxrpc.h", "linux/can/j1939.h", "bluetooth/bluetooth.h",
    "bluetooth/hci.h", "linux/vm_sockets.h", "netiucv/iucv.h", "linux/llc.h", "linux/dccp.h",
)
#: Headers that may be missing, and the classes that need them: <linux/dccp.h> went
#: with DCCP in Linux 6.16, BlueZ's are in libbluetooth-dev, glibc's <netiucv/iucv.h>.
OPTIONAL = {
    "linux/dccp.h": (sol_dccp,), "netiucv/iucv.h": (sol_iucv,),
    "bluetooth/bluetooth.h": (sol_bluetooth,), "bluetooth/hci.h": (sol_bluetooth,),
}
_INCLUDE = ("/usr/local/include", "/usr/include", "/usr/include/x86_64-linux-gnu")
MISSING = {h for h in OPTIONAL if not any(Path(d, h).is_file() for d in _INCLUDE)}
HEADERS = tuple(h for h in ALL_HEADERS if h not in MISSING)
UNCHECKABLE = {m.__name__.rsplit(".", 1)[-1]: h for h in MISSING for m in OPTIONAL[h]}


def _needs(cls: type[ControlMessage]) -> None:
    """Skip when the header ``cls`` is checked against is not installed."""
    header = UNCHECKABLE.get(cls.__module__.rsplit(".", 1)[-1])
    if header:
        pytest.skip(f"<{header}> is not installed: {cls.__name__} is checked against it")


@dataclass(frozen=True)
class Spec:
    """One payload: the class, the C object that holds it, how to fill it, what we read."""

    cls: type[ControlMessage]
    c_type: str
    statements: tuple[str, ...]
    expect: dict[str, Any]
    sizes: dict[str, int] = field(default_factory=dict)   # sizeof per ABI, where it differs
    name: str = ""
    per_abi: dict[str, dict[str, Any]] = field(default_factory=dict)   # expect, where it differs

    def values(self, abi: str) -> dict[str, Any]:
        return {**self.expect, **self.per_abi.get(abi, {})}

    @property
    def key(self) -> str:
        return self.name or self.cls.__name__


def _set(**members: int) -> tuple[str, ...]:
    """``s.member = (typeof)(value);`` for each member (``__`` spells ``.``)."""
    out = []
    for path, value in members.items():
        lvalue = "s." + path.replace("__", ".")
        literal = f"{value:#x}ULL" if value >= 0 else f"({value}LL)"
        out.append(f"{lvalue} = (__typeof__({lvalue})){literal};")
    return tuple(out)


def _bytes(lvalue: str, data: bytes) -> tuple[str, ...]:
    return tuple(f"{lvalue}[{i}] = {b:#04x};" for i, b in enumerate(data))


EE = {"ee_errno": 0x2A00_0001, "ee_origin": 4, "ee_type": 0xB2, "ee_code": 0xC3,
      "ee_pad": 0xD4, "ee_info": 0xE5F6_0718, "ee_data": 0x8899_AABB}
EE_FIELDS = {k.removeprefix("ee_"): v for k, v in EE.items()}
U64 = 0x8877_6655_4433_2211

SPECS: list[Spec] = [
    # SOL_TLS
    Spec(sol_tls.TlsSetRecordType, "unsigned char", ("s = 22;",), {"record_type": 22}),
    Spec(sol_tls.TlsGetRecordType, "unsigned char", ("s = 0xf5;",), {"record_type": 0xF5}),
    # SOL_ALG
    Spec(sol_alg.AlgSetIv, "__typeof__(unsigned char[4 + 12])", (
        "struct af_alg_iv *h = (void *)s;", "h->ivlen = 12;",
        *(f"h->iv[{i}] = {0xA0 + i};" for i in range(12))),
        {"ivlen": 12, "iv": bytes(range(0xA0, 0xAC))}),
    Spec(sol_alg.AlgSetOp, "__u32", ("s = ALG_OP_ENCRYPT;",), {"op": 1}),
    Spec(sol_alg.AlgSetAeadAssoclen, "__u32", ("s = 0xfedcba98u;",), {"assoclen": 0xFEDCBA98}),
    # SOL_SCTP
    Spec(sol_sctp.SctpInit, "struct sctp_initmsg", _set(
        sinit_num_ostreams=0xA1B1, sinit_max_instreams=0xA2B2, sinit_max_attempts=0xA3B3,
        sinit_max_init_timeo=0xA4B4),
        {"num_ostreams": 0xA1B1, "max_instreams": 0xA2B2, "max_attempts": 0xA3B3,
         "max_init_timeo": 0xA4B4}),
    Spec(sol_sctp.SctpSndrcv, "struct sctp_sndrcvinfo", _set(
        sinfo_stream=0x0102, sinfo_ssn=0x0304, sinfo_flags=0x8001, sinfo_ppid=0xC1C2C3C4,
        sinfo_context=0xD1D2D3D4, sinfo_timetolive=0xE1E2E3E4, sinfo_tsn=0xF1F2F3F4,
        sinfo_cumtsn=0x91929394, sinfo_assoc_id=-123456789),
        {"stream": 0x0102, "ssn": 0x0304, "flags": 0x8001, "ppid": 0xC1C2C3C4,
         "context": 0xD1D2D3D4, "timetolive": 0xE1E2E3E4, "tsn": 0xF1F2F3F4,
         "cumtsn": 0x91929394, "assoc_id": -123456789}),
    Spec(sol_sctp.SctpSndinfo, "struct sctp_sndinfo", _set(
        snd_sid=0xA1A2, snd_flags=0x0200, snd_ppid=0xB1B2B3B4, snd_context=0xC1C2C3C4,
        snd_assoc_id=-2),
        {"sid": 0xA1A2, "flags": 0x0200, "ppid": 0xB1B2B3B4, "context": 0xC1C2C3C4,
         "assoc_id": -2}),
    Spec(sol_sctp.SctpRcvinfo, "struct sctp_rcvinfo", _set(
        rcv_sid=0x1112, rcv_ssn=0x2122, rcv_flags=0x3132, rcv_ppid=0x41424344,
        rcv_tsn=0x51525354, rcv_cumtsn=0x61626364, rcv_context=0x71727374,
        rcv_assoc_id=0x7FFFFFFF),
        {"sid": 0x1112, "ssn": 0x2122, "flags": 0x3132, "ppid": 0x41424344,
         "tsn": 0x51525354, "cumtsn": 0x61626364, "context": 0x71727374,
         "assoc_id": 0x7FFFFFFF}),
    Spec(sol_sctp.SctpNxtinfo, "struct sctp_nxtinfo", _set(
        nxt_sid=0xFFFE, nxt_flags=0x0001, nxt_ppid=0x01020304, nxt_length=0xF0E0D0C0,
        nxt_assoc_id=-(2**31)),
        {"sid": 0xFFFE, "flags": 1, "ppid": 0x01020304, "length": 0xF0E0D0C0,
         "assoc_id": -(2**31)}),
    Spec(sol_sctp.SctpPrinfo, "struct sctp_prinfo", _set(
        pr_policy=0x0030, pr_value=0xA0B0C0D0), {"policy": 0x30, "value": 0xA0B0C0D0}),
    Spec(sol_sctp.SctpAuthinfo, "struct sctp_authinfo", _set(auth_keynumber=0xBEEF),
         {"keynumber": 0xBEEF}),
    Spec(sol_sctp.SctpDstAddrV4, "struct in_addr", ("s.s_addr = BE32(0xc0000201);",),
         {"addr": "192.0.2.1"}),
    Spec(sol_sctp.SctpDstAddrV6, "struct in6_addr",
         _bytes("s.s6_addr", socket.inet_pton(socket.AF_INET6, "2001:db8::a:b0c")),
         {"addr": "2001:db8::a:b0c"}),
    # SOL_RDS
    Spec(sol_rds.RdsRdmaArgs, "struct rds_rdma_args", _set(
        cookie=0x0102030405060708, remote_vec__addr=0x1112131415161718,
        remote_vec__bytes=0x2122232425262728, local_vec_addr=0x3132333435363738,
        nr_local=0x4142434445464748, flags=0x51, user_token=U64),
        {"cookie": 0x0102030405060708, "remote_vec": (0x1112131415161718, 0x2122232425262728),
         "local_vec_addr": 0x3132333435363738, "nr_local": 0x4142434445464748, "flags": 0x51,
         "user_token": U64}, {"linux-x86_64": 56, "linux-i386": 56}),
    Spec(sol_rds.RdsRdmaDest, "rds_rdma_cookie_t", (f"s = {U64:#x}ULL;",), {"cookie": U64}),
    Spec(sol_rds.RdsRdmaMap, "struct rds_get_mr_args", _set(
        vec__addr=0xA1A2A3A4A5A6A7A8, vec__bytes=0x1000, cookie_addr=0x7FFF00001234,
        flags=0x0C), {"vec": (0xA1A2A3A4A5A6A7A8, 0x1000), "cookie_addr": 0x7FFF00001234,
                      "flags": 0x0C}, {"linux-x86_64": 32, "linux-i386": 32}),
    Spec(sol_rds.RdsRdmaStatus, "struct rds_rdma_notify", _set(
        user_token=0xFEDCBA9876543210, status=-4),
        {"user_token": 0xFEDCBA9876543210, "status": -4},
        {"linux-x86_64": 16, "linux-i386": 12}),
    Spec(sol_rds.RdsCongUpdate, "uint64_t", ("s = 0x8000000000000001ULL;",),
         {"mask": 0x8000000000000001}),
    Spec(sol_rds.RdsAtomicFadd, "struct rds_atomic_args", _set(
        cookie=0x0101, local_addr=0x0202, remote_addr=0x0303, fadd__add=U64,
        flags=0x0404, user_token=0x0505),
        {"cookie": 0x0101, "local_addr": 0x0202, "remote_addr": 0x0303, "add": U64,
         "flags": 0x0404, "user_token": 0x0505}, {"linux-x86_64": 72, "linux-i386": 72}),
    Spec(sol_rds.RdsAtomicCswp, "struct rds_atomic_args", _set(
        cookie=0x1111, local_addr=0x2222, remote_addr=0x3333, cswp__compare=0x4444,
        cswp__swap=U64, flags=0x5555, user_token=0x6666),
        {"cookie": 0x1111, "local_addr": 0x2222, "remote_addr": 0x3333, "compare": 0x4444,
         "swap": U64, "flags": 0x5555, "user_token": 0x6666}),
    Spec(sol_rds.RdsMaskedAtomicFadd, "struct rds_atomic_args", _set(
        cookie=0x1A, local_addr=0x2B, remote_addr=0x3C, m_fadd__add=0x4D,
        m_fadd__nocarry_mask=U64, flags=0x5E, user_token=0x6F),
        {"cookie": 0x1A, "local_addr": 0x2B, "remote_addr": 0x3C, "add": 0x4D,
         "nocarry_mask": U64, "flags": 0x5E, "user_token": 0x6F}),
    Spec(sol_rds.RdsMaskedAtomicCswp, "struct rds_atomic_args", _set(
        cookie=1, local_addr=2, remote_addr=3, m_cswp__compare=4, m_cswp__swap=5,
        m_cswp__compare_mask=0xFFFF0000FFFF0000, m_cswp__swap_mask=U64, flags=6,
        user_token=7),
        {"cookie": 1, "local_addr": 2, "remote_addr": 3, "compare": 4, "swap": 5,
         "compare_mask": 0xFFFF0000FFFF0000, "swap_mask": U64, "flags": 6,
         "user_token": 7}),
    Spec(sol_rds.RdsRxpathLatency, "struct rds_cmsg_rx_trace", (
        "s.rx_traces = 3;", *_bytes("s.rx_trace_pos", b"\x00\x01\x02"),
        "s.rx_trace[0] = 0x1111222233334444ULL;", "s.rx_trace[1] = 0x5555;",
        f"s.rx_trace[2] = {U64:#x}ULL;"),
        {"rx_traces": 3, "rx_trace_pos": b"\x00\x01\x02",
         "rx_trace": (0x1111222233334444, 0x5555, U64)},
        {"linux-x86_64": 32, "linux-i386": 28}),
    Spec(sol_rds.RdsZcopyCookie, "__u32", ("s = 0xc0c0c0c1u;",), {"cookie": 0xC0C0C0C1}),
    Spec(sol_rds.RdsZcopyCompletion, "struct rds_zcopy_cookies", (
        "s.num = RDS_MAX_ZCOOKIES;",
        *(f"s.cookies[{i}] = 0xa0b0c0d{i}u;" for i in range(8))),
        {"num": 8, "cookies": tuple(0xA0B0C0D0 + i for i in range(8))},
        {"linux-x86_64": 36, "linux-i386": 36}),
    # SOL_TIPC: the kernel's u32 anc_data[] (tipc_sk_anc_data_recv)
    Spec(sol_tipc.TipcErrinfo, "__typeof__(__u32[2])", (
        "s[0] = TIPC_ERR_NO_PORT;", "s[1] = 0x10203;"), {"err": 2, "len": 0x10203}),
    Spec(sol_tipc.TipcRetdata, "__typeof__(unsigned char[5])", _bytes("s", b"hello"),
         {"data": b"hello"}),
    Spec(sol_tipc.TipcDestname, "__typeof__(__u32[3])", (
        "s[0] = 0x80000001u;", "s[1] = 17;", "s[2] = 0xffffffffu;"),
        {"type": 0x80000001, "lower": 17, "upper": 0xFFFFFFFF}),
    Spec(sol_tipc.TipcDestname, "struct tipc_service_range", (
        "s.type = 0x80000001u;", "s.lower = 17;", "s.upper = 0xffffffffu;"),
        {"type": 0x80000001, "lower": 17, "upper": 0xFFFFFFFF}, name="TipcDestnameStruct"),
    # SOL_RXRPC
    Spec(sol_rxrpc.RxrpcUserCallId, "unsigned long", ("s = ULONG_MAX - 2;",),
         {}, {"linux-x86_64": 8, "linux-i386": 4},
         per_abi={"linux-x86_64": {"user_call_id": 2**64 - 3},
                  "linux-i386": {"user_call_id": 2**32 - 3}}),
    Spec(sol_rxrpc.RxrpcAbort, "__u32", ("s = (__u32)RX_USER_ABORT;",),
         {"abort_code": 2**32 - 6}),
    Spec(sol_rxrpc.RxrpcNetError, "__u32", ("s = 113;",), {"errno": 113}),
    Spec(sol_rxrpc.RxrpcLocalError, "__u32", ("s = 12;",), {"errno": 12}),
    Spec(sol_rxrpc.RxrpcTxLength, "__s64", ("s = -2;",), {"length": -2}),
    Spec(sol_rxrpc.RxrpcTxLength, "__s64", ("s = 0x7fffffffffffffffLL;",),
         {"length": 2**63 - 1}, name="RxrpcTxLengthMax"),
    Spec(sol_rxrpc.RxrpcSetCallTimeout, "__typeof__(__u32[3])", (
        "s[0] = 30000;", "s[1] = 0xfffffffeu;", "s[2] = 1;"),
        {"timeouts": (30000, 0xFFFFFFFE, 1)}),
    Spec(sol_rxrpc.RxrpcSetCallTimeout, "__typeof__(__u32[1])", ("s[0] = 0xa1b2c3d4u;",),
         {"timeouts": (0xA1B2C3D4,)}, name="RxrpcSetCallTimeout1"),
    Spec(sol_rxrpc.RxrpcSetCallTimeout, "__typeof__(__u32[2])", ("s[0] = 5;", "s[1] = 6;"),
         {"timeouts": (5, 6)}, name="RxrpcSetCallTimeout2"),
    Spec(sol_rxrpc.RxrpcOobId, "__u64", (f"s = {U64:#x}ULL;",), {"oob_id": U64}),
    # SOL_CAN_J1939
    Spec(sol_j1939.ScmJ1939DestAddr, "__u8", ("s = J1939_NO_ADDR;",), {"addr": 0xFF}),
    Spec(sol_j1939.ScmJ1939DestName, "name_t", (f"s = {U64:#x}ULL;",), {"name": U64}),
    Spec(sol_j1939.ScmJ1939Prio, "priority_t", ("s = 6;",), {"priority": 6}),
    Spec(sol_j1939.ScmJ1939Errqueue, "struct sock_extended_err", _set(**EE), EE_FIELDS),
    # SOL_BLUETOOTH and SOL_HCI
    Spec(sol_bluetooth.BtScmPktStatus, "__u8", ("s = 2;",), {"status": 2}),
    Spec(sol_bluetooth.BtScmError, "struct sock_extended_err", _set(**EE), EE_FIELDS),
    Spec(sol_bluetooth.BtScmPktSeqnum, "__u16", ("s = 0xfedc;",), {"seqnum": 0xFEDC}),
    Spec(sol_bluetooth.HciCmsgDir, "int", ("s = 1;",), {"incoming": 1}),
    Spec(sol_bluetooth.HciCmsgTstamp, "struct __kernel_old_timeval", _set(
        tv_sec=1_700_000_000, tv_usec=-999_999), {"sec": 1_700_000_000, "usec": -999_999},
        {"linux-x86_64": 16, "linux-i386": 8}),
    # SOL_VSOCK, SOL_IUCV, SOL_LLC, SOL_DCCP
    Spec(sol_vsock.VsockRecvErr, "struct sock_extended_err", _set(**EE), EE_FIELDS),
    Spec(sol_iucv.ScmIucvTrgcls, "__u32", ("s = 0x80706050u;",), {"trgcls": 0x80706050}),
    Spec(sol_llc.LlcOptPktinfo, "struct llc_pktinfo", (
        "s.lpi_ifindex = -7;", "s.lpi_sap = LLC_SAP_SNAP;",
        *_bytes("s.lpi_mac", bytes.fromhex("02a1b2c3d4e5"))),
        {"ifindex": -7, "sap": 0xAA, "mac": bytes.fromhex("02a1b2c3d4e5")},
        {"linux-x86_64": 12, "linux-i386": 12}),
    Spec(sol_dccp.DccpScmPriority, "__u32", ("s = 0xfffffff0u;",), {"priority": 0xFFFFFFF0}),
]
SPEC = {s.key: s for s in SPECS}


def _images(abi: str) -> dict[str, bytes]:
    cases = tuple(Case(s.key, s.c_type, (*s.statements, "(void)s;")) for s in SPECS
                  if s.cls.__module__.rsplit(".", 1)[-1] not in UNCHECKABLE)
    try:
        return c_images(cases, HEADERS, abi)
    except CompilerUnavailable as e:
        pytest.skip(str(e))


def _decode(cls: type[ControlMessage], data: bytes, abi: str) -> ControlMessage:
    if cls in HCI:
        # Not registered (see sol_bluetooth.HCI_MESSAGES): read through the class itself.
        return cls.from_payload(data, ABI.get(abi))
    return cmsg.decode(*cls.numbers(ABI.get(abi)), data, abi=abi)


def _fields(message: ControlMessage) -> dict[str, Any]:
    return {f.name: getattr(message, f.name)
            for f in dataclasses.fields(message)}  # type: ignore[arg-type]


@pytest.mark.parametrize("abi", ABIS)
@pytest.mark.parametrize("key", SPEC)
def test_payload_is_the_c_object(abi: str, key: str) -> None:
    """decode(C bytes) has the C values, encode gives the C bytes back."""
    spec = SPEC[key]
    _needs(spec.cls)
    want = _images(abi)[key]
    if abi in spec.sizes:
        assert len(want) == spec.sizes[abi], f"sizeof({spec.c_type}) on {abi}"
    size = spec.cls.payload_size(ABI.get(abi))
    assert size in (None, len(want))
    message = _decode(spec.cls, want, abi)
    assert type(message) is spec.cls
    assert _fields(message) == spec.values(abi)
    level, type_ = spec.cls.numbers(ABI.get(abi))
    if spec.cls in HCI:
        assert message.to_payload(ABI.get(abi)) == want
    else:
        assert cmsg.encode(message, abi=abi) == (level, type_, want)
    # A message built from the values (no remembered bytes) encodes the same.
    assert spec.cls(**spec.values(abi)).to_payload(ABI.get(abi)) == want


def test_registered() -> None:
    """Every class but the SOL_HCI ones (see sol_bluetooth.HCI_MESSAGES) is registered."""
    known = set(cmsg.message_classes())
    assert [c.__name__ for c in REGISTERED if c not in known] == []


def test_every_class_has_a_c_case() -> None:
    covered = {s.cls for s in SPECS}
    missing = [c.__name__ for c in CLASSES if c not in covered
               and not issubclass(c, RawMessage | EmptyMessage)]
    assert missing == []


# -- the (level, type) numbers against the headers -------------------------------------

#: Where each number is defined.  SOL_SCTP is in no installed header (the kernel's
#: include/linux/socket.h is not UAPI, lksctp's <netinet/sctp.h> is absent): it is
#: IPPROTO_SCTP, as sctp_setsockopt() relies on, so that is what it is checked against.
SPELLED = {"SOL_SCTP": "IPPROTO_SCTP"}
#: Constants newer than the 6.1 headers installed here (not declared, so not checkable).
NEWER = {
    "RXRPC_OOB_ID": "Linux 6.16", "RXRPC_CHALLENGED": "Linux 6.16",
    "RXRPC_RESPOND": "Linux 6.16", "RXRPC_RESPONDED": "Linux 6.16",
    "RXRPC_RESP_RXGK_APPDATA": "Linux 6.16", "BT_SCM_ERROR": "Linux 6.14",
    "BT_SCM_PKT_SEQNUM": "Linux 6.17",
}
NAMES = sorted({n for c in CLASSES for n in (c.cmsg_level, c.cmsg_type)})


def _header_values(abi: str) -> dict[str, int]:
    cc = shutil.which("gcc")
    if cc is None:
        pytest.skip("gcc not found: needed to read the constants from the headers")
    checked = [n for n in NAMES if n not in NEWER and not any(
        n in (c.cmsg_level, c.cmsg_type) for c in CLASSES
        if c.__module__.rsplit(".", 1)[-1] in UNCHECKABLE)]
    lines = [f'    printf("%s %lld\\n", "{n}", (long long)({SPELLED.get(n, n)}));'
             for n in checked]
    source = ("".join(f"#include <{h}>\n" for h in HEADERS) + "#include <stdio.h>\n"
              "int main(void)\n{\n" + "\n".join(lines) + "\n    return 0;\n}\n")
    return _run(source, abi)


@functools.cache
def _run(source: str, abi: str) -> dict[str, int]:
    with tempfile.TemporaryDirectory() as tmp:
        src, exe = Path(tmp) / "numbers.c", Path(tmp) / "numbers"
        src.write_text(source)
        built = subprocess.run(["gcc", *ABIS[abi], "-o", str(exe), str(src)],
                               capture_output=True, text=True, check=False)
        if built.returncode:
            if "-m32" in ABIS[abi] and "bits/" in built.stderr:
                pytest.skip("gcc -m32 cannot build: install gcc-multilib")
            pytest.fail(f"the constants program does not compile:\n{built.stderr}",
                        pytrace=False)
        out = subprocess.run([str(exe)], capture_output=True, text=True, check=True).stdout
    return {name: int(value) for name, value in (line.split() for line in out.splitlines())}


@pytest.mark.parametrize("abi", ABIS)
@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_numbers_are_the_headers(abi: str, cls: type[ControlMessage]) -> None:
    _needs(cls)
    newer = [n for n in (cls.cmsg_level, cls.cmsg_type) if n in NEWER]
    values = _header_values(abi)
    level, type_ = cls.numbers(ABI.get(abi))
    if cls.cmsg_level not in NEWER:
        assert values[cls.cmsg_level] == level, cls.cmsg_level
    if newer:
        pytest.skip(f"{', '.join(newer)} ({NEWER[newer[0]]}): newer than the 6.1 headers here")
    assert values[cls.cmsg_type] == type_, cls.cmsg_type


def test_newer_numbers_follow_the_kernel_sequence() -> None:
    """The merged OOB numbering (not the earlier revision's CHALLENGED = 15)."""
    names = ["RXRPC_CHARGE_ACCEPT", "RXRPC_OOB_ID", "RXRPC_CHALLENGED", "RXRPC_RESPOND",
             "RXRPC_RESPONDED", "RXRPC_RESP_RXGK_APPDATA"]
    assert [schemas.constant(n) for n in names] == list(range(14, 20))
    assert [schemas.constant(n) for n in ("BT_SCM_PKT_STATUS", "BT_SCM_ERROR",
                                          "BT_SCM_PKT_SEQNUM")] == [3, 4, 5]


# -- what only some forms do ------------------------------------------------------------

@pytest.mark.parametrize(("abi", "size"), [("linux-x86_64", 16), ("linux-i386", 12)])
def test_rds_rdma_status_size(abi: str, size: int) -> None:
    """RDS_CMSG_RDMA_STATUS: 16 bytes on x86_64, 12 on i386, as gcc lays it out."""
    assert len(_images(abi)["RdsRdmaStatus"]) == size
    assert sol_rds.RdsRdmaStatus.payload_size(ABI.get(abi)) == size
    status = sol_rds.RdsRdmaStatus(user_token=1, status=-1)
    assert len(cmsg.encode(status, abi=abi)[2]) == size
    with pytest.raises(sockaddr.DecodeError, match=f"takes {size}"):
        cmsg.decode(276, 4, bytes(28 - size), abi=abi)


def test_padding_is_kept_when_decoded() -> None:
    abi = "linux-x86_64"
    image = bytearray(_images(abi)["SctpSndrcv"])
    assert image[6:8] == b"\0\0"                  # the hole after sinfo_flags
    image[6:8] = b"\xde\xad"
    message = cmsg.decode(132, 1, bytes(image), abi=abi)
    assert cmsg.encode(message, abi=abi)[2] == bytes(image)
    assert message == sol_sctp.SctpSndrcv(**SPEC["SctpSndrcv"].expect)   # not a field
    assert "dead" not in repr(message)
    # A message built by hand, or the same one on another ABI, has zero padding.
    assert sol_sctp.SctpSndrcv(**SPEC["SctpSndrcv"].expect).to_payload(ABI.get(abi))[6:8] == (
        b"\0\0")
    assert cmsg.encode(message, abi="linux-s390x")[2][6:8] == b"\0\0"
    notify = bytearray(_images(abi)["RdsRdmaStatus"])
    notify[12:16] = b"\x01\x02\x03\x04"           # tail padding
    assert cmsg.encode(cmsg.decode(276, 4, bytes(notify), abi=abi), abi=abi)[2] == notify


def test_atomic_union_arms() -> None:
    """Bytes of the union an arm does not use are kept, and zero when built."""
    abi = "linux-x86_64"
    image = _images(abi)["RdsMaskedAtomicCswp"]
    fadd = cmsg.decode(276, 6, image, abi=abi)
    assert isinstance(fadd, sol_rds.RdsAtomicFadd)
    assert fadd.add == 4                             # m_cswp.compare is fadd.add
    assert cmsg.encode(fadd, abi=abi)[2] == image
    built = dataclasses.replace(fadd)
    assert built == fadd
    assert built.to_payload(ABI.get(abi))[32:56] == bytes(24)
    cswp = cmsg.decode(276, 7, image, abi=abi)
    assert (cswp.compare, cswp.swap) == (4, 5)       # type: ignore[attr-defined]


def test_variable_forms() -> None:
    abi = "linux-x86_64"
    assert sol_alg.AlgSetIv.of(b"\x01\x02") == sol_alg.AlgSetIv(2, b"\x01\x02")
    # ivlen is kept as sent, even where the kernel would refuse it (EINVAL).
    odd = cmsg.decode(279, 2, b"\x10\0\0\0abc", abi=abi)
    assert odd == sol_alg.AlgSetIv(16, b"abc")
    assert cmsg.encode(odd, abi=abi)[2] == b"\x10\0\0\0abc"
    assert cmsg.encode(sol_alg.AlgSetIv.of(b"xy"), abi="linux-s390x")[2] == b"\0\0\0\2xy"
    # Payloads the kernel refuses and the class cannot hold stay raw.
    assert cmsg.decode(279, 2, b"\1\2", abi=abi) == cmsg.Unknown(279, 2, b"\1\2")
    for bad in (b"", b"\1\2\3\4\5", bytes(16)):
        assert cmsg.decode(272, 13, bad, abi=abi) == cmsg.Unknown(272, 13, bad)
    for timeouts in ((), (1, 2, 3, 4)):
        with pytest.raises(ValueError, match="1 to 3 items"):
            cmsg.encode(sol_rxrpc.RxrpcSetCallTimeout(timeouts), abi=abi)
    with pytest.raises(OverflowError):
        cmsg.encode(sol_rxrpc.RxrpcSetCallTimeout((2**32,)), abi=abi)
    with pytest.raises(OverflowError):
        cmsg.encode(sol_alg.AlgSetIv(-1, b""), abi=abi)


@pytest.mark.parametrize("cls", [sol_rxrpc.RxrpcAck, sol_rxrpc.RxrpcBusy,
                                 sol_rxrpc.RxrpcNewCall, sol_rxrpc.RxrpcExclusiveCall,
                                 sol_rxrpc.RxrpcUpgradeService, sol_rxrpc.RxrpcChargeAccept],
                         ids=lambda c: c.__name__)
def test_empty_messages(cls: type[ControlMessage]) -> None:
    level, type_ = cls.numbers(ABI.get("linux-i386"))
    assert cmsg.decode(level, type_, b"") == cls()
    assert cmsg.encode(cls()) == (level, type_, b"")
    assert cmsg.build([cls()], abi="linux-i386") == (12).to_bytes(4, "little") + (
        level.to_bytes(4, "little") + type_.to_bytes(4, "little"))
    with pytest.raises(sockaddr.DecodeError, match="takes 0"):
        cmsg.decode(level, type_, b"\0")


def test_addresses_are_text() -> None:
    assert cmsg.encode(sol_sctp.SctpDstAddrV6("::ffff:192.0.2.1")) == (
        132, 8, socket.inet_pton(socket.AF_INET6, "::ffff:192.0.2.1"))
    with pytest.raises(OSError, match="illegal IP address"):
        cmsg.encode(sol_sctp.SctpDstAddrV4("192.0.2"))


# -- SOL_HCI: level 0 needs the socket's family ------------------------------------------

def test_hci_classes_are_family_bound() -> None:
    for cls in HCI:
        assert cls.family == "AF_BLUETOOTH"  # type: ignore[attr-defined]
        assert cls.numbers(ABI.get("linux-x86_64"))[0] == 0


def test_level_0_without_a_family_is_ip() -> None:
    """Whatever is registered, level 0 without a family hint decodes as SOL_IP."""
    assert cmsg.decode(0, 1, b"\x10\0\0\0", abi="linux-x86_64") == cmsg.IpTosInt(16)
    assert cmsg.decode(0, 2, b"\x40\0\0\0", abi="linux-x86_64") == cmsg.IpTtl(64)


def test_level_0_with_the_bluetooth_family_is_hci() -> None:
    assert sol_bluetooth.HciCmsgDir in cmsg.message_classes()
    bt = schemas.constant("AF_BLUETOOTH")      # 31; this CPython has no socket.AF_BLUETOOTH
    abi = "linux-x86_64"
    assert cmsg.decode(0, 1, b"\1\0\0\0", abi=abi, family=bt) == sol_bluetooth.HciCmsgDir(1)
    assert cmsg.decode(0, 2, _images(abi)["HciCmsgTstamp"], abi=abi, family=bt) == (
        sol_bluetooth.HciCmsgTstamp(1_700_000_000, -999_999))
    assert cmsg.decode(0, 1, b"\x10\0\0\0", abi=abi, family=socket.AF_INET) == (
        cmsg.IpTosInt(16))
    buffer = cmsg.build([sol_bluetooth.HciCmsgDir(0)], abi=abi)
    assert cmsg.parse(buffer, abi=abi, family=bt) == [sol_bluetooth.HciCmsgDir(0)]
    assert cmsg.parse(buffer, abi=abi) == [cmsg.IpTosInt(0)]


# -- round trips on every ABI ------------------------------------------------------------

def _values(cls: type[ControlMessage], abi: ABI) -> st.SearchStrategy[bytes]:
    size = cls.payload_size(abi)
    if cls is sol_alg.AlgSetIv:
        return st.binary(min_size=4, max_size=40)
    if cls is sol_rxrpc.RxrpcSetCallTimeout:
        return st.sampled_from([4, 8, 12]).flatmap(lambda n: st.binary(min_size=n, max_size=n))
    if cls in (sol_sctp.SctpDstAddrV6,):
        return st.ip_addresses(v=6).map(lambda a: a.packed)
    if size is None:
        return st.binary(max_size=40)
    return st.binary(min_size=size, max_size=size)


@pytest.mark.parametrize("abi", sorted(KNOWN))
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_round_trips(abi: str, data: st.DataObject) -> None:
    """bytes -> message -> bytes is exact; message -> bytes -> message is equal."""
    a = ABI.get(abi)
    cls = data.draw(st.sampled_from(CLASSES))
    payload = data.draw(_values(cls, a))
    message = _decode(cls, payload, abi)
    assert type(message) is cls
    assert message.to_payload(a) == payload
    rebuilt = cls(**_fields(message))            # no remembered padding
    assert _decode(cls, rebuilt.to_payload(a), abi) == message
