"""Administration dialogs; the main window adds a menu entry for each one the person may use.

Wiring (for the main window)::

    from send_desk.gui.admin import ADMIN_MENU, can

    for label, dialog in ADMIN_MENU:
        act = menu.addAction(label)
        act.triggered.connect(lambda _=False, d=dialog: d.open(self, self.desk))
        act.setVisible(dialog.allowed(self.desk))      # hidden for roles that may not use it
"""

from __future__ import annotations

from send_desk.gui.admin.audit import AuditDialog
from send_desk.gui.admin.categories import CategoriesDialog
from send_desk.gui.admin.closures import ClosuresDialog
from send_desk.gui.admin.common import AdminDialog, can
from send_desk.gui.admin.data_protection import RetentionDialog, SubjectAccessDialog
from send_desk.gui.admin.policies import PoliciesDialog
from send_desk.gui.admin.staff import StaffDialog

ADMIN_MENU: tuple[tuple[str, type[AdminDialog]], ...] = (
    ("&Staff and roles…", StaffDialog),
    ("&Target policies…", PoliciesDialog),
    ("&Closure days and holidays…", ClosuresDialog),
    ("C&ategories…", CategoriesDialog),
    ("Audit &trail…", AuditDialog),
    ("Subject access &finder…", SubjectAccessDialog),
    ("&Retention…", RetentionDialog),
)
"""Menu label and dialog class of every administration screen, in menu order."""

__all__ = [
    "ADMIN_MENU",
    "AdminDialog",
    "AuditDialog",
    "CategoriesDialog",
    "ClosuresDialog",
    "PoliciesDialog",
    "RetentionDialog",
    "StaffDialog",
    "SubjectAccessDialog",
    "can",
]
