"""The annual complaints figures' HTML."""

from __future__ import annotations

from send_desk.bootstrap import Desk
from send_desk.reports.annual import annual_figures_html, annual_header, annual_title
from send_desk.services.reporting import ReportingService
from tests.services.test_reporting import build_known_weeks


def test_annual_html_has_every_figure(desk: Desk) -> None:
    refs = build_known_weeks(desk)
    figures = ReportingService(desk.ctx).annual_figures(2026)
    html = annual_figures_html(figures, team="North SEND")
    assert annual_title(figures) == "Complaints 2026-27"
    assert annual_header(figures, "North SEND") == "North SEND · Annual complaints figures 2026-27"
    for text in (
        "Timeliness by stage",
        "2 of 3, 67%",  # stage 1 acknowledged within 5 working days
        "1 of 2, 50% (within 10)",  # stage 1 responded within 10 working days of acknowledgement
        "0 of 0, – (within 20)",
        "Escalated to stage 2 (of stage 1 complaints answered)",
        "Partly upheld",
        "Waiting for the school&#x27;s records",
        "£250.00",
        "No decision yet",
        "SEND transport",
        "Check school transport dates",
        refs["E"],
    ):
        assert text in html, text


def test_annual_html_for_an_empty_year(desk: Desk) -> None:
    html = annual_figures_html(ReportingService(desk.ctx).annual_figures(2024), team="T")
    assert "No extensions." in html
    assert "No learning recorded." in html
    assert "£0.00" in html
