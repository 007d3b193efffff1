"""The command line, run as a user runs it: the installed script, in a subprocess."""

from __future__ import annotations

import json
import os
import pty
import shutil
import socket
import subprocess
import sys

import pytest

import sockaddr


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    script = shutil.which("sockaddr")
    cmd = [script] if script else [sys.executable, "-m", "sockaddr"]
    return subprocess.run([*cmd, *args], input=stdin, capture_output=True, text=True,
                          check=False, timeout=60)


def test_decode_prints_family_and_cpython_value() -> None:
    with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as s:
        s.bind(("::1", 0))
        port = s.getsockname()[1]
        expected = s.getsockname()
    hexed = sockaddr.encode(socket.AF_INET6, ("::1", port)).hex()
    out = run("decode", hexed)
    assert out.returncode == 0, out.stderr
    assert out.stdout == f"AF_INET6 {expected!r}\n"


def test_verbose_shows_every_field() -> None:
    out = run("decode", "-v", "28000000d20400000200000001000000")
    assert out.returncode == 0
    assert "svm_flags = 1" in out.stdout
    assert out.stdout.startswith("AF_VSOCK (2, 1234)")


def test_stdin_and_errors_keep_going() -> None:
    out = run("decode", stdin="0200\nzz\n01002f61\n")
    assert out.returncode == 1
    assert out.stdout == "AF_UNIX '/a'\n"
    assert "<stdin>:1: sockaddr_in: 2 bytes, needs 16" in out.stderr
    assert "<stdin>:2: not hex" in out.stderr
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize("abi", ["linux-s390x", "linux-i386"])
def test_abi_option(abi: str) -> None:
    raw = sockaddr.encode(socket.AF_NETLINK, (7, 1), abi=abi)
    out = run("decode", "--abi", abi, raw.hex())
    assert out.stdout == "AF_NETLINK (7, 1)\n"


def test_usage_error_exit_status() -> None:
    out = run("decode", "--abi", "linux-vax", "00")
    assert out.returncode == 2
    assert "Traceback" not in out.stderr


# -- encode: the oracle is the kernel's own bytes, read with getsockname(2) ------------

def _kernel_sockname(sock: socket.socket) -> bytes:
    """The raw ``struct sockaddr`` the kernel returns for ``sock``."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    buf = ctypes.create_string_buffer(128)
    size = ctypes.c_uint32(128)
    assert libc.getsockname(sock.fileno(), buf, ctypes.byref(size)) == 0
    return buf.raw[:size.value]


@pytest.mark.parametrize(("family", "name", "bind"), [
    (socket.AF_INET, "AF_INET", ("127.0.0.1", 0)),
    (socket.AF_INET6, "10", ("::1", 0)),
    (socket.AF_NETLINK, "NETLINK", (0, 0)),
])
def test_encode_matches_kernel(family: int, name: str, bind: tuple[object, ...]) -> None:
    kind = socket.SOCK_RAW if family == socket.AF_NETLINK else socket.SOCK_DGRAM
    with socket.socket(family, kind) as s:
        s.bind(bind)
        address, raw = s.getsockname(), _kernel_sockname(s)
    out = run("encode", name, repr(address))
    assert out.returncode == 0, out.stderr
    assert out.stdout == raw.hex() + "\n"
    as_json = run("encode", name, json.dumps(list(address)), "--json")
    assert as_json.returncode == 0, as_json.stderr
    obj = json.loads(as_json.stdout)
    assert obj == {"family": family, "family_name": socket.AddressFamily(family).name,
                   "address": list(address), "hex": raw.hex()}


def test_encode_abstract_unix_and_abi() -> None:
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
        s.bind(b"\0sockaddr-cli-test")
        raw = _kernel_sockname(s)
    assert run("encode", "AF_UNIX", "b'\\x00sockaddr-cli-test'").stdout == raw.hex() + "\n"
    # s390x is big-endian: sa_family 0x0001 as 00 01 (the s390x ABI's byte order).
    out = run("encode", "AF_UNIX", "b'\\x00x'", "--abi", "linux-s390x")
    assert out.stdout == "00010078\n"


def test_encode_errors() -> None:
    out = run("encode", "AF_NOPE", "1")
    assert out.returncode == 2
    assert "unknown address family 'AF_NOPE'" in out.stderr
    out = run("encode", "AF_INET", "('127.0.0.1',")
    assert out.returncode == 2
    assert "neither a Python literal nor JSON" in out.stderr
    out = run("encode", "AF_INET", "('127.0.0.1', 70000)")
    # CPython's own message for this input (socket.bind raises the same).
    with socket.socket() as s, pytest.raises(OverflowError) as info:
        s.bind(("127.0.0.1", 70000))
    assert out.returncode == 1
    assert str(info.value).removeprefix("bind(): ") in out.stderr
    assert "Traceback" not in out.stderr


# -- cmsg: a buffer laid out with CPython's CMSG_LEN/CMSG_SPACE, values from a real recvmsg --

def test_cmsg_from_real_recvmsg() -> None:
    import struct

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as r, \
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as w:
        # <linux/in.h>: IP_PKTINFO 8, IP_RECVTTL 12 (Python 3.11 lacks the names).
        r.setsockopt(socket.IPPROTO_IP, getattr(socket, "IP_RECVTTL", 12), 1)
        r.setsockopt(socket.IPPROTO_IP, getattr(socket, "IP_PKTINFO", 8), 1)
        r.bind(("127.0.0.1", 0))
        w.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, 42)
        w.sendto(b"x", r.getsockname())
        _, items, _, _ = r.recvmsg(16, socket.CMSG_SPACE(64))
    buf = b""
    for level, type_, data in items:
        head = struct.pack("@Nii", socket.CMSG_LEN(len(data)), level, type_)
        buf += (head + data).ljust(socket.CMSG_SPACE(len(data)), b"\0")
    out = run("cmsg", buf.hex())
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert "IpTtl(ttl=42)" in lines
    assert any(line.startswith("IpPktinfo(ifindex=1, spec_dst='127.0.0.1'") for line in lines)
    obj = [json.loads(x) for x in run("cmsg", "--json", buf.hex()).stdout.split("\n")
           if x]
    assert {"index": lines.index("IpTtl(ttl=42)"), "class": "IpTtl",
            "cmsg_level": socket.IPPROTO_IP, "cmsg_type": socket.IP_TTL,
            "fields": {"ttl": 42}} in obj
    # Cut the last message short: an error without --truncated, a Truncated with it.
    cut = buf[:-8].hex()
    bad = run("cmsg", cut)
    assert bad.returncode == 1
    assert "Traceback" not in bad.stderr
    assert "HEX byte" in bad.stderr
    ok = run("cmsg", "--truncated", cut)
    assert ok.returncode == 0
    assert "Truncated(" in ok.stdout


def test_cmsg_usage_errors() -> None:
    out = run("cmsg", "0c0")
    assert out.returncode == 2
    assert "odd number of hex digits (3)" in out.stderr
    out = run("cmsg", "--family", "AF_NOPE", "00")
    assert out.returncode == 2
    assert "unknown address family" in out.stderr


def test_decode_json() -> None:
    out = run("decode", "--json", "01002f6100", "0200")
    assert out.returncode == 1
    obj = json.loads(out.stdout)
    assert obj["source"] == "argument 1"
    assert obj["address"] == "/a"
    assert obj["family"] == socket.AF_UNIX
    assert obj["family_name"] == "AF_UNIX"
    assert obj["hex"] == "01002f6100"
    assert "argument 2: sockaddr_in: 2 bytes" in out.stderr


# -- the progress line: on a terminal's stderr only ----------------------------------------

def _big_log(path: object, lines: int) -> None:
    # Records of other types (the bulk of a real audit log) and one bad SOCKADDR at the end.
    body = "type=SYSCALL msg=audit(1700000000.000:1): arch=c000003e syscall=49 success=yes\n"
    with open(path, "w") as f:  # type: ignore[call-overload]
        f.write(body * lines)
        f.write("type=SOCKADDR msg=audit(1700000000.000:2): saddr=0200zz\n")


def test_progress_on_a_terminal_stderr(tmp_path: object) -> None:
    log = f"{tmp_path}/big.log"
    _big_log(log, 600_000)
    script = shutil.which("sockaddr")
    cmd = [script] if script else [sys.executable, "-m", "sockaddr"]
    controller, terminal = pty.openpty()
    with subprocess.Popen([*cmd, "audit", log], stdout=subprocess.PIPE,
                          stderr=terminal) as proc:
        os.close(terminal)
        seen = b""
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:             # EIO: the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
        out, _ = proc.communicate(timeout=60)
    os.close(controller)
    text = seen.decode()
    assert "% " in text
    assert "lines/s" in text
    # The error line starts on a clean line: the progress line was erased first.
    assert f"\r\x1b[Ksockaddr: {log}:600001: " in text
    assert out == b""
    assert proc.returncode == 1


def test_no_progress_when_stderr_is_piped(tmp_path: object) -> None:
    log = f"{tmp_path}/big.log"
    _big_log(log, 5000)
    result = run("audit", log)
    assert result.returncode == 1
    assert "\r" not in result.stderr
    assert result.stderr.count("\n") == 1


def test_address_commands_do_not_load_control_messages(tmp_path: object) -> None:
    """``decode``/``encode``/``audit`` never touch control messages, so they start
    without importing ``sockaddr.cmsg`` (~0.1 s: every message class); ``cmsg`` and
    ``strace`` load it when they need it."""
    hexed = sockaddr.encode(socket.AF_INET, ("127.0.0.1", 80)).hex().upper()
    line = f"type=SOCKADDR msg=audit(1700000000.000:1): saddr={hexed}\n"
    probe = ("import runpy, sys\n"
             "sys.argv = ['sockaddr', *sys.argv[1:]]\n"
             "try:\n"
             "    runpy.run_module('sockaddr', run_name='__main__')\n"
             "except SystemExit:\n"
             "    pass\n"
             "print('cmsg loaded' if 'sockaddr.cmsg' in sys.modules else 'cmsg not loaded',"
             " file=sys.stderr)\n")
    cases = [(["decode", hexed], "cmsg not loaded"),
             (["encode", "AF_INET", "('127.0.0.1', 80)"], "cmsg not loaded"),
             (["audit", "-"], "cmsg not loaded"),
             (["cmsg", "1400000000000000000000000200000040000000"], "cmsg loaded")]
    for args, want in cases:
        out = subprocess.run([sys.executable, "-c", probe, *args], input=line,
                             capture_output=True, text=True, check=False, timeout=60)
        assert out.returncode == 0, out.stderr
        assert out.stderr.strip().splitlines()[-1] == want, (args, out.stdout, out.stderr)
        assert out.stdout.strip(), args
