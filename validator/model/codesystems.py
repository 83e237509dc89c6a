"""The billing code systems a policy can list, and the form of a code in each.

Codes are strings, never numbers: ``250.00`` and ``250.0`` are different ICD-9-CM
codes. The system is taken from what the policy declares, never guessed from the
code: ``99.99`` is an ICD-9-CM procedure, ``999.9`` an ICD-9-CM diagnosis.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from validator.consume.coverage import ICD10_START

__all__ = ["ICD10_START", "SYSTEMS", "CodeSystem", "RangeError", "expand_range"]

#: The most codes one range may stand for; a longer range is almost always a typo.
MAX_RANGE = 2000


@dataclass(frozen=True)
class CodeSystem:
    name: str
    title: str
    forms: tuple[re.Pattern[str], ...]
    example: str
    #: "icd9" codes stop applying on ICD10_START, "icd10" codes start then; None: no switch.
    era: str | None = None
    #: What the codes are on a claim: services (procedures and supplies) are what a
    #: policy covers; diagnoses support or exclude them; qualifiers describe the claim.
    role: str = "service"

    def accepts(self, code: str) -> bool:
        return any(form.fullmatch(code) for form in self.forms)


def _forms(*patterns: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(pattern) for pattern in patterns)


SYSTEMS: dict[str, CodeSystem] = {
    system.name: system
    for system in (
        CodeSystem(
            "CPT",
            "CPT (Category I five digits; Category II/III, PLA and MAAA four digits and F/T/U/M)",
            _forms(r"[0-9]{5}", r"[0-9]{4}[FTUM]"),
            "97545",
        ),
        CodeSystem("HCPCS", "HCPCS Level II", _forms(r"[A-V][0-9]{4}"), "E0114"),
        CodeSystem(
            "ICD-9-CM",
            "ICD-9-CM diagnosis",
            _forms(
                r"[0-9]{3}(?:\.[0-9]{1,2})?",
                r"V[0-9]{2}(?:\.[0-9]{1,2})?",
                r"E[0-9]{3}(?:\.[0-9])?",
            ),
            "V57.22",
            "icd9",
            "diagnosis",
        ),
        CodeSystem(
            "ICD-9-CM-PROC", "ICD-9-CM procedure", _forms(r"[0-9]{2}\.[0-9]{1,2}"), "93.83", "icd9"
        ),
        CodeSystem(
            "ICD-10-CM",
            "ICD-10-CM diagnosis",
            _forms(r"[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?"),
            "Z51.89",
            "icd10",
            "diagnosis",
        ),
        CodeSystem(
            "ICD-10-PCS", "ICD-10-PCS procedure", _forms(r"[0-9A-HJ-NP-Z]{7}"), "0SR9019", "icd10"
        ),
        CodeSystem(
            "MODIFIER",
            "CPT or HCPCS modifier (two letters or digits)",
            _forms(r"[0-9A-Z]{2}"),
            "KX",
            role="qualifier",
        ),
        CodeSystem(
            "REVENUE",
            "UB-04 revenue code (four digits)",
            _forms(r"[0-9]{4}"),
            "0420",
            role="qualifier",
        ),
        CodeSystem(
            "BILL-TYPE",
            "type of bill (three characters, an optional leading 0, X for any last digit)",
            _forms(r"0?[0-9]{2}[0-9X]"),
            "013X",
            role="qualifier",
        ),
        CodeSystem(
            "POS",
            "CMS place of service (two digits)",
            _forms(r"[0-9]{2}"),
            "11",
            role="qualifier",
        ),
    )
}

#: The systems of each role, in the order SYSTEMS lists them.
SERVICE_SYSTEMS = tuple(name for name, system in SYSTEMS.items() if system.role == "service")
DIAGNOSIS_SYSTEMS = tuple(name for name, system in SYSTEMS.items() if system.role == "diagnosis")


class RangeError(ValueError):
    """A range that cannot stand for a well-defined list of codes."""


# CPT and HCPCS codes are a fixed prefix or suffix around a number, so their ranges
# expand arithmetically: 97545-97546, 0001F-0015F, E0100-E0105.
_NUMBERED = re.compile(r"(?P<prefix>[A-Z]?)(?P<number>[0-9]{4,5})(?P<suffix>[A-Z]?)")


def expand_range(
    system: CodeSystem, first: str, last: str, known: Callable[[str], frozenset[str] | None]
) -> list[str] | None:
    """Every code from ``first`` to ``last`` inclusive, in order.

    CPT and HCPCS ranges expand by number. ICD ranges need a code set: they expand to the
    known codes between the two ends, the subcodes of ``last`` included (``M54.5-M54.59``
    holds M54.50, M54.51 and M54.59), and to None when no code set is installed.
    Raises RangeError for a range whose ends do not belong together.
    """
    for end in (first, last):
        if not system.accepts(end):
            raise RangeError(f"{end!r} is not a valid {system.title} code")
    if system.era is None:
        return _expand_numbered(first, last)
    codes = known(system.name)  # loaded only now, for an ICD range
    if codes is None:
        return None
    low, high = _dotless(first), _dotless(last)
    if low > high:
        raise RangeError(f"{first} comes after {last}")
    expanded = sorted(
        (
            code
            for code in codes
            if low <= _dotless(code) <= high or _dotless(code).startswith(high)
        ),
        key=_dotless,
    )
    if len(expanded) > MAX_RANGE:
        raise RangeError(f"the range holds {len(expanded)} codes, more than {MAX_RANGE}")
    return expanded


def _expand_numbered(first: str, last: str) -> list[str]:
    start, end = _NUMBERED.fullmatch(first), _NUMBERED.fullmatch(last)
    if start is None or end is None:
        raise RangeError(f"{first} and {last} are not numbered codes a range can run between")
    if (start["prefix"], start["suffix"], len(start["number"])) != (
        end["prefix"],
        end["suffix"],
        len(end["number"]),
    ):
        raise RangeError(f"{first} and {last} are not codes of the same series")
    low, high = int(start["number"]), int(end["number"])
    if low > high:
        raise RangeError(f"{first} comes after {last}")
    if high - low + 1 > MAX_RANGE:
        raise RangeError(f"the range holds {high - low + 1} codes, more than {MAX_RANGE}")
    width = len(start["number"])
    return [f"{start['prefix']}{n:0{width}d}{start['suffix']}" for n in range(low, high + 1)]


def _dotless(code: str) -> str:
    return code.replace(".", "")
