"""Every kind of export is recorded and shown in Admin ▸ Export log; officers and the team's export rule."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from send_desk.bootstrap import Desk
from send_desk.domain.errors import PermissionDeniedError
from send_desk.gui.admin.data_protection import ExportLogDialog
from send_desk.gui.print_preview import PrintPreview
from send_desk.services.export_log import ExportKind
from send_desk.values.cases import CaseDetail
from tests.conftest import complaint_input


def test_every_kind_of_export_is_in_the_export_log_view(
    qtbot: QtBot, desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = desk.cases.log_case(complaint_input())
    desk.exports.export_all(tmp_path / "cases.xlsx")
    desk.exports.export_all(tmp_path / "cases.csv", pseudonymise=True)
    for make in (
        lambda: PrintPreview.weekly_dialog(None, desk, "2026-W47"),
        lambda: PrintPreview.annual_dialog(None, desk, 2025),
        lambda: PrintPreview.case_dialog(None, desk, case.id),
    ):
        dialog = make()
        qtbot.addWidget(dialog)
        assert dialog.save_pdf(tmp_path / f"{dialog.job.title[:20]}.pdf") is not None
    list(desk.subject_access.export_pack([case.reference], tmp_path / "pack.xlsx"))
    list(desk.audit.export_xlsx(tmp_path / "audit.xlsx"))

    view = ExportLogDialog(desk)
    qtbot.addWidget(view)
    model = view.model
    shown = [
        tuple(model.index(row, column).data() for column in (2, 3, 5, 6)) for row in range(model.rowCount())
    ]
    assert sorted(shown) == sorted(
        [
            ("Spreadsheet (cases)", "cases.xlsx", "1", "No"),
            ("CSV (cases)", "cases.csv", "1", "Yes"),
            ("Weekly summary (PDF)", shown_target(shown, "Weekly summary (PDF)"), "3", "No"),  # pages
            ("Annual figures (PDF)", shown_target(shown, "Annual figures (PDF)"), "1", "No"),
            ("Case print-out (PDF)", shown_target(shown, "Case print-out (PDF)"), "1", "No"),
            ("Subject-access pack", "pack.xlsx", "1", "No"),
            ("Audit trail export", "audit.xlsx", shown_rows(shown, "Audit trail export"), "No"),
        ]
    )
    assert {model.index(row, 1).data() for row in range(model.rowCount())} == {"Sam Patel (sam.patel)"}
    assert "Status: All" in model.index(shown.index(next(s for s in shown if s[1] == "cases.xlsx")), 4).data()


def shown_target(shown: list[tuple[str, ...]], kind: str) -> str:
    (target,) = [row[1] for row in shown if row[0] == kind]
    assert target.endswith(".pdf")
    return target


def shown_rows(shown: list[tuple[str, ...]], kind: str) -> str:
    (rows,) = [row[2] for row in shown if row[0] == kind]
    assert int(rows) >= 1
    return rows


def test_officers_export_the_log_and_the_team_can_require_pseudonymised_exports(
    desk: Desk, officer_desk: Desk, manager_desk: Desk, complaint: CaseDetail, tmp_path: Path
) -> None:
    assert officer_desk.exports.export_all(tmp_path / "mine.xlsx").cases == 1
    manager_desk.export_log.set_pseudonymised_only(True)
    with pytest.raises(PermissionDeniedError, match="Your team exports pseudonymised data only"):
        officer_desk.exports.export_all(tmp_path / "names.xlsx")
    assert not (tmp_path / "names.xlsx").exists()
    with pytest.raises(PermissionDeniedError, match="Your team exports pseudonymised data only"):
        officer_desk.exports.export_all(tmp_path / "names.csv")
    assert officer_desk.exports.export_all(tmp_path / "tokens.xlsx", pseudonymise=True).pseudonymised
    assert manager_desk.exports.export_all(tmp_path / "manager.xlsx").cases == 1  # managers are not bound
    with pytest.raises(PermissionDeniedError, match="Only a manager or an admin can set the team"):
        officer_desk.export_log.set_pseudonymised_only(False)
    with pytest.raises(PermissionDeniedError, match="Only a manager or an admin can see the export log"):
        officer_desk.export_log.entries()
    kinds = [(e.login, e.kind, e.target, e.pseudonymised) for e in manager_desk.export_log.entries()]
    assert kinds == [
        ("priya.shah", ExportKind.SPREADSHEET, "manager.xlsx", False),
        ("alex.jones", ExportKind.SPREADSHEET, "tokens.xlsx", True),
        ("alex.jones", ExportKind.SPREADSHEET, "mine.xlsx", False),
    ]
