"""Quarters of the calendar, the timeline's unit of time."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from roadmap.ranking import errors


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    quarter: int  # 1..4

    def __post_init__(self):
        if not 1 <= self.quarter <= 4:
            raise errors.InvalidParameter("quarter", self.quarter, "entre 1 et 4")

    @property
    def index(self) -> int:
        return self.year * 4 + self.quarter - 1

    @classmethod
    def from_index(cls, index: int) -> "Quarter":
        return cls(index // 4, index % 4 + 1)

    def __add__(self, quarters: int) -> "Quarter":
        return Quarter.from_index(self.index + quarters)

    def __str__(self) -> str:
        return _("T%(quarter)s %(year)s") % {"quarter": self.quarter, "year": self.year}


def quarters_for_months(months: int) -> int:
    """A duration in months as whole quarters (7 months → 3 quarters; at least one)."""
    return max(1, -(-int(months) // 3))
