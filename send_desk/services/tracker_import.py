"""Import a team's tracker: columns matched, the team's own words mapped to the desk's, nothing lost.

The workbook is opened once (`reports.xlsx_import.TrackerBook`) for the layout and every row. Every
row is checked (dates, words, categories, staff, duplicates, the same rules as logging a case) and each
rejected row is reported with its sheet and row number; a real import then logs every accepted row in
one transaction through `CaseService.log_bulk` (all sheets together; all or nothing, audited as
"import"). References already on the desk are skipped and reported.

Value mapping: each distinct value of the value fields (category, officer, kind, stage, channel,
outcome, relationship) that the desk does not know is listed once with its row count and a suggested
desk value (`domain.import_words.suggest`). The officer's choices (`values`: field → their word → desk
word) are written in place of the team's words before a row is parsed; a word left unmapped rejects its
rows with the usual message. Initials mapped to a member of staff are kept as that person's import
alias; all the choices can be saved as a named profile, found again by the sheet's headers.

Columns beyond the desk's fields are kept: notes columns become timeline notes (dated by their date
column where the sheet has one), a "date of last contact" becomes a contact, anything else goes into
the case description under its header.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections.abc import Callable, Generator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from send_desk.db.bulk import insert_rows
from send_desk.db.models import Base, Case, Category, ImportProfile, Staff, StaffAlias, TimelineEntry
from send_desk.domain.errors import ValidationError
from send_desk.domain.import_words import UNASSIGNED, VALUE_FIELDS, fold, suggest
from send_desk.domain.kinds import CaseKind, Channel, Outcome
from send_desk.reports.sheet_fields import (
    FIELD_LABELS,
    FIELDS,
    IGNORE,
    IMPORT_FIELDS,
    REQUIRED_FIELDS,
    CellError,
    ParsedRow,
    case_history,
    case_input,
    check_mapping_overrides,
    label_for,
    normalise_header,
    parse_date,
)
from send_desk.reports.xlsx_import import (
    MAX_ROWS,
    ExtraColumn,
    SheetLayout,
    TrackerBook,
    TrackerReader,
    cell_text,
    layout_of,
)
from send_desk.services import audit
from send_desk.services.case_replay import (
    FULL_HISTORY,
    ehc_problems,
    for_replay,
    replay_history,
    replayable,
)
from send_desk.services.cases import CaseService, validate_case_input
from send_desk.services.collection_pause import collection_paused_while
from send_desk.services.context import UK, ServiceContext
from send_desk.services.permissions import Action, require
from send_desk.values.cases import CaseInput
from send_desk.values.imports import ImportProfileView, UnknownValue
from send_desk.values.progress import Progress

PROGRESS_EVERY = 1000
SAVE_CHUNK = 2000
"""Cases inserted per bulk round of a real import (every round is in the import's one transaction)."""
MAX_DESCRIPTION = 32767
MAX_PROFILE_NAME = 120
MAX_ALIAS = 120


@dataclass(frozen=True)
class RejectedRow:
    """A sheet row that was not imported, with every reason in plain words."""

    row: int
    errors: tuple[str, ...]
    sheet: str = ""

    def to_json(self) -> dict[str, Any]:
        """Return the row as `{row, errors}` (and its `sheet` when several sheets were read)."""
        found: dict[str, Any] = {"row": self.row, "errors": list(self.errors)}
        if self.sheet:
            found["sheet"] = self.sheet
        return found


@dataclass(frozen=True)
class SkippedRow:
    """A sheet row whose reference is already on the desk."""

    row: int
    reference: str
    sheet: str = ""


@dataclass
class ImportResult:
    """What an import did (or, on a dry run, would do)."""

    path: Path
    sheet: str
    header_row: int
    mapping: dict[str, str]
    dry_run: bool
    accepted: int = 0
    imported: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    skipped_existing: list[SkippedRow] = field(default_factory=list)
    blank_rows: int = 0
    rows_read: int = 0
    references: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)
    kept_columns: dict[str, str] = field(default_factory=dict)
    unknown_values: list[UnknownValue] = field(default_factory=list)
    notes: int = 0
    contacts: int = 0
    profile: str | None = None
    profile_saved: bool = False
    profiles_offered: list[str] = field(default_factory=list)
    aliases_added: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Return the result as `send-desk import --json` prints it."""
        return {
            "file": str(self.path),
            "sheet": self.sheet,
            "sheets": self.sheets,
            "header_row": self.header_row,
            "mapping": self.mapping,
            "kept_columns": self.kept_columns,
            "ignored_columns": self.ignored_columns,
            "dry_run": self.dry_run,
            "rows_read": self.rows_read,
            "accepted": self.accepted,
            "imported": self.imported,
            "rejected": [r.to_json() for r in self.rejected],
            "skipped_existing": [
                {"row": s.row, "reference": s.reference, **({"sheet": s.sheet} if s.sheet else {})}
                for s in self.skipped_existing
            ],
            "blank_rows": self.blank_rows,
            "references": self.references,
            "unknown_values": [u.to_json() for u in self.unknown_values],
            "notes": self.notes,
            "contacts": self.contacts,
            "profile": self.profile,
            "profile_saved": self.profile_saved,
            "profiles_offered": self.profiles_offered,
            "aliases_added": self.aliases_added,
            "warnings": self.warnings,
        }


_FOLD = re.compile(r"[^0-9a-z]+")


def _fold(text: str) -> str:
    return _FOLD.sub("", text.lower())


def headers_key(headers: Sequence[str]) -> str:
    """Return the key a profile is found by: a hash of the sheet's folded, non-empty headers."""
    folded = [normalise_header(h) for h in headers if normalise_header(h)]
    return hashlib.sha256("\x1f".join(folded).encode()).hexdigest()


@dataclass
class _Lookups:
    categories: dict[str, str]
    staff: dict[str, str]
    inactive: set[str]
    aliases: dict[str, str]
    people: list[tuple[str, str]]
    taken_aliases: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Vocabulary:
    """The desk's words for one value field: what to offer, and whether a team's word is one of them."""

    field: str
    choices: tuple[str, ...]
    canonical: Callable[[str], str | None]
    names: tuple[str, ...] = ()

    def known(self, word: str) -> bool:
        """Tell whether the desk understands the word as it is."""
        return self.canonical(word) is not None


def _parses(field_id: str, today: date) -> Callable[[str], str | None]:
    spec = IMPORT_FIELDS[field_id][1]

    def canonical(word: str) -> str | None:
        try:
            found = spec.parse(word, today)
        except CellError:
            return None
        return word if found is not None else None

    return canonical


_FIELD_CHOICES: dict[str, tuple[str, ...]] = {
    "kind": tuple(kind.label for kind in CaseKind),
    "stage": ("1", "2"),
    "channel": tuple(channel.label for channel in Channel),
    "outcome": tuple(outcome.label for outcome in Outcome),
}


def field_for_name(name: str) -> str | None:
    """Return the field id a `--value` names by id or label ("Category", "officer"), or None."""
    key = fold(name)
    for field_id in FIELDS:
        if key in (fold(field_id), fold(FIELD_LABELS[field_id])):
            return field_id
    return None


class ImportService:
    """Preview, validate and import a tracker spreadsheet; keep import profiles and staff aliases."""

    def __init__(self, ctx: ServiceContext, *, max_rows: int = MAX_ROWS) -> None:
        """Use the given database, clock and acting login."""
        self.ctx = ctx
        self.max_rows = max_rows

    # ----- layout and profiles -------------------------------------------------------------------
    def preview(
        self,
        path: Path,
        *,
        sheet: str | Sequence[str] | None = None,
        mapping: Mapping[str, str] | None = None,
        profile: str | None = None,
    ) -> SheetLayout:
        """Return the sheets' layout: header row, headers, the guessed mapping and the first rows."""
        with TrackerBook(Path(path)) as book:
            return self._layout(book, sheet, self._columns(mapping, self._profile_or_none(profile)))

    def _layout(
        self, book: TrackerBook, sheet: str | Sequence[str] | None, columns: Mapping[str, str]
    ) -> SheetLayout:
        if columns:
            try:
                check_mapping_overrides(columns)
            except ValueError as exc:
                raise ValidationError(str(exc), field="mapping") from None
        sheets = () if sheet is None else (sheet,) if isinstance(sheet, str) else tuple(sheet)
        ignored = [header for header, target in columns.items() if target == IGNORE]
        return layout_of(book, sheets=sheets, overrides=columns, ignored=ignored)

    @staticmethod
    def _columns(mapping: Mapping[str, str] | None, profile: ImportProfileView | None) -> dict[str, str]:
        return {**(profile.columns if profile else {}), **(mapping or {})}

    def profiles_for(self, layout: SheetLayout) -> list[str]:
        """Return the names of the saved profiles made for these headers (offered first)."""
        with self.ctx.db.read() as session:
            return list(
                session.scalars(
                    select(ImportProfile.name)
                    .where(ImportProfile.headers_key == headers_key(layout.headers))
                    .order_by(ImportProfile.updated_at.desc(), ImportProfile.name)
                )
            )

    def profile_names(self) -> list[str]:
        """Return the names of every saved profile, in order."""
        with self.ctx.db.read() as session:
            return list(session.scalars(select(ImportProfile.name).order_by(ImportProfile.name)))

    def profile(self, name: str) -> ImportProfileView:
        """Return a saved profile, or raise a plain error naming the ones there are."""
        found = self._profile_or_none(name)
        if found is None:
            names = self.profile_names()
            there = f"Saved profiles: {', '.join(names)}." if names else "No profile has been saved yet."
            raise ValidationError(f"There is no import profile called '{name}'. {there}", field="profile")
        return found

    def _profile_or_none(self, name: str | None) -> ImportProfileView | None:
        if not name or not name.strip():
            return None
        with self.ctx.db.read() as session:
            row = session.scalars(select(ImportProfile).where(ImportProfile.name == name.strip())).first()
            if row is None:
                return None
            return ImportProfileView(
                row.name, tuple(json.loads(row.headers)), json.loads(row.columns), json.loads(row.value_map)
            )

    # ----- the import ------------------------------------------------------------------------------
    def run(
        self,
        path: Path,
        mapping: Mapping[str, str] | None = None,
        dry_run: bool = False,
        *,
        sheet: str | Sequence[str] | None = None,
        values: Mapping[str, Mapping[str, str]] | None = None,
        profile: str | None = None,
    ) -> ImportResult:
        """Validate every row and (unless a dry run) import the accepted ones in one transaction."""
        steps = self.steps(path, mapping, dry_run, sheet=sheet, values=values, profile=profile)
        while True:
            try:
                next(steps)
            except StopIteration as stop:
                result: ImportResult = stop.value
                return result

    @collection_paused_while  # it makes objects for every row and keeps them to the end
    def steps(
        self,
        path: Path,
        mapping: Mapping[str, str] | None = None,
        dry_run: bool = False,
        *,
        sheet: str | Sequence[str] | None = None,
        layout: SheetLayout | None = None,
        values: Mapping[str, Mapping[str, str]] | None = None,
        profile: str | None = None,
    ) -> Generator[Progress, None, ImportResult]:
        """Do the import as a generator of progress; the result is the generator's return value.

        `values` maps field → their word → desk word; `profile` names a saved profile whose choices
        are used (under those given) and, on a real import, saved again with them (created if new).
        """
        path = Path(path)
        if profile and len(profile.strip()) > MAX_PROFILE_NAME:
            raise ValidationError(
                f"A profile's name can be at most {MAX_PROFILE_NAME} characters long; choose a shorter one.",
                field="profile",
            )
        saved = self._profile_or_none(profile)
        columns = self._columns(mapping, saved)
        chosen: dict[str, dict[str, str]] = {
            f: dict(words) for f, words in (saved.values if saved else {}).items()
        }
        for field_id, words in (values or {}).items():
            chosen.setdefault(field_id, {}).update(words)
        today = self.ctx.today()
        book = TrackerBook(path)
        try:
            layout = layout or self._layout(book, sheet, columns)
            result = ImportResult(
                path=path,
                sheet=layout.sheet,
                header_row=layout.header_row,
                mapping=layout.fields(),
                dry_run=dry_run,
                ignored_columns=layout.unmapped(),
                sheets=[part.sheet for part in layout.sheets()],
                kept_columns={extra.header: extra.role for extra in layout.extras},
                profile=profile.strip() if profile and profile.strip() else None,
            )
            result.warnings.extend(f"The sheet {why}, so it was not read." for why in layout.skipped_sheets)
            mapped = set(layout.fields())
            missing = [FIELD_LABELS[f] for f in REQUIRED_FIELDS if f not in mapped]
            if missing:
                raise ValidationError(
                    f"No column is mapped to {' or '.join(missing)}, which every case needs. Map one with "
                    f'--map "Header=field" (fields: {", ".join(FIELDS)}).'
                )
            lookups = self._lookups()
            vocabulary = self.vocabulary(lookups)
            resolved = self._resolve(chosen, vocabulary)
            result.profiles_offered = [] if saved else self.profiles_for(layout)
            reader = TrackerReader(path, layout, today, max_rows=self.max_rows, book=book, values=resolved)
            total = layout.estimated_rows
            # only what the saving needs, not the parsed row (memory: a sheet may hold 200,000 cases)
            candidates: list[tuple[int, str, tuple[tuple[int, Any, Any], ...], CaseInput]] = []
            seen: dict[str, tuple[str, int]] = {}
            histories: dict[int, dict[str, Any]] = {}  # candidate index → events to replay (our export)
            many = len(result.sheets) > 1
            for parsed in reader.rows():
                data, errors = self._check(parsed, lookups, today)
                history = replayable(case_history(parsed.values))
                if not errors:  # a cell that could not be read is reason enough
                    errors.extend(ehc_problems(history))
                if data is not None and history and not errors:
                    if FULL_HISTORY in history:
                        data = for_replay(data, history, lookups.staff)
                    histories[len(candidates)] = history
                reference = (data.reference or "") if data is not None else ""
                if data is not None and reference and reference in seen:
                    where = seen[reference]
                    at = f"row {where[1]}" + (f" of '{where[0]}'" if many else "")
                    errors.append(f"Reference: {reference} appears twice in the sheet (first at {at}).")
                if errors or data is None:
                    result.rejected.append(
                        RejectedRow(parsed.row, tuple(errors), parsed.sheet if many else "")
                    )
                else:
                    if reference:
                        seen[reference] = (parsed.sheet, parsed.row)
                    candidates.append((parsed.row, parsed.sheet, parsed.extras, data))
                if reader.data_rows % PROGRESS_EVERY == 0:
                    yield Progress(reader.data_rows, total, f"Checked {reader.data_rows:,} rows…")
        finally:
            book.close()
        result.rows_read = reader.data_rows
        result.blank_rows = reader.blank_rows
        result.warnings.extend(reader.warnings)
        result.unknown_values = self._unknown(reader.seen, vocabulary, resolved)
        existing = self._existing(list(seen))
        accepted: list[CaseInput] = []
        timeline: list[list[dict[str, Any]] | None] = []
        replays: dict[int, dict[str, Any]] = {}
        roles = {extra.index: extra for extra in layout.extras}
        for index, (row, sheet_name, extras, data) in enumerate(candidates):
            if data.reference and data.reference in existing:
                result.skipped_existing.append(SkippedRow(row, data.reference, sheet_name if many else ""))
                continue
            if index in histories:
                replays[len(accepted)] = histories[index]
            if not extras:
                accepted.append(data)
                timeline.append(None)
                continue
            description, entries = self._kept(extras, roles, data, today)
            if description:
                data = replace(data, description=description)
            accepted.append(data)
            timeline.append(entries or None)
            result.notes += sum(1 for e in entries if e["entry_type"] == "note")
            result.contacts += sum(1 for e in entries if e["entry_type"] == "contact")
        result.accepted = len(accepted)
        aliases = self._new_aliases(chosen.get("officer", {}), lookups)
        if dry_run:
            yield Progress(reader.data_rows, reader.data_rows, "Checked every row.")
            return result
        if not accepted:
            if result.profile:
                with self.ctx.db.write() as session:
                    self._remember(session, result, layout, columns, chosen, aliases)
            yield Progress(reader.data_rows, reader.data_rows, "Checked every row.")
            return result
        yield Progress(0, len(accepted), f"Saving {len(accepted):,} cases…")
        author = self._author()

        def also(session: Session, start: int, ids: list[int]) -> None:
            if start == 0:
                self._remember(session, result, layout, columns, chosen, aliases)
            rows: list[dict[str, Any]] = []
            for case_id, entries in zip(ids, timeline[start : start + len(ids)], strict=True):
                if entries:
                    rows.extend({**entry, "case_id": case_id, "author": author} for entry in entries)
            if rows:
                insert_rows(session, Base.metadata.tables[TimelineEntry.__tablename__], rows)

        saving = CaseService(self.ctx).log_bulk(
            accepted, action="import", chunk=SAVE_CHUNK, also=also, checked=True
        )
        try:
            while True:
                done = next(saving)
                yield Progress(done, len(accepted), f"Saved {done:,} of {len(accepted):,} cases…")
        except StopIteration as stop:
            result.references = stop.value
        finally:
            saving.close()  # closing before the end (a cancel) rolls the whole import back
        result.imported = len(result.references)
        if replays:  # a whole-case export of a desk: its events, replayed through the case actions
            yield from replay_history(self.ctx, result.references, replays)
        yield Progress(result.imported, result.imported, f"Imported {result.imported:,} cases.")
        return result

    # ----- the desk's words ------------------------------------------------------------------------
    def vocabulary(self, lookups: _Lookups | None = None) -> dict[str, Vocabulary]:
        """Return, for each value field the import reads, the desk's words and how a word is checked."""
        lookups = lookups or self._lookups()
        today = self.ctx.today()
        found: dict[str, Vocabulary] = {}
        for field_id in VALUE_FIELDS:
            if field_id not in IMPORT_FIELDS:
                continue
            if field_id == "category":
                categories = lookups.categories
                found[field_id] = Vocabulary(
                    field_id,
                    tuple(sorted(categories.values(), key=str.lower)),
                    lambda word, c=categories: c.get(_fold(word)),  # type: ignore[misc]
                )
            elif field_id == "officer":
                people = sorted(lookups.people, key=lambda p: p[1].lower())

                def officer(word: str, lk: _Lookups = lookups) -> str | None:
                    key = " ".join(word.lower().split())
                    if fold(word) == UNASSIGNED:
                        return ""
                    return lk.staff.get(key) or lk.aliases.get(fold(word))

                found[field_id] = Vocabulary(
                    field_id,
                    (UNASSIGNED, *(login for login, _name in people)),
                    officer,
                    ("", *(name for _login, name in people)),
                )
            else:
                found[field_id] = Vocabulary(
                    field_id, _FIELD_CHOICES.get(field_id, ()), _parses(field_id, today)
                )
        return found

    def _resolve(
        self, chosen: Mapping[str, Mapping[str, str]], vocabulary: Mapping[str, Vocabulary]
    ) -> dict[str, dict[str, str]]:
        """Return field → their folded word → the cell text that means the chosen desk word."""
        resolved: dict[str, dict[str, str]] = {}
        for field_id, words in chosen.items():
            if field_id not in vocabulary:
                raise ValidationError(
                    f"'{field_id}' is not a field whose values can be mapped; use one of "
                    f"{', '.join(FIELD_LABELS[f] for f in vocabulary)}.",
                    field="values",
                )
            vocab = vocabulary[field_id]
            for theirs, desk in words.items():
                cell = vocab.canonical(desk)
                if cell is None:
                    offered = ", ".join(vocab.choices[:25])
                    raise ValidationError(
                        f"{FIELD_LABELS[field_id]}: '{desk}' (for '{theirs}') is not one of the desk's "
                        f"values. Use one of: {offered}{'…' if len(vocab.choices) > 25 else ''}.",
                        field="values",
                    )
                resolved.setdefault(field_id, {})[fold(theirs)] = cell
        return resolved

    @staticmethod
    def _unknown(
        seen: Mapping[str, Mapping[str, list[Any]]],
        vocabulary: Mapping[str, Vocabulary],
        resolved: Mapping[str, Mapping[str, str]],
    ) -> list[UnknownValue]:
        unknown: list[UnknownValue] = []
        for field_id in VALUE_FIELDS:
            vocab = vocabulary.get(field_id)
            if vocab is None or field_id not in seen:
                continue
            mapped = resolved.get(field_id, {})
            found = [
                UnknownValue(field_id, text, rows, suggest(field_id, text, vocab.choices, names=vocab.names))
                for key, (text, rows) in seen[field_id].items()
                if key not in mapped and not vocab.known(text)
            ]
            unknown.extend(sorted(found, key=lambda u: (-u.rows, u.value.lower())))
        return unknown

    def _new_aliases(self, officers: Mapping[str, str], lookups: _Lookups) -> dict[str, str]:
        """Return their word → login for initials mapped to a member of staff that are not known yet."""
        added: dict[str, str] = {}
        for theirs, desk in officers.items():
            if fold(desk) == UNASSIGNED or not fold(theirs) or len(fold(theirs)) > MAX_ALIAS:
                continue
            login = lookups.staff.get(" ".join(desk.lower().split())) or lookups.aliases.get(fold(desk))
            key = " ".join(theirs.lower().split())
            if login and key not in lookups.staff and fold(theirs) not in lookups.taken_aliases:
                added[fold(theirs)] = login
        return added

    def _remember(
        self,
        session: Session,
        result: ImportResult,
        layout: SheetLayout,
        columns: Mapping[str, str],
        chosen: Mapping[str, Mapping[str, str]],
        aliases: Mapping[str, str],
    ) -> None:
        """Keep new staff aliases and (when named) the profile, in the import's transaction, audited.

        With no case to import they are still kept (their own unit of work), by someone who may import.
        """
        now = self.ctx.now()
        actor = require(session, self.ctx.actor_login(), Action.LOG_CASE, at=now)
        for alias, login in aliases.items():
            staff_id = session.scalar(select(Staff.id).where(Staff.login == login))
            if staff_id is not None:
                session.add(StaffAlias(staff_id=staff_id, alias=alias, created_at=now))
                result.aliases_added[alias] = login
        if result.profile:
            self._save_profile(session, result.profile, layout, columns, chosen, now)
            result.profile_saved = True
        if result.aliases_added or result.profile_saved:
            audit.record(
                session,
                at=now,
                login=actor.login,
                actor_name=actor.name,
                action="import-profile",
                details={
                    "profile": result.profile if result.profile_saved else None,
                    "aliases": dict(result.aliases_added),
                    "file": result.path.name,
                },
            )

    def _save_profile(
        self,
        session: Session,
        name: str,
        layout: SheetLayout,
        columns: Mapping[str, str],
        chosen: Mapping[str, Mapping[str, str]],
        now: datetime,
    ) -> None:
        row = session.scalars(select(ImportProfile).where(ImportProfile.name == name)).first()
        if row is None:
            row = ImportProfile(name=name)
            session.add(row)
        row.headers_key = headers_key(layout.headers)
        row.headers = json.dumps(list(layout.headers))
        row.columns = json.dumps(dict(columns), sort_keys=True)
        row.value_map = json.dumps({f: dict(w) for f, w in chosen.items() if w}, sort_keys=True)
        row.updated_at = now
        row.updated_by = self.ctx.actor_login()
        session.flush()

    # ----- columns beyond the fields ---------------------------------------------------------------
    def _kept(
        self,
        extras: tuple[tuple[int, Any, Any], ...],
        roles: Mapping[int, ExtraColumn],
        data: CaseInput,
        today: date,
    ) -> tuple[str, list[dict[str, Any]]]:
        """Return the description with the kept columns added, and the timeline entries of a row."""
        lines: list[str] = []
        entries: list[dict[str, Any]] = []
        now = self.ctx.now()
        for index, value, dated in extras:
            extra = roles[index]
            text = cell_text(value)
            if extra.role == "note":
                on = self._date(dated, today)
                entries.append(
                    {
                        "at": self._at(on, now),
                        "entry_type": "note",
                        "channel": "",
                        "direction": "",
                        "text": f"From the tracker's '{extra.header}' column"
                        + ("" if on or dated in (None, "") else f" (dated '{cell_text(dated)}')")
                        + f": {text}",
                    }
                )
            elif extra.role == "contact" and (on := self._date(value, today)) is not None:
                entries.append(
                    {
                        "at": self._at(on, now),
                        "entry_type": "contact",
                        "channel": "",
                        "direction": "",
                        "text": f"Last contact, from the tracker's '{extra.header}' column.",
                    }
                )
            else:
                lines.append(f"{extra.header}: {text}")
        description = data.description
        if lines:
            description = "\n\n".join(part for part in (description, "\n".join(lines)) if part)
        return description[:MAX_DESCRIPTION], entries

    @staticmethod
    def _date(value: Any, today: date) -> date | None:
        try:
            found = parse_date(value if value != "" else None, today)
        except CellError:
            return None
        return found if found is None or found <= today else None

    @staticmethod
    def _at(on: date | None, now: datetime) -> datetime:
        if on is None:
            return now
        return min(datetime.combine(on, time(12), UK), now)

    def _author(self) -> str:
        login = self.ctx.actor_login()
        with self.ctx.db.read() as session:
            return session.scalar(select(Staff.name).where(Staff.login == login)) or login

    # ----- checks ------------------------------------------------------------------------------------
    def _lookups(self) -> _Lookups:
        with self.ctx.db.read() as session:
            categories = {
                _fold(name): name for name in session.scalars(select(Category.name).where(Category.active))
            }
            staff: dict[str, str] = {}
            inactive: set[str] = set()
            people: list[tuple[str, str]] = []
            for login, name, active in session.execute(select(Staff.login, Staff.name, Staff.active)):
                for key in (login.lower(), " ".join(name.lower().split())):
                    if active:
                        staff[key] = login
                    else:
                        inactive.add(key)
                if active:
                    people.append((login, name))
            aliases: dict[str, str] = {}
            taken: set[str] = set()
            for alias, login, active in session.execute(
                select(StaffAlias.alias, Staff.login, Staff.active).join(
                    Staff, Staff.id == StaffAlias.staff_id
                )
            ):
                taken.add(alias)
                if active:
                    aliases[alias] = login
        return _Lookups(categories, staff, inactive, aliases, people, taken)

    def _existing(self, references: list[str]) -> set[str]:
        found: set[str] = set()
        with self.ctx.db.read() as session:
            for start in range(0, len(references), 500):
                chunk = references[start : start + 500]
                found.update(session.scalars(select(Case.reference).where(Case.reference.in_(chunk))))
        return found

    def _check(self, parsed: ParsedRow, lookups: _Lookups, today: date) -> tuple[CaseInput | None, list[str]]:
        errors = list(parsed.errors)
        v = parsed.values
        category = ""
        if v.get("category"):
            category = lookups.categories.get(_fold(v["category"]), "")
            if not category:
                close = difflib.get_close_matches(
                    _fold(v["category"]), list(lookups.categories), n=1, cutoff=0.6
                )
                hint = f" Did you mean '{lookups.categories[close[0]]}'?" if close else ""
                errors.append(
                    f"Category: '{v['category']}' is not one of the desk's categories.{hint} "
                    "Correct it in the sheet, or ask an admin to add the category."
                )
        officer = None
        if v.get("officer"):
            key = " ".join(str(v["officer"]).lower().split())
            officer = lookups.staff.get(key) or lookups.aliases.get(fold(str(v["officer"])))
            if officer is None:
                why = (
                    "is no longer active"
                    if key in lookups.inactive
                    else "is not a member of staff on the desk"
                )
                errors.append(
                    f"Officer: '{v['officer']}' {why}. Add them under Staff (or correct the name), "
                    'or leave the officer column out with --map "Header=ignore".'
                )
        if any(v.get(name) is None for name in REQUIRED_FIELDS):
            return None, errors
        try:
            data = case_input({**v, "category": category, "officer": officer})
        except (TypeError, ValueError) as exc:  # pragma: no cover - parsed values are typed already
            return None, [*errors, f"The row could not be read: {exc}"]
        if not errors:
            try:
                validate_case_input(data, today)
            except ValidationError as exc:
                label = label_for(exc.field or "")
                errors.append(f"{label}: {exc}" if label else str(exc))
        return (data if not errors else None), errors
