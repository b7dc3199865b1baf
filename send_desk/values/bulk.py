"""What a bulk action on several register rows will do, shown to the person before anything is saved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class BulkCase:
    """One selected case as a bulk action found it: its version (a later change conflicts), its due date."""

    case_id: int
    reference: str
    version: int
    acknowledge_by: date | None = None
    received_on: date = date.min
    late: bool = False
    problem: str = ""
    """Why this case cannot take the action ("" when it can)."""


@dataclass(frozen=True)
class AcknowledgePlan:
    """Acknowledging the selected cases on one date: which are late, which cannot be acknowledged."""

    on: date
    cases: tuple[BulkCase, ...]

    @property
    def late(self) -> tuple[BulkCase, ...]:
        """Return the cases whose acknowledgement is past its target on that date."""
        return tuple(case for case in self.cases if case.late and not case.problem)

    @property
    def problems(self) -> tuple[BulkCase, ...]:
        """Return the cases that cannot be acknowledged, each with its reason."""
        return tuple(case for case in self.cases if case.problem)


@dataclass(frozen=True)
class BulkResult:
    """What a bulk action saved."""

    references: tuple[str, ...]
