"""A bundle's manifest, read as untrusted input.

Without a public key nothing vouches for the manifest, so it is parsed defensively: UTF-8
JSON without duplicate keys, NaN or runaway nesting, then every field checked for its
type. The ``files`` it lists are the only files a consumer ever reads, so each name must
be a plain relative path inside the bundle, listed once, with its size and SHA-256.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeGuard

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
SUPPORTED_FORMATS = frozenset({1, 2})

_SHA256 = re.compile(r"[0-9a-f]{64}")
#: C0 controls, DEL and C1 controls: never part of a bundle file's name.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


class ManifestError(ValueError):
    """The manifest is not one this reader can trust to list the bundle; says why."""


@dataclass(frozen=True)
class Entry:
    """One file the manifest lists: its path in the bundle, size and SHA-256 (hex)."""

    name: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    document: dict[str, Any]
    entries: dict[str, Entry]  # by name, in the manifest's order


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # Parsers disagree on which of two equal keys wins; a bundle never has them.
    document: dict[str, Any] = {}
    for key, value in pairs:
        if key in document:
            raise ValueError(f"key {_quoted(key)} appears twice in one object")
        document[key] = value
    return document


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def load_json(data: bytes) -> Any:
    """A bundle file's JSON value; ValueError saying what is wrong when it is not
    strict UTF-8 JSON of a sane depth."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(f"not UTF-8 text (byte {error.start})") from None
    try:
        return json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constant)
    except RecursionError:
        raise ValueError("nested too deeply to be a bundle file") from None
    except ValueError as error:
        raise ValueError(f"not valid JSON: {error}") from None


def _quoted(text: str, limit: int = 80) -> str:
    """``text`` quoted for a message, cut short when long."""
    return repr(text) if len(text) <= limit else repr(text[:limit]) + "..."


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "text", bool: "true or false"}
    if value is None:
        return "null"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "a number"
    return names.get(type(value), type(value).__name__)


def _is_count(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_text(value: object) -> bool:
    return isinstance(value, str)


def _is_text_or_null(value: object) -> bool:
    return value is None or isinstance(value, str)


def _is_flag_or_null(value: object) -> bool:
    return value is None or isinstance(value, bool)


def _is_object(value: object) -> bool:
    return isinstance(value, dict)


def _is_list(value: object) -> bool:
    return isinstance(value, list)


def _require(
    document: dict[str, Any], key: str, test: Callable[[Any], bool], what: str, where: str = ""
) -> None:
    """``document[key]`` is there and passes ``test``; ``what`` says what it must be."""
    if key not in document:
        raise ManifestError(f"{where}{key}: missing; it must be {what}")
    if not test(document[key]):
        raise ManifestError(f"{where}{key}: must be {what}, not {_json_type(document[key])}")


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a bundle file's name, or None when it can: a relative POSIX
    path inside the bundle, without control characters, backslashes or odd segments."""
    if not name:
        return "is empty"
    if _CONTROL.search(name):
        return "holds a control character"
    if "\\" in name:
        return "holds a backslash; segments are separated by /"
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return "is not valid Unicode text"
    if name.startswith("/"):
        return "is absolute; names are relative to the bundle directory"
    if any(segment in ("", ".", "..") for segment in name.split("/")):
        return "has an empty, '.' or '..' segment"
    if name in (MANIFEST, SIGNATURE):
        return "is the manifest or its signature, which the manifest does not list"
    return None


def _entry(index: int, item: object) -> Entry:
    where = f"files[{index}]"
    if not isinstance(item, dict):
        raise ManifestError(f"{where}: must be an object with name, size and sha256")
    name = item.get("name")
    if not isinstance(name, str):
        raise ManifestError(f"{where}.name: must be text, not {_json_type(name)}")
    problem = name_problem(name)
    if problem is not None:
        raise ManifestError(
            f"{where}.name {_quoted(name)} {problem}: a bundle file's name is a relative "
            "POSIX path inside the bundle"
        )
    size = item.get("size")
    if not _is_count(size):
        raise ManifestError(f"{where}.size: must be a whole number of bytes, 0 or more")
    sha256 = item.get("sha256")
    if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
        raise ManifestError(f"{where}.sha256: must be 64 lowercase hexadecimal digits")
    return Entry(name, size, sha256)


def _entries(files: list[Any]) -> dict[str, Entry]:
    entries: dict[str, Entry] = {}
    for index, item in enumerate(files):
        entry = _entry(index, item)
        if entry.name in entries:
            raise ManifestError(f"files[{index}].name {_quoted(entry.name)} is listed twice")
        entries[entry.name] = entry
    return entries


def _check_provenance(document: dict[str, Any]) -> None:
    _require(document, "source", _is_object, "an object")
    source = document["source"]
    _require(source, "revision", _is_text_or_null, "text or null", "source.")
    _require(source, "dirty", _is_flag_or_null, "true, false or null", "source.")
    _require(source, "digest", _is_text, "text", "source.")
    _require(document, "created", _is_text_or_null, "text or null")
    _require(document, "as_of", _is_text_or_null, "text or null")
    _require(document, "counts", _is_object, "an object")
    for key in ("policies", "versions", "code_rows"):
        _require(document["counts"], key, _is_count, "a whole number, 0 or more", "counts.")


def parse_manifest(data: bytes) -> Manifest:
    """The manifest in ``data``; ManifestError naming the first field that is wrong."""
    try:
        document = load_json(data)
    except ValueError as error:
        raise ManifestError(str(error)) from None
    if not isinstance(document, dict) or document.get("kind") != "manifest":
        raise ManifestError("not a bundle manifest")
    version = document.get("bundle_format")
    if not _is_count(version) or version not in SUPPORTED_FORMATS:
        shown = version if _is_count(version) else _json_type(version)
        known = ", ".join(str(number) for number in sorted(SUPPORTED_FORMATS))
        raise ManifestError(f"bundle format {shown} is not supported (this reader knows {known})")
    _require(document, "files", _is_list, "a list of files")
    entries = _entries(document["files"])
    _check_provenance(document)
    return Manifest(document, entries)
