"""Render the print-outs (HTML from send_desk.reports) with QTextDocument to PDF, a printer or a preview.

A4 portrait, a running header (team and week) and footer ("generated on … by …", "page i of n"), tables whose
header rows repeat and rows that move whole to the next page, and a 12-week trend chart drawn with QPainter
in black, white and grey so it reads on a mono printer. The command line calls these headless: a
QGuiApplication on the offscreen platform is made inside `ensure_gui_application`, never at import.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QBrush,
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
    QTextDocument,
)

from send_desk.domain.wording import DEFAULT_TEAM, uk_datetime
from send_desk.reports.annual import annual_figures_html, annual_header, annual_title
from send_desk.reports.case_printout import case_header, case_printout_html, case_title
from send_desk.reports.weekly import TREND_CHART_URL, weekly_header, weekly_summary_html, weekly_title
from send_desk.services.reporting import AnnualFigures, TrendPoint, WeeklySummary
from send_desk.values.cases import CaseDetail

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


def ensure_gui_application() -> QGuiApplication:
    """Return the running Qt application, or start an offscreen one (for the command line).

    A widgets QApplication is started rather than a bare QGuiApplication, so that a window opened later
    in the same process (the desk, or a test) still finds the kind of application it needs.
    """
    app = QGuiApplication.instance()
    if app is None:
        from PySide6.QtWidgets import QApplication

        app = QApplication([sys.argv[0] if sys.argv else "send-desk", "-platform", "offscreen"])
    assert isinstance(app, QGuiApplication)
    return app


def generated_text(at: datetime, by: str) -> str:
    """Return the footer's "Generated on 27/11/2026 10:00 by Sam Patel"."""
    return f"Generated on {uk_datetime(at)} by {by}"


# ----- jobs for each print-out -----------------------------------------------------------------
def weekly_job(summary: WeeklySummary, *, team: str = DEFAULT_TEAM) -> PrintJob:
    """Return the print job of a weekly summary, with its trend chart."""
    trend = summary.trend
    return PrintJob(
        title=weekly_title(summary),
        html=weekly_summary_html(summary, team=team),
        header=weekly_header(summary, team),
        footer=generated_text(summary.generated_at, summary.generated_by),
        images={TREND_CHART_URL: (lambda w, h: draw_trend_chart(trend, w, h), 0.36)},
    )


def annual_job(figures: AnnualFigures, *, team: str = DEFAULT_TEAM) -> PrintJob:
    """Return the print job of the annual complaints figures."""
    return PrintJob(
        title=annual_title(figures),
        html=annual_figures_html(figures, team=team),
        header=annual_header(figures, team),
        footer=generated_text(figures.generated_at, figures.generated_by),
    )


def case_job(
    detail: CaseDetail, *, team: str = DEFAULT_TEAM, printed_by: str, printed_at: datetime
) -> PrintJob:
    """Return the print job of a whole case."""
    footer = generated_text(printed_at, printed_by)
    return PrintJob(
        title=case_title(detail),
        html=case_printout_html(detail, team=team, printed_by=printed_by, printed_at=uk_datetime(printed_at)),
        header=case_header(detail, team),
        footer=footer,
    )


# ----- rendering -------------------------------------------------------------------------------
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
    ensure_gui_application()
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


def _elide(text: str, font: QFont, width: float, device: QPagedPaintDevice) -> str:
    metrics = QFontMetricsF(font, device)
    return metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)


# ----- the trend chart -------------------------------------------------------------------------
def draw_trend_chart(trend: Sequence[TrendPoint], width: int, height: int) -> QImage:
    """Draw received and responded bars per week and the % on time as a line, in black, white and grey."""
    image = QImage(max(width, 200), max(height, 100), QImage.Format.Format_RGB32)
    image.fill(QColor("#ffffff"))
    w, h = float(image.width()), float(image.height())
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    try:
        font = QFont(FONT_FAMILY)
        font.setPixelSize(max(9, int(h * 0.045)))
        painter.setFont(font)
        metrics = QFontMetricsF(font)
        line_h = metrics.height()
        left, right = metrics.horizontalAdvance("0000") + line_h, metrics.horizontalAdvance("100%") + line_h
        top, bottom = line_h * 2.6, line_h * 2.8
        plot = QRectF(left, top, w - left - right, h - top - bottom)
        black = QColor("#000000")
        axis_pen = QPen(black)
        axis_pen.setWidthF(max(1.0, h / 400))
        grid_pen = QPen(QColor("#bbbbbb"))
        grid_pen.setWidthF(max(1.0, h / 600))
        grid_pen.setStyle(Qt.PenStyle.DotLine)

        peak = max([1, *(p.received for p in trend), *(p.responded for p in trend)])
        step = _nice_step(peak)
        top_value = step * max(1, -(-peak // step))
        ticks = range(0, top_value + 1, step)
        for value in ticks:
            y = plot.bottom() - plot.height() * value / top_value
            painter.setPen(grid_pen)
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(black)
            painter.drawText(
                QRectF(0, y - line_h / 2, left - line_h * 0.4, line_h),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                str(value),
            )
        for percent in (0, 50, 100):
            y = plot.bottom() - plot.height() * percent / 100
            painter.drawText(
                QRectF(plot.right() + line_h * 0.4, y - line_h / 2, right, line_h),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                f"{percent}%",
            )

        slot = plot.width() / max(1, len(trend))
        bar_w = slot * 0.34
        received_brush = QBrush(black, Qt.BrushStyle.BDiagPattern)
        responded_brush = QBrush(QColor("#555555"))
        points: list[QPointF] = []
        for i, point in enumerate(trend):
            x0 = plot.left() + i * slot + slot * 0.14
            for j, (value, brush) in enumerate(
                ((point.received, received_brush), (point.responded, responded_brush))
            ):
                bar_h = plot.height() * value / top_value
                rect = QRectF(x0 + j * bar_w, plot.bottom() - bar_h, bar_w, bar_h)
                painter.fillRect(rect, QColor("#ffffff"))
                painter.fillRect(rect, brush)
                painter.setPen(axis_pen)
                painter.drawRect(rect)
            label = point.week.split("-")[-1]
            painter.drawText(
                QRectF(plot.left() + i * slot, plot.bottom() + line_h * 0.2, slot, line_h),
                int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop),
                label,
            )
            if point.ratio.percent is not None:
                points.append(
                    QPointF(
                        plot.left() + (i + 0.5) * slot,
                        plot.bottom() - plot.height() * point.ratio.percent / 100,
                    )
                )
        line_pen = QPen(black)
        line_pen.setWidthF(max(1.5, h / 250))
        painter.setPen(line_pen)
        for a, b in itertools.pairwise(points):
            painter.drawLine(a, b)
        painter.setBrush(QBrush(QColor("#ffffff")))
        radius = max(3.0, h / 110)
        for p in points:
            painter.drawEllipse(p, radius, radius)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(axis_pen)
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.drawLine(plot.bottomLeft(), plot.topLeft())
        painter.drawLine(plot.bottomRight(), plot.topRight())
        painter.drawText(
            QRectF(0, h - line_h * 1.1, w, line_h),
            int(Qt.AlignmentFlag.AlignHCenter),
            "ISO week (left axis: cases; right axis: % of responses on time)",
        )

        # legend
        x = plot.left()
        y = line_h * 0.5
        box = line_h * 0.8
        for text, brush in (("Received", received_brush), ("Responded", responded_brush)):
            rect = QRectF(x, y, box * 1.4, box)
            painter.fillRect(rect, brush)
            painter.drawRect(rect)
            x += box * 1.8
            painter.drawText(QPointF(x, y + box * 0.85), text)
            x += metrics.horizontalAdvance(text) + line_h * 1.2
        painter.setPen(line_pen)
        painter.drawLine(QPointF(x, y + box / 2), QPointF(x + box * 2, y + box / 2))
        painter.setBrush(QBrush(QColor("#ffffff")))
        painter.drawEllipse(QPointF(x + box, y + box / 2), radius, radius)
        painter.setPen(axis_pen)
        painter.drawText(QPointF(x + box * 2.5, y + box * 0.85), "% responded on time")
    finally:
        painter.end()
    return image


def _nice_step(peak: int) -> int:
    """Return a round step giving about five gridlines up to `peak`."""
    raw = max(1, peak // 5)
    magnitude = int(10 ** (len(str(raw)) - 1))
    for factor in (1, 2, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude
