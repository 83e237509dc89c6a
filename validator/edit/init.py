"""Start a policy repository: the organisation file, the pre-commit hook, the workflows
and editor settings, in a new or empty directory (never over anything there).

The workflows install policyrepo with pip from ``POLICYREPO``, set at their top to this
version; an organisation that installs it from elsewhere changes that one line.
"""

from __future__ import annotations

import json
from pathlib import Path

from validator import __version__
from validator.check.schemas import (
    ORGANIZATION_SCHEMA,
    POLICY_SCHEMA,
    RETIREMENT_SCHEMA,
    schema_path,
)
from validator.edit.scaffold import PLACEHOLDER, ScaffoldError, create_new

_ORGANIZATION = f"""\
# The organisation: text every policy shares, stored once, and how it reviews policies.
name: "{PLACEHOLDER} the organisation's short name"
instructions_for_use: >-
  {PLACEHOLDER} the instructions for use printed with every policy, verbatim.
trademark_notice: >-
  {PLACEHOLDER} the trademark and legal notice printed with every policy, verbatim.
# The lines of business offered (left out: all of them), and products policies may name:
# lines_of_business: [commercial, medicare-advantage]
# products:
#   - id: open-access-plus
#     title: Open Access Plus
#     line_of_business: commercial
reviews: scheduled
notice_days:
  reduction: 90
  prior_authorization: 60
"""

_PRE_COMMIT = """\
# Validate every commit against the one it extends: the whole repository, deletions
# included, with warnings shown. Needs policyrepo installed (pip install policyrepo[codes]).
repos:
  - repo: local
    hooks:
      - id: policyrepo-validate
        name: policyrepo validate
        entry: policyrepo validate --base HEAD
        language: system
        always_run: true
        pass_filenames: false
        verbose: true
"""

_WORKFLOW = """\
# Pull requests: validate against the base branch (annotations, SARIF for code scanning,
# the semantic diff in the job summary). Main: build the bundle, keep it as an artifact.
name: Policies

on:
  pull_request:
  push:
    branches: [main]

permissions: {{}}

concurrency:
  group: ${{{{ github.workflow }}}}-${{{{ github.ref }}}}
  cancel-in-progress: true

env:
  # Where policyrepo is installed from: a version on the package index, or a URL.
  POLICYREPO: "policyrepo[codes]=={version}"

jobs:
  changes:
    name: Policy changes against the base branch
    if: github.event_name == 'pull_request'
    runs-on: ubuntu-latest
    permissions:
      contents: read
      security-events: write
    env:
      BASE: origin/${{{{ github.base_ref }}}}
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
        with:
          fetch-depth: 0
          persist-credentials: false
      - uses: actions/setup-python@a26af69be951a213d495a4c3e4e4022e16d87065 # v5.6.0
        with:
          python-version: "3.11"
      - name: Install policyrepo
        run: python -m pip install "$POLICYREPO"
      # Each file's results, kept between runs of one policyrepo version: a pull request
      # starts from the results main saved and checks only the files it changed.
      - name: policyrepo's version, for the cache key
        id: tool
        run: echo "version=$(policyrepo --version | cut -d ' ' -f 2)" >> "$GITHUB_OUTPUT"
      - uses: actions/cache/restore@5a3ec84eff668545956fd18022155c47e93e2684 # v4.2.3
        with:
          path: .policyrepo-cache
          key: policyrepo-${{{{ steps.tool.outputs.version }}}}-${{{{ hashFiles('policies/**') }}}}
          restore-keys: policyrepo-${{{{ steps.tool.outputs.version }}}}-
      - name: Validate against the base branch
        run: policyrepo validate --base "$BASE"
      - name: Findings for code scanning (SARIF)
        if: ${{{{ !cancelled() }}}}
        run: policyrepo validate --base "$BASE" --format sarif > policyrepo.sarif || true
      - uses: github/codeql-action/upload-sarif@5d4e8d1aca955e8d8589aabd499c5cae939e33c7 # v4.31.9
        if: ${{{{ !cancelled() }}}}
        with:
          sarif_file: policyrepo.sarif
          category: policyrepo
      - name: What the change means for coverage
        if: ${{{{ !cancelled() }}}}
        run: policyrepo diff "$BASE" --format markdown >> "$GITHUB_STEP_SUMMARY"

  bundle:
    name: Bundle
    if: github.event_name == 'push'
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
        with:
          fetch-depth: 0
          persist-credentials: false
      - uses: actions/setup-python@a26af69be951a213d495a4c3e4e4022e16d87065 # v5.6.0
        with:
          python-version: "3.11"
      - name: Install policyrepo
        run: python -m pip install "$POLICYREPO"
      - name: Validate and bundle
        run: policyrepo bundle -o dist
      - uses: actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02 # v4.6.2
        with:
          name: bundle
          path: dist/
          if-no-files-found: error
      # Saved, never restored, here: pull requests start from main's results, and what
      # a pull request's run writes can never reach a bundle.
      - name: policyrepo's version, for the cache key
        id: tool
        run: echo "version=$(policyrepo --version | cut -d ' ' -f 2)" >> "$GITHUB_OUTPUT"
      - uses: actions/cache/save@5a3ec84eff668545956fd18022155c47e93e2684 # v4.2.3
        with:
          path: .policyrepo-cache
          key: policyrepo-${{{{ steps.tool.outputs.version }}}}-${{{{ hashFiles('policies/**') }}}}
"""

_GITIGNORE = """\
dist/
*.key
"""


def _editor_settings() -> str:
    """VS Code's YAML extension: each kind of file to the schema installed with policyrepo."""
    schemas = {
        str(schema_path(POLICY_SCHEMA)): ["policies/*/*.yaml", "!policies/*/retirement.yaml"],
        str(schema_path(RETIREMENT_SCHEMA)): ["policies/*/retirement.yaml"],
        str(schema_path(ORGANIZATION_SCHEMA)): ["policies/organization.yaml"],
    }
    return json.dumps({"yaml.schemas": schemas}, indent=2) + "\n"


def files() -> dict[str, str]:
    """What ``init`` writes, by path in the new repository."""
    return {
        "policies/organization.yaml": _ORGANIZATION,
        ".pre-commit-config.yaml": _PRE_COMMIT,
        ".github/workflows/policies.yml": _WORKFLOW.format(version=__version__),
        ".vscode/settings.json": _editor_settings(),
        ".gitignore": _GITIGNORE,
    }


def init(directory: Path) -> list[str]:
    """Write a new policy repository into ``directory``, which must be new or empty."""
    if directory.is_symlink() or (directory.exists() and not directory.is_dir()):
        raise ScaffoldError(f"{directory} exists and is not a directory")
    if directory.is_dir() and any(directory.iterdir()):
        raise ScaffoldError(f"{directory} is not empty; start a repository in a new directory")
    written = []
    for name, text in files().items():
        create_new(directory / name, text)
        written.append(name)
    return written
