"""Hostile files under the size limit: each is the seed policy with text appended, and
each once took minutes or crashed the run. They are checked as validation checks a file
(``check_source``), where at most 100 findings of a rule are listed and one more counts
the rest. These tests assert findings; ``benchmarks.bench_hostile`` measures the time.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SEED
from validator.check.validate import check_source, listed
from validator.cli import main
from validator.findings import Finding, Severity
from validator.read.document import LeftOut
from validator.read.files import SourceFile
from validator.read.loader import load_document

PATH = "policies/0324/2011-04-15.yaml"
APPENDED = SEED.read_text(encoding="utf-8").count("\n") + 1  # the first appended line


def check(tail: str) -> list[Finding]:
    return check_source(SourceFile(PATH, SEED.read_bytes() + tail.encode())).findings


def places(findings: list[Finding]) -> list[tuple[int, int, str]]:
    return [(f.line, f.column, f.rule) for f in findings]


def summary(findings: list[Finding]) -> str:
    return findings[-1].message


def more(count: int, rule: str) -> str:
    return f"... and {count:,} more {rule} findings in this file were not listed"


def test_a_scalar_that_nearly_matches_a_number_is_text() -> None:
    for value in ("0" + "_x" * 100_000, "0" + "_" * 200_000 + "x", "0" + "_0" * 100_000 + "x"):
        findings = check(f"x: {value}\n")
        assert places(findings) == [(APPENDED, 1, "schema")]
        assert findings[0].message == "unknown key 'x' in the document"
        assert load_document(PATH, SEED.read_bytes() + f"x: {value}\n".encode()).data["x"] == value


def test_100000_unknown_keys_list_100_and_count_the_rest() -> None:
    findings = check("".join(f"k{n}: 1\n" for n in range(100_000)))
    assert places(findings) == [(APPENDED + n, 1, "schema") for n in range(101)]
    assert [f.message for f in findings[:2]] == [
        "unknown key 'k0' in the document",
        "unknown key 'k1' in the document",
    ]
    assert summary(findings) == more(99_900, "schema")
    assert (findings[-1].severity, findings[-1].pointer) == (Severity.ERROR, "")


def test_120000_tabs_after_a_dash_list_100_and_count_the_rest() -> None:
    findings = check('- "-\t"\n' * 120_000)
    # The tab is the cause of the syntax error on the first of these lines: it is reported alone.
    assert places(findings) == [(APPENDED + n, 5, "yaml-tab") for n in range(101)]
    assert summary(findings) == more(119_900, "yaml-tab")


def test_120000_tabs_inside_quoted_items_are_text() -> None:
    findings = check("x:\n" + '- "-\t"\n' * 120_000)
    assert places(findings) == [(APPENDED, 1, "schema")]


def test_200000_control_characters_list_100_and_count_the_rest() -> None:
    findings = check('x: "' + "\x01" * 200_000 + '"\n')
    rule = "text-invisible-character"
    assert places(findings) == [(APPENDED, 5 + n, rule) for n in range(101)]
    assert findings[0].message == "invisible character U+0001 in the text"
    assert summary(findings) == more(199_900, rule)


@pytest.mark.parametrize(
    "value",
    ["1" * 4301, "0o" + "7" * 5000, "1" + ":2" * 3000, "1" + "_000" * 1500, "1e999999", "1e400"],
)
def test_a_big_number_is_a_finding_not_a_crash(value: str) -> None:
    [finding] = check(f"x: {value}\n")
    assert (finding.line, finding.column, finding.rule) == (APPENDED, 4, "yaml-implicit-type")
    assert finding.pointer == "/x"


def test_50000_duplicate_keys_list_100_and_count_the_rest() -> None:
    findings = check("copyright: x\n" * 50_000)
    assert places(findings) == [(APPENDED + n, 1, "yaml-duplicate-key") for n in range(101)]
    assert findings[0].message == f"duplicate key 'copyright' (first at line {APPENDED - 1})"
    assert summary(findings) == more(49_900, "yaml-duplicate-key")


def test_10000_anchors_list_100_and_count_the_rest() -> None:
    findings = check("".join(f"a{n}: &a{n} x\n" for n in range(10_000)))
    anchors = [f for f in findings if f.rule == "yaml-anchor"]
    columns = [len(f"a{n}: ") + 1 for n in range(101)]
    assert places(anchors) == [(APPENDED + n, columns[n], "yaml-anchor") for n in range(101)]
    assert summary(anchors) == more(9_900, "yaml-anchor")


def test_an_anchor_after_a_quoted_key_is_found() -> None:
    doc = load_document("x.yaml", b'{"a":&x [1], "b": *x}\n')
    assert [(f.rule, f.column, f.message) for f in doc.findings] == [
        ("yaml-anchor", 6, "anchor &x"),
        ("yaml-anchor", 19, "alias *x"),
    ]


def finding(line: int, rule: str = "r", severity: Severity = Severity.WARNING) -> Finding:
    return Finding("x.yaml", line, 1, rule, severity, f"at line {line}")


def test_listing_is_sorted_and_the_same_in_any_order() -> None:
    findings = [finding(n) for n in range(300, 0, -1)] + [finding(5, "other")]
    first = listed(findings)
    assert first == listed(list(reversed(findings)))
    assert first == sorted(first)
    assert [f.line for f in first if f.rule == "r"] == list(range(1, 102))
    assert first[-1] == Finding(
        "x.yaml",
        101,
        1,
        "r",
        Severity.WARNING,
        more(200, "r"),
        hint="fix the findings listed and validate again to see the rest",
    )


def test_findings_left_out_while_loading_join_the_count() -> None:
    made = [finding(n) for n in range(1, 121)]
    left_out = {"r": LeftOut(finding(130, severity=Severity.ERROR), 1000)}
    result = listed(made, left_out)
    assert result[:100] == made[:100]
    # At the first finding not listed, as severe as the worst of those counted.
    assert (result[-1].line, result[-1].severity) == (101, Severity.ERROR)
    assert summary(result) == more(1_020, "r")


def test_a_hundred_findings_of_a_rule_are_all_listed() -> None:
    findings = [finding(n) for n in range(1, 101)]
    assert listed(findings) == findings


def test_a_hostile_file_leaves_the_other_files_findings_reported(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A number of 5,000 digits once ended the whole run with an internal error, so no
    file's findings were reported; now it is one file's finding among the others'."""
    hostile = repo / "policies" / "0324" / "2011-04-15.yaml"
    hostile.parent.mkdir()
    hostile.write_bytes(SEED.read_bytes() + b"x: " + b"7" * 5_000 + b"\n")
    other = repo / "policies" / "0100" / "2020-01-01.yaml"
    other.write_text(other.read_text().replace('"97545"', '"9754"'))
    code = main(["validate", "--root", str(repo), "--today", "2020-06-01"])
    out = capsys.readouterr().out
    assert code == 1
    assert "policies/0100/2020-01-01.yaml:22:17: error code-format" in out
    assert "policies/0324/2011-04-15.yaml:212:4: error yaml-implicit-type: unquoted number" in out
