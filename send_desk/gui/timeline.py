"""The case's timeline tab: the whole story in plain words, newest or oldest first, filtered by type."""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QTextBrowser, QVBoxLayout, QWidget

from send_desk.gui.widgets import combo
from send_desk.services.timeline import arrange
from send_desk.values.timeline import StoryEntry, StoryType

ALL = "all"


def story_html(entries: Sequence[StoryEntry]) -> str:
    """Return the entries as the timeline shows them: when, what happened, who, and any more lines."""
    if not entries:
        return "<p>Nothing of this type has happened yet.</p>"
    parts = []
    for item in entries:
        more = "".join(f"<br>{html.escape(line).replace(chr(10), '<br>')}" for line in item.lines)
        who = f" · {html.escape(item.author)}" if item.author else ""
        parts.append(
            f"<p><span style='color:#555'>{html.escape(item.when)}{who}</span><br>"
            f"<b>{html.escape(item.headline)}</b>{more}</p>"
        )
    return "".join(parts)


class TimelinePanel(QWidget):
    """The timeline with its order and type filter; it shows what `show_story` was last given."""

    def __init__(self, parent: QWidget | None = None) -> None:
        """Build the filter row and the text."""
        super().__init__(parent)
        self._story: tuple[StoryEntry, ...] = ()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        row = QHBoxLayout()
        self.type_filter: QComboBox = combo(
            [("Everything", ALL), *((t.label, t.value) for t in StoryType)], name="Show on the timeline"
        )
        self.order: QComboBox = combo(
            [("Newest first", True), ("Oldest first", False)], name="Timeline order"
        )
        show = QLabel("Sho&w:")
        show.setBuddy(self.type_filter)
        order = QLabel("Order b&y date:")
        order.setBuddy(self.order)
        row.addWidget(show)
        row.addWidget(self.type_filter, 1)
        row.addSpacing(12)
        row.addWidget(order)
        row.addWidget(self.order)
        layout.addLayout(row)
        self.text = QTextBrowser()
        self.text.setAccessibleName("Timeline")
        self.text.setOpenLinks(False)
        layout.addWidget(self.text, 1)
        self.type_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        self.order.currentIndexChanged.connect(lambda _i: self.refresh())

    def show_story(self, story: Sequence[StoryEntry]) -> None:
        """Show a case's story (oldest first, as the case carries it) in the chosen order and filter."""
        self._story = tuple(story)
        self.refresh()

    def shown(self) -> list[StoryEntry]:
        """Return the entries shown now, in the order shown."""
        chosen = self.type_filter.currentData()
        types = None if chosen == ALL else [StoryType(chosen)]
        return arrange(self._story, newest_first=bool(self.order.currentData()), types=types)

    def refresh(self) -> None:
        """Show the story again with the order and filter chosen now."""
        self.text.setHtml(story_html(self.shown()))

    def toPlainText(self) -> str:
        """Return the timeline's text as shown."""
        return self.text.toPlainText()
