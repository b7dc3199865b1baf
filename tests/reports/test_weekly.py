"""The weekly summary's HTML: every section, working shown, escaping, and no Qt in the builders."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

from send_desk.bootstrap import Desk
from send_desk.reports.weekly import TREND_CHART_URL, weekly_header, weekly_summary_html, weekly_title
from send_desk.services.reporting import ReportingService
from tests.conftest import complaint_input
from tests.services.test_reporting import build_known_weeks


def test_weekly_html_shows_every_section_with_its_working(desk: Desk) -> None:
    refs = build_known_weeks(desk)
    summary = ReportingService(desk.ctx).weekly_summary("2026-W47")
    html = weekly_summary_html(summary, team="North SEND")
    for heading in (
        "At a glance",
        "On time and late",
        "Received this week",
        "By channel",
        "Top categories",
        "Working days to respond",
        "Outcomes of complaints answered this week",
        "Workload by officer",
        "Twelve-week trend",
        "Overdue at the end of the week: 2 cases (3 targets)",
        "Targets due next week (4)",
    ):
        assert heading in html
    assert "2 of 3, 67%" in html  # responded on time, with the numerator and denominator
    assert "1 of 3, 33%" in html  # without extensions
    assert "Last 4 weeks (26/10/2026 to 22/11/2026)" in html
    assert "Year to date (01/04/2026 to 22/11/2026)" in html
    assert refs["F"] in html
    assert refs["L"] in html
    assert "Complex case" in html
    assert f'src="{TREND_CHART_URL}"' in html
    assert "<thead>" in html  # header rows repeat on every printed page
    assert weekly_title(summary) == "Weekly summary 2026-W47"
    assert (
        weekly_header(summary, "North SEND")
        == "North SEND · Weekly summary 2026-W47 (16/11/2026 to 22/11/2026)"
    )


def test_weekly_html_without_chart_keeps_the_trend_table(desk: Desk) -> None:
    summary = ReportingService(desk.ctx).weekly_summary("2026-W47")
    html = weekly_summary_html(summary, team="T", chart=False)
    assert TREND_CHART_URL not in html
    assert "2026-W36" in html
    assert "2026-W47" in html
    assert "Nothing was overdue." in html


def test_text_is_escaped(desk: Desk) -> None:
    desk.cases.log_case(complaint_input(date(2026, 11, 17), summary="<b>x</b>", officer_login=None))
    summary = ReportingService(desk.ctx).weekly_summary("2026-W47")
    html = weekly_summary_html(summary, team="<script>Team & Co</script>")
    assert "<script>" not in html
    assert "&lt;script&gt;Team &amp; Co&lt;/script&gt;" in html


def test_reports_and_services_do_not_import_qt() -> None:
    code = (
        "import sys\n"
        "import send_desk.services.reporting, send_desk.reports.weekly, send_desk.reports.annual\n"
        "import send_desk.reports.case_printout, send_desk.reports.htmlkit, send_desk.cli.report\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6')))\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_long_overdue_list_is_cut_with_a_count(desk: Desk) -> None:
    refs = build_known_weeks(desk)
    summary = ReportingService(desk.ctx).weekly_summary("2026-W47")
    html = weekly_summary_html(summary, team="T", overdue_limit=2)
    assert refs["L"] in html  # the two most overdue targets: F's acknowledgement and L's response
    assert "… and 1 more overdue target</b>" in html
    assert "Overdue at the end of the week: 2 cases (3 targets)" in html
