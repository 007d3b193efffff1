"""The wheel carries every package and every schema file (pyproject lists them by hand)."""

from __future__ import annotations

import fnmatch
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
