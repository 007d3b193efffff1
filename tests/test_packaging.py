"""The wheel carries every package and every schema file (pyproject lists them by hand);
``import sockaddr`` loads only what the codecs need."""

from __future__ import annotations

import fnmatch
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _config() -> dict[str, object]:
    with (ROOT / "pyproject.toml").open("rb") as f:
        return tomllib.load(f)["tool"]["setuptools"]  # type: ignore[no-any-return]


def test_every_package_is_listed() -> None:
    listed = set(_config()["packages"])  # type: ignore[call-overload]
    found = {".".join(p.parent.relative_to(ROOT).parts)
             for p in (ROOT / "sockaddr").rglob("__init__.py")}
    assert found <= listed, f"pyproject.toml [tool.setuptools] packages misses {found - listed}"


def test_every_schema_file_is_package_data() -> None:
    patterns = _config()["package-data"]["sockaddr._schemas"]  # type: ignore[index]
    for path in (ROOT / "schemas").rglob("*"):
        if path.is_file():
            rel = path.relative_to(ROOT / "schemas").as_posix()
            assert any(fnmatch.fnmatch(rel, p) and rel.count("/") == p.count("/")
                       for p in patterns), f"{rel} is not in the wheel's package-data"


# What `import sockaddr` must not load (issue 8's 60 ms budget): each is 2-25 ms here, and
# none is needed before the first codec is built (schemas read, construct form asked for,
# control messages or the CLI used).
_NOT_AT_IMPORT = ("dataclasses", "inspect", "construct", "tomllib", "platform", "ctypes",
                  "hypothesis", "sockaddr.cmsg", "sockaddr.cli", "sockaddr.captures")


def test_import_loads_only_the_codec_core() -> None:
    probe = ("import sys\n"
             "before = set(sys.modules)\n"
             "import sockaddr\n"
             "print(*sorted(set(sys.modules) - before))\n"
             "sockaddr.decode(sockaddr.encode(2, ('127.0.0.1', 80)))\n"
             "print(*sorted(set(sys.modules) - before))\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True, timeout=60).stdout.splitlines()
    at_import, after_use = (set(line.split()) for line in out)
    assert "sockaddr.codec" in at_import
    assert not at_import & set(_NOT_AT_IMPORT), sorted(at_import & set(_NOT_AT_IMPORT))
    # The first codec reads the schemas: the probe sees a lazy load happen.
    assert "tomllib" in after_use
