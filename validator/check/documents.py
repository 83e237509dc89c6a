"""The whole document of each version, read back when a bundle needs it.

A repository's model keeps each version's document trimmed to what answers and rules
read (``Version.as_trimmed``), so that tens of thousands of versions fit in memory; the
whole document is in the cache entry of the file's results. Reading it back checks the
entry as any cache read does; when the entry is gone (another run may prune a shared
cache), the file is read and checked again, and it must still have the bytes it had:
otherwise the run would publish a document other than the one it validated.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from validator.check import results
from validator.check.cache import Cache
from validator.check.source import check_source
from validator.model.versions import Version
from validator.read.files import SourceFile, read_source


class DocumentChanged(Exception):
    """A file changed between its validation and the reading back of its document."""


@dataclass(frozen=True)
class Documents:
    """Whole documents by version, from the cache entries this run used."""

    cache: Cache | None = None
    #: The cache key each version's file had when it was checked, by path.
    keys: Mapping[str, str] = field(default_factory=dict)
    #: Where the files are, to check a file again when its entry is gone.
    root: Path | None = None

    def of(self, version: Version) -> dict[str, Any]:
        """The version's whole document. DocumentChanged when it can no longer be the
        one validated."""
        if not version.trimmed:
            return version.document
        key = self.keys.get(version.path)
        if self.cache is None or key is None:
            raise DocumentChanged(f"{version.path}: its document was not kept")
        text = self.cache.load(key, version.path)
        if text is not None:
            try:
                return results.whole_document(text)
            except results.MalformedResults:
                pass  # an entry of the right key but a wrong shape: the file checked again
        return self._checked_again(version.path, key)

    def _checked_again(self, path: str, key: str) -> dict[str, Any]:
        source = read_source(self.root, path) if self.root is not None else None
        same = isinstance(source, SourceFile) and self.cache and self.cache.key(source) == key
        if not same or not isinstance(source, SourceFile):
            raise DocumentChanged(f"{path} changed while it was being published; run again")
        version = check_source(source).version
        if version is None:  # the same bytes, yet no version: a validator that changed
            raise DocumentChanged(f"{path} no longer gives a version; run again")
        return version.document
