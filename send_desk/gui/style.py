"""Colours, icons and text formats the desk shares: RAG markers never rely on colour alone."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap, QPolygonF

from send_desk.domain.kinds import CaseKind, Rag
from send_desk.resources import resource_path


@dataclass(frozen=True)
class RagStyle:
    """How one RAG state looks: words, text colour, background and an icon shape."""

    label: str
    foreground: str
    background: str
    accent: str
    shape: str


RAG_STYLES: dict[Rag, RagStyle] = {
    Rag.OVERDUE: RagStyle("Overdue", "#8A1C14", "#FDE3E1", "#C62828", "circle"),
    Rag.DUE_SOON: RagStyle("Due soon", "#5C3D00", "#FFF0C7", "#B26A00", "triangle"),
    Rag.ON_TRACK: RagStyle("On track", "#17502B", "#DDF2E3", "#2E7D4F", "square"),
    Rag.DONE: RagStyle("Done", "#3A3F45", "#E9ECEF", "#5F6B76", "tick"),
    Rag.WAITING: RagStyle("Waiting for the requester", "#1D3F6E", "#E3EEFA", "#1D4E89", "pause"),
}
"""Every foreground/background pair here passes WCAG AA (contrast at least 4.5:1); a test checks it."""

ACCENT = "#1D4E89"
MUTED_TEXT = "#4A5561"
ERROR_TEXT = "#A4161A"


def kind_stage(kind: CaseKind, stage: int) -> str:
    """Return the kind with the stage for complaints, e.g. "Complaint (stage 2)"."""
    return f"{kind.label} (stage {stage})" if kind is CaseKind.COMPLAINT else kind.label


def relative_luminance(colour: str) -> float:
    """Return the WCAG relative luminance of a #RRGGBB colour."""
    value = colour.lstrip("#")
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground: str, background: str) -> float:
    """Return the WCAG contrast ratio between two #RRGGBB colours (1 to 21)."""
    lighter, darker = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@cache
def rag_icon(rag: Rag, size: int = 16) -> QIcon:
    """Return the icon of a RAG state: a distinct shape as well as a colour."""
    style = RAG_STYLES[rag]
    pixmap = QPixmap(size * 2, size * 2)
    pixmap.setDevicePixelRatio(2.0)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    accent = QColor(style.accent)
    painter.setBrush(accent)
    painter.setPen(Qt.PenStyle.NoPen)
    s = float(size)
    white = QPen(
        QColor("white"), s / 8, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin
    )
    if style.shape == "circle":
        painter.drawEllipse(QRectF(1, 1, s - 2, s - 2))
        painter.setPen(white)
        painter.drawLine(QPointF(s / 2, s * 0.27), QPointF(s / 2, s * 0.56))
        painter.drawPoint(QPointF(s / 2, s * 0.74))
    elif style.shape == "triangle":
        painter.drawPolygon(QPolygonF([QPointF(s / 2, 1), QPointF(s - 1, s - 2), QPointF(1, s - 2)]))
        painter.setPen(white)
        painter.drawLine(QPointF(s / 2, s * 0.38), QPointF(s / 2, s * 0.62))
        painter.drawPoint(QPointF(s / 2, s * 0.8))
    elif style.shape == "square":
        painter.drawRoundedRect(QRectF(2, 2, s - 4, s - 4), s / 5, s / 5)
    elif style.shape == "pause":
        painter.drawRoundedRect(QRectF(s * 0.2, 2, s * 0.22, s - 4), s / 10, s / 10)
        painter.drawRoundedRect(QRectF(s * 0.58, 2, s * 0.22, s - 4), s / 10, s / 10)
    else:
        path = QPainterPath()
        path.moveTo(s * 0.18, s * 0.52)
        path.lineTo(s * 0.42, s * 0.76)
        path.lineTo(s * 0.84, s * 0.26)
        painter.setPen(QPen(accent, s / 6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
    painter.end()
    return QIcon(pixmap)


def app_icon() -> QIcon:
    """Return the application icon from resources/icons."""
    icon = QIcon()
    for name in ("send-desk.svg", "send-desk.png", "send-desk-64.png", "send-desk-32.png"):
        path = resource_path("icons", name)
        if path.exists():
            icon.addFile(str(path))
    return icon


STYLE_SHEET = f"""
QLabel#pageTitle {{ font-size: 15pt; font-weight: 600; color: {ACCENT}; }}
QLabel#sectionTitle {{ font-size: 11pt; font-weight: 600; color: #1F2933; margin-top: 6px; }}
QLabel#muted {{ color: {MUTED_TEXT}; }}
QLabel[role="error"] {{ color: {ERROR_TEXT}; font-weight: 600; }}
QLabel#banner {{ background: #FDE3E1; color: #8A1C14; border: 1px solid #E8A8A3; border-radius: 4px;
    padding: 6px 8px; }}
QFrame#reminderBanner {{ background: #FFF4D6; border: 1px solid #E0B84C; border-radius: 4px; }}
QFrame#reminderBanner QLabel {{ color: #5C4100; }}
QLabel#duePanel {{ background: #EEF3FA; color: #1F2933; border: 1px solid #C9D6E8; border-radius: 4px;
    padding: 6px 8px; }}
QPushButton#dashCard {{ text-align: left; padding: 6px 12px; border: 1px solid #C9D1DA;
    border-radius: 6px; background: #FFFFFF; color: #1F2933; }}
QPushButton#dashCard:hover {{ border-color: {ACCENT}; }}
QPushButton#dashCard:checked {{ background: #E3ECF7; border: 2px solid {ACCENT}; }}
QLabel#dashNumber {{ font-size: 17pt; font-weight: 700; color: #1F2933; }}
QLabel#dashCaption {{ color: {MUTED_TEXT}; }}
QPushButton#dashCard:focus {{ border: 2px solid {ACCENT}; }}
"""
"""The application style sheet: hierarchy through size and weight, colours with AA contrast."""
