"""The ``sockaddr`` command (also ``python -m sockaddr``).

``sockaddr decode HEX…`` prints, per address, the family name and the value
CPython would return; ``--verbose`` adds every field of the lossless record.
``encode FAMILY ADDRESS`` prints the bytes as hex; ``cmsg HEX`` walks a raw
``msg_control`` buffer; ``audit [FILE…]`` and ``strace [FILE…]`` decode the
addresses in Linux audit logs and strace output.  ``--json``: one JSON object
per record (JSON Lines); ``family`` (number), ``family_name``, ``address`` (the
CPython value: tuples as arrays, bytes as ``{"hex": …}``) and ``hex`` (the
sockaddr bytes) on every address, plus ``source`` (``FILE:LINE`` or ``argument
N``), ``fields`` (decode), ``timestamp``/``event``/``interpreted`` (audit),
``pid``/``syscall`` (strace); cmsg gives ``index``, ``class``, ``cmsg_level``,
``cmsg_type`` and ``fields``.  Errors go to standard error, one line each.
Exit status: 0 when all decoded, 1 when some did not, 2 for usage errors.
"""

from __future__ import annotations

import argparse
import ast
import codecs
import dataclasses
import functools
import io
import json
import os
import stat
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain, repeat
from operator import itemgetter
from typing import IO, Any, ClassVar

from sockaddr import schemas
from sockaddr.abi import ABI, KNOWN
from sockaddr.captures import parse_strace_line
from sockaddr.captures.audit import AuditBlock, scan_audit
from sockaddr.codec import decode, decode_list, encode, parse
from sockaddr.errors import DecodeError

__all__ = ["family_name", "main"]


@functools.cache
def family_name(number: int) -> str:
    """``AF_INET6`` for 10; ``AF_<n>`` for a number no schema names."""
    for name in schemas.constants():
        if name.startswith("AF_") and schemas.constant(name) == number:
            return name
    return f"AF_{number}"


def _hex(text: str) -> bytes:
    """Hex digits (spaces and a ``0x`` prefix allowed) as bytes.

    Raises :class:`ValueError` saying which digit (counted among the digits) is wrong.
    """
    cleaned = "".join(text.split())
    if cleaned[:2].lower() == "0x":
        cleaned = cleaned[2:]
    bad = next((i for i, c in enumerate(cleaned) if c not in "0123456789abcdefABCDEF"), None)
    if bad is not None:
        raise ValueError(f"{cleaned[bad]!r} at digit {bad + 1} is not a hex digit")
    if len(cleaned) % 2:
        raise ValueError(f"odd number of hex digits ({len(cleaned)})")
    return bytes.fromhex(cleaned)


def _inputs(args: Sequence[str]) -> Iterable[tuple[str, str]]:
    if args:
        for i, arg in enumerate(args, 1):
            yield f"argument {i}", arg
    else:
        for i, line in enumerate(_stdin(), 1):
            if line.strip():
                yield f"<stdin>:{i}", line


class UsageError(Exception):
    """A bad command line (exit status 2)."""


def _err(where: str, message: str) -> None:
    if _Progress.current is not None:
        _Progress.current.erase()          # the message takes the progress line's place
    print(f"sockaddr: {where}: {message}", file=sys.stderr)


def jsonable(value: object) -> object:
    """``value`` in JSON terms: tuples become arrays, bytes ``{"hex": …}``, dataclasses objects."""
    if isinstance(value, bytes | bytearray | memoryview):
        return {"hex": bytes(value).hex()}
    if isinstance(value, tuple | list):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return repr(value)


def _stdin() -> IO[str]:
    """Standard input, undecodable bytes kept as surrogates, as files are read
    (a UTF-8 locale makes it strict: one bad byte would end the run)."""
    if isinstance(sys.stdin, io.TextIOWrapper):
        sys.stdin.reconfigure(errors="surrogateescape")
    return sys.stdin


def _print(text: str) -> None:
    """``print`` for text that may hold surrogates (undecodable bytes of a path or
    a log line): they are written as ``\\udcXX`` escapes, which a strict UTF-8
    standard output takes and which ``json.loads`` reads back in a JSON string."""
    print(text.encode("utf-8", "backslashreplace").decode("utf-8"))


# Line breaks to str.splitlines() (and some JSON Lines readers) that json.dumps leaves raw.
_BREAKS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def _emit(obj: dict[str, object]) -> None:
    # Escaped, NEL/LS/PS inside a string cannot split a JSON Lines record.
    _print(json.dumps(obj, ensure_ascii=False, sort_keys=False).translate(_BREAKS))


def _family_number(text: str) -> int:
    """``AF_INET6``, ``INET6``, ``10`` or ``0xa`` as the family number."""
    try:
        return int(text, 0)
    except ValueError:
        pass
    name = text.upper()
    if not name.startswith("AF_"):
        name = "AF_" + name
    try:
        return schemas.constant(name)
    except (KeyError, LookupError):
        raise UsageError(f"unknown address family {text!r}") from None


def _tuples(value: object) -> object:
    """Lists (JSON arrays) as the tuples ``socket`` takes, at every depth."""
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    return value


def _literal(text: str) -> object:
    """ADDRESS: a Python literal, else JSON (a bare path must be quoted: `"'/tmp/s'"`)."""
    try:
        return _tuples(ast.literal_eval(text))
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        pass
    try:
        return _tuples(json.loads(text))
    except ValueError:
        raise UsageError(f"address {text!r} is neither a Python literal nor JSON") from None


def _decoded(data: bytes, ns: argparse.Namespace,
             with_fields: bool = True) -> tuple[int, object, dict[str, object]]:
    """``(family, CPython value, record fields)``; raises DecodeError.

    Without ``with_fields`` the lossless record is not built (logs are long) and
    the family is read from ``sa_family`` in the ABI's byte order.
    """
    value = decode(data, proto=ns.proto, abi=ns.abi)
    if value is None:
        return -1, None, {}
    if not with_fields:
        return int.from_bytes(data[:2], ns.abi.byteorder), value, {}
    rec = parse(data, proto=ns.proto, abi=ns.abi)
    fields: dict[str, object] = dict(rec.fields)
    if rec.tail:
        fields["(tail)"] = rec.tail
    return rec.family, value, fields


def _decode(ns: argparse.Namespace) -> int:
    failed = 0
    for where, text in _inputs(ns.hex):
        try:
            data = _hex(text)
        except ValueError as e:
            _err(where, f"not hex ({e}): {text.strip()[:60]!r}")
            failed += 1
            continue
        try:
            family, value, fields = _decoded(data, ns)
        except DecodeError as e:
            _err(where, str(e))
            failed += 1
            continue
        if ns.json:
            _emit({"source": where, "hex": data.hex(),
                   "family": family if value is not None else None,
                   "family_name": family_name(family) if value is not None else None,
                   "address": jsonable(value), "fields": jsonable(fields)})
            continue
        if value is None:
            print("(empty) None")
            continue
        print(f"{family_name(family)} {value!r}")
        if ns.verbose:
            for name, field in fields.items():
                print(f"    {name} = {field!r}")
    return 1 if failed else 0


def _encode(ns: argparse.Namespace) -> int:
    family = _family_number(ns.family)
    address = _literal(ns.address)
    try:
        data = encode(family, address, proto=ns.proto, abi=ns.abi)
    except (OSError, TypeError, ValueError, OverflowError, LookupError) as e:
        _err(f"encode {family_name(family)} {ns.address}", f"{type(e).__name__}: {e}")
        return 1
    if ns.json:
        _emit({"family": family, "family_name": family_name(family),
               "address": jsonable(address), "hex": data.hex()})
    else:
        print(data.hex())
    return 0


def _cmsg(ns: argparse.Namespace) -> int:
    from sockaddr import cmsg  # noqa: PLC0415 - ~0.1 s, only the commands that read messages

    family = None if ns.family is None else _family_number(ns.family)
    try:
        data = _hex(" ".join(ns.hex))
    except ValueError as e:
        raise UsageError(f"HEX: not hex ({e})") from None
    try:
        messages = cmsg.parse(data, abi=ns.abi, truncated=ns.truncated, family=family)
    except DecodeError as e:
        _err(f"HEX byte {e.offset}", str(e))
        return 1
    for index, msg in enumerate(messages):
        if isinstance(msg, cmsg.Unknown | cmsg.Truncated):
            level, type_ = msg.level, msg.type
        else:
            level, type_ = msg.numbers(ns.abi)
        if ns.json:
            _emit({"index": index, "class": type(msg).__name__, "cmsg_level": level,
                   "cmsg_type": type_, "fields": jsonable(msg)})
        else:
            print(repr(msg))
    return 0


class _Progress:
    """A one-line progress report on standard error, only when it is a terminal.

    Redrawn at most five times a second, first after 0.2 s, or at once for a
    file of ``EAGER`` bytes or more (seconds of work not long ago, a blink now:
    seen at once or not at all); the percentage is of the file's size
    (standard input has none: only the count).  Cleared when the input ends.
    """

    EAGER: ClassVar[int] = 1 << 24

    current: ClassVar[_Progress | None] = None

    def __init__(self, name: str, total: int | None) -> None:
        _Progress.current = self
        self.name = name
        self.total = total
        self.done = 0
        self.lines = 0
        self.start = self.last = time.monotonic()
        if total is not None and total >= self.EAGER:
            self.last -= 1
        self.shown = False

    def step(self, line: str) -> None:
        self.lines += 1
        self.done += len(line)
        if self.lines & 1023:
            return
        self._draw()

    def advance(self, size: int, lines: int) -> None:
        """``size`` more of the input read (bytes), holding ``lines`` line ends."""
        self.done += size
        self.lines += lines
        self._draw()

    def _draw(self) -> None:
        now = time.monotonic()
        if now - self.last < 0.2:
            return
        self.last = now
        rate = self.lines / max(now - self.start, 1e-9)
        part = (f"{min(100 * self.done / self.total, 100):5.1f}% "
                if self.total else "")
        sys.stderr.write(f"\r{self.name}: {part}{self.lines:,} lines, {rate:,.0f} lines/s")
        sys.stderr.flush()
        self.shown = True

    def erase(self) -> None:
        if self.shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
            self.shown = False

    def close(self) -> None:
        self.erase()
        _Progress.current = None


def _size(handle: IO[Any] | io.BufferedIOBase) -> int | None:
    try:
        size = os.fstat(handle.fileno()).st_size
    except (OSError, ValueError, io.UnsupportedOperation):
        return None
    return size or None


def _lines(files: Sequence[str]) -> Iterator[tuple[str, int, str]]:
    """``(name, line number, line)`` of each file in turn, or of standard input.

    A progress line goes to standard error while it is a terminal.
    """
    for name in files or ["-"]:
        handle: IO[str]
        try:
            handle = _stdin() if name == "-" else open(  # noqa: SIM115 - closed below
                name, encoding="utf-8", errors="surrogateescape")
        except OSError as e:
            raise UsageError(f"{name}: cannot read: {e.strerror}") from None
        label = "<stdin>" if name == "-" else name
        progress = _Progress(label, _size(handle)) if sys.stderr.isatty() else None
        try:
            for number, line in enumerate(handle, 1):
                if progress is not None:
                    progress.step(line)
                yield label, number, line
        finally:
            if progress is not None:
                progress.close()
            if name != "-":
                handle.close()


# Bytes per read: a block of ~150 auditd events; more buys no speed, only memory.
_CHUNK = 1 << 16


def _texts(name: str) -> Iterator[str]:
    """The text of file ``name`` (``-``: standard input) piece by piece, as read.

    Decoded as ``_lines`` reads lines (UTF-8 with surrogates for undecodable
    bytes, universal newlines for files; standard input as ``_stdin()``).  A
    read returns what is there, so a pipe's lines come through as written.
    A progress line goes to standard error while it is a terminal.
    """
    binary: io.BufferedIOBase | None = None        # read with our decoder
    decoder: codecs.IncrementalDecoder | io.IncrementalNewlineDecoder | None = None
    handle: IO[Any] | io.BufferedIOBase
    if name == "-":
        handle = stdin = _stdin()
        # Our own decoder on the bytes when this is the interpreter's standard
        # input: on POSIX it splits lines at "\n" only, with no newline
        # translation.  Any other stream is read as text.
        if (os.name == "posix" and stdin is sys.__stdin__
                and isinstance(stdin, io.TextIOWrapper)
                and isinstance(stdin.buffer, io.BufferedIOBase)):
            binary = handle = stdin.buffer
            decoder = codecs.getincrementaldecoder(stdin.encoding)(stdin.errors or "strict")
    else:
        try:
            binary = handle = open(name, "rb")  # noqa: SIM115 - closed below
        except OSError as e:
            raise UsageError(f"{name}: cannot read: {e.strerror}") from None
        decoder = io.IncrementalNewlineDecoder(
            codecs.getincrementaldecoder("utf-8")("surrogateescape"), translate=True)
    label = "<stdin>" if name == "-" else name
    progress = _Progress(label, _size(handle)) if sys.stderr.isatty() else None
    try:
        while True:
            if binary is not None and decoder is not None:
                data = binary.read1(_CHUNK)
                size = len(data)
                text: str = decoder.decode(data, final=not size)
            else:
                text = stdin.read(_CHUNK)
                size = len(text)
            if text:
                yield text
            if progress is not None:        # once the text is dealt with
                progress.advance(size, text.count("\n"))
            if not size:
                return
    finally:
        if progress is not None:
            progress.close()
        if name != "-":
            handle.close()


# json.dumps(obj, ensure_ascii=False) without making an encoder per record.
_JSON = json.JSONEncoder(ensure_ascii=False).encode
# The same for jsonable(value) when ``value`` holds no dict (see _flat).
_JSON_VALUE = json.JSONEncoder(ensure_ascii=False, default=jsonable).encode
_JSON_STR = json.encoder.encode_basestring         # what _JSON does with a str
_SCALARS = frozenset({str, bytes, int, float, bool, type(None)})

# An audit record, as _audit prints it and as _emit would write its dict.
_AUDIT_JSON = ('{{"source": {}, "timestamp": {}, "event": {}, "hex": "{}", "family": {}, '
               '"family_name": {}, "address": {}, "interpreted": {}}}').format
_SA_FAMILY = itemgetter(slice(0, 2))


class _Families(dict[bytes, tuple[int, str]]):
    """``(number, family_name())`` by the ``sa_family`` bytes of an address."""

    def __init__(self, abi: ABI) -> None:
        super().__init__()
        self.byteorder = abi.byteorder

    def __missing__(self, key: bytes) -> tuple[int, str]:
        number = int.from_bytes(key, self.byteorder)
        self[key] = found = (number, family_name(number))
        return found


def _flat(values: list[object]) -> bool:
    """No dict in ``values`` (str, bytes, tuples of scalars): there ``_JSON_VALUE``
    is ``_JSON(jsonable())`` (which also turns dict keys to str, its own way)."""
    if not set(map(type, values)) <= {str, bytes, tuple}:
        return False
    return set(map(type, chain.from_iterable(values))) <= _SCALARS   # type: ignore[arg-type]


def _write(out: list[str], as_json: bool) -> None:
    """Print the lines of ``out`` (as ``_print``/``_emit`` would one by one), then empty it."""
    if not out:
        return
    out.append("")
    text = "\n".join(out)
    if as_json:
        text = text.translate(_BREAKS)
    sys.stdout.write(text.encode("utf-8", "backslashreplace").decode("utf-8"))
    out.clear()


def _audit(ns: argparse.Namespace) -> int:
    failed = 0
    families = _Families(ns.abi)
    for name in ns.files or ["-"]:
        label = "<stdin>" if name == "-" else name
        # Plain output needs line numbers for errors only: found again then
        # (and in a file not even counted unless there is an error).
        lines = None if ns.json else _Lines.of(name)
        try:
            for block in scan_audit(_texts(name), interpreted=ns.json, numbers=ns.json,
                                    count=lines is None):
                out = _audit_columns(label, block, ns, families)
                if out is not None:
                    _write(out, ns.json)
                    continue
                if lines is not None:
                    block.first = lines.at(block.offset)
                failed += _audit_hits(label, block, ns, families)
        finally:
            if lines is not None:
                lines.close()
    return 1 if failed else 0


class _Lines:
    """Line numbers in a regular file, counted on demand by reading it again.

    Counting every line costs some 6% of a run; plain output needs line
    numbers for errors only, which most logs do not have.  Asked for in
    increasing order, so a file is read again at most once.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.handle: IO[str] | None = None
        self.offset = 0             # characters read again
        self.line = 1               # the line number there

    @classmethod
    def of(cls, name: str) -> _Lines | None:
        """For a regular file (others may not be read twice); else ``None``."""
        try:
            regular = name != "-" and stat.S_ISREG(os.stat(name).st_mode)
        except (OSError, ValueError):
            return None
        return cls(name) if regular else None

    def at(self, offset: int) -> int:
        """The number of the line holding character ``offset`` of the text."""
        if self.handle is None:     # decoded as _texts decodes it
            self.handle = open(self.name, encoding="utf-8", errors="surrogateescape")  # noqa: SIM115
        while self.offset < offset:
            text = self.handle.read(min(offset - self.offset, 1 << 20))
            if not text:
                break
            self.offset += len(text)
            self.line += text.count("\n")
        return self.line

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()


def _audit_columns(label: str, block: AuditBlock, ns: argparse.Namespace,
                   families: _Families) -> list[str] | None:
    """The output lines of ``block``, each step a C-level pass over it; ``None`` when
    a record is not plain (an error, no bytes): ``_audit_hits`` takes those."""
    if block.columns is None:
        return None
    stamps, events, saddrs, interpreted = block.columns
    try:
        values = decode_list(saddrs, ns.proto, ns.abi)
    except DecodeError:
        return None
    if None in values:
        return None
    known = list(map(families.__getitem__, map(_SA_FAMILY, saddrs)))
    if not ns.json:
        # An f-string in a comprehension: str.format parses its format at every call
        # (~20% of this step).
        return [f"audit({stamp}:{event}) {name} {value!r}" for stamp, event, name, value
                in zip(stamps, events, map(itemgetter(1), known), values, strict=True)]
    sources = map(_JSON_STR, map(f"{label}:".__add__, map(str, block.numbers())))
    addresses = _json_values(values) if _flat(values) else map(_json_jsonable, values)
    return list(map(_AUDIT_JSON, sources, map(_JSON_STR, stamps), events,
                    map(bytes.hex, saddrs), map(itemgetter(0), known),
                    map(_JSON_STR, map(itemgetter(1), known)), addresses,
                    _json_values(interpreted or repeat(None, len(saddrs)))))


def _json_jsonable(value: object) -> str:
    return _JSON(jsonable(value))


def _json_values(values: Iterable[object]) -> Iterator[str]:
    """``_JSON_VALUE`` of each value."""
    return map(_JSON_VALUE, values)


def _audit_hits(label: str, block: AuditBlock, ns: argparse.Namespace,
                families: _Families) -> int:
    """Print the records of ``block`` one by one, report its errors; the number of errors."""
    failed = 0
    out: list[str] = []
    append = out.append
    proto, abi, as_json = ns.proto, ns.abi, ns.json
    for number, (stamp, event, data, interpreted, error) in zip(
            block.numbers(), block.hits, strict=True):
        where = f"{label}:{number}"
        if error is not None:
            _write(out, as_json)
            _err(where, str(error))
            failed += 1
            continue
        head = f"audit({stamp}:{event})"
        out_obj: dict[str, object] = {"source": where, "timestamp": stamp, "event": event,
                                      "hex": data.hex() if data is not None else None}
        if data is None:
            # ausearch -i: only auditd's interpretation is left, no bytes.
            text = " ".join(f"{k}={v}" for k, v in (interpreted or {}).items())
            out_obj.update(family=None, family_name=None, address=None)
            line_text = f"{head} interpreted {{ {text} }}"
        else:
            try:
                value = decode(data, proto=proto, abi=abi)
            except DecodeError as e:
                _write(out, as_json)
                _err(where, f"{head}: {e}")
                failed += 1
                continue
            if value is None:
                out_obj.update(family=None, family_name=None, address=None)
                line_text = f"{head} (empty) None"
            else:
                family, name = families[data[:2]]
                out_obj.update(family=family, family_name=name, address=jsonable(value))
                line_text = f"{head} {name} {value!r}"
        out_obj["interpreted"] = interpreted
        append(_JSON(out_obj) if as_json else line_text)
    _write(out, as_json)
    return failed


def _strace(ns: argparse.Namespace) -> int:
    failed = 0
    for name, number, line in _lines(ns.files):
        where = f"{name}:{number}"
        try:
            records = parse_strace_line(line)
        except ValueError as e:
            _err(where, str(e))
            failed += 1
            continue
        for rec in records:
            try:
                data = encode(rec.family, rec.address, abi=ns.abi)
            except (OSError, TypeError, ValueError, OverflowError, LookupError) as e:
                _err(where, f"{rec.syscall}: {type(e).__name__}: {e}")
                failed += 1
                continue
            pid = "" if rec.pid is None else f"{rec.pid} "
            if ns.json:
                _emit({"source": where, "pid": rec.pid, "syscall": rec.syscall,
                       "family": rec.family, "family_name": family_name(rec.family),
                       "address": jsonable(rec.address), "hex": data.hex()})
            else:
                print(f"{pid}{rec.syscall} {family_name(rec.family)} {rec.address!r}")
        failed += _strace_cmsgs(line, where, ns)
    return 1 if failed else 0


def _strace_cmsgs(line: str, where: str, ns: argparse.Namespace) -> int:
    """Print the control messages of one strace line; 1 if they could not be read."""
    if "msg_control=[" not in line:
        return 0
    from sockaddr.captures.strace_cmsg import parse_strace_cmsgs  # noqa: PLC0415 - as _cmsg's

    try:
        controls = parse_strace_cmsgs(line, abi=ns.abi)
    except ValueError as e:
        _err(where, str(e))
        return 1
    for c in controls:
        pid = "" if c.pid is None else f"{c.pid} "
        if ns.json:
            _emit({"source": where, "pid": c.pid, "syscall": c.syscall, "cmsg_level": c.level,
                   "cmsg_type": c.type, "cmsg_len": c.length,
                   "class": type(c.message).__name__ if c.message is not None else None,
                   "fields": jsonable(c.message) if c.message is not None else None})
        elif c.message is not None:
            print(f"{pid}{c.syscall} cmsg {c.message!r}")
        else:
            print(f"{pid}{c.syscall} cmsg level {c.level} type {c.type} "
                  "(strace printed no payload)")
    return 0


def _abi(text: str) -> ABI:
    try:
        return ABI.get(text)
    except (KeyError, ValueError, LookupError) as e:
        raise argparse.ArgumentTypeError(str(e).strip("'\"")) from None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = argparse.ArgumentParser(prog="sockaddr", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser, proto: bool = True) -> None:
        if proto:
            p.add_argument("--proto", type=int, default=0,
                           help="the socket's protocol (CAN, Bluetooth, NFC…)")
        p.add_argument("--abi", type=_abi, default=None, metavar="ABI",
                       help="the ABI the bytes come from (default: this machine): "
                            + ", ".join(sorted(KNOWN)))
        p.add_argument("--json", action="store_true", help="one JSON object per record")

    dec = sub.add_parser("decode", help="decode sockaddr bytes given in hex")
    dec.add_argument("hex", nargs="*", help="hex bytes (standard input, one per line, if none)")
    common(dec)
    dec.add_argument("-v", "--verbose", action="store_true", help="print every C field")
    enc = sub.add_parser("encode", help="encode an address tuple, print hex")
    enc.add_argument("family", help="AF_INET6, INET6 or a number")
    enc.add_argument("address", help="a Python literal (\"('::1', 80)\") or JSON")
    common(enc)
    cm = sub.add_parser("cmsg", help="decode a raw msg_control buffer given in hex")
    cm.add_argument("hex", nargs="+", help="the buffer in hex (several arguments are joined)")
    cm.add_argument("--truncated", action="store_true", help="the kernel set MSG_CTRUNC")
    cm.add_argument("--family", default=None, help="the socket's family (level 0 on HCI)")
    common(cm, proto=False)
    aud = sub.add_parser("audit", help="decode SOCKADDR records of Linux audit logs")
    aud.add_argument("files", nargs="*", metavar="FILE", help="logs (standard input if none)")
    common(aud)
    st = sub.add_parser("strace", help="decode the addresses in strace output")
    st.add_argument("files", nargs="*", metavar="FILE", help="strace -o files (stdin if none)")
    common(st, proto=False)

    ns = parser.parse_args(argv)
    ns.abi = ABI.get(ns.abi)
    commands = {"decode": _decode, "encode": _encode, "cmsg": _cmsg, "audit": _audit,
                "strace": _strace}
    try:
        return commands[ns.command](ns)
    except UsageError as e:
        parser.exit(2, f"sockaddr {ns.command}: {e}\n")
    except BrokenPipeError:
        # The reader went away (``| head``): silence the final flush, as the
        # Python docs advise for SIGPIPE.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
