from __future__ import annotations

from datetime import date

import pytest

from send_desk.domain.calendar import (
    CLOSURE_NAME,
    EXTRA_HOLIDAY_NAME,
    CalendarKind,
    WorkingCalendar,
    _united_kingdom,
    add_calendar_months,
    bank_holiday_names,
    bank_holidays,
    days_in_month,
)

EW = WorkingCalendar(CalendarKind.ENGLAND_WALES)
UK = WorkingCalendar(CalendarKind.ALL_UK)
XMAS_CLOSURES = frozenset({date(2025, 12, 29), date(2025, 12, 30), date(2025, 12, 31)})


def test_england_wales_2026_bank_holidays_match_gov_uk() -> None:
    assert sorted(bank_holidays(CalendarKind.ENGLAND_WALES, 2026)) == [
        date(2026, 1, 1),
        date(2026, 4, 3),
        date(2026, 4, 6),
        date(2026, 5, 4),
        date(2026, 5, 25),
        date(2026, 8, 31),
        date(2026, 12, 25),
        date(2026, 12, 28),
    ]


def test_weekend_date_of_a_substituted_holiday_is_not_listed() -> None:
    assert date(2026, 12, 26) not in bank_holidays(CalendarKind.ENGLAND_WALES, 2026)
    assert date(2026, 12, 26) not in bank_holiday_names(CalendarKind.ENGLAND_WALES, 2026)
    assert all(d.weekday() < 5 for d in bank_holidays(CalendarKind.ALL_UK, 2022))


def test_all_uk_is_the_union_of_the_nations() -> None:
    ew = bank_holidays(CalendarKind.ENGLAND_WALES, 2026)
    uk = bank_holidays(CalendarKind.ALL_UK, 2026)
    assert ew < uk
    assert date(2026, 1, 2) in uk  # Scotland
    assert date(2026, 6, 15) in uk  # Scotland's one-off holiday
    assert date(2026, 3, 17) in uk  # Northern Ireland
    assert date(2026, 6, 15) not in ew


def test_bank_holiday_names_say_which_nation() -> None:
    names = bank_holiday_names(CalendarKind.ALL_UK, 2026)
    assert names[date(2026, 1, 2)] == "New Year Holiday (Scotland only)"
    assert names[date(2026, 4, 6)] == "Easter Monday (not Scotland)"
    assert names[date(2026, 12, 25)] == "Christmas Day"
    assert bank_holiday_names(CalendarKind.ENGLAND_WALES, 2026)[date(2026, 4, 3)] == "Good Friday"


def test_bank_holiday_names_returns_a_fresh_dict() -> None:
    names = bank_holiday_names(CalendarKind.ENGLAND_WALES, 2026)
    names.clear()
    assert bank_holiday_names(CalendarKind.ENGLAND_WALES, 2026)


def test_one_off_national_holidays_come_from_the_package() -> None:
    assert date(2022, 9, 19) in bank_holidays(CalendarKind.ENGLAND_WALES, 2022)  # state funeral
    assert date(2023, 5, 8) in bank_holidays(CalendarKind.ENGLAND_WALES, 2023)  # coronation


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 1, 2), True),  # Friday, not an E&W holiday
        (date(2026, 1, 3), False),  # Saturday
        (date(2026, 1, 4), False),  # Sunday
        (date(2026, 1, 1), False),  # New Year's Day
        (date(2026, 4, 6), False),  # Easter Monday
        (date(2026, 6, 15), True),  # Scottish-only
    ],
)
def test_is_working_day(day: date, working: bool) -> None:
    assert EW.is_working_day(day) is working


def test_all_uk_calendar_skips_scottish_holidays() -> None:
    assert not UK.is_working_day(date(2026, 1, 2))
    assert not UK.is_working_day(date(2026, 6, 15))


def test_closures_and_extra_holidays_are_non_working() -> None:
    cal = WorkingCalendar(
        CalendarKind.ENGLAND_WALES, closures=XMAS_CLOSURES, extra_holidays=frozenset({date(2026, 5, 6)})
    )
    assert not cal.is_working_day(date(2025, 12, 30))
    assert not cal.is_working_day(date(2026, 5, 6))
    assert cal.is_working_day(date(2026, 1, 2))


def test_add_zero_working_days_returns_the_date_unchanged() -> None:
    assert EW.add_working_days(date(2026, 1, 3), 0) == date(2026, 1, 3)


def test_start_day_is_never_day_one() -> None:
    assert EW.add_working_days(date(2026, 1, 5), 1) == date(2026, 1, 6)  # Monday -> Tuesday
    assert EW.add_working_days(date(2026, 1, 2), 1) == date(2026, 1, 5)  # Friday -> Monday
    assert EW.add_working_days(date(2026, 1, 3), 1) == date(2026, 1, 5)  # Saturday -> Monday


def test_add_working_days_rejects_negative() -> None:
    with pytest.raises(ValueError, match="negative"):
        EW.add_working_days(date(2026, 1, 5), -1)


def test_add_working_days_across_several_years() -> None:
    start = date(2025, 6, 2)
    far = EW.add_working_days(start, 600)
    assert far.year == 2027
    assert EW.working_days_between(start, far) == 600
    assert EW.working_days_between(far, start) == -600


def test_working_days_between() -> None:
    assert EW.working_days_between(date(2025, 12, 24), date(2026, 1, 5)) == 5
    assert EW.working_days_between(date(2026, 1, 5), date(2026, 1, 5)) == 0
    assert EW.working_days_between(date(2026, 1, 5), date(2025, 12, 24)) == -5
    assert EW.working_days_between(date(2026, 1, 3), date(2026, 1, 4)) == 0


def test_next_working_day() -> None:
    assert EW.next_working_day(date(2026, 4, 3)) == date(2026, 4, 7)
    assert EW.next_working_day(date(2026, 4, 7)) == date(2026, 4, 7)


def test_holidays_between_lists_weekday_holidays_and_closures() -> None:
    cal = WorkingCalendar(
        CalendarKind.ENGLAND_WALES,
        closures=XMAS_CLOSURES | {date(2025, 12, 27)},
        extra_holidays=frozenset({date(2026, 1, 2)}),
    )
    assert cal.holidays_between(date(2025, 12, 24), date(2026, 1, 5)) == [
        (date(2025, 12, 25), "Christmas Day"),
        (date(2025, 12, 26), "Boxing Day"),
        (date(2025, 12, 29), CLOSURE_NAME),
        (date(2025, 12, 30), CLOSURE_NAME),
        (date(2025, 12, 31), CLOSURE_NAME),
        (date(2026, 1, 1), "New Year's Day"),
        (date(2026, 1, 2), EXTRA_HOLIDAY_NAME),
    ]


def test_holidays_between_is_inclusive() -> None:
    assert EW.holidays_between(date(2026, 4, 3), date(2026, 4, 6)) == [
        (date(2026, 4, 3), "Good Friday"),
        (date(2026, 4, 6), "Easter Monday"),
    ]
    assert EW.holidays_between(date(2026, 4, 7), date(2026, 4, 30)) == []


def test_calendars_compare_by_value() -> None:
    assert WorkingCalendar(CalendarKind.ALL_UK, XMAS_CLOSURES) == WorkingCalendar(
        CalendarKind.ALL_UK, frozenset(XMAS_CLOSURES)
    )
    assert hash(WorkingCalendar(CalendarKind.ALL_UK)) == hash(UK)
    assert WorkingCalendar(CalendarKind.ALL_UK, XMAS_CLOSURES) != UK


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2026, 1, 31), 3, date(2026, 4, 30)),
        (date(2026, 3, 3), 1, date(2026, 4, 3)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2026, 5, 10), 0, date(2026, 5, 10)),
    ],
)
def test_add_calendar_months(start: date, months: int, expected: date) -> None:
    assert add_calendar_months(start, months) == expected


def test_days_in_month() -> None:
    assert [days_in_month(2024, m) for m in (1, 2, 4, 12)] == [31, 29, 30, 31]
    assert days_in_month(2100, 2) == 28


def test_importing_the_calendar_loads_no_holidays_and_one_country_when_needed() -> None:
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from datetime import date\n"
        "from send_desk.domain.calendar import CalendarKind, WorkingCalendar\n"
        "print('holidays' in sys.modules)\n"
        "print(WorkingCalendar(CalendarKind.ALL_UK).add_working_days(date(2026, 12, 24), 1))\n"
        "print('holidays.countries.france' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "2026-12-29", "False"]


def test_the_uk_class_loaded_alone_gives_the_same_days_as_country_holidays() -> None:
    import holidays

    for subdiv in ("ENG", "SCT", "NIR"):
        official = holidays.country_holidays("GB", subdiv=subdiv, years=2027)
        assert dict(_united_kingdom()(subdiv=subdiv, years=2027)) == dict(official)
