"""Every window and dialog: no two controls share an Alt+letter, and every save dialog says how to save."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
from PySide6.QtGui import QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QGroupBox,
    QLabel,
    QMainWindow,
    QMenu,
    QTabWidget,
    QWidget,
)

from send_desk.bootstrap import Desk
from send_desk.gui import actions
from send_desk.gui.main_window import MainWindow
from send_desk.gui.widgets import SAVE_HINT
from tests.gui.windows import every_window

_MNEMONIC = re.compile(r"(?<!&)&([^&\s])")


def mnemonic(text: str) -> str | None:
    """Return the Alt+letter a control's text gives (lower case), or None."""
    found = _MNEMONIC.search(text.replace("&&", ""))
    return found.group(1).lower() if found else None


def clashes(top: QWidget) -> dict[str, list[str]]:
    """Return each Alt+letter two or more visible controls of one window share, with their texts."""
    owners: dict[str, list[str]] = defaultdict(list)

    def note(text: str) -> None:
        letter = mnemonic(text)
        if letter:
            owners[letter].append(text)

    for widget in top.findChildren(QWidget):
        if widget.window() is not top or not widget.isVisibleTo(top):
            continue
        if (isinstance(widget, QLabel) and widget.buddy() is not None) or (
            isinstance(widget, QAbstractButton) and type(widget).__name__ != "QToolButton"
        ):
            note(widget.text())
        elif isinstance(widget, QGroupBox):
            note(widget.title())
        elif isinstance(widget, QTabWidget):
            for index in range(widget.count()):
                note(widget.tabText(index))
    if isinstance(top, QMainWindow):
        for action in top.menuBar().actions():
            note(action.text())
    return {letter: texts for letter, texts in owners.items() if len(texts) > 1}


def literal_ampersands(top: QWidget) -> list[str]:
    """Return the plain-text labels that would show an & as a character (a mnemonic with no buddy)."""
    return [
        label.text()
        for label in top.findChildren(QLabel)
        if label.window() is top
        and label.buddy() is None
        and label.textFormat() != label.textFormat().RichText
        and not label.text().lstrip().startswith("<")
        and mnemonic(label.text())
    ]


def menu_clashes(menu: QMenu) -> dict[str, list[str]]:
    """Return the Alt+letters two entries of one menu share (each submenu on its own)."""
    owners: dict[str, list[str]] = defaultdict(list)
    found: dict[str, list[str]] = {}
    for action in menu.actions():
        letter = mnemonic(action.text())
        if letter:
            owners[letter].append(action.text())
        if action.menu() is not None:
            found.update(menu_clashes(action.menu()))
    found.update({k: v for k, v in owners.items() if len(v) > 1})
    return found


def test_no_window_or_dialog_gives_one_alt_letter_to_two_controls(
    qtbot, desk: Desk, window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    problems = {}
    for top in every_window(qtbot, desk, window):
        name = type(top).__name__
        if found := clashes(top):
            problems[name] = found
        if found := literal_ampersands(top):
            problems[f"{name} (a & shown as a character)"] = found
    for menu in [*window.menuBar().findChildren(QMenu), window.row_menu(), window.columns_menu()]:
        if found := menu_clashes(menu):
            problems[f"menu {menu.title() or menu.accessibleName()}"] = found
    assert problems == {}


def test_the_walk_finds_a_clash_when_there_is_one(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QLineEdit, QPushButton, QVBoxLayout

    dialog = QDialog()
    qtbot.addWidget(dialog)
    layout = QVBoxLayout(dialog)
    field = QLineEdit()
    label = QLabel("&Phone:")
    label.setBuddy(field)
    for widget in (label, field, QPushButton("Descri&ption"), QLabel("&From / to")):
        layout.addWidget(widget)
    assert clashes(dialog) == {"p": ["&Phone:", "Descri&ption"]}
    assert literal_ampersands(dialog) == ["&From / to"]


@pytest.mark.parametrize("alt", ["p", "a"])
def test_the_clashes_the_walkthrough_met_are_gone(qtbot, desk: Desk, window: MainWindow, alt: str) -> None:  # type: ignore[no-untyped-def]
    from send_desk.gui.new_case import NewCaseDialog

    form = NewCaseDialog(window, desk)
    qtbot.addWidget(form)
    top = form if alt == "p" else window
    assert alt not in clashes(top)


def test_every_dialog_that_saves_shows_and_takes_ctrl_enter(qtbot, desk: Desk, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    from send_desk.gui.bulk import BulkDialog
    from send_desk.gui.new_case import NewCaseDialog

    missing = []
    for top in every_window(qtbot, desk, window):
        if not isinstance(top, actions.ActionDialog | NewCaseDialog | BulkDialog):
            continue
        hints = [label.text() for label in top.findChildren(QLabel) if SAVE_HINT in label.text()]
        keys = {s.key().toString() for s in top.findChildren(QShortcut)}
        if not hints or not {"Ctrl+Return", "Ctrl+Enter"} <= keys or "Ctrl+S" in keys:
            missing.append(type(top).__name__)
    assert missing == []
