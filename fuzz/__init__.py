"""Coverage-guided fuzzing of :mod:`sockaddr` with atheris (libFuzzer for Python).

One harness module per entry point; each is a script atheris runs
(``python -m fuzz.harness_decode CORPUS -max_total_time=60``) and exposes a
plain ``TestOneInput(data: bytes)`` that runs without atheris (the tests run
it over the seed corpora).  ``python -m fuzz`` runs them all on copies of the
seed corpora in ``fuzz/corpus/<harness>/`` and prints a summary; see
``fuzz/README.md``.
"""

from __future__ import annotations

__all__ = ["HARNESSES"]

#: The harnesses, in the order the runner runs them: module ``fuzz.harness_<name>``,
#: seeds in ``fuzz/corpus/<name>/``.
HARNESSES: tuple[str, ...] = (
    "decode", "parse", "cmsg_parse", "cmsg_decode", "cli_hex", "captures",
)
