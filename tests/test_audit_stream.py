"""``sockaddr audit``'s block scanner and chunked reader against the per-line reference.

The reference is what the command did before it read logs in blocks: the file
iterated line by line as a text file (UTF-8, surrogateescape, universal
newlines) and :func:`parse_audit_line` on each line; for the output,
``sockaddr.decode`` and the old per-record formatting.  Logs are generated
(hypothesis) from the pieces of audit records, broken ones included, and read
in pieces as small as one byte, so every line can straddle a boundary.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import sockaddr
from sockaddr import cli
from sockaddr.captures import parse_audit_line
from sockaddr.captures.audit import scan_audit

ADDRESSES = [
    (socket.AF_INET, ("127.0.0.1", 8080)),
    (socket.AF_INET6, ("2001:db8::1", 443, 0, 0)),
    (socket.AF_UNIX, "/run/systemd/journal/socket"),
    (socket.AF_UNIX, b"\0abstract"),
    (socket.AF_NETLINK, (0, 0)),
]
HEXES = [sockaddr.encode(f, a).hex().upper() for f, a in ADDRESSES]

# The pieces of a SOCKADDR line, good and bad.
PREFIX = st.sampled_from([
    "type=SOCKADDR", "type=1306", "type=UNKNOWN[1306]", "type=SYSCALL", "xtype=SOCKADDR",
    "_type=1306", "-type=SOCKADDR", "[ 12.3] audit: type=1306", "node=h type=SOCKADDR",
    "type=SOCKADDRX", "type=unknown[1306]", "",
])
SPACE = st.sampled_from([" ", "  ", "\t", "", "\x1c", "\u2028", "\x85", "\r", "\x1d"])
STAMP = st.sampled_from(["1700000000.123", "1.0", "11/25/26 18:29:06.995", "", "1:2", "a)b",
                         "1.0(", "é", "\udcff", "1.0\u2028", "\x85\u2029"])
EVENT = st.sampled_from(["1", "456", "007", "0", "", "x", "١٢", "9" * 30, "1)"])
VALUE = st.one_of(
    st.sampled_from(HEXES),
    st.binary(max_size=12).map(lambda b: b.hex().upper()),
    st.sampled_from(["", "0", "020", "02ZZ", "XY", "0200 00", "{ saddr_fam=local path=/x }",
                     "{ unterminated", "{}", "02\r", "0a00"]),
)
SUFFIX = st.sampled_from([
    "", "\x1dSADDR={ saddr_fam=inet laddr=127.0.0.1 lport=8080 }", "\x1dSADDR={ broken",
    "\x1dSADDR={}", " \x1dSADDR={ a=b } \x1dSADDR={ c=d }", " key=value", "\x1dSADDR=",
    " type=SOCKADDR msg=audit(1.0:9): saddr=0A00",
])


@st.composite
def audit_line(draw: st.DrawFn) -> str:
    """Mostly a good record, with one or two pieces odd."""
    def piece(good: str, odd: st.SearchStrategy[str]) -> str:
        return draw(st.just(good) | odd) if draw(st.integers(0, 3)) == 0 else good
    return (f"{piece('type=SOCKADDR', PREFIX)}{piece(' ', SPACE)}msg=audit("
            f"{piece('1700000000.123', STAMP)}:{piece('42', EVENT)})"
            f"{piece('', SPACE)}:{piece(' ', SPACE)}saddr={draw(VALUE)}{draw(SUFFIX)}")


# Whole records, other records, and loose tokens that make lines of their own
# (a stamp's ")" on the next line, braces across lines…).
TOKEN = st.one_of(audit_line(), PREFIX, SPACE, STAMP, EVENT, VALUE, SUFFIX,
                  st.sampled_from(["msg=audit(", ")", ": saddr=", "{", "}", "é", "\x00", "ü",
                                   "msg=audit(1.0:1): saddr=0A00", "1.0:1): saddr=0100"]))
NEWLINE = st.sampled_from(["\n", "\n", "\n", "\r\n", "\r"])


@st.composite
def audit_log(draw: st.DrawFn) -> bytes:
    """A log as bytes: UTF-8 text, some invalid bytes, any line ends, maybe no final one."""
    parts: list[str] = []
    for _ in range(draw(st.integers(0, 12))):
        parts.append("".join(draw(st.lists(TOKEN, max_size=4))))
        parts.append(draw(NEWLINE))
    if parts and draw(st.booleans()):
        parts.pop()
    text = "".join(parts).encode("utf-8", "surrogateescape")
    if draw(st.booleans()):                       # invalid UTF-8 somewhere
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\xe2\x80"])) + text[at:]
    return text


def reference(data: bytes, interpreted: bool = True) -> list[tuple[object, ...]]:
    """``(line number, timestamp, event, saddr, interpreted)`` or ``(line number, error)``."""
    out: list[tuple[object, ...]] = []
    lines = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="surrogateescape")
    for number, line in enumerate(lines, 1):
        try:
            rec = parse_audit_line(line)
        except ValueError as e:
            out.append((number, str(e)))
            continue
        if rec is not None:
            extra = rec.interpreted if interpreted or rec.saddr is None else None
            out.append((number, rec.timestamp, rec.event, rec.saddr, extra))
    return out


def scanned(texts: list[str], interpreted: bool = True, numbers: bool = True,
            count: bool = True) -> list[tuple[object, ...]]:
    out: list[tuple[object, ...]] = []
    whole = "".join(texts)
    for block in scan_audit(texts, interpreted=interpreted, numbers=numbers, count=count):
        if not count:       # the caller's part: the line at the block's offset
            assert block.first == 0
            block.first = 1 + whole.count("\n", 0, block.offset)
        for number, (stamp, event, saddr, extra, error) in zip(
                block.numbers(), block.hits, strict=True):
            out.append((number, str(error)) if error is not None
                       else (number, stamp, event, saddr, extra))
    return out


def pieces(text: str, cuts: list[int] | None) -> list[str]:
    """``text`` cut at ``cuts``, or (``None``) line by line: a block per line, so one
    odd line does not send its neighbours to the per-line path with it."""
    if cuts is None:
        return re.split("(?<=\n)", text)
    bounds = sorted({0, len(text), *(c % (len(text) + 1) for c in cuts)})
    return [text[a:b] for a, b in itertools.pairwise(bounds)]


def read_with(path: Path, size: int, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    with monkeypatch.context() as m:
        m.setattr(cli, "_CHUNK", size)
        return list(cli._texts(str(path)))


# -- the scanner -----------------------------------------------------------------------

@given(audit_log(), st.none() | st.lists(st.integers(0, 10_000), max_size=8), st.booleans(),
       st.booleans())
@example(b"type=SOCKADDR msg=audit(1.0:1): saddr=0A00\nx", [], True, True)
@example(b"type=SOCKADDR msg=audit(1.0\n:1): saddr=0A00\ntype=SOCKADDR msg=audit(2:3): saddr=00",
         [], True, False)
@example(b"type=SOCKADDR msg=audit(1:1): saddr=0100 type=SOCKADDR msg=audit(2:2): saddr=0200\n",
         [20, 21], False, True)
@example(b"type=SOCKADDR\nmsg=audit(1.0:1): saddr=0A00\n", [], True, True)
@example(b"type=SOCKADDR msg=audit(1.0:1):\nsaddr=0A00\n", [], True, True)
@example(b"type=SOCKADDR msg=audit(1.0:1): saddr=0200 00\n", None, True, True)
@example(b"type=SOCKADDR msg=audit(1.0:1): saddr=\n", None, True, True)
def test_scan_matches_parse_audit_line(data: bytes, cuts: list[int], interpreted: bool,
                                       numbers: bool) -> None:
    text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="surrogateescape").read()
    expected = reference(data, interpreted)
    assert scanned(pieces(text, cuts), interpreted, numbers) == expected
    assert scanned(pieces(text, cuts), interpreted, numbers, count=False) == expected


def test_scan_common_log_takes_the_block_path() -> None:
    """A plain auditd log is scanned in blocks (not line by line) and gives the same."""
    lines = [f"type=SYSCALL msg=audit(1.{i}:{i}): syscall=42\x1dARCH=x86_64\n"
             f"type=SOCKADDR msg=audit(1.{i}:{i}): saddr={HEXES[i % 5]}"
             f"\x1dSADDR={{ saddr_fam=inet lport={i} }}\n" for i in range(200)]
    text = "".join(lines)
    blocks = list(scan_audit([text[:3000], text[3000:]]))
    assert all(block.columns is not None for block in blocks)
    assert scanned([text[:3000], text[3000:]]) == reference(text.encode())
    assert len(reference(text.encode())) == 200


def test_scan_long_line_and_no_newline() -> None:
    line = "type=SOCKADDR msg=audit(1.0:1): saddr=" + "0A00" + "00" * 50_000
    chunks = [line[i:i + 7] for i in range(0, len(line), 7)]
    assert scanned(chunks) == reference(line.encode())


# -- the reader ------------------------------------------------------------------------

@given(audit_log(), st.sampled_from([1, 2, 3, 7, 64, 1 << 16]))
@example(b"a\r\nb\rc\r", 1)
@example("é€\U0001f600\n".encode() + b"\xff\xe2\x80\n", 1)
def test_reader_decodes_as_the_line_reader(tmp_path_factory: pytest.TempPathFactory,
                                           data: bytes, size: int) -> None:
    path = tmp_path_factory.mktemp("log") / "audit.log"
    path.write_bytes(data)
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        expected = f.read()
    with pytest.MonkeyPatch.context() as m:
        m.setattr(cli, "_CHUNK", size)
        texts = list(cli._texts(str(path)))
    assert "".join(texts) == expected
    assert all(texts)
    if size == 1:
        assert len(texts) >= len(data.replace(b"\r\n", b"\n")) // 4


# -- the command: the old per-line loop as the reference ---------------------------------

def old_audit(name: str, lines: Iterator[str], as_json: bool,
              out: list[str], err: list[str]) -> int:
    """``_audit`` as it was, for one input (``_print``, ``_emit`` and ``_err`` inlined)."""
    failed = 0
    for number, line in enumerate(lines, 1):
        where = f"{name}:{number}"
        try:
            rec = parse_audit_line(line)
        except ValueError as e:
            err.append(f"sockaddr: {where}: {e}")
            failed += 1
            continue
        if rec is None:
            continue
        head = f"audit({rec.timestamp}:{rec.event})"
        obj: dict[str, object] = {"source": where, "timestamp": rec.timestamp,
                                  "event": rec.event,
                                  "hex": rec.saddr.hex() if rec.saddr is not None else None}
        if rec.saddr is None:
            text = " ".join(f"{k}={v}" for k, v in (rec.interpreted or {}).items())
            obj.update(family=None, family_name=None, address=None)
            line_text = f"{head} interpreted {{ {text} }}"
        else:
            try:
                value = sockaddr.decode(rec.saddr)
            except sockaddr.DecodeError as e:
                err.append(f"sockaddr: {where}: {head}: {e}")
                failed += 1
                continue
            if value is None:
                obj.update(family=None, family_name=None, address=None)
                line_text = f"{head} (empty) None"
            else:
                family = int.from_bytes(rec.saddr[:2], sys.byteorder)
                obj.update(family=family, family_name=cli.family_name(family),
                           address=cli.jsonable(value))
                line_text = f"{head} {cli.family_name(family)} {value!r}"
        obj["interpreted"] = rec.interpreted
        if as_json:
            line_text = json.dumps(obj, ensure_ascii=False).translate(cli._BREAKS)
        out.append(line_text.encode("utf-8", "backslashreplace").decode("utf-8"))
    return failed


def run_both(paths: list[Path], as_json: bool) -> tuple[tuple[str, str, int], ...]:
    out: list[str] = []
    err: list[str] = []
    failed = 0
    for path in paths:
        with open(path, encoding="utf-8", errors="surrogateescape") as f:
            failed += old_audit(str(path), iter(f), as_json, out, err)
    expected = ("".join(f"{line}\n" for line in out), "".join(f"{e}\n" for e in err),
                1 if failed else 0)
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        status = cli.main(["audit", *(["--json"] if as_json else []), *map(str, paths)])
    return expected, (stdout.getvalue(), stderr.getvalue(), status)


# Records whose bytes decode (all five families) or do not (random bytes).
RECORD = st.one_of(
    st.tuples(st.sampled_from(HEXES), SUFFIX).map(
        lambda v: f"type=SOCKADDR msg=audit(1.0:5): saddr={v[0]}{v[1]}"),
    st.binary(min_size=1, max_size=30).map(
        lambda b: f"type=1306 audit(1.0:6): saddr={b.hex()}"),
    audit_line(),
    st.just("type=SYSCALL msg=audit(1.0:5): syscall=42"),
)


@given(st.lists(st.lists(RECORD, max_size=40).map("\n".join), min_size=1, max_size=2),
       st.booleans(), st.sampled_from([1, 5, 100, 1 << 16]))
@settings(max_examples=60)
def test_command_matches_old_loop(tmp_path_factory: pytest.TempPathFactory, logs: list[str],
                                  as_json: bool, size: int) -> None:
    folder = tmp_path_factory.mktemp("logs")
    paths = []
    for i, log in enumerate(logs):
        path = folder / f"audit-{i}.log"
        path.write_text(log, encoding="utf-8", errors="surrogateescape")
        paths.append(path)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(cli, "_CHUNK", size)
        expected, got = run_both(paths, as_json)
    assert got == expected


def test_command_many_records_both_paths(tmp_path: Path) -> None:
    """Blocks of good records (the column path) around one bad record (the per-record path)."""
    good = [f"type=SOCKADDR msg=audit(1.{i}:{i}): saddr={HEXES[i % 5]}"
            f"\x1dSADDR={{ saddr_fam=x n={i} }}" for i in range(3000)]
    good[1500] = "type=SOCKADDR msg=audit(1.0:1500): saddr=0A00"      # too short: an error
    path = tmp_path / "audit {0}.log"         # braces: no format string of it
    path.write_text("\n".join(good) + "\n")
    for as_json in (False, True):
        expected, got = run_both([path], as_json)
        assert got == expected
        assert got[2] == 1
        assert f"{path}:1501: audit(1.0:1500): " in got[1]


@pytest.mark.parametrize("data", [
    b"type=SOCKADDR msg=audit(1.0:1): saddr=0A00\r\n"
    b"type=SOCKADDR msg=audit(1.0:2): saddr=" + HEXES[2].encode() + b"\r\n"
    b"type=SOCKADDR msg=audit(1.0:3): saddr=" + HEXES[0].encode() + b"\n"
    b"type=SOCKADDR msg=audit(\xff:4): saddr=" + HEXES[1].encode() + b"\rtype=1306 x\n"
    b"type=SOCKADDR msg=audit(1.0:5) : saddr={ saddr_fam=local path=/x\xe2\x80 }",
])
def test_stdin_matches_old_loop(data: bytes) -> None:
    """Standard input, no newline translation (a "\\r" stays in its line), bad bytes."""
    out: list[str] = []
    err: list[str] = []
    lines = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="surrogateescape",
                             newline="\n")
    failed = old_audit("<stdin>", iter(lines), False, out, err)
    result = subprocess.run([sys.executable, "-m", "sockaddr", "audit"], input=data,
                            capture_output=True, check=False, timeout=60)
    assert result.stdout.decode() == "".join(f"{line}\n" for line in out)
    assert result.stderr.decode() == "".join(f"{e}\n" for e in err)
    assert result.returncode == (1 if failed else 0)
    assert len(out) == 4


CHILD = """
import sys
from sockaddr import cli
for text in cli._texts("-"):
    sys.stdout.write(repr(text) + "\\n")
    sys.stdout.flush()
"""


def test_stdin_pipe_is_read_as_it_comes() -> None:
    """A line written to the pipe is read at once, not when a whole chunk has come."""
    with subprocess.Popen([sys.executable, "-c", CHILD], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE) as proc:
        assert proc.stdin is not None
        assert proc.stdout is not None
        for i in range(3):
            line = f"type=SOCKADDR msg=audit(1.0:{i}): saddr={HEXES[0]}\n"
            proc.stdin.write(line.encode())
            proc.stdin.flush()
            assert proc.stdout.readline().decode() == repr(line) + "\n"
        proc.stdin.close()
        assert proc.stdout.read() == b""
    assert proc.returncode == 0


def test_command_odd_characters(tmp_path: Path) -> None:
    """Line separators (escaped in JSON) and undecodable bytes (backslash escapes) in
    stamps and paths, in a block of good records and in one with an error."""
    unix = sockaddr.encode(socket.AF_UNIX, b"/tmp/\xff\xe2\x80\xa8").hex()
    records = [f"type=SOCKADDR msg=audit(1.0\u2028{i}\x85:{i}): saddr={unix}"
               "\x1dSADDR={ p=\u2029 }" for i in range(5)]
    data = "\n".join(records).encode() + b"\ntype=SOCKADDR msg=audit(\xff:9): saddr=" + \
        HEXES[0].encode() + b"\n"
    good = tmp_path / "good.log"
    good.write_bytes(data)
    bad = tmp_path / "bad.log"
    bad.write_bytes(data + b"type=SOCKADDR msg=audit(1.0:10): saddr=0A00\n")
    for path in (good, bad):
        for as_json in (False, True):
            expected, got = run_both([path], as_json)
            assert got == expected
            assert "\\udcff" in got[0]
            assert ("\u2028" in got[0]) is not as_json
