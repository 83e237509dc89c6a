"""``policyrepo migrate``: first-format files rewritten in the second format.

The rewritten text is compared whole: ``format: 2`` at the top, an ``id`` on every
code group, a first-format retirement moved into ``retirement.yaml``, and everything
else (comments, quoting, key order, folded text, flow style) exactly as written.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from validator.check.validate import validate
from validator.cli import main
from validator.edit.migrate import Migration, MigrationError, migrate_source, write_migration
from validator.read.files import SourceFile

TODAY = date(2020, 6, 1)
FIRST_FORMAT = (
    FIXTURES / "invalid" / "format-first" / "version-in-the-first-format" / "policies" / "0100"
)
WITH_ERRORS = (
    FIXTURES / "invalid" / "lifecycle-retired" / "retired-status-without-date" / "policies" / "0100"
)
PATH = "policies/0100/2020-01-01.yaml"

MINIMAL_MIGRATED = """\
format: 2
number: "0100"
title: Example Therapy
applies_to: All health benefit plans.
lifecycle:
  status: active
  effective: "2020-01-01"
  next_review: "2021-01-01"
coverage:
  - id: not-medically-necessary
    determination: not-covered
    basis: not-medically-necessary
    text: Example therapy is not medically necessary.
coding:
  all_inclusive: false
  groups:
    - id: not-medically-necessary-cpt
      heading: Not Medically Necessary
      determination: not-covered
      system: CPT
      codes:
        - code: "97545"
"""

#: A first-format version retired on itself, with comments, both quoting styles, keys
#: out of the usual order, folded text and a flow mapping.
RETIRED = """\
# yaml-language-server: $schema=../../schema/policy.schema.json
# Example Therapy, retired in the first format: on the version itself.
number: '0100'
title: "Example Therapy"
applies_to: >-
  All health benefit plans,
  folded over two lines.
lifecycle:
  status: retired
  effective: "2018-01-01"
  next_review: '2019-01-01'  # reviewed yearly
  retired: "2019-06-01"
coverage:
  - id: not-medically-necessary
    text: Example therapy is not medically necessary.
    basis: not-medically-necessary
    determination: not-covered
coding:
  all_inclusive: false
  groups:
    # The CPT table, then the ICD-9-CM table with its catch-all row.
    - heading: "Not Medically Necessary"
      determination: not-covered
      system: CPT
      codes:
        - code: '97545'
          label: "Work hardening/conditioning; initial 2 hours"
    - heading: Not Medically Necessary
      system: ICD-9-CM
      determination: not-covered
      codes:
        - {code: "V57.22", label: Encounter for vocational therapy}
      catch_all: All other codes
"""

RETIRED_MIGRATED = """\
# yaml-language-server: $schema=../../schema/policy.schema.json
# Example Therapy, retired in the first format: on the version itself.
format: 2
number: '0100'
title: "Example Therapy"
applies_to: >-
  All health benefit plans,
  folded over two lines.
lifecycle:
  status: active
  effective: "2018-01-01"
  next_review: '2019-01-01'  # reviewed yearly
coverage:
  - id: not-medically-necessary
    text: Example therapy is not medically necessary.
    basis: not-medically-necessary
    determination: not-covered
coding:
  all_inclusive: false
  groups:
    # The CPT table, then the ICD-9-CM table with its catch-all row.
    - id: not-medically-necessary-cpt
      heading: "Not Medically Necessary"
      determination: not-covered
      system: CPT
      codes:
        - code: '97545'
          label: "Work hardening/conditioning; initial 2 hours"
    - id: not-medically-necessary-icd-9-cm
      heading: Not Medically Necessary
      system: ICD-9-CM
      determination: not-covered
      codes:
        - {code: "V57.22", label: Encounter for vocational therapy}
      catch_all: All other codes
"""

RETIREMENT = """\
# yaml-language-server: $schema=../../schema/retirement.schema.json
format: 2
number: "0100"
retired: "2019-06-01"
"""

RETIRED_PATH = "policies/0100/2018-01-01.yaml"


def repository_with(root: Path, files: dict[str, str | bytes]) -> Path:
    for path, content in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            target.write_text(content, encoding="utf-8", newline="")
        else:
            target.write_bytes(content)
    return root


def findings(root: Path) -> list[tuple[str, str, str, str]]:
    """Findings without their positions, which move by the lines migrating inserts."""
    report = validate(root, None, TODAY)
    return sorted((f.path, str(f.severity), f.rule, f.message) for f in report.findings)


# --- migrate_source ---------------------------------------------------------------


def test_the_first_format_minimal_version() -> None:
    raw = (FIRST_FORMAT / "2020-01-01.yaml").read_bytes()
    assert migrate_source(SourceFile(PATH, raw)) == Migration(PATH, MINIMAL_MIGRATED)


def test_a_version_retired_on_itself_gets_a_retirement_record() -> None:
    migration = migrate_source(SourceFile(RETIRED_PATH, RETIRED.encode()))
    assert migration == Migration(
        RETIRED_PATH, RETIRED_MIGRATED, "policies/0100/retirement.yaml", RETIREMENT
    )


def test_a_retirement_record_without_the_editor_hint_has_none() -> None:
    text = RETIRED.split("\n", 1)[1]  # without the yaml-language-server line
    migration = migrate_source(SourceFile(RETIRED_PATH, text.encode()))
    assert migration.retirement_text == RETIREMENT.split("\n", 1)[1]
    assert migration.text == RETIRED_MIGRATED.split("\n", 1)[1]


@pytest.mark.parametrize("text", [MINIMAL_MIGRATED, RETIRED_MIGRATED])
def test_a_migrated_version_is_left_as_it_is(text: str) -> None:
    assert migrate_source(SourceFile(PATH, text.encode())) == Migration(PATH, None)


def test_a_version_with_errors_is_refused() -> None:
    raw = (WITH_ERRORS / "2020-01-01.yaml").read_bytes()
    with pytest.raises(MigrationError, match=r"^it has errors; fix them first"):
        migrate_source(SourceFile(PATH, raw))


def test_an_existing_retirement_record_is_never_overwritten(tmp_path: Path) -> None:
    root = repository_with(
        tmp_path, {RETIRED_PATH: RETIRED, "policies/0100/retirement.yaml": RETIREMENT}
    )
    migration = migrate_source(SourceFile(RETIRED_PATH, RETIRED.encode()))
    with pytest.raises(
        MigrationError,
        match=r"^policies/0100/retirement\.yaml exists; move the retirement date into it by hand$",
    ):
        write_migration(root, migration)
    assert (root / RETIRED_PATH).read_text(encoding="utf-8") == RETIRED


# --- The migrated file means what the first-format file meant ---------------------


def test_the_migrated_minimal_version_validates_as_before_without_the_note(
    tmp_path: Path,
) -> None:
    root = repository_with(tmp_path, {PATH: (FIRST_FORMAT / "2020-01-01.yaml").read_text()})
    assert findings(root) == [
        (
            PATH,
            "info",
            "format-first",
            "written in the first policy format; it is read as the second would say it",
        )
    ]
    assert main(["migrate", "--root", str(root)]) == 0
    assert findings(root) == []


def test_the_migrated_retired_version_validates_as_before_without_the_note(
    tmp_path: Path,
) -> None:
    root = repository_with(tmp_path, {RETIRED_PATH: RETIRED})
    before = findings(root)
    # An ICD-9-CM code in a version in effect after 2015-09-30: a warning both ways.
    assert [rule for _, _, rule, _ in before] == ["format-first", "code-system-dates"]
    first = validate(root, None, TODAY).repository.policies["0100"]
    assert main(["migrate", "--root", str(root)]) == 0
    assert findings(root) == [f for f in before if f[2] != "format-first"]
    second = validate(root, None, TODAY).repository.policies["0100"]
    # The same retirement, windows, groups and coverage rules: the same answers.
    assert first.retired == second.retired == date(2019, 6, 1)
    assert list(first.windows.values()) == list(second.windows.values())
    assert first.versions[0].groups == second.versions[0].groups
    assert first.versions[0].coverage_rules == second.versions[0].coverage_rules
    assert (first.versions[0].format, second.versions[0].format) == (1, 2)


# --- Through the command line -----------------------------------------------------


def test_migrate_writes_every_first_format_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = repository_with(
        tmp_path,
        {
            RETIRED_PATH: RETIRED,
            "policies/0200/2020-01-01.yaml": (FIRST_FORMAT / "2020-01-01.yaml")
            .read_text()
            .replace('"0100"', '"0200"'),
        },
    )
    assert main(["migrate", "--root", str(root)]) == 0
    assert capsys.readouterr().out == (
        "migrated policies/0100/2018-01-01.yaml (and wrote policies/0100/retirement.yaml)\n"
        "migrated policies/0200/2020-01-01.yaml\n"
        "migrated 2 of 2 version files; 0 not migrated\n"
    )
    assert (root / RETIRED_PATH).read_text() == RETIRED_MIGRATED
    assert (root / "policies/0100/retirement.yaml").read_text() == RETIREMENT
    assert (root / "policies/0200/2020-01-01.yaml").read_text() == MINIMAL_MIGRATED.replace(
        '"0100"', '"0200"'
    )
    # A second run finds nothing left to migrate.
    assert main(["migrate", "--root", str(root)]) == 0
    assert capsys.readouterr().out == "migrated 0 of 2 version files; 0 not migrated\n"


def test_migrate_one_named_version(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = "policies/0200/2020-01-01.yaml"
    root = repository_with(
        tmp_path, {RETIRED_PATH: RETIRED, other: RETIRED.replace("0100", "0200")}
    )
    assert main(["migrate", "--root", str(root), str(root / RETIRED_PATH)]) == 0
    assert (
        capsys.readouterr().out.splitlines()[-1] == "migrated 1 of 1 version files; 0 not migrated"
    )
    assert (root / RETIRED_PATH).read_text() == RETIRED_MIGRATED
    assert (root / other).read_text() == RETIRED.replace("0100", "0200")  # not named


def test_migrate_check_writes_nothing_and_fails_while_a_file_is_first_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = repository_with(tmp_path, {RETIRED_PATH: RETIRED})
    assert main(["migrate", "--root", str(root), "--check"]) == 1
    assert capsys.readouterr().out == (
        "policies/0100/2018-01-01.yaml: in the first format\n"
        "1 of 1 version files in the first format\n"
    )
    assert (root / RETIRED_PATH).read_text() == RETIRED
    assert not (root / "policies/0100/retirement.yaml").exists()
    assert main(["migrate", "--root", str(root)]) == 0
    capsys.readouterr()
    assert main(["migrate", "--root", str(root), "--check"]) == 0
    assert capsys.readouterr().out == "0 of 1 version files in the first format\n"


def test_migrate_leaves_a_file_with_errors_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = (WITH_ERRORS / "2020-01-01.yaml").read_bytes()
    root = repository_with(tmp_path, {PATH: raw, RETIRED_PATH: RETIRED})
    assert main(["migrate", "--root", str(root)]) == 1
    out, err = capsys.readouterr()
    assert out == (
        "migrated policies/0100/2018-01-01.yaml (and wrote policies/0100/retirement.yaml)\n"
        "migrated 1 of 2 version files; 1 not migrated\n"
    )
    assert err == (
        f"policyrepo: {PATH}: not migrated: it has errors; fix them first (policyrepo validate)\n"
    )
    assert (root / PATH).read_bytes() == raw


def test_migrate_check_counts_a_file_with_errors_as_first_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = (WITH_ERRORS / "2020-01-01.yaml").read_bytes()
    root = repository_with(tmp_path, {PATH: raw})
    assert main(["migrate", "--root", str(root), "--check"]) == 1
    out, err = capsys.readouterr()
    assert out == "0 of 1 version files in the first format\n"
    assert err == (
        f"policyrepo: {PATH}: not migrated: it has errors; fix them first (policyrepo validate)\n"
    )
    assert (root / PATH).read_bytes() == raw


def test_line_ends_stay_as_written() -> None:
    raw = (FIRST_FORMAT / "2020-01-01.yaml").read_bytes().replace(b"\n", b"\r\n")
    migration = migrate_source(SourceFile(PATH, raw))
    assert migration.text == MINIMAL_MIGRATED.replace("\n", "\r\n")
