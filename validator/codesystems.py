"""The billing code systems a policy can list, and the form of a code in each.

Codes are strings, never numbers: ``250.00`` and ``250.0`` are different ICD-9-CM
codes. The system is taken from what the policy declares, never guessed from the
code: ``99.99`` is an ICD-9-CM procedure, ``999.9`` an ICD-9-CM diagnosis.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class CodeSystem:
    name: str
    title: str
    forms: tuple[re.Pattern[str], ...]
    example: str

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
        ),
        CodeSystem("ICD-9-CM-PROC", "ICD-9-CM procedure", _forms(r"[0-9]{2}\.[0-9]{1,2}"), "93.83"),
        CodeSystem(
            "ICD-10-CM",
            "ICD-10-CM diagnosis",
            _forms(r"[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?"),
            "Z51.89",
        ),
        CodeSystem("ICD-10-PCS", "ICD-10-PCS procedure", _forms(r"[0-9A-HJ-NP-Z]{7}"), "0SR9019"),
    )
}
