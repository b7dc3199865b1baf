"""Lay a print job out with QTextDocument and paint it to a PDF file, a printer or a preview (A4 portrait).

A running header (team and week) and footer ("generated on … by …", "page i of n"), tables whose header rows
repeat and rows that move whole to the next page. A Qt application must be running: the desk has its own,
the command line starts one with `send_desk.app.headless_application`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QImage,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextFrame,
    QTextTable,
)

PDF_DPI = 300
MARGINS_MM = QMarginsF(15, 14, 15, 14)
FONT_FAMILY = "DejaVu Sans"

ImageMaker = Callable[[int, int], QImage]
"""Draws an image for a document resource at the given pixel width and height."""


@dataclass
class PrintJob:
    """One document to print: its HTML, running header and footer, and images drawn to fit the page."""

    title: str
    html: str
    header: str
    footer: str
    images: dict[str, tuple[ImageMaker, float]] = field(default_factory=dict)
    """Resource URL → (draw function, height as a fraction of the text width)."""


def a4_layout() -> QPageLayout:
    """Return A4 portrait with the print-outs' margins."""
    return QPageLayout(
        QPageSize(QPageSize.PageSizeId.A4),
        QPageLayout.Orientation.Portrait,
        MARGINS_MM,
        QPageLayout.Unit.Millimeter,
    )


def write_pdf(job: PrintJob, path: Path | str) -> int:
    """Write a print job to a PDF file (A4 portrait) and return the number of pages."""
    if QGuiApplication.instance() is None:
        raise RuntimeError("write_pdf needs a running Qt application (send_desk.app.headless_application).")
    writer = QPdfWriter(str(path))
    writer.setResolution(PDF_DPI)
    writer.setPageLayout(a4_layout())
    writer.setTitle(job.title)
    writer.setCreator("SEND Desk")
    return paint_job(job, writer)


def paint_job(job: PrintJob, device: QPagedPaintDevice) -> int:
    """Lay the job out for `device` and paint every page with its header and footer; return the page count."""
    dpi = device.logicalDpiY()
    paint_rect = device.pageLayout().paintRectPixels(device.logicalDpiX())
    width = float(paint_rect.width())
    height = float(paint_rect.height())
    band = dpi * 0.32  # header and footer bands, about 8 mm each
    gap = dpi * 0.12
    body = QRectF(0, band + gap, width, height - 2 * (band + gap))

    document = QTextDocument()
    document.documentLayout().setPaintDevice(device)
    document.setDefaultFont(QFont(FONT_FAMILY, 9))
    document.setDocumentMargin(0)
    html = job.html
    for url, (maker, ratio) in job.images.items():
        w, h = int(width), int(width * ratio)
        image = maker(min(w, 2400), int(min(w, 2400) * ratio))
        document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(url), image)
        # QTextDocument scales image sizes by device dpi / 96 on printers: give the size in those units
        scale = 96.0 / device.logicalDpiX()
        html = html.replace(f'src="{url}"', f'src="{url}" width="{int(w * scale)}" height="{int(h * scale)}"')
    document.setHtml(html)
    document.setPageSize(QSizeF(body.width(), body.height()))
    keep_short_tables_whole(document)
    pages = max(1, document.pageCount())

    painter = QPainter()
    if not painter.begin(device):
        raise OSError("The printer or PDF file could not be opened for writing.")
    try:
        small = QFont(FONT_FAMILY)
        small.setPointSizeF(7.5)
        bold = QFont(FONT_FAMILY)
        bold.setPointSizeF(8.5)
        bold.setBold(True)
        pen = QPen(QColor("#000000"))
        pen.setWidthF(max(1.0, dpi / 150))
        for page in range(pages):
            if page:
                device.newPage()
            painter.setPen(pen)
            painter.setFont(bold)
            header_rect = QRectF(0, 0, width, band)
            painter.drawText(
                header_rect,
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom),
                _elide(job.header, bold, width, device),
            )
            painter.drawLine(QPointF(0, band), QPointF(width, band))
            painter.save()
            painter.translate(body.left(), body.top() - page * body.height())
            context = QAbstractTextDocumentLayout.PaintContext()
            context.clip = QRectF(0, page * body.height(), body.width(), body.height())
            painter.setClipRect(context.clip)
            document.documentLayout().draw(painter, context)
            painter.restore()
            top = height - band
            painter.setPen(pen)
            painter.drawLine(QPointF(0, top), QPointF(width, top))
            painter.setFont(small)
            footer_rect = QRectF(0, top, width, band)
            painter.drawText(
                footer_rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), job.footer
            )
            painter.drawText(
                footer_rect,
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                f"Page {page + 1} of {pages}",
            )
    finally:
        painter.end()
    return pages


SHORT_TABLE = 0.6
"""A table no taller than this share of a page moves whole to the next page rather than split."""


def _tables(frame: QTextFrame) -> list[QTextTable]:
    found: list[QTextTable] = []
    for child in frame.childFrames():
        if isinstance(child, QTextTable):
            found.append(child)
        found += _tables(child)
    return found


def keep_short_tables_whole(document: QTextDocument) -> int:
    """Start each short table that would straddle a page on a new page, with the heading above it.

    Long tables still split, their header rows repeated on every page (`<thead>` rows). Return how many
    tables were moved.
    """
    page = document.pageSize().height()
    layout = document.documentLayout()
    moved = 0
    for _ in range(500):  # one table moves per pass: moving it shifts everything after it
        for table in _tables(document.rootFrame()):
            rect = layout.frameBoundingRect(table)
            before = document.findBlock(table.firstPosition() - 1)
            headed = before.isValid() and before.blockFormat().headingLevel() > 0
            top = layout.blockBoundingRect(before).top() if headed else rect.top()
            straddles = int(top // page) != int((rect.bottom() - 1) // page)  # or its heading left behind
            if not straddles or rect.bottom() - top > page * SHORT_TABLE:
                continue
            if headed:
                heading = QTextCursor(before)
                block_format = before.blockFormat()
                if block_format.pageBreakPolicy() & QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore:
                    continue  # already on a page of its own
                block_format.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
                heading.setBlockFormat(block_format)
            else:
                table_format = table.format()
                if table_format.pageBreakPolicy() & QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore:
                    continue
                table_format.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
                table.setFormat(table_format)
            moved += 1
            break
        else:
            return moved
    return moved


def _elide(text: str, font: QFont, width: float, device: QPagedPaintDevice) -> str:
    metrics = QFontMetricsF(font, device)
    return metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
