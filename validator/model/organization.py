"""The organisation: what it offers, and whether it schedules policy reviews.

Read from ``policies/organization.yaml``. A repository without one offers every line of
business and schedules reviews, as the first format assumed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from validator.consume.coverage import LINES_OF_BUSINESS, Offering


@dataclass(frozen=True)
class Organization:
    name: str | None = None
    lines_of_business: tuple[str, ...] = LINES_OF_BUSINESS
    #: Product identifier to its line of business.
    products: dict[str, str] = field(default_factory=dict)
    reviews_scheduled: bool = True
    #: Days of notice before a reduction in coverage, and a new prior-authorisation
    #: requirement, may take effect.
    reduction_notice: int = 90
    prior_authorization_notice: int = 60

    @classmethod
    def from_document(cls, data: dict[str, Any] | None) -> Organization:
        if data is None:
            return cls()
        return cls(
            name=data.get("name"),
            lines_of_business=tuple(data.get("lines_of_business", LINES_OF_BUSINESS)),
            products={p["id"]: p["line_of_business"] for p in data.get("products", [])},
            reviews_scheduled=data.get("reviews", "scheduled") == "scheduled",
            reduction_notice=data.get("notice_days", {}).get("reduction", 90),
            prior_authorization_notice=data.get("notice_days", {}).get("prior_authorization", 60),
        )

    @property
    def offering(self) -> Offering:
        return Offering(self.lines_of_business, dict(self.products))

    def knows(self, line: str) -> bool:
        """A line of business or product a policy may name."""
        return line in LINES_OF_BUSINESS or line in self.products
