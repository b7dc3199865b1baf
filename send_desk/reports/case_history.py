"""A case's history in spreadsheet cells: pauses, remedies, actions and links, written and read back.

Each of these is a list held in one cell, one item a line, in words a person reads and the import parses
back exactly (the round trip export → import gives back every item):

- pauses: ``03/11/2026 to 07/11/2026: awaiting the fee`` (an open pause has no end date);
- remedies: ``Financial: £250.00: time and trouble`` (the amount only for a financial remedy);
- outstanding actions: ``Review the transport policy [owner Sam Patel; due 01/12/2026; done 05/12/2026]``;
- linked cases: ``SEN-2026-00002 (duplicate)``;
- the EHC step's dates done: ``Decide whether to assess: 10/03/2026`` (what was done, on the day);
- the EHC step's exceptions: ``Final plan issued: Personal circumstances (family abroad until May)``
  (the note in brackets, left out when there is none).

Pure Python: no database, no Qt.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from send_desk.domain.ehc import (
    DATE_LABELS,
    EXCEPTION_SHORT,
    STEPS,
    EhcDateName,
    EhcException,
    EhcStep,
    rule_for,
)
from send_desk.domain.kinds import ClosureCode, LinkKind, Outcome, Relationship, RemedyKind

DAY = "%d/%m/%Y"


class HistoryError(ValueError):
    """A history cell that cannot be read back; the message is for the person importing."""


@dataclass(frozen=True)
class PauseItem:
    """A stopped clock: from `start` to `end` (None while it is still stopped), with the reason."""

    start: date
    end: date | None
    reason: str = ""


@dataclass(frozen=True)
class RemedyItem:
    """A remedy offered: its kind, an amount in pence for a financial remedy, and what it was."""

    kind: RemedyKind
    amount_pence: int | None = None
    description: str = ""


@dataclass(frozen=True)
class ActionItem:
    """An action promised in a response: what, whose (a name), due and done dates."""

    what: str
    owner: str = ""
    due: date | None = None
    done_on: date | None = None


@dataclass(frozen=True)
class LinkItem:
    """A link from this case to another, with why."""

    reference: str
    kind: LinkKind = LinkKind.RELATED


def _day(value: date | None) -> str:
    return "" if value is None else value.strftime(DAY)


def _read_day(text: str) -> date:
    text = text.strip()
    try:
        day, month, year = (int(part) for part in text.split("/"))
        return date(year, month, day)
    except ValueError:
        raise HistoryError(f"'{text}' is not a date; write it as dd/mm/yyyy.") from None


def _lines(value: Any) -> list[str]:
    if value is None:
        return []
    return [line.strip() for line in str(value).splitlines() if line.strip()]


def one_line(text: str) -> str:
    """Return text on one line (a line break inside an item would start a new item)."""
    return " ".join(text.split())


# ----- pauses ----------------------------------------------------------------------------------------
_PAUSE = re.compile(r"^(\d{1,2}/\d{1,2}/\d{4})(?: to (\d{1,2}/\d{1,2}/\d{4})?)?(?:: (.*))?$")


def format_pauses(items: Iterable[PauseItem], *, reasons: bool = True) -> str:
    """Return the pauses, one a line."""
    lines = []
    for item in items:
        line = f"{_day(item.start)} to {_day(item.end)}".rstrip()
        if reasons and item.reason:
            line += f": {one_line(item.reason)}"
        lines.append(line)
    return "\n".join(lines)


def parse_pauses(value: Any, today: date | None = None) -> tuple[PauseItem, ...]:
    """Read pauses written by `format_pauses`."""
    items = []
    for line in _lines(value):
        match = _PAUSE.match(line)
        if match is None:
            raise HistoryError(f"'{line}' is not a pause; write it as dd/mm/yyyy to dd/mm/yyyy: reason.")
        start, end, reason = match.groups()
        items.append(PauseItem(_read_day(start), _read_day(end) if end else None, (reason or "").strip()))
    return tuple(items)


# ----- remedies --------------------------------------------------------------------------------------
_REMEDY_BY_LABEL = {kind.value.replace("-", " ").capitalize(): kind for kind in RemedyKind}


def remedy_label(kind: RemedyKind | str) -> str:
    """Return the words for a remedy kind ("Action on delay")."""
    return str(kind).replace("-", " ").capitalize()


def money(pence: int) -> str:
    """Return an amount in pounds ("£1,250.00")."""
    return f"£{pence / 100:,.2f}"


def format_remedies(items: Iterable[RemedyItem], *, details: bool = True) -> str:
    """Return the remedies, one a line; `details=False` leaves out what each was (pseudonymised)."""
    lines = []
    for item in items:
        line = remedy_label(item.kind)
        if item.amount_pence is not None:
            line += f": {money(item.amount_pence)}"
        if details and item.description:
            line += f": {one_line(item.description)}"
        lines.append(line)
    return "\n".join(lines)


def remedies_total(items: Iterable[RemedyItem]) -> Decimal | None:
    """Return the total of the financial remedies in pounds (None when there are none)."""
    amounts = [item.amount_pence for item in items if item.amount_pence is not None]
    return None if not amounts else Decimal(sum(amounts)) / 100


def parse_remedies(value: Any, today: date | None = None) -> tuple[RemedyItem, ...]:
    """Read remedies written by `format_remedies`."""
    items = []
    for line in _lines(value):
        label, _, rest = line.partition(":")
        kind = _REMEDY_BY_LABEL.get(label.strip().capitalize())
        if kind is None:
            raise HistoryError(
                f"'{label.strip()}' is not a remedy; use one of {', '.join(_REMEDY_BY_LABEL)}."
            )
        rest = rest.strip()
        amount = None
        if rest.startswith("£"):
            figure, _, rest = rest.partition(":")
            try:
                amount = int((Decimal(figure[1:].replace(",", "").strip()) * 100).to_integral_value())
            except InvalidOperation:
                raise HistoryError(f"'{figure}' is not an amount of money.") from None
            rest = rest.strip()
        items.append(RemedyItem(kind, amount, rest))
    return tuple(items)


# ----- outstanding actions ---------------------------------------------------------------------------
_ACTION = re.compile(r"^(.*?)\s*\[([^\[\]]*)\]$")


def format_actions(items: Iterable[ActionItem], *, details: bool = True) -> str:
    """Return the outstanding actions, one a line, each with its owner and dates in square brackets."""
    lines = []
    for item in items:
        facts = []
        if item.owner:
            facts.append(f"owner {item.owner}")
        if item.due:
            facts.append(f"due {_day(item.due)}")
        if item.done_on:
            facts.append(f"done {_day(item.done_on)}")
        what = one_line(item.what) if details else "Action"
        lines.append(f"{what} [{'; '.join(facts)}]")
    return "\n".join(lines)


def parse_actions(value: Any, today: date | None = None) -> tuple[ActionItem, ...]:
    """Read outstanding actions written by `format_actions`."""
    items = []
    for line in _lines(value):
        match = _ACTION.match(line)
        what, facts = (match.group(1), match.group(2)) if match else (line, "")
        owner, due, done = "", None, None
        for fact in (f.strip() for f in facts.split(";") if f.strip()):
            name, _, rest = fact.partition(" ")
            if name == "owner":
                owner = rest.strip()
            elif name == "due":
                due = _read_day(rest)
            elif name == "done":
                done = _read_day(rest)
            else:
                raise HistoryError(f"'{fact}' in '{line}' is not an owner, due date or done date.")
        items.append(ActionItem(what.strip(), owner, due, done))
    return tuple(items)


# ----- linked cases ----------------------------------------------------------------------------------
_LINK = re.compile(r"^(\S+)(?:\s*\(([^)]*)\))?$")
_LINK_BY_LABEL = {kind.value.replace("-", " "): kind for kind in LinkKind}


def format_links(items: Iterable[LinkItem]) -> str:
    """Return the linked cases, one a line."""
    return "\n".join(f"{item.reference} ({item.kind.value.replace('-', ' ')})" for item in items)


def parse_links(value: Any, today: date | None = None) -> tuple[LinkItem, ...]:
    """Read linked cases written by `format_links` (a bare reference is a related case)."""
    items = []
    for line in _lines(value):
        match = _LINK.match(line)
        kind = _LINK_BY_LABEL.get((match.group(2) or "related").strip().lower()) if match else None
        if match is None or kind is None:
            raise HistoryError(
                f"'{line}' is not a linked case; write the reference and why, e.g. "
                "SEN-2026-00002 (duplicate)."
            )
        items.append(LinkItem(match.group(1).upper(), kind))
    return tuple(items)


# ----- words -----------------------------------------------------------------------------------------
def _by_words(members: Iterable[Any], label: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for member in members:
        found[member.value] = member
        found[str(label(member)).lower()] = member
    return found


_RELATIONSHIPS = _by_words(Relationship, lambda m: m.value.replace("-", " "))
_CLOSURES = _by_words(ClosureCode, lambda m: m.label)
_OUTCOMES = _by_words(Outcome, lambda m: m.label)


def relationship_label(value: str) -> str:
    """Return the words for a stored relationship ("young person")."""
    return value.replace("-", " ").capitalize() if value else ""


def _member(table: dict[str, Any], value: Any, what: str) -> Any:
    text = " ".join(str(value or "").split()).lower()
    if not text:
        return None
    found = table.get(text) or table.get(text.replace(" ", "-"))
    if found is None:
        raise HistoryError(f"'{value}' is not {what}.")
    return found


def parse_relationship(value: Any, today: date | None = None) -> str:
    """Read a relationship written by the export ("Parent", "Young person")."""
    found = _member(_RELATIONSHIPS, value, "a relationship to the child")
    return "" if found is None else str(found.value)


def parse_closure(value: Any, today: date | None = None) -> ClosureCode | None:
    """Read a closure code written by the export ("Responded", "Withdrawn")."""
    found: ClosureCode | None = _member(_CLOSURES, value, "a closure code")
    return found


def parse_stage_outcome(value: Any, today: date | None = None) -> Outcome | None:
    """Read a stage's outcome written by the export ("Partly upheld")."""
    found: Outcome | None = _member(_OUTCOMES, value, "an outcome")
    return found


def parse_amount(value: Any, today: date | None = None) -> int | None:
    """Read a whole number of days (an extension's length)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise HistoryError(f"'{value}' is not a number of days.") from None
    if not number.is_integer() or number < 1:
        raise HistoryError(f"'{value}' is not a whole number of days.")
    return int(number)


IDENTITY_WORDS = "Proof of identity"
CLARIFICATION_WORDS = "Clarification"


def clarification_for_label(value: str) -> str:
    """Return what a stage's clarification request asked for, in words ("" when none was asked)."""
    if not value:
        return ""
    return IDENTITY_WORDS if value == "identity" else CLARIFICATION_WORDS


def parse_clarification_for(value: Any, today: date | None = None) -> str:
    """Read what a clarification request asked for: "identity" or "clarification" ("" for none)."""
    text = " ".join(str(value or "").split()).lower()
    if not text:
        return ""
    if text in (IDENTITY_WORDS.lower(), "identity"):
        return "identity"
    if text == CLARIFICATION_WORDS.lower():
        return "clarification"
    raise HistoryError(
        f"'{value}' is not what a request asked for; use {IDENTITY_WORDS} or {CLARIFICATION_WORDS}."
    )


# ----- the EHC step ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class EhcDoneItem:
    """The day one statutory date of the EHC step was done."""

    name: EhcDateName
    on: date


@dataclass(frozen=True)
class EhcExceptionItem:
    """An exception recorded against one statutory date of the EHC step, with its note."""

    name: EhcDateName
    exception: EhcException
    note: str = ""


_STEP_WORDS: dict[str, EhcStep] = {}
for _step, _facts in STEPS.items():
    _STEP_WORDS[" ".join(_facts.label.lower().split())] = _step
    _STEP_WORDS[_step.value] = _step
_DATE_WORDS: dict[str, EhcDateName] = {}
for _facts in STEPS.values():
    for _rule in _facts.rules:
        _DATE_WORDS[_rule.label.lower()] = _rule.name
for _name, _label in DATE_LABELS.items():
    _DATE_WORDS[_label.lower()] = _name
    _DATE_WORDS[_name.value] = _name
_EXCEPTION_WORDS: dict[str, EhcException] = {short.lower(): e for e, short in EXCEPTION_SHORT.items()}
_EXCEPTION_WORDS.update({e.value: e for e in EhcException})
_EXCEPTION_LINE = re.compile(r"^([^:]+):\s*([^(]+?)\s*(?:\((.*)\))?$")


def parse_ehc_step(value: Any, today: date | None = None) -> EhcStep | None:
    """Read an EHC step by its words ("Annual review") or its command-line id ("annual-review")."""
    text = " ".join(str(value or "").split()).lower()
    if not text:
        return None
    found = _STEP_WORDS.get(text) or _STEP_WORDS.get(text.replace(" ", "-"))
    if found is None:
        words = ", ".join(facts.label for facts in STEPS.values())
        raise HistoryError(
            f"'{value}' is not an EHC step; use one of: {words} "
            f"(or {', '.join(step.value for step in EhcStep)})."
        )
    return found


def parse_yes(value: Any, today: date | None = None) -> bool | None:
    """Read Yes or No (blank: not said), as the export writes a yes-or-no column."""
    if isinstance(value, bool):
        return value
    text = " ".join(str(value or "").split()).lower()
    if not text:
        return None
    if text in ("yes", "y", "true"):
        return True
    if text in ("no", "n", "false"):
        return False
    raise HistoryError(f"'{value}' is not Yes or No; write Yes, or leave the cell blank for no.")


def _date_name(label: str, line: str) -> EhcDateName:
    found = _DATE_WORDS.get(" ".join(label.lower().split()))
    if found is None:
        names = ", ".join(dict.fromkeys(rule.label for facts in STEPS.values() for rule in facts.rules))
        raise HistoryError(f"'{label.strip()}' in '{line}' is not an EHC date; use one of: {names}.")
    return found


def _date_label(step: EhcStep, name: EhcDateName | str) -> str:
    return rule_for(step, name).label


def _in_order(step: EhcStep, names: Iterable[str]) -> list[str]:
    order = [rule.name.value for rule in STEPS[step].rules]
    return sorted(names, key=lambda name: order.index(name) if name in order else len(order))


def format_ehc_done(step: EhcStep, done: Mapping[str, date]) -> str:
    """Return the days a step's statutory dates were done, one a line, in the step's order."""
    return "\n".join(f"{_date_label(step, name)}: {_day(done[name])}" for name in _in_order(step, done))


def parse_ehc_done(value: Any, today: date | None = None) -> tuple[EhcDoneItem, ...]:
    """Read the days done written by `format_ehc_done`."""
    items: dict[EhcDateName, EhcDoneItem] = {}
    for line in _lines(value):
        label, colon, day = line.rpartition(":")
        if not colon or not label.strip():
            raise HistoryError(
                f"'{line}' is not a date done; write what was done and the day, "
                "e.g. Decide whether to assess: 10/03/2026."
            )
        name = _date_name(label, line)
        if name in items:
            raise HistoryError(f"'{label.strip()}' is given twice; give each date done once.")
        items[name] = EhcDoneItem(name, _read_day(day))
    return tuple(items.values())


def format_ehc_exceptions(
    step: EhcStep,
    exceptions: Mapping[str, EhcException],
    notes: Mapping[str, str],
    *,
    details: bool = True,
) -> str:
    """Return a step's exceptions, one a line, each note in brackets; `details=False` leaves notes out."""
    lines = []
    for name in _in_order(step, exceptions):
        line = f"{_date_label(step, name)}: {EXCEPTION_SHORT[exceptions[name]]}"
        note = one_line(notes.get(name, ""))
        if details and note:
            line += f" ({note})"
        lines.append(line)
    return "\n".join(lines)


def parse_ehc_exceptions(value: Any, today: date | None = None) -> tuple[EhcExceptionItem, ...]:
    """Read the exceptions written by `format_ehc_exceptions`."""
    items: dict[EhcDateName, EhcExceptionItem] = {}
    for line in _lines(value):
        match = _EXCEPTION_LINE.match(line)
        if match is None:
            raise HistoryError(
                f"'{line}' is not an exception; write the date, the exception and a note in brackets, "
                "e.g. Final plan issued: Personal circumstances (family abroad until May)."
            )
        label, words, note = match.groups()
        name = _date_name(label, line)
        exception = _EXCEPTION_WORDS.get(" ".join(words.lower().split()))
        if exception is None:
            raise HistoryError(
                f"'{words}' in '{line}' is not an exception; use one of: "
                f"{', '.join(EXCEPTION_SHORT.values())}."
            )
        if name in items:
            raise HistoryError(f"'{label.strip()}' has two exceptions; record one exception for each date.")
        items[name] = EhcExceptionItem(name, exception, (note or "").strip())
    return tuple(items.values())
