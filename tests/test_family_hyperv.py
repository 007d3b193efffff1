"""AF_HYPERV (Windows ``SOCKADDR_HV``) and the Linux guest's vsock <-> GUID mapping.

Oracles:

* the headers: mingw-w64's ``<hvsocket.h>`` (Debian ``mingw-w64-common``),
  compiled with the host gcc: ``sizeof``/``offsetof`` of ``SOCKADDR_HV`` and
  ``GUID``, the bytes of a filled ``SOCKADDR_HV`` and of every ``DEFINE_GUID``
  of the header (Windows' GUID byte order, laid out by a C compiler);
* published byte vectors: the Linux kernel's ``srv_id_template``
  (``net/vmw_vsock/hyperv_transport.c``: ``GUID_INIT(0x00000000, 0xfacb,
  0x11e6, 0xbd, 0x58, 0x64, 0x00, 0x6a, 0x79, 0x86, 0xd3)``) and FreeBSD's
  copy of it written out as bytes (``sys/dev/hyperv/hvsock/hv_sock.c``), and
  :attr:`uuid.UUID.bytes_le`;
* CPython's source text (``Modules/socketmodule.c``, ``getsockaddrarg()``
  ``case AF_HYPERV``): its format strings, applied as ``PyErr_Format`` does;
* CPython on Linux (the ``cpython_oracle`` fixture) for family 34 when no
  Linux codec claims it.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sockaddr
from sockaddr import schemas
from sockaddr.abi import ABI, KNOWN
from sockaddr.families import decoder_for, encoder_for, hyperv
from sockaddr.families.hyperv import (
    WINDOWS_AARCH64,
    WINDOWS_X86_64,
    HyperV,
    decode_hyperv,
    encode_hyperv,
    service_id_to_vsock_port,
    vsock_port_to_service_id,
)

AF_HYPERV, HV_PROTOCOL_RAW = 34, 1
WINDOWS = [WINDOWS_X86_64, WINDOWS_AARCH64]
PARENT = "a42e7cda-d03f-480c-9cc2-a4de20abb878"      # HV_GUID_PARENT, <hvsocket.h>

# -- published vectors ------------------------------------------------------------------

#: Linux net/vmw_vsock/hyperv_transport.c: srv_id_template, as GUID_INIT's arguments.
KERNEL_TEMPLATE = (0x00000000, 0xFACB, 0x11E6, bytes([0xBD, 0x58, 0x64, 0x00, 0x6A, 0x79,
                                                       0x86, 0xD3]))
#: FreeBSD sys/dev/hyperv/hvsock/hv_sock.c: the same template, byte by byte.
FREEBSD_TEMPLATE_BYTES = bytes([0x00, 0x00, 0x00, 0x00, 0xCB, 0xFA, 0xE6, 0x11,
                                0xBD, 0x58, 0x64, 0x00, 0x6A, 0x79, 0x86, 0xD3])


def guid_init(d1: int, d2: int, d3: int, d4: bytes) -> bytes:
    """The kernel's GUID_INIT() (include/linux/uuid.h): d1..d3 little-endian."""
    return d1.to_bytes(4, "little") + d2.to_bytes(2, "little") + d3.to_bytes(2, "little") + d4


def test_template_vectors() -> None:
    assert guid_init(*KERNEL_TEMPLATE) == FREEBSD_TEMPLATE_BYTES
    text = "00000000-facb-11e6-bd58-64006a7986d3"      # the kernel's comment
    assert uuid.UUID(text).bytes_le == FREEBSD_TEMPLATE_BYTES
    assert uuid.UUID(text) == hyperv.HV_GUID_VSOCK_TEMPLATE
    data = encode_hyperv((PARENT, text))
    assert data[20:36] == FREEBSD_TEMPLATE_BYTES
    assert data[4:20] == uuid.UUID(PARENT).bytes_le


# -- the headers: mingw-w64's <hvsocket.h> --------------------------------------------

MINGW_INCLUDE = Path("/usr/share/mingw-w64/include")
_DEFINE_GUID = re.compile(r"DEFINE_GUID\((HV_GUID_\w+),\s*([^)]*)\)")
# Windows spellings the host gcc does not know; the structs involved are plain
# integers and byte arrays, laid out the same by any C compiler for x86_64.
_MINGW_FLAGS = ("-std=gnu11", "-m64", "-D_WIN32", "-D_WIN64", "-D__MINGW32__",
                "-D__MINGW64__", "-D__cdecl=", "-D__stdcall=", "-D__fastcall=",
                "-D__thiscall=", "-D__declspec(x)=", "-w")


def header_guids() -> dict[str, str]:
    """Every ``DEFINE_GUID(HV_GUID_*, ...)`` of <hvsocket.h>, as a UUID string."""
    text = (MINGW_INCLUDE / "hvsocket.h").read_text()
    out = {}
    for name, args in _DEFINE_GUID.findall(text):
        n = [int(a, 16) for a in args.split(",")]
        out[name] = (f"{n[0]:08x}-{n[1]:04x}-{n[2]:04x}-{n[3]:02x}{n[4]:02x}-"
                     + "".join(f"{b:02x}" for b in n[5:]))
    return out


@pytest.fixture(scope="module")
def mingw(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """What gcc knows of mingw-w64's SOCKADDR_HV: sizes, offsets, bytes."""
    if not (MINGW_INCLUDE / "hvsocket.h").is_file():
        pytest.skip(f"{MINGW_INCLUDE}/hvsocket.h is missing (apt-get install mingw-w64-common)")
    gcc = shutil.which("gcc")
    if gcc is None:
        pytest.skip("gcc is missing: it compiles mingw-w64's <hvsocket.h>")
    gcc_include = subprocess.run([gcc, "-print-file-name=include"], capture_output=True,
                                 text=True, check=True).stdout.strip()
    dumps = "".join(f'    dump("{name}", &{name}, sizeof {name});\n' for name in header_guids())
    source = f"""
#include <winsock2.h>
#include <hvsocket.h>
#include <stddef.h>
int printf(const char *, ...);
static void dump(const char *name, const void *p, size_t n) {{
    const unsigned char *b = p;
    printf("%s ", name);
    for (size_t i = 0; i < n; i++) printf("%02x", b[i]);
    printf("\\n");
}}
int main(void) {{
    SOCKADDR_HV a;
    printf("sizeof %zu\\nalign %zu\\n", sizeof(SOCKADDR_HV), _Alignof(SOCKADDR_HV));
    printf("Family %zu\\nReserved %zu\\nVmId %zu\\nServiceId %zu\\n",
           offsetof(SOCKADDR_HV, Family), offsetof(SOCKADDR_HV, Reserved),
           offsetof(SOCKADDR_HV, VmId), offsetof(SOCKADDR_HV, ServiceId));
    printf("GUID %zu\\nData1 %zu\\nData2 %zu\\nData3 %zu\\nData4 %zu\\n", sizeof(GUID),
           offsetof(GUID, Data1), offsetof(GUID, Data2), offsetof(GUID, Data3),
           offsetof(GUID, Data4));
    a.Family = 34;
    a.Reserved = 0;
    a.VmId = HV_GUID_PARENT;
    a.ServiceId = HV_GUID_VSOCK_TEMPLATE;
    a.ServiceId.Data1 = 0x12345678;
    dump("filled", &a, sizeof a);
{dumps}    return 0;
}}
"""
    work = tmp_path_factory.mktemp("mingw")
    (work / "hv.c").write_text(source)
    built = subprocess.run([gcc, *_MINGW_FLAGS, "-nostdinc", "-isystem", str(MINGW_INCLUDE),
                            "-isystem", gcc_include, "-o", str(work / "hv"), str(work / "hv.c")],
                           capture_output=True, text=True, check=False)
    if built.returncode:
        pytest.skip(f"gcc could not compile mingw-w64's <hvsocket.h> here: {built.stderr[:500]}")
    run = subprocess.run([str(work / "hv")], capture_output=True, text=True, check=True)
    return dict(line.split(" ", 1) for line in run.stdout.splitlines())


@pytest.mark.parametrize("abi", WINDOWS, ids=lambda a: a.name)
def test_layout_is_mingw(mingw: dict[str, str], abi: ABI) -> None:
    layout = schemas.layout("SOCKADDR_HV", abi)
    assert (layout.size, layout.align) == (int(mingw["sizeof"]), int(mingw["align"]))
    for name in ("Family", "Reserved", "VmId", "ServiceId"):
        assert layout.offsetof(name) == int(mingw[name]), name
    guid = schemas.layout("GUID", abi)
    assert guid.size == int(mingw["GUID"])
    for name in ("Data1", "Data2", "Data3", "Data4"):
        assert guid.offsetof(name) == int(mingw[name]), name


def test_filled_struct_is_mingw(mingw: dict[str, str]) -> None:
    guids = header_guids()
    service = "12345678" + guids["HV_GUID_VSOCK_TEMPLATE"][8:]
    want = bytes.fromhex(mingw["filled"])
    assert encode_hyperv((guids["HV_GUID_PARENT"], service)) == want
    assert decode_hyperv(want) == (guids["HV_GUID_PARENT"], service)
    assert sockaddr.decode(want, abi=WINDOWS_X86_64) == (guids["HV_GUID_PARENT"], service)


def test_header_guids(mingw: dict[str, str]) -> None:
    """Every DEFINE_GUID of <hvsocket.h>: our constant, its bytes, its round trip."""
    guids = header_guids()
    assert len(guids) >= 7
    for name, text in guids.items():
        raw = bytes.fromhex(mingw[name])
        assert getattr(hyperv, name) == uuid.UUID(text), name
        assert uuid.UUID(text).bytes_le == raw, name
        data = encode_hyperv((text, text))
        assert data[4:20] == data[20:36] == raw, name
    assert hyperv.HV_GUID_WILDCARD == hyperv.HV_GUID_ZERO     # #define HV_GUID_WILDCARD


# -- messages: CPython's getsockaddrarg(), case AF_HYPERV (source text) -----------------

# The format strings of Modules/socketmodule.c, verbatim.
NOT_TUPLE = "%s(): AF_HYPERV address must be tuple, not %.500s"
SHAPE = "AF_HYPERV address must be a str tuple (vm_id, service_id)"
BAD_VM = "%s(): AF_HYPERV address vm_id is not a valid UUID string"
BAD_SERVICE = "%s(): AF_HYPERV address service_id is not a valid UUID string"
BAD_PROTO = "%s(): unsupported AF_HYPERV protocol: %d"
GOOD = "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"


def raised(address: object, proto: int = HV_PROTOCOL_RAW, caller: str = "bind"
           ) -> tuple[type, str]:
    with pytest.raises(Exception) as info:  # noqa: PT011 - the type is what is checked
        sockaddr.encode(AF_HYPERV, address, proto=proto, abi=WINDOWS_X86_64, caller=caller)
    return type(info.value), str(info.value)


@pytest.mark.parametrize("caller", ["bind", "connect", "sendto"])
def test_messages(caller: str) -> None:
    assert raised([GOOD, GOOD], caller=caller) == (TypeError, NOT_TUPLE % (caller, "list"))
    assert raised(GOOD, caller=caller) == (TypeError, NOT_TUPLE % (caller, "str"))
    assert raised(None, caller=caller) == (TypeError, NOT_TUPLE % (caller, "NoneType"))
    for shape in [(GOOD,), (GOOD, GOOD, GOOD), (), (GOOD, 1), (b"x", GOOD), (GOOD, None)]:
        assert raised(shape, caller=caller) == (TypeError, SHAPE), shape
    assert raised(("x", GOOD), caller=caller) == (ValueError, BAD_VM % caller)
    assert raised((GOOD, "x"), caller=caller) == (ValueError, BAD_SERVICE % caller)
    assert raised(("x", "y"), caller=caller) == (ValueError, BAD_VM % caller)
    # The protocol is checked first, before the address is looked at.
    for proto in (0, 2, 99, -1):
        assert raised([1], proto=proto, caller=caller) == (
            OSError, BAD_PROTO % (caller, proto))


# UuidFromStringW(): 36 characters, dashes at 8, 13, 18, 23, hex digits elsewhere
# (Wine's dlls/rpcrt4/rpcrt4_main.c implements the same check).
NOT_UUIDS = [
    "", "{" + GOOD + "}", GOOD.replace("-", ""), "urn:uuid:" + GOOD, GOOD + " ", " " + GOOD,
    GOOD + "\n", GOOD[:-1], GOOD + "0", GOOD.replace("-", "_"), GOOD[:8] + "-" + GOOD[9:].replace(
        "-", "", 1) + "0", GOOD.replace("0", "\uff10"), GOOD.replace("a", "g"), GOOD + "\0",
    "\0" + GOOD[1:], GOOD.replace("-", "+"),
]


@pytest.mark.parametrize("text", NOT_UUIDS)
def test_uuid_grammar_rejects(text: str) -> None:
    assert raised((text, GOOD)) == (ValueError, BAD_VM % "bind")
    assert raised((GOOD, text)) == (ValueError, BAD_SERVICE % "bind")


def test_uuid_grammar_accepts() -> None:
    upper = GOOD.upper()
    data = encode_hyperv((upper, "00000000-0000-0000-0000-000000000000"))
    assert decode_hyperv(data) == (GOOD, str(uuid.UUID(int=0)))    # UuidToStringW: lower
    # str subclasses pass "U"; uuid.UUID objects are our extension.
    class S(str):
        pass
    assert encode_hyperv((S(GOOD), uuid.UUID(GOOD))) == encode_hyperv((GOOD, GOOD))


def test_short_data() -> None:
    data = encode_hyperv((GOOD, GOOD))
    with pytest.raises(sockaddr.DecodeError) as info:
        sockaddr.decode(data[:35], abi=WINDOWS_X86_64)
    assert info.value.offset == 35
    assert sockaddr.decode(data + b"tail", abi=WINDOWS_X86_64) == (GOOD, GOOD)


# -- round trips ---------------------------------------------------------------------------

UUIDS = st.uuids(allow_nil=True)


@settings(max_examples=100)
@given(abi=st.sampled_from(WINDOWS), vm=UUIDS, service=UUIDS, as_object=st.booleans())
def test_round_trip_windows(abi: ABI, vm: uuid.UUID, service: uuid.UUID,
                            as_object: bool) -> None:
    address = (vm, service) if as_object else (str(vm), str(service))
    data = sockaddr.encode(AF_HYPERV, address, proto=HV_PROTOCOL_RAW, abi=abi)
    assert data == b"\x22\x00\x00\x00" + vm.bytes_le + service.bytes_le
    assert sockaddr.decode(data, abi=abi) == (str(vm), str(service))
    rec = sockaddr.parse(data, abi=abi)
    assert bytes(rec) == data
    assert rec.VmId["Data1"] == vm.time_low


@settings(max_examples=100)
@given(abi=st.sampled_from(WINDOWS), body=st.binary(min_size=32, max_size=40))
def test_round_trip_bytes_windows(abi: ABI, body: bytes) -> None:
    data = b"\x22\x00\x00\x00" + body
    assert bytes(sockaddr.parse(data, abi=abi)) == data
    value = sockaddr.decode(data, abi=abi)
    assert sockaddr.encode(AF_HYPERV, value, proto=HV_PROTOCOL_RAW, abi=abi) == data[:36]


@pytest.mark.parametrize("abi", sorted(KNOWN))
def test_linux_abis_keep_family_34(abi: str) -> None:
    """On Linux 34 is AF_ISDN: a Linux ABI never reaches the Hyper-V codec."""
    assert isinstance(encoder_for(AF_HYPERV, "windows"), HyperV)
    assert isinstance(decoder_for(AF_HYPERV, "windows"), HyperV)
    assert not isinstance(encoder_for(AF_HYPERV, ABI.get(abi).os), HyperV)
    assert not isinstance(decoder_for(AF_HYPERV, ABI.get(abi).os), HyperV)
    order = ABI.get(abi).byteorder
    data = AF_HYPERV.to_bytes(2, order) + encode_hyperv((GOOD, GOOD))[2:]
    with contextlib.suppress(sockaddr.DecodeError):
        assert bytes(sockaddr.parse(data, abi=abi)) == data
    with pytest.raises((OSError, TypeError, ValueError)):
        sockaddr.encode(AF_HYPERV, (GOOD, GOOD), proto=HV_PROTOCOL_RAW, abi=abi)


# -- the Linux guest: vsock port <-> service GUID ------------------------------------------

def kernel_service_id(port: int) -> bytes:
    """hvs_connect(): srv_id_template with svm_port written over its first 4 bytes."""
    return port.to_bytes(4, "little") + guid_init(*KERNEL_TEMPLATE)[4:]


@settings(max_examples=100)
@given(port=st.integers(0, 0xFFFFFFFF))
def test_vsock_port_mapping(port: int) -> None:
    guid = vsock_port_to_service_id(port)
    assert guid.bytes_le == kernel_service_id(port)
    assert service_id_to_vsock_port(guid) == port
    assert service_id_to_vsock_port(str(guid).upper()) == port
    # get_port_by_srv_id(): the first 4 bytes of the guid_t, as an unsigned int.
    assert int.from_bytes(guid.bytes_le[:4], "little") == port


def test_vsock_mapping_errors() -> None:
    assert vsock_port_to_service_id(1024) == uuid.UUID("00000400-facb-11e6-bd58-64006a7986d3")
    for port in (-1, 2**32):
        with pytest.raises(OverflowError):
            vsock_port_to_service_id(port)
    with pytest.raises(TypeError):
        vsock_port_to_service_id(1.0)  # type: ignore[arg-type]
    # is_valid_srv_id(): bytes 4..15 must be the template's.
    for other in (PARENT, "00000400-facb-11e6-bd58-64006a7986d4",
                  "00000400-facc-11e6-bd58-64006a7986d3"):
        with pytest.raises(ValueError, match="not a vsock service GUID"):
            service_id_to_vsock_port(other)
