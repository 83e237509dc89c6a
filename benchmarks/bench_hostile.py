"""Validation time on hostile files: the seed policy with something appended, under 1 MB.

Run: .venv/bin/python -m benchmarks.bench_hostile [--repeat R] [--only NAME]

Each case is built in memory and checked with ``check_source``, as one file of a
repository; the table gives each case's size, the median seconds of R runs and how many
findings it gave (at most 101 per rule: 100, then one that counts the rest). Every case
must stay well under a second: validation is linear in the file's size.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import yaml

from validator.check.validate import check_source
from validator.read.files import SourceFile
from validator.read.text import MAX_FILE_BYTES

SEED = Path(__file__).parent.parent / "policies" / "0324" / "2011-04-15.yaml"
PATH = "policies/0324/2011-04-15.yaml"


def seed_with(tail: str) -> bytes:
    return SEED.read_bytes() + tail.encode("utf-8")


def one_line(data: dict[str, object]) -> bytes:
    """A whole file on one line of 999,999 bytes: ``data`` as a flow mapping, with a key
    ``x`` whose text fills the line."""
    line = json.dumps({**data, "x": ""}, ensure_ascii=False)
    return line.replace('"x": ""', '"x": "' + "a" * (999_999 - len(line.encode())) + '"').encode()


def densest_file() -> bytes:
    """The most nodes a file can hold: one line of 249,990 `NO`s, each reported."""
    head, tail = '{number: "0324", x: [NO', "]}"
    items = (999_999 - len(head) - len(tail)) // 4
    return (head + ", NO" * items + tail).encode()


#: Each hostile case: its name and how to build the file.
CASES: dict[str, Callable[[], bytes]] = {
    "ambiguous scalar, 200,000 '_' then 'x'": lambda: seed_with("x: 0" + "_" * 200_000 + "x\n"),
    "ambiguous scalar, '_0' x 100,000 then 'x'": lambda: seed_with("x: 0" + "_0" * 100_000 + "x\n"),
    "ambiguous scalar, '_x' x 100,000": lambda: seed_with("x: 0" + "_x" * 100_000 + "\n"),
    "100,000 unknown keys": lambda: seed_with("".join(f"k{n}: 1\n" for n in range(100_000))),
    '120,000 items - "-<TAB>"': lambda: seed_with('- "-\t"\n' * 120_000),
    "120,000 tabs inside quoted items": lambda: seed_with("x:\n" + '- "-\t"\n' * 120_000),
    "200,000 \\x01 in a quoted string": lambda: seed_with('x: "' + "\x01" * 200_000 + '"\n'),
    "100,000 U+200B unquoted": lambda: seed_with("x: a" + "\u200b" * 100_000 + "\n"),
    "integer of 900,000 digits": lambda: seed_with("x: " + "7" * 900_000 + "\n"),
    "octal of 900,000 digits": lambda: seed_with("x: 0o" + "7" * 900_000 + "\n"),
    "sexagesimal of 300,000 parts": lambda: seed_with("x: 1" + ":59" * 300_000 + "\n"),
    "underscored integer of 900,000 digits": lambda: seed_with("x: 1" + "_000" * 225_000 + "\n"),
    "float 1e999999": lambda: seed_with("x: 1e999999\n"),
    "float of 900,000 digits": lambda: seed_with("x: " + "9" * 900_000 + ".5\n"),
    "50,000 duplicate keys": lambda: seed_with("copyright: x\n" * 50_000),
    "10,000 anchors": lambda: seed_with("".join(f"a{n}: &a{n} x\n" for n in range(10_000))),
    "one line of 999,999 bytes (the seed as JSON)": lambda: one_line(
        yaml.safe_load(SEED.read_bytes())
    ),
    "249,990 NO in a flow list on one line": densest_file,
}


def median_seconds(step: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", help="run only the cases whose name contains this text")
    args = parser.parse_args()
    print(f"median of {args.repeat} runs of check_source on one file")
    print(f"{'case':<44} {'bytes':>9} {'seconds':>8} {'findings':>9}")
    for name, build in CASES.items():
        if args.only and args.only not in name:
            continue
        raw = build()
        assert len(raw) <= MAX_FILE_BYTES, f"{name}: {len(raw):,} bytes"
        source = SourceFile(PATH, raw)
        findings = len(check_source(source).findings)
        seconds = median_seconds(partial(check_source, source), args.repeat)
        print(f"{name:<44} {len(raw):>9,} {seconds:>8.3f} {findings:>9,}")


if __name__ == "__main__":
    main()
