"""Streaming benchmark of ``sockaddr audit``: records per second and peak memory at two sizes.

Generates auditd logs of N ``SOCKADDR`` records (each with the ``SYSCALL``
and ``PROCTITLE`` records auditd writes around it, in the ENRICHED format, a
mix of AF_INET, AF_INET6, AF_UNIX and AF_NETLINK addresses), runs the
installed console script on each as a user would (``sockaddr audit [--json]
FILE > /dev/null``) and reports the child's wall time and peak RSS
(``wait4()``'s ``ru_maxrss``).  Streaming shows as the same peak memory for
both sizes.

    python bench/audit_stream.py                 # 100,000 and 1,000,000 records
    python bench/audit_stream.py --sizes 10000 50000 --json
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import sys
import tempfile
import time
from pathlib import Path

import sockaddr

_ADDRESSES = [
    (socket.AF_INET, ("127.0.0.1", 8080)),
    (socket.AF_INET6, ("2001:db8::1", 443, 0, 0)),
    (socket.AF_UNIX, "/run/systemd/journal/socket"),
    (socket.AF_UNIX, b"\0abstract-name"),
    (socket.AF_NETLINK, (0, 0)),
]


def write_log(path: Path, records: int) -> None:
    """``records`` events of three lines each, as auditd's ENRICHED log has them."""
    hexes = [sockaddr.encode(f, a).hex().upper() for f, a in _ADDRESSES]
    with path.open("w") as f:
        for i in range(records):
            stamp = f"audit(1700000000.{i % 1000:03d}:{i + 1})"
            f.write(f"type=SYSCALL msg={stamp}: arch=c000003e syscall=42 success=yes exit=0 "
                    f"a0=3 a1=7ffd a2=10 a3=0 items=0 ppid=1 pid=4242 auid=0 uid=0 gid=0 "
                    f'comm="curl" exe="/usr/bin/curl" key="net"\x1dARCH=x86_64 SYSCALL=connect\n')
            f.write(f"type=SOCKADDR msg={stamp}: saddr={hexes[i % len(hexes)]}"
                    f"\x1dSADDR={{ saddr_fam=inet laddr=127.0.0.1 lport=8080 }}\n")
            f.write(f"type=PROCTITLE msg={stamp}: proctitle=6375726C00\n")


def run(path: Path, json_out: bool) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of ``sockaddr audit FILE``."""
    script = shutil.which("sockaddr")
    cmd = [script] if script else [sys.executable, "-m", "sockaddr"]
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
    return elapsed, usage.ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--json", action="store_true", help="run with --json")
    ns = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for records in ns.sizes:
            path = Path(tmp) / f"audit-{records}.log"
            write_log(path, records)
            seconds, peak = run(path, ns.json)
            size = path.stat().st_size
            print(f"audit{' --json' if ns.json else ''}: {records:,} records "
                  f"({size / 2**20:,.0f} MiB, {3 * records:,} lines) in {seconds:.1f} s: "
                  f"{records / seconds:,.0f} records/s, peak RSS {peak / 1024:.1f} MiB")
            path.unlink()


if __name__ == "__main__":
    main()
