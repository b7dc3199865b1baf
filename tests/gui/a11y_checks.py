"""Accessibility checks over one window, read through the QAccessible tree as a screen reader reads it."""

from __future__ import annotations

import re

from PySide6 import QtGui
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QTextDocument
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QRadioButton,
    QTabWidget,
    QWidget,
)


def accessible_name(widget: QWidget) -> str:
    """Return the name a screen reader reads for a widget."""
    face = QAccessible.queryAccessibleInterface(widget)
    return face.text(QAccessible.Text.Name) if face is not None else ""


def plain(text: str, *, mnemonic: bool = True) -> str:
    """Return text as a sighted person reads it: no mnemonic &, no HTML, single spaces."""
    if QtGui.Qt.mightBeRichText(text):  # type: ignore[attr-defined]
        doc = QTextDocument()
        doc.setHtml(text)
        text = doc.toPlainText()
    if mnemonic:
        text = re.sub(r"&(?!&)", "", text).replace("&&", "&")
    return " ".join(text.split())


def inner_editor(widget: QWidget) -> bool:
    """Tell whether a widget is the text part of a spin box or combo box (named by its owner)."""
    parent = widget.parentWidget()
    return isinstance(parent, QAbstractSpinBox | QComboBox)


def shown(widget: QWidget, top: QWidget) -> bool:
    """Tell whether a widget belongs to this window and is on show in it."""
    return widget.window() is top and widget.isVisibleTo(top)


def arrow_only(widget: QWidget) -> bool:
    """Tell whether a radio button is reached by the arrow keys, not Tab (another of its group is checked)."""
    if not isinstance(widget, QRadioButton) or widget.isChecked():
        return False
    group = widget.group()
    peers = group.buttons() if group is not None else widget.parentWidget().findChildren(QRadioButton)
    return any(peer.isChecked() for peer in peers if peer is not widget and peer.autoExclusive())


def tab_stops(top: QWidget) -> list[QWidget]:
    """Return the window's visible, enabled controls that Tab can reach, in focus-chain order."""
    found: list[QWidget] = []
    widget = top.nextInFocusChain()
    while widget is not top and widget not in found:
        if (
            shown(widget, top)
            and widget.isEnabled()
            and widget.focusPolicy() & Qt.FocusPolicy.TabFocus == Qt.FocusPolicy.TabFocus
            and widget.focusProxy() is None
            and not inner_editor(widget)
            and not arrow_only(widget)
        ):
            found.append(widget)
        widget = widget.nextInFocusChain()
    return found


def proxied_by(top: QWidget, widget: QWidget) -> list[QWidget]:
    """Return the widgets that hand their focus to this one (a tab widget to its tab bar)."""
    return [w for w in top.findChildren(QTabWidget) if w.focusProxy() is widget and shown(w, top)]


def describe(widget: QWidget) -> str:
    """Say which control this is, for a failure message."""
    name = widget.objectName() or accessible_name(widget) or plain(visible_text(widget))
    return f"{type(widget).__name__} {name!r}"


def unnamed_controls(top: QWidget) -> list[str]:
    """Return the controls Tab reaches that have no accessible name (check a)."""
    return [
        describe(w)
        for stop in tab_stops(top)
        for w in [stop, *proxied_by(top, stop)]
        if not accessible_name(w).strip()
    ]


def visible_text(widget: QWidget) -> str:
    """Return the text a label or button shows ('' for other widgets)."""
    if isinstance(widget, QLabel | QAbstractButton):
        return widget.text()
    return ""


def hidden_texts(top: QWidget) -> list[str]:
    """Return the labels and buttons whose accessible name does not contain their visible text (check b)."""
    found = []
    for widget in top.findChildren(QLabel) + top.findChildren(QAbstractButton):
        if not shown(widget, top):
            continue
        mnemonic = not isinstance(widget, QLabel) or widget.buddy() is not None  # else the & is shown
        text = plain(visible_text(widget), mnemonic=mnemonic)
        name = " ".join(accessible_name(widget).split())
        if text and text.casefold() not in name.casefold():
            found.append(f"{type(widget).__name__} shows {text!r} but is read as {name!r}")
    return found


def focused(top: QWidget) -> QWidget | None:
    """Return the control holding the focus (the owner of a spin box's or combo's text part)."""
    widget = QApplication.focusWidget()
    if widget is not None and inner_editor(widget):
        widget = widget.parentWidget()
    return widget if widget is not None and widget.window() is top else None


def tab_cycle_problems(top: QWidget) -> list[str]:
    """Press Tab from the first control: every control must come round, and then the first again (check c)."""
    stops = tab_stops(top)
    if not stops:
        return []
    top.activateWindow()
    stops[0].setFocus(Qt.FocusReason.TabFocusReason)
    QApplication.processEvents()
    first = focused(top)
    if first is None:
        return [f"{describe(stops[0])} does not take the focus"]
    seen: list[QWidget] = [first]
    for _ in range(len(stops) + 2):
        current = QApplication.focusWidget()
        QTest.keyClick(current, Qt.Key.Key_Tab)
        QApplication.processEvents()
        now = focused(top)
        if now is None:
            return [f"Tab from {describe(seen[-1])} leaves the window"]
        if now is first:
            break
        seen.append(now)
    else:
        last = [describe(w) for w in seen[-4:]]
        return [f"Tab never comes back to {describe(first)}; it goes round {last}"]
    return [f"Tab never reaches {describe(w)}" for w in stops if w not in seen]
