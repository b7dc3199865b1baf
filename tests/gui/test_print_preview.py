"""The print preview: pages painted by the same renderer as the PDF, Print, Save as PDF, entry points."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrintPreviewWidget

from send_desk.bootstrap import Desk
from send_desk.gui import print_preview
from send_desk.gui.print_preview import PrintPreview, PrintPreviewDialog
from tests.conftest import complaint_input
from tests.services.test_reporting import build_known_weeks


def render(dialog: PrintPreviewDialog) -> QPrintPreviewWidget:
    preview = dialog.findChild(QPrintPreviewWidget)
    assert preview is not None
    preview.updatePreview()
    return preview


def test_weekly_preview_paints_the_pages(qtbot, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    build_known_weeks(desk)
    dialog = PrintPreview.weekly_dialog(None, desk, "2026-W47", team="North SEND")
    qtbot.addWidget(dialog)
    preview = render(dialog)
    assert dialog.pages >= 2
    assert preview.pageCount() == dialog.pages
    assert "Weekly summary 2026-W47" in dialog.windowTitle()
    assert dialog.save_action.text() == "Save as PDF…"


def test_save_as_pdf_asks_for_a_file(
    qtbot,
    desk: Desk,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    refs = build_known_weeks(desk)
    dialog = PrintPreview.weekly_dialog(None, desk, "2026-W47")
    qtbot.addWidget(dialog)
    target = tmp_path / "week"
    monkeypatch.setattr(print_preview, "ask_pdf_path", lambda parent, suggested: target.with_suffix(".pdf"))
    dialog.save_action.trigger()
    text = " ".join(page.extract_text() for page in PdfReader(str(target.with_suffix(".pdf"))).pages)
    assert "2026-W47" in text
    assert refs["F"] in text


def test_save_as_pdf_cancelled_writes_nothing(
    qtbot,
    desk: Desk,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    dialog = PrintPreview.weekly_dialog(None, desk, "2026-W47")
    qtbot.addWidget(dialog)
    monkeypatch.setattr(print_preview, "ask_pdf_path", lambda parent, suggested: None)
    assert dialog.save_pdf() is None
    assert list(tmp_path.glob("*.pdf")) == []


def test_case_and_annual_previews(qtbot, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    refs = build_known_weeks(desk)
    case_id = desk.cases.get_by_reference(refs["E"]).id
    case_dialog = PrintPreview.case_dialog(None, desk, case_id)
    qtbot.addWidget(case_dialog)
    render(case_dialog)
    assert case_dialog.pages >= 2
    annual = PrintPreview.annual_dialog(None, desk, 2026)
    qtbot.addWidget(annual)
    render(annual)
    assert annual.pages >= 1


def test_show_entry_points_run_the_dialog(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []

    def fake_exec(self: PrintPreviewDialog) -> int:
        shown.append(self.job.title)
        return 1

    monkeypatch.setattr(PrintPreviewDialog, "exec", fake_exec)
    complaint = desk.cases.log_case(complaint_input())
    assert PrintPreview.show_weekly(None, desk, "2026-W47") == 1
    assert PrintPreview.show_annual(None, desk, 2025) == 1
    assert PrintPreview.show_case(None, desk, complaint.id) == 1
    assert shown == ["Weekly summary 2026-W47", "Complaints 2025-26", f"Case {complaint.reference}"]


def test_a_bad_week_is_explained_not_raised(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    warnings: list[str] = []
    monkeypatch.setattr(
        print_preview.QMessageBox, "warning", lambda parent, title, text: warnings.append(text)
    )
    assert PrintPreview.show_weekly(None, desk, "soon") == 0
    assert warnings == ["'soon' is not a week; write it as YYYY-Www, e.g. 2026-W48."]


def test_ask_offers_a_week_picker_starting_on_last_week(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    from send_desk.gui.week_picker import WeekPicker

    asked: list[tuple[object, str | None]] = []
    weeks: list[str | None] = []
    monkeypatch.setattr(
        WeekPicker,
        "ask",
        classmethod(lambda cls, parent, today, week=None: asked.append((today, week)) or week),
    )
    monkeypatch.setattr(
        PrintPreview, "show_weekly", classmethod(lambda cls, parent, d, week=None: weeks.append(week) or 1)
    )
    assert PrintPreview.ask(None, desk, case_filter=None) == 1
    assert asked == [(desk.today(), "2026-W47")]
    assert weeks == ["2026-W47"]
