"""Read email files kept against a case: .eml with the standard library, Outlook .msg with olefile.

An .eml is parsed with `email` (policy=default, so encoded names and subjects come out as text). An
Outlook .msg is an OLE2 compound file; its message properties (MS-OXMSG) are read here directly with
`olefile` (BSD): subject, sender name and address, sent time, plain and HTML bodies, and attachments.
A body that is only HTML is turned into plain text for the case's description.
"""

from __future__ import annotations

import email
import email.policy
import html
import re
import struct
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage as StdEmailMessage
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import PurePath

from send_desk.domain.errors import ValidationError
from send_desk.values.documents import EmailAttachment, EmailMessage

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
EMAIL_SUFFIXES = (".eml", ".msg")
BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "br",
        "tr",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "blockquote",
        "hr",
        "ul",
        "ol",
    }
)
SKIPPED_TAGS = frozenset({"script", "style", "head", "title"})


def is_email_name(name: str) -> bool:
    """Tell whether a file name is one the desk reads as an email (.eml or .msg)."""
    return PurePath(name).suffix.lower() in EMAIL_SUFFIXES


def read_email(name: str, data: bytes) -> EmailMessage:
    """Read an .eml or Outlook .msg file (chosen by its contents, then its name)."""
    if data.startswith(OLE_SIGNATURE):
        return read_msg(data, name=name)
    if PurePath(name).suffix.lower() == ".msg":
        raise ValidationError(
            f"{name} is not an Outlook message the desk can read (it is not an Outlook .msg file). "
            "In Outlook, save the email again with File ▸ Save As, as an Outlook Message."
        )
    return read_eml(data, name=name)


# ----- .eml ----------------------------------------------------------------------------------------
def read_eml(data: bytes, *, name: str = "the email") -> EmailMessage:
    """Read an RFC 5322 message (.eml)."""
    message = email.message_from_bytes(data, policy=email.policy.default)
    if not isinstance(message, StdEmailMessage) or not (message.keys() or message.get_payload()):
        raise ValidationError(f"{name} does not look like an email: it has no headers the desk can read.")
    sender_name, sender_address = _sender(message)
    text, body_html = _bodies(message)
    return EmailMessage(
        subject=str(message.get("Subject", "") or "").strip(),
        sender_name=sender_name,
        sender_address=sender_address,
        sent_at=_eml_date(message),
        body_text=text,
        body_html=body_html,
        to=", ".join(
            _address_text(n, a) for n, a in getaddresses([str(v) for v in message.get_all("To", [])])
        ),
        attachments=tuple(_eml_attachments(message)),
    )


def _sender(message: StdEmailMessage) -> tuple[str, str]:
    header = message.get("From")
    addresses = getattr(header, "addresses", ())
    if addresses:
        first = addresses[0]
        return str(first.display_name or "").strip(), str(first.addr_spec or "").strip()
    name, address = parseaddr(str(header or ""))
    return name.strip(), address.strip()


def _recipients(message: StdEmailMessage) -> str:
    pairs = getaddresses([str(value) for value in message.get_all("To", [])])
    return ", ".join(_address_text(name, address) for name, address in pairs)


def _address_text(name: str, address: str) -> str:
    return f"{name} <{address}>" if name and address else name or address


def _eml_date(message: StdEmailMessage) -> datetime | None:
    header = message.get("Date")
    value = getattr(header, "datetime", None)
    if value is None and header:
        try:
            value = parsedate_to_datetime(str(header))
        except (TypeError, ValueError):
            value = None
    if not isinstance(value, datetime):
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _bodies(message: StdEmailMessage) -> tuple[str, str]:
    plain_part = message.get_body(preferencelist=("plain",))
    html_part = message.get_body(preferencelist=("html",))
    body_html = _part_text(html_part) if html_part is not None else ""
    if plain_part is not None:
        return _tidy(_part_text(plain_part)), body_html
    return html_to_text(body_html), body_html


def _part_text(part: object) -> str:
    try:
        content = part.get_content()  # type: ignore[attr-defined]
    except (LookupError, ValueError, AssertionError):
        raw = part.get_payload(decode=True) or b""  # type: ignore[attr-defined]
        content = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else str(raw)
    return content if isinstance(content, str) else str(content)


def _eml_attachments(message: StdEmailMessage) -> list[EmailAttachment]:
    found: list[EmailAttachment] = []
    for number, part in enumerate(message.iter_attachments(), start=1):
        media_type = part.get_content_type()
        if media_type == "message/rfc822":
            inner = part.get_payload()
            inner_message = inner[0] if isinstance(inner, list) and inner else inner
            content = inner_message.as_bytes() if hasattr(inner_message, "as_bytes") else b""
            subject = str(inner_message.get("Subject", "") or "") if hasattr(inner_message, "get") else ""
            name = part.get_filename() or f"{subject.strip() or 'attached email'}.eml"
        else:
            payload = part.get_payload(decode=True)
            content = payload if isinstance(payload, bytes) else b""
            name = part.get_filename() or f"attachment {number}"
        found.append(EmailAttachment(name=name, media_type=media_type, content=content))
    return found


# ----- HTML to text --------------------------------------------------------------------------------
class _TextFromHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED_TAGS:
            self.skipping += 1
        elif tag in BLOCK_TAGS:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("• ")
        if tag in ("td", "th"):
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif tag in BLOCK_TAGS and tag not in ("br", "li"):
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(markup: str) -> str:
    """Return the readable text of an HTML body: paragraphs and line breaks kept, tags and styles gone."""
    if not markup.strip():
        return ""
    parser = _TextFromHtml()
    parser.feed(markup)
    parser.close()
    return _tidy(html.unescape("".join(parser.parts)))


def _tidy(text: str) -> str:
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# ----- Outlook .msg (MS-OXMSG) --------------------------------------------------------------------
PT_STRING8 = 0x001E
PT_UNICODE = 0x001F
PT_BINARY = 0x0102
PT_SYSTIME = 0x0040
PT_LONG = 0x0003
PR_SUBJECT = 0x0037
PR_CLIENT_SUBMIT_TIME = 0x0039
PR_SENT_REPRESENTING_NAME = 0x0042
PR_SENT_REPRESENTING_EMAIL = 0x0065
PR_TRANSPORT_HEADERS = 0x007D
PR_SENDER_NAME = 0x0C1A
PR_SENDER_ADDRTYPE = 0x0C1E
PR_SENDER_EMAIL = 0x0C1F
PR_DISPLAY_TO = 0x0E04
PR_DELIVERY_TIME = 0x0E06
PR_BODY = 0x1000
PR_HTML = 0x1013
PR_DISPLAY_NAME = 0x3001
PR_ATTACH_DATA = 0x3701
PR_ATTACH_FILENAME = 0x3704
PR_ATTACH_METHOD = 0x3705
PR_ATTACH_LONG_FILENAME = 0x3707
PR_ATTACH_MIME_TAG = 0x370E
PR_INTERNET_CPID = 0x3FDE
PR_MESSAGE_CODEPAGE = 0x3FFD
PR_SENDER_SMTP = 0x5D01
PR_SENT_REPRESENTING_SMTP = 0x5D02
CODE_PAGES = {65001: "utf-8", 1252: "cp1252", 28591: "latin-1", 20127: "ascii", 1200: "utf-16-le"}
FILETIME_EPOCH = datetime(1601, 1, 1, tzinfo=UTC)


class _MsgStorage:
    """One storage of a .msg (the message itself or an attachment) and its property streams."""

    def __init__(self, ole: object, prefix: list[str], header_size: int) -> None:
        self.ole = ole
        self.prefix = prefix
        self.fixed = self._fixed_properties(header_size)

    def _stream(self, name: str) -> bytes | None:
        path = [*self.prefix, name]
        if not self.ole.exists("/".join(path)):  # type: ignore[attr-defined]
            return None
        data: bytes = self.ole.openstream(path).read()  # type: ignore[attr-defined]
        return data

    def _fixed_properties(self, header_size: int) -> dict[int, bytes]:
        raw = self._stream("__properties_version1.0") or b""
        found: dict[int, bytes] = {}
        for offset in range(header_size, len(raw) - 15, 16):
            tag, _flags, value = struct.unpack_from("<II8s", raw, offset)
            found[tag] = value
        return found

    def code_page(self) -> str:
        for prop in (PR_INTERNET_CPID, PR_MESSAGE_CODEPAGE):
            value = self.fixed.get((prop << 16) | PT_LONG)
            if value is not None:
                return CODE_PAGES.get(struct.unpack_from("<I", value)[0], "cp1252")
        return "cp1252"

    def text(self, prop: int) -> str:
        unicode = self._stream(f"__substg1.0_{prop:04X}{PT_UNICODE:04X}")
        if unicode is not None:
            return unicode.decode("utf-16-le", errors="replace").rstrip("\x00")
        eight_bit = self._stream(f"__substg1.0_{prop:04X}{PT_STRING8:04X}")
        if eight_bit is not None:
            return eight_bit.decode(self.code_page(), errors="replace").rstrip("\x00")
        return ""

    def binary(self, prop: int) -> bytes | None:
        return self._stream(f"__substg1.0_{prop:04X}{PT_BINARY:04X}")

    def time(self, prop: int) -> datetime | None:
        value = self.fixed.get((prop << 16) | PT_SYSTIME)
        if value is None:
            return None
        ticks = struct.unpack("<Q", value)[0]
        return FILETIME_EPOCH + timedelta(microseconds=ticks // 10) if ticks else None

    def number(self, prop: int) -> int | None:
        value = self.fixed.get((prop << 16) | PT_LONG)
        return None if value is None else int(struct.unpack_from("<I", value)[0])


def read_msg(data: bytes, *, name: str = "the email") -> EmailMessage:
    """Read an Outlook .msg file's subject, sender, sent time, bodies and attachments."""
    import olefile

    try:
        ole = olefile.OleFileIO(data)
    except (OSError, ValueError, struct.error) as exc:
        raise ValidationError(
            f"{name} could not be read as an Outlook message ({exc}). In Outlook, save the email again "
            "with File ▸ Save As, as an Outlook Message, or save it as an .eml file."
        ) from exc
    try:
        message = _MsgStorage(ole, [], 32)
        body_html = _msg_html(message)
        body_text = _tidy(message.text(PR_BODY)) or html_to_text(body_html)
        headers = message.text(PR_TRANSPORT_HEADERS)
        sender_name, sender_address = _msg_sender(message, headers)
        sent_at = (
            message.time(PR_CLIENT_SUBMIT_TIME) or message.time(PR_DELIVERY_TIME) or _header_date(headers)
        )
        attachments = _msg_attachments(ole)
        return EmailMessage(
            subject=message.text(PR_SUBJECT).strip(),
            sender_name=sender_name,
            sender_address=sender_address,
            sent_at=sent_at,
            body_text=body_text,
            body_html=body_html,
            to=message.text(PR_DISPLAY_TO).strip(),
            attachments=tuple(attachments),
        )
    finally:
        ole.close()


def _msg_html(message: _MsgStorage) -> str:
    raw = message.binary(PR_HTML)
    if raw is not None:
        return raw.decode(message.code_page(), errors="replace").rstrip("\x00")
    return message.text(PR_HTML)


def _msg_sender(message: _MsgStorage, headers: str) -> tuple[str, str]:
    name = message.text(PR_SENDER_NAME) or message.text(PR_SENT_REPRESENTING_NAME)
    address = message.text(PR_SENDER_SMTP) or message.text(PR_SENT_REPRESENTING_SMTP)
    if not address:
        for candidate in (message.text(PR_SENDER_EMAIL), message.text(PR_SENT_REPRESENTING_EMAIL)):
            if "@" in candidate and not candidate.startswith("/"):  # not an Exchange X500 address
                address = candidate
                break
    if headers and not address:
        from_line = re.search(r"^From:\s*(.+(?:\n[ \t].+)*)", headers, flags=re.MULTILINE | re.IGNORECASE)
        if from_line:
            header_name, address = parseaddr(re.sub(r"\s+", " ", from_line.group(1)))
            name = name or header_name
    return name.strip(), address.strip()


def _header_date(headers: str) -> datetime | None:
    found = re.search(r"^Date:\s*(.+)$", headers, flags=re.MULTILINE | re.IGNORECASE)
    if not found:
        return None
    try:
        value = parsedate_to_datetime(found.group(1).strip())
    except (TypeError, ValueError):
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _msg_attachments(ole: object) -> list[EmailAttachment]:
    storages = sorted(
        {
            entry[0]
            for entry in ole.listdir(streams=True, storages=True)  # type: ignore[attr-defined]
            if len(entry) > 1 and entry[0].lower().startswith("__attach_version1.0_")
        }
    )
    found: list[EmailAttachment] = []
    for number, storage_name in enumerate(storages, start=1):
        attachment = _MsgStorage(ole, [storage_name], 8)
        content = attachment.binary(PR_ATTACH_DATA)
        if content is None:  # an embedded Outlook item or an OLE object: not a file the desk can keep
            continue
        name = (
            attachment.text(PR_ATTACH_LONG_FILENAME)
            or attachment.text(PR_ATTACH_FILENAME)
            or attachment.text(PR_DISPLAY_NAME)
            or f"attachment {number}"
        )
        media_type = attachment.text(PR_ATTACH_MIME_TAG) or "application/octet-stream"
        found.append(EmailAttachment(name=name, media_type=media_type, content=content))
    return found
