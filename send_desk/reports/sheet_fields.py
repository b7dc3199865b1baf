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
from decimal import Decimal
from typing import Any, Literal

from send_desk.domain.ehc import DATE_LABELS, EhcDateName, step_label
from send_desk.domain.kinds import CaseKind, Channel, Outcome
from send_desk.domain.limits import SPREADSHEET_CELL, most
from send_desk.reports.case_history import (
    HistoryError,
    parse_actions,
    parse_amount,
    parse_clarification_for,
    parse_closure,
    parse_ehc_done,
    parse_ehc_exceptions,
    parse_ehc_step,
    parse_links,
    parse_pauses,
    parse_relationship,
    parse_remedies,
    parse_stage_outcome,
    parse_yes,
)
from send_desk.values.cases import CaseInput, PersonInput

_NON_WORD = re.compile(r"[^0-9a-z]+")
MAX_TEXT = SPREADSHEET_CELL
"""The longest free text the import takes (a spreadsheet cell's limit)."""


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
    ehc_post16: bool | None = None
    ehc_amendment_notice: date | None = None
    ehc_done: str = ""
    ehc_exceptions: str = ""
    # the rest of the case (issue 15): people, free text, dates, links and each stage's history
    service_area: str = ""
    contact_relationship: str = ""
    contact_organisation: str = ""
    representative_name: str = _field(default="", metadata={"pseudonym": "NAME"})
    representative_organisation: str = ""
    representative_relationship: str = ""
    representative_email: str = _field(default="", metadata={"pseudonym": "EMAIL"})
    representative_phone: str = _field(default="", metadata={"pseudonym": "PHONE"})
    representative_address: str = _field(default="", metadata={"pseudonym": "ADDRESS"})
    child_identifier: str = _field(default="", metadata={"pseudonym": "ID"})
    description: str = _field(default="", metadata={"pseudonym": ""})
    adjustments: str = _field(default="", metadata={"pseudonym": ""})
    adjustments_review_on: date | None = None
    matter_on: date | None = None
    matter_late_reason: str = _field(default="", metadata={"pseudonym": ""})
    ombudsman_reference: str = ""
    ombudsman_due: date | None = None
    closed_on: date | None = None
    closure_reason: str = _field(default="", metadata={"pseudonym": ""})
    linked_cases: str = ""
    s1_started: date | None = None
    s1_handler: str = ""
    s1_acknowledge_by: date | None = None
    s1_acknowledged: date | None = None
    s1_acknowledge_late_reason: str = _field(default="", metadata={"pseudonym": ""})
    s1_respond_by: date | None = None
    s1_extended_by: int | None = None
    s1_extended_to: date | None = None
    s1_extension_reason: str = _field(default="", metadata={"pseudonym": ""})
    s1_extension_told_on: date | None = None
    s1_clarification_requested: date | None = None
    s1_clarification_received: date | None = None
    s1_clarification_for: str = ""
    s1_pauses: str = ""
    s1_responded: date | None = None
    s1_respond_late_reason: str = _field(default="", metadata={"pseudonym": ""})
    s1_outcome: str = ""
    s1_reasons: str = _field(default="", metadata={"pseudonym": ""})
    s1_learning: str = _field(default="", metadata={"pseudonym": ""})
    s1_remedies: str = ""
    s1_remedies_total: Decimal | None = None
    s1_actions: str = ""
    s2_started: date | None = None
    s2_handler: str = ""
    s2_acknowledge_by: date | None = None
    s2_acknowledged: date | None = None
    s2_acknowledge_late_reason: str = _field(default="", metadata={"pseudonym": ""})
    s2_respond_by: date | None = None
    s2_extended_by: int | None = None
    s2_extended_to: date | None = None
    s2_extension_reason: str = _field(default="", metadata={"pseudonym": ""})
    s2_extension_told_on: date | None = None
    s2_clarification_requested: date | None = None
    s2_clarification_received: date | None = None
    s2_clarification_for: str = ""
    s2_pauses: str = ""
    s2_responded: date | None = None
    s2_respond_late_reason: str = _field(default="", metadata={"pseudonym": ""})
    s2_outcome: str = ""
    s2_reasons: str = _field(default="", metadata={"pseudonym": ""})
    s2_learning: str = _field(default="", metadata={"pseudonym": ""})
    s2_remedies: str = ""
    s2_remedies_total: Decimal | None = None
    s2_actions: str = ""
    s2_escalation_late_reason: str = _field(default="", metadata={"pseudonym": ""})


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
    chosen: bool = True
    """Whether the column is in the export's default choice (the officer may choose any)."""

    def value(self, line: CaseLine) -> Any:
        """Return what this column holds for a line."""
        value = getattr(line, self.name)
        return value if self.show is None else self.show(value)


def _respond_rag(line: CaseLine) -> str | None:
    return line.respond_rag if line.extended_to is None else None


HISTORY = "history."
"""The `ImportField.into` prefix of a column the import replays as an event after logging the case."""


def _ehc(
    header: str,
    width: float,
    name: str,
    parse: Callable[[Any, date], Any],
    kind: CellKind = "text",
    show: Callable[[Any], Any] | None = None,
) -> SheetColumn:
    """Return a column of the EHC step that the import replays (in the default choice, as the dates are)."""
    return SheetColumn(
        header, width, name, kind, show, field=ImportField(name, parse, HISTORY + name, (header,))
    )


def _yes_or_blank(value: bool | None) -> str | None:
    return "Yes" if value else None


EHC_COLUMNS: tuple[SheetColumn, ...] = (
    _ehc("EHC step", 22, "ehc_step", parse_ehc_step, show=step_label),
    _ehc("EHC step began", 12, "ehc_started", parse_date, "date"),
    *(SheetColumn(DATE_LABELS[name], 12, name.value, "date") for name in EhcDateName),
    _ehc("EHC transfer into post-16", 10, "ehc_post16", parse_yes, show=_yes_or_blank),
    _ehc("EHC amendment notice", 12, "ehc_amendment_notice", parse_date, "date"),
    _ehc("EHC dates done", 34, "ehc_done", parse_ehc_done),
    _ehc("EHC exceptions", 40, "ehc_exceptions", parse_ehc_exceptions),
)
"""The EHC process's columns (issue 18): the current step, when it began, its statutory dates (worked out
again on import, not read), and what rebuilds the step: post-16 (a phase transfer), the amendment notice
(an annual review), the days its dates were done and the exceptions recorded, with their notes."""


def _more(
    header: str,
    width: float,
    name: str,
    into: str,
    parse: Callable[[Any, date], Any] = _plain_text,
    kind: CellKind = "text",
    *,
    max_length: int | None = None,
    chosen: bool = False,
    field_id: str = "",
) -> SheetColumn:
    """Return a column of the whole-case export that the import reads back under its own header."""
    field = ImportField(field_id or name, parse, into, (header,), max_length=max_length)
    return SheetColumn(header, width, name, kind, field=field, chosen=chosen)


def _history(
    header: str,
    width: float,
    name: str,
    parse: Callable[[Any, date], Any] = _plain_text,
    kind: CellKind = "text",
    *,
    chosen: bool = False,
    max_length: int | None = None,
) -> SheetColumn:
    """Return a column the import replays as an event (an extension, a pause, a response...)."""
    return _more(header, width, name, HISTORY + name, parse, kind, max_length=max_length, chosen=chosen)


def _recomputed(header: str, name: str) -> SheetColumn:
    """Return a due date the desk works out (exported; recomputed, not read, on import)."""
    return SheetColumn(header, 12, name, "date", chosen=False)


WHOLE_CASE_COLUMNS: tuple[SheetColumn, ...] = (
    _more("Service area", 18, "service_area", "service_area", max_length=120),
    _more("Contact relationship", 14, "contact_relationship", "contact.relationship", parse_relationship),
    _more("Contact organisation", 20, "contact_organisation", "contact.organisation", max_length=200),
    _more("Representative or MP", 24, "representative_name", "representative.name", max_length=200),
    _more(
        "Representative organisation",
        20,
        "representative_organisation",
        "representative.organisation",
        max_length=200,
    ),
    _more(
        "Representative relationship",
        14,
        "representative_relationship",
        "representative.relationship",
        parse_relationship,
    ),
    _more("Representative email", 28, "representative_email", "representative.email", max_length=254),
    _more("Representative phone", 16, "representative_phone", "representative.phone", _phone, max_length=40),
    _more("Representative address", 30, "representative_address", "representative.address", _long_text),
    _more("EHC/UPN reference", 16, "child_identifier", "child.identifier", max_length=60),
    _more(
        "Case description",
        60,
        "description",
        "description",
        _long_text,
        max_length=MAX_TEXT,
        field_id="case_description",  # a tracker's "Description" column stays the summary
    ),
    _more("Adjustments", 40, "adjustments", "adjustments", _long_text, max_length=MAX_TEXT),
    _more("Adjustments review", 12, "adjustments_review_on", "adjustments_review_on", parse_date, "date"),
    _more("Matter happened on", 12, "matter_on", "matter_on", parse_date, "date"),
    _more("Why it came late", 30, "matter_late_reason", "matter_late_reason", _long_text),
    _more("Ombudsman reference", 16, "ombudsman_reference", "ombudsman_reference", max_length=60),
    _more("Ombudsman deadline", 12, "ombudsman_due", "ombudsman_due", parse_date, "date"),
    _history("Closed on", 12, "closed_on", parse_date, "date"),
    _history("Closure reason", 30, "closure_reason", _long_text),
    _history("Linked cases", 24, "linked_cases", parse_links),
)
"""Everything else a case holds, as columns the officer may add to an export (issue 15)."""


def stage_columns(stage: int) -> tuple[SheetColumn, ...]:
    """Return the columns of one stage, so stage 1 and stage 2 of an escalated complaint sit side by side."""
    s, p = f"Stage {stage} ", f"s{stage}_"
    columns = [
        _history(s + "started", 12, p + "started", parse_date, "date"),
        _history(s + "handler", 20, p + "handler"),
        _recomputed(s + "acknowledge by", p + "acknowledge_by"),
        _history(s + "acknowledged", 12, p + "acknowledged", parse_date, "date"),
        _history(s + "acknowledgement late reason", 30, p + "acknowledge_late_reason", _long_text),
        _recomputed(s + "respond by", p + "respond_by"),
        _history(s + "extended by (days or months)", 10, p + "extended_by", parse_amount, "number"),
        _history(s + "extended to", 12, p + "extended_to", parse_date, "date"),
        _history(s + "extension reason", 30, p + "extension_reason", _long_text),
        _history(s + "extension told on", 12, p + "extension_told_on", parse_date, "date"),
        _history(s + "clarification requested", 12, p + "clarification_requested", parse_date, "date"),
        _history(s + "clarification received", 12, p + "clarification_received", parse_date, "date"),
        _history(s + "clarification asked for", 16, p + "clarification_for", parse_clarification_for),
        _history(s + "pauses", 30, p + "pauses", parse_pauses),
        _history(s + "responded", 12, p + "responded", parse_date, "date", chosen=stage == 1),
        _history(s + "response late reason", 30, p + "respond_late_reason", _long_text),
        _history(s + "outcome", 14, p + "outcome", parse_stage_outcome, chosen=stage == 1),
        _history(s + "reasons", 40, p + "reasons", _long_text),
        _history(s + "learning", 40, p + "learning", _long_text),
        _history(s + "remedies", 30, p + "remedies", parse_remedies),
        SheetColumn(s + "remedies total (£)", 10, p + "remedies_total", "number", chosen=False),
        _history(s + "outstanding actions", 40, p + "actions", parse_actions),
    ]
    if stage == 2:
        columns.append(
            _history("Stage 2 escalation late reason", 30, "s2_escalation_late_reason", _long_text)
        )
    return tuple(columns)


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
            max_length=most("name"),
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
            max_length=most("email"),
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
            max_length=most("phone"),
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
            max_length=most("name"),
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
    SheetColumn(
        "Closure code",
        18,
        "closure_code",
        field=ImportField("closure_code", parse_closure, HISTORY + "closure_code", ("closure code",)),
    ),
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
            max_length=most("summary"),
        ),
    ),
    SheetColumn("State", 10, "state"),
    *EHC_COLUMNS,
    *WHOLE_CASE_COLUMNS,
    *stage_columns(1),
    *stage_columns(2),
)
"""The Cases sheet, left to right, each column defined once: what the export writes and the import reads.

To add a column, add it here (and, when it shows a new value, a `CaseLine` field named after the case
table's column, or one the export service works out).
"""

DEFAULT_COLUMNS: tuple[SheetColumn, ...] = tuple(column for column in CASE_COLUMNS if column.chosen)
"""The columns of an export when nobody has chosen: the case log as it has always been, plus stage 1's
response beside the current stage for an escalated complaint."""

COLUMNS_BY_HEADER: dict[str, SheetColumn] = {column.header: column for column in CASE_COLUMNS}


def choose_columns(headers: Iterable[str]) -> tuple[SheetColumn, ...]:
    """Return the columns named by their headers, in that order; raise ValueError naming an unknown one."""
    chosen: list[SheetColumn] = []
    for header in headers:
        column = COLUMNS_BY_HEADER.get(header.strip())
        if column is None:
            by_key = {normalise_header(h): c for h, c in COLUMNS_BY_HEADER.items()}
            column = by_key.get(normalise_header(header))
        if column is None:
            raise ValueError(f"'{header.strip()}' is not a column of the export.")
        if column not in chosen:
            chosen.append(column)
    return tuple(chosen)


@dataclass(frozen=True, slots=True)
class StageLine:
    """One stage of one case: a row of the Stages sheet (for pivot tables)."""

    reference: str
    kind: str
    stage: int
    category: str
    officer: str
    started: date | None
    handler: str
    acknowledge_by: date | None
    acknowledged: date | None
    respond_by: date | None
    extended_to: date | None
    responded: date | None
    within_target: bool | None
    outcome: str
    remedies: str
    remedies_total: Decimal | None


def stage_lines(line: CaseLine) -> list[StageLine]:
    """Return the Stages-sheet rows of one case line (a stage that never started has none)."""
    rows = []
    for stage in (1, 2):

        def get(name: str, prefix: str = f"s{stage}_") -> Any:
            return getattr(line, prefix + name)

        if get("started") is None:
            continue
        due = get("extended_to") or get("respond_by")
        responded = get("responded")
        rows.append(
            StageLine(
                line.reference,
                line.kind,
                stage,
                line.category,
                line.officer,
                get("started"),
                get("handler"),
                get("acknowledge_by"),
                get("acknowledged"),
                get("respond_by"),
                get("extended_to"),
                responded,
                None if due is None or responded is None else responded <= due,
                get("outcome"),
                get("remedies"),
                get("remedies_total"),
            )
        )
    return rows


STAGE_COLUMNS: tuple[SheetColumn, ...] = (
    SheetColumn("Reference", 16, "reference"),
    SheetColumn("Kind", 22, "kind"),
    SheetColumn("Stage", 7, "stage", "number"),
    SheetColumn("Category", 30, "category"),
    SheetColumn("Officer", 20, "officer"),
    SheetColumn("Started", 12, "started", "date"),
    SheetColumn("Handler", 20, "handler"),
    SheetColumn("Acknowledge by", 12, "acknowledge_by", "date"),
    SheetColumn("Acknowledged", 12, "acknowledged", "date"),
    SheetColumn("Respond by", 12, "respond_by", "date"),
    SheetColumn("Extended to", 12, "extended_to", "date"),
    SheetColumn("Responded", 12, "responded", "date"),
    SheetColumn("Within target", 9, "within_target", show=_yes_no),
    SheetColumn("Outcome", 14, "outcome"),
    SheetColumn("Remedies", 30, "remedies"),
    SheetColumn("Remedies total (£)", 10, "remedies_total", "number"),
)
"""The Stages sheet: one row per stage of each exported case."""

STAGE_SHEET_FIELDS: frozenset[str] = frozenset(
    {"reference", "kind", "category", "officer"}
    | {
        f"s{n}_{name}"
        for n in (1, 2)
        for name in (
            "started",
            "handler",
            "acknowledge_by",
            "acknowledged",
            "respond_by",
            "extended_to",
            "responded",
            "outcome",
            "remedies",
            "remedies_total",
        )
    }
)
"""The `CaseLine` fields the Stages sheet reads (`stage_lines`)."""


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

MAX_CELL = SPREADSHEET_CELL
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


CACHED_FIELDS = frozenset(
    {
        "kind",
        "stage",
        "channel",
        "received",
        "child_dob",
        "category",
        "officer",
        "acknowledged",
        "responded",
        "outcome",
    }
)
"""Fields whose cells repeat (words, dates), so a reader may keep their parsed values (see `parse_row`)."""
CACHE_SIZE = 200_000
_MISSING = object()


@dataclass(frozen=True)
class ParsedRow:
    """One sheet row read as fields: `values` holds parsed values, `errors` the plain-words reasons."""

    row: int
    values: dict[str, Any]
    errors: tuple[str, ...]
    sheet: str = ""
    extras: tuple[tuple[int, Any, Any], ...] = ()
    """Cells of the columns kept beyond the fields: (column, value, the value of its date column)."""


def parse_row(
    row_number: int,
    cells: Mapping[str, Any],
    today: date,
    *,
    sheet: str = "",
    extras: tuple[tuple[int, Any, Any], ...] = (),
    cache: dict[tuple[str, type, Any], Any] | None = None,
) -> ParsedRow:
    """Parse the mapped cells of one row into field values, collecting every problem.

    `cache` keeps the parsed value of each (field, cell) seen, for a reader of many rows whose words
    and dates repeat (only fields in `CACHED_FIELDS`, and only values that parsed).
    """
    values: dict[str, Any] = {}
    errors: list[str] = []
    implied: int | None = None
    for field_id, raw in cells.items():
        if cache is not None and field_id in CACHED_FIELDS:
            try:
                known = cache.get((field_id, raw.__class__, raw), _MISSING)
            except TypeError:  # an unhashable cell value
                known = _MISSING
            if known is not _MISSING:
                if field_id == "kind" and known is not None:
                    known, implied = known[0], known[1]
                values[field_id] = known
                continue
        label, spec = IMPORT_FIELDS.get(field_id, (field_id, None))
        try:
            if isinstance(raw, str) and len(raw) > MAX_CELL:
                raise CellError(
                    f"{label} is {len(raw):,} characters long; a spreadsheet cell holds at most 32,767."
                )
            value: Any = spec.parse(raw, today) if spec is not None else _plain_text(raw)
            _check_length(value, field_id, spec)
            if cache is not None and field_id in CACHED_FIELDS and len(cache) < CACHE_SIZE:
                cache[(field_id, raw.__class__, raw)] = value  # True == 1, kept apart
            if field_id == "kind" and value is not None:
                value, implied = value[0], value[1]  # "Stage 2 complaint" names the stage too
            values[field_id] = value
        except (CellError, HistoryError) as exc:
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
    return ParsedRow(row_number, values, tuple(errors), sheet, extras)


def case_input(values: Mapping[str, Any]) -> CaseInput:
    """Return the case a row's parsed values describe, each value put where its field says (blanks left out).

    The row must have its required fields (kind and received date); desk words such as the category and
    officer must already be the desk's own (the import service looks them up).
    """
    top: dict[str, Any] = {}
    people: dict[str, dict[str, Any]] = {}
    for field_id, value in values.items():
        place = _CASE_PLACES.get(field_id)
        if place is None or value is None or value == "":
            continue
        person, attribute = place
        if person:
            people.setdefault(person, {})[attribute] = value
        else:
            top[attribute] = value
    for person, given in people.items():
        top[person] = PersonInput(**given)
    return CaseInput(**top)


def case_history(values: Mapping[str, Any]) -> dict[str, Any]:
    """Return the events a row's parsed values hold (field id → value, blanks left out) for the replay."""
    return {
        field_id: value
        for field_id, value in values.items()
        if field_id in _HISTORY_FIELDS and value not in (None, "", ())
    }


_CASE_PLACES: dict[str, tuple[str, str]] = {
    field_id: (person, attribute)
    for field_id, (_label, spec) in IMPORT_FIELDS.items()
    if not spec.into.startswith(HISTORY)
    for person, _, attribute in (spec.into.rpartition("."),)
}
"""Field id → (the person, or "", and the `CaseInput` attribute) of every field that fills the case."""
_HISTORY_FIELDS = frozenset(f for f, (_label, spec) in IMPORT_FIELDS.items() if spec.into.startswith(HISTORY))
