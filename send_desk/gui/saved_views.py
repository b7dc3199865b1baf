"""Named register views a person saves (filters, sort and columns), kept in their own settings file."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace

from PySide6.QtCore import QSettings

from send_desk.gui.settings import SAVED_VIEWS

MY_WORK = "My work"
"""The built-in view: my open cases, the next target due first."""
MAX_VIEW_NAME = 40


@dataclass(frozen=True)
class SavedView:
    """What a register view shows: its filters, the column it is sorted by, and the columns hidden."""

    name: str
    status: str = "open"
    kind: str = ""
    officer: str = ""
    category: str = ""
    mine: bool = False
    received_from: str = ""
    received_to: str = ""
    search: str = ""
    sort_key: str = "received_on"
    descending: bool = True
    hidden: tuple[str, ...] = field(default=())
    """Full names of the columns hidden in this view."""


BUILT_IN: tuple[SavedView, ...] = (
    SavedView(MY_WORK, status="open", mine=True, sort_key="next_due", descending=False),
)


def clean_name(name: str) -> str:
    """Return a view name as kept: spaces tidied, at most MAX_VIEW_NAME characters."""
    return " ".join(name.split())[:MAX_VIEW_NAME].strip()


def saved_views(settings: QSettings) -> list[SavedView]:
    """Return the person's own saved views (not the built-in ones) in order; unreadable ones dropped."""
    try:
        raw = json.loads(SAVED_VIEWS.read(settings) or "[]")
    except ValueError:
        return []
    views = []
    for item in raw if isinstance(raw, list) else []:
        try:
            item["hidden"] = tuple(item.get("hidden", ()))
            views.append(SavedView(**item))
        except (TypeError, AttributeError):
            continue
    return views


def all_views(settings: QSettings) -> list[SavedView]:
    """Return the built-in views followed by this person's own."""
    return [*BUILT_IN, *saved_views(settings)]


def save_view(settings: QSettings, view: SavedView) -> SavedView:
    """Keep a view under its name (replacing one of the same name); a built-in name cannot be taken."""
    name = clean_name(view.name)
    if not name:
        raise ValueError("Give the view a name.")
    if any(name.lower() == built.name.lower() for built in BUILT_IN):
        raise ValueError(f"{name} is the name of a built-in view. Choose another name.")
    view = replace(view, name=name)
    views = [v for v in saved_views(settings) if v.name.lower() != name.lower()]
    views.append(view)
    _write(settings, views)
    return view


def delete_view(settings: QSettings, name: str) -> None:
    """Forget a saved view."""
    _write(settings, [v for v in saved_views(settings) if v.name != name])


def _write(settings: QSettings, views: list[SavedView]) -> None:
    SAVED_VIEWS.write(settings, json.dumps([asdict(v) for v in views]))
