"""SOL_TLS control messages (kernel TLS, Documentation/networking/tls.rst).

The record's content type (RFC 8446 ``ContentType``: 21 alert, 22 handshake,
23 application data) travels as one byte: ``sendmsg()`` takes it to send a
non-data record; each ``recvmsg()`` with a control buffer reports the type of
the first record it returns (data records too), and stops at the next record
of another type.  A non-data record read without room for the message fails
with EIO.
"""

from __future__ import annotations

from dataclasses import dataclass

from sockaddr.cmsg._base import ScalarMessage, register

__all__ = ["TlsGetRecordType", "TlsSetRecordType"]

_L = "SOL_TLS"


@register
@dataclass(frozen=True)
class TlsSetRecordType(ScalarMessage):
    """TLS_SET_RECORD_TYPE: the ``unsigned char`` content type of the record to send.

    ``tls_process_cmsg()`` (net/tls/tls_main.c) needs at least one byte and
    reads only the first, so a longer payload works too; this form is the
    one byte the kernel uses.
    """

    cmsg_level = _L
    cmsg_type = "TLS_SET_RECORD_TYPE"
    direction = "send"
    payload = "u8"
    record_type: int


@register
@dataclass(frozen=True)
class TlsGetRecordType(ScalarMessage):
    """TLS_GET_RECORD_TYPE: the ``unsigned char`` content type of the records read.

    Put once per read, for its first record (``tls_record_content_type()``,
    net/tls/tls_sw.c); every record of the read has that type.
    """

    cmsg_level = _L
    cmsg_type = "TLS_GET_RECORD_TYPE"
    direction = "recv"
    payload = "u8"
    record_type: int
