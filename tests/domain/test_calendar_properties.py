from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from send_desk.domain.calendar import (
    CalendarKind,
    WorkingCalendar,
    add_calendar_months,
    bank_holidays,
    days_in_month,
)

days = st.dates(min_value=date(2019, 1, 1), max_value=date(2030, 12, 31))
closure_sets = st.frozensets(st.dates(min_value=date(2019, 1, 1), max_value=date(2031, 12, 31)), max_size=40)
calendars = st.builds(
    WorkingCalendar,
    kind=st.sampled_from(list(CalendarKind)),
    closures=closure_sets,
    extra_holidays=st.frozensets(days, max_size=3),
)
counts = st.integers(min_value=0, max_value=70)


@given(calendars, days, st.integers(min_value=1, max_value=70))
def test_lands_on_a_working_day(cal: WorkingCalendar, start: date, n: int) -> None:
    due = cal.add_working_days(start, n)
    assert due > start
    assert cal.is_working_day(due)
    assert due.weekday() < 5
    assert due not in cal.closures
    assert due not in cal.extra_holidays


@given(calendars, days, counts, counts)
def test_monotonic_in_n(cal: WorkingCalendar, start: date, a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert cal.add_working_days(start, low) <= cal.add_working_days(start, high)
    if low < high:
        assert cal.add_working_days(start, low) < cal.add_working_days(start, high)


@given(calendars, days, counts)
def test_between_inverts_add(cal: WorkingCalendar, start: date, n: int) -> None:
    due = cal.add_working_days(start, n)
    assert cal.working_days_between(start, due) == n
    assert cal.working_days_between(due, start) == -n


@given(calendars, days, counts)
def test_add_matches_day_by_day_count(cal: WorkingCalendar, start: date, n: int) -> None:
    def off(day: date) -> bool:
        return (
            day.weekday() >= 5
            or day in bank_holidays(cal.kind, day.year)
            or day in cal.closures
            or day in cal.extra_holidays
        )

    day, seen = start, 0
    while seen < n:
        day += timedelta(days=1)
        seen += not off(day)
    assert cal.add_working_days(start, n) == day


@given(calendars, days, days)
def test_between_is_antisymmetric_and_additive(cal: WorkingCalendar, a: date, b: date) -> None:
    assert cal.working_days_between(a, b) == -cal.working_days_between(b, a)
    mid = min(a, b) + (max(a, b) - min(a, b)) / 2
    assert cal.working_days_between(a, b) == cal.working_days_between(a, mid) + cal.working_days_between(
        mid, b
    )


@given(calendars, days)
def test_next_working_day(cal: WorkingCalendar, day: date) -> None:
    nxt = cal.next_working_day(day)
    assert nxt >= day
    assert cal.is_working_day(nxt)
    assert cal.working_days_between(day, nxt) == (0 if nxt == day else 1)


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31)),
    st.integers(min_value=-36, max_value=36),
)
def test_add_calendar_months_lands_in_the_right_month(start: date, months: int) -> None:
    result = add_calendar_months(start, months)
    year, month0 = divmod(start.year * 12 + start.month - 1 + months, 12)
    assert (result.year, result.month) == (year, month0 + 1)
    assert result.day <= start.day
    assert result.day == start.day or result.day == days_in_month(result.year, result.month)


@given(st.integers(min_value=1900, max_value=2199), st.integers(min_value=1, max_value=12))
def test_month_end_goes_to_month_end(year: int, month: int) -> None:
    start = date(year, month, days_in_month(year, month))
    result = add_calendar_months(start, 1)
    assert result.day == min(start.day, days_in_month(result.year, result.month))
    assert result - timedelta(days=result.day) == start  # the day before the 1st is start's month end
