"""Path rules: a version file's place in the repository agrees with its content.

The directory is the policy number and the file name is the effective date, so that a
reviewer sees in the pull request's file list which policy and version changed, and so
that two versions can never share an effective date by accident.
"""

from __future__ import annotations

from collections.abc import Iterator

from validator.findings import Finding, Rule, Severity
from validator.model.timeline import Retirement
from validator.model.versions import Version
from validator.read.document import Document

FAMILY = "Repository layout"

NUMBER = Rule(
    "path-number",
    Severity.ERROR,
    "The directory of a version file is not the policy number the file declares.",
    protects="A version filed under the wrong policy would be published as part of it.",
    example="# policies/0325/2011-04-15.yaml\nnumber: '0324'",
    family=FAMILY,
)
EFFECTIVE = Rule(
    "path-effective",
    Severity.ERROR,
    "The file name of a version is not its effective date (`YYYY-MM-DD.yaml`).",
    protects="The file list of a pull request shows which version changed; a stale name "
    "after an edited date hides a change of when the version applies.",
    example="# policies/0324/2011-04-15.yaml\nlifecycle:\n  effective: '2011-05-01'",
    family=FAMILY,
)


def check(doc: Document, version: Version) -> Iterator[Finding]:
    _, directory, filename = doc.path.split("/")
    if directory != version.number:
        line, column = version.position("number")
        yield NUMBER.finding(
            doc.path,
            line,
            column,
            f"policy number {version.number!r} is filed under policies/{directory}/",
            pointer="/number",
            hint=f"move the file to policies/{version.number}/ or correct the number",
        )
    effective = version.effective.isoformat()
    if filename != f"{effective}.yaml":
        line, column = version.position("effective")
        yield EFFECTIVE.finding(
            doc.path,
            line,
            column,
            f"effective date {effective} does not match the file name {filename}",
            pointer="/lifecycle/effective",
            hint=f"rename the file to {effective}.yaml or correct the date",
        )


def check_retirement(doc: Document, retirement: Retirement) -> Iterator[Finding]:
    """A retirement record sits in the directory of the policy it retires."""
    _, directory, _ = doc.path.split("/")
    if directory != retirement.number:
        line, column = doc.position("/number")
        yield NUMBER.finding(
            doc.path,
            line,
            column,
            f"retirement of policy {retirement.number!r} is filed under policies/{directory}/",
            pointer="/number",
            hint=f"move the file to policies/{retirement.number}/ or correct the number",
        )
