"""Whole-process figures for every command on generated repositories of 2,000 and 20,000
versions, side by side, and the ratios the scale targets are stated in.

Run: .venv/bin/python -m benchmarks.bench_scale [--sizes M,L] [--repeat 3] [--work .bench]

Each corpus (benchmarks/corpus.py, committed in its own git repository) is generated
under WORK once and reused while its marker says it is the same corpus. Every figure is
the median of REPEAT runs of a fresh process: wall seconds, CPU seconds (user and system,
the process's children included) and peak resident memory (of the largest process, from
``wait4``). The operating system's file cache is warm for every figure; "cold" and "warm"
are about the tool's own cache. The tool is measured as it is: whether ``validate`` has a
cache (``--no-cache``, ``--cache-dir``) and parallel runs (``--jobs``) is read from its
``--help``, and figures that need a cache are skipped, with a note, when it has none.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path

import yaml

from benchmarks import corpus as generator

PROJECT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
POLICYREPO = str(BIN / "policyrepo")
SCHEMA = PROJECT / "schema" / "policy.schema.json"
GIB = 1024**3

#: Every policy file through libyaml's safe loader in one process: the least any tool
#: that reads all of them can do.
FLOOR = """
import pathlib, sys, yaml
for path in sorted(pathlib.Path(sys.argv[1]).glob("policies/**/*.yaml")):
    yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
"""
#: A consumer's first question in a new process: open (verifying every file) and one
#: lookup; prints the seconds those took, the import of the consumer left out.
CONSUMER = """
import sys, time
from validator.consume.consumer import Bundle
started = time.perf_counter()
answers = Bundle.open(sys.argv[1]).lookup(sys.argv[2], sys.argv[3], sys.argv[4])
assert answers, "no answer"
print(f"{time.perf_counter() - started:.6f}")
"""

#: The steps, as the tables name them.
FLOOR_STEP = "floor: yaml.load (CSafeLoader)"
COLD = "validate, cold"
WARM = "validate, warm"
ONE_CHANGED = "validate, warm, one file changed"
ONE_NAMED = "validate one file (named, changed)"
BASE = "validate --base HEAD, one file changed"
SCHEMA_STEP = "check-jsonschema (versions)"
BUNDLE = "bundle"
CONSUMER_STEP = "consumer: open (verified) + lookup, a code of one topic"
CONSUMER_SHARED_STEP = "consumer: open (verified) + lookup of the code every version lists"
SHARED_STEP = (
    f"lookup {generator.SHARED_CODE[0]} {generator.SHARED_CODE[1]} (every version lists it)"
)
LOOKUP_STEP = "lookup, a code of one topic"


@dataclass(frozen=True)
class Sample:
    wall: float
    cpu: float
    peak_bytes: int
    exit_code: int
    stdout: str
    stderr: str


def run(command: Sequence[str], cwd: Path) -> Sample:
    """One process: its wall time, and its CPU time and peak memory from ``wait4``, which
    counts the children it waited for (parallel workers) too."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Sample(
            wall=wall,
            cpu=usage.ru_utime + usage.ru_stime,
            peak_bytes=usage.ru_maxrss * 1024,  # kilobytes on Linux
            exit_code=process.returncode,
            stdout=out.read().decode("utf-8", "replace")[-2000:],
            stderr=err.read().decode("utf-8", "replace")[-2000:],
        )


@dataclass
class Figure:
    """The median of a step's runs; ``inner`` is a time the process reported itself."""

    samples: list[Sample] = field(default_factory=list)
    note: str = ""

    def median(self, value: Callable[[Sample], float]) -> float:
        return statistics.median(value(s) for s in self.samples)

    @property
    def wall(self) -> float:
        return self.median(lambda s: s.wall)

    @property
    def cpu(self) -> float:
        return self.median(lambda s: s.cpu)

    @property
    def peak(self) -> float:
        return self.median(lambda s: s.peak_bytes)

    @property
    def inner(self) -> float | None:
        """The seconds the process printed last, over the runs that succeeded."""
        printed = [float(s.stdout.split()[-1]) for s in self.samples if s.exit_code == 0]
        return statistics.median(printed) if printed else None

    @property
    def failed(self) -> Sample | None:
        return next((s for s in self.samples if s.exit_code != 0), None)


@dataclass(frozen=True)
class Tool:
    """The options each policyrepo command offers, read from its help."""

    options: dict[str, str]

    @classmethod
    def detect(cls) -> Tool:
        def help_of(command: str) -> str:
            return subprocess.run(
                [POLICYREPO, command, "--help"], capture_output=True, text=True, check=True
            ).stdout

        commands = ("validate", "bundle", "lookup", "show", "prior-auth")
        return cls({command: help_of(command) for command in commands})

    def offers(self, command: str, option: str) -> bool:
        return re.search(rf"(^|\s|\[){re.escape(option)}\b", self.options[command]) is not None

    @property
    def caches(self) -> bool:
        return self.offers("validate", "--no-cache") or self.offers("validate", "--cache-dir")

    def describe(self) -> str:
        if not self.caches:
            return "validate has no cache (no --no-cache in its --help)"
        offered = [
            option
            for option in ("--no-cache", "--cache-dir", "--jobs")
            if self.offers("validate", option)
        ]
        return f"validate offers {', '.join(offered)}"


@dataclass
class Corpus:
    size: str
    root: Path
    info: dict[str, object]
    cache: Path
    dist: Path
    generated_in: float | None

    @property
    def change(self) -> str:
        return str(self.info["change"])

    @property
    def lookup(self) -> tuple[str, str, str]:
        query = self.info["lookup"]
        assert isinstance(query, dict)
        return str(query["system"]), str(query["code"]), str(query["on"])

    @property
    def today(self) -> str:
        return str(self.info["today"])

    @property
    def topic_code(self) -> tuple[str, str]:
        """A CPT code of the topic of the policy ``show`` names, other than the shared one:
        what a claim usually asks about (a few hundred policies of a topic list it on L)."""
        number = str(self.info["show"])
        latest = sorted(p for p in (self.root / "policies" / number).glob("2*.yaml"))[-1]
        document = yaml.load(latest.read_bytes(), Loader=yaml.CSafeLoader)
        for group in document["coding"]["groups"]:
            for row in group.get("codes", []) if group.get("system") == "CPT" else []:
                if (group["system"], row["code"]) != generator.SHARED_CODE:
                    return group["system"], row["code"]
        raise LookupError(f"{latest} lists no CPT code but the shared one")

    def versions(self) -> list[str]:
        return sorted(
            str(path.relative_to(self.root))
            for path in self.root.glob("policies/*/*.yaml")
            if path.name[0].isdigit()
        )


def prepare(size: str, work: Path, seed: int) -> Corpus:
    """The corpus under ``work``, generated and committed unless a clean one is there."""
    root = work / size
    info = generator.read_marker(root) or {}
    wanted = {
        "size": size,
        "seed": seed,
        "generator_version": generator.GENERATOR_VERSION,
        "complete": True,
    }
    generated_in = None
    if any(info.get(k) != v for k, v in wanted.items()) or not _committed_and_clean(root):
        print(f"generating corpus {size} in {root} ...", file=sys.stderr)
        started = time.perf_counter()
        info = generator.generate(size, root, seed)
        generator.commit(root)
        generated_in = time.perf_counter() - started
    return Corpus(size, root, info, work / f"{size}-cache", work / f"{size}-dist", generated_in)


def _committed_and_clean(root: Path) -> bool:
    status = subprocess.run(
        ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
    )
    in_repository = (root / ".git").is_dir()
    return in_repository and status.returncode == 0 and status.stdout == ""


@contextmanager
def changed(corpus: Corpus) -> Iterator[Callable[[], None]]:
    """An edit to the version not yet in effect, a different one each call; the file is
    restored afterwards whatever happens."""
    path = corpus.root / corpus.change
    original = path.read_bytes()
    count = 0

    def edit() -> None:
        nonlocal count
        count += 1
        edited = original.replace(b'\ntitle: "', f'\ntitle: "Revision {count}: '.encode(), 1)
        assert edited != original
        path.write_bytes(edited)

    try:
        yield edit
    finally:
        path.write_bytes(original)


class Bench:
    """The steps of one corpus, each measured ``repeat`` times."""

    def __init__(self, corpus: Corpus, tool: Tool, repeat: int, slow_repeat: int = 1) -> None:
        self.corpus = corpus
        self.tool = tool
        self.repeat = repeat
        self.slow_repeat = slow_repeat
        self.figures: dict[str, Figure] = {}
        #: The machine's 1-minute load average before and after: other work on a shared
        #: machine shows in wall times.
        self.load: tuple[float, float] = (0.0, 0.0)

    def measure(
        self,
        step: str,
        command: Sequence[str],
        *,
        before: Callable[[], None] | None = None,
        prime: bool = False,
        times: int | None = None,
    ) -> None:
        """``before`` runs ahead of every measured run; ``prime`` runs the command once
        unmeasured first (to fill the tool's cache); ``times`` overrides the repeat."""
        figure = self.figures.setdefault(step, Figure())
        if prime:
            run(command, self.corpus.root)
        for _ in range(times or self.repeat):
            if before:
                before()
            figure.samples.append(run(command, self.corpus.root))
        failed = f", exit {figure.failed.exit_code}" if figure.failed else ""
        print(
            f"  {self.corpus.size} {step}: {figure.wall:.3f} s wall, {figure.cpu:.3f} s CPU, "
            f"{figure.peak / 1e6:.0f} MB{failed}",
            file=sys.stderr,
        )

    def skip(self, step: str, why: str) -> None:
        self.figures[step] = Figure(note=why)

    def validate(self, *args: str) -> list[str]:
        return [POLICYREPO, "validate", "--root", ".", "--today", self.corpus.today, *args]

    def cached(self, command: str = "validate") -> list[str]:
        """Our own cache directory, where the command takes one."""
        if self.tool.offers(command, "--cache-dir"):
            return ["--cache-dir", str(self.corpus.cache)]
        return []

    def uncached(self, command: str) -> list[str]:
        return ["--no-cache"] if self.tool.offers(command, "--no-cache") else []

    def all_steps(self) -> None:
        before = os.getloadavg()[0]
        self.floor()
        self.validation()
        self.check_jsonschema()
        self.bundle()
        self.queries()
        self.load = (before, os.getloadavg()[0])

    def floor(self) -> None:
        self.measure(FLOOR_STEP, [sys.executable, "-c", FLOOR, "."])

    def validation(self) -> None:
        self.measure(COLD, self.validate(*self.uncached("validate")))
        if self.tool.caches:
            shutil.rmtree(self.corpus.cache, ignore_errors=True)
            self.measure(WARM, self.validate(*self.cached()), prime=True)
            with changed(self.corpus) as edit:
                self.measure(ONE_CHANGED, self.validate(*self.cached()), before=edit)
        else:
            why = "no cache in this policyrepo (validate --help has no --no-cache)"
            self.skip(WARM, why)
            self.skip(ONE_CHANGED, why)
        # What pre-commit runs without --base: the changed file named, the cache warm.
        with changed(self.corpus) as edit:
            self.measure(ONE_NAMED, self.validate(*self.cached(), self.corpus.change), before=edit)
        with changed(self.corpus) as edit:
            self.measure(BASE, self.validate(*self.cached(), "--base", "HEAD"), before=edit)

    def check_jsonschema(self) -> None:
        command = [str(BIN / "check-jsonschema"), "--schemafile", str(SCHEMA)]
        # Seven minutes a run on L: once there, unless --repeat-slow asks for more.
        times = self.slow_repeat if self.corpus.size == "L" else None
        self.measure(SCHEMA_STEP, command + self.corpus.versions(), times=times)

    def bundle(self) -> None:
        # Cold, as a release build makes it: the bundle costs validation and the writing.
        options = ["--root", ".", "--today", self.corpus.today, "-o", str(self.corpus.dist)]
        self.measure(BUNDLE, [POLICYREPO, "bundle", *options, *self.uncached("bundle")])
        system, code, on = self.corpus.lookup
        question = [sys.executable, "-c", CONSUMER, str(self.corpus.dist)]
        self.measure(CONSUMER_STEP, [*question, *self.corpus.topic_code, on])
        self.measure(CONSUMER_SHARED_STEP, [*question, system, code, on])

    def queries(self) -> None:
        """Warm: primed once, with the validation cache where the command takes one."""
        system, code, on = self.corpus.lookup
        shown = str(self.corpus.info["show"])
        for step, command, arguments in (
            (LOOKUP_STEP, "lookup", list(self.corpus.topic_code)),
            (SHARED_STEP, "lookup", [system, code]),
            (f"show {shown}", "show", [shown]),
            ("prior-auth", "prior-auth", []),
        ):
            options = ["--root", ".", "--on", on, *self.cached(command)]
            self.measure(step, [POLICYREPO, command, *arguments, *options], prime=True)


# The report ------------------------------------------------------------------------------

Measure = Callable[[dict[str, "Bench"], str], float | None]


def _figure(benches: dict[str, Bench], size: str, step: str) -> Figure | None:
    figure = benches[size].figures.get(step) if size in benches else None
    return figure if figure is not None and figure.samples else None


WALL, CPU = attrgetter("wall"), attrgetter("cpu")


def ratio(step: str, base: str, time: Callable[[Figure], float] = WALL) -> Measure:
    """Time of ``step`` over that of ``base``, on one corpus."""

    def value(benches: dict[str, Bench], size: str) -> float | None:
        a, b = _figure(benches, size, step), _figure(benches, size, base)
        return time(a) / time(b) if a and b else None

    return value


def growth(step: str, time: Callable[[Figure], float] = WALL) -> Measure:
    """How a step's time grows from M to L (ten times the versions), shown under L."""

    def value(benches: dict[str, Bench], size: str) -> float | None:
        large, medium = _figure(benches, "L", step), _figure(benches, "M", step)
        return time(large) / time(medium) if size == "L" and large and medium else None

    return value


def reading(step: str, read: Callable[[Figure], float | None]) -> Measure:
    def value(benches: dict[str, Bench], size: str) -> float | None:
        figure = _figure(benches, size, step)
        return read(figure) if figure else None

    return value


@dataclass(frozen=True)
class Target:
    name: str
    target: str
    value: Measure
    met: Callable[[float], bool]
    #: The corpora the target is stated for; the others' figures are shown for scale.
    on: tuple[str, ...]
    unit: str = "x"
    #: The same ratio in CPU seconds, shown beside it: the machine may be shared, and
    #: parallel runs spend more CPU than wall time.
    cpu: Measure | None = None


def at_most(limit: float) -> Callable[[float], bool]:
    return lambda value: value <= limit


def at_least(limit: float) -> Callable[[float], bool]:
    return lambda value: value >= limit


def below(limit: float) -> Callable[[float], bool]:
    return lambda value: value < limit


def timed(
    name: str, target: str, step: str, base: str, met: Callable[[float], bool], on: str
) -> Target:
    """A ratio of two steps' wall times on one corpus, with their CPU ratio beside it."""
    sizes = tuple(on.split(","))
    return Target(name, target, ratio(step, base), met, sizes, cpu=ratio(step, base, CPU))


def _in_process_ms(figure: Figure) -> float | None:
    return figure.inner * 1000 if figure.inner is not None else None


TARGETS = (
    timed("cold validate / floor", "<= 1.5", COLD, FLOOR_STEP, at_most(1.5), "M"),
    timed("warm / cold", "<= 0.05", WARM, COLD, at_most(0.05), "M,L"),
    timed("one file changed / cold", "<= 0.1", ONE_CHANGED, COLD, at_most(0.1), "M,L"),
    timed("check-jsonschema / cold validate", ">= 10", SCHEMA_STEP, COLD, at_least(10), "M,L"),
    Target("validate, L / M", "<= 11", growth(COLD), at_most(11), ("L",), cpu=growth(COLD, CPU)),
    Target("bundle, L / M", "<= 11", growth(BUNDLE), at_most(11), ("L",), cpu=growth(BUNDLE, CPU)),
    timed("bundle / cold validate", "<= 1.5", BUNDLE, COLD, at_most(1.5), "M"),
    Target(
        "peak memory, validate",
        "< 1 GiB",
        reading(COLD, lambda f: f.peak / GIB),
        below(1),
        ("L",),
        " GiB",
    ),
    Target(
        "peak memory, bundle",
        "< 1 GiB",
        reading(BUNDLE, lambda f: f.peak / GIB),
        below(1),
        ("L",),
        " GiB",
    ),
    Target("CLI lookup (warm)", "< 1 s", reading(LOOKUP_STEP, WALL), below(1), ("L",), " s"),
    Target(
        "CLI lookup (warm), the code every version lists",
        "< 1 s",
        reading(SHARED_STEP, WALL),
        below(1),
        ("L",),
        " s",
    ),
    Target(
        "consumer verified cold lookup, in process",
        "< 100 ms",
        reading(CONSUMER_STEP, _in_process_ms),
        below(100),
        ("L",),
        " ms",
    ),
    Target(
        "the same, the code every version lists",
        "< 100 ms",
        reading(CONSUMER_SHARED_STEP, _in_process_ms),
        below(100),
        ("L",),
        " ms",
    ),
)


def report(benches: dict[str, Bench], tool: Tool, repeat: int, slow_repeat: int = 1) -> str:
    sizes = list(benches)
    slow = f" ({SCHEMA_STEP} on L: {slow_repeat})" if "L" in benches else ""
    lines = [
        f"Machine: {os.cpu_count()} cores, {_cpu_model()}, Python {platform.python_version()}; "
        f"policyrepo at {_revision()}; {tool.describe()}; median of {repeat} runs{slow}.",
        "",
    ]
    for size, bench in benches.items():
        info = bench.corpus.info
        made = bench.corpus.generated_in
        lines.append(
            f"- {size}: {info['versions']:,} versions, {info['files']:,} files, "
            f"{int(str(info['bytes'])) / 1e6:.1f} MB"
            + (f", generated and committed in {made:.1f} s" if made is not None else "")
            + f"; load average {bench.load[0]:.2f} before, {bench.load[1]:.2f} after"
        )
    lines += ["", _figures_table(benches, sizes), "", _targets_table(benches)]
    notes = [
        f"- {step}: {figure.note}"
        for bench in benches.values()
        for step, figure in bench.figures.items()
        if figure.note
    ]
    failures = [
        f"- {bench.corpus.size} {step}: exit {failed.exit_code}: {failed.stderr.strip()[-300:]}"
        for bench in benches.values()
        for step, figure in bench.figures.items()
        if (failed := figure.failed) is not None
    ]
    if notes:
        lines += ["", "Skipped:", *sorted(set(notes))]
    if failures:
        lines += ["", "Failed runs:", *failures]
    return "\n".join(lines)


def _figures_table(benches: dict[str, Bench], sizes: list[str]) -> str:
    header = "| step | " + " | ".join(f"{s} wall s | {s} CPU s | {s} peak MB" for s in sizes) + " |"
    rule = "|---|" + "---:|" * (3 * len(sizes))
    rows = [header, rule]
    steps = list(dict.fromkeys(step for bench in benches.values() for step in bench.figures))
    for step in steps:
        cells = []
        for size in sizes:
            figure = benches[size].figures.get(step)
            if figure is None or not figure.samples:
                cells += ["skipped", "", ""]
                continue
            wall = f"{figure.wall:.3f}"
            if step in (CONSUMER_STEP, CONSUMER_SHARED_STEP) and figure.inner is not None:
                wall += f" ({figure.inner * 1000:.0f} ms in process)"
            if figure.failed:
                wall += f" (exit {figure.failed.exit_code})"
            cells += [wall, f"{figure.cpu:.3f}", f"{figure.peak / 1e6:.0f}"]
        rows.append(f"| {step} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def _targets_table(benches: dict[str, Bench]) -> str:
    sizes = list(benches)
    rows = [
        "| figure | target (on) | " + " | ".join(sizes) + " | met |",
        "|---|---|" + "---:|" * len(sizes) + "---|",
    ]
    for target in TARGETS:
        values = {size: target.value(benches, size) for size in sizes}
        cells = [_cell(target, benches, size, value) for size, value in values.items()]
        judged = [
            f"{size} {'yes' if target.met(value) else 'no'}"
            for size, value in values.items()
            if value is not None and size in target.on
        ]
        met = ", ".join(judged) or f"not judged on {', '.join(sizes)}"
        on = f"{target.target} ({', '.join(target.on)})"
        rows.append(f"| {target.name} | {on} | " + " | ".join(cells) + f" | {met} |")
    return "\n".join(rows)


def _cell(target: Target, benches: dict[str, Bench], size: str, value: float | None) -> str:
    if value is None:
        return ""
    cpu = target.cpu(benches, size) if target.cpu else None
    # Three significant digits: 0.054 against a target of 0.05 must not read as 0.05.
    shown = f"{value:.3g}{target.unit}"
    return shown if cpu is None else f"{shown} (CPU {cpu:.3g}{target.unit})"


def _revision() -> str:
    """The commit measured, and whether the validator had changes not yet committed."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", "-C", str(PROJECT), *args], capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD") or "an unknown commit"
    changed = git("status", "--porcelain", "--untracked-files=no", "--", "validator", "schema")
    return f"{commit}{' with uncommitted changes' if changed else ''}"


def _cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or "unknown CPU"
    found = re.search(r"^model name\s*:\s*(.+)$", text, re.MULTILINE)
    return found.group(1).strip() if found else "unknown CPU"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_scale", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--sizes", default="M,L", help="comma-separated: S, M, L")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--repeat-slow", type=int, default=1, help="runs of check-jsonschema on L (minutes each)"
    )
    parser.add_argument("--work", type=Path, default=PROJECT / ".bench", help="where corpora go")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in generator.SIZES]
    if unknown:
        parser.error(f"unknown sizes {unknown}; choose from {sorted(generator.SIZES)}")
    tool = Tool.detect()
    benches: dict[str, Bench] = {}
    for size in sizes:
        # Commands run in the corpus, so every path given to them is absolute.
        corpus = prepare(size, args.work.resolve(), args.seed)
        bench = Bench(corpus, tool, args.repeat, args.repeat_slow)
        bench.all_steps()
        benches[size] = bench
    print(report(benches, tool, args.repeat, args.repeat_slow))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
