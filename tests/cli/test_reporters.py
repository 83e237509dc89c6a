"""Exact output of every reporter, and the format chosen under GitHub Actions."""

from __future__ import annotations

import json

import pytest

from validator.check.validate import Report
from validator.cli.reporters import (
    report_github,
    report_json,
    report_markdown,
    report_sarif,
    report_text,
)
from validator.findings import Finding, Severity

REPORT = Report(
    [
        Finding(
            "policies/0100/2020-01-01.yaml",
            2,
            9,
            "yaml-implicit-type",
            Severity.ERROR,
            "unquoted 0100 is not text to every YAML parser: PyYAML reads it as an integer (64)",
            "/number",
            'quote it: "0100"',
        ),
        Finding(
            "policies/notes.txt",
            0,
            0,
            "path-layout",
            Severity.WARNING,
            "not a policy version, 100% sure: a, b",
        ),
    ],
    files=2,
)


def test_text() -> None:
    assert report_text(REPORT) == (
        "policies/0100/2020-01-01.yaml:2:9: error yaml-implicit-type: unquoted 0100 is not "
        "text to every YAML parser: PyYAML reads it as an integer (64)\n"
        '    fix: quote it: "0100"\n'
        "policies/notes.txt: warning path-layout: not a policy version, 100% sure: a, b\n"
        "checked 2 files: 1 error, 1 warning, 0 notes\n"
    )


def test_text_when_clean() -> None:
    assert report_text(Report([], files=1)) == "checked 1 file: 0 errors, 0 warnings, 0 notes\n"


def test_json() -> None:
    assert json.loads(report_json(REPORT)) == {
        "format_version": 1,
        "findings": [
            {
                "path": "policies/0100/2020-01-01.yaml",
                "line": 2,
                "column": 9,
                "rule": "yaml-implicit-type",
                "severity": "error",
                "message": "unquoted 0100 is not text to every YAML parser: PyYAML reads it "
                "as an integer (64)",
                "pointer": "/number",
                "hint": 'quote it: "0100"',
            },
            {
                "path": "policies/notes.txt",
                "line": 0,
                "column": 0,
                "rule": "path-layout",
                "severity": "warning",
                "message": "not a policy version, 100% sure: a, b",
                "pointer": "",
                "hint": "",
            },
        ],
        "summary": {"files": 2, "errors": 1, "warnings": 1, "info": 0},
    }


def test_github_annotations_escape_their_data_after_the_summary() -> None:
    """The summary first: GitHub shows only ten annotations of a kind per step."""
    assert report_github(REPORT) == (
        "checked 2 files: 1 error, 1 warning, 0 notes\n"
        "::error file=policies/0100/2020-01-01.yaml,line=2,col=9,title=yaml-implicit-type::"
        "unquoted 0100 is not text to every YAML parser: PyYAML reads it as an integer (64)"
        '%0Afix: quote it: "0100"\n'
        "::warning file=policies/notes.txt,title=path-layout::"
        "not a policy version, 100%25 sure: a, b\n"
    )


def test_github_notice_and_property_escaping() -> None:
    finding = Finding("a,b:c.yaml", 1, 1, "r", Severity.INFO, "m")
    assert report_github(Report([finding], 1)).splitlines()[1] == (
        "::notice file=a%2Cb%3Ac.yaml,line=1,col=1,title=r::m"
    )


@pytest.mark.parametrize(("env", "expected"), [("true", "checked 1 file"), ("false", "policies/")])
def test_github_format_is_chosen_under_actions(
    repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], env, expected
) -> None:
    from validator.cli import main

    (repo / "policies" / "0100" / "2020-01-01.yaml").write_text("number: 0100\n")
    monkeypatch.setenv("GITHUB_ACTIONS", env)
    assert main(["validate", "--root", str(repo)]) == 1
    assert capsys.readouterr().out.startswith(expected)


FORGED = Report(
    [
        Finding(
            "policies/x\n::error file=README.md::forged\n.yaml",
            0,
            0,
            "path-layout",
            Severity.ERROR,
            "title \x1b[31mred\x1b[0m and \u202egnp.exe",
            hint="rename it\r\n::warning::also forged",
        )
    ],
    files=1,
)


def test_text_escapes_every_control_and_bidi_character() -> None:
    assert report_text(FORGED) == (
        "policies/x\\n::error file=README.md::forged\\n.yaml: error path-layout: "
        "title \\x1b[31mred\\x1b[0m and \\u202egnp.exe\n"
        "    fix: rename it\\r\\n::warning::also forged\n"
        "checked 1 file: 1 error, 0 warnings, 0 notes\n"
    )


def test_github_annotations_cannot_be_forged() -> None:
    lines = report_github(FORGED).splitlines()
    assert len(lines) == 2
    assert lines[1].startswith("::error file=policies/x%0A%3A%3Aerror file=README.md%3A%3A")
    assert "\x1b" not in lines[1]
    assert "\\x1b[31m" in lines[1]
    assert "\\u202e" in lines[1]


def test_json_keeps_the_exact_text_but_prints_no_raw_control_character() -> None:
    output = report_json(FORGED)
    assert not any(ch in output for ch in "\x1b\u202e\r")
    [finding] = json.loads(output)["findings"]
    assert finding["path"] == "policies/x\n::error file=README.md::forged\n.yaml"
    assert finding["message"] == "title \x1b[31mred\x1b[0m and \u202egnp.exe"


def test_markdown_lists_every_finding_and_renders_no_markup_from_the_files() -> None:
    assert report_markdown(REPORT) == (
        "## policyrepo validate\n"
        "\n"
        "**checked 2 files: 1 error, 1 warning, 0 notes**\n"
        "\n"
        "| File | Line | Severity | Rule | Message | Fix |\n"
        "|---|---|---|---|---|---|\n"
        "| policies/0100/2020-01-01.yaml | 2:9 | error | yaml-implicit-type | unquoted 0100 is "
        "not text to every YAML parser: PyYAML reads it as an integer (64) | quote it: "
        '"0100" |\n'
        "| policies/notes.txt |  | warning | path-layout | not a policy version, 100% sure: a, "
        "b |  |\n"
    )
    forged = report_markdown(FORGED).splitlines()[-1]
    assert forged.count(" | ") == 5  # no cell breaks out of its column
    assert "\\x1b\\[31m" in forged


def test_github_writes_every_finding_to_the_job_summary(
    repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path
) -> None:
    from validator.cli import main

    (repo / "policies" / "0100" / "2020-01-01.yaml").write_text("number: 0100\n")
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert main(["validate", "--root", str(repo)]) == 1
    written = summary.read_text()
    assert written.startswith("earlier step\n## policyrepo validate\n")
    assert "| yaml-implicit-type |" in written


def test_sarif_validates_against_the_sarif_2_1_0_schema() -> None:
    """The schema comes from the npm registry at install time (make test installs it)."""
    from jsonschema import Draft4Validator

    from tests.conftest import ROOT

    schema_file = (
        ROOT
        / "tests"
        / "node-tools"
        / "node_modules"
        / "@microsoft"
        / "jest-sarif"
        / "lib"
        / "schemas"
        / "sarif-2.1.0-rtm.5.json"
    )
    assert schema_file.is_file(), "run make test: it installs the SARIF schema with npm ci"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    for report in (REPORT, FORGED, Report([], files=0)):
        document = json.loads(report_sarif(report))
        errors = list(Draft4Validator(schema).iter_errors(document))
        assert errors == [], errors[0].message if errors else ""
    [run] = json.loads(report_sarif(REPORT))["runs"]
    assert [(r["ruleId"], r["level"]) for r in run["results"]] == [
        ("yaml-implicit-type", "error"),
        ("path-layout", "warning"),
    ]
    assert run["results"][0]["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "policies/0100/2020-01-01.yaml", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 2, "startColumn": 9},
    }
    rules = run["tool"]["driver"]["rules"]
    assert rules[run["results"][0]["ruleIndex"]]["id"] == "yaml-implicit-type"
