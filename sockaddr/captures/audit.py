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

__all__ = ["AuditRecord", "parse_audit_line"]

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
