"""Values for letters: template versions, a letter made, the SMTP relay, what can make a PDF."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class TemplateView:
    """One version of a letter template as the template manager lists it."""

    id: int
    name: str
    version: int
    title: str
    purpose: str
    kinds: tuple[str, ...]
    stages: tuple[int, ...]
    fields: tuple[str, ...]
    active: bool
    added_by: str
    added_at: datetime
    shipped: bool = False
    """True for a default that came with the desk (resources/templates/)."""


@dataclass(frozen=True)
class MergedLetter:
    """A template merged with one case: the .docx bytes and the text a person previews."""

    reference: str
    template: TemplateView
    content: bytes
    text: str
    filename: str
    subject: str
    paragraphs: tuple[str, ...] = ()
    """The letter's paragraphs, for a preview that keeps them apart."""


@dataclass(frozen=True)
class LetterMade:
    """A letter or email that was made, stored on the case and recorded on its timeline."""

    reference: str
    template_name: str
    template_version: int
    how: str
    """docx, pdf, draft or email."""
    filename: str
    content: bytes
    media_type: str
    recipient: str
    timeline_text: str
    document_stored: bool


@dataclass(frozen=True)
class SmtpSettingsView:
    """The team's SMTP relay as an admin set it up (never a password)."""

    host: str
    port: int
    starttls: bool
    from_address: str
    username: str = ""


@dataclass(frozen=True)
class PdfMaker:
    """What on this PC can turn a .docx into PDF, or why nothing can."""

    program: str
    """"LibreOffice", "Microsoft Word" or "" when there is none."""
    path: str
    reason: str = ""
    """Why PDF is not offered, in plain words (empty when it is)."""

    @property
    def available(self) -> bool:
        """Tell whether a PDF can be made here."""
        return bool(self.program)
