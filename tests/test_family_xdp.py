"""AF_XDP (``struct sockaddr_xdp``) against its oracles.

CPython has no AF_XDP tuple, so the oracles are the header (``test_headers.py``
checks the struct and the XDP_* constants against <linux/if_xdp.h> with gcc)
and this kernel: ``xsk_bind()`` reads our bytes.  AF_XDP has no getsockname(),
so the proof is bind() itself -- it succeeds with a UMEM and rings set up, and
each field, changed alone, changes the errno at the point where the kernel
reads it.  Round trips run on every ABI.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import mmap
import os
import socket
import struct
import time
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sockaddr
from sockaddr import schemas
from sockaddr.abi import ABI, KNOWN

AF_XDP = schemas.constant("AF_XDP")
C = schemas.constant
U16, U32 = 2**16, 2**32

# -- encode / decode ----------------------------------------------------------------


def test_layout_values() -> None:
    # sxdp_flags, ifindex, queue_id, shared_umem_fd in host order after the family.
    raw = sockaddr.encode(AF_XDP, (C("XDP_COPY"), 1, 2, 3), abi="linux-x86_64")
    assert raw == struct.pack("<HHIII", AF_XDP, 2, 1, 2, 3)
    raw = sockaddr.encode(AF_XDP, (C("XDP_COPY"), 1, 2, 3), abi="linux-s390x")
    assert raw == struct.pack(">HHIII", AF_XDP, 2, 1, 2, 3)
    assert sockaddr.encode(AF_XDP, (0, 7)) == sockaddr.encode(AF_XDP, (0, 7, 0, 0))


@pytest.mark.parametrize(("address", "exc", "match"), [
    ((1,), TypeError, "must be a tuple"),
    ((1, 2, 3, 4, 5), TypeError, "must be a tuple"),
    ([0, 1], TypeError, "must be tuple, not list"),
    ((U16, 1), OverflowError, r"sxdp_flags must be 0-65535"),
    ((-1, 1), OverflowError, r"sxdp_flags must be 0-65535"),
    ((0, U32), OverflowError, r"sxdp_ifindex must be 0-4294967295"),
    ((0, 1, -1), OverflowError, r"sxdp_queue_id"),
    ((0, 1, 0, U32), OverflowError, r"sxdp_shared_umem_fd"),
    ((0, 1.0), TypeError, "integer"),
    (("1", 1), TypeError, "integer"),
])
def test_encode_errors(address: object, exc: type[Exception], match: str) -> None:
    with pytest.raises(exc, match=match):
        sockaddr.encode(AF_XDP, address, caller="bind")


def test_decode_needs_the_whole_struct() -> None:
    raw = sockaddr.encode(AF_XDP, (0, 1))
    for n in range(2, 16):
        with pytest.raises(sockaddr.DecodeError) as info:
            sockaddr.decode(raw[:n])
        assert info.value.offset == n
    assert sockaddr.decode(raw + b"tail") == (0, 1, 0, 0)
    assert bytes(sockaddr.parse(raw + b"tail")) == raw + b"tail"


_fields = st.tuples(st.integers(0, U16 - 1), st.integers(0, U32 - 1), st.integers(0, U32 - 1),
                    st.integers(0, U32 - 1))


@pytest.mark.parametrize("abi", sorted(KNOWN))
@settings(max_examples=25, deadline=None)
@given(address=_fields, data=st.data())
def test_round_trip(abi: str, address: tuple[int, ...], data: st.DataObject) -> None:
    raw = sockaddr.encode(AF_XDP, address, abi=abi)
    assert len(raw) == 16
    assert sockaddr.decode(raw, abi=abi) == address
    rec = sockaddr.parse(raw, abi=abi)
    assert bytes(rec) == raw
    assert (rec.sxdp_flags, rec.sxdp_ifindex, rec.sxdp_queue_id,
            rec.sxdp_shared_umem_fd) == address
    assert sockaddr.encode(AF_XDP, rec) == raw
    # Any 16 bytes of the family round-trip: the struct has no padding.
    other = AF_XDP.to_bytes(2, ABI.get(abi).byteorder) + data.draw(st.binary(min_size=14,
                                                                            max_size=14))
    assert sockaddr.encode(AF_XDP, sockaddr.decode(other, abi=abi), abi=abi) == other


@pytest.mark.parametrize("abi", sorted(KNOWN))
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_any_bytes_raise_only_decode_error(abi: str, data: st.DataObject) -> None:
    raw = AF_XDP.to_bytes(2, ABI.get(abi).byteorder) + data.draw(st.binary(max_size=24))
    for call in (sockaddr.decode, sockaddr.parse):
        try:
            out = call(raw, abi=abi)
        except sockaddr.DecodeError as e:
            assert 0 <= e.offset <= len(raw)
        else:
            if isinstance(out, sockaddr.Sockaddr):
                assert bytes(out) == raw


# -- the kernel ---------------------------------------------------------------------

SOL_XDP = C("SOL_XDP") if "SOL_XDP" in schemas.constants() else 283  # <linux/socket.h>
FRAME = 4096
FRAMES = 64


def _xdp_socket() -> socket.socket:
    try:
        return socket.socket(AF_XDP, socket.SOCK_RAW, 0)
    except OSError as e:
        pytest.skip(f"no AF_XDP socket here (CONFIG_XDP_SOCKETS, CAP_NET_RAW): {e}")


_libc = ctypes.CDLL(None, use_errno=True)


def _bind(sock: socket.socket, data: bytes) -> int:
    """``bind(2)`` with exactly ``data`` (CPython cannot bind AF_XDP); 0 or errno."""
    buf = ctypes.create_string_buffer(data, len(data))
    if _libc.bind(sock.fileno(), buf, len(data)) == 0:
        return 0
    return ctypes.get_errno()


@contextlib.contextmanager
def _xsk(umem: bool = True) -> Iterator[socket.socket]:
    """An AF_XDP socket with an RX ring and, if ``umem``, a registered UMEM with
    its fill and completion rings: what xsk_bind() needs to succeed."""
    sock = _xdp_socket()
    area = mmap.mmap(-1, FRAME * FRAMES)
    try:
        if umem:
            addr = ctypes.addressof(ctypes.c_char.from_buffer(area))
            # struct xdp_umem_reg (<linux/if_xdp.h>): addr, len, chunk_size, headroom,
            # flags; the kernel takes any optlen from its first four fields on.
            sock.setsockopt(SOL_XDP, C("XDP_UMEM_REG"),
                            struct.pack("=QQIII", addr, len(area), FRAME, 0, 0))
            sock.setsockopt(SOL_XDP, C("XDP_UMEM_FILL_RING"), FRAMES)
            sock.setsockopt(SOL_XDP, C("XDP_UMEM_COMPLETION_RING"), FRAMES)
        sock.setsockopt(SOL_XDP, C("XDP_RX_RING"), FRAMES)
        yield sock
    finally:
        sock.close()
        with contextlib.suppress(BufferError):
            area.close()


def _bind_when_free(sock: socket.socket, data: bytes) -> int:
    """bind(), retried while the queue is still held by a socket being released
    (the kernel frees a closed socket's queue a little later)."""
    deadline = time.monotonic() + 3
    while True:
        err = _bind(sock, data)
        if err != errno.EBUSY or time.monotonic() > deadline:
            return err
        time.sleep(0.02)


def _nonexistent_ifindex() -> int:
    for index in range(999_999, 0, -7919):
        try:
            socket.if_indextoname(index)
        except OSError:
            return index
    raise AssertionError("every index exists?")


LO = socket.if_nametoindex("lo")


def _x(*fields: int) -> bytes:
    return sockaddr.encode(AF_XDP, fields, caller="bind")


def test_kernel_reads_family_flags_and_ifindex() -> None:
    """Without rings, xsk_bind() gets as far as dev_get_by_index(): ENODEV for an
    unknown index proves where it read the index; EINVAL before it for the rest."""
    with _xsk(umem=False) as sock:
        nodev = _nonexistent_ifindex()
        assert _bind(sock, _x(0, nodev)) == errno.ENODEV              # ifindex read
        assert _bind(sock, _x(0, nodev)[:15]) == errno.EINVAL         # addr_len < 16
        assert _bind(sock, _x(0x8000, nodev)) == errno.EINVAL         # flags read first
        wrong = bytearray(_x(0, nodev))
        wrong[:2] = socket.AF_INET.to_bytes(2, "little")
        assert _bind(sock, bytes(wrong)) == errno.EINVAL             # sxdp_family read
        # Every flag the header declares passes the flag check (ENODEV, not EINVAL).
        for name in ("XDP_SHARED_UMEM", "XDP_COPY", "XDP_ZEROCOPY", "XDP_USE_NEED_WAKEUP"):
            assert _bind(sock, _x(C(name), nodev)) == errno.ENODEV, name


def test_kernel_binds_our_bytes() -> None:
    """With a UMEM, binding lo queue 0 in copy mode succeeds; the queue id and the
    shared-UMEM fd are then read where we put them."""
    with _xsk() as bad_queue:
        # real_num_rx_queues of lo is 1: queue 1000 is refused when the pool is assigned.
        assert _bind_when_free(bad_queue, _x(C("XDP_COPY"), LO, 1000)) == errno.EINVAL
    with _xsk() as owner:
        err = _bind_when_free(owner, _x(C("XDP_COPY"), LO, 0))
        assert err == 0, os.strerror(err)
        shared = C("XDP_SHARED_UMEM")
        with _xsk(umem=False) as other, socket.socket(socket.AF_INET,
                                                       socket.SOCK_DGRAM) as udp:
            # xsk_lookup_xsk_from_fd(sxdp_shared_umem_fd): a UDP socket is ENOPROTOOPT,
            # a closed descriptor ENOTSOCK, the bound XDP socket shares its UMEM.
            assert _bind(other, _x(shared, LO, 0, udp.fileno())) == errno.ENOPROTOOPT
            closed = os.dup(udp.fileno())
            os.close(closed)
            assert _bind(other, _x(shared, LO, 0, closed)) == errno.ENOTSOCK
            assert _bind(other, _x(shared, LO, 0, owner.fileno())) == 0
