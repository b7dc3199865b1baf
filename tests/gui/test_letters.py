"""Write letter from the case view: an acknowledgement made, kept as a document and on the timeline."""

from __future__ import annotations

import io
from datetime import date
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from docx import Document

from send_desk.bootstrap import Desk
from send_desk.domain.kinds import CaseKind
from send_desk.gui import letters
from send_desk.gui.case_view import CaseView
from send_desk.gui.letters import WriteEmailDialog, WriteLetterDialog
from send_desk.gui.main_window import MainWindow
from tests.letters import cases as letter_cases


@pytest.fixture
def saved(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[Path]:
    """Save letters into the test's folder instead of asking, and open nothing."""
    paths: list[Path] = []

    def choose(_parent: object, suggested: str, _how: str) -> Path:
        paths.append(tmp_path / suggested)
        return paths[-1]

    monkeypatch.setattr(letters, "choose_save_path", choose)
    monkeypatch.setattr(letters, "open_file", lambda _path: None)
    return paths


def test_write_an_acknowledgement_from_the_case_view(
    qtbot,
    desk: Desk,
    window: MainWindow,
    saved: list[Path],
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    case = letter_cases.log(desk, received=date(2026, 11, 24))
    view = window.open_case(case.id)
    assert isinstance(view, CaseView)
    assert view.buttons["letter"].text() == "&Write letter…"
    seen: dict[str, object] = {}

    def drive(dialog: WriteLetterDialog) -> int:
        titles = [dialog.templates.item(r).text() for r in range(dialog.templates.count())]
        seen["titles"] = titles
        seen["default"] = [k for k, b in dialog.buttons.items() if b.isDefault()]
        seen["preview"] = dialog.preview_text()
        seen["pdf_tip"] = dialog.buttons["pdf"].toolTip()
        seen["acknowledge_visible"] = not dialog.buttons["acknowledge"].isHidden()
        dialog.buttons["acknowledge"].click()
        seen["after"] = dialog.case
        return 0

    monkeypatch.setattr(WriteLetterDialog, "exec", drive)
    view.buttons["letter"].click()

    titles = seen["titles"]
    assert isinstance(titles, list)
    assert titles[:3] == [
        "Acknowledgement: complaint, stage 1",
        "Holding letter: extension",
        "Response frame: complaint, stage 1",
    ]
    assert titles[3].endswith("(other cases)")
    assert seen["default"] == ["draft"]  # Jo Bloggs prefers email: the email routes come first
    preview = seen["preview"]
    assert isinstance(preview, str)
    assert "Date: Friday 27 November 2026" in preview
    # the acknowledgement is dated today, so the response is due 10 working days after today
    assert "send you a full response by Friday 11 December 2026" in preview
    assert seen["acknowledge_visible"] is True

    # the acknowledgement, recorded today
    assert view.case.acknowledged_on == date(2026, 11, 27)
    assert view.targets.item(0, 3).text() == "27/11/2026"
    assert view.targets.item(0, 4).text() == "Met"
    # the document kept with the case, and the draft saved where asked (no relay: an email draft)
    [document] = desk.documents.list(case.reference)
    assert document.name == "SD-2026-00001 acknowledge-complaint-stage-1 2026-11-27 1000.eml"
    assert [p.name for p in saved] == [document.name]
    assert [d.name for d in view.documents.documents] == [document.name]  # the case view's Documents tab
    assert view.tabs.tabText(view.tabs.indexOf(view.documents)) == "Docu&ments (1)"
    message = message_from_bytes(saved[0].read_bytes(), policy=policy.default)
    assert (message["X-Unsent"], message["To"]) == ("1", "jo.bloggs@example.org")
    [attachment] = list(message.iter_attachments())
    assert "Dear Jo Bloggs" in [p.text for p in Document(io.BytesIO(attachment.get_content())).paragraphs]
    # the timeline entry: to whom, how, when
    timeline = view.timeline.toPlainText()
    assert (
        "27/11/2026 10:00 · Sam Patel\nEmail to the family\n"
        "Email draft made for Jo Bloggs <jo.bloggs@example.org> (to send from Outlook) from version 1 of the "
        "template 'Acknowledgement: complaint, stage 1' (acknowledge-complaint-stage-1 in Admin ▸ "
        f"Templates); kept with the case's documents as {document.name}."
    ) in timeline
    assert f"Document added: {document.name}" in timeline


def test_a_letter_the_case_cannot_fill_says_why_in_the_preview(
    qtbot,
    desk: Desk,
    window: MainWindow,
    saved: list[Path],  # type: ignore[no-untyped-def]
) -> None:
    case = letter_cases.log(desk, kind=CaseKind.FOI)
    view = window.open_case(case.id)
    assert isinstance(view, CaseView)
    dialog = WriteEmailDialog(view, view)
    qtbot.addWidget(dialog)
    dialog.select("clarification-request")
    assert dialog.preview_text() == (
        "This letter cannot be made yet.\n"
        'The letter "Clarification request (clock stopped)" needs 2 things case SD-2026-00001 does not have '
        "yet: the day clarification was asked for; the day the desk will chase the requester. Add them to "
        "the case (or record the step that sets it), or choose another template."
    )
    assert dialog.buttons["acknowledge"].isHidden()  # an FOI request has no acknowledgement
    dialog.select("acknowledge-foi-eir")
    # 20 working days after Friday 20/11, St Andrew's Day (Mon 30/11, a Scottish bank holiday) skipped
    assert "We will reply promptly and by Monday 21 December 2026 at the latest" in dialog.preview_text()
    assert "Dear Jo Bloggs" in dialog.preview_text()
    assert not dialog.buttons["email"].isEnabled()
    assert dialog.buttons["email"].toolTip().startswith("No email relay is set up")
