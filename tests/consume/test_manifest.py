"""The manifest, parsed as untrusted input: every wrong field named, in bounded time."""

from __future__ import annotations

import copy
import json
import re
import time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from validator.consume.manifest import (
    Entry,
    ManifestError,
    load_json,
    name_problem,
    parse_manifest,
)

DIGEST = "0123456789abcdef" * 4

GOOD: dict[str, Any] = {
    "kind": "manifest",
    "bundle_format": 1,
    "source": {"revision": None, "dirty": None, "digest": DIGEST},
    "created": "2023-11-14T22:13:20Z",
    "as_of": None,
    "counts": {"policies": 1, "versions": 1, "code_rows": 0},
    "files": [
        {"name": "catalog.json", "size": 2, "sha256": DIGEST},
        {"name": "codes/CPT/97.json", "size": 0, "sha256": DIGEST},
    ],
}

LEGAL_NAME = "a bundle file's name is a relative POSIX path inside the bundle"


def _encoded(document: Any) -> bytes:
    return json.dumps(document).encode("utf-8")


def test_a_good_manifest_lists_its_entries_by_name() -> None:
    manifest = parse_manifest(_encoded(GOOD))
    assert manifest.document == GOOD
    assert manifest.entries == {
        "catalog.json": Entry("catalog.json", 2, DIGEST),
        "codes/CPT/97.json": Entry("codes/CPT/97.json", 0, DIGEST),
    }


def _files(value: Any) -> Any:
    def change(document: dict[str, Any]) -> None:
        document["files"] = value

    return change


def _entry(key: str, value: Any) -> Any:
    def change(document: dict[str, Any]) -> None:
        document["files"][0][key] = value

    return change


def _field(*path: str, value: Any = None, delete: bool = False) -> Any:
    def change(document: dict[str, Any]) -> None:
        *parents, last = path
        for key in parents:
            document = document[key]
        if delete:
            del document[last]
        else:
            document[last] = value

    return change


def _twice(document: dict[str, Any]) -> None:
    document["files"].append(dict(document["files"][0]))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_files(5), "files: must be a list of files, not a number"),
        (_files({"name": "x"}), "files: must be a list of files, not an object"),
        (_field("files", delete=True), "files: missing; it must be a list of files"),
        (_files([5]), "files[0]: must be an object with name, size and sha256"),
        (_entry("name", 5), "files[0].name: must be text, not a number"),
        (_entry("name", None), "files[0].name: must be text, not null"),
        (
            _entry("name", "a\x00b"),
            f"files[0].name 'a\\x00b' holds a control character: {LEGAL_NAME}",
        ),
        (
            _entry("name", "../../outside.json"),
            f"files[0].name '../../outside.json' has an empty, '.' or '..' segment: {LEGAL_NAME}",
        ),
        (_entry("size", -1), "files[0].size: must be a whole number of bytes, 0 or more"),
        (_entry("size", True), "files[0].size: must be a whole number of bytes, 0 or more"),
        (_entry("size", "2"), "files[0].size: must be a whole number of bytes, 0 or more"),
        (_entry("size", 2.0), "files[0].size: must be a whole number of bytes, 0 or more"),
        (
            _entry("sha256", DIGEST.upper()),
            "files[0].sha256: must be 64 lowercase hexadecimal digits",
        ),
        (_entry("sha256", DIGEST[:-1]), "files[0].sha256: must be 64 lowercase hexadecimal digits"),
        (_entry("sha256", None), "files[0].sha256: must be 64 lowercase hexadecimal digits"),
        (_twice, "files[2].name 'catalog.json' is listed twice"),
        (_field("kind", value="catalog"), "not a bundle manifest"),
        (
            _field("bundle_format", value=3),
            "bundle format 3 is not supported (this reader knows 1, 2)",
        ),
        (
            _field("bundle_format", value=True),
            "bundle format true or false is not supported (this reader knows 1, 2)",
        ),
        (
            _field("bundle_format", value="1"),
            "bundle format text is not supported (this reader knows 1, 2)",
        ),
        (_field("source", value=[]), "source: must be an object, not a list"),
        (_field("source", "digest", delete=True), "source.digest: missing; it must be text"),
        (
            _field("source", "dirty", value="no"),
            "source.dirty: must be true, false or null, not text",
        ),
        (_field("created", value=1700000000), "created: must be text or null, not a number"),
        (
            _field("counts", "code_rows", value=-1),
            "counts.code_rows: must be a whole number, 0 or more, not a number",
        ),
    ],
)
def test_each_wrong_field_is_named(change: Any, message: str) -> None:
    document = copy.deepcopy(GOOD)
    change(document)
    with pytest.raises(ManifestError) as raised:
        parse_manifest(_encoded(document))
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply to be a bundle file"),
        (b'{"kind": "manifest"}', "bundle format null is not supported (this reader knows 1, 2)"),
        (b"[]", "not a bundle manifest"),
        (b"\xff{}", "not UTF-8 text (byte 0)"),
        (b'{"files": [], "files": 5}', "not valid JSON: key 'files' appears twice in one object"),
        (b'{"size": NaN}', "not valid JSON: NaN is not a JSON number"),
        (
            b"{",
            "not valid JSON: Expecting property name enclosed in double quotes: "
            "line 1 column 2 (char 1)",
        ),
    ],
)
def test_bytes_that_are_no_manifest_are_refused_with_the_reason(data: bytes, message: str) -> None:
    with pytest.raises(ManifestError) as raised:
        parse_manifest(data)
    assert str(raised.value) == message


def test_json_of_bundle_files_is_read_strictly() -> None:
    assert load_json(b'{"codes": {"97545": []}}') == {"codes": {"97545": []}}
    with pytest.raises(ValueError, match=r"^nested too deeply to be a bundle file$"):
        load_json(b'{"a":' * 50_000 + b"0" + b"}" * 50_000)
    with pytest.raises(ValueError, match=r"^not valid JSON: Infinity is not a JSON number$"):
        load_json(b"[Infinity]")


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("", "is empty"),
        ("a\x00b", "holds a control character"),
        ("x\n::error file=README.md::forged", "holds a control character"),
        ("\x1b[31mred.json", "holds a control character"),
        ("a\x85b", "holds a control character"),
        ("codes\\CPT\\97.json", "holds a backslash; segments are separated by /"),
        ("\ud800.json", "is not valid Unicode text"),
        ("/etc/passwd", "is absolute; names are relative to the bundle directory"),
        ("../x", "has an empty, '.' or '..' segment"),
        ("policies/../../x", "has an empty, '.' or '..' segment"),
        ("./catalog.json", "has an empty, '.' or '..' segment"),
        ("codes//97.json", "has an empty, '.' or '..' segment"),
        ("policies/", "has an empty, '.' or '..' segment"),
        ("manifest.json", "is the manifest or its signature, which the manifest does not list"),
        ("manifest.sig", "is the manifest or its signature, which the manifest does not list"),
        ("codes/ICD-10-CM/M5.json", None),
        ("policies/0324.json", None),
        ("policies/..0324.json", None),
    ],
)
def test_a_name_is_a_plain_relative_path_inside_the_bundle(name: str, problem: str | None) -> None:
    assert name_problem(name) == problem


GOOD_NAMES = st.lists(
    st.sampled_from(["a", "codes", "é", "...", "x.json"]), min_size=1, max_size=3
).map("/".join)
GOOD_ENTRIES = st.fixed_dictionaries(
    {"name": GOOD_NAMES, "size": st.integers(0, 3), "sha256": st.just(DIGEST)}
)
#: What can be wrong in one entry, field by field.
WRONG_VALUES: dict[str, list[Any]] = {
    "name": [
        *["", ".", "..", "a/../b", "a/./b", "/a", "a/", "a//b", "a\\b", "a\nb", "a\x85"],
        *["\ud800", "manifest.json", "manifest.sig", 5, None],
    ],
    "size": [-1, True, 1.0, "1", None],
    "sha256": [DIGEST.upper(), DIGEST[:-1], DIGEST + "0", "é" * 64, "", None],
}
WRONG = {field: st.sampled_from(values) for field, values in WRONG_VALUES.items()}


@st.composite
def file_lists(draw: st.DrawFn) -> list[Any]:
    """Good entries, names sometimes listed twice, and at most one entry spoilt."""
    files: list[Any] = draw(st.lists(GOOD_ENTRIES, max_size=5))
    spoilt: bool = draw(st.booleans())
    if files and spoilt:
        index = draw(st.integers(0, len(files) - 1))
        spoil = draw(st.sampled_from([*WRONG, "left out", "not an object"]))
        if spoil in WRONG:
            files[index][spoil] = draw(WRONG[spoil])
        elif spoil == "left out":
            del files[index][draw(st.sampled_from(sorted(WRONG)))]
        else:
            files[index] = draw(st.sampled_from([5, None, [], "a"]))
    return files


def _outcome(files: list[Any]) -> Any:
    document = copy.deepcopy(GOOD)
    document["files"] = files
    try:
        return dict(parse_manifest(_encoded(document)).entries)
    except ManifestError as error:
        return str(error)


def _one_by_one(files: list[Any]) -> Any:
    """What checking each entry in turn, as the manifest's rules read, makes of them."""
    entries: dict[str, Entry] = {}
    for index, item in enumerate(files):
        if not isinstance(item, dict):
            return f"files[{index}]: must be an object with name, size and sha256"
        name, size, sha256 = item.get("name"), item.get("size"), item.get("sha256")
        if not isinstance(name, str):
            return (
                f"files[{index}].name: must be text, not {'null' if name is None else 'a number'}"
            )
        problem = name_problem(name)
        if problem is not None:
            return f"files[{index}].name {name!r} {problem}: {LEGAL_NAME}"
        if type(size) is not int or size < 0:
            return f"files[{index}].size: must be a whole number of bytes, 0 or more"
        if not isinstance(sha256, str) or not re.fullmatch("[0-9a-f]{64}", sha256):
            return f"files[{index}].sha256: must be 64 lowercase hexadecimal digits"
        if name in entries:
            return f"files[{index}].name {name!r} is listed twice"
        entries[name] = Entry(name, size, sha256)
    return entries


@settings(max_examples=500)
@given(file_lists())
def test_every_list_of_files_is_judged_as_one_by_one(files: list[Any]) -> None:
    """The entries are checked all at once for speed; any list of them, good or bad, is
    accepted or refused (with the first problem) just as checking each in turn would."""
    assert _outcome(files) == _one_by_one(files)


def _good_files() -> list[dict[str, Any]]:
    names = ("catalog.json", "codes/CPT/97.json", "policies/0324.json")
    return [{"name": name, "size": 1, "sha256": DIGEST} for name in names]


SPOILT = [(field, value) for field, values in WRONG_VALUES.items() for value in values]


@pytest.mark.parametrize("index", [0, 1, 2])
@pytest.mark.parametrize(("field", "value"), SPOILT)
def test_each_way_one_entry_can_be_wrong_is_judged_as_one_by_one(
    index: int, field: str, value: Any
) -> None:
    files = _good_files()
    files[index][field] = value
    assert _outcome(files) == _one_by_one(files)
    assert isinstance(_outcome(files), str)
    del files[index][field]
    assert _outcome(files) == _one_by_one(files)
    files[index] = value
    assert _outcome(files) == _one_by_one(files)
    files = _good_files()
    files.insert(index, dict(files[-1]))
    assert _outcome(files) == _one_by_one(files)


def test_a_manifest_of_25000_files_is_read_in_bounded_time() -> None:
    """Opening a bundle parses its manifest; the checks are linear in the files listed."""
    files = [
        {"name": f"codes/CPT/{index:05d}.json", "size": index, "sha256": DIGEST}
        for index in range(25_000)
    ]
    document = copy.deepcopy(GOOD)
    document["files"] = files
    data = _encoded(document)
    started = time.perf_counter()
    manifest = parse_manifest(data)
    elapsed = time.perf_counter() - started
    assert len(manifest.entries) == 25_000
    assert manifest.entries["codes/CPT/24999.json"] == Entry("codes/CPT/24999.json", 24999, DIGEST)
    assert elapsed < 2.0, f"{elapsed:.2f} s"
