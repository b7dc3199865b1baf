"""The weekly summary's 12-week trend chart, drawn in black, white and grey for mono printers."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QImage, QPainter, QPen

from send_desk.printing.pdf import FONT_FAMILY
from send_desk.values.figures import TrendPoint


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
