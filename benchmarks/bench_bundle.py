"""Bundle size and speed at scale: 20,000 versions and a million code rows by default.

Run: .venv/bin/python -m benchmarks.bench_bundle [--policies N] [--codes-per-version C]

Builds a synthetic repository model (N policies x 4 versions x C CPT and ICD-10-CM
rows), writes the bundle, then prints the build and write times, the size of the
bundle and of its largest code shard, and the median time of a consumer lookup (open
the bundle without verification, read one shard, one key) against verifying the
whole bundle.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.synthetic import synthetic_versions
from validator.consume.consumer import Bundle
from validator.consume.verify import verify_bundle
from validator.model.timeline import Repository
from validator.model.versions import CodeGroup, CodeRow, Version
from validator.publish.bundle import build_bundle, write_bundle
from validator.publish.provenance import Provenance


def versions(policies: int, per_version: int) -> list[Version]:
    groups = (
        CodeGroup("covered", "Covered", "covered", None, "CPT", None),
        CodeGroup("not-covered", "Not covered", "not-covered", None, "ICD-10-CM", None),
    )

    def rows(p: int) -> tuple[CodeRow, ...]:
        codes = []
        for c in range(per_version):
            n = (p * per_version + c) % 90000
            if c % 2:
                codes.append(CodeRow("CPT", f"{10000 + n:05d}", 0, 1, 1, n))
            else:
                letter = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[n % 26]
                codes.append(
                    CodeRow("ICD-10-CM", f"{letter}{n % 100:02d}.{n % 997:03d}", 1, 1, 1, n)
                )
        return tuple(codes)

    return synthetic_versions(policies, groups, rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--policies", type=int, default=5000)
    parser.add_argument("--codes-per-version", type=int, default=50)
    parser.add_argument("--lookups", type=int, default=200)
    args = parser.parse_args()
    sample = versions(args.policies, args.codes_per_version)
    rows = sum(len(v.codes) for v in sample)
    start = time.perf_counter()
    repository = Repository.build(sample)
    files, manifest = build_bundle(
        repository, None, {}, Provenance(None, None, "2026-01-01T00:00:00Z")
    )
    built = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "dist"
        start = time.perf_counter()
        write_bundle(files, manifest, out, None)
        written = time.perf_counter() - start
        start = time.perf_counter()
        assert verify_bundle(out).ok
        verified = time.perf_counter() - start
        shards = {name: len(data) for name, data in files.items() if name.startswith("codes/")}
        keys = [
            (row.system, row.code)
            for v in random.Random(1).sample(sample, 100)
            for row in v.codes[:2]
        ]
        timings = []
        for index in range(args.lookups):
            system, code = keys[index % len(keys)]
            start = time.perf_counter()
            bundle = Bundle.open(out, verify=False)  # a fresh consumer: nothing cached
            assert bundle.lookup(system, code, "2013-06-01") is not None
            timings.append(time.perf_counter() - start)
    total = sum(len(d) for d in files.values()) + len(manifest)
    print(f"versions {len(sample):,}  code rows {rows:,}  files {len(files) + 1:,}")
    print(
        f"bundle size {total / 1e6:.1f} MB, "
        f"largest code shard {max(shards.values()) / 1e6:.2f} MB, "
        f"median shard {statistics.median(shards.values()) / 1e3:.1f} kB"
    )
    print(f"build {built:.2f} s, write {written:.2f} s, verify whole bundle {verified:.2f} s")
    lookup = statistics.median(timings)
    print(
        f"consumer lookup, cold (open + one shard + one key): median {lookup * 1e3:.2f} ms "
        f"({verified / lookup:.0f}x faster than verifying the bundle)"
    )


if __name__ == "__main__":
    main()
