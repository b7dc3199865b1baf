"""Printed tables: a short table moves whole with its heading; a long one repeats its header rows."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from PySide6.QtWidgets import QApplication

from send_desk.printing import PrintJob, write_pdf
from send_desk.reports.htmlkit import document, table


def pages_text(path: Path) -> list[str]:
    """Return each page's text with plain spaces and without ligatures."""
    return [
        page.extract_text().replace("\t", " ").replace("\ufb03", "ffi") for page in PdfReader(str(path)).pages
    ]


def job(filler_lines: int) -> PrintJob:
    """A page nearly filled with text, a short table under a heading, then a table of 120 rows."""
    filler = "".join(f"<p>Line {n} of the opening text.</p>" for n in range(filler_lines))
    short = table(["Channel", "Received"], [[f"Channel {n}", n] for n in range(1, 7)], numeric=[1])
    long = table(["Case", "Officer"], [[f"Row {n:03d}", "Alex Jones"] for n in range(1, 121)])
    html = document("Tables", f"{filler}<h3>By channel</h3>{short}<h3>Every case</h3>{long}")
    return PrintJob("Tables", html, "North SEND · Tables", "Generated for a test")


def test_a_short_table_is_never_split_across_pages(qapp: QApplication, tmp_path: Path) -> None:
    for filler in range(44, 58, 2):  # the short table lands across the page break for some of these
        out = tmp_path / f"tables-{filler}.pdf"
        write_pdf(job(filler), out)
        texts = pages_text(out)
        holding = [i for i, text in enumerate(texts) if "Channel 1" in text or "Channel 6" in text]
        assert len(set(holding)) == 1, f"{filler} lines of text: the short table split over pages {holding}"
        page = texts[holding[0]]
        assert all(f"Channel {n}" in page for n in range(1, 7))
        assert "By channel" in page  # its heading goes with it


def test_a_long_table_repeats_its_header_on_every_page(qapp: QApplication, tmp_path: Path) -> None:
    out = tmp_path / "tables.pdf"
    write_pdf(job(10), out)
    texts = pages_text(out)
    with_rows = [text for text in texts if "Row " in text]
    assert len(with_rows) >= 2
    assert all("Case" in text and "Officer" in text for text in with_rows)
    assert "Row 120" in texts[-1]
