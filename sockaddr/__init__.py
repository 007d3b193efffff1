"""Socket addresses as the exact bytes the kernel uses, and back.

>>> import socket, sockaddr
>>> data = sockaddr.encode(socket.AF_INET6, ("::1", 8080))
>>> sockaddr.decode(data)
('::1', 8080, 0, 0)
>>> sockaddr.parse(data).sin6_port
8080
"""

from __future__ import annotations

from sockaddr import schemas
from sockaddr.abi import ABI
from sockaddr.codec import Codec, decode, encode, parse
from sockaddr.errors import DecodeError, SockaddrError, UnresolvedHostError
from sockaddr.record import Sockaddr

__all__ = [
    "ABI",
    "Codec",
    "DecodeError",
    "Sockaddr",
    "SockaddrError",
    "UnresolvedHostError",
    "decode",
    "encode",
    "parse",
    "schemas",
]
__version__ = "0.1.0"

# st.from_type() for our classes when hypothesis is already imported (sockaddr/_hypothesis.py).
if "hypothesis" in __import__("sys").modules:
    from sockaddr._hypothesis import register_loaded

    register_loaded()
