"""Drafts of forms not yet saved (a new case), kept as JSON in the data folder so a crash loses nothing.

The form hands over its raw state — what is in each field, even a half-typed date — as a mapping of
field name to a JSON value; `DraftStore.save` writes it atomically (a temporary file in the same folder,
flushed and fsynced, then `os.replace`), so a power cut leaves either the previous draft or the new one.
`load` returns None for no draft and for a damaged file (which it moves aside as `*.damaged`).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

NEW_CASE = "new-case"
"""The draft of the new-case form."""

DRAFT_FORMAT = 1
DraftValue = str | int | float | bool | None | list[str]


@dataclass(frozen=True)
class Draft:
    """A saved draft: the form's fields, when it was saved and by whom."""

    form: str
    fields: dict[str, DraftValue]
    saved_at: datetime
    login: str


class DraftStore:
    """Save, load and clear drafts of unsaved forms in one folder."""

    def __init__(self, folder: Path, *, login: str = "", clock: Callable[[], datetime] | None = None) -> None:
        """Keep drafts in `folder` (created on the first save), stamped with `login` and the clock."""
        self.folder = folder
        self.login = login
        self.clock = clock or (lambda: datetime.now(UTC))

    def path(self, form: str = NEW_CASE) -> Path:
        """Return the file that holds a form's draft."""
        if not form or any(c in form for c in "/\\:") or form.startswith("."):
            raise ValueError(f"not a draft name: {form!r}")
        return self.folder / f"{form}.draft.json"

    def save(
        self,
        fields: Mapping[str, DraftValue],
        form: str = NEW_CASE,
        *,
        unchanged_from: Mapping[str, DraftValue] | None = None,
    ) -> Path | None:
        """Write the form's fields atomically; a blank form (or one as it opened) clears its draft instead."""
        untouched = unchanged_from is not None and dict(fields) == dict(unchanged_from)
        if untouched or all(_blank(value) for value in fields.values()):
            self.clear(form)
            return None
        target = self.path(form)
        document = {
            "format": DRAFT_FORMAT,
            "form": form,
            "saved_at": self.clock().isoformat(),
            "login": self.login,
            "fields": {str(key): _plain(value) for key, value in fields.items()},
        }
        text = json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True)
        self.folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{form}.", suffix=".tmp", dir=self.folder)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        _sync_folder(self.folder)
        return target

    def load(self, form: str = NEW_CASE) -> Draft | None:
        """Return the form's draft, or None when there is none or it cannot be read."""
        target = self.path(form)
        try:
            document = json.loads(target.read_text(encoding="utf-8"))
            fields = document["fields"]
            if not isinstance(fields, dict) or document.get("format") != DRAFT_FORMAT:
                raise ValueError("unexpected draft layout")
            saved_at = datetime.fromisoformat(document["saved_at"])
            return Draft(
                form=form,
                fields={str(k): _plain(v) for k, v in fields.items()},
                saved_at=saved_at,
                login=str(document.get("login", "")),
            )
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError):
            target.replace(target.with_suffix(".damaged"))
            return None

    def clear(self, form: str = NEW_CASE) -> None:
        """Remove the form's draft (after it was saved for real or deliberately discarded)."""
        self.path(form).unlink(missing_ok=True)

    def exists(self, form: str = NEW_CASE) -> bool:
        """Tell whether a draft of the form is waiting."""
        return self.path(form).exists()


def default_drafts_folder() -> Path:
    """Return the drafts folder inside the per-user data folder."""
    from send_desk.paths import user_data_dir

    return user_data_dir() / "drafts"


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value is False


def _plain(value: Any) -> DraftValue:
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    raise TypeError(f"a draft field must be text, a number, true/false or a list of text, not {value!r}")


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable where the platform allows it (POSIX)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
