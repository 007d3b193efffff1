"""pytest fixtures for the CPython socket-address oracle.

Make them visible to the whole test suite from ``tests/conftest.py`` with::

    from oracle.fixtures import cpython_oracle  # noqa: F401

(``tests/`` is on ``sys.path`` there: pytest puts a rootdir-less test
directory's path first, as ``tests/test_headers.py`` relies on too).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .cpython import CPythonOracle, unavailable_reason


@pytest.fixture(scope="session")
def cpython_oracle() -> Iterator[CPythonOracle]:
    """One oracle worker for the whole session; skips when it cannot run here."""
    reason = unavailable_reason()
    if reason is not None:
        pytest.skip(f"CPython oracle unavailable: {reason}")
    with CPythonOracle() as oracle:
        yield oracle
