"""The audit and strace readers, proved on real captures of a script's own syscalls.

The oracle is the kernel: the traced script prints what ``getsockname()``
returned for each socket, and the addresses we decode from ``auditd``'s log
and from ``strace``'s output must equal those.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sockaddr import cmsg
from sockaddr.captures import parse_audit_line, parse_strace_line
from sockaddr.cli import jsonable

# Binds and connects in UNIX (path, abstract), INET, INET6 and NETLINK, binds
# PACKET, VSOCK and XDP where it may; prints
# [family name, getsockname() in the CLI's JSON form] per socket.
SCRIPT = r'''
import json, os, socket, sys
d = sys.argv[1]
out = []
pid = os.getpid()
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(f"{d}/s{pid}")
out.append(["AF_UNIX", s.getsockname()]); s.close(); os.unlink(f"{d}/s{pid}")
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(b"\0sockaddr-test-%d" % pid)
out.append(["AF_UNIX", {"hex": s.getsockname().hex()}]); s.close()
for fam, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
    s = socket.socket(fam, socket.SOCK_DGRAM); s.bind((host, 0))
    t = socket.socket(fam, socket.SOCK_DGRAM); t.connect(s.getsockname())
    out.append([fam.name, list(s.getsockname())]); t.close(); s.close()
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0); s.bind((0x40000000 + pid, 0))
out.append(["AF_NETLINK", list(s.getsockname())]); s.close()
try:    # root only; getsockname()'s 18 bytes make strace print the generic sa_data form
    s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, 0)
    s.bind(("lo", 0x0800, 0, 0, b"\1\2")); n = s.getsockname(); s.close()
    out.append(["AF_PACKET", [*n[:4], {"hex": n[4].hex()}]])
except PermissionError:
    pass
try:    # bind and getsockname only: vsock is this machine's control channel
    s = socket.socket(socket.AF_VSOCK, socket.SOCK_STREAM)
    s.bind((socket.VMADDR_CID_ANY, socket.VMADDR_PORT_ANY))
    out.append(["AF_VSOCK", list(s.getsockname())]); s.close()
except OSError:
    pass
try:    # AF_XDP: bind() fails without a UMEM (EINVAL), but strace shows what was passed
    import ctypes, struct
    s = socket.socket(44, socket.SOCK_RAW)
    for fields in ((0, 1, 0, 0), (8, 1, 3, 5)):     # flags, ifindex (lo), queue, umem fd
        raw = struct.pack("=HHIII", 44, *fields)
        ctypes.CDLL(None).bind(s.fileno(), raw, len(raw))
        out.append(["AF_XDP", list(fields)])
    s.close()
except OSError:
    pass
print(json.dumps(out))
'''


def _cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    script = shutil.which("sockaddr")
    cmd = [script] if script else [sys.executable, "-m", "sockaddr"]
    return subprocess.run([*cmd, *args], input=stdin, capture_output=True, text=True,
                          check=False, timeout=60)


def _expected(stdout: str) -> set[str]:
    return {json.dumps(item) for item in json.loads(stdout)}


def _bound(expected: set[str]) -> set[str]:
    """The names bind()/connect() pass as getsockname() reports them: all but what the
    kernel fills in (PACKET's hardware type and address, VSOCK's port)."""
    return {e for e in expected if not e.startswith(('["AF_PACKET"', '["AF_VSOCK"', '["AF_XDP"'))}


def _decoded(jsonl: str, syscalls: tuple[str, ...] = ()) -> set[str]:
    out = set()
    for line in jsonl.splitlines():
        obj = json.loads(line)
        if not syscalls or obj.get("syscall") in syscalls:
            out.add(json.dumps([obj["family_name"], obj["address"]]))
    return out


# -- audit: the documented format ------------------------------------------------

def test_audit_raw_line() -> None:
    line = ("type=SOCKADDR msg=audit(1700000000.123:456): "
            "saddr=01002F72756E2F73797374656D642F6A6F75726E616C2F736F636B657400\n")
    rec = parse_audit_line(line)
    assert rec is not None
    assert (rec.timestamp, rec.event) == ("1700000000.123", 456)
    assert rec.saddr == b"\x01\x00/run/systemd/journal/socket\x00"
    assert rec.interpreted is None


def test_audit_enriched_and_printk_forms() -> None:
    enriched = ("type=SOCKADDR msg=audit(1795631346.995:7): saddr=02009B117F0000010000000000000000"
                "\x1dSADDR={ saddr_fam=inet laddr=127.0.0.1 lport=39697 }")
    rec = parse_audit_line(enriched)
    assert rec is not None
    assert rec.saddr == bytes.fromhex("02009B117F0000010000000000000000")
    assert rec.interpreted == {"saddr_fam": "inet", "laddr": "127.0.0.1", "lport": "39697"}
    printk = "[ 12.3] audit: type=1306 audit(1700000000.5:9): saddr=100000000000000000000000"
    rec = parse_audit_line(printk)
    assert rec is not None
    assert (rec.timestamp, rec.event) == ("1700000000.5", 9)
    assert rec.saddr == b"\x10" + bytes(11)


def test_audit_interpreted_form() -> None:
    line = ("type=SOCKADDR msg=audit(11/25/26 18:29:06.995:4) : "
            "saddr={ saddr_fam=local path=/tmp/x } ")
    rec = parse_audit_line(line)
    assert rec is not None
    assert (rec.timestamp, rec.event, rec.saddr) == ("11/25/26 18:29:06.995", 4, None)
    assert rec.interpreted == {"saddr_fam": "local", "path": "/tmp/x"}


def test_audit_other_records_and_errors() -> None:
    assert parse_audit_line("type=SYSCALL msg=audit(1.0:1): arch=c000003e syscall=49") is None
    with pytest.raises(ValueError, match="odd number"):
        parse_audit_line("type=SOCKADDR msg=audit(1.0:1): saddr=020")
    with pytest.raises(ValueError, match=r"column 41: saddr is not hex: 'ZZ'"):
        parse_audit_line("type=SOCKADDR msg=audit(1.0:1): saddr=02ZZ")


def test_audit_cli_keeps_going() -> None:
    log = ("type=SOCKADDR msg=audit(1.0:1): saddr=0A00\n"
           "type=SYSCALL msg=audit(1.0:1): syscall=42\n"
           "type=SOCKADDR msg=audit(1.0:2): saddr=01002F6100\n"
           "type=SOCKADDR msg=audit(1.0:3): saddr=XY\n")
    out = _cli("audit", stdin=log)
    assert out.returncode == 1
    assert out.stdout == "audit(1.0:2) AF_UNIX '/a'\n"
    assert "<stdin>:1: audit(1.0:1): sockaddr_in6: 2 bytes" in out.stderr
    assert "<stdin>:4: column 39: saddr is not hex" in out.stderr
    assert "Traceback" not in out.stderr


# -- audit: a real auditd ---------------------------------------------------------

def _audit_status() -> dict[str, str]:
    res = subprocess.run(["auditctl", "-s"], capture_output=True, text=True, check=False)
    if res.returncode:
        pytest.skip(f"auditctl -s failed: {res.stderr.strip()}")
    return dict(line.split(" ", 1) for line in res.stdout.splitlines() if " " in line)


@pytest.fixture
def auditd() -> Iterator[None]:
    """A running auditd: started here (and stopped after) when it was not running."""
    if os.geteuid() != 0:
        pytest.skip("the audit test needs root (auditctl)")
    for tool in ("auditctl", "auditd", "ausearch"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} not installed (apt-get install auditd)")
    started = None
    status = _audit_status()
    if status.get("pid", "0") == "0":
        subprocess.run(["auditd"], check=False, capture_output=True)
        for _ in range(50):
            pid = _audit_status().get("pid", "0")
            if pid != "0":
                started = int(pid)
                break
            time.sleep(0.1)
        else:
            pytest.skip("auditd did not start (no audit support in this kernel/namespace?)")
    yield
    if started is not None:
        os.kill(started, 15)
        # auditd leaves auditing enabled when it exits: restore what we found.
        subprocess.run(["auditctl", "-e", status.get("enabled", "0")], capture_output=True,
                       check=False)


def test_real_auditd_log(auditd: None, tmp_path: Path) -> None:
    key = f"sockaddr-test-{os.getpid()}"
    rule = ["always,exit", "-F", "arch=b64", "-S", "bind", "-S", "connect",
            "-F", f"ppid={os.getpid()}", "-k", key]
    added = subprocess.run(["auditctl", "-a", *rule], capture_output=True, text=True, check=False)
    if added.returncode:
        pytest.skip(f"auditctl -a failed: {added.stderr.strip()}")
    try:
        ran = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path)], capture_output=True,
                             text=True, check=True)
    finally:
        subprocess.run(["auditctl", "-d", *rule], capture_output=True, check=False)
    everything = _expected(ran.stdout)
    expected = _bound(everything)
    raw = ""
    for _ in range(50):  # auditd writes asynchronously
        raw = subprocess.run(["ausearch", "-k", key, "--raw"], capture_output=True, text=True,
                             check=False).stdout
        if raw.count("type=SOCKADDR") >= len(everything) + 2:  # + the two connects
            break
        time.sleep(0.1)
    out = _cli("audit", "--json", stdin=raw)
    assert out.returncode == 0, out.stderr
    decoded = _decoded(out.stdout)
    assert expected <= decoded, (expected - decoded, raw)
    if os.geteuid() == 0:               # the PACKET bind, as the script passed it
        assert json.dumps(["AF_PACKET", ["lo", 2048, 0, 0, {"hex": "0102"}]]) in decoded
    # auditd's ENRICHED suffix, where configured, agrees with our decoding.
    for obj in map(json.loads, out.stdout.splitlines()):
        if obj["interpreted"] and obj["family_name"] == "AF_INET":
            assert obj["interpreted"]["laddr"] == obj["address"][0]
            assert int(obj["interpreted"]["lport"]) == obj["address"][1]
    interpreted = subprocess.run(["ausearch", "-k", key, "-i"], capture_output=True, text=True,
                                 check=False).stdout
    shown = _cli("audit", stdin=interpreted)
    assert shown.returncode == 0, shown.stderr
    assert "interpreted { saddr_fam=inet6 laddr=::1 lport=" in shown.stdout
    text = _cli("audit", stdin=raw)
    assert text.returncode == 0
    assert text.stdout.startswith("audit(")


# -- strace ----------------------------------------------------------------------

def test_strace_lines() -> None:
    [rec] = parse_strace_line('[pid  7] connect(4, {sa_family=AF_INET6, sin6_port=htons(443), '
                              'sin6_flowinfo=htonl(5), inet_pton(AF_INET6, "2001:db8::1", '
                              '&sin6_addr), sin6_scope_id=0}, 28) = 0')
    assert (rec.pid, rec.syscall, rec.address) == (7, "connect", ("2001:db8::1", 443, 5, 0))
    [rec] = parse_strace_line('12 <... recvfrom resumed>"{sa_family=x}", 5, 0, {sa_family=0x2, '
                              'sin_port="\\x01\\xbb", sin_addr="\\xc0\\x00\\x02\\x01"}, [16]) = 5')
    assert (rec.syscall, rec.address) == ("recvfrom", ("192.0.2.1", 443))
    [rec] = parse_strace_line('bind(3, {sa_family=AF_UNIX}, 2) = 0')
    assert (rec.pid, rec.address) == (None, "")
    assert parse_strace_line("socket(AF_INET, SOCK_DGRAM, IPPROTO_IP) = 3") == []
    with pytest.raises(ValueError, match="column 9: family 38 is not supported"):
        parse_strace_line("bind(3, {sa_family=0x26, salg_type=\"hash\"}, 88) = 0")


@pytest.mark.parametrize("style", ["abbrev", "raw"])
def test_real_strace(style: str, tmp_path: Path) -> None:
    if shutil.which("strace") is None:
        pytest.skip("strace not installed")
    trace = tmp_path / "trace.txt"
    ran = subprocess.run(["strace", "-f", "-e", "trace=network", "-X", style, "-s", "256",
                          "-o", str(trace), sys.executable, "-c", SCRIPT, str(tmp_path)],
                         capture_output=True, text=True, check=False)
    if ran.returncode:
        pytest.skip(f"strace cannot trace here: {ran.stderr.strip()[-200:]}")
    everything = _expected(ran.stdout)
    passed = {e for e in everything if e.startswith('["AF_XDP"')}      # bind() only
    expected = everything - passed
    out = _cli("strace", "--json", str(trace))
    assert out.returncode == 0, out.stderr
    assert _decoded(out.stdout, ("getsockname",)) == expected
    assert passed <= _decoded(out.stdout, ("bind",))
    if os.geteuid() == 0:
        assert any(e.startswith('["AF_PACKET"') for e in expected)
    assert _bound(expected) <= _decoded(out.stdout, ("bind", "connect"))
    text = _cli("strace", str(trace))
    assert "getsockname AF_INET6 ('::1', " in text.stdout


def test_strace_cli_errors() -> None:
    out = _cli("strace", stdin="bind(3, {sa_family=AF_INET, sin_port=htons(1)}, 16) = 0\n")
    assert out.returncode == 1
    assert "<stdin>:1: column 9: missing field 'sin_addr'" in out.stderr
    assert "Traceback" not in out.stderr
    out = _cli("strace", "/nonexistent/trace")
    assert out.returncode == 2
    assert "/nonexistent/trace: cannot read" in out.stderr


def test_audit_streams_in_constant_memory(tmp_path: Path) -> None:
    """Memory does not grow with the log: 20x the lines, (about) the same peak RSS."""
    line = "type=SOCKADDR msg=audit(1700000000.123:{}): saddr=020000507F0000010000000000000000\n"
    cmd = shutil.which("sockaddr")
    if cmd is None:
        pytest.skip("the sockaddr console script is not installed")
    peaks = []
    for count in (1_000, 20_000):
        log = tmp_path / f"{count}.log"
        with log.open("w") as f:
            f.writelines(line.format(i) for i in range(count))
        # The child's peak RSS, measured by a fresh parent that has no other children.
        probe = (f"import resource, subprocess; subprocess.run([{cmd!r}, 'audit', {str(log)!r}],"
                 " stdout=subprocess.DEVNULL, check=True);"
                 " print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
        peaks.append(int(subprocess.run([sys.executable, "-c", probe], capture_output=True,
                                        text=True, check=True).stdout))
    # KiB; the log grew by 1.6 MB, which a reader holding it (as lines: ~3 MB) would add.
    assert peaks[1] < peaks[0] + 1_000, peaks


# Receives IP options, a timestamp, credentials and descriptors; prints every
# recvmsg()/sendmsg() ancillary item as [level, type, data hex].
CMSG_SCRIPT = r'''
import array, json, socket
items = []
a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); a.bind(("127.0.0.1", 0))
for opt in (8, 12, 13):         # IP_PKTINFO, IP_RECVTTL, IP_RECVTOS
    a.setsockopt(socket.IPPROTO_IP, opt, 1)
a.setsockopt(socket.SOL_SOCKET, 35, 1)          # SO_TIMESTAMPNS
b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); b.sendto(b"x", a.getsockname())
items += a.recvmsg(10, 1024)[1]
u1, u2 = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
u2.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
sent = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [0, 1]).tobytes())]
u1.sendmsg([b"y"], sent)
items += sent + u2.recvmsg(10, 1024)[1]
print(json.dumps([[level, type_, data.hex()] for level, type_, data in items]))
'''


@pytest.mark.parametrize("style", ["abbrev", "raw"])
def test_real_strace_control_messages(style: str, tmp_path: Path) -> None:
    if shutil.which("strace") is None:
        pytest.skip("strace not installed")
    trace = tmp_path / "trace.txt"
    ran = subprocess.run(["strace", "-f", "-e", "trace=sendmsg,recvmsg", "-X", style,
                          "-o", str(trace), sys.executable, "-c", CMSG_SCRIPT],
                         capture_output=True, text=True, check=False)
    if ran.returncode:
        pytest.skip(f"strace cannot trace here: {ran.stderr.strip()[-200:]}")
    seen = [cmsg.decode(level, type_, bytes.fromhex(data))
            for level, type_, data in json.loads(ran.stdout)]
    out = _cli("strace", "--json", str(trace))
    assert out.returncode == 0, out.stderr
    printed = [json.loads(line) for line in out.stdout.splitlines()]
    got = [obj for obj in printed if "cmsg_type" in obj]
    assert [(o["class"], o["fields"]) for o in got] == [
        (type(m).__name__, json.loads(json.dumps(jsonable(m)))) for m in seen]
    assert {o["syscall"] for o in got} == {"recvmsg", "sendmsg"}
