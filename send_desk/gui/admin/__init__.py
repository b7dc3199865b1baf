"""Administration dialogs; the main window adds a menu entry for each one the person may use.

The menu names each dialog by module and class so that building the main window imports none of them
(they pull in openpyxl and the case services); a dialog's module is imported when it is first opened.

Wiring (for the main window)::

    from send_desk.gui.admin import ADMIN_MENU

    for entry in ADMIN_MENU:
        if allows(role, entry.action):                 # hidden for roles that may not use it
            act = menu.addAction(entry.label)
            act.triggered.connect(lambda _=False, e=entry: e.dialog().open(self, self.desk))
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from send_desk.services.permissions import Action

if TYPE_CHECKING:
    from send_desk.gui.admin.common import AdminDialog


@dataclass(frozen=True)
class AdminEntry:
    """One Admin-menu entry: its label, the permission it needs, and where its dialog class lives."""

    label: str
    action: Action
    module: str
    class_name: str

    def dialog(self) -> type[AdminDialog]:
        """Import and return the dialog class."""
        module = importlib.import_module(f"send_desk.gui.admin.{self.module}")
        dialog: type[AdminDialog] = getattr(module, self.class_name)
        return dialog


ADMIN_MENU: tuple[AdminEntry, ...] = (
    AdminEntry("&Staff and roles…", Action.MANAGE_STAFF, "staff", "StaffDialog"),
    AdminEntry("&Target policies…", Action.MANAGE_POLICIES, "policies", "PoliciesDialog"),
    AdminEntry("&Closure days and holidays…", Action.MANAGE_CLOSURES, "closures", "ClosuresDialog"),
    AdminEntry("C&ategories…", Action.MANAGE_CATEGORIES, "categories", "CategoriesDialog"),
    AdminEntry("Audit &trail…", Action.VIEW_AUDIT, "audit", "AuditDialog"),
    AdminEntry("Subject access &finder…", Action.SUBJECT_ACCESS, "data_protection", "SubjectAccessDialog"),
    AdminEntry("&Retention…", Action.RETENTION, "data_protection", "RetentionDialog"),
)
"""Every administration screen, in menu order."""

__all__ = ["ADMIN_MENU", "AdminEntry"]
