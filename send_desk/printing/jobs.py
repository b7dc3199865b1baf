"""The print jobs of each print-out: the weekly summary, the annual figures and a whole case."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from send_desk.domain.wording import DEFAULT_TEAM, uk_datetime
from send_desk.printing.chart import draw_trend_chart
from send_desk.printing.pdf import PrintJob
from send_desk.reports.annual import annual_figures_html, annual_header, annual_title
from send_desk.reports.case_printout import case_header, case_printout_html, case_title
from send_desk.reports.weekly import TREND_CHART_URL, weekly_header, weekly_summary_html, weekly_title
from send_desk.values.cases import CaseDetail
from send_desk.values.documents import DocumentInfo
from send_desk.values.ehc import EhcRecord
from send_desk.values.figures import AnnualFigures, WeeklySummary


def generated_text(at: datetime, by: str) -> str:
    """Return the footer's "Generated on 27/11/2026 10:00 by Sam Patel"."""
    return f"Generated on {uk_datetime(at)} by {by}"


def weekly_job(summary: WeeklySummary, *, team: str = DEFAULT_TEAM) -> PrintJob:
    """Return the print job of a weekly summary, with its trend chart."""
    trend = summary.trend
    return PrintJob(
        title=weekly_title(summary),
        html=weekly_summary_html(summary, team=team),
        header=weekly_header(summary, team),
        footer=generated_text(summary.generated_at, summary.generated_by),
        images={TREND_CHART_URL: (lambda w, h: draw_trend_chart(trend, w, h), 0.36)},
    )


def annual_job(figures: AnnualFigures, *, team: str = DEFAULT_TEAM) -> PrintJob:
    """Return the print job of the annual complaints figures."""
    return PrintJob(
        title=annual_title(figures),
        html=annual_figures_html(figures, team=team),
        header=annual_header(figures, team),
        footer=generated_text(figures.generated_at, figures.generated_by),
    )


def case_job(
    detail: CaseDetail,
    *,
    team: str = DEFAULT_TEAM,
    printed_by: str,
    printed_at: datetime,
    documents: Sequence[DocumentInfo] = (),
    ehc: EhcRecord | None = None,
) -> PrintJob:
    """Return the print job of a whole case (with the list of its documents, and its EHC process if given)."""
    footer = generated_text(printed_at, printed_by)
    html = case_printout_html(
        detail,
        team=team,
        printed_by=printed_by,
        printed_at=uk_datetime(printed_at),
        documents=documents,
        ehc=ehc,
    )
    return PrintJob(
        title=case_title(detail),
        html=html,
        header=case_header(detail, team),
        footer=footer,
    )
