"""AF_NETLINK: ``struct sockaddr_nl`` (netlink(7)); tuple ``(pid, groups)``."""

from __future__ import annotations

from typing import Any

from sockaddr._args import expect_tuple, index, unsigned
from sockaddr.abi import ABI
from sockaddr.families import Decoder, Encoder, Family, register
from sockaddr.families._fast import pair_decoder, pair_encoder

#: The family field and the tuple's two fields, in tuple order.
_FIELDS = ("nl_family", "nl_pid", "nl_groups")

__all__ = ["Netlink"]


class Netlink(Family):
    """AF_NETLINK: ``(nl_pid, nl_groups)``; ``nl_pad`` is written as zero."""

    name = "AF_NETLINK"
    struct = "sockaddr_nl"

    def encode(self, address: object, *, family: int, proto: int, abi: ABI, caller: str,
               resolve: bool) -> bytes:
        items = expect_tuple(address, caller, "AF_NETLINK")
        if len(items) != 2:
            raise TypeError("AF_NETLINK address must be a pair (pid, groups)")
        pid, groups = (index(v) for v in items)
        pid = unsigned(pid, 32, f"{caller}(): pid must be 0-4294967295.")
        groups = unsigned(groups, 32, f"{caller}(): groups must be 0-4294967295.")
        return self.fast(abi).pack(family, 0, pid, groups)

    def decode(self, data: bytes, *, proto: int, abi: ABI, interfaces: Any) -> object:
        self.check_length(data, abi)
        _, _, pid, groups = self.fast(abi).unpack(data)
        return pid, groups


    def decoder(self, family: int, proto: int, abi: ABI) -> Decoder:
        return pair_decoder(self, family, abi, _FIELDS)

    def encoder(self, family: int, proto: int, abi: ABI) -> Encoder:
        return pair_encoder(self, family, abi, _FIELDS)

register(Netlink())
