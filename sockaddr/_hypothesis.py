"""Hypothesis' plugin entry point (``[project.entry-points.hypothesis]`` in pyproject.toml).

Hypothesis calls :func:`_hypothesis_setup_hook` when it is imported, in every
program of an environment where this package is installed.  Importing the
control-message classes to register them costs ~200 ms, which programs that
never use this package should not pay, so registration happens on whichever
comes second: the hook registers what of ``sockaddr`` is already imported, and
``sockaddr``/``sockaddr.cmsg`` call :func:`register_loaded` at the end of their
own import when hypothesis is already there.  Neither side imports the other.

Hypothesis resolves ``st.from_type(cls)`` through registered *subclasses*, not
base classes, so every message class is registered by itself.
"""

from __future__ import annotations

import sys
from typing import Any

_done: set[str] = set()


def _records(thing: type) -> Any:
    from sockaddr.strategies import records  # noqa: PLC0415 - on first use only

    return records()


def _messages(thing: type) -> Any:
    from sockaddr.strategies import messages_of  # noqa: PLC0415 - on first use only

    return messages_of(thing)


def register_loaded() -> None:
    """Register strategies for the imported parts of ``sockaddr`` if hypothesis is imported."""
    hypothesis = sys.modules.get("hypothesis")
    if hypothesis is None or not hasattr(hypothesis, "given"):
        return                                  # absent, or still importing (its hook follows)
    from hypothesis import strategies as st  # noqa: PLC0415

    record = sys.modules.get("sockaddr.record")
    if record is not None and "records" not in _done:
        _done.add("records")
        st.register_type_strategy(record.Sockaddr, _records)
    package = sys.modules.get("sockaddr.cmsg")
    if package is not None and hasattr(package, "parse") and "messages" not in _done:
        _done.add("messages")
        base = package.ControlMessage
        for name in package.__all__:
            cls = getattr(package, name)
            if isinstance(cls, type) and issubclass(cls, base):
                st.register_type_strategy(cls, _messages)


def _hypothesis_setup_hook() -> None:
    """Make ``st.from_type`` draw records and control messages from :mod:`sockaddr.strategies`."""
    register_loaded()
