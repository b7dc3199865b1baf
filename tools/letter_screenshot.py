"""Make resources/screenshots/letter-acknowledgement.png: the first page of an acknowledgement letter.

Run from the repository root: `python tools/letter_screenshot.py`. It logs the letter tests' stage 1
complaint in a temporary database on their clock (Friday 27 November 2026), makes the acknowledgement as
PDF with LibreOffice and draws its first page with pdftoppm (poppler-utils).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from datetime import time as clock_time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from send_desk.bootstrap import open_desk  # noqa: E402
from send_desk.domain.kinds import Role  # noqa: E402
from send_desk.services.staff import StaffService  # noqa: E402
from tests.conftest import TODAY, FakeClock  # noqa: E402
from tests.letters.cases import log  # noqa: E402

OUT = ROOT / "resources" / "screenshots" / "letter-acknowledgement.png"


def main() -> None:
    """Write the screenshot."""
    with tempfile.TemporaryDirectory(prefix="letter-shot-") as folder:
        work = Path(folder)
        clock = FakeClock(datetime.combine(TODAY, clock_time(10, 0), tzinfo=UTC))
        desk = open_desk(str(work / "shot.sqlite3"), clock=clock, login="sam.patel", create=True)
        staff = StaffService(desk.ctx)
        staff.me()
        staff.add_staff("alex.jones", "Alex Jones", role=Role.OFFICER, team="SEND casework")
        case = log(desk)
        start = time.perf_counter()
        made = desk.letters.make(case.id, "acknowledge-complaint-stage-1", "pdf", team="Anyshire SEND team")
        print(f"PDF made in {time.perf_counter() - start:.2f} s")
        desk.close()
        pdf = work / "letter.pdf"
        pdf.write_bytes(made.content)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "80",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(pdf),
                str(OUT.with_suffix("")),
            ],
            check=True,
        )
    print(OUT)


if __name__ == "__main__":
    main()
