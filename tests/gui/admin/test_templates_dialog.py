"""Admin ▸ Letter templates: versions listed, fields checked against the catalogue, preview, switch off."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from send_desk.bootstrap import Desk
from send_desk.gui.admin import templates as templates_module
from send_desk.gui.admin.email_relay import EmailRelayDialog
from send_desk.gui.admin.templates import TemplatesDialog
from send_desk.resources import resource_path
from tests.letters import cases as letter_cases
from tests.letters.smtp_server import Mailbox, smtp_server_fixture  # noqa: F401 - the fixture


def select(dialog: TemplatesDialog, name: str) -> None:
    for row, item in enumerate(dialog.model.items):
        if item.name == name:
            dialog.table.selectRow(row)
            return
    raise AssertionError(name)


def test_add_preview_and_switch_off(
    qtbot: Any, qtmodeltester: Any, desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = letter_cases.log(desk)
    dialog = TemplatesDialog(desk)
    qtbot.addWidget(dialog)
    qtmodeltester.check(dialog.model)
    assert len(dialog.model.items) == 10
    select(dialog, "acknowledge-complaint-stage-1")
    assert [v.version for v in dialog.versions.items] == [1]
    fields = dialog.fields.toPlainText()
    assert "✔\n{{ respond_by }}\nThe response target (as extended), in words\n" in fields
    assert "\n\n{{ ombudsman_by }}\n" in fields  # listed, not ticked

    # a replacement with a misspelt field is refused, naming the field
    document = Document(
        io.BytesIO(resource_path("templates", "acknowledge-complaint-stage-1.docx").read_bytes())
    )
    document.add_paragraph("Your officer is {{ oficer_name }}.")
    bad = tmp_path / "bad.docx"
    document.save(str(bad))
    monkeypatch.setattr(templates_module, "choose_docx", lambda _parent: bad)
    dialog.new_name.setText("acknowledge-complaint-stage-1")
    dialog.add_button.click()
    assert dialog.message.text() == (
        "The template uses {{ oficer_name }}, which is not a field the desk knows. Use a name from the field "
        "list (Admin ▸ Templates shows it), or correct the spelling in Word."
    )
    # a good replacement becomes version 2; version 1 is kept
    document = Document(
        io.BytesIO(resource_path("templates", "acknowledge-complaint-stage-1.docx").read_bytes())
    )
    document.add_paragraph("Your officer is {{ officer_name }}.")
    good = tmp_path / "good.docx"
    document.save(str(good))
    monkeypatch.setattr(templates_module, "choose_docx", lambda _parent: good)
    dialog.new_name.setText("acknowledge-complaint-stage-1")
    dialog.add_button.click()
    assert (
        dialog.message.text()
        == "Added Acknowledgement: complaint, stage 1 version 2: its fields are all known."
    )
    assert dialog.selected().version == 2  # type: ignore[union-attr]
    assert [v.version for v in dialog.versions.items] == [2, 1]

    dialog.case_reference.setText(case.reference)
    dialog.preview_button.click()
    assert "Your officer is Alex Jones." in dialog.preview_text()
    assert "Our reference: SD-2026-00001" in dialog.preview_text()
    dialog.versions_table.selectRow(1)
    dialog.preview_button.click()
    assert "Your officer is" not in dialog.preview_text()

    dialog.active_button.click()
    assert dialog.message.text() == "Acknowledgement: complaint, stage 1 is switched off."
    assert "acknowledge-complaint-stage-1" not in [t.name for t in desk.letters.templates_for(case)]
    assert dialog.active_button.text() == "Switch o&n"


def test_email_relay_saved_tested_and_its_password_never_stored_here(
    qtbot: Any, desk: Desk, smtp_server: Mailbox
) -> None:
    dialog = EmailRelayDialog(desk)
    qtbot.addWidget(dialog)
    assert dialog.host.text() == ""
    dialog.host.setText(smtp_server.host)
    dialog.port.setValue(smtp_server.port)
    dialog.from_address.setText("send.team@council.example")
    dialog.save_button.click()
    assert dialog.message.text() == (
        f"Saved: the desk sends through {smtp_server.host}:{smtp_server.port} as send.team@council.example."
    )
    dialog.test_to.setText("it@council.example")
    dialog.test_button.click()
    assert dialog.message.text() == (
        f"Sent a test email to it@council.example through {smtp_server.host}:{smtp_server.port}."
    )
    [received] = smtp_server.received
    assert (received.message["To"], received.message["Subject"]) == (
        "it@council.example",
        "SEND Desk: test email",
    )
    # the tests' credential store refuses everything: the password is not kept anywhere, and it says so
    dialog.user.setText("relay-user")
    dialog.password.setText("s3cret")
    dialog.keep_button.click()
    assert dialog.message.text().startswith("This PC's credential store would not keep the password")
    assert dialog.message.text().endswith("Set SEND_DESK_SMTP_PASSWORD for scheduled tasks instead.")
    assert dialog.password.text() == ""
    again = EmailRelayDialog(desk)
    qtbot.addWidget(again)
    assert (again.host.text(), again.port.value(), again.user.text()) == (
        smtp_server.host,
        smtp_server.port,
        "",
    )
