"""Files written in the first policy format, read as the second.

The second format adds to the first; three things differ, and this module says how each
is read, in memory (``policyrepo migrate`` makes the same changes in the file itself):

* the file says ``format: 2``;
* every code group has an ``id`` that coverage statements refer to; a first-format group
  gets one made from its heading and system (:func:`group_id`), the same id
  ``migrate`` writes, so answers and bundles do not change when a file is migrated;
* a retirement is a dated record of its own (``policies/<number>/retirement.yaml``),
  not a version edited to say ``status: retired`` and ``retired: DATE``; the first
  format's retirement is read as that record.

Nothing else moves, so every JSON pointer of a first-format file still names the same
value in the upgraded document, and findings keep their lines.
"""

from __future__ import annotations

import copy
import re
from typing import Any

#: The format number of the current policy format.
CURRENT_FORMAT = 2


def is_first_format(data: dict[str, Any]) -> bool:
    """A version file without ``format`` is written in the first format."""
    return "format" not in data


def group_id(heading: str, system: str, taken: set[str]) -> str:
    """An identifier for a first-format code group: its heading and system in lower case,
    words joined by hyphens, numbered when two groups would share one.

    ``"Not Medically Necessary/Not Covered"`` with CPT gives
    ``not-medically-necessary-not-covered-cpt``.
    """
    words = re.findall(r"[a-z0-9]+", f"{heading} {system}".lower())
    base = "-".join(words)[:60].strip("-") or "codes"
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    taken.add(candidate)
    return candidate


def upgrade(data: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """The second-format document of a first-format one, and the retirement date the
    first format gave on the version (None when it gave none). ``data`` is not changed."""
    upgraded = copy.deepcopy(data)
    upgraded["format"] = CURRENT_FORMAT
    lifecycle = upgraded["lifecycle"]
    retired = lifecycle.pop("retired", None)
    if lifecycle.get("status") == "retired":
        lifecycle["status"] = "active"
    taken: set[str] = set()
    for group in upgraded.get("coding", {}).get("groups", []):
        group["id"] = group_id(group["heading"], group["system"], taken)
    return upgraded, retired
