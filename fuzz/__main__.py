"""``python -m fuzz``: run the harnesses on copies of their seed corpora and summarise.

::

    python -m fuzz                       # every harness, 60 s in all
    python -m fuzz --budget 60           # the same (CI)
    python -m fuzz --each 600 decode     # one harness for ten minutes
    python -m fuzz --jobs 2 -- -dict=... # two at a time; libFuzzer flags after --

Each harness runs in its own process (``python -m fuzz.harness_<name>``) on a
copy of ``fuzz/corpus/<name>/`` in the work directory (a temporary one unless
``--workdir``), so the committed seeds never grow; crash artifacts go there
too.  ``--budget`` is the fuzzing time of all harnesses together, split
evenly; ``--each`` gives every harness its own.  libFuzzer's clock starts once
the harness is imported and instrumented (about 2 s, not counted), so a short
budget is all fuzzing.  One line per harness, then a total; exit status 1 if
any harness crashed (with the artifact, the traceback and how to reproduce
it), 2 if a harness could not run at all.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from fuzz import HARNESSES

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

_STATUS = re.compile(r"^#(\d+)\s+(\w+)\s+cov: (\d+) ft: (\d+)")
_EXEC_S = re.compile(r"exec/s: (\d+)")
_STAT = re.compile(r"^stat::(\w+):\s*(\d+)")
_ARTIFACT = re.compile(r"Test unit written to (\S+)")
_INSTRUMENTED = re.compile(r"INFO: fuzz: instrumented \d+ sockaddr functions in ([\d.]+) s")


@dataclass
class Result:
    """One harness's run, read from its libFuzzer output."""

    name: str
    seconds: int
    execs: int = 0
    exec_per_s: int = 0
    cov: int = 0
    ft: int = 0
    done: bool = False
    wall: float = 0.0
    startup: float | None = None
    returncode: int | None = None
    artifacts: list[str] = field(default_factory=list)
    log: Path | None = None
    output: str = ""

    @property
    def crashed(self) -> bool:
        """A crash, timeout or out-of-memory (an artifact, or libFuzzer's error)."""
        return bool(self.artifacts) or "ERROR: libFuzzer" in self.output or (
            "Uncaught Python exception" in self.output)

    @property
    def failed_to_run(self) -> bool:
        """The harness never started fuzzing (no libFuzzer status line at all)."""
        return not self.crashed and not self.execs and self.returncode != 0

    def parse(self, output: str) -> None:
        """Fill the numbers in from libFuzzer's output."""
        self.output = output
        for line in output.splitlines():
            status = _STATUS.match(line)
            if status:
                self.execs = int(status[1])
                self.cov, self.ft = int(status[3]), int(status[4])
                self.done = self.done or status[2] == "DONE"
                rate = _EXEC_S.search(line)
                if rate:
                    self.exec_per_s = int(rate[1])
            stat = _STAT.match(line)
            if stat and stat[1] == "number_of_executed_units":
                self.execs = max(self.execs, int(stat[2]))
            elif stat and stat[1] == "average_exec_per_sec":
                self.exec_per_s = int(stat[2])
            artifact = _ARTIFACT.search(line)
            if artifact:
                self.artifacts.append(artifact[1])
            started = _INSTRUMENTED.search(line)
            if started:
                self.startup = float(started[1])

    def summary(self) -> str:
        """``fuzz: decode: 123456 execs (4100/s), cov 1234, ft 2345, 0 crashes``."""
        crashes = len(self.artifacts) or int(self.crashed)
        return (f"fuzz: {self.name}: {self.execs} execs ({self.exec_per_s}/s), cov {self.cov}, "
                f"ft {self.ft}, {crashes} crash{'es' if crashes != 1 else ''}")

    def traceback(self, lines: int = 30) -> str:
        """The Python exception atheris printed (or the end of the output)."""
        text = self.output
        start = text.find("=== Uncaught Python exception: ===")
        if start >= 0:
            end = text.find("==", start + 40)
            block = text[start:end if end > start else None].strip().splitlines()
        else:
            block = text.strip().splitlines()
        return "\n".join(block[-lines:])


def _command(name: str, corpus: Path, workdir: Path, seconds: int,
             extra: list[str]) -> list[str]:
    return [sys.executable, "-m", f"fuzz.harness_{name}", str(corpus),
            f"-max_total_time={seconds}", "-rss_limit_mb=2048",
            f"-artifact_prefix={workdir}/", "-timeout=30", "-print_final_stats=1", *extra]


Running = tuple[subprocess.Popen[bytes], Result, float]


def _start(name: str, seconds: int, work: Path, extra: list[str]) -> Running:
    home = work / name
    corpus = home / "corpus"
    if corpus.exists():
        shutil.rmtree(corpus)
    seeds = HERE / "corpus" / name
    if seeds.is_dir():
        shutil.copytree(seeds, corpus)
    else:
        corpus.mkdir(parents=True)
    result = Result(name, seconds, log=home / "log.txt")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    assert result.log is not None
    log = result.log.open("wb")
    proc = subprocess.Popen(_command(name, corpus, home, seconds, extra), cwd=home, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    log.close()
    return proc, result, time.monotonic()


def run(names: list[str], seconds: dict[str, int], jobs: int, work: Path,
        extra: list[str]) -> list[Result]:
    """Run the harnesses, ``jobs`` at a time; their results in ``names`` order."""
    pending = list(names)
    running: list[Running] = []
    done: dict[str, Result] = {}
    while pending or running:
        while pending and len(running) < jobs:
            name = pending.pop(0)
            running.append(_start(name, seconds[name], work, extra))
        time.sleep(0.1)
        for item in list(running):
            proc, result, started = item
            limit = 2 * result.seconds + 120       # libFuzzer stops itself; this is a backstop
            if proc.poll() is None and time.monotonic() - started > limit:
                proc.kill()
            if proc.poll() is None:
                continue
            running.remove(item)
            result.returncode = proc.returncode
            result.wall = time.monotonic() - started
            assert result.log is not None
            result.parse(result.log.read_text(encoding="utf-8", errors="replace"))
            done[result.name] = result
            print(result.summary(), flush=True)
    return [done[name] for name in names]


def main(argv: list[str] | None = None) -> int:
    """The command line (see the module docstring)."""
    args = sys.argv[1:] if argv is None else argv
    extra: list[str] = []
    if "--" in args:
        cut = args.index("--")
        args, extra = args[:cut], args[cut + 1:]
    parser = argparse.ArgumentParser(prog="python -m fuzz", description=__doc__.splitlines()[0])
    parser.add_argument("harnesses", nargs="*", metavar="HARNESS",
                        help=f"which to run (default: all): {', '.join(HARNESSES)}")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--budget", type=int, metavar="SECONDS",
                       help="fuzzing seconds for all harnesses together (default 60)")
    group.add_argument("--each", type=int, metavar="SECONDS",
                       help="fuzzing seconds for each harness")
    parser.add_argument("--jobs", type=int, default=1, metavar="N",
                        help="harnesses run at once (default 1)")
    parser.add_argument("--workdir", type=Path, metavar="DIR",
                        help="corpus copies, logs and crash artifacts (default: a temporary "
                             "directory, removed unless something crashed)")
    ns = parser.parse_args(args)
    names = ns.harnesses or list(HARNESSES)
    unknown = sorted(set(names) - set(HARNESSES))
    if unknown:
        parser.error(f"unknown harness {', '.join(unknown)}; known: {', '.join(HARNESSES)}")
    if ns.each is not None:
        seconds = dict.fromkeys(names, max(1, ns.each))
    else:
        budget = 60 if ns.budget is None else ns.budget
        share, extra_seconds = divmod(max(budget, len(names)), len(names))
        seconds = {n: share + (i < extra_seconds) for i, n in enumerate(names)}
    try:
        import atheris  # type: ignore[import-untyped,import-not-found,unused-ignore]  # noqa: F401, PLC0415
    except ImportError:
        print("fuzz: atheris is not installed (pip install 'sockaddr-codec[fuzz]')",
              file=sys.stderr)
        return 2
    work = ns.workdir or Path(tempfile.mkdtemp(prefix="sockaddr-fuzz-"))
    work.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    results = run(names, seconds, max(1, ns.jobs), work.resolve(), extra)
    wall = time.monotonic() - start
    crashed = [r for r in results if r.crashed]
    broken = [r for r in results if r.failed_to_run]
    execs = sum(r.execs for r in results)
    fuzzing = sum(seconds.values())
    startup = [r.startup for r in results if r.startup is not None]
    note = f" (wall {wall:.0f} s" + (f", start-up {max(startup):.1f} s each at most)"
                                     if startup else ")")
    print(f"fuzz: total {len(results)} harnesses, {execs} execs in {fuzzing} s, "
          f"{len(crashed)} crash{'es' if len(crashed) != 1 else ''}{note}")
    for r in crashed:
        print(f"\nfuzz: {r.name} crashed; log {r.log}")
        for path in r.artifacts:
            print(f"fuzz: artifact {path}\nfuzz: reproduce: python -m fuzz.harness_{r.name} {path}")
        print(r.traceback())
    for r in broken:
        print(f"\nfuzz: {r.name} did not run (exit status {r.returncode}); log {r.log}")
        print(r.traceback(15))
    if crashed or broken or ns.workdir:
        print(f"fuzz: work directory kept: {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    if crashed:
        return 1
    return 2 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
