"""Private copies of documents opened with the computer's own programs, cleaned at the next start.

A document is copied into a folder only this account can read (0700 on Linux and macOS; on Windows the
per-user data folder is already private), each in its own subfolder so two files of the same name never
meet, and opened from there. The folder is emptied when the desk next starts.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import stat
from pathlib import Path

from send_desk.paths import user_data_dir

FOLDER_NAME = "opened documents"


def private_folder() -> Path:
    """Return the desk's private folder for opened documents (made, 0700, when missing)."""
    folder = user_data_dir() / FOLDER_NAME
    folder.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        folder.chmod(stat.S_IRWXU)
    return folder


def safe_file_name(name: str) -> str:
    """Return a name every file system takes: no folders, no characters Windows refuses."""
    cleaned = re.sub(r'[<>:"/\\|?*\x00-\x1f]', "_", Path(name).name).strip(" .")
    return cleaned or "document"


def write_private_copy(name: str, content: bytes) -> Path:
    """Write a copy of a document into the private folder and return its path (0600)."""
    folder = private_folder() / secrets.token_hex(8)
    folder.mkdir(mode=stat.S_IRWXU)
    path = folder / safe_file_name(name)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)
    return path


def clean_private_copies() -> int:
    """Remove the copies left from an earlier run (one still open elsewhere stays); return how many."""
    folder = user_data_dir() / FOLDER_NAME
    if not folder.is_dir():
        return 0
    removed = 0
    for entry in folder.iterdir():
        try:
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
            removed += 1
        except OSError:  # Word may still hold it open on Windows: it goes next time
            continue
    return removed
