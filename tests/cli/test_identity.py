"""Who you are is the operating system's account, never USER / LOGNAME / USERNAME from the environment."""

from __future__ import annotations

import os
import pwd
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from send_desk.bootstrap import Desk
from send_desk.db.models import AuditEntry
from send_desk.domain.kinds import Role

REAL_LOGIN = pwd.getpwuid(os.getuid()).pw_name
CLAIMED = "admin.amy"


def send_desk(database: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the command line in its own process, claiming to be admin.amy in every login variable."""
    env = {
        **os.environ,
        "USER": CLAIMED,
        "LOGNAME": CLAIMED,
        "USERNAME": CLAIMED,
        "LNAME": CLAIMED,
        "SEND_DESK_DATA_DIR": str(tmp_path / "data"),
    }
    return subprocess.run(
        [sys.executable, "-m", "send_desk", "--database", database, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_login_variables_do_not_make_anyone_an_admin(desk: Desk, database_url: str, tmp_path: Path) -> None:
    assert REAL_LOGIN != CLAIMED
    desk.staff.add_staff(CLAIMED, "Amy Admin", role=Role.ADMIN)

    refused = send_desk(database_url, tmp_path, "staff", "add", "mallory", "Mallory", "--role", "admin")
    assert refused.returncode == 1
    assert refused.stderr == (
        "send-desk: error: Only an admin can manage staff and roles. Ask your SEND Desk admin.\n"
    )
    assert "mallory" not in {member.login for member in desk.staff.list_staff()}

    logged = send_desk(database_url, tmp_path, "log", "--kind", "complaint", "--received", "2026-11-20")
    assert logged.returncode == 0, logged.stderr
    with desk.ctx.db.read() as session:
        logins = session.scalars(select(AuditEntry.login).where(AuditEntry.action == "log")).all()
    assert logins == [REAL_LOGIN]  # the account the OS ran the process as, not the one claimed
