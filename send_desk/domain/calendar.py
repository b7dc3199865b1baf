"""Working-day arithmetic over UK bank holidays, office closures and one-off holidays.

Bank holidays come from the `holidays` package (its United Kingdom class, the one `country_holidays("GB",
subdiv=...)` returns), loaded the first time a calendar needs a year; working days are cached per calendar
and year as sorted day ordinals.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

CLOSURE_NAME = "Office closure"
EXTRA_HOLIDAY_NAME = "Additional bank holiday"


class CalendarKind(StrEnum):
    """Which bank holidays a clock skips."""

    ENGLAND_WALES = "england-wales"
    ALL_UK = "all-uk"

    @property
    def label(self) -> str:
        """Return the name a person reads."""
        return _CALENDAR_LABELS[self]


_CALENDAR_LABELS = {
    CalendarKind.ENGLAND_WALES: "England and Wales bank holidays",
    CalendarKind.ALL_UK: "bank holidays in any UK nation",
}

_SUBDIVISIONS: dict[CalendarKind, tuple[str, ...]] = {
    CalendarKind.ENGLAND_WALES: ("ENG",),
    CalendarKind.ALL_UK: ("ENG", "SCT", "NIR"),
}

_NATIONS = {"ENG": "England and Wales", "SCT": "Scotland", "NIR": "Northern Ireland"}


def bank_holiday_names(kind: CalendarKind, year: int) -> dict[date, str]:
    """Return the weekday bank holidays of `year` with their names, in date order."""
    return dict(_bank_holiday_names(kind, year))


@lru_cache(maxsize=512)
def _bank_holiday_names(kind: CalendarKind, year: int) -> tuple[tuple[date, str], ...]:
    """Return the weekday bank holidays of `year`, named, in date order (names joined if nations differ)."""
    subdivs = _SUBDIVISIONS[kind]
    names: dict[date, list[str]] = {}
    where: dict[date, list[str]] = {}
    for subdiv in subdivs:
        for day, name in _united_kingdom()(subdiv=subdiv, years=year).items():
            if day.weekday() < 5 and day.year == year:
                known = names.setdefault(day, [])
                if name not in known:
                    known.append(name)
                where.setdefault(day, []).append(_NATIONS[subdiv])
    if len(subdivs) > 1:
        everywhere = [_NATIONS[subdiv] for subdiv in subdivs]
        for day, nations in where.items():
            missing = [nation for nation in everywhere if nation not in nations]
            if len(missing) == 1:
                names[day] = [f"{'; '.join(names[day])} (not {missing[0]})"]
            elif missing:
                names[day] = [f"{'; '.join(names[day])} ({' and '.join(nations)} only)"]
    return tuple((day, "; ".join(names[day])) for day in sorted(names))


@lru_cache(maxsize=1)
def _united_kingdom() -> Any:
    """Return the `holidays` package's United Kingdom class, loading only that country.

    `holidays.countries` imports all of its 250 countries (~0.1 s); the UK module alone is loaded from its
    file when it is there (not inside a frozen bundle), else through `country_holidays` as documented.
    """
    import importlib.util
    import sys

    import holidays

    name = "holidays.countries.united_kingdom"
    module = sys.modules.get(name)
    if module is None:
        path = Path(holidays.__file__).parent / "countries" / "united_kingdom.py"
        spec = importlib.util.spec_from_file_location(name, path) if path.is_file() else None
        if spec is None or spec.loader is None:
            return lambda **kwargs: holidays.country_holidays("GB", **kwargs)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        sys.modules[name] = module
    return module.UnitedKingdom


@lru_cache(maxsize=512)
def bank_holidays(kind: CalendarKind, year: int) -> frozenset[date]:
    """Return the weekday bank holidays of `year` (weekend substitutes are non-working anyway)."""
    return frozenset(day for day, _ in _bank_holiday_names(kind, year))


@lru_cache(maxsize=4096)
def _working_ordinals(
    kind: CalendarKind, closures: frozenset[date], extra: frozenset[date], year: int
) -> tuple[int, ...]:
    """Return the ordinals of the working days of `year`, ascending."""
    off = {d.toordinal() for d in bank_holidays(kind, year)}
    off.update(d.toordinal() for d in closures if d.year == year)
    off.update(d.toordinal() for d in extra if d.year == year)
    first = date(year, 1, 1).toordinal()
    last = date(year, 12, 31).toordinal()
    return tuple(o for o in range(first, last + 1) if (o + 6) % 7 < 5 and o not in off)


@dataclass(frozen=True, slots=True)
class WorkingCalendar:
    """Mon-Fri less the bank holidays of `kind`, office `closures` and admin-added `extra_holidays`."""

    kind: CalendarKind
    closures: frozenset[date] = frozenset()
    extra_holidays: frozenset[date] = frozenset()
    _years: dict[int, tuple[int, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def _working(self, year: int) -> tuple[int, ...]:
        days = self._years.get(year)
        if days is None:
            days = _working_ordinals(self.kind, self.closures, self.extra_holidays, year)
            self._years[year] = days
        return days

    def _rank(self, year: int, ordinal: int) -> int:
        return bisect_right(self._working(year), ordinal)

    def is_working_day(self, d: date) -> bool:
        """Return whether `d` is a working day."""
        if d.weekday() >= 5:
            return False
        days = self._working(d.year)
        o = d.toordinal()
        i = bisect_right(days, o)
        return i > 0 and days[i - 1] == o

    def add_working_days(self, d: date, n: int) -> date:
        """Return the `n`th working day strictly after `d` (`d` itself when `n` is 0)."""
        if n < 0:
            raise ValueError("n must not be negative")
        if n == 0:
            return d
        year = d.year
        days = self._working(year)
        i = bisect_right(days, d.toordinal()) + n - 1
        while i >= len(days):
            i -= len(days)
            year += 1
            days = self._working(year)
        return date.fromordinal(days[i])

    def working_days_between(self, start: date, end: date) -> int:
        """Return the number of working days in (start, end]; negative when `end` is before `start`."""
        if end < start:
            return -self.working_days_between(end, start)
        if start.year == end.year:
            return self._rank(end.year, end.toordinal()) - self._rank(start.year, start.toordinal())
        count = len(self._working(start.year)) - self._rank(start.year, start.toordinal())
        for year in range(start.year + 1, end.year):
            count += len(self._working(year))
        return count + self._rank(end.year, end.toordinal())

    def next_working_day(self, d: date) -> date:
        """Return `d` if it is a working day, else the first working day after it."""
        return d if self.is_working_day(d) else self.add_working_days(d, 1)

    def holidays_between(self, start: date, end: date) -> list[tuple[date, str]]:
        """Return the weekday holidays and closure days in [start, end], named, in date order."""
        found: dict[date, str] = {}
        for year in range(start.year, end.year + 1):
            for day, name in _bank_holiday_names(self.kind, year):
                if start <= day <= end:
                    found[day] = name
        for days, name in ((self.extra_holidays, EXTRA_HOLIDAY_NAME), (self.closures, CLOSURE_NAME)):
            for day in days:
                if start <= day <= end and day.weekday() < 5:
                    found.setdefault(day, name)
        return sorted(found.items())


def add_calendar_months(d: date, months: int) -> date:
    """Return the same day of the month `months` later, or that month's last day if it is shorter."""
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(d.day, days_in_month(year, month)))


def days_in_month(year: int, month: int) -> int:
    """Return how many days `month` of `year` has."""
    if month == 12:
        return 31
    return (date(year, month + 1, 1) - timedelta(days=1)).day
