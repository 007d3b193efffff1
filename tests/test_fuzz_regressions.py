"""Crashes the fuzz harnesses found, each kept as the input that crashed (``fuzz/README.md``).

Each test replays the harness input (the artifact libFuzzer wrote, or its
hand-shortened form, as noted) through the harness, then states the
expectation directly against :mod:`sockaddr`.
"""

from __future__ import annotations

import base64
import json
import pickle
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402

import sockaddr  # noqa: E402
from fuzz import harness_captures, harness_cli_hex, harness_decode  # noqa: E402
from fuzz._common import Input  # noqa: E402


def test_decode_error_pickles_its_struct() -> None:
    """harness decode: DecodeError lost ``struct`` through pickle (``_rebuild`` set '')."""
    data = base64.b64decode("DQD3/wMDAAYAAAAAAAA=")
    harness_decode.TestOneInput(data)
    abi, proto, _, raw = harness_decode.read(Input(data))
    with pytest.raises(sockaddr.DecodeError) as info:
        sockaddr.decode(raw, proto=proto, abi=abi)
    error = info.value
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), str(copy), copy.offset, copy.struct, copy.data) == (
        type(error), str(error), error.offset, error.struct, error.data)
    assert copy.struct


# Standard input under a UTF-8 locale (strict): one byte that is not UTF-8.
STDIN_NOT_UTF8 = base64.b64decode(
    "BA0AMGEwMDFmOTAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAw/zAwMDAwMDAwMDAwMDAwMTAwMDAwMDAw")


def test_cli_reads_stdin_that_is_not_utf8() -> None:
    """harness cli_hex: `sockaddr decode` < bytes that are not UTF-8 raised UnicodeDecodeError."""
    harness_cli_hex.TestOneInput(STDIN_NOT_UTF8)
    status, out, err = harness_cli_hex.run_cli(["decode"], b"0a00\xff\n0100ff00\n")
    assert status == 1
    assert "<stdin>:1: not hex ('\\udcff' at digit 5" in err
    assert out == "AF_UNIX '\\udcff'\n"


# A 108-byte AF_UNIX path with a byte that is not UTF-8 (libFuzzer's artifact).
JSON_SURROGATE = base64.b64decode(
    "Ag0AMDEwMDRjNGM0YzRjNGM0YzRjNGM0YzRjNGM0YzRjNGM0YzRjNGM0YzRjNGM0YzRjNGM0YzRjNGM0YzRjNG"
    "M0YzRjNGM0YzRjNGM0YzRjNGM0YzRjNGM0YzRjNGM0YzRjNGM0YzRjNGM0YzRjNGM0YzRjNGM0YzRjNGM0YzRj"
    "NGM0YzRjNGM0YzRjNGM0YzRjNGM0YzRjNGNjYzRjNDQ0YzRjNGM0YzRjNGM0YzRjNGM0YzRjNGM0YzRjNGM0Yz"
    "RjNGM0YzRjNGM0YzRjNGM0YzRjNGM0YzRjNGM0YzRjNGM0YzAw")


def test_cli_json_of_an_undecodable_path() -> None:
    """harness cli_hex: `sockaddr decode --json` of a path that is not UTF-8 wrote a lone
    surrogate (UnicodeEncodeError on a UTF-8 locale's stdout, invalid UTF-8 otherwise)."""
    harness_cli_hex.TestOneInput(JSON_SURROGATE)
    status, out, _ = harness_cli_hex.run_cli(["decode", "--json", "0100ff00"])
    assert status == 0
    assert "\\udcff" in out
    assert json.loads(out)["address"] == "\udcff"      # the surrogateescape'd path, back


# libFuzzer's artifact was 40 real audit lines with one byte mutated; shortened to that line.
AUDIT_TIMESTAMP = b"type=SOCKADDR msg=audit(1795\xbc634398.911:317): saddr=0100\n"


@pytest.mark.parametrize("mode", ["cli-audit-json", "cli-audit"])
def test_cli_audit_line_that_is_not_utf8(mode: str) -> None:
    """harness captures: `sockaddr audit` echoed an undecodable timestamp to stdout."""
    harness_captures.TestOneInput(harness_captures.seed(AUDIT_TIMESTAMP, mode))
    argv = ["audit", "--json"] if mode.endswith("json") else ["audit"]
    status, out, _ = harness_cli_hex.run_cli(argv, AUDIT_TIMESTAMP)
    assert status == 0
    assert "1795\\udcbc634398.911" in out


# libFuzzer's artifact from the 10-minute run: an AF_IUCV name holding U+0085 (NEL).
JSON_LINE_BREAK = base64.b64decode(
    "JA0AMWMwMDAwMDAwMDAwMDAwMDAxMDAwMDAwMDIwMDAwMDAzMzdkMDAwMDAxMDAwMDAwMjMwMDAwMjEyMzg4"
    "MDg1YjAwMDAwMDAwNmNlN2NhMzYwMDAwMDAwMDA4MDAwMDAwMDAwMDAwNzMzMzY2MTJmNzMwOAowMTAwMDA3"
    "MzZmNjMwMGMzNzcwMDAwMDAwMGZlODAwMDAwMDAwMDAwMDAwMDMwNDAwMDAwMDAxCjIwMDAwMDAwMTAwMDAw"
    "MDAyMDAwMDAwMzM3ZDAwMDAwMTAwMDAwMDIzMDAwMDIxMjM4ODA4NWIwMDAwMDAwMDZjZTdjYTM2MDAwMDAw"
    "MDAwODAwMDAwMDAwMDAwMDczMzM2NjEyZjczMDgKMDEwMDAwNzM2ZjYzMDBjMzc3MDAwMDAwMDAxMDAwODAw"
    "MDEwMDAwAQAAAAAAAAEwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAw")


def test_cli_json_lines_survive_unicode_line_breaks() -> None:
    """harness cli_hex: `sockaddr decode --json` wrote U+0085/U+2028 raw inside a string,
    so a reader splitting lines with str.splitlines() cut the record in two."""
    harness_cli_hex.TestOneInput(JSON_LINE_BREAK)
    path = "\u2028a\x85b\u2029"
    status, out, _ = harness_cli_hex.run_cli(
        ["decode", "--json", "0100" + path.encode().hex() + "00"])
    assert status == 0
    [line] = out.splitlines()
    assert json.loads(line)["address"] == path
