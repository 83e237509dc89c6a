"""The code index of a bundle: ``codes/<SYSTEM>/<XX>.json``, code -> the versions listing it.

Each version's code rows are added as it is published (``index_version``); each index
row, the version's group with its role, determination, basis, heading, the version's
window and, when bounded, the code's dates of service, is encoded as canonical JSON
once, and every code of the group holds that one row. When every version is in, the
shards are written one at a time (``shards``), each joined once from the rows' bytes:
at a million code rows the index holds about a hundred thousand encoded rows and a
reference per code row, never a dictionary per code row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from operator import itemgetter
from typing import Any

from validator.model.coding import DatesOfService
from validator.model.versions import Version
from validator.publish.canonical import Parts, array_parts, canonical_part, joined, object_parts

#: A code's entry in the index: the policy, version and group listing it (what one
#: code's entries are sorted by) and the entry's canonical JSON.
IndexRow = tuple[str, str, str, bytes]
#: (system, code) -> the index rows listing it.
Index = dict[tuple[str, str], list[IndexRow]]

_BY_POLICY_VERSION_GROUP = itemgetter(0, 1, 2)


def code_shard(system: str, code: str) -> str:
    """The index file that holds a code: its system and the code's first two characters."""
    return f"codes/{system}/{code.replace('.', '')[:2]}.json"


def index_version(index: Index, version: Version, window: dict[str, str | None]) -> None:
    """Adds a version's code rows to the index.

    The codes of a group share one index row (same version, group and window), so a
    million code rows make about a hundred thousand rows. A code with dates of service of
    its own gets a row with those dates, shared with the group's codes of the same dates.
    """
    number, effective = version.number, version.effective.isoformat()
    entries: list[dict[str, Any]] = [
        {
            "policy": number,
            "version": effective,
            "group": group.id,
            "role": group.role,
            "determination": group.determination,
            "basis": group.basis,
            "heading": group.heading,
            "window": window,
        }
        for group in version.groups
    ]
    shared: list[IndexRow | None] = [None] * len(entries)
    dated: dict[tuple[int, DatesOfService], IndexRow] = {}
    for row in version.codes:
        dates = row.dates
        if dates.start is None and dates.through is None:
            found = shared[row.group]
            if found is None:
                found = shared[row.group] = _index_row(entries[row.group])
        else:
            key = (row.group, dates)
            found = dated.get(key)
            if found is None:
                found = dated[key] = _index_row({**entries[row.group], "dates": dates.to_json()})
        index[row.system, row.code].append(found)


def _index_row(entry: dict[str, Any]) -> IndexRow:
    return (entry["policy"], entry["version"], entry["group"], canonical_part(entry))


def shards(index: Index) -> Iterator[tuple[str, bytes]]:
    """The index as shard files, one at a time: each with its system, and each code's
    rows by policy, version and group. Naming the shard once per code, not per row, and
    sorting only the codes that several versions list, keeps a million rows fast. Each
    shard's codes leave ``index`` as it is made."""
    by_shard: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for system, code in index:
        by_shard[code_shard(system, code)].append((system, code))
    for name, keys in by_shard.items():
        codes: dict[str, Parts] = {}
        for key in keys:
            rows = index.pop(key)
            if len(rows) > 1:
                rows.sort(key=_BY_POLICY_VERSION_GROUP)  # stable: ties keep their order
            codes[key[1]] = array_parts(row[3] for row in rows)
        members = {
            "kind": [canonical_part("code-index")],
            "system": [canonical_part(keys[0][0])],
            "codes": object_parts(codes),
        }
        yield name, joined(object_parts(members))
