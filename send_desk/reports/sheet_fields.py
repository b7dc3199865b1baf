"""The columns of the case sheet, each defined once, and plain-words parsing of cell values.

`CASE_COLUMNS` says for every column of the exported Cases sheet its header, width, cell type, the
`CaseLine` value it shows and, for the columns the import reads back, the `ImportField`: its `--map` id,
the other headers that mean it, how a cell is parsed and where the value goes in a `CaseInput`. The
writer (`xlsx_export`), the reader (`xlsx_import`), the services, the command line and the import wizard
all work from this one table, so our own export reads back as is.

Pure Python over the domain vocabulary: no database, no Qt.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields
from dataclasses import field as _field
from datetime import date, datetime, timedelta
from typing import Any, Literal

from send_desk.domain.ehc import DATE_LABELS, EhcDateName, step_label
from send_desk.domain.kinds import CaseKind, Channel, Outcome
from send_desk.values.cases import CaseInput, PersonInput

_NON_WORD = re.compile(r"[^0-9a-z]+")


def normalise_header(text: str) -> str:
    """Return a header folded for matching: lower case, punctuation as spaces, single spaces."""
    folded = text.lower().replace("'", "").replace("\u2019", "")
    return " ".join(_NON_WORD.sub(" ", folded).split())


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


def _plain_text(value: Any, today: date | None = None) -> str:
    """Return a cell as one line of text, runs of spaces folded."""
    return " ".join(_text(value).split())


def _long_text(value: Any, today: date | None = None) -> str:
    """Return a cell as trimmed text, line breaks kept (summaries)."""
    return _text(value)


def _phone(value: Any, today: date | None = None) -> str:
    """Return a phone number; one typed as a number (Excel drops the leading 0) gets its 0 back."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        digits = _text(value)
        return "0" + digits if len(digits) == 10 and digits[0] in "1237" else digits
    return _plain_text(value)


def _reference(value: Any, today: date | None = None) -> str:
    """Return a case reference in capitals."""
    return _plain_text(value).upper()


def _read_kind(value: Any, today: date | None = None) -> tuple[CaseKind, int | None] | None:
    return parse_kind(value)


def _read_stage(value: Any, today: date | None = None) -> int | None:
    return parse_stage(value)


def _read_channel(value: Any, today: date | None = None) -> Channel | None:
    return parse_channel(value)


def _read_outcome(value: Any, today: date | None = None) -> str | None:
    found = parse_outcome(value)
    return None if found is None else found.value


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("Yes" if value else "No")


# ----- the columns -----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CaseLine:
    """One exported case, as plain values by name (labels already in words, dates as dates).

    A field whose metadata names a `pseudonym` prefix is replaced by a token in a pseudonymised export; one
    whose prefix is "" is left out. The export service fills a field named like a column of the case
    table from that column, so a new field of that kind needs no change anywhere else.
    """

    reference: str
    kind: str
    stage: int
    channel: str
    received: date
    contact_name: str = _field(default="", metadata={"pseudonym": "NAME"})
    contact_email: str = _field(default="", metadata={"pseudonym": "EMAIL"})
    contact_phone: str = _field(default="", metadata={"pseudonym": "PHONE"})
    contact_address: str = _field(default="", metadata={"pseudonym": "ADDRESS"})
    child_name: str = _field(default="", metadata={"pseudonym": "NAME"})
    child_dob: date | None = _field(default=None, metadata={"pseudonym": ""})
    category: str = ""
    team: str = ""
    officer: str = ""
    status: str = "Open"
    acknowledge_by: date | None = None
    acknowledged: date | None = None
    respond_by: date | None = None
    extended_to: date | None = None
    responded: date | None = None
    working_days: int | None = None
    within_target: bool | None = None
    outcome: str = ""
    closure_code: str = ""
    summary: str = _field(default="", metadata={"pseudonym": ""})
    state: str = ""
    acknowledge_rag: str | None = None
    respond_rag: str | None = None
    kind_id: str = ""
    # the EHC step the case is about (issue 18): its id and start, and its statutory dates by name
    ehc_step: str = ""
    ehc_started: date | None = None
    decide_assessment_by: date | None = None
    decide_not_to_issue_by: date | None = None
    final_plan_by: date | None = None
    representations_until: date | None = None
    amended_plan_by: date | None = None
    review_decision_by: date | None = None
    transfer_plan_by: date | None = None


PSEUDONYMS: dict[str, str] = {
    f.name: f.metadata["pseudonym"] for f in fields(CaseLine) if "pseudonym" in f.metadata
}
"""Line field → token prefix for a pseudonymised export ("" = the value is left out)."""


@dataclass(frozen=True, slots=True)
class ImportField:
    """How the import reads a column back: its `--map` id, what a cell parses to and where it goes.

    `into` names the `CaseInput` attribute ("contact.name" for a person's); `variants` are other headers
    that mean this field; `required` is the reason given when a row has no value (empty: optional).
    """

    id: str
    parse: Callable[[Any, date], Any]
    into: str
    variants: tuple[str, ...] = ()
    max_length: int | None = None
    required: str = ""


CellKind = Literal["text", "number", "date"]
"""What a Cases-sheet cell holds: formula-safe text, a number, or a dd/mm/yyyy date (shaded by its RAG)."""


@dataclass(frozen=True, slots=True)
class SheetColumn:
    """A column of the Cases sheet: header, width, cell type, the line value it shows and how it imports.

    `name` is the `CaseLine` field it reads; `show` turns that value into what the cell holds; `rag`
    gives the RAG state that shades a date cell; `kind` is "text" (formula-safe text), "number" or "date".
    """

    header: str
    width: float
    name: str
    kind: CellKind = "text"
    show: Callable[[Any], Any] | None = None
    rag: Callable[[CaseLine], str | None] | None = None
    field: ImportField | None = None

    def value(self, line: CaseLine) -> Any:
        """Return what this column holds for a line."""
        value = getattr(line, self.name)
        return value if self.show is None else self.show(value)


def _respond_rag(line: CaseLine) -> str | None:
    return line.respond_rag if line.extended_to is None else None


EHC_COLUMNS: tuple[SheetColumn, ...] = (
    SheetColumn("EHC step", 22, "ehc_step", show=step_label),
    SheetColumn("EHC step began", 12, "ehc_started", "date"),
    *(SheetColumn(DATE_LABELS[name], 12, name.value, "date") for name in EhcDateName),
)
"""The EHC process's columns (issue 18): the current step, when it began, and its statutory dates."""

CASE_COLUMNS: tuple[SheetColumn, ...] = (
    SheetColumn(
        "Reference",
        16,
        "reference",
        field=ImportField(
            "reference",
            _reference,
            "reference",
            (
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
            max_length=30,
        ),
    ),
    SheetColumn(
        "Kind",
        22,
        "kind",
        field=ImportField(
            "kind",
            _read_kind,
            "kind",
            (
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
            required="the kind of case is missing.",
        ),
    ),
    SheetColumn(
        "Stage",
        7,
        "stage",
        "number",
        field=ImportField(
            "stage",
            _read_stage,
            "stage",
            ("stage", "complaint stage", "stage no", "stage number", "current stage"),
        ),
    ),
    SheetColumn(
        "Channel",
        14,
        "channel",
        field=ImportField(
            "channel",
            _read_channel,
            "channel",
            (
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
        ),
    ),
    SheetColumn(
        "Received",
        12,
        "received",
        "date",
        field=ImportField(
            "received",
            parse_date,
            "received_on",
            (
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
            required="the date the case was received is missing.",
        ),
    ),
    SheetColumn(
        "Contact name",
        24,
        "contact_name",
        field=ImportField(
            "contact_name",
            _plain_text,
            "contact.name",
            (
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
            max_length=200,
        ),
    ),
    SheetColumn(
        "Contact email",
        28,
        "contact_email",
        field=ImportField(
            "contact_email",
            _plain_text,
            "contact.email",
            ("email", "e mail", "contact email", "email address", "contact e mail", "complainant email"),
            max_length=254,
        ),
    ),
    SheetColumn(
        "Contact phone",
        16,
        "contact_phone",
        field=ImportField(
            "contact_phone",
            _phone,
            "contact.phone",
            (
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
            max_length=40,
        ),
    ),
    SheetColumn("Contact address", 30, "contact_address"),
    SheetColumn(
        "Child name",
        24,
        "child_name",
        field=ImportField(
            "child_name",
            _plain_text,
            "child.name",
            (
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
            max_length=200,
        ),
    ),
    SheetColumn(
        "Child date of birth",
        12,
        "child_dob",
        "date",
        field=ImportField(
            "child_dob",
            parse_date,
            "child.date_of_birth",
            (
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
        ),
    ),
    SheetColumn(
        "Category",
        30,
        "category",
        field=ImportField(
            "category",
            _plain_text,
            "category",
            (
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
            max_length=200,
        ),
    ),
    SheetColumn("Team", 18, "team"),
    SheetColumn(
        "Officer",
        20,
        "officer",
        field=ImportField(
            "officer",
            _plain_text,
            "officer_login",
            (
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
            max_length=200,
        ),
    ),
    SheetColumn("Status", 9, "status"),
    SheetColumn("Acknowledge by", 12, "acknowledge_by", "date", rag=lambda line: line.acknowledge_rag),
    SheetColumn(
        "Acknowledged",
        12,
        "acknowledged",
        "date",
        field=ImportField(
            "acknowledged",
            parse_date,
            "acknowledged_on",
            (
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
        ),
    ),
    SheetColumn("Respond by", 12, "respond_by", "date", rag=_respond_rag),
    SheetColumn("Extended to", 12, "extended_to", "date", rag=lambda line: line.respond_rag),
    SheetColumn(
        "Responded",
        12,
        "responded",
        "date",
        field=ImportField(
            "responded",
            parse_date,
            "responded_on",
            (
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
        ),
    ),
    SheetColumn("Working days taken", 10, "working_days", "number"),
    SheetColumn("Within target", 9, "within_target", show=_yes_no),
    SheetColumn(
        "Outcome",
        14,
        "outcome",
        field=ImportField(
            "outcome",
            _read_outcome,
            "outcome",
            ("outcome", "finding", "result", "decision", "complaint outcome", "upheld"),
        ),
    ),
    SheetColumn("Closure code", 18, "closure_code"),
    SheetColumn(
        "Summary",
        60,
        "summary",
        field=ImportField(
            "summary",
            _long_text,
            "summary",
            (
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
            max_length=32767,
        ),
    ),
    SheetColumn("State", 10, "state"),
    *EHC_COLUMNS,
)
"""The Cases sheet, left to right, each column defined once: what the export writes and the import reads.

To add a column, add it here (and, when it shows a new value, a `CaseLine` field named after the case
table's column, or one the export service works out).
"""

IMPORT_FIELDS: dict[str, tuple[str, ImportField]] = {
    column.field.id: (column.header, column.field) for column in CASE_COLUMNS if column.field is not None
}
"""Field id → (label, how it is read) for every column the import reads back."""

FIELDS: tuple[str, ...] = tuple(IMPORT_FIELDS)
"""The field ids of `send-desk import --map "Header=field"` (see DESIGN.md)."""

FIELD_LABELS: dict[str, str] = {field_id: label for field_id, (label, _spec) in IMPORT_FIELDS.items()}
"""What each field is called in messages and on the mapping page."""

REQUIRED_FIELDS: tuple[str, ...] = tuple(f for f, (_label, spec) in IMPORT_FIELDS.items() if spec.required)
"""The fields every imported case needs."""

IGNORE = "ignore"
"""The mapping value that leaves a column out of the import."""

MAX_CELL = 32767
"""The most characters a spreadsheet cell holds."""

HEADER_LOOKUP: dict[str, str] = {
    normalise_header(variant): field_id
    for field_id, (_label, spec) in IMPORT_FIELDS.items()
    for variant in spec.variants
}
HEADER_LOOKUP.update({normalise_header(label): field_id for field_id, label in FIELD_LABELS.items()})
HEADER_LOOKUP.update({field_id.replace("_", " "): field_id for field_id in FIELDS})

_LABEL_BY_TARGET: dict[str, str] = {spec.into: label for label, spec in IMPORT_FIELDS.values()}


def label_for(name: str) -> str:
    """Return the label of a field, named by its id or by the `CaseInput` attribute it fills ("" if none)."""
    return FIELD_LABELS.get(name) or _LABEL_BY_TARGET.get(name, "")


def parse_text(value: Any, field_id: str) -> str:
    """Return a text field as the import reads it, checking it fits."""
    spec = IMPORT_FIELDS[field_id][1] if field_id in IMPORT_FIELDS else None
    text = spec.parse(value, date.min) if spec is not None else _plain_text(value)
    _check_length(text, field_id, spec)
    return str(text)


def _check_length(value: Any, field_id: str, spec: ImportField | None) -> None:
    limit = spec.max_length if spec is not None else None
    if limit is not None and isinstance(value, str) and len(value) > limit:
        raise CellError(
            f"{FIELD_LABELS[field_id]} is {len(value):,} characters long; the most it can hold is {limit:,}."
        )


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
    implied: int | None = None
    for field_id, raw in cells.items():
        label, spec = IMPORT_FIELDS.get(field_id, (field_id, None))
        try:
            if isinstance(raw, str) and len(raw) > MAX_CELL:
                raise CellError(
                    f"{label} is {len(raw):,} characters long; a spreadsheet cell holds at most 32,767."
                )
            value: Any = spec.parse(raw, today) if spec is not None else _plain_text(raw)
            _check_length(value, field_id, spec)
            if field_id == "kind" and value is not None:
                value, implied = value[0], value[1]  # "Stage 2 complaint" names the stage too
            values[field_id] = value
        except CellError as exc:
            errors.append(f"{label}: {exc}" if not str(exc).startswith(label) else str(exc))
    if implied is not None:
        if values.get("stage") is None:
            values["stage"] = implied
        elif values["stage"] != implied:
            errors.append(
                f"Stage: the kind says stage {implied} but the stage column says {values['stage']}."
            )
    for field_id in REQUIRED_FIELDS:
        label, spec = IMPORT_FIELDS[field_id]
        if values.get(field_id) is None and not any(e.startswith(label) for e in errors):
            errors.append(f"{label}: {spec.required}")
    return ParsedRow(row_number, values, tuple(errors))


def case_input(values: Mapping[str, Any]) -> CaseInput:
    """Return the case a row's parsed values describe, each value put where its field says (blanks left out).

    The row must have its required fields (kind and received date); desk words such as the category and
    officer must already be the desk's own (the import service looks them up).
    """
    top: dict[str, Any] = {}
    people: dict[str, dict[str, Any]] = {}
    for field_id, (_label, spec) in IMPORT_FIELDS.items():
        value = values.get(field_id)
        if value is None or value == "":
            continue
        person, _, attribute = spec.into.rpartition(".")
        if person:
            people.setdefault(person, {})[attribute] = value
        else:
            top[attribute] = value
    for person, given in people.items():
        top[person] = PersonInput(**given)
    return CaseInput(**top)
