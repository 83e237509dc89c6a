"""Loader and validation speed against plain PyYAML, on copies of the seed policy.

Run: .venv/bin/python -m benchmarks.bench_loader [--files N] [--repeat R]

Prints the median seconds of R runs for each step over the same N files, and each
step's ratio to a plain ``yaml.load`` with libyaml.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from validator.check.validate import check_source
from validator.read.files import SourceFile
from validator.read.loader import load_document

SEED = Path(__file__).parent.parent / "policies" / "0324" / "2011-04-15.yaml"


def sources(count: int) -> list[SourceFile]:
    raw = SEED.read_bytes()
    files = []
    for index in range(count):
        number = f"{index:04d}"
        text = raw.replace(b'"0324"', f'"{number}"'.encode())
        files.append(SourceFile(f"policies/{number}/2011-04-15.yaml", text))
    return files


def each(files: list[SourceFile], step: Callable[[SourceFile], object]) -> None:
    for source in files:
        step(source)


def median_seconds(step: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    files = sources(args.files)
    megabytes = sum(len(f.raw) for f in files) / 1e6
    # Each step drops its results as it goes, as validation does, so that no step pays
    # for garbage collection over the trees an earlier file left behind.
    steps: dict[str, Callable[[], object]] = {
        "yaml.load (CSafeLoader)": lambda: each(
            files, lambda f: yaml.load(f.raw, yaml.CSafeLoader)
        ),
        "yaml.compose (CSafeLoader)": lambda: each(
            files, lambda f: yaml.compose(f.raw, yaml.CSafeLoader)
        ),
        "load_document (hazard checks)": lambda: each(
            files, lambda f: load_document(f.path, f.raw)
        ),
        "check_source (load+schema+rules)": lambda: each(files, check_source),
    }
    print(f"{args.files} files, {megabytes:.1f} MB, median of {args.repeat} runs")
    baseline = None
    for name, step in steps.items():
        seconds = median_seconds(step, args.repeat)
        baseline = baseline or seconds
        print(f"{name:<38} {seconds:8.3f} s  {seconds / baseline:5.2f}x")


if __name__ == "__main__":
    main()
