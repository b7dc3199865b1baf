"""Where the desk keeps its files: the per-user data folder (settings, logs, backups, drafts)."""

from __future__ import annotations

import os
from pathlib import Path


def user_data_dir() -> Path:
    """Return the per-user data folder, or SEND_DESK_DATA_DIR when set (callers create it on demand)."""
    from platformdirs import user_data_path

    override = os.environ.get("SEND_DESK_DATA_DIR")
    if override:
        return Path(override)
    return user_data_path("SEND Desk", appauthor=False)


def user_config_dir() -> Path:
    """Return the per-user configuration folder, or SEND_DESK_CONFIG_DIR when set (callers create it)."""
    from platformdirs import user_config_path

    override = os.environ.get("SEND_DESK_CONFIG_DIR")
    if override:
        return Path(override)
    return user_config_path("SEND Desk", appauthor=False)


def typed_path(text: str | Path) -> Path:
    """Return a path as a person typed it, with ~ expanded; a ~name nobody on this PC has stays as typed.

    (`Path.expanduser` raises for an unknown ~name; the file is then simply not found, in plain words.)
    """
    path = Path(text)
    try:
        return path.expanduser()
    except RuntimeError:
        return path


def user_cache_dir() -> Path:
    """Return the per-user cache folder, or SEND_DESK_CACHE_DIR when set (callers create it on demand)."""
    from platformdirs import user_cache_path

    override = os.environ.get("SEND_DESK_CACHE_DIR")
    if override:
        return Path(override)
    return user_cache_path("SEND Desk", appauthor=False)
