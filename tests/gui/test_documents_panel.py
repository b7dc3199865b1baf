"""The case's Documents tab and a new case from an email dropped on the main window (pytest-qt)."""

from __future__ import annotations

import hashlib
import json
import stat
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from sqlalchemy import select

from send_desk.bootstrap import Desk
from send_desk.db.models import AuditEntry
from send_desk.document_copies import clean_private_copies, private_folder, write_private_copy
from send_desk.gui.case_view import CaseView
from send_desk.gui.documents_panel import DocumentsPanel
from send_desk.gui.email_intake import NewCaseFromEmailDialog
from send_desk.gui.main_window import MainWindow
from send_desk.values.cases import PersonInput
from send_desk.values.documents import MEGABYTE
from tests.conftest import complaint_input
from tests.email_samples import JO_LETTER, jo_eml
from tests.gui.helpers import ModalDriver, check
from tests.msg_fixture import FIXTURE, ZOE_REPORT


def drop(widget: QWidget, *paths: Path) -> QDropEvent:
    """Drag files over a widget and drop them, as Explorer or the desktop would."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path)) for path in paths])
    where = QPointF(widget.width() / 2, widget.height() / 2)
    buttons, keys = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(where.toPoint(), Qt.DropAction.CopyAction, mime, buttons, keys)
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted()
    event = QDropEvent(where, Qt.DropAction.CopyAction, mime, buttons, keys)
    QApplication.sendEvent(widget, event)
    return event


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Record what would be opened with the computer's own program instead of opening it."""
    paths: list[Path] = []
    monkeypatch.setattr(DocumentsPanel, "opener", staticmethod(lambda path: paths.append(path) or True))
    return paths


def test_drop_open_and_remove_on_the_case_view(  # type: ignore[no-untyped-def]
    qtbot, desk: Desk, window: MainWindow, tmp_path: Path, opened: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    case = desk.cases.log_case(complaint_input())
    view = window.open_case(case.id)
    assert isinstance(view, CaseView)
    panel = view.documents
    assert view.tabs.tabText(view.tabs.indexOf(panel)) == "Docu&ments"
    letter = tmp_path / "signed response.pdf"
    letter.write_bytes(b"%PDF-1.4 signed" + bytes(range(256)))

    assert drop(view, letter).isAccepted()  # dropped anywhere on the case view

    assert [d.name for d in desk.documents.list(case.reference)] == ["signed response.pdf"]
    assert view.tabs.tabText(view.tabs.indexOf(panel)) == "Docu&ments (1)"
    assert [panel.table.item(0, c).text() for c in range(5)] == [
        "signed response.pdf",
        "PDF",
        "271 bytes",
        "27/11/2026 10:00",
        "sam.patel",
    ]
    panel.table.selectRow(0)
    panel.open_button.click()
    [copy] = opened
    assert copy.read_bytes() == letter.read_bytes()
    assert copy.name == "signed response.pdf"
    assert copy.parent.parent == private_folder()
    assert stat.S_IMODE(private_folder().stat().st_mode) == 0o700
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600

    monkeypatch.setattr(
        DocumentsPanel, "ask_remove_reason", classmethod(lambda cls, parent, name: "Wrong case")
    )
    panel.table.selectRow(0)
    panel.remove_button.click()
    assert desk.documents.list(case.reference) == []
    assert panel.table.rowCount() == 0
    with desk.ctx.db.read() as session:
        actions = session.scalars(
            select(AuditEntry.action).where(AuditEntry.case_id == case.id).order_by(AuditEntry.id)
        ).all()
    assert actions[-2:] == ["document-added", "document-removed"]


def test_a_30_mb_file_dropped_is_refused_with_the_limit(  # type: ignore[no-untyped-def]
    qtbot, desk: Desk, window: MainWindow, tmp_path: Path
) -> None:
    case = desk.cases.log_case(complaint_input())
    view = window.open_case(case.id)
    assert isinstance(view, CaseView)
    big = tmp_path / "whole file scan.pdf"
    big.write_bytes(bytes(30 * MEGABYTE))
    small = tmp_path / "note.txt"
    small.write_bytes(b"kept")
    view.documents.add_paths([big, small])
    assert view.documents.banner.isVisibleTo(view.documents)
    assert view.documents.banner.text() == (
        "whole file scan.pdf is 30 MB, larger than the 25 MB limit for one document. Make the file smaller "
        "(for example, scan at a lower resolution or save it as PDF) or ask your SEND Desk admin to raise "
        "the limit."
    )
    assert [d.name for d in desk.documents.list(case.reference)] == ["note.txt"]


def test_an_email_shows_its_sender_date_subject_and_attachments(  # type: ignore[no-untyped-def]
    qtbot, desk: Desk, window: MainWindow, opened: list[Path]
) -> None:
    case = desk.cases.log_case(complaint_input())
    desk.documents.add(case.reference, "zoe.msg", FIXTURE.read_bytes())
    view = window.open_case(case.id)
    assert isinstance(view, CaseView)
    panel = view.documents
    panel.table.selectRow(0)
    assert panel.table.item(0, 1).text() == "Outlook email"
    assert panel.email_info.text() == (
        "<b>From:</b> Zoë Ó Briain &lt;zoe.obriain@example.org&gt;<br/><b>Sent:</b> 24/11/2026 09:15"
        "<br/><b>Subject:</b> Amy’s EHC assessment – still waiting<br/><b>Attachments:</b> 1"
    )
    assert panel.attachments.item(0, 0).text() == "school report.pdf"
    assert panel.attachment_button.isVisibleTo(panel)
    panel.attachment_button.click()
    assert opened[-1].read_bytes() == ZOE_REPORT
    kept = panel.keep_attachment()
    assert kept is not None
    assert desk.documents.content(case.reference, "school report.pdf") == ZOE_REPORT


def test_private_copies_are_cleaned_at_the_next_start() -> None:
    first = write_private_copy("a.pdf", b"a")
    second = write_private_copy("a.pdf", b"b")  # the same name twice never collides
    assert first != second
    assert (first.read_bytes(), second.read_bytes()) == (b"a", b"b")
    assert clean_private_copies() == 2
    assert list(private_folder().iterdir()) == []


def test_drop_an_email_on_the_main_window_and_save_the_filled_in_case(  # type: ignore[no-untyped-def]
    qtbot, desk: Desk, window: MainWindow, tmp_path: Path
) -> None:
    earlier = desk.cases.log_case(
        complaint_input(
            received=date(2026, 10, 1),
            contact=PersonInput(name="S Ní Bhriain", email="siobhan.nibhriain@example.org"),
        )
    )
    email = tmp_path / "Request for an assessment.eml"
    email.write_bytes(jo_eml())
    seen: dict[str, object] = {}

    def fill_and_save(dialog: QDialog) -> None:
        assert isinstance(dialog, NewCaseFromEmailDialog)
        seen.update(
            kind=dialog.kind.currentData(),
            channel=dialog.channel.currentData(),
            received=dialog.received.text(),
            contact=(dialog.contact_name.text(), dialog.contact_email.text()),
            summary=dialog.summary.text(),
            description=dialog.description.toPlainText(),
            earlier=[dialog.earlier_list.item(i).text() for i in range(dialog.earlier_list.count())],
        )
        dialog.earlier_list.item(0).setCheckState(Qt.CheckState.Checked)  # link the earlier case
        dialog.save()

    driver = ModalDriver(qtbot)
    driver.drive([check(fill_and_save)])
    assert drop(window, email).isAccepted()
    driver.raise_errors()

    assert seen["kind"] == "enquiry"
    assert seen["channel"] == "email"
    assert seen["received"] == "23/11/2026"
    assert seen["contact"] == ("Siobhán Ní Bhriain", "siobhan.nibhriain@example.org")
    assert seen["summary"] == "Request for an EHC needs assessment for Oisín"
    assert seen["description"] == (
        "Hello,\n\nI would like to ask for an EHC needs assessment for my son Oisín.\n\nThank you,\nSiobhán"
    )
    assert len(seen["earlier"]) == 1  # type: ignore[arg-type]
    assert earlier.reference in seen["earlier"][0]  # type: ignore[index]

    [row] = [
        r for r in desk.register.list_cases(_all(), sort="reference") if r.reference != earlier.reference
    ]
    case = desk.cases.get_by_reference(row.reference)
    assert (case.kind.value, case.channel, case.received_on) == ("enquiry", "email", date(2026, 11, 23))
    assert case.received_at == datetime(2026, 11, 23, 16, 42, tzinfo=UTC)
    assert case.contact is not None
    assert (case.contact.name, case.contact.email) == ("Siobhán Ní Bhriain", "siobhan.nibhriain@example.org")
    assert earlier.reference in [link.reference for link in case.links]
    [kept] = desk.documents.list(case.reference)
    assert (kept.name, kept.media_type) == ("Request for an assessment.eml", "message/rfc822")
    assert desk.documents.content(case.reference, kept.id) == email.read_bytes()
    assert kept.sha256 == hashlib.sha256(email.read_bytes()).hexdigest()
    message = desk.documents.email(case.reference, kept.id)
    assert [a.content for a in message.attachments] == [JO_LETTER]
    assert (
        window.statusBar().currentMessage() == f"Logged {case.reference} from Request for an assessment.eml"
    )
    with desk.ctx.db.read() as session:
        body = session.scalars(
            select(AuditEntry.changes).where(
                AuditEntry.action == "document-added", AuditEntry.case_id == case.id
            )
        ).one()
    assert json.loads(body)["details"]["name"] == "Request for an assessment.eml"


def test_file_menu_new_case_from_email(
    qtbot, desk: Desk, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("send_desk.gui.email_intake.ask_email_file", lambda parent: FIXTURE)
    driver = ModalDriver(qtbot)
    driver.drive([check(lambda dialog: dialog.save())])  # type: ignore[attr-defined]
    assert window.new_from_email_action.text() == "New case from e&mail…"
    window.new_from_email_action.trigger()
    driver.raise_errors()
    [row] = desk.register.list_cases(_all(), sort="reference")
    case = desk.cases.get_by_reference(row.reference)
    assert case.summary == "Amy’s EHC assessment – still waiting"
    assert case.contact is not None
    assert case.contact.name == "Zoë Ó Briain"
    assert [d.name for d in desk.documents.list(case.reference)] == ["zoe.msg"]


def _all():  # type: ignore[no-untyped-def]
    from send_desk.values.cases import CaseFilter

    return CaseFilter(status="all")


def test_a_file_that_is_not_an_email_dropped_on_the_main_window_is_explained(  # type: ignore[no-untyped-def]
    qtbot, desk: Desk, window: MainWindow, tmp_path: Path
) -> None:
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF")
    assert drop(window, scan).isAccepted()
    assert window.statusBar().currentMessage() == (
        "Drop an email (.eml or .msg) here to log a new case from it. Other files go on a case: open the "
        "case and drop them on its Documents tab."
    )
    assert desk.register.list_cases(_all(), sort="reference") == []
