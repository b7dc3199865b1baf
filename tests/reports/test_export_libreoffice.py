"""The export opened by LibreOffice headless and printed to PDF: readable pages with every header on page 1.

Print set-up on every sheet (landscape, all columns one page wide, header row repeated, page numbers) is
what makes this work; without it LibreOffice prints the Cases sheet a few columns per page.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from send_desk.bootstrap import Desk
from send_desk.reports.sheet_fields import CASE_COLUMNS
from tests.conftest import complaint_input

SOFFICE = shutil.which("soffice") or ("/usr/bin/soffice" if Path("/usr/bin/soffice").exists() else None)

pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed here")

TWENTY = [column.header for column in CASE_COLUMNS[:20]]


def to_pdf(source: Path, folder: Path) -> Path:
    """Convert a workbook to PDF with LibreOffice headless (a private profile, so runs never clash)."""
    assert SOFFICE is not None
    profile = folder / "lo-profile"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return folder / (source.stem + ".pdf")


def test_libreoffice_prints_the_export_with_every_header_on_page_one(desk: Desk, tmp_path: Path) -> None:
    for day in range(1, 29):
        desk.cases.log_case(
            complaint_input(date(2026, 10, day), summary=f"Case number {day} about transport")
        )
    out = tmp_path / "export.xlsx"
    assert desk.exports.export_all(out, columns=TWENTY).cases == 28
    reader = PdfReader(to_pdf(out, tmp_path))
    first = " ".join(reader.pages[0].extract_text().split())
    missing = [header for header in TWENTY if header not in first]
    assert missing == []
    # Cases (28 rows, one page wide) 1 page, Stages 1, Summary 1, About 1
    assert len(reader.pages) == 4
    assert "Page 1 of" in first
    landscape = reader.pages[0].mediabox
    assert landscape.width > landscape.height
