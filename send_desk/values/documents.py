"""Values about the files kept against a case: what the desk knows of each one, and parsed emails."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

EMAIL_MEDIA_TYPES = frozenset({"message/rfc822", "application/vnd.ms-outlook"})
"""Media types the desk reads as emails (an .eml and an Outlook .msg)."""

MEGABYTE = 1024 * 1024
DEFAULT_MAX_BYTES = 25 * MEGABYTE
"""The largest file kept against a case unless an admin changes it (25 MB)."""


def size_words(size: int) -> str:
    """Return a file size as a person reads it: "512 bytes", "14 KB", "3.2 MB"."""
    if size < 1024:
        return f"{size} byte" if size == 1 else f"{size} bytes"
    if size < MEGABYTE:
        return f"{round(size / 1024)} KB"
    megabytes = size / MEGABYTE
    return f"{megabytes:.0f} MB" if megabytes >= 10 or megabytes == int(megabytes) else f"{megabytes:.1f} MB"


@dataclass(frozen=True)
class DocumentInfo:
    """One file kept against a case (its bytes are fetched separately)."""

    id: int
    case_reference: str
    name: str
    media_type: str
    size: int
    sha256: str
    added_by: str
    added_at: datetime
    removed: bool = False
    removed_at: datetime | None = None
    removed_by: str = ""
    removed_reason: str = ""
    asked_name: str = ""
    """The name the file was given when added, where the desk had to change it (a name already used)."""

    @property
    def is_email(self) -> bool:
        """Tell whether this file is an email (.eml or Outlook .msg)."""
        return self.media_type in EMAIL_MEDIA_TYPES or self.name.lower().endswith((".eml", ".msg"))

    @property
    def size_text(self) -> str:
        """Return the size in plain words."""
        return size_words(self.size)


@dataclass(frozen=True)
class EmailAttachment:
    """A file carried inside an email."""

    name: str
    media_type: str
    content: bytes = field(repr=False)

    @property
    def size(self) -> int:
        """Return the attachment's size in bytes."""
        return len(self.content)


@dataclass(frozen=True)
class EmailMessage:
    """What the desk reads from an email file: who sent it, when, about what, and what it carries."""

    subject: str
    sender_name: str
    sender_address: str
    sent_at: datetime | None
    body_text: str
    body_html: str = ""
    to: str = ""
    attachments: tuple[EmailAttachment, ...] = ()

    @property
    def sender(self) -> str:
        """Return the sender as a person reads it: "Name <address>", or whichever is known."""
        if self.sender_name and self.sender_address:
            return f"{self.sender_name} <{self.sender_address}>"
        return self.sender_name or self.sender_address


@dataclass(frozen=True)
class EmailCaseDraft:
    """A new case read from an email file: the form's fields, the email itself, and the file to attach."""

    file_name: str
    content: bytes = field(repr=False)
    message: EmailMessage
    kind: str
    received_at: datetime
    contact_name: str
    contact_email: str
    summary: str
    description: str
