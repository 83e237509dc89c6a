"""What a whole run found, kept for the next run over the same files on the same day.

A run's findings are a function of every file's cache key (its path and bytes, checked
by this validator) and of the day reviews are judged on. They are stored in the cache
under the digest of all of these, as one more entry: a run that finds them needs
neither to build the repository model nor to run a repository-wide rule, and when the
file index knows every key, to read a policy file.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import date

from validator.check import results
from validator.check.cache import Cache
from validator.findings import Finding

#: The path an entry of findings is stored under: no policy file has it.
ENTRY_PATH = "(repository)"


def snapshot_key(keys: Iterable[tuple[str, str]], today: date) -> str:
    """The key of the findings of a run over files with these (path, cache key) pairs."""
    digest = hashlib.sha256(f"policyrepo-findings {today.isoformat()}\n".encode())
    for path, key in sorted(keys):
        digest.update(path.encode("utf-8", "surrogatepass"))
        digest.update(b"\0" + key.encode("ascii") + b"\n")
    return digest.hexdigest()


def load_findings(cache: Cache, key: str) -> list[Finding] | None:
    """The findings stored under ``key``; None when there are none, or the entry is not
    what :func:`store_findings` writes."""
    text = cache.load(key, ENTRY_PATH)
    if text is None:
        return None
    try:
        value = json.loads(text)
        return [results.read_finding(item) for item in value]
    except (ValueError, TypeError, KeyError, IndexError, RecursionError):
        return None


def store_findings(cache: Cache, key: str, findings: list[Finding]) -> None:
    cache.store(
        key,
        ENTRY_PATH,
        json.dumps([results.finding_json(finding) for finding in findings], separators=(",", ":")),
    )
