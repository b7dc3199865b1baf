"""A whole case printed: every field, every stage and clock, the whole timeline."""

from __future__ import annotations

from datetime import date

from send_desk.bootstrap import Desk
from send_desk.domain.kinds import Channel, LinkKind
from send_desk.reports.case_printout import case_header, case_printout_html, case_title
from tests.conftest import complaint_input
from tests.services.test_reporting import build_known_weeks


def test_case_printout_has_every_stage_clock_and_timeline_entry(desk: Desk) -> None:
    refs = build_known_weeks(desk)
    case = desk.cases.get_by_reference(refs["E"])
    case = desk.cases.add_note(case.id, text="Called the school <urgent>")
    case = desk.cases.record_contact(case.id, text="Rang the parent", channel=Channel.PHONE)
    case = desk.cases.link(case.id, other_reference=refs["A"], kind=LinkKind.SAME_FAMILY)
    html = case_printout_html(case, team="North SEND", printed_by="Sam Patel", printed_at="27/11/2026 10:00")
    assert case_title(case) == f"Case {refs['E']}"
    assert case_header(case, "North SEND") == f"North SEND · Case {refs['E']} · Complaint"
    for text in (
        "Stage 1",
        "Stage 2",
        "19/10/2026",  # received
        "20/10/2026",  # acknowledged
        "17/11/2026 (extended from 03/11/2026)",
        "Waiting for the school&#x27;s records",
        "Partly upheld",
        "Financial",
        "£250.00",
        "Check school transport dates",
        "Priya Shah",
        "Jo Bloggs",
        "Amy Bloggs",
        "09/03/2015",
        "07700 900123",
        "Called the school &lt;urgent&gt;",
        "Rang the parent",
        refs["A"],
        "Same family",
        f"Timeline ({len(case.timeline)} entries)",
        "Printed on 27/11/2026 10:00 by Sam Patel",
    ):
        assert text in html, text
    assert "<urgent>" not in html


def test_case_printout_of_a_bare_case(desk: Desk) -> None:
    case = desk.cases.log_case(complaint_input(date(2026, 11, 20), officer_login=None, category=""))
    html = case_printout_html(case, team="T")
    assert "Unassigned" in html
    assert "No extension." in html
    assert "No linked cases." in html
    assert "Not recorded." in html  # no representative
    assert "Documents (0)" in html
    assert "No documents." in html


def test_case_printout_lists_the_cases_documents(desk: Desk) -> None:
    case = desk.cases.log_case(complaint_input(date(2026, 11, 20)))
    desk.documents.add(case.reference, "Jo's email.eml", b"From: jo@example.org\r\n\r\nHello")
    desk.documents.add(case.reference, "scan.pdf", bytes(3 * 1024 * 1024 // 2))
    removed = desk.documents.add(case.reference, "wrong.pdf", b"x")
    desk.documents.remove(case.reference, removed.id)
    html = case_printout_html(case, team="T", documents=desk.documents.list(case.reference))
    assert "Documents (2)" in html
    assert (
        "<td>Jo&#x27;s email.eml</td><td>message/rfc822</td><td class=num>29 bytes</td>"
        "<td>27/11/2026 10:00</td><td>sam.patel</td>"
    ) in html.replace("\n", "")
    assert "<td>scan.pdf</td><td>application/pdf</td><td class=num>1.5 MB</td>" in html.replace("\n", "")
    assert "wrong.pdf" not in html
