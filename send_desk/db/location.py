"""Where the database lives: command-line URL, environment variable or the per-user data folder."""

from __future__ import annotations

import os
import re
from pathlib import Path

from sqlalchemy.engine import URL, make_url

ENV_VAR = "SEND_DESK_DATABASE_URL"
DEFAULT_FILE_NAME = "send-desk.sqlite3"


def user_data_dir() -> Path:
    """Return the per-user data folder (created on demand by callers)."""
    from platformdirs import user_data_path

    override = os.environ.get("SEND_DESK_DATA_DIR")
    if override:
        return Path(override)
    return user_data_path("SEND Desk", appauthor=False)


def resolve_database_url(explicit: str | None = None, environ: dict[str, str] | None = None) -> URL:
    """Turn a --database value, the environment or the default file into a SQLAlchemy URL."""
    env = os.environ if environ is None else environ
    raw = explicit or env.get(ENV_VAR) or ""
    if not raw:
        return sqlite_url(user_data_dir() / DEFAULT_FILE_NAME)
    if "://" in raw:
        return make_url(raw)
    return sqlite_url(Path(raw).expanduser())


def sqlite_url(path: Path) -> URL:
    """Return the SQLAlchemy URL of a SQLite file."""
    return URL.create("sqlite", database=str(path.resolve()))


def sqlite_path(url: URL) -> Path | None:
    """Return the file of a SQLite URL, or None for a server database or an in-memory one."""
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


_UNC = re.compile(r"^(\\\\|//)[^\\/]+[\\/]")


def looks_like_network_share(path: Path, mounts_file: Path = Path("/proc/mounts")) -> bool:
    """Tell whether a path is on a network share (UNC path or a network file system mount)."""
    text = str(path)
    if _UNC.match(text):
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
