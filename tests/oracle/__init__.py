"""Test oracle: CPython's own socket-address codec (see ``cpython.py``).

Test-only code; the ``sockaddr`` library must never import it.
"""

from .cpython import (
    DECODE_VIAS,
    ENCODE_CALLERS,
    CPythonOracle,
    OracleError,
    Outcome,
    WorkerCrashedError,
    build_shim,
    unavailable_reason,
)

__all__ = [
    "DECODE_VIAS",
    "ENCODE_CALLERS",
    "CPythonOracle",
    "OracleError",
    "Outcome",
    "WorkerCrashedError",
    "build_shim",
    "unavailable_reason",
]
