"""The benchmark corpus: the small one validates without errors, and is the same bytes every
time it is generated."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import corpus
from tests.conftest import tree
from validator.cli import main


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus") / "S"
    corpus.generate("S", out)
    return out


def test_the_small_corpus_validates_without_errors(
    small: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["validate", "--root", str(small), "--today", "2026-11-29", "--no-cache"])
    summary = capsys.readouterr().out.strip().splitlines()[-1]
    assert code == 0, summary
    assert " 0 errors" in summary


def test_generating_it_again_gives_the_same_bytes(small: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    corpus.generate("S", again)
    assert tree(again) == tree(small)
    # Generating over a previous corpus rewrites it, with the same bytes again.
    corpus.generate("S", again)
    assert tree(again) == tree(small)


def test_its_marker_names_what_the_benchmarks_use(small: Path) -> None:
    info = corpus.read_marker(small)
    assert info is not None
    assert info["complete"] is True
    assert info["versions"] == corpus.SIZES["S"]
    assert (small / str(info["change"])).is_file()
    assert (small / "policies" / str(info["show"])).is_dir()


def test_every_version_lists_the_shared_code(small: Path) -> None:
    versions = [p for p in small.glob("policies/*/*.yaml") if p.name[0].isdigit()]
    assert len(versions) == corpus.SIZES["S"]
    assert all(b'code: "97545"' in p.read_bytes() for p in versions)


def test_it_refuses_a_directory_it_did_not_write(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("keep me")
    with pytest.raises(corpus.CorpusError, match="refusing"):
        corpus.generate("S", tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "keep me"
