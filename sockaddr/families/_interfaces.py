"""Interface names and indexes: the only host lookups the codec makes.

A name is looked up (``SIOCGIFINDEX``, through ``if_nametoindex``) only when
the caller gave a name; decoding keeps the index and names it with the
caller's ``interfaces`` table, or this host's, or ``''`` when nobody knows it,
as CPython's ``makesockaddr()`` does (``SIOCGIFNAME``).
"""

from __future__ import annotations

import errno
import os
import socket

from sockaddr.families import Interfaces

__all__ = ["IFNAMSIZ", "ifindex", "ifname"]

#: ``IFNAMSIZ`` from <linux/if.h>: names are at most 15 bytes and a NUL.
IFNAMSIZ = 16


def ifindex(name: str | bytes) -> int:
    """``ioctl(SIOCGIFINDEX)`` on this host: ``OSError(ENODEV)`` when unknown."""
    try:
        return socket.if_nametoindex(os.fsdecode(name))
    except OSError:
        raise OSError(errno.ENODEV, os.strerror(errno.ENODEV)) from None


def ifname(index: int, interfaces: Interfaces) -> str:
    """The name of interface ``index``: from ``interfaces``, else this host; ``''`` if unknown."""
    if index == 0:
        return ""
    if interfaces is None:
        try:
            return socket.if_indextoname(index)
        except (OSError, OverflowError):     # unknown, or no valid index at all
            return ""
    if callable(interfaces):
        return interfaces(index)
    return interfaces.get(index, "")
