"""A bundle's manifest, read as untrusted input.

Without a public key nothing vouches for the manifest, so it is parsed defensively: UTF-8
JSON without duplicate keys, NaN or runaway nesting, then every field checked for its
type. The ``files`` it lists are the only files a consumer ever reads, so each name must
be a plain relative path inside the bundle, listed once, with its size and SHA-256.

A consumer parses the manifest on every open, and a bundle may list tens of thousands
of files, so the entries are checked all at once, each check one pass over all of them;
only when one fails are they checked one by one, to name the first that is wrong.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, TypeGuard

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
SUPPORTED_FORMATS = frozenset({1, 2})

_SHA256 = re.compile(r"[0-9a-f]{64}")
#: C0 controls, DEL and C1 controls: never part of a bundle file's name.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
#: For checking every name at once: a control character or a backslash.
_BAD_CHARACTER = re.compile("[\x00-\x1f\x7f-\x9f\\\\]")


class ManifestError(ValueError):
    """The manifest is not one this reader can trust to list the bundle; says why."""


@dataclass(frozen=True)
class Entry:
    """One file the manifest lists: its path in the bundle, size and SHA-256 (hex)."""

    name: str
    size: int
    sha256: str


class Entries(Mapping[str, Entry]):
    """The files a manifest lists, by name in the manifest's order. Each Entry is made
    when it is asked for: a manifest may list tens of thousands of files, and a lookup
    reads two or three of them."""

    __slots__ = ("_listed",)

    def __init__(self, listed: dict[str, tuple[int, str]]) -> None:
        self._listed = listed  # name: (size, sha256)

    def __getitem__(self, name: str) -> Entry:
        size, sha256 = self._listed[name]
        return Entry(name, size, sha256)

    def __iter__(self) -> Iterator[str]:
        return iter(self._listed)

    def __len__(self) -> int:
        return len(self._listed)

    def __repr__(self) -> str:
        return f"Entries({len(self)} files)"


@dataclass(frozen=True)
class Manifest:
    document: dict[str, Any]
    entries: Entries


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # Parsers disagree on which of two equal keys wins; a bundle never has them. The dict
    # is built in C, and only an object that lost a key is searched for which one.
    document = dict(pairs)
    if len(document) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(f"key {_quoted(key)} appears twice in one object")
            seen.add(key)
    return document


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


_STRICT = json.JSONDecoder(object_pairs_hook=_unique_keys, parse_constant=_no_constant)


def decode_text(data: bytes) -> str:
    """A bundle file's text; ValueError when its bytes are not UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(f"not UTF-8 text (byte {error.start})") from None


def load_json(data: bytes) -> Any:
    """A bundle file's JSON value; ValueError saying what is wrong when it is not
    strict UTF-8 JSON of a sane depth."""
    text = decode_text(data)
    try:
        return json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constant)
    except RecursionError:
        raise ValueError("nested too deeply to be a bundle file") from None
    except ValueError as error:
        raise ValueError(f"not valid JSON: {error}") from None


def parse_json_at(text: str, index: int) -> tuple[Any, int]:
    """The JSON value that starts at ``text[index]``, read as strictly as
    :func:`load_json` reads a file, and the index just after it; ValueError when there
    is none."""
    try:
        value, end = _STRICT.raw_decode(text, index)
    except RecursionError:
        raise ValueError("nested too deeply to be a bundle file") from None
    except ValueError as error:
        raise ValueError(f"not valid JSON: {error}") from None
    return value, end


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


def _listed_one_by_one(files: list[Any]) -> dict[str, tuple[int, str]]:
    """Every entry checked in turn; ManifestError naming the first that is wrong."""
    listed: dict[str, tuple[int, str]] = {}
    for index, item in enumerate(files):
        entry = _entry(index, item)
        if entry.name in listed:
            raise ManifestError(f"files[{index}].name {_quoted(entry.name)} is listed twice")
        listed[entry.name] = (entry.size, entry.sha256)
    return listed


def _types(values: list[Any]) -> set[type]:
    return set(map(type, values))


def _lowercase_hex(text: str) -> bool:
    return text.isascii() and not text.encode("ascii").translate(None, b"0123456789abcdef")


def _listed_at_once(files: list[Any]) -> dict[str, tuple[int, str]] | None:
    """The checks of :func:`_listed_one_by_one`, made on every entry at once, each a
    single pass in C over all of them; None when any fails (or cannot be made so), and
    then the entries are checked one by one, which names the first problem.

    Bool is a type of its own here, so a size of true is not an int, as for _is_count.
    """
    if _types(files) != {dict}:
        return None
    try:
        names = list(map(itemgetter("name"), files))
        sizes = list(map(itemgetter("size"), files))
        digests = list(map(itemgetter("sha256"), files))
    except KeyError:
        return None
    if _types(names) != {str} or _types(sizes) != {int} or _types(digests) != {str}:
        return None
    if min(sizes) < 0 or set(map(len, digests)) != {64} or not _lowercase_hex("".join(digests)):
        return None
    if _BAD_CHARACTER.search("".join(names)):
        return None
    # Every name between slashes, one a line (no name holds a line break, a control
    # character): an empty name, an absolute one, a trailing slash and an empty, "." or
    # ".." segment all show as "//", "/./" or "/../".
    between = "/" + "/\n/".join(names) + "/"
    if "//" in between or "/./" in between or "/../" in between:
        return None
    try:
        between.encode("utf-8")
    except UnicodeEncodeError:
        return None
    listed = dict(zip(names, zip(sizes, digests, strict=True), strict=True))
    if len(listed) != len(files) or MANIFEST in listed or SIGNATURE in listed:
        return None
    return listed


def _entries(files: list[Any]) -> Entries:
    if not files:
        return Entries({})
    listed = _listed_at_once(files)
    return Entries(listed if listed is not None else _listed_one_by_one(files))


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
