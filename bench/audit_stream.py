"""Streaming benchmark of ``sockaddr audit``: records per second and peak memory at two sizes.

Generates auditd logs of N ``SOCKADDR`` records (each with the ``SYSCALL``
and ``PROCTITLE`` records auditd writes around it, in the ENRICHED format, a
mix of AF_INET, AF_INET6, AF_UNIX (path and abstract) and AF_NETLINK
addresses, each record's own), runs the
installed console script on each as a user would (``sockaddr audit [--json]
FILE > /dev/null``) and reports the child's wall time and peak RSS
(``wait4()``'s ``ru_maxrss``).  Streaming shows as the same peak memory for
both sizes.

    python bench/audit_stream.py                 # 100,000 and 1,000,000 records
    python bench/audit_stream.py --sizes 10000 50000 --json
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import socket
import sys
import tempfile
import time
from pathlib import Path

import sockaddr


def address(i: int) -> tuple[int, object, str]:
    """Record ``i``'s family, address and auditd's interpretation of it: the five
    kinds in turn, ports, octets, ids and paths from ``i`` (nothing repeats)."""
    kind, n = i % 5, i // 5
    port = 1024 + n % 64_000
    if kind == 0:
        host = f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"
        return socket.AF_INET, (host, port), f"saddr_fam=inet laddr={host} lport={port}"
    if kind == 1:
        host = str(ipaddress.IPv6Address(0x20010DB8 << 96 | n))
        return socket.AF_INET6, (host, port, 0, 0), f"saddr_fam=inet6 laddr={host} lport={port}"
    if kind == 2:
        path = f"/run/user/{n}/bus"
        return socket.AF_UNIX, path, f"saddr_fam=local path={path}"
    if kind == 3:
        name = f"\0abstract-{n}"
        return socket.AF_UNIX, name.encode(), f"saddr_fam=local path=@abstract-{n}"
    return socket.AF_NETLINK, (n, 1 << n % 32), f"saddr_fam=netlink nlnk-fam=0 nlnk-pid={n}"


def write_log(path: Path, records: int) -> None:
    """``records`` events of three lines each, as auditd's ENRICHED log has them."""
    with path.open("w") as f:
        for i in range(records):
            family, addr, text = address(i)
            saddr = sockaddr.encode(family, addr).hex().upper()
            stamp = f"audit(1700000000.{i % 1000:03d}:{i + 1})"
            f.write(f"type=SYSCALL msg={stamp}: arch=c000003e syscall=42 success=yes exit=0 "
                    f"a0=3 a1=7ffd a2=10 a3=0 items=0 ppid=1 pid={4242 + i % 977} auid=0 uid=0 "
                    f'gid=0 comm="curl" exe="/usr/bin/curl" key="net"\x1dARCH=x86_64 '
                    f"SYSCALL=connect\n")
            f.write(f"type=SOCKADDR msg={stamp}: saddr={saddr}\x1dSADDR={{ {text} }}\n")
            f.write(f"type=PROCTITLE msg={stamp}: proctitle=6375726C00\n")


def run(path: Path, json_out: bool) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (user + system) and peak RSS (KiB) of ``sockaddr audit FILE``."""
    # The script this interpreter installed (a venv's, even when it is not activated),
    # not whichever `sockaddr` PATH finds first.
    script = Path(sys.executable).with_name("sockaddr")
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "sockaddr"]
    args = [*cmd, "audit", *(["--json"] if json_out else []), str(path)]
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:                                    # the child: stdout to /dev/null
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.execv(args[0], args)
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"sockaddr audit exited with {os.waitstatus_to_exitcode(status)}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--json", action="store_true", help="run with --json")
    ns = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for records in ns.sizes:
            path = Path(tmp) / f"audit-{records}.log"
            write_log(path, records)
            seconds, cpu, peak = run(path, ns.json)
            size = path.stat().st_size
            # CPU time too: on a shared machine the wall time includes waiting.
            print(f"audit{' --json' if ns.json else ''}: {records:,} records "
                  f"({size / 2**20:,.0f} MiB, {3 * records:,} lines) in {seconds:.2f} s: "
                  f"{records / seconds:,.0f} records/s ({cpu:.2f} s CPU: "
                  f"{records / cpu:,.0f} records/CPU s), peak RSS {peak / 1024:.1f} MiB")
            path.unlink()


if __name__ == "__main__":
    main()
