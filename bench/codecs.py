"""Per-call cost of the codecs against hand-written ``struct`` code and construct, in one run.

For each job the benchmark times, in paired rounds in this one process:

1. hand-written code for that job (``struct.Struct`` + ``socket.inet_ntop``...), written here;
2. this package (``sockaddr.decode``/``encode``/``parse``, ``cmsg.parse``);
3. construct interpreted on the same schema (``sockaddr.schemas.get``);
4. construct's ``.compile()`` of it, where it compiles;

and prints the median per call and the median over paired rounds of the ratio to (1);
then ``import sockaddr``'s time (``python -X importtime``, the wheel in a new venv) and
``sockaddr audit``'s records per second on a generated log (see bench/audit_stream.py for
larger logs and ``--json``)::

    python bench/codecs.py            # --rounds 101; --quick: shorter rounds
"""

from __future__ import annotations

import argparse
import itertools
import random
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sockaddr
from sockaddr import cmsg, schemas

#: ``job(n)``: seconds taken by ``n`` calls (see :func:`timer`).
Job = Callable[[int], float]
ABI = "linux-x86_64"

# -- the hand-written reference code ---------------------------------------------------

_IN = struct.Struct("<H2s4s8x")
_IN_PORT = struct.Struct(">H")
_IN6 = struct.Struct("<H2sI16sI")
_VM = struct.Struct("<HHII4x")
_LL = struct.Struct("<HHiHBB8s")
_CAN = struct.Struct("<HxxiQIB3x")
_CMSG = struct.Struct("<QII")


def hand_in(data: bytes) -> tuple[str, int]:
    _, port, addr = _IN.unpack(data)
    return socket.inet_ntop(socket.AF_INET, addr), _IN_PORT.unpack(port)[0]


def hand_in_encode(address: tuple[str, int]) -> bytes:
    return _IN.pack(socket.AF_INET, _IN_PORT.pack(address[1]),
                    socket.inet_pton(socket.AF_INET, address[0]))


def hand_in6(data: bytes) -> tuple[str, int, int, int]:
    _, port, flow, addr, scope = _IN6.unpack(data)
    return (socket.inet_ntop(socket.AF_INET6, addr), _IN_PORT.unpack(port)[0],
            socket.ntohl(flow), scope)


def hand_in6_encode(address: tuple[str, int, int, int]) -> bytes:
    host, port, flow, scope = address
    return _IN6.pack(socket.AF_INET6, _IN_PORT.pack(port), socket.htonl(flow),
                     socket.inet_pton(socket.AF_INET6, host), scope)


def hand_un(data: bytes) -> str | bytes:
    path = data[2:]
    if path[:1] == b"\0":
        return path
    return path.partition(b"\0")[0].decode()


def hand_un_encode(address: str | bytes) -> bytes:
    raw = address.encode() if isinstance(address, str) else address
    return struct.pack("<H", socket.AF_UNIX) + raw + (b"" if raw[:1] == b"\0" else b"\0")


def hand_ll(data: bytes) -> tuple[str, int, int, int, bytes]:
    _, proto, index, hatype, pkttype, halen, addr = _LL.unpack(data)
    return _IFNAMES.get(index, ""), socket.ntohs(proto), pkttype, hatype, addr[:halen]


def hand_ll_encode(address: tuple[str, int, int, int, bytes]) -> bytes:
    # The name is looked up at each call, as CPython's getsockaddrarg() does
    # (SIOCGIFINDEX): an interface may be renamed or recreated between calls.
    name, proto, pkttype, hatype, addr = address
    return _LL.pack(socket.AF_PACKET, socket.htons(proto), socket.if_nametoindex(name), hatype,
                    pkttype, len(addr), addr)


def hand_can(data: bytes) -> tuple[str, int, int, int]:
    _, index, name, pgn, addr = _CAN.unpack(data)
    return _IFNAMES.get(index, ""), name, pgn, addr


def hand_can_encode(address: tuple[str, int, int, int]) -> bytes:
    name, j1939, pgn, addr = address
    return _CAN.pack(socket.AF_CAN, socket.if_nametoindex(name) if name else 0, j1939, pgn, addr)


def hand_vm(data: bytes) -> tuple[int, int]:
    _, _, port, cid = _VM.unpack(data)
    return cid, port


def hand_vm_encode(address: tuple[int, int]) -> bytes:
    return _VM.pack(socket.AF_VSOCK, 0, address[1], address[0])


def hand_cmsg(buffer: bytes) -> list[tuple[int, int, bytes]]:
    out, offset, size = [], 0, len(buffer)
    unpack = _CMSG.unpack_from
    while offset + 16 <= size:
        length, level, type_ = unpack(buffer, offset)
        out.append((level, type_, buffer[offset + 16:offset + length]))
        offset += (length + 7) & ~7
    return out


_IFNAMES = dict(socket.if_nameindex())

# -- the jobs --------------------------------------------------------------------------

Case = tuple[str, str, int, int, object, Callable[[bytes], object], Callable[[Any], bytes]]
CASES: list[Case] = [
    ("sockaddr_in", "sockaddr_in", socket.AF_INET, 0, ("192.0.2.1", 443), hand_in, hand_in_encode),
    ("sockaddr_in6", "sockaddr_in6", socket.AF_INET6, 0, ("2001:db8::1", 443, 0, 0), hand_in6,
     hand_in6_encode),
    ("sockaddr_un path", "sockaddr_un", socket.AF_UNIX, 0, "/run/app.sock", hand_un,
     hand_un_encode),
    ("sockaddr_un abstract", "sockaddr_un", socket.AF_UNIX, 0, b"\0app", hand_un, hand_un_encode),
    ("sockaddr_ll", "sockaddr_ll", socket.AF_PACKET, 0, ("lo", 0x0800, 0, 772, b"\0" * 6),
     hand_ll, hand_ll_encode),
    ("sockaddr_can J1939", "sockaddr_can", socket.AF_CAN, socket.CAN_J1939,
     ("", 0x1122334455667788, 0x12300, 0x42), hand_can, hand_can_encode),
    ("sockaddr_vm", "sockaddr_vm", socket.AF_VSOCK, 0, (2, 1234), hand_vm, hand_vm_encode),
]


def timer(fn: Callable[..., object], *args: object, **kwargs: object) -> Job:
    """``job(n)``: seconds for ``n`` calls of ``fn(*args, **kwargs)`` in a bare loop, the
    call spelled out as a user would write it (function and arguments are locals)."""
    names = {f"a{i}": a for i, a in enumerate(args)} | {f"k_{k}": v for k, v in kwargs.items()}
    call = [f"a{i}" for i in range(len(args))] + [f"{k}=k_{k}" for k in kwargs]
    env: dict[str, Any] = {"perf_counter": time.perf_counter, "repeat": itertools.repeat,
                           "fn": fn, **names}
    exec("def job(n, fn=fn, " + "".join(f"{a}={a}, " for a in names) + "):\n"
         "    start = perf_counter()\n"
         "    for _ in repeat(None, n):\n"
         f"        fn({', '.join(call)})\n"
         "    return perf_counter() - start\n", env)
    job: Job = env["job"]
    return job


def compare(title: str, jobs: dict[str, Job | None], rounds: int, budget: float
            ) -> dict[str, float]:
    """Time the jobs in paired rounds and print, for each, the median per call and the
    median over rounds of its ratio to "struct" in the same round.

    Each round runs every job once, in a shuffled order, for about ``budget``
    seconds; a job\'s ratio is taken against the "struct" time of its own round,
    so load that comes and goes (a shared machine) touches both sides alike.
    Returns the median seconds per call of each job.
    """
    timed = {k: v for k, v in jobs.items() if v is not None}
    counts = {k: _calls(job, budget) for k, job in timed.items()}
    samples: dict[str, list[float]] = {k: [] for k in timed}
    order = list(timed)
    shuffle = random.Random(title).shuffle
    for _ in range(rounds):
        shuffle(order)
        for name in order:
            samples[name].append(timed[name](counts[name]) / counts[name])
    medians = {k: statistics.median(v) for k, v in samples.items()}
    cells = []
    for name in jobs:
        if name not in timed:
            cells.append(f"{name} -")
            continue
        paired = zip(samples[name], samples["struct"], strict=True)
        ratio = statistics.median(a / b for a, b in paired)
        cells.append(f"{name} {medians[name] * 1e6:.2f} µs ({ratio:.2f}x)")
    print(f"{title:34} " + " | ".join(cells), flush=True)
    return medians


def _calls(job: Job, budget: float) -> int:
    """How many calls of ``job`` take about ``budget`` seconds (at least ten).

    The warm-up comes first: a first call may build tables or caches (milliseconds),
    and timing it would size the rounds at one call each, all timer overhead.
    """
    job(10)
    n = 10
    while (took := job(n)) < budget / 10:
        n *= 10
    return max(10, round(n * budget / took))


def _construct_jobs(struct_name: str, data: bytes) -> tuple[Job, Job | None]:
    con = schemas.get(struct_name, ABI)
    data = data.ljust(schemas.layout(struct_name, ABI).size, b"\0")   # a short addrlen
    try:
        compiled = con.compile()
        compiled.parse(data)
    except Exception:
        return timer(con.parse, data), None
    return timer(con.parse, data), timer(compiled.parse, data)


def bench_addresses(rounds: int, budget: float) -> None:
    """Each job three ways: ``sockaddr.decode()`` (finds the family in the bytes each call),
    a :class:`sockaddr.Codec` bound to the family (as the hand-written code is), and
    construct.  Interface indexes are named from one table for all of them."""
    for title, struct_name, family, proto, address, hand, hand_encode in CASES:
        data = sockaddr.encode(family, address, proto=proto, abi=ABI)
        codec = sockaddr.Codec(family, proto=proto, abi=ABI)
        assert hand(data) == sockaddr.decode(data, proto=proto, abi=ABI, interfaces=_IFNAMES)
        assert hand_encode(address) == data, title
        interpreted, compiled = _construct_jobs(struct_name, data)
        compare(f"decode {title}", {
            "struct": timer(hand, data),
            "decode()": timer(sockaddr.decode, data, proto=proto, abi=ABI,
                                interfaces=_IFNAMES),
            "Codec": timer(codec.decode, data, _IFNAMES),
            "construct": interpreted, "compiled": compiled}, rounds, budget)
        compare(f"encode {title}", {
            "struct": timer(hand_encode, address),
            "encode()": timer(sockaddr.encode, family, address, proto=proto, abi=ABI),
            "Codec": timer(codec.encode, address)}, rounds, budget)
        compare(f"parse {title}", {
            "struct": timer(hand, data),
            "parse()": timer(sockaddr.parse, data, proto=proto, abi=ABI),
            "Codec": timer(codec.parse, data)}, rounds, budget)


def bench_cmsg(rounds: int, budget: float) -> None:
    real = cmsg.build([cmsg.IpPktinfo(1, "127.0.0.1", "127.0.0.1"), cmsg.IpTtl(64),
                       cmsg.SoTimestampNsOld(1_700_000_000, 123)], abi=ABI)
    many = cmsg.build([cmsg.IpTtl(i % 256) for i in range(1000)], abi=ABI)
    assert len(hand_cmsg(many)) == len(cmsg.parse(many, abi=ABI)) == 1000
    # The same job by hand: hand_cmsg's raw items made into the typed messages through
    # their constructors ("struct" stays the raw-items baseline).
    abi = sockaddr.ABI.get(ABI)
    ints, pktinfo, timespec = struct.Struct("<i"), struct.Struct("<i4s4s"), struct.Struct("<qq")

    def in_pktinfo(payload: bytes) -> cmsg.ControlMessage:
        index, spec_dst, addr = pktinfo.unpack(payload)
        return cmsg.IpPktinfo(index, socket.inet_ntoa(spec_dst), socket.inet_ntoa(addr))

    makers: dict[tuple[int, int], Callable[[bytes], cmsg.ControlMessage]] = {
        cmsg.IpTtl.numbers(abi): lambda p: cmsg.IpTtl(*ints.unpack(p)),
        cmsg.IpPktinfo.numbers(abi): in_pktinfo,
        cmsg.SoTimestampNsOld.numbers(abi): lambda p: cmsg.SoTimestampNsOld(*timespec.unpack(p)),
    }

    def typed(buffer: bytes) -> list[cmsg.ControlMessage]:
        return [makers[level, type_](data) for level, type_, data in hand_cmsg(buffer)]

    # The floor for typed results: hand_cmsg's loop, but each item the frozen IpTtl
    # made the cheapest way Python has (object.__new__, the field put in its
    # __dict__, as a dataclass's __init__ would): what is left once nothing is
    # looked up, checked or dispatched.
    ttl_item, new = struct.Struct("<QIIi4x").unpack_from, object.__new__

    def ttl_floor(buffer: bytes) -> list[cmsg.ControlMessage]:
        out: list[cmsg.ControlMessage] = []
        offset, size = 0, len(buffer)
        while offset + 24 <= size:
            length, _, _, ttl = ttl_item(buffer, offset)
            message = new(cmsg.IpTtl)
            message.__dict__["ttl"] = ttl
            out.append(message)
            offset += (length + 7) & ~7
        return out

    for title, buffer, count, floor in (("PKTINFO+TTL+TIMESTAMPNS", real, 3, None),
                                        ("1,000 IP_TTL", many, 1000, ttl_floor)):
        assert typed(buffer) == cmsg.parse(buffer, abi=ABI)
        assert floor is None or floor(buffer) == cmsg.parse(buffer, abi=ABI)
        medians = compare(f"cmsg.parse {title}", {
            "struct": timer(hand_cmsg, buffer), "typed by hand": timer(typed, buffer),
            "typed floor": floor and timer(floor, buffer),
            "sockaddr": timer(cmsg.parse, buffer, abi=ABI)}, rounds, budget)
        print(f"{'':34} messages/s: " + " | ".join(
            f"{k} {count / medians[k]:,.0f}" for k in ("struct", "sockaddr")))


def bench_import(runs: int = 5) -> None:
    """``import sockaddr`` as an installed copy runs it: this project's wheel, unpacked and
    byte-compiled into a new venv as pip installs it (median of ``runs`` after one warm-up).

    Not this checkout: its editable install's finder imports pathlib, re and more when Python
    starts, which ``-X importtime`` then no longer counts against sockaddr (10-25 ms here).
    Building the wheel needs setuptools (pip fetches it from the package index).
    """
    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", tmp,
                        str(root)], check=True, capture_output=True)
        wheel = next(Path(tmp).glob("*.whl"))
        venv = Path(tmp) / "venv"
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
        python = str(venv / "bin" / "python")
        purelib = "import sysconfig; print(sysconfig.get_path('purelib'))"
        site = subprocess.run([python, "-c", purelib],
                              capture_output=True, text=True, check=True).stdout.strip()
        with zipfile.ZipFile(wheel) as zf:
            zf.extractall(site)
        subprocess.run([python, "-m", "compileall", "-q", site], check=True)
        times = []
        for _ in range(runs + 1):
            out = subprocess.run([python, "-X", "importtime", "-c", "import sockaddr"],
                                 capture_output=True, text=True, check=True).stderr
            line = next(x for x in out.splitlines() if x.rstrip().endswith("| sockaddr"))
            times.append(int(line.split("|")[1]) / 1000)
    print(f"{'import sockaddr':34} {statistics.median(times[1:]):.1f} ms (wheel in a new venv; "
          f"median of {runs}, python -X importtime, cumulative)")


def bench_audit(records: int = 300_000, runs: int = 3) -> None:
    """``sockaddr audit`` on a generated log (bench/audit_stream.py's, which also times
    1M records and ``--json``): the median of ``runs`` runs of the installed script."""
    import audit_stream  # noqa: PLC0415 - beside this file (sys.path[0] when run as a script)

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "audit.log"
        audit_stream.write_log(path, records)
        walls, cpus = zip(*(audit_stream.run(path, False)[:2] for _ in range(runs)), strict=True)
    print(f"{'sockaddr audit':34} {records / statistics.median(walls):,.0f} records/s "
          f"({records / statistics.median(cpus):,.0f} per CPU s; median of {runs} runs, "
          f"{records:,} records)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=101, help="paired rounds per job")
    parser.add_argument("--quick", action="store_true", help="shorter rounds (0.2 ms, not 2 ms)")
    ns = parser.parse_args()
    budget = 0.0002 if ns.quick else 0.002
    bench_addresses(ns.rounds, budget)
    bench_cmsg(ns.rounds, budget)
    bench_import()
    bench_audit()


if __name__ == "__main__":
    main()
