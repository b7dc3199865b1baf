"""Administration dialogs; the main window adds a menu entry for each one the person may use.

Each entry loads its dialog class with a plain import inside a small function, so that building the main
window imports none of them (they pull in openpyxl and the case services, slow to load at launch); a
dialog's module is imported when it is first opened.

Wiring (for the main window)::

    from send_desk.gui.admin import ADMIN_MENU

    for entry in ADMIN_MENU:
        if allows(role, entry.action):                 # hidden for roles that may not use it
            act = menu.addAction(entry.label)
            act.triggered.connect(lambda _=False, e=entry: e.dialog().open(self, self.desk))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from send_desk.services.permissions import Action

if TYPE_CHECKING:
    from send_desk.gui.admin.common import AdminDialog


@dataclass(frozen=True)
class AdminEntry:
    """One Admin-menu entry: its label, the permission it needs, and how to load its dialog class."""

    label: str
    action: Action
    load: Callable[[], type[AdminDialog]]

    def dialog(self) -> type[AdminDialog]:
        """Import and return the dialog class."""
        return self.load()


def _staff() -> type[AdminDialog]:
    from send_desk.gui.admin.staff import StaffDialog

    return StaffDialog


def _policies() -> type[AdminDialog]:
    from send_desk.gui.admin.policies import PoliciesDialog

    return PoliciesDialog


def _closures() -> type[AdminDialog]:
    from send_desk.gui.admin.closures import ClosuresDialog

    return ClosuresDialog


def _categories() -> type[AdminDialog]:
    from send_desk.gui.admin.categories import CategoriesDialog

    return CategoriesDialog


def _audit() -> type[AdminDialog]:
    from send_desk.gui.admin.audit import AuditDialog

    return AuditDialog


def _subject_access() -> type[AdminDialog]:
    from send_desk.gui.admin.data_protection import SubjectAccessDialog

    return SubjectAccessDialog


def _retention() -> type[AdminDialog]:
    from send_desk.gui.admin.data_protection import RetentionDialog

    return RetentionDialog


def _templates() -> type[AdminDialog]:
    from send_desk.gui.admin.templates import TemplatesDialog

    return TemplatesDialog


def _email_relay() -> type[AdminDialog]:
    from send_desk.gui.admin.email_relay import EmailRelayDialog

    return EmailRelayDialog


def _documents() -> type[AdminDialog]:
    from send_desk.gui.admin.documents import DocumentSettingsDialog

    return DocumentSettingsDialog


ADMIN_MENU: tuple[AdminEntry, ...] = (
    AdminEntry("&Staff and roles…", Action.MANAGE_STAFF, _staff),
    AdminEntry("&Target policies…", Action.MANAGE_POLICIES, _policies),
    AdminEntry("&Closure days and holidays…", Action.MANAGE_CLOSURES, _closures),
    AdminEntry("C&ategories…", Action.MANAGE_CATEGORIES, _categories),
    AdminEntry("A&udit trail…", Action.VIEW_AUDIT, _audit),
    AdminEntry("Subject access &finder…", Action.SUBJECT_ACCESS, _subject_access),
    AdminEntry("&Retention…", Action.RETENTION, _retention),
    AdminEntry("Letter te&mplates…", Action.MANAGE_LETTERS, _templates),
    AdminEntry("&Email relay…", Action.MANAGE_LETTERS, _email_relay),
    AdminEntry("&Documents…", Action.MANAGE_SETTINGS, _documents),
)
"""Every administration screen, in menu order."""

__all__ = ["ADMIN_MENU", "AdminEntry"]
