"""Linux audit ``SOCKADDR`` records (``auditd``'s log, ``ausearch --raw``, ``ausearch -i``, dmesg).

The kernel's ``audit_log_n_hex()`` logs the ``struct sockaddr`` a syscall
received as upper-case hex (``kernel/auditsc.c``, ``AUDIT_SOCKADDR`` = 1306)::

    type=SOCKADDR msg=audit(1700000000.123:456): saddr=0200...

``auditd`` with ``log_format = ENRICHED`` appends ``\\x1d`` (GS) and an
interpreted ``SADDR={ … }``; ``ausearch -i`` replaces the hex with the
interpreted braces and the epoch with local time (``11/25/26 18:29:06.995:4``);
the kernel's own printk (dmesg, journald) says ``audit: type=1306 audit(…): …``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator, Sequence
from itertools import accumulate, repeat
from operator import itemgetter

__all__ = ["AuditBlock", "AuditHit", "AuditRecord", "parse_audit_line", "scan_audit"]

# ``type=SOCKADDR`` (auditd) or ``type=1306`` (printk / unknown-type fallbacks).
_RECORD = re.compile(
    r"\btype=(?:SOCKADDR|1306|UNKNOWN\[1306\])\s.*?audit\((?P<stamp>[^)]*):(?P<event>\d+)\)\s*:"
    r"\s*saddr=(?P<value>\{[^}]*\}|[^\s\x1d]*)")
_ENRICHED = re.compile(r"\x1dSADDR=(\{[^}]*\})")
_FIELD = re.compile(r"([\w-]+)=(\S+)")


@dataclasses.dataclass(frozen=True)
class AuditRecord:
    """One ``SOCKADDR`` record.

    ``timestamp`` is as logged (epoch seconds ``"1700000000.123"`` in raw
    logs, local time with ``ausearch -i``); ``event`` is the serial shared by
    the records of one syscall.  ``saddr`` holds the bytes when the record
    carries hex; ``interpreted`` holds auditd's interpretation (the
    ``SADDR={…}`` suffix, or the braces of ``ausearch -i``) as its fields.
    """

    timestamp: str
    event: int
    saddr: bytes | None
    interpreted: dict[str, str] | None


def _fields(braces: str) -> dict[str, str]:
    return dict(_FIELD.findall(braces.strip("{} ")))


def parse_audit_line(line: str) -> AuditRecord | None:
    """The ``SOCKADDR`` record on ``line``; ``None`` for other records.

    Raises :class:`ValueError` (naming the column) for a ``SOCKADDR``
    record whose ``saddr`` is not an even run of hex digits.
    """
    found = _RECORD.search(line)
    if found is None:
        return None
    value = found["value"]
    enriched = _ENRICHED.search(line, found.end())
    interpreted = _fields(enriched[1]) if enriched else None
    if value.startswith("{"):
        return AuditRecord(found["stamp"], int(found["event"]), None, _fields(value))
    column = found.start("value") + 1
    if not value:
        raise ValueError(f"column {column}: empty saddr")
    if len(value) % 2:
        raise ValueError(f"column {column}: saddr has an odd number of hex digits ({len(value)})")
    try:
        data = bytes.fromhex(value)
    except ValueError:
        bad = next(i for i, c in enumerate(value) if c not in "0123456789abcdefABCDEF")
        raise ValueError(f"column {column + bad}: saddr is not hex: "
                         f"{value[bad:bad + 10]!r}") from None
    return AuditRecord(found["stamp"], int(found["event"]), data, interpreted)


# ``scan_audit`` runs one search over many lines (C speed, no Python step per
# line).  This is _RECORD with its whitespace kept on one line (``[^\S\n]``), the
# ``\b`` as a look-behind after the literal (so ``type=`` stays a literal prefix
# the engine skips to), and the rest of the line taken (one match per line, as
# the per-line search finds the first only).  The stamp's ``[^)]*`` may still
# run into the next lines: a "\n" in it sends the block to the per-line path.
_BLOCK = re.compile(
    r"type=(?<!\wtype=)(?:SOCKADDR|1306|UNKNOWN\[1306\])[^\S\n].*?audit\(([^)]*):(\d+)\)"
    r"[^\S\n]*:[^\S\n]*saddr=([^\n]*)")

#: ``(timestamp, event, saddr, interpreted, error)``: the fields of an
#: :class:`AuditRecord`, or the :class:`ValueError` :func:`parse_audit_line`
#: raises for the line (then the other fields are empty).
AuditHit = tuple[str, int, "bytes | None", "dict[str, str] | None", "ValueError | None"]


class AuditBlock:
    """The ``SOCKADDR`` records of some consecutive whole lines of a log.

    ``hits`` are what :func:`parse_audit_line` gives for each line that has a
    record, in order; ``first`` is the number of the block's first line (0
    when the scan did not count lines: set it before asking for ``numbers``),
    ``offset`` that of its first character in the whole text.  When
    every hit is a record with bytes (the common case), ``columns`` has them
    field by field: ``(timestamps, events, saddrs, interpreted)`` (``None``
    for the last when the scan was not asked for it); else it is ``None``.
    """

    __slots__ = ("_hits", "_lines", "_text", "columns", "first", "offset")

    def __init__(self, text: str, first: int, offset: int, *, hits: list[AuditHit] | None,
                 columns: AuditColumns | None, lines: list[int] | None) -> None:
        self._text = text
        self.first = first
        self.offset = offset
        self._hits = hits
        self.columns = columns
        self._lines = lines         # of each hit, counted from the block's first line: 0

    @property
    def hits(self) -> list[AuditHit]:
        if self._hits is None:
            assert self.columns is not None
            stamps, events, saddrs, interpreted = self.columns
            self._hits = list(zip(stamps, events, saddrs, interpreted or repeat(None),
                                  repeat(None), strict=False))
        return self._hits

    def numbers(self) -> list[int]:
        """The line number of each hit (found again when the scan did not keep them)."""
        if self._lines is None:
            self._lines = _lines_of(self._text, list(map(re.Match.start,
                                                          _BLOCK.finditer(self._text))))
        return list(map(self.first.__add__, self._lines))


#: ``AuditBlock.columns``.
AuditColumns = tuple["Sequence[str]", "list[int]", "list[bytes]",
                     "list[dict[str, str] | None] | None"]


def scan_audit(texts: Iterable[str], *, interpreted: bool = True, numbers: bool = True,
               count: bool = True) -> Iterator[AuditBlock]:
    """The ``SOCKADDR`` records of a log given as consecutive pieces of text cut anywhere.

    The same records (and errors) as :func:`parse_audit_line` on each line,
    a block per run of whole lines.  Without ``interpreted`` the ``SADDR={…}``
    suffix is not read (``interpreted`` is ``None`` unless the record has no
    hex); without ``numbers`` line numbers are found only when asked for;
    without ``count`` lines are not even counted (``first`` is 0).
    """
    first = 1 if count else 0
    offset = 0
    pending: list[str] = []
    for text in texts:
        cut = text.rfind("\n") + 1
        if not cut:
            pending.append(text)
            continue
        if pending:
            pending.append(text[:cut])
            block = "".join(pending)
            pending.clear()
        else:
            block = text[:cut] if cut < len(text) else text
        if cut < len(text):
            pending.append(text[cut:])
        yield _scan(block, first, offset, interpreted, numbers)
        offset += len(block)
        if count:
            first += block.count("\n")
    if pending:
        yield _scan("".join(pending), first, offset, interpreted, numbers)


def _lines_of(text: str, starts: list[int]) -> list[int]:
    """The lines (from 0) of ascending offsets ``starts`` in ``text``."""
    return list(accumulate(map(text.count, repeat("\n"), [0, *starts], starts), initial=0))[1:]


def _scan(text: str, first: int, offset: int, interpreted: bool, numbers: bool) -> AuditBlock:
    # Column by column, each step one C-level pass (map, zip) over the block.
    if numbers:
        matches = list(_BLOCK.finditer(text))
        found = list(map(re.Match.groups, matches))
    else:
        found = _BLOCK.findall(text)
    if not found:
        return AuditBlock(text, first, offset, hits=[], columns=None, lines=[])
    stamps, events, rests = zip(*found, strict=True)
    digits = list(map(itemgetter(0), map(str.partition, rests, repeat("\x1d"))))
    try:
        saddrs = list(map(bytes.fromhex, digits))
        event_numbers = list(map(int, events))
    except ValueError:
        return _lines(text, first, offset, interpreted)
    # Anything but runs of hex digits (to GS or the line's end: fromhex skips
    # spaces, hence the lengths) is the per-line path's: it knows spaces,
    # braces and the error messages.
    if (not all(saddrs) or 2 * sum(map(len, saddrs)) != sum(map(len, digits))
            or "\n" in "".join(stamps)):
        return _lines(text, first, offset, interpreted)
    extra = None
    if interpreted:
        # The first ``GS SADDR={…}`` after the value, as parse_audit_line searches.
        extra = [_fields(enriched[1]) if enriched else None
                 for enriched in map(_ENRICHED.search, rests, map(len, digits))]
    lines = _lines_of(text, list(map(re.Match.start, matches))) if numbers else None
    return AuditBlock(text, first, offset, hits=None,
                      columns=(stamps, event_numbers, saddrs, extra), lines=lines)


def _lines(text: str, first: int, offset: int, interpreted: bool) -> AuditBlock:
    """The block by :func:`parse_audit_line` on each line: the reference."""
    hits: list[AuditHit] = []
    numbers: list[int] = []
    lines = text.split("\n")
    last = len(lines) - 1
    for index, line in enumerate(lines):
        if "saddr=" not in line:        # _RECORD needs it: no record on this line
            continue
        try:
            rec = parse_audit_line(line + "\n" if index < last else line)
        except ValueError as e:
            hits.append(("", 0, None, None, e))
            numbers.append(index)
            continue
        if rec is not None:
            extra = rec.interpreted if interpreted or rec.saddr is None else None
            hits.append((rec.timestamp, rec.event, rec.saddr, extra, None))
            numbers.append(index)
    return AuditBlock(text, first, offset, hits=hits, columns=None, lines=numbers)
