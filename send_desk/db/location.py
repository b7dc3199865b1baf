"""Where the database lives: command-line URL, environment variable or the per-user data folder."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from send_desk.domain.errors import SendDeskError
from send_desk.paths import typed_path, user_data_dir

ENV_VAR = "SEND_DESK_DATABASE_URL"
DEFAULT_FILE_NAME = "send-desk.sqlite3"


def resolve_database_url(explicit: str | None = None, environ: dict[str, str] | None = None) -> URL:
    """Turn a --database value, the environment or the default file into a SQLAlchemy URL."""
    env = os.environ if environ is None else environ
    raw = explicit or env.get(ENV_VAR) or ""
    if not raw:
        return sqlite_url(default_database_path())
    if "://" in raw:
        return make_url(raw)
    return sqlite_url(typed_path(raw))


class MissingFolderError(SendDeskError):
    """Raise when a database path names a folder that does not exist (a typing mistake, most likely)."""


def default_database_path() -> Path:
    """Return the database file used when no --database or SEND_DESK_DATABASE_URL is given."""
    return user_data_dir() / DEFAULT_FILE_NAME


def check_folder(path: Path, *, create: bool = False) -> None:
    """Refuse a SQLite file in a missing folder unless it is the default data folder or `create` is set."""
    folder = path.parent
    if create or folder.is_dir() or folder.resolve() == default_database_path().parent.resolve():
        return
    raise MissingFolderError(
        f"The folder {folder} does not exist, so there is no SEND Desk database at {path}. Check the path "
        "for a typing mistake, or add --create (before the command) to start a new database there."
    )


def sqlite_url(path: Path) -> URL:
    """Return the SQLAlchemy URL of a SQLite file."""
    return URL.create("sqlite", database=str(path.resolve()))


def sqlite_path(url: URL) -> Path | None:
    """Return the file of a SQLite URL, or None for a server database or an in-memory one."""
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


_UNC = re.compile(r"^(\\\\|//)[^\\/]+[\\/]")
_DRIVE = re.compile(r"^([A-Za-z]):[\\/]")
DRIVE_REMOTE = 4
"""GetDriveTypeW's answer for a mapped network drive."""


def windows_drive_is_remote(letter: str) -> bool:
    """Tell whether a Windows drive letter is a mapped network drive (False elsewhere)."""
    if sys.platform != "win32":
        return False
    import ctypes

    drive_type = ctypes.windll.kernel32.GetDriveTypeW(f"{letter}:\\")
    return bool(drive_type == DRIVE_REMOTE)


def looks_like_network_share(
    path: Path,
    mounts_file: Path = Path("/proc/mounts"),
    drive_is_remote: Callable[[str], bool] = windows_drive_is_remote,
) -> bool:
    """Tell whether a path is on a network share (UNC path, mapped drive or network mount)."""
    text = str(path)
    if _UNC.match(text):
        return True
    drive = _DRIVE.match(text)
    if drive and drive_is_remote(drive.group(1).upper()):
        return True
    network_types = {"cifs", "smbfs", "smb3", "nfs", "nfs4", "sshfs", "fuse.sshfs", "9p", "afs", "davfs"}
    try:
        lines = mounts_file.read_text().splitlines()
    except OSError:
        return False
    best = ""
    best_type = ""
    resolved = str(path.resolve())
    for line in lines:
        parts = line.split()
        if len(parts) < 3:
            continue
        mount_point, fs_type = parts[1], parts[2]
        if (resolved == mount_point or resolved.startswith(mount_point.rstrip("/") + "/")) and len(
            mount_point
        ) > len(best):
            best, best_type = mount_point, fs_type
    return best_type in network_types
