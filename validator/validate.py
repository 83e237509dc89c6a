"""Validate a repository or some of its files: the steps in order, no printing.

``validate_source`` is a pure function of one file's path and bytes, so its results
can be cached by content and files can be checked in parallel.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from validator.checks import VERSION_CHECKS
from validator.files import (
    LAYOUT,
    ORGANIZATION_FILE,
    SourceFile,
    discover,
    is_version_path,
    read_source,
    relative_to_root,
)
from validator.findings import Finding, Severity, count_by_severity
from validator.loader import load_document
from validator.schemas import ORGANIZATION_SCHEMA, POLICY_SCHEMA, check_schema


@dataclass(frozen=True)
class Report:
    """Everything one run found, sorted, and how many files it read."""

    findings: list[Finding]
    files: int

    def counts(self) -> dict[Severity, int]:
        return count_by_severity(self.findings)

    def failed(self, *, strict: bool = False) -> bool:
        worst = Severity.WARNING if strict else Severity.ERROR
        return any(finding.severity >= worst for finding in self.findings)


def validate_source(source: SourceFile) -> list[Finding]:
    """Check one file: load it, then its schema, then the rules for one version.

    Each stage runs only on what the stage before accepted, so later rules can rely on
    the document's shape and a broken file gives its root cause, not a cascade.
    """
    doc = load_document(source.path, source.raw)
    findings = list(doc.findings)
    if not doc.ok:
        return sorted(findings)
    schema = ORGANIZATION_SCHEMA if source.path == ORGANIZATION_FILE else POLICY_SCHEMA
    schema_findings = check_schema(doc, schema)
    findings.extend(schema_findings)
    if not schema_findings and schema == POLICY_SCHEMA:
        for check in VERSION_CHECKS:
            findings.extend(check(doc))
    return sorted(findings)


def validate(root: Path, arguments: list[str] | None = None) -> Report:
    """Validate the whole repository, or only the files and directories named."""
    paths, findings = discover(root)
    if arguments:
        paths, findings = _select(root, arguments, paths, findings)
    for path in paths:
        source = read_source(root, path)
        if isinstance(source, Finding):
            findings.append(source)
        else:
            findings.extend(validate_source(source))
    return Report(sorted(findings), len(paths))


def _select(
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
        elif relative == ORGANIZATION_FILE or is_version_path(relative):
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
