"""Build the PyInstaller bundle from build.spec and run `--self-check` from it (the slowest test)."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]  # PyInstaller alone may take 10 minutes


def _pyinstaller_or_skip() -> None:
    if importlib.util.find_spec("PyInstaller") is not None:
        return
    reason = 'PyInstaller is not installed: pip install -e ".[build]"'
    if os.environ.get("CI"):
        pytest.fail(f"CI must build the bundle, but {reason}", pytrace=False)
    pytest.skip(reason)


def _size(folder: Path) -> str:
    if shutil.which("du"):
        return subprocess.run(["du", "-sh", str(folder)], capture_output=True, text=True).stdout.split()[0]
    total = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    return f"{total / 1_000_000:.0f}M"


@pytest.mark.skipif(sys.platform != "linux", reason="the test builds the Linux bundle")
def test_bundle_builds_and_passes_its_self_check(
    tmp_path: Path, record_property: pytest.RecordProperty
) -> None:
    _pyinstaller_or_skip()
    dist, work = tmp_path / "dist", tmp_path / "work"
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(dist),
            "--workpath",
            str(work),
            str(ROOT / "build.spec"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert build.returncode == 0, build.stderr[-4000:]
    bundle = dist / "send-desk"
    assert (bundle / "send-desk").is_file()
    assert (bundle / "send-desk-cli").is_file()
    internal = bundle / "_internal"
    assert (internal / "resources" / "icons" / "send-desk.png").is_file()
    assert not (internal / "resources" / "screenshots").exists()
    assert (internal / "send_desk" / "db" / "migrations" / "script.py.mako").is_file()
    assert list((internal / "send_desk" / "db" / "migrations" / "versions").glob("0001_*.py"))
    assert not list(internal.rglob("*WebEngine*"))

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "SEND_DESK_DATA_DIR": str(tmp_path / "data")}
    env.pop("SEND_DESK_DATABASE_URL", None)
    check = subprocess.run(
        [str(bundle / "send-desk"), "--self-check"], capture_output=True, text=True, env=env, timeout=180
    )
    size = _size(bundle)
    record_property("bundle_size", size)
    print(f"\nbundle size (du -sh): {size}\n{check.stdout}")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "self-check passed" in check.stdout
    assert not (tmp_path / "data").exists(), "the self-check must not touch the user's data folder"
