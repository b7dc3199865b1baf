"""The fields a tracker's columns map to, header matching, and plain-words parsing of cell values.

Pure Python over the domain vocabulary: no database, no Qt. The importer (`xlsx_import`) and the import
service use it; the export writes headers this module recognises, so our own export reads back as is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from send_desk.domain.kinds import CaseKind, Channel, Outcome

FIELDS: tuple[str, ...] = (
    "reference",
    "kind",
    "stage",
    "channel",
    "received",
    "contact_name",
    "contact_email",
    "contact_phone",
    "child_name",
    "child_dob",
    "category",
    "officer",
    "acknowledged",
    "responded",
    "outcome",
    "summary",
)
"""The field ids of `send-desk import --map "Header=field"` (see DESIGN.md)."""

FIELD_LABELS: dict[str, str] = {
    "reference": "Reference",
    "kind": "Kind",
    "stage": "Stage",
    "channel": "Channel",
    "received": "Received",
    "contact_name": "Contact name",
    "contact_email": "Contact email",
    "contact_phone": "Contact phone",
    "child_name": "Child name",
    "child_dob": "Child date of birth",
    "category": "Category",
    "officer": "Officer",
    "acknowledged": "Acknowledged",
    "responded": "Responded",
    "outcome": "Outcome",
    "summary": "Summary",
}
"""What each field is called in messages and on the mapping page."""

IGNORE = "ignore"
"""The mapping value that leaves a column out of the import."""

MAX_LENGTHS: dict[str, int] = {
    "reference": 30,
    "contact_name": 200,
    "contact_email": 254,
    "contact_phone": 40,
    "child_name": 200,
    "category": 200,
    "officer": 200,
    "summary": 32767,
}
"""The longest text each field can hold (the database columns; a spreadsheet cell holds 32,767)."""

DATE_FIELDS = frozenset({"received", "child_dob", "acknowledged", "responded"})

_HEADER_VARIANTS: dict[str, tuple[str, ...]] = {
    "reference": (
        "reference",
        "ref",
        "ref no",
        "ref number",
        "case ref",
        "case reference",
        "case number",
        "case no",
        "our ref",
        "our reference",
        "complaint ref",
        "complaint reference",
        "case id",
        "id",
        "log number",
    ),
    "kind": (
        "kind",
        "type",
        "case type",
        "case kind",
        "enquiry type",
        "contact type",
        "complaint type",
        "request type",
        "kind of case",
        "type of contact",
        "type of case",
    ),
    "stage": ("stage", "complaint stage", "stage no", "stage number", "current stage"),
    "channel": (
        "channel",
        "how received",
        "received via",
        "received by",
        "method",
        "method received",
        "contact method",
        "source",
        "how contacted",
        "route",
    ),
    "received": (
        "received",
        "date received",
        "date recd",
        "date rec",
        "recd",
        "rec d",
        "received on",
        "received date",
        "date in",
        "date logged",
        "logged",
        "logged on",
        "date of contact",
        "date opened",
        "opened",
        "start date",
        "date",
        "received date dd mm yyyy",
    ),
    "contact_name": (
        "contact",
        "contact name",
        "name",
        "complainant",
        "complainant name",
        "enquirer",
        "enquirer name",
        "requester",
        "requester name",
        "customer",
        "customer name",
        "parent",
        "parent name",
        "parent carer",
        "parent carer name",
        "from",
        "family contact",
        "correspondent",
    ),
    "contact_email": (
        "email",
        "e mail",
        "contact email",
        "email address",
        "contact e mail",
        "complainant email",
    ),
    "contact_phone": (
        "phone",
        "telephone",
        "tel",
        "tel no",
        "phone number",
        "telephone number",
        "contact phone",
        "mobile",
        "contact number",
    ),
    "child_name": (
        "child",
        "child name",
        "childs name",
        "child s name",
        "young person",
        "child young person",
        "child or young person",
        "cyp",
        "cyp name",
        "pupil",
        "pupil name",
        "learner",
        "student",
    ),
    "child_dob": (
        "dob",
        "d o b",
        "date of birth",
        "child dob",
        "child date of birth",
        "childs dob",
        "child s dob",
        "cyp dob",
        "birth date",
    ),
    "category": (
        "category",
        "subject",
        "topic",
        "issue",
        "theme",
        "nature of complaint",
        "complaint category",
        "reason",
        "area",
        "send category",
    ),
    "officer": (
        "officer",
        "case officer",
        "assigned to",
        "allocated to",
        "handler",
        "owner",
        "lead officer",
        "responsible officer",
        "handled by",
        "officer dealing",
    ),
    "acknowledged": (
        "acknowledged",
        "acknowledged on",
        "date acknowledged",
        "ack",
        "ack sent",
        "ack date",
        "date ack",
        "acknowledgement sent",
        "acknowledgement date",
        "date acknowledgement sent",
        "acknowledgment sent",
        "acknowledgment date",
        "date acknowledgment sent",
    ),
    "responded": (
        "responded",
        "responded on",
        "date responded",
        "response sent",
        "response date",
        "date of response",
        "date response sent",
        "reply sent",
        "date replied",
        "replied",
        "date closed response",
        "response issued",
        "date response issued",
    ),
    "outcome": ("outcome", "finding", "result", "decision", "complaint outcome", "upheld"),
    "summary": (
        "summary",
        "details",
        "description",
        "notes",
        "comments",
        "nature of enquiry",
        "brief description",
        "complaint summary",
        "enquiry details",
        "issue summary",
    ),
}

_NON_WORD = re.compile(r"[^0-9a-z]+")


def normalise_header(text: str) -> str:
    """Return a header folded for matching: lower case, punctuation as spaces, single spaces."""
    folded = text.lower().replace("'", "").replace("\u2019", "")
    return " ".join(_NON_WORD.sub(" ", folded).split())


HEADER_LOOKUP: dict[str, str] = {
    normalise_header(variant): field for field, variants in _HEADER_VARIANTS.items() for variant in variants
}
HEADER_LOOKUP.update({normalise_header(label): field for field, label in FIELD_LABELS.items()})
HEADER_LOOKUP.update({field.replace("_", " "): field for field in FIELDS})


def field_for_header(text: str) -> str | None:
    """Return the field a column header means, or None when it is not recognised."""
    key = normalise_header(text)
    if not key:
        return None
    if key in HEADER_LOOKUP:
        return HEADER_LOOKUP[key]
    # "Date received (dd/mm/yyyy)", "Child's name (if known)": drop a trailing bracket and retry
    bare = normalise_header(re.sub(r"\(.*?\)", " ", text))
    return HEADER_LOOKUP.get(bare)


def guess_mapping(
    headers: Iterable[str], overrides: Mapping[str, str] | None = None
) -> dict[int, str | None]:
    """Return column index → field for a header row; `overrides` (header → field or "ignore") win.

    A field is given to the first column that claims it; later columns with the same field are ignored.
    """
    wanted = {normalise_header(k): v for k, v in (overrides or {}).items()}
    mapping: dict[int, str | None] = {}
    taken: set[str] = set()
    for index, header in enumerate(headers):
        key = normalise_header(header)
        field: str | None
        if key and key in wanted:
            chosen = wanted[key]
            field = None if chosen == IGNORE else chosen
        else:
            field = field_for_header(header)
        if field is not None and field in taken:
            field = None
        if field is not None:
            taken.add(field)
        mapping[index] = field
    return mapping


def check_mapping_overrides(overrides: Mapping[str, str]) -> None:
    """Raise ValueError, in plain words, for a `--map` naming a field that does not exist."""
    for header, field in overrides.items():
        if field != IGNORE and field not in FIELDS:
            raise ValueError(
                f"'{field}' (for the column '{header}') is not a field. Use one of: {', '.join(FIELDS)}, "
                f"or '{IGNORE}' to leave the column out."
            )


# ----- cell values -----------------------------------------------------------------------------------
class CellError(ValueError):
    """A cell value that cannot be read as its field; the message is for the person importing."""


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[\s\-/.,]+([a-z]+)\.?[\s\-/.,]+(\d{2}|\d{4})$")
_MONTH_DAY_YEAR = re.compile(r"^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{2}|\d{4})$")
_TIME_SUFFIX = re.compile(r"\s+\d{1,2}:\d{2}(?::\d{2})?$")
_WEEKDAY_PREFIX = re.compile(r"^(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+")
EXCEL_EPOCH = date(1899, 12, 30)
MAX_SERIAL = 2958465  # 31/12/9999


def _year(text: str, today: date) -> int:
    year = int(text)
    if len(text) == 2:
        pivot = today.year % 100 + 1
        year += 2000 if year <= pivot else 1900
    return year


def _make_date(year: int, month: int, day: int, original: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise CellError(f"'{original}' is not a real date.") from None


def parse_date(value: Any, today: date) -> date | None:
    """Return a date from a date cell, an Excel serial number or text (dd/mm/yyyy, "3rd Jan 2025"...)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise CellError(f"'{value}' is not a date.")
    if isinstance(value, int | float):
        if value != value or not 1 <= value <= MAX_SERIAL:  # NaN or outside Excel's dates
            raise CellError(f"The number {value} is not a date.")
        whole = int(value)
        if whole < 61:  # Excel's serials pretend 1900 was a leap year
            whole += 1
        return EXCEL_EPOCH + timedelta(days=whole)
    if not isinstance(value, str):
        raise CellError(f"'{value}' is not a date.")
    original = value.strip()
    text = _TIME_SUFFIX.sub("", original.lower())
    text = _WEEKDAY_PREFIX.sub("", text).strip()
    if not text:
        return None
    if match := _NUMERIC_DATE.match(text):
        day, month, year = match.groups()
        return _make_date(_year(year, today), int(month), int(day), original)
    if match := _ISO_DATE.match(text):
        year, month, day = match.groups()
        return _make_date(int(year), int(month), int(day), original)
    if match := _DAY_MONTH_YEAR.match(text):
        day, month_name, year = match.groups()
        if month_name in _MONTHS:
            return _make_date(_year(year, today), _MONTHS[month_name], int(day), original)
    if match := _MONTH_DAY_YEAR.match(text):
        month_name, day, year = match.groups()
        if month_name in _MONTHS:
            return _make_date(_year(year, today), _MONTHS[month_name], int(day), original)
    if text.isdecimal() and len(text) <= 7:  # isdigit() would let "¹" through to int()
        return parse_date(int(text), today)
    raise CellError(f"'{_clip(original)}' is not a date; write it as dd/mm/yyyy, e.g. 27/11/2026.")


def _clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _words(text: str) -> str:
    return normalise_header(text)


_KIND_WORDS: dict[str, tuple[CaseKind, int | None]] = {}


def _add_kind(kind: CaseKind, stage: int | None, *words: str) -> None:
    for word in words:
        _KIND_WORDS[_words(word)] = (kind, stage)


for _kind in CaseKind:
    _add_kind(_kind, None, _kind.value, _kind.label)
_add_kind(CaseKind.COMPLAINT, None, "complaint", "complaints", "formal complaint", "corporate complaint")
for _stage in (1, 2):
    _add_kind(
        CaseKind.COMPLAINT,
        _stage,
        f"stage {_stage} complaint",
        f"complaint stage {_stage}",
        f"complaint s{_stage}",
        f"s{_stage} complaint",
        f"stage {_stage}",
        f"complaint {_stage}",
    )
_add_kind(
    CaseKind.ENQUIRY,
    None,
    "enquiry",
    "enquiries",
    "general enquiry",
    "service request",
    "query",
    "request for service",
    "inquiry",
)
_add_kind(
    CaseKind.MP_ENQUIRY,
    None,
    "mp",
    "mp enquiry",
    "mp letter",
    "mp s enquiry",
    "mps enquiry",
    "member of parliament",
    "mp correspondence",
)
_add_kind(
    CaseKind.COUNCILLOR_ENQUIRY,
    None,
    "councillor",
    "cllr",
    "cllr enquiry",
    "member enquiry",
    "councillor enquiry",
    "elected member",
    "member s enquiry",
)
_add_kind(
    CaseKind.FOI,
    None,
    "foi",
    "foia",
    "freedom of information",
    "foi request",
    "freedom of information request",
)
_add_kind(
    CaseKind.EIR, None, "eir", "environmental information", "eir request", "environmental information request"
)
_add_kind(
    CaseKind.SAR,
    None,
    "sar",
    "dsar",
    "subject access",
    "subject access request",
    "data subject access request",
)
_add_kind(CaseKind.OMBUDSMAN, None, "ombudsman", "lgsco", "lgo", "ombudsman enquiry", "ombudsman complaint")
_add_kind(CaseKind.COMPLIMENT, None, "compliment", "compliments", "thanks", "thank you", "praise")


def parse_kind(value: Any) -> tuple[CaseKind, int | None] | None:
    """Return the kind (and a stage it implies, such as "Stage 2 complaint") a cell names."""
    text = _text(value)
    if not text:
        return None
    found = _KIND_WORDS.get(_words(text))
    if found is None:
        raise CellError(
            f"'{_clip(text)}' is not a kind of case; use complaint, enquiry, MP enquiry, councillor enquiry, "
            "FOI, EIR, SAR, Ombudsman or compliment."
        )
    return found


def parse_stage(value: Any) -> int | None:
    """Return stage 1 or 2 from 1, "2", "Stage 2", "S1"..."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise CellError(f"'{value}' is not a stage; use 1 or 2.")
    if isinstance(value, int | float) and value in (1, 2):
        return int(value)
    words = _words(_text(value))
    for stage, names in (
        (1, ("1", "stage 1", "s1", "one", "stage one", "first")),
        (2, ("2", "stage 2", "s2", "two", "stage two", "second")),
    ):
        if words in names:
            return stage
    raise CellError(f"'{_clip(_text(value))}' is not a stage; use 1 or 2.")


_CHANNEL_WORDS: dict[str, Channel] = {}
for _channel in Channel:
    _CHANNEL_WORDS[_words(_channel.value)] = _channel
    _CHANNEL_WORDS[_words(_channel.label)] = _channel
for _word, _channel in (
    ("telephone", Channel.PHONE),
    ("tel", Channel.PHONE),
    ("call", Channel.PHONE),
    ("phone call", Channel.PHONE),
    ("e mail", Channel.EMAIL),
    ("mail", Channel.LETTER),
    ("post", Channel.LETTER),
    ("letter post", Channel.LETTER),
    ("webform", Channel.WEB_FORM),
    ("online", Channel.WEB_FORM),
    ("online form", Channel.WEB_FORM),
    ("website", Channel.WEB_FORM),
    ("web", Channel.WEB_FORM),
    ("face to face", Channel.IN_PERSON),
    ("visit", Channel.IN_PERSON),
    ("in person visit", Channel.IN_PERSON),
    ("mp", Channel.VIA_MP),
    ("councillor", Channel.VIA_COUNCILLOR),
    ("cllr", Channel.VIA_COUNCILLOR),
    ("ombudsman", Channel.VIA_OMBUDSMAN),
    ("lgsco", Channel.VIA_OMBUDSMAN),
    ("social", Channel.SOCIAL_MEDIA),
    ("twitter", Channel.SOCIAL_MEDIA),
    ("facebook", Channel.SOCIAL_MEDIA),
    ("x", Channel.SOCIAL_MEDIA),
):
    _CHANNEL_WORDS[_words(_word)] = _channel


def parse_channel(value: Any) -> Channel | None:
    """Return the channel a cell names (phone, email, letter, web form...)."""
    text = _text(value)
    if not text:
        return None
    found = _CHANNEL_WORDS.get(_words(text))
    if found is None:
        raise CellError(
            f"'{_clip(text)}' is not a channel; use phone, email, letter, web form, in person, via MP, "
            "via councillor, via Ombudsman or social media."
        )
    return found


_OUTCOME_WORDS: dict[str, Outcome | None] = {
    "upheld": Outcome.UPHELD,
    "fully upheld": Outcome.UPHELD,
    "yes": Outcome.UPHELD,
    "partly upheld": Outcome.PARTLY_UPHELD,
    "partially upheld": Outcome.PARTLY_UPHELD,
    "part upheld": Outcome.PARTLY_UPHELD,
    "partly": Outcome.PARTLY_UPHELD,
    "partial": Outcome.PARTLY_UPHELD,
    "not upheld": Outcome.NOT_UPHELD,
    "no": Outcome.NOT_UPHELD,
    "rejected": Outcome.NOT_UPHELD,
    "n a": None,
    "na": None,
    "none": None,
    "tbc": None,
    "pending": None,
    "": None,
}
for _outcome in Outcome:
    _OUTCOME_WORDS[_words(_outcome.value)] = _outcome


def parse_outcome(value: Any) -> Outcome | None:
    """Return the outcome a cell names (upheld, partly upheld, not upheld), or None for n/a."""
    text = _text(value)
    if not text:
        return None
    key = _words(text)
    if key not in _OUTCOME_WORDS:
        raise CellError(f"'{_clip(text)}' is not an outcome; use upheld, partly upheld or not upheld.")
    return _OUTCOME_WORDS[key]


def _text(value: Any) -> str:
    """Return a cell as trimmed text (whole numbers without ".0")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    return " ".join(str(value).split()) if not isinstance(value, str) else value.strip()


def parse_text(value: Any, field: str) -> str:
    """Return a text field trimmed, checking it fits; a phone typed as a number gets its leading 0 back."""
    if field == "contact_phone" and isinstance(value, int | float) and not isinstance(value, bool):
        digits = _text(value)
        text = "0" + digits if len(digits) == 10 and digits[0] in "1237" else digits
    else:
        text = _text(value)
    if field != "summary":
        text = " ".join(text.split())
    limit = MAX_LENGTHS.get(field)
    if limit is not None and len(text) > limit:
        raise CellError(
            f"{FIELD_LABELS[field]} is {len(text):,} characters long; the most it can hold is {limit:,}."
        )
    return text


@dataclass(frozen=True)
class ParsedRow:
    """One sheet row read as fields: `values` holds parsed values, `errors` the plain-words reasons."""

    row: int
    values: dict[str, Any]
    errors: tuple[str, ...]


def parse_row(row_number: int, cells: Mapping[str, Any], today: date) -> ParsedRow:
    """Parse the mapped cells of one row into field values, collecting every problem."""
    values: dict[str, Any] = {}
    errors: list[str] = []
    for field, raw in cells.items():
        label = FIELD_LABELS.get(field, field)
        try:
            if isinstance(raw, str) and len(raw) > 32767:
                raise CellError(
                    f"{label} is {len(raw):,} characters long; a spreadsheet cell holds at most 32,767."
                )
            if field in DATE_FIELDS:
                values[field] = parse_date(raw, today)
            elif field == "kind":
                found = parse_kind(raw)
                values["kind"] = found[0] if found else None
                if found and found[1] is not None:
                    values.setdefault("_stage_from_kind", found[1])
            elif field == "stage":
                values["stage"] = parse_stage(raw)
            elif field == "channel":
                values["channel"] = parse_channel(raw)
            elif field == "outcome":
                values["outcome"] = parse_outcome(raw)
            else:
                values[field] = parse_text(raw, field)
        except CellError as exc:
            errors.append(f"{label}: {exc}" if not str(exc).startswith(label) else str(exc))
    implied = values.pop("_stage_from_kind", None)
    if implied is not None:
        if values.get("stage") is None:
            values["stage"] = implied
        elif values["stage"] != implied:
            errors.append(
                f"Stage: the kind says stage {implied} but the stage column says {values['stage']}."
            )
    if values.get("kind") is None and not any(e.startswith("Kind") for e in errors):
        errors.append("Kind: the kind of case is missing.")
    if values.get("received") is None and not any(e.startswith("Received") for e in errors):
        errors.append("Received: the date the case was received is missing.")
    return ParsedRow(row_number, values, tuple(errors))
