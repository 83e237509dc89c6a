"""How the repository-wide rules scale with the number of versions and code rows.

Run: .venv/bin/python -m benchmarks.bench_repository [--repeat R]

Builds synthetic repositories of N policies with 4 versions each and 20 CPT code rows
per version, each code shared by about four policies (so the conflict sweep has work
to do and the number of conflicts grows with N, not N squared), then
times building the model and running every repository rule. Doubling N should roughly
double the time: the printed ratio per doubling stays near 2 for linear work.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date

from benchmarks.synthetic import synthetic_versions
from validator.check.validate import check_repository
from validator.model.timeline import Repository
from validator.model.versions import CodeGroup, CodeRow, Version

TODAY = date(2026, 11, 27)


def versions(policies: int) -> list[Version]:
    groups = (
        CodeGroup("covered", "Covered", "covered", None, "CPT", None),
        CodeGroup("not-covered", "Not covered", "not-covered", None, "CPT", None),
    )
    return synthetic_versions(
        policies,
        groups,
        lambda p: tuple(
            CodeRow("CPT", f"{(p * 7 + c) % (policies * 5):05d}", c % 2, 10 + c, 11, c)
            for c in range(20)
        ),
    )


def median_seconds(policies: int, repeat: int) -> tuple[float, int]:
    sample = versions(policies)
    times, found = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        repository = Repository.build(sample)
        found = len(check_repository(repository, TODAY))
        times.append(time.perf_counter() - start)
    return statistics.median(times), found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 1000, 2000, 4000])
    args = parser.parse_args()
    print(
        f"{'policies':>8} {'versions':>8} {'code rows':>9} {'median s':>9} {'x prev':>7} findings"
    )
    previous = None
    for size in args.sizes:
        seconds, found = median_seconds(size, args.repeat)
        ratio = f"{seconds / previous:7.2f}" if previous else "      -"
        print(f"{size:>8} {size * 4:>8} {size * 80:>9} {seconds:9.3f} {ratio} {found}")
        previous = seconds


if __name__ == "__main__":
    main()
