"""The case's story in plain words, built from the audit trail, the notes and the contacts.

`SENTENCES` is the one table from an audit action to the sentence the timeline shows: a new action (a
document added, a letter made, an EHC step) needs one row here and nothing else. An action with no row
still shows, in general words. Dates read UK-style, people by name, never internal codes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from send_desk.db.models import AuditEntry, Case, Staff, TimelineEntry
from send_desk.domain.errors import NotFoundError
from send_desk.domain.kinds import CaseKind, Channel, ClosureCode, LinkKind, Outcome, Relationship, kind_facts
from send_desk.domain.wording import uk_date
from send_desk.services.context import ServiceContext
from send_desk.values.case_edit import EDIT_LABELS, GOVERNED_LABELS
from send_desk.values.timeline import StoryEntry, StoryType

TRACKED = ("acknowledge_by", "respond_by", "officer", "stage")
"""Case facts the story keeps up to date as it walks the audit trail (to say "on time" or "late")."""


@dataclass
class Said:
    """One audit entry as a sentence builder sees it: old → new pairs, other facts, names, what is known."""

    changes: dict[str, tuple[Any, Any]]
    details: dict[str, Any]
    names: Mapping[str, str]
    known: dict[str, Any] = field(default_factory=dict)

    def new(self, key: str) -> Any:
        """Return the value a change set `key` to (None if it did not change it)."""
        return self.changes[key][1] if key in self.changes else None

    def old(self, key: str) -> Any:
        """Return the value `key` had before the change (None if it did not change it)."""
        return self.changes[key][0] if key in self.changes else None

    def person(self, login: Any) -> str:
        """Return the name of the member of staff with a login."""
        return self.names.get(str(login), str(login)) if login else "nobody"

    def detail(self, *keys: str) -> str:
        """Return the first of `keys` the entry's details hold, as text."""
        for key in keys:
            value = self.details.get(key)
            if value not in (None, "", []):
                return ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        return ""


Sentence = Callable[[Said], tuple[str, list[str]]]


def day(value: Any) -> str:
    """Return an ISO date (as the audit keeps it) as 27/11/2026."""
    if value in (None, ""):
        return "none"
    if isinstance(value, date):
        return uk_date(value)
    try:
        return uk_date(date.fromisoformat(str(value)[:10]))
    except ValueError:
        return str(value)


def _words(value: Any, labels: Callable[[str], str]) -> str:
    if value in (None, ""):
        return "none"
    try:
        return labels(str(value))
    except ValueError:
        return str(value).replace("-", " ").capitalize()


def _on_time(done: Any, due: Any) -> str:
    if not done or not due:
        return ""
    return " (on time)" if str(done) <= str(due) else f" (late: it was due by {day(due)})"


def _moved(said: Said, key: str, what: str) -> list[str]:
    if key not in said.changes:
        return []
    old, new = said.changes[key]
    if new is None:
        return [f"No {what.lower()} due now (it was due by {day(old)})."]
    if old is None:
        return [f"{what} due by {day(new)}."]
    return [f"{what} due date moved from {day(old)} to {day(new)}."]


def _targets(said: Said) -> list[str]:
    return _moved(said, "acknowledge_by", "Acknowledgement") + _moved(said, "respond_by", "Response")


def _logged(said: Said, how: str) -> tuple[str, list[str]]:
    kind = _words(said.details.get("kind"), lambda v: kind_facts(CaseKind(v)).noun)
    stage = f" at stage {said.details['stage']}" if said.details.get("stage", 1) != 1 else ""
    lines = []
    if said.details.get("acknowledge_by"):
        lines.append(f"Acknowledgement due by {day(said.details['acknowledge_by'])}.")
    if said.details.get("respond_by"):
        lines.append(f"Response due by {day(said.details['respond_by'])}.")
    if said.details.get("officer"):
        lines.append(f"Assigned to {said.person(said.details['officer'])}.")
    return f"{how} as {kind}{stage}, received {day(said.details.get('received_on'))}", lines


def _acknowledged(said: Said) -> tuple[str, list[str]]:
    on = said.new("acknowledged_on")
    lines = [f"Reason it was late: {said.detail('missed_reason')}."] if said.detail("missed_reason") else []
    return f"Acknowledged on {day(on)}{_on_time(on, said.known.get('acknowledge_by'))}", lines + _targets(
        said
    )


def _responded(said: Said) -> tuple[str, list[str]]:
    on = said.new("responded_on")
    lines = []
    if said.new("outcome"):
        lines.append(f"Outcome: {_words(said.new('outcome'), lambda v: Outcome(v).label)}.")
    if said.detail("missed_reason"):
        lines.append(f"Reason it was late: {said.detail('missed_reason')}.")
    if said.detail("remedies"):
        lines.append(f"Remedies: {said.detail('remedies').replace('-', ' ')}.")
    return f"Responded on {day(on)}{_on_time(on, said.known.get('respond_by'))}", lines


def _extended(said: Said) -> tuple[str, list[str]]:
    lines = [f"Why: {said.detail('reason')}."] if said.detail("reason") else []
    if said.detail("told_on"):
        lines.append(f"The family was told on {day(said.details['told_on'])}.")
    old, new = said.old("respond_by"), said.new("respond_by")
    to = f" from {day(old)} to {day(new)}" if new else ""
    return f"Response date extended{to}", lines


def _paused(said: Said) -> tuple[str, list[str]]:
    lines = [f"Why: {said.detail('reason')}."] if said.detail("reason") else []
    return f"Clock paused from {day(said.details.get('start'))}", lines


def _resumed(said: Said) -> tuple[str, list[str]]:
    return f"Clock restarted on {day(said.details.get('end'))}", _targets(said)


def _clarification_asked(said: Said) -> tuple[str, list[str]]:
    what = "proof of identity" if said.details.get("identity") else "clarification"
    lines = [f"Chase up on {day(said.details['chase_on'])}."] if said.details.get("chase_on") else []
    return f"Asked the requester for {what} on {day(said.details.get('on'))}; the clock stopped", lines


def _clarified(said: Said) -> tuple[str, list[str]]:
    return (
        f"The requester answered on {day(said.details.get('clarified_on'))}; the clock runs again",
        _targets(said),
    )


def _assigned(said: Said) -> tuple[str, list[str]]:
    old, new = said.old("officer"), said.new("officer")
    if "officer" not in said.changes:
        return f"Assigned to {said.person(said.known.get('officer'))} again", []
    was = f" (was {said.person(old)})" if old else ""
    return f"Assigned to {said.person(new)}{was}", []


def _escalated(said: Said) -> tuple[str, list[str]]:
    lines = [f"Handled by {said.person(said.new('officer'))}."] if said.new("officer") else []
    if said.detail("late_reason"):
        lines.append(f"Accepted after the window because: {said.detail('late_reason')}.")
    asked = f", asked for on {day(said.details['requested_on'])}" if said.details.get("requested_on") else ""
    return f"Escalated to stage 2{asked}", lines + _targets(said)


def _closed(said: Said) -> tuple[str, list[str]]:
    code = _words(said.new("closure_code"), lambda v: ClosureCode(v).label.lower())
    lines = [f"Why: {said.detail('reason')}."] if said.detail("reason") else []
    return f"Closed on {day(said.new('closed_on'))}: {code}", lines


def _reopened(said: Said) -> tuple[str, list[str]]:
    return "Reopened", [f"Why: {said.detail('reason')}."] if said.detail("reason") else []


def _linked(said: Said) -> tuple[str, list[str]]:
    kind = _words(said.details.get("kind"), lambda v: LinkKind(v).value.replace("-", " "))
    return f"Linked to {said.detail('linked')} ({kind})", []


def _change_value(key: str, value: Any, said: Said) -> str:
    if value in (None, ""):
        return "(blank)"
    if key == "officer":
        return said.person(value)
    if key == "channel":
        return _words(value, lambda v: Channel(v).label)
    if key == "kind":
        return _words(value, lambda v: CaseKind(v).label)
    if key == "contact_relationship":
        return _words(value, lambda v: Relationship(v).value.replace("-", " ").capitalize())
    if key.endswith(("_on", "_dob")):
        return day(value)
    return str(value)


def _edited(said: Said) -> tuple[str, list[str]]:
    labels = {**EDIT_LABELS, **GOVERNED_LABELS}
    lines = [
        f"{label}: {_change_value(key, said.old(key), said)} → {_change_value(key, said.new(key), said)}"
        for key, label in labels.items()
        if key in said.changes
    ]
    return "Details edited", lines


def _corrected(said: Said) -> tuple[str, list[str]]:
    names = {
        "received_on": "received date",
        "acknowledged_on": "acknowledgement date",
        "responded_on": "response date",
    }
    key = said.detail("field")
    what = names.get(key, "recorded date")
    old, new = said.old(key), said.new(key)
    lines = [f"Why: {said.detail('reason')}."] if said.detail("reason") else []
    return f"The {what} was corrected from {day(old)} to {day(new)}", lines + _targets(said)


def _kind_changed(said: Said) -> tuple[str, list[str]]:
    old = _change_value("kind", said.old("kind"), said)
    new = _change_value("kind", said.new("kind"), said)
    lines = [f"Why: {said.detail('reason')}."] if said.detail("reason") else []
    return f"Kind changed from {old.lower()} to {new.lower()}", lines + _targets(said)


def _recalculated(said: Said) -> tuple[str, list[str]]:
    return "Due dates recalculated by an admin", _targets(said)


def _document(verb: str) -> Sentence:
    def sentence(said: Said) -> tuple[str, list[str]]:
        name = said.detail("name", "filename", "file", "title", "document")
        why = [f"Why: {said.detail('reason')}."] if said.detail("reason") else []
        return f"Document {verb}" + (f": {name}" if name else ""), why

    return sentence


def _letter(said: Said) -> tuple[str, list[str]]:
    template = said.detail("template", "name", "title")
    how = said.detail("format", "as")
    lines = [f"Made as {how}."] if how else []
    return "Letter made" + (f": {template}" if template else ""), lines


def _ehc(said: Said) -> tuple[str, list[str]]:
    lines = []
    if "ehc_step" in said.changes:
        old, new = said.changes["ehc_step"]
        was = f" (was {str(old).replace('-', ' ')})" if old else ""
        lines.append(f"Step: {str(new or 'none').replace('-', ' ')}{was}.")
    if "ehc_started" in said.changes:
        lines.append(f"Step started on {day(said.new('ehc_started'))}.")
    return "EHC step recorded", lines


def _simple(text: str) -> Sentence:
    return lambda said: (text, _targets(said))


SENTENCES: dict[str, tuple[StoryType, Sentence]] = {
    "log": (StoryType.PROGRESS, lambda s: _logged(s, "Logged")),
    "import": (StoryType.PROGRESS, lambda s: _logged(s, "Imported from a spreadsheet")),
    "assign": (StoryType.ASSIGNED, _assigned),
    "acknowledge": (StoryType.TARGETS, _acknowledged),
    "extend": (StoryType.TARGETS, _extended),
    "pause": (StoryType.TARGETS, _paused),
    "resume": (StoryType.TARGETS, _resumed),
    "clarification-requested": (StoryType.TARGETS, _clarification_asked),
    "clarification": (StoryType.TARGETS, _clarified),
    "ombudsman-deadline": (StoryType.TARGETS, _simple("The deadline in the Ombudsman's letter was entered")),
    "respond": (StoryType.TARGETS, _responded),
    "action-done": (StoryType.TARGETS, lambda s: (f"Promised action done: {s.detail('action')}", [])),
    "escalate": (StoryType.PROGRESS, _escalated),
    "close": (StoryType.PROGRESS, _closed),
    "reopen": (StoryType.PROGRESS, _reopened),
    "link": (StoryType.PROGRESS, _linked),
    "edit": (StoryType.EDITS, _edited),
    "correct-date": (StoryType.EDITS, _corrected),
    "change-kind": (StoryType.EDITS, _kind_changed),
    "recalculate": (StoryType.EDITS, _recalculated),
    "retention-anonymise": (
        StoryType.EDITS,
        _simple("Personal details anonymised under the retention policy"),
    ),
    # documents and letters (the documents and letters features write these actions)
    "ehc": (StoryType.PROGRESS, _ehc),
    "document-added": (StoryType.DOCUMENTS, _document("added")),
    "document-removed": (StoryType.DOCUMENTS, _document("removed")),
    "document-exported": (StoryType.DOCUMENTS, _document("copied out of the desk")),
    "letter-made": (StoryType.DOCUMENTS, _letter),
    "email-made": (
        StoryType.DOCUMENTS,
        lambda s: ("Email drafted" + (f": {s.detail('template')}" if s.detail("template") else ""), []),
    ),
}
"""Audit action → (type, sentence). Notes and contacts come from the timeline table, not from here."""

FROM_NOTES = frozenset({"note", "contact"})
"""Audit actions whose story is told by the note or contact they saved (so it is not told twice)."""

DIRECTIONS = {"in": "from the family", "out": "to the family"}
CONTACT_WORDS = {
    "phone": "Phone call",
    "in-person": "Meeting in person",
    "social-media": "Social media message",
    "web-form": "Web form",
}
"""How a contact is named on the timeline where the channel's own label does not read as a contact."""


def _said(entry: AuditEntry, names: Mapping[str, str], known: dict[str, Any]) -> Said:
    try:
        body = json.loads(entry.changes or "{}")
    except ValueError:
        body = {}
    changes = {key: (pair[0], pair[1]) for key, pair in (body.get("changes") or {}).items()}
    return Said(changes=changes, details=dict(body.get("details") or {}), names=names, known=known)


def _general(action: str) -> str:
    return action.replace("-", " ").replace("_", " ").capitalize()


def audit_story(entries: Iterable[AuditEntry], names: Mapping[str, str]) -> list[StoryEntry]:
    """Return the story of a case's audit entries (oldest first); notes and contacts are left out."""
    known: dict[str, Any] = {}
    story: list[StoryEntry] = []
    for entry in entries:
        said = _said(entry, names, dict(known))
        for key in TRACKED:
            if key in said.details and entry.action in ("log", "import", "demo"):
                known[key] = said.details[key]
            if key in said.changes:
                known[key] = said.changes[key][1]
        if entry.action in FROM_NOTES:
            continue
        kind, sentence = SENTENCES.get(
            entry.action, (StoryType.PROGRESS, lambda s, a=entry.action: (_general(a), []))
        )
        headline, lines = sentence(said)
        story.append(
            StoryEntry(entry.at, kind, headline, tuple(lines), entry.actor_name or said.person(entry.login))
        )
    return story


def note_story(entry: TimelineEntry) -> StoryEntry | None:
    """Return a note or a contact as a story entry (changes written as notes are told by the audit)."""
    later = (
        entry.recorded_at
        if entry.recorded_at and (entry.recorded_at - entry.at).total_seconds() >= 60
        else None
    )
    if entry.entry_type == "note":
        return StoryEntry(entry.at, StoryType.NOTES, "Note", (entry.text,), entry.author, later)
    if entry.entry_type == "contact":
        how = CONTACT_WORDS.get(entry.channel) or (
            _words(entry.channel, lambda v: Channel(v).label) if entry.channel else "Contact"
        )
        direction = DIRECTIONS.get(entry.direction, "")
        headline = f"{how} {direction}".strip()
        return StoryEntry(entry.at, StoryType.CONTACTS, headline, (entry.text,), entry.author, later)
    return None


def case_story(session: Session, case: Case) -> tuple[StoryEntry, ...]:
    """Return the whole story of a case, oldest first."""
    names = {login: name for login, name in session.execute(select(Staff.login, Staff.name))}
    entries = session.scalars(
        select(AuditEntry).where(AuditEntry.case_id == case.id).order_by(AuditEntry.at, AuditEntry.id)
    )
    story = audit_story(entries, names)
    if not any(item.type is StoryType.PROGRESS for item in story[:1]):  # made without an audit row (demo)
        noun = kind_facts(CaseKind(case.kind)).noun
        story.insert(
            0,
            StoryEntry(
                case.created_at, StoryType.PROGRESS, f"Logged as {noun}, received {day(case.received_on)}"
            ),
        )
    story.extend(item for item in (note_story(t) for t in case.timeline) if item is not None)
    return tuple(sorted(story, key=lambda item: item.at))


def arrange(
    story: Iterable[StoryEntry], *, newest_first: bool = True, types: Iterable[StoryType] | None = None
) -> list[StoryEntry]:
    """Return the entries of the chosen types, newest or oldest first (ties keep the order they happened)."""
    chosen = set(types) if types is not None else set(StoryType)
    kept = [item for item in story if item.type in chosen]
    ordered = sorted(kept, key=lambda item: item.at)
    return ordered[::-1] if newest_first else ordered


class TimelineService:
    """Read a case's story."""

    def __init__(self, ctx: ServiceContext) -> None:
        """Use the given database."""
        self.ctx = ctx

    def story(
        self, case_id: int, *, newest_first: bool = True, types: Iterable[StoryType] | None = None
    ) -> list[StoryEntry]:
        """Return a case's story, newest or oldest first, of the chosen types."""
        with self.ctx.db.read() as session:
            case = session.get(Case, case_id)
            if case is None:
                raise NotFoundError("That case could not be found. Someone may have removed it.")
            return arrange(case_story(session, case), newest_first=newest_first, types=types)
