"""Print-outs as PDF files or on a printer: Qt's painting (QtGui, QtCore), never widgets, services or SQL."""

from send_desk.printing.chart import draw_trend_chart
from send_desk.printing.jobs import annual_job, case_job, generated_text, weekly_job
from send_desk.printing.pdf import PrintJob, a4_layout, paint_job, write_pdf

__all__ = [
    "PrintJob",
    "a4_layout",
    "annual_job",
    "case_job",
    "draw_trend_chart",
    "generated_text",
    "paint_job",
    "weekly_job",
    "write_pdf",
]
