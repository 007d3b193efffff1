"""Parsers for captures that carry socket addresses: Linux audit logs and strace output.

Both are pure and streaming: they take an iterable of lines and yield one
item per line of interest, so memory stays constant however long the log.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sockaddr.captures.audit import AuditRecord, parse_audit_line
from sockaddr.captures.strace import StraceRecord, parse_strace_line

if TYPE_CHECKING:
    from sockaddr.captures.strace_cmsg import StraceControl, parse_strace_cmsgs

__all__ = ["AuditRecord", "StraceControl", "StraceRecord", "parse_audit_line",
           "parse_strace_cmsgs", "parse_strace_line"]


def __getattr__(name: str) -> Any:
    # strace's control messages need sockaddr.cmsg (~0.1 s to import, every
    # message class): loaded on first use, so that `sockaddr audit` on a small
    # log does not pay for it.
    if name in ("StraceControl", "parse_strace_cmsgs"):
        from sockaddr.captures import strace_cmsg  # noqa: PLC0415

        return getattr(strace_cmsg, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
