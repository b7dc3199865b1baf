"""Merge a .docx template (docxtpl tags) with a case's values, and read a letter's text back."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator, Mapping
from typing import Any

from send_desk.domain.errors import ValidationError
from send_desk.domain.letters import LARGE_PRINT_POINTS

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _template(content: bytes) -> Any:
    from docxtpl import DocxTemplate

    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise ValidationError(
            'That file is not a Word .docx document. Save it from Word as "Word Document (*.docx)" and '
            "add it again.",
            field="template",
        )
    try:
        return DocxTemplate(io.BytesIO(content))
    except Exception as exc:
        raise ValidationError(
            f"Word could have saved that file, but it cannot be read as a .docx document ({exc}). Open it "
            "in Word, save it again as .docx and add it again.",
            field="template",
        ) from exc


def template_fields(content: bytes) -> set[str]:
    """Return the names a template's docxtpl tags use (a tag Word broke apart is said in plain words)."""
    template = _template(content)
    try:
        return set(template.get_undeclared_template_variables())
    except Exception as exc:
        raise ValidationError(
            f"The template's tags could not be read: {exc}. Check every field is written as "
            "{{ field_name }} and every {% if %} has its {% endif %}.",
            field="template",
        ) from exc


def render_docx(content: bytes, values: Mapping[str, object], *, large_print: bool = False) -> bytes:
    """Return the .docx made from a template and the merged values (16 pt or larger for large print)."""
    from docxtpl import Listing

    template = _template(content)
    context = {k: Listing(v) if isinstance(v, str) and "\n" in v else v for k, v in values.items()}
    try:
        template.render(context, autoescape=True)
    except Exception as exc:
        raise ValidationError(
            f"The template could not be merged: {exc}. Check its tags in Word.", field="template"
        ) from exc
    out = io.BytesIO()
    template.save(out)
    if not large_print:
        return out.getvalue()
    from docx import Document  # docxtpl keeps merged headers apart: enlarge a fresh reading of the letter

    document = Document(io.BytesIO(out.getvalue()))
    enlarge(document, LARGE_PRINT_POINTS)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def enlarge(document: Any, points: int) -> None:
    """Set every style and run smaller than `points` to `points` (a large-print letter)."""
    from docx.shared import Pt

    for style in document.styles:
        font = getattr(style, "font", None)
        if font is not None and (font.size is None or font.size.pt < points):
            font.size = Pt(points)
    for paragraph in _paragraphs(document):
        for run in paragraph.runs:
            if run.font.size is not None and run.font.size.pt < points:
                run.font.size = Pt(points)


def _paragraphs(document: Any) -> Iterator[Any]:
    sections = list(document.sections)
    for section in sections:
        yield from section.header.paragraphs
    yield from document.paragraphs
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs
    for section in sections:
        yield from section.footer.paragraphs


def docx_paragraphs(content: bytes) -> list[str]:
    """Return a letter's header, body and footer paragraphs (a line break inside one is a newline)."""
    from docx import Document

    return [p.text for p in _paragraphs(Document(io.BytesIO(content)))]


def docx_text(content: bytes) -> str:
    """Return a letter's text: its header, body and footer paragraphs, one a line."""
    text = "\n".join(docx_paragraphs(content))
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def smallest_font(content: bytes) -> float:
    """Return the smallest font size (points) any style or run of a .docx sets."""
    from docx import Document

    document = Document(io.BytesIO(content))
    sizes = [s.font.size.pt for s in document.styles if getattr(s, "font", None) and s.font.size]
    sizes += [r.font.size.pt for p in _paragraphs(document) for r in p.runs if r.font.size is not None]
    return float(min(sizes))
