"""The register table model: an ordered list of case ids with rows fetched lazily in pages."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from send_desk.domain.errors import SendDeskError
from send_desk.domain.kinds import CaseKind, CaseStatus
from send_desk.domain.wording import WORKING_DAYS_OVERDUE, uk_date
from send_desk.gui.style import RAG_STYLES, kind_stage, rag_icon
from send_desk.values.cases import CaseRow

PAGE_SIZE = 200
MAX_CACHED_PAGES = 50

AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    """One register column: its header, starting width (pixels), SQL sort key and how a row shows in it."""

    header: str
    width: int
    sort_key: str
    text: Callable[[CaseRow], str]
    tooltip: Callable[[CaseRow], str] | None = None
    stretch: bool = False
    """A text column: it shares the window's spare width, and its text elides (the whole on hover)."""
    most_urgent_first: Qt.SortOrder = Qt.SortOrder.AscendingOrder
    """The order a first click on the header sorts in."""
    full_name: str = ""
    """What a short header stands for (its hover help, what a screen reader says, the columns menu)."""
    fits: str = ""
    """A long text the column starts wide enough to show whole (it then keeps its width)."""

    @property
    def name(self) -> str:
        """Return the column's name in full (the header, unless a short header stands for it)."""
        return self.full_name or self.header


def _ack_tip(row: CaseRow) -> str:
    if row.acknowledge_by is None:
        return "No acknowledgement target"
    if row.acknowledged_on is not None:
        return f"Acknowledged on {uk_date(row.acknowledged_on)}"
    return "Not acknowledged yet"


def _respond_tip(row: CaseRow) -> str:
    if row.responded_on is not None:
        return f"Responded on {uk_date(row.responded_on)}"
    return "No response target" if row.respond_by is None else "Not responded yet"


def _next_due_tip(row: CaseRow) -> str:
    if row.next_due is None:
        return "Nothing outstanding" if row.status is CaseStatus.OPEN else "Closed"
    return f"The earliest open target of any stage falls due on {uk_date(row.next_due)}"


def _overdue_text(row: CaseRow) -> str:
    return "" if row.overdue_days is None else str(row.overdue_days)


def _overdue_tip(row: CaseRow) -> str:
    if row.overdue_days is None:
        return "Not overdue"
    days = row.overdue_days
    return f"{days} working day{'' if days == 1 else 's'} past the target due on {uk_date(row.next_due)}"


def _rag_tip(row: CaseRow) -> str:
    if row.next_due is None:
        return RAG_STYLES[row.rag].label
    return f"{RAG_STYLES[row.rag].label}: next target {uk_date(row.next_due)}"


LONG_NAME = "Alexandra Richardson"
"""A long name the name columns start wide enough to show whole in a window 1280 pixels wide.

Longer ones elide (whole on hover): wider name columns would leave the kind, category and officer a
couple of letters each.
"""

COLUMNS: tuple[Column, ...] = (
    Column("Reference", 118, "reference", lambda r: r.reference, lambda r: r.summary or r.reference),
    Column("Kind", 140, "kind", lambda r: kind_stage(r.kind, r.stage), stretch=True),
    Column("Received", 86, "received_on", lambda r: uk_date(r.received_on)),
    Column("Contact", 130, "contact", lambda r: r.contact_name, fits=LONG_NAME),
    Column("Child", 125, "child", lambda r: r.child_name, fits=LONG_NAME),
    Column("Category", 160, "category", lambda r: r.category, stretch=True),
    Column("Officer", 110, "officer", lambda r: r.officer or "Unassigned", stretch=True),
    Column("Status", 62, "status", lambda r: "Open" if r.status is CaseStatus.OPEN else "Closed"),
    Column(
        "Acknowledge by",
        112,
        "acknowledge_by",
        lambda r: uk_date(r.acknowledge_by, "—") + (" ✓" if r.acknowledged_on else ""),
        _ack_tip,
    ),
    Column(
        "Respond by",
        100,
        "respond_by",
        lambda r: uk_date(r.respond_by, "—") + (" ✓" if r.responded_on else ""),
        _respond_tip,
    ),
    Column("RAG", 90, "next_due", lambda r: RAG_STYLES[r.rag].label, _rag_tip),
    Column("Next due", 86, "next_due", lambda r: uk_date(r.next_due, "—"), _next_due_tip),
    Column(
        "Days late",
        74,
        "overdue_days",
        _overdue_text,
        _overdue_tip,
        most_urgent_first=Qt.SortOrder.DescendingOrder,
        full_name=WORKING_DAYS_OVERDUE,
    ),
)
"""The register, left to right; the window lays out each column at its width (the person may resize)."""


def column_index(sort_key: str) -> int:
    """Return the position of the column sorted by `sort_key`."""
    return next(index for index, column in enumerate(COLUMNS) if column.sort_key == sort_key)


RAG_COLUMN = next(index for index, column in enumerate(COLUMNS) if column.header == "RAG")
"""The column shaded by the case's RAG state."""
KIND_COLUMN = column_index("kind")
"""The column whose hover help describes the kind's targets."""
OVERDUE_COLUMN = column_index("overdue_days")
"""The column of numbers (right-aligned)."""
TARGET_TIP_SECONDS = 60.0
"""How long a kind's target description is reused before it is asked for again (policies can change)."""

_DISPLAY = Qt.ItemDataRole.DisplayRole
_ACCESSIBLE = Qt.ItemDataRole.AccessibleTextRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_USER = Qt.ItemDataRole.UserRole
_DECORATION = Qt.ItemDataRole.DecorationRole
_BACKGROUND = Qt.ItemDataRole.BackgroundRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_ALIGN = Qt.ItemDataRole.TextAlignmentRole
_SERVED_ROLES = frozenset(
    {_DISPLAY, _ACCESSIBLE, _TOOLTIP, _USER, _DECORATION, _BACKGROUND, _FOREGROUND, _ALIGN}
)
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_ROW_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
_NO_FLAGS = Qt.ItemFlag.NoItemFlags
_BRUSHES = {
    rag: (QBrush(QColor(style.background)), QBrush(QColor(style.foreground)))
    for rag, style in RAG_STYLES.items()
}


class RegisterModel(QAbstractTableModel):
    """Rows of the register; only the ordered ids live here, rows come from the service page by page."""

    sortRequested = Signal(str, bool)

    def __init__(
        self,
        fetch_rows: Callable[[Sequence[int]], list[CaseRow]],
        page_size: int = PAGE_SIZE,
        *,
        describe_target: Callable[[CaseKind, int], str] | None = None,
    ) -> None:
        """Fetch rows with `fetch_rows(ids)`; `describe_target(kind, stage)` gives the Kind hover help."""
        super().__init__()
        self._describe_target = describe_target
        self._target_tips: dict[tuple[CaseKind, int], tuple[float, str]] = {}
        self._fetch_rows = fetch_rows
        self.page_size = page_size
        self._ids: list[int] = []
        self._pages: OrderedDict[int, dict[int, CaseRow]] = OrderedDict()
        self._texts: dict[int, tuple[tuple[str, ...], CaseRow]] = {}
        self.sort_column = column_index("received_on")
        self.sort_order = Qt.SortOrder.DescendingOrder
        self.fetches = 0

    # ----- what the window uses ----------------------------------------------------------
    def set_ids(self, ids: Sequence[int]) -> None:
        """Show these case ids, in this order; cached rows are dropped."""
        self.beginResetModel()
        self._ids = list(ids)
        self._pages.clear()
        self._texts.clear()
        self.endResetModel()

    def extend_ids(self, ids: Sequence[int]) -> None:
        """Show these ids; when the ids shown are their beginning, add the rest without a reset."""
        shown = len(self._ids)
        if shown and len(ids) >= shown and list(ids[:shown]) == self._ids:
            if len(ids) > shown:
                self._pages.pop((shown - 1) // self.page_size, None)  # that page was fetched short
                self.beginInsertRows(QModelIndex(), shown, len(ids) - 1)
                self._ids.extend(ids[shown:])
                self.endInsertRows()
            return
        self.set_ids(ids)

    def ids(self) -> list[int]:
        """Return the ids shown, in order."""
        return list(self._ids)

    def case_id(self, row: int) -> int | None:
        """Return the case id at a row."""
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, case_id: int) -> int | None:
        """Return the row showing a case, if it is shown."""
        try:
            return self._ids.index(case_id)
        except ValueError:
            return None

    def case_row(self, row: int) -> CaseRow | None:
        """Return the register row at a row number, fetching its page if needed."""
        if not 0 <= row < len(self._ids):
            return None
        page = row // self.page_size
        cached = self._pages.get(page)
        if cached is None:
            cached = self._load_page(page)
        else:
            self._pages.move_to_end(page)
        return cached.get(self._ids[row])

    def refresh_rows(self) -> None:
        """Drop cached rows so they are fetched again (after a change), keeping the id order."""
        self._pages.clear()
        self._texts.clear()
        if self._ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, len(COLUMNS) - 1))

    def sort_key(self) -> tuple[str, bool]:
        """Return the SQL sort key and whether it is descending."""
        return COLUMNS[self.sort_column].sort_key, self.sort_order == Qt.SortOrder.DescendingOrder

    # ----- Qt model interface ------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Return the number of cases shown."""
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Return the number of columns."""
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Return what a cell shows for a role (texts are formatted once per row and kept)."""
        if role not in _SERVED_ROLES:
            return None
        column = index.column()
        if not index.isValid() or column >= len(COLUMNS):
            return None
        position = index.row()
        texts = self._texts.get(position)
        if texts is None:
            row = self.case_row(position)
            if row is None:
                return "…" if role == _DISPLAY else None
            texts = self._texts[position] = (tuple(c.text(row) for c in COLUMNS), row)
        if role in (_DISPLAY, _ACCESSIBLE):
            return texts[0][column]
        row = texts[1]
        if role == _TOOLTIP:
            if column == KIND_COLUMN and self._describe_target is not None:
                return self.target_tip(row.kind, row.stage)
            tip = COLUMNS[column].tooltip
            return tip(row) if tip else texts[0][column] or None  # the whole text of an elided cell
        if role == _USER:
            return row.id
        if role == _ALIGN:
            return _RIGHT if column == OVERDUE_COLUMN else None
        if column == RAG_COLUMN:
            if role == _DECORATION:
                return rag_icon(row.rag)
            if role == _BACKGROUND:
                return _BRUSHES[row.rag][0]
            if role == _FOREGROUND:
                return _BRUSHES[row.rag][1]
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Return the column headers."""
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            column = COLUMNS[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return column.header
            if role == Qt.ItemDataRole.AccessibleTextRole:
                return column.name
            if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleDescriptionRole):
                return f"Sort by {column.name.lower()} (right-click to show or hide columns)"
            if role == Qt.ItemDataRole.InitialSortOrderRole:
                return COLUMNS[section].most_urgent_first.value
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        """Return that rows can be selected but not edited."""
        return _ROW_FLAGS if index.isValid() else _NO_FLAGS

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Ask for the ids again, sorted in the database by this column."""
        if not 0 <= column < len(COLUMNS):
            return
        self.sort_column = column
        self.sort_order = order
        key, descending = self.sort_key()
        self.sortRequested.emit(key, descending)

    def target_tip(self, kind: CaseKind, stage: int) -> str | None:
        """Return a kind's target in plain words, asked for once per kind and stage (then kept a minute)."""
        if self._describe_target is None:
            return None
        key = (kind, stage)
        now = time.monotonic()
        cached = self._target_tips.get(key)
        if cached is not None and now - cached[0] < TARGET_TIP_SECONDS:
            return cached[1]
        try:
            text = self._describe_target(kind, stage)
        except SendDeskError:
            return None  # a busy or unreachable database: no hover help this time, ask again next hover
        self._target_tips[key] = (now, text)
        return text

    # ----- internals ---------------------------------------------------------------------
    def _load_page(self, page: int) -> dict[int, CaseRow]:
        start = page * self.page_size
        ids = self._ids[start : start + self.page_size]
        self.fetches += 1
        rows = {row.id: row for row in self._fetch_rows(ids)}
        self._pages[page] = rows
        while len(self._pages) > MAX_CACHED_PAGES:
            self._pages.popitem(last=False)
            self._texts.clear()
        return rows
