"""Where temporary export data lives, and how what a killed export left behind is cleaned at the next start.

An export's temporary data is only ever in two places:

- the `.part` file beside the target, renamed over the target when the export is whole;
- this process's private scratch folder, ``<cache>/scratch/p<pid>`` (0700), where openpyxl's write-only
  worksheets stream their rows (openpyxl would otherwise write them, in plain text, to the system temp
  folder).

Before a `.part` file is made, its path is written to a marker in the scratch folder; the marker goes when
the export finishes or fails. A process killed mid-export (kill -9, a power cut) leaves its folder behind:
`clean_leftovers`, run by every start of the desk (window and command line), removes the folders of
processes no longer running and every `.part` file their markers name.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

from send_desk.paths import user_cache_dir

PREFIX = "p"
MARKER_SUFFIX = ".pending"


def scratch_root() -> Path:
    """Return the folder holding every desk process's scratch folder."""
    return user_cache_dir() / "scratch"


def _private(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    if sys.platform != "win32":
        os.chmod(folder, 0o700)
    return folder


def scratch_dir() -> Path:
    """Return this process's private scratch folder (made, readable by this user only, when first asked)."""
    _private(scratch_root())
    return _private(scratch_root() / f"{PREFIX}{os.getpid()}")


def scratch_file(suffix: str = "") -> Path:
    """Return the path of a new empty private file in this process's scratch folder."""
    path = scratch_dir() / f"{secrets.token_hex(8)}{suffix}"
    with open(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600), "wb"):
        pass
    return path


@contextlib.contextmanager
def pending(part: Path) -> Iterator[Path]:
    """Remember `part` (a file beside an export's target) until the block ends, so a kill leaves a note."""
    marker = scratch_dir() / f"{secrets.token_hex(8)}{MARKER_SUFFIX}"
    marker.write_text(str(part), encoding="utf-8")
    try:
        yield part
    finally:
        with contextlib.suppress(OSError):
            marker.unlink()


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if sys.platform == "win32":  # pragma: no cover - Windows only
        import ctypes

        handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)  # type: ignore[attr-defined]
        if handle:
            ctypes.windll.kernel32.CloseHandle(handle)  # type: ignore[attr-defined]
            return True
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_leftovers() -> list[Path]:
    """Remove what exports of processes no longer running left behind; return what was removed."""
    root = scratch_root()
    removed: list[Path] = []
    if not root.is_dir():
        return removed
    for folder in root.iterdir():
        name = folder.name
        if not (folder.is_dir() and name.startswith(PREFIX) and name[len(PREFIX) :].isdigit()):
            continue
        if _alive(int(name[len(PREFIX) :])):
            continue
        for marker in folder.glob(f"*{MARKER_SUFFIX}"):
            with contextlib.suppress(OSError, UnicodeDecodeError):
                part = Path(marker.read_text(encoding="utf-8").strip())
                if part.name.endswith(".part") and part.is_file():
                    part.unlink()
                    removed.append(part)
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed
