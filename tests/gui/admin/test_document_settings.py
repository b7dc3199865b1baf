"""Admin ▸ Documents: the size limit of one document, changed by an admin and audited."""

from __future__ import annotations

from send_desk.bootstrap import Desk
from send_desk.gui.admin.documents import DocumentSettingsDialog
from send_desk.values.documents import MEGABYTE


def test_an_admin_changes_the_limit(qtbot, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    dialog = DocumentSettingsDialog(desk)
    qtbot.addWidget(dialog)
    assert dialog.limit.value() == 25
    dialog.limit.setValue(40)
    dialog.save_button.click()
    assert dialog.message.text() == "Files up to 40 MB are kept from now on."
    assert desk.documents.max_bytes() == 40 * MEGABYTE
