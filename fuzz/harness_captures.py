"""Harness ``captures``: the audit and strace readers, and the CLI commands built on them.

Input: ``[mode][template]`` + text.  The mode picks what reads it:

* ``audit`` / ``strace``: ``parse_audit_line`` / ``parse_strace_line`` of the text;
* ``lines``: both, on every line of the text;
* ``splice``: the text put into a real line (``TEMPLATES``, by the template
  byte) where the address goes (inside ``{sa_family=…}``, after ``saddr=``),
  then both readers: mutations of the address part of otherwise real lines;
* ``cli-audit``, ``cli-strace`` (and ``-json``): ``sockaddr audit`` /
  ``sockaddr strace`` with the raw bytes as standard input (a strict UTF-8
  locale's; undecodable bytes are the CLI's to handle).

Checks:

* the readers raise nothing but ``ValueError`` (their documented error;
  DecodeError is one);
* an audit record's ``saddr`` is the hex on the line, its event a number; a
  strace record names a family and its fields include ``sa_family``; there
  are records when the line has a ``{sa_family=`` outside quotes, and at most one each;
* the CLI returns 0, 1 or 2, never raises, writes through a strict UTF-8
  standard output, and every ``--json`` line is a JSON object.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable

if __package__ in (None, ""):  # run as a script: python fuzz/harness_captures.py
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from fuzz._common import Input, check
from fuzz.harness_cli_hex import check_json, run_cli
from sockaddr.captures import (
    AuditRecord,
    StraceControl,
    StraceRecord,
    parse_audit_line,
    parse_strace_cmsgs,
    parse_strace_line,
)

__all__ = ["MODES", "TEMPLATES", "TestOneInput", "seed", "splice_seeds"]

MODES = ("audit", "strace", "lines", "splice", "cli-audit", "cli-strace", "cli-audit-json",
         "cli-strace-json")

#: Real lines (``capture_corpus.py``'s strace and auditd captures, and the
#: documented ``ausearch -i`` and dmesg forms) cut where the address goes:
#: ``(before, after)``.
TEMPLATES: tuple[tuple[str, str], ...] = (
    ("type=SOCKADDR msg=audit(1795634357.915:241): saddr=", ""),
    ("type=SOCKADDR msg=audit(1795634357.915:241): saddr=",
     "\x1dSADDR={ saddr_fam=inet laddr=127.0.0.1 lport=49155 }"),
    ("type=SOCKADDR msg=audit(11/25/26 19:19:17.915:244) : saddr=", " "),
    ("[   12.345678] audit: type=1306 audit(1795634357.915:241): saddr=", ""),
    ("25801 bind(3, {sa_family=", "}, 21) = 0"),
    ("25801 connect(5, {sa_family=", "}, 22) = 0"),
    ("25801 sendto(5, \"x\", 1, 0, {sa_family=", "}, 21) = 1"),
    ("25801 recvfrom(3, \"x\", 10, 0, {sa_family=", "}, [110 => 8]) = 1"),
    ("25801 getsockname(3, {sa_family=", "}, [110 => 21]) = 0"),
    ("25805 accept4(5, {sa_family=", "}, [16], 0x80000) = 7"),
    ("[pid 25801] getpeername(7, {sa_family=", "}, [16]) = 0"),
)


def seed(text: str | bytes, mode: str, template: int = 0) -> bytes:
    """The input that reads ``text`` in ``mode``."""
    raw = text if isinstance(text, bytes) else text.encode("utf-8", "surrogateescape")
    return bytes([MODES.index(mode), template]) + raw


def _address_part(line: str, marker: str) -> str | None:
    """What a template's blank holds on a real ``line``: the body of its first
    ``{sa_family=…}`` or its ``saddr=`` value."""
    start = line.find(marker)
    if start < 0:
        return None
    start += len(marker)
    if marker == "saddr=":
        end = start
        while end < len(line) and not line[end].isspace() and line[end] != "\x1d":
            end += 1
        return line[start:end]
    depth, quoted, i = 1, False, start
    while i < len(line):
        c = line[i]
        if quoted:
            if c == "\\":
                i += 1
            elif c == '"':
                quoted = False
        elif c == '"':
            quoted = True
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if not depth:
                return line[start:i]
        i += 1
    return None


def splice_seeds(lines: Iterable[str]) -> list[bytes]:
    """``splice`` inputs from real lines: each address part in the templates of its kind."""
    out = []
    for line in lines:
        for marker in ("{sa_family=", "saddr="):
            part = _address_part(line, marker)
            if part is None:
                continue
            for i, (before, _) in enumerate(TEMPLATES):
                if before.endswith(marker):
                    out.append(seed(part, "splice", i))
    return out


def _outside_quotes(line: str, needle: str) -> int:
    count, quoted, i = 0, False, 0
    while i < len(line):
        c = line[i]
        if quoted:
            if c == "\\":
                i += 1
            elif c == '"':
                quoted = False
        elif c == '"':
            quoted = True
        elif line.startswith(needle, i):
            count += 1
        i += 1
    return count


def check_audit(line: str) -> None:
    """``parse_audit_line``: ValueError, or a record true to the line."""
    try:
        rec = parse_audit_line(line)
    except ValueError:
        return
    if rec is None:
        return
    check(isinstance(rec, AuditRecord) and rec.event >= 0, f"{line!r}: {rec!r}")
    check(rec.timestamp in line, f"{line!r}: timestamp {rec.timestamp!r} is not on the line")
    if rec.saddr is not None:
        check(rec.saddr.hex() in line.lower(), f"{line!r}: saddr {rec.saddr.hex()} is not on it")
    else:
        check(rec.interpreted is not None, f"{line!r}: neither bytes nor interpretation")


def check_strace(line: str) -> None:
    """``parse_strace_line``: ValueError, or one record per ``{sa_family=``; and
    ``parse_strace_cmsgs``: ValueError, or messages of a ``msg_control=[``."""
    try:
        records = parse_strace_line(line)
    except ValueError:
        return
    found = _outside_quotes(line, "{sa_family=")     # nested ones are inside the first
    check(bool(records) == bool(found) and len(records) <= found,
          f"{line!r}: {len(records)} records for {found} '{{sa_family='")
    for rec in records:
        check(isinstance(rec, StraceRecord) and isinstance(rec.family, int)
              and "sa_family" in rec.fields, f"{line!r}: {rec!r}")
        repr(rec)
    try:
        controls = parse_strace_cmsgs(line)
    except ValueError:          # DecodeError is one
        return
    check(bool(controls) <= ("msg_control=[" in line), f"{line!r}: {controls!r}")
    for c in controls:
        check(isinstance(c, StraceControl) and (c.message is None) == (c.data is None),
              f"{line!r}: {c!r}")
        repr(c)


def TestOneInput(data: bytes) -> None:
    """Read the text as the mode says."""
    inp = Input(data)
    mode = inp.pick(MODES)
    before, after = inp.pick(TEMPLATES)
    raw = inp.rest()
    text = raw.decode("utf-8", "surrogateescape")
    if mode == "audit":
        check_audit(text)
    elif mode == "strace":
        check_strace(text)
    elif mode in ("lines", "splice"):
        lines = text.splitlines() if mode == "lines" else [before + text + after]
        for line in lines:
            check_audit(line)
            check_strace(line)
    else:
        command = mode.split("-")[1]
        argv = [command, "--json"] if mode.endswith("json") else [command]
        _, stdout, _ = run_cli(argv, raw)
        if "--json" in argv:
            check_json(argv, stdout)


if __name__ == "__main__":
    from fuzz._common import fuzz

    fuzz(TestOneInput)
