"""The kernel's AX.25 and ROSE address code, compiled, as oracle.

``ax2asc()`` and ``asc2ax()`` are copied verbatim (tabs expanded) from net/ax25/ax25_addr.c
and ``rose2asc()`` from net/rose/af_rose.c (torvalds/linux); the builders
below them fill ``struct sockaddr_ax25``/``full_sockaddr_ax25`` and
``struct sockaddr_rose``/``full_sockaddr_rose`` through the installed
<linux/ax25.h> and <linux/rose.h>, the way a C program (or the kernel's
getname()) does, with ``asc2ax()`` for every callsign.
"""

from __future__ import annotations

import ctypes
from collections.abc import Sequence
from pathlib import Path

from c_oracle import compile_c

__all__ = ["Ax25Oracle"]

SOURCE = r"""
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/ax25.h>
#include <linux/rose.h>

/* net/ax25/ax25_addr.c, verbatim */
char *ax2asc(char *buf, const ax25_address *a)
{
        char c, *s;
        int n;

        for (n = 0, s = buf; n < 6; n++) {
                c = (a->ax25_call[n] >> 1) & 0x7F;

                if (c != ' ') *s++ = c;
        }

        *s++ = '-';

        if ((n = ((a->ax25_call[6] >> 1) & 0x0F)) > 9) {
                *s++ = '1';
                n -= 10;
        }

        *s++ = n + '0';
        *s++ = '\0';

        if (*buf == '\0' || *buf == '-')
           return "*";

        return buf;

}

void asc2ax(ax25_address *addr, const char *callsign)
{
        char *s;
        int n;

        for (s = callsign, n = 0; n < 6; n++) {
                if (*s != '\0' && *s != '-')
                        addr->ax25_call[n] = *s++;
                else
                        addr->ax25_call[n] = ' ';
                addr->ax25_call[n] <<= 1;
                addr->ax25_call[n] &= 0xFE;
        }

        if (*s++ == '\0') {
                addr->ax25_call[6] = 0x00;
                return;
        }

        addr->ax25_call[6] = *s++ - '0';

        if (*s != '\0') {
                addr->ax25_call[6] *= 10;
                addr->ax25_call[6] += *s++ - '0';
        }

        addr->ax25_call[6] <<= 1;
        addr->ax25_call[6] &= 0x1E;
}

/* net/rose/af_rose.c, verbatim */
const char *rose2asc(const rose_address *addr)
{
        static char buffer[11];

        if (addr->rose_addr[0] == 0x00 && addr->rose_addr[1] == 0x00 &&
            addr->rose_addr[2] == 0x00 && addr->rose_addr[3] == 0x00 &&
            addr->rose_addr[4] == 0x00) {
                strcpy(buffer, "*");
        } else {
                sprintf(buffer, "%02X%02X%02X%02X%02X", addr->rose_addr[0] & 0xFF,
                                                addr->rose_addr[1] & 0xFF,
                                                addr->rose_addr[2] & 0xFF,
                                                addr->rose_addr[3] & 0xFF,
                                                addr->rose_addr[4] & 0xFF);
        }

        return buffer;
}

/* A C program's sockaddrs, through the installed headers. */
size_t build_ax25(unsigned short family, const char *call, const char **digis, int n,
                  int full, unsigned char *out)
{
        struct full_sockaddr_ax25 fsa;
        int i;

        memset(&fsa, 0, sizeof fsa);
        fsa.fsa_ax25.sax25_family = family;
        asc2ax(&fsa.fsa_ax25.sax25_call, call);
        fsa.fsa_ax25.sax25_ndigis = n;
        for (i = 0; i < n; i++)
                asc2ax(&fsa.fsa_digipeater[i], digis[i]);
        memcpy(out, &fsa, sizeof fsa);
        return full ? sizeof(struct full_sockaddr_ax25) : sizeof(struct sockaddr_ax25);
}

size_t build_rose(unsigned short family, const unsigned char *addr, const char *call,
                  const char **digis, int n, int full, unsigned char *out)
{
        struct full_sockaddr_rose fr;
        struct sockaddr_rose sr;
        int i;

        if (full) {
                memset(&fr, 0, sizeof fr);
                fr.srose_family = family;
                memcpy(fr.srose_addr.rose_addr, addr, 5);
                asc2ax(&fr.srose_call, call);
                fr.srose_ndigis = n;
                for (i = 0; i < n; i++)
                        asc2ax(&fr.srose_digis[i], digis[i]);
                memcpy(out, &fr, sizeof fr);
                return sizeof fr;
        }
        memset(&sr, 0, sizeof sr);
        sr.srose_family = family;
        memcpy(sr.srose_addr.rose_addr, addr, 5);
        asc2ax(&sr.srose_call, call);
        sr.srose_ndigis = n;
        if (n)
                asc2ax(&sr.srose_digi, digis[0]);
        memcpy(out, &sr, sizeof sr);
        return sizeof sr;
}
"""


class Ax25Oracle:
    """The compiled kernel functions and builders."""

    def __init__(self, workdir: Path) -> None:
        lib = compile_c(workdir, SOURCE)
        self._ax2asc = lib.ax2asc
        self._ax2asc.restype = ctypes.c_char_p
        self._ax2asc.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
        self._asc2ax = lib.asc2ax
        self._asc2ax.restype = None
        self._asc2ax.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
        self._rose2asc = lib.rose2asc
        self._rose2asc.restype = ctypes.c_char_p
        self._rose2asc.argtypes = [ctypes.c_char_p]
        self._build_ax25 = lib.build_ax25
        self._build_ax25.restype = ctypes.c_size_t
        self._build_rose = lib.build_rose
        self._build_rose.restype = ctypes.c_size_t

    def ax2asc(self, raw: bytes) -> bytes:
        """``ax2asc()`` of 7 bytes: the kernel's text (bytes, as C has it)."""
        buf = ctypes.create_string_buffer(16)
        out = self._ax2asc(buf, raw)
        assert isinstance(out, bytes)
        return out

    def asc2ax(self, text: bytes) -> bytes:
        """``asc2ax()`` of a C string: 7 bytes."""
        buf = ctypes.create_string_buffer(7)
        self._asc2ax(buf, text)
        return buf.raw

    def rose2asc(self, raw: bytes) -> str:
        """``rose2asc()`` of 5 bytes."""
        out = self._rose2asc(raw)
        assert isinstance(out, bytes)
        return out.decode()

    @staticmethod
    def _strings(items: Sequence[str]) -> ctypes.Array[ctypes.c_char_p]:
        return (ctypes.c_char_p * max(1, len(items)))(*[s.encode() for s in items])

    def build_ax25(self, family: int, call: str, digis: Sequence[str] | None) -> bytes:
        """A C program's ``sockaddr_ax25`` (``digis`` None) or ``full_sockaddr_ax25``."""
        out = ctypes.create_string_buffer(128)
        n = self._build_ax25(ctypes.c_ushort(family), call.encode(),
                             self._strings(digis or ()), len(digis or ()),
                             int(digis is not None), out)
        return out.raw[:n]

    def build_rose(self, family: int, addr: bytes, call: str, digis: Sequence[str],
                   *, full: bool) -> bytes:
        """A C program's ``sockaddr_rose`` or ``full_sockaddr_rose``."""
        out = ctypes.create_string_buffer(128)
        n = self._build_rose(ctypes.c_ushort(family), addr, call.encode(),
                             self._strings(digis), len(digis), int(full), out)
        return out.raw[:n]
