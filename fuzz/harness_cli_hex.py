"""Harness ``cli_hex``: the command line's hex readers, ``sockaddr decode`` and ``sockaddr cmsg``.

Input: ``[mode][ABI][family]`` + text (UTF-8, undecodable bytes as
surrogates, as Python reads ``sys.argv``).  The mode picks the call:
``cli._hex(text)``, or ``main()`` with the text as the HEX argument of
``decode`` / ``decode --json -v`` / ``decode --abi`` / ``cmsg`` /
``cmsg --truncated --json`` / ``cmsg --abi --family``, or as standard input
of ``decode`` (one address a line).

Checks:

* ``_hex`` raises nothing but ``ValueError``, and what it returns reads back
  the same from its own hex;
* ``main()`` returns 0, 1 or 2 (argparse's ``SystemExit`` 0 or 2 is fine:
  text starting with ``-`` is an option) and raises nothing else;
* it reads standard input and writes standard output as a UTF-8 locale makes
  them (strict UTF-8: a byte that is not UTF-8 in, or a lone surrogate out,
  raises), and every ``--json`` line is a JSON object.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import io
import json
import os
import sys
from collections.abc import Sequence

if __package__ in (None, ""):  # run as a script: python fuzz/harness_cli_hex.py
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from fuzz._common import ABIS, BrokenProperty, Input, check
from sockaddr import cli

__all__ = ["MODES", "TestOneInput", "run_cli", "seed"]

# main() builds its parser on every call, and argparse looks each message up
# in the gettext catalogues as it goes: 60% of a run.  They do not change.
argparse._ = functools.cache(argparse._)  # type: ignore[attr-defined]
argparse.ngettext = functools.cache(argparse.ngettext)  # type: ignore[attr-defined]

#: ``--family`` values for ``cmsg``.
FAMILY_NAMES = ("INET", "AF_INET6", "unix", "10", "0x1f", "PACKET", "NETLINK", "nope")

#: The calls, by the mode byte (modulo their count).
MODES = ("hex", "decode", "decode-json", "decode-abi", "decode-stdin", "cmsg", "cmsg-json",
         "cmsg-abi")


def seed(text: str | bytes, mode: str, *, abi: str = "linux-x86_64",
         family: str = "INET") -> bytes:
    """The input that runs ``mode`` on ``text``."""
    raw = text if isinstance(text, bytes) else text.encode("utf-8", "surrogateescape")
    return bytes([MODES.index(mode), ABIS.index(abi), FAMILY_NAMES.index(family)]) + raw


def run_cli(argv: Sequence[str], stdin: bytes = b"") -> tuple[int, str, str]:
    """``cli.main(argv)`` with standard streams as a UTF-8 locale makes them
    (strict stdin/stdout, backslashreplace stderr): ``(status, stdout, stderr)``."""
    out, err = io.BytesIO(), io.BytesIO()
    stdout = io.TextIOWrapper(out, encoding="utf-8", errors="strict")
    stderr = io.TextIOWrapper(err, encoding="utf-8", errors="backslashreplace")
    old_stdin = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8", errors="strict")
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            try:
                status = cli.main(list(argv))
            except SystemExit as e:
                check(e.code in (0, 2), f"main({list(argv)!r}) exits with {e.code!r}")
                status = int(e.code or 0)
            stdout.flush()
            stderr.flush()
    finally:
        sys.stdin = old_stdin
    check(status in (0, 1, 2), f"main({list(argv)!r}) returned {status!r}")
    return status, out.getvalue().decode("utf-8"), err.getvalue().decode("utf-8")


def check_json(argv: Sequence[str], stdout: str) -> None:
    """Every line of a ``--json`` run is one JSON object."""
    for line in stdout.splitlines():
        try:
            obj = json.loads(line)
        except ValueError as e:
            raise BrokenProperty(f"main({list(argv)!r}) printed a line that is not JSON: "
                                 f"{line[:200]!r}: {e}") from None
        check(isinstance(obj, dict), f"main({list(argv)!r}) printed {line[:200]!r}")


def TestOneInput(data: bytes) -> None:
    """Run one CLI reader on the text."""
    inp = Input(data)
    mode = inp.pick(MODES)
    abi = inp.abi()
    family = inp.pick(FAMILY_NAMES)
    raw = inp.rest()
    text = raw.decode("utf-8", "surrogateescape")
    if mode == "hex":
        try:
            got = cli._hex(text)
        except ValueError:
            return
        check(cli._hex(got.hex()) == got and cli._hex("0x" + got.hex().upper()) == got,
              f"_hex({text!r}) = {got.hex()} does not read back")
        return
    argv = {
        "decode": ["decode", text],
        "decode-json": ["decode", "--json", "-v", text],
        "decode-abi": ["decode", "--abi", abi, "-v", text],
        "decode-stdin": ["decode", "--json"],
        "cmsg": ["cmsg", text],
        "cmsg-json": ["cmsg", "--truncated", "--json", text],
        "cmsg-abi": ["cmsg", "--abi", abi, "--family", family, "--json", text],
    }[mode]
    _, stdout, _ = run_cli(argv, raw if mode == "decode-stdin" else b"")
    if "--json" in argv:
        check_json(argv, stdout)


if __name__ == "__main__":
    from fuzz._common import fuzz

    fuzz(TestOneInput)
