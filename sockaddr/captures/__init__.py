"""Parsers for captures that carry socket addresses: Linux audit logs and strace output.

Both are pure and streaming: they take an iterable of lines and yield one
item per line of interest, so memory stays constant however long the log.
"""

from __future__ import annotations

from sockaddr.captures.audit import AuditRecord, parse_audit_line
from sockaddr.captures.strace import StraceRecord, parse_strace_line
from sockaddr.captures.strace_cmsg import StraceControl, parse_strace_cmsgs

__all__ = ["AuditRecord", "StraceControl", "StraceRecord", "parse_audit_line",
           "parse_strace_cmsgs", "parse_strace_line"]
