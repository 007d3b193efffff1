"""The ``sockaddr`` command (also ``python -m sockaddr``).

``sockaddr decode HEX…`` prints, per address, the family name and the value
CPython would return; ``--verbose`` adds every field of the lossless record.
Exit status: 0 when all decoded, 1 when some did not, 2 for usage errors.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence

from sockaddr import schemas
from sockaddr.abi import ABI, KNOWN
from sockaddr.codec import decode, parse
from sockaddr.errors import DecodeError

__all__ = ["family_name", "main"]


def family_name(number: int) -> str:
    """``AF_INET6`` for 10; ``AF_<n>`` for a number no schema names."""
    for name in schemas.constants():
        if name.startswith("AF_") and schemas.constant(name) == number:
            return name
    return f"AF_{number}"


def _hex(text: str) -> bytes:
    cleaned = "".join(text.split())
    if cleaned[:2].lower() == "0x":
        cleaned = cleaned[2:]
    return bytes.fromhex(cleaned)


def _inputs(args: Sequence[str]) -> Iterable[tuple[str, str]]:
    if args:
        for i, arg in enumerate(args, 1):
            yield f"argument {i}", arg
    else:
        for i, line in enumerate(sys.stdin, 1):
            if line.strip():
                yield f"<stdin>:{i}", line


def _decode(ns: argparse.Namespace) -> int:
    failed = 0
    for where, text in _inputs(ns.hex):
        try:
            data = _hex(text)
        except ValueError:
            print(f"sockaddr: {where}: not hex: {text.strip()[:60]!r}", file=sys.stderr)
            failed += 1
            continue
        try:
            value = decode(data, proto=ns.proto, abi=ns.abi)
            rec = parse(data, proto=ns.proto, abi=ns.abi) if value is not None else None
        except DecodeError as e:
            print(f"sockaddr: {where}: {e}", file=sys.stderr)
            failed += 1
            continue
        if rec is None:
            print("(empty) None")
            continue
        print(f"{family_name(rec.family)} {value!r}")
        if ns.verbose:
            for name, field in rec.fields.items():
                print(f"    {name} = {field!r}")
            if rec.tail:
                print(f"    (tail) = {rec.tail!r}")
    return 1 if failed else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = argparse.ArgumentParser(prog="sockaddr", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    dec = sub.add_parser("decode", help="decode sockaddr bytes given in hex")
    dec.add_argument("hex", nargs="*", help="hex bytes (standard input, one per line, if none)")
    dec.add_argument("--proto", type=int, default=0, help="the socket's protocol (CAN, BT)")
    dec.add_argument("--abi", choices=sorted(KNOWN), default=None,
                     help="the ABI the bytes come from (default: this machine)")
    dec.add_argument("-v", "--verbose", action="store_true", help="print every C field")
    ns = parser.parse_args(argv)
    ns.abi = ABI.get(ns.abi)
    return _decode(ns)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
