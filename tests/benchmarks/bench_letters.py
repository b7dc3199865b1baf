"""Benchmark: one letter (.docx) and one email from a template, against python-docx opening and saving it.

Usage: `python -m tests.benchmarks.bench_letters [--repeat 15] [--json]`

It builds a small database (the cases the letter tests use) in a temporary folder, starts an SMTP server
on 127.0.0.1 (aiosmtpd), and times, alternately and `--repeat` times each:
  floor   python-docx Document(template) + save to memory, the same template file (no merging, no database)
  merge   the template merged with the case (docxtpl) and read back for the preview, nothing stored
  letter  a whole letter as Write letter ▸ Save as Word makes it: merged, kept as a document of the case,
          recorded on the timeline and in the letter table
  email   the same sent through the SMTP relay with the letter attached, kept and recorded
It prints the medians, the ratios to the floor measured in the same run, and whether each met the goal
(one letter or email within 1 s, DESIGN.md).
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from datetime import time as clock_time
from pathlib import Path

from send_desk.bootstrap import open_desk
from send_desk.domain.kinds import Role
from send_desk.resources import resource_path
from send_desk.services.staff import StaffService
from send_desk.values.letters import SmtpSettingsView

GOAL_SECONDS = 1.0
TEMPLATE = "acknowledge-complaint-stage-1"


def floor_open_save(content: bytes) -> Callable[[], object]:
    """Return python-docx opening and saving the template in memory."""
    from docx import Document

    def run() -> object:
        out = io.BytesIO()
        Document(io.BytesIO(content)).save(out)
        return out

    return run


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    args = parser.parse_args(argv)

    from aiosmtpd.controller import Controller

    from tests.conftest import TODAY, FakeClock
    from tests.letters.cases import log
    from tests.letters.smtp_server import Mailbox, free_port

    with tempfile.TemporaryDirectory(prefix="bench-letters-") as folder:
        clock = FakeClock(datetime.combine(TODAY, clock_time(10, 0), tzinfo=UTC))
        desk = open_desk(str(Path(folder) / "letters.sqlite3"), clock=clock, login="benchmark", create=True)
        staff = StaffService(desk.ctx)
        staff.me()
        staff.add_staff("alex.jones", "Alex Jones", role=Role.OFFICER, team="SEND casework")
        mailbox = Mailbox("127.0.0.1", free_port())
        server = Controller(mailbox, hostname=mailbox.host, port=mailbox.port)
        server.start()
        try:
            desk.letters.set_smtp(SmtpSettingsView(mailbox.host, mailbox.port, False, "send@council.example"))
            case = log(desk)
            content = resource_path("templates", f"{TEMPLATE}.docx").read_bytes()
            runs: dict[str, Callable[[], object]] = {
                "floor": floor_open_save(content),
                "merge": lambda: desk.letters.merge(case.id, TEMPLATE),
                "letter": lambda: desk.letters.make(case.id, TEMPLATE, "docx"),
                "email": lambda: desk.letters.make(case.id, TEMPLATE, "email"),
            }
            for run in runs.values():  # warm: imports, the shipped templates into the database, caches
                run()
            times: dict[str, list[float]] = {name: [] for name in runs}
            for _ in range(args.repeat):
                for name, run in runs.items():
                    start = time.perf_counter()
                    run()
                    times[name].append((time.perf_counter() - start) * 1000)
            sent = len(mailbox.received)
        finally:
            server.stop()
            desk.close()
    medians = {name: statistics.median(values) for name, values in times.items()}
    floor = medians["floor"]
    rows = [
        (name, medians[name], min(times[name]), medians[name] / floor, medians[name] <= GOAL_SECONDS * 1000)
        for name in ("merge", "letter", "email")
    ]
    if args.json:
        json.dump(
            {
                "repeat": args.repeat,
                "emails_received": sent,
                "measurements": [
                    {
                        "metric": f"{name} ({TEMPLATE})",
                        "value_ms": round(median, 2),
                        "best_ms": round(best, 2),
                        "floor_ms": round(floor, 2),
                        "floor": "python-docx open + save of the same template",
                        "ratio": round(ratio, 2),
                        "goal_met": met,
                    }
                    for name, median, best, ratio, met in rows
                ],
            },
            sys.stdout,
            indent=2,
        )
        print()
        return 0
    print(f"{args.repeat} alternated runs each; {sent} emails received by the test server")
    print(f"{'measure':<10} {'median':>10} {'best':>10} {'floor':>10} {'ratio':>7}  goal ≤1 s")
    for name, median, best, ratio, met in rows:
        verdict = "yes" if met else "NO"
        print(f"{name:<10} {median:>8.1f}ms {best:>8.1f}ms {floor:>8.1f}ms {ratio:>6.2f}x  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
