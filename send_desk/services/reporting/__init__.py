"""The weekly summary and the annual complaints figures: one service over the rooms of this package.

weekly.py (what came in and went out in a week), position.py (open, overdue and due at the end of the week),
annual.py (the complaints year), lookups.py (the small tables each report reads once). The figures are
values in send_desk.values.figures (Qt-free, SQL-free), laid out by send_desk.reports.

Definitions used throughout (the same for the screen, the PDF and `--json`):

- A *period* is a closed range of dates [start, end].
- *Acknowledged in a period*: a stage with an acknowledgement target (`case_stage.acknowledge_by` set) whose
  `acknowledged_on` falls in the period. It is *on time* when `acknowledged_on <= acknowledge_by`.
- *Responded in a period*: a stage with a response target (`case_stage.respond_by` set; compliments and
  Ombudsman enquiries without a deadline have none) whose `responded_on` falls in the period.
  *On time* means `responded_on <= respond_by`, where `respond_by` is the stored due date **including any
  extension**; *on time without extension* compares with `respond_by_unextended`, the date before any
  extension. A response sent on its due date is on time.
- *The position at the end of the week* (open cases, overdue, due next week) is taken at the start of the
  Monday after the week, or at the start of today when the week has not ended yet (`as_of`). A case is
  open then when it was received before `as_of` and not closed before it (a case closed and later
  reopened counts by its present state). A target is overdue then when its due date is before `as_of` and
  it was not done before `as_of`; its working days overdue count the working days after the due date up to
  and including `as_of` (at least 1), in the calendar of the kind's current target policy. Due dates are
  the stored ones (as the desk showed them), so a date recalculated since is used as recalculated.
  *Due next week* counts the targets outstanding at `as_of` whose due date falls in the following ISO week.
- *Officer*: the case's officer for open and overdue cases; the stage's handler for responses and for
  targets done since `as_of`.
- *Working days to respond*: from the day the stage began (received, or escalation requested) to the
  response, in the calendar of the stage's policy.
- *Year to date* and the annual figures use the council's reporting year, 1 April to 31 March.

Cost: the weekly summary reads indexed date ranges only. Its size follows the activity in the periods it
reports and since the end of the week, not the size of the database, so last week's summary stays well under
a second on a million cases (with the case_stage date indexes); a summary of a week long past reads the
activity since then as well and takes longer.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from send_desk.db.models import Staff
from send_desk.domain.errors import ValidationError
from send_desk.services.context import ServiceContext
from send_desk.services.reporting import annual, weekly
from send_desk.values.figures import (
    YEAR_START_MONTH,
    AnnualFigures,
    WeeklySummary,
    parse_week,
    reporting_year_start,
    week_label,
)


class ReportingService:
    """Read-only figures for the weekly summary, the annual complaints report and their print-outs."""

    def __init__(self, ctx: ServiceContext) -> None:
        """Use the given database, clock and acting login."""
        self.ctx = ctx

    def default_week(self) -> str:
        """Return last week (relative to today) as "2026-W47"."""
        return week_label(self.ctx.today() - timedelta(days=7))

    def default_year(self) -> int:
        """Return the start year of the last complete reporting year (April to March)."""
        return reporting_year_start(self.ctx.today()).year - 1

    def generated_by(self) -> str:
        """Return the name of the person producing a report (their login if they have no staff record)."""
        login = self.ctx.actor_login()
        with self.ctx.db.read() as session:
            name = session.scalar(select(Staff.name).where(Staff.login == login))
        return name or login

    def weekly_summary(self, week: str | None = None) -> WeeklySummary:
        """Return the weekly summary of an ISO week ("2026-W48"; default last week)."""
        monday = parse_week(week or self.default_week())
        today = self.ctx.today()
        if monday > today:
            raise ValidationError(f"The week {week_label(monday)} has not started yet.", field="week")
        as_of = min(monday + timedelta(days=7), today)
        generated_by = self.generated_by()
        with self.ctx.db.read() as session:
            return weekly.weekly_summary(
                session, monday, as_of, generated_at=self.ctx.now(), generated_by=generated_by
            )

    def annual_figures(
        self, year: int | None = None, *, start_month: int = YEAR_START_MONTH
    ) -> AnnualFigures:
        """Return the complaints figures of the reporting year that starts in `year` (April to March)."""
        first_year = self.default_year() if year is None else year
        if not 2000 <= first_year <= 2100:
            raise ValidationError(f"{first_year} is not a reporting year.", field="year")
        start = date(first_year, start_month, 1)
        end = date(first_year + 1, start_month, 1) - timedelta(days=1)
        generated_by = self.generated_by()
        with self.ctx.db.read() as session:
            return annual.annual_figures(
                session, start, end, generated_at=self.ctx.now(), generated_by=generated_by
            )
