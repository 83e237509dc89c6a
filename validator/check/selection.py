"""Which files a run reports on: the files and directories named on the command line."""

from __future__ import annotations

from pathlib import Path

from validator.findings import Finding
from validator.read.files import (
    LAYOUT,
    ORGANIZATION_FILE,
    is_retirement_path,
    is_version_path,
    relative_to_root,
)


def select(
    root: Path, arguments: list[str], known: list[str], layout: list[Finding]
) -> tuple[list[str], list[Finding]]:
    """The files named on the command line; a directory stands for the files under it."""
    selected: set[str] = set()
    findings: list[Finding] = []
    for argument in arguments:
        relative = relative_to_root(root, argument)
        if isinstance(relative, Finding):
            findings.append(relative)
            continue
        prefix = "" if relative == "." else relative.rstrip("/") + "/"
        under = [path for path in known if path.startswith(prefix)]
        if under:
            selected.update(under)
            findings.extend(f for f in layout if f.path.startswith(prefix))
        elif relative in {f.path for f in layout}:
            findings.extend(f for f in layout if f.path == relative)
        elif (
            relative == ORGANIZATION_FILE
            or is_version_path(relative)
            or is_retirement_path(relative)
        ):
            selected.add(relative)  # read_source reports it if it cannot be read
        else:
            findings.append(_not_a_policy_file(relative))
    return sorted(selected), findings


def _not_a_policy_file(path: str) -> Finding:
    return LAYOUT.finding(
        path,
        0,
        0,
        "not a policy version (policies/<number>/<effective>.yaml) or the organisation file",
        hint="pass files under policies/, or run without paths to check the repository",
    )
