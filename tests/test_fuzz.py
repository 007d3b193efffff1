"""The fuzz harnesses (``fuzz/``) without atheris: seed corpora, replays, the runner.

Each harness's ``TestOneInput`` runs over its whole seed corpus (real kernel
output, written by ``fuzz/capture_corpus.py``) and over short random inputs
without a crash, in plain Python.  The runner's reading of libFuzzer's output
is checked on canned output; one short real run needs atheris.
"""

from __future__ import annotations

import hashlib
import importlib
import random
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `pytest` (not `python -m pytest`) leaves the root off the path
    sys.path.insert(0, str(ROOT))

from fuzz import HARNESSES  # noqa: E402
from fuzz.__main__ import Result  # noqa: E402

CORPUS = ROOT / "fuzz" / "corpus"
REGENERATE = "regenerate with `python -m fuzz.capture_corpus` (as root)"


def _harness(name: str) -> ModuleType:
    return importlib.import_module(f"fuzz.harness_{name}")


def _seeds(name: str) -> list[Path]:
    folder = CORPUS / name
    if not folder.is_dir():
        pytest.fail(f"{folder} is missing: {REGENERATE}")
    return sorted(folder.iterdir())


@pytest.mark.parametrize("name", HARNESSES)
def test_corpus_exists(name: str) -> None:
    """capture_corpus.py wrote a small corpus for every harness, files named by SHA-1."""
    seeds = _seeds(name)
    assert seeds, f"{CORPUS / name} is empty: {REGENERATE}"
    assert sum(p.stat().st_size for p in seeds) < 1_000_000
    for path in seeds:
        assert path.name == hashlib.sha1(path.read_bytes()).hexdigest(), path


@pytest.mark.parametrize("name", HARNESSES)
def test_harness_replays_its_corpus(name: str) -> None:
    harness = _harness(name)
    for path in _seeds(name):
        try:
            harness.TestOneInput(path.read_bytes())
        except Exception as e:
            raise AssertionError(f"fuzz.harness_{name} crashes on {path}: {e!r}") from e


@pytest.mark.parametrize("name", HARNESSES)
def test_harness_takes_any_bytes(name: str) -> None:
    """Empty, short and random inputs: every header byte has a default."""
    harness = _harness(name)
    rng = random.Random(name)
    inputs = [b"", b"\0", b"\xff" * 3] + [rng.randbytes(rng.randrange(64)) for _ in range(150)]
    for data in inputs:
        try:
            harness.TestOneInput(data)
        except Exception as e:
            raise AssertionError(f"fuzz.harness_{name} crashes on {data.hex()}: {e!r}") from e


def test_harnesses_import_without_atheris() -> None:
    """Harnesses import atheris only when run as scripts; the runner says it is missing."""
    code = (
        "import sys; sys.modules['atheris'] = None\n"
        f"for name in {list(HARNESSES)!r}:\n"
        "    __import__(f'fuzz.harness_{name}', fromlist=['x']).TestOneInput(b'')\n"
        "from fuzz.__main__ import main\n"
        "assert main(['--each', '1']) == 2\n"
    )
    ran = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=False, timeout=60)
    assert ran.returncode == 0, ran.stderr
    assert "atheris is not installed" in ran.stderr


def test_capture_inputs_fit_every_harness() -> None:
    """The corpus writer's formats (without a kernel): each harness takes its inputs."""
    from fuzz import capture_corpus

    cap = capture_corpus.Capture()
    cap.address("AF_INET", bytes.fromhex("020000507f0000010000000000000000"))
    cap.address("AF_UNIX", b"\x01\x00/a\x00")
    cap.buffers.append(("IP_TTL", bytes.fromhex("1400000000000000000000000200000040000000"),
                        False, 2))
    cap.strace.append('1 bind(3, {sa_family=AF_INET, sin_port=htons(80), '
                      'sin_addr=inet_addr("127.0.0.1")}, 16) = 0')
    cap.audit.append("type=SOCKADDR msg=audit(1.5:7): saddr=020000507F0000010000000000000000")
    corpora = capture_corpus.inputs(cap)
    assert set(corpora) == set(HARNESSES)
    for name, items in corpora.items():
        assert items, name
        for data in items:
            _harness(name).TestOneInput(data)


DONE = """\
INFO: fuzz: instrumented 1325 sockaddr functions in 2.17 s
#6\tINITED cov: 273 ft: 374 corp: 5/100b exec/s: 0 rss: 49Mb
#4096\tpulse  cov: 800 ft: 1500 corp: 100/2Kb lim: 40 exec/s: 2048 rss: 50Mb
#786011\tDONE   cov: 895 ft: 1898 corp: 152/3766b lim: 4096 exec/s: 12885 rss: 50Mb
Done 786011 runs in 61 second(s)
stat::number_of_executed_units: 786011
stat::average_exec_per_sec:     12885
"""

CRASH = """\
#6\tINITED cov: 273 ft: 374 corp: 5/100b exec/s: 0 rss: 49Mb
#9\tNEW    cov: 280 ft: 380 corp: 6/110b lim: 4 exec/s: 0 rss: 49Mb L: 3/3 MS: 1 ChangeBit-

 === Uncaught Python exception: ===
BrokenProperty: encode refuses what decode gave
Traceback (most recent call last):
  File "/work/fuzz/harness_decode.py", line 109, in TestOneInput
BrokenProperty: encode refuses what decode gave

==19237== ERROR: libFuzzer: fuzz target exited
SUMMARY: libFuzzer: fuzz target exited
artifact_prefix='/tmp/w/decode/'; Test unit written to /tmp/w/decode/crash-adfbe611
Base64: 238AAB0CAAAAAAA=
stat::number_of_executed_units: 10
"""


def test_runner_reads_libfuzzer_output() -> None:
    done = Result("decode", 10)
    done.parse(DONE)
    assert (done.execs, done.exec_per_s, done.cov, done.ft, done.done) == (
        786011, 12885, 895, 1898, True)
    assert done.startup == 2.17
    assert not done.crashed
    assert done.summary() == ("fuzz: decode: 786011 execs (12885/s), cov 895, ft 1898, "
                              "0 crashes")
    crash = Result("decode", 10)
    crash.parse(CRASH)
    assert crash.crashed
    assert crash.artifacts == ["/tmp/w/decode/crash-adfbe611"]
    assert (crash.execs, crash.cov) == (10, 280)
    assert crash.summary().endswith(", 1 crash")
    assert crash.traceback().splitlines()[1] == "BrokenProperty: encode refuses what decode gave"


def test_runner_runs_a_harness(tmp_path: Path) -> None:
    pytest.importorskip("atheris", reason="atheris not installed (pip install '.[fuzz]')")
    committed = {p.name for p in _seeds("cmsg_decode")}
    ran = subprocess.run([sys.executable, "-m", "fuzz", "--each", "1", "--workdir",
                          str(tmp_path), "cmsg_decode"], cwd=ROOT, capture_output=True,
                         text=True, check=False, timeout=120)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert re.search(r"^fuzz: cmsg_decode: \d+ execs \(\d+/s\), cov \d+, ft \d+, 0 crashes$",
                     ran.stdout, re.MULTILINE), ran.stdout
    assert re.search(r"^fuzz: total 1 harnesses, \d+ execs in 1 s, 0 crashes", ran.stdout,
                     re.MULTILINE), ran.stdout
    # The seeds were fuzzed as a copy: the committed corpus did not grow.
    assert {p.name for p in _seeds("cmsg_decode")} == committed
    assert {p.name for p in (tmp_path / "cmsg_decode" / "corpus").iterdir()} >= committed
