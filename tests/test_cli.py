"""The command line, run as a user runs it: the installed script, in a subprocess."""

from __future__ import annotations

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
