"""A team's own words for the desk's values, and how the import suggests a desk value for an unknown one.

Pure Python: the synonyms table (a tracker's "Transport" is the desk's "SEND transport"), the headers that
mean free notes or the date of the last contact, and `suggest`, which tries the synonyms, then the desk's
words as typed, then close spellings (difflib) and a desk value that starts with or contains the word.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

_NON_WORD = re.compile(r"[^0-9a-z]+")

UNASSIGNED = "unassigned"
"""The desk value that leaves a case without an officer (for "Team", "TBC" and the like)."""

VALUE_FIELDS: tuple[str, ...] = ("category", "officer", "kind", "stage", "channel", "outcome", "relationship")
"""The mapped fields whose values must be the desk's own words (each unknown value is listed once)."""


def fold(text: str) -> str:
    """Return a word folded for matching: lower case, punctuation as spaces, single spaces."""
    return " ".join(_NON_WORD.sub(" ", text.lower().replace("'", "").replace("\u2019", "")).split())


_CATEGORY_SYNONYMS: dict[str, str] = {
    "SEND transport": "transport|home to school transport|travel|travel assistance|school transport|taxi",
    "Placement / naming a school": "placement|school placement|naming a school|school place|named school|"
    "section i|school named",
    "Communication / keeping informed": "communication|communications|keeping informed|no response|"
    "not kept informed|lack of communication",
    "EHC needs assessment - request or decision": "ehc needs assessment|ehcna|needs assessment|"
    "ehc assessment|request for assessment|refusal to assess|ehna",
    "Assessment delay": "assessment delay|delay in assessment|late assessment|20 week|20 weeks|timescales",
    "Draft or final plan delay": "plan delay|ehcp delay|late plan|final plan delay|draft plan delay",
    "Plan content": "plan content|ehcp content|content of plan|sections b f|section f",
    "Annual review": "annual review|annual reviews|ar|review|late annual review",
    "Phase transfer": "phase transfer|transition|phase transfers|secondary transfer",
    "Provision not delivered": "provision|provision not delivered|provision not in place|non delivery",
    "Out of school / alternative provision": "out of school|alternative provision|ap|education other than "
    "at school|eotas|tuition|home tuition",
    "Personal budgets": "personal budget|personal budgets|direct payment|direct payments",
    "Mediation / tribunal / tribunal order compliance": "tribunal|mediation|appeal|sendist|tribunal order",
    "Ceasing a plan": "ceasing|cease to maintain|ceasing a plan|ceasing to maintain",
    "Complaint handling": "complaint handling|handling of complaint",
    "Staff conduct": "staff|staff conduct|conduct|attitude|behaviour of staff",
    "Health or social care element": "health|social care|therapy|therapies|speech and language|salt|ot",
    "Data protection / records": "data protection|records|data breach|gdpr",
}
_KIND_SYNONYMS: dict[str, str] = {
    "FOI request": "foi|foi request|freedom of info|freedom of information act",
    "Councillor enquiry": "cllr|cllr enquiry|councillor|member|members enquiry|mb enquiry",
    "MP enquiry": "mp|mp enquiry|mp letter|mps letter",
    "Complaint": "complaint|formal complaint|comp|stage one|corporate",
    "Enquiry": "enquiry|general|query|info request|request for information",
    "Subject access request": "sar|dsar|subject access",
    "Ombudsman enquiry": "lgo|lgsco|ombudsman",
}
_CHANNEL_SYNONYMS: dict[str, str] = {
    "Email": "e mail|emailed|mailbox|inbox",
    "Phone": "phone|telephone|tel|call|phoned|rang",
    "Letter": "letter|post|posted|written",
    "Web form": "web|online|portal|form|web form|website",
    "In person": "in person|face to face|f2f|visit|drop in",
}
_OUTCOME_SYNONYMS: dict[str, str] = {
    "Upheld": "upheld|yes|y|founded|justified",
    "Partly upheld": "partly|partial|part upheld|partially upheld|partly justified",
    "Not upheld": "not upheld|no|n|unfounded|not justified",
}
_OFFICER_SYNONYMS: dict[str, str] = {
    UNASSIGNED: "team|tbc|tba|unassigned|unallocated|not allocated|nobody|none|n a|na|duty|duty officer|"
    "inbox|shared|all|pending",
}


def _table(table: dict[str, str]) -> dict[str, str]:
    return {fold(word): value for value, words in table.items() for word in words.split("|")}


SYNONYMS: dict[str, dict[str, str]] = {
    "category": _table(_CATEGORY_SYNONYMS),
    "kind": _table(_KIND_SYNONYMS),
    "channel": _table(_CHANNEL_SYNONYMS),
    "outcome": _table(_OUTCOME_SYNONYMS),
    "officer": _table(_OFFICER_SYNONYMS),
}
"""Field → a team's folded word → the desk value it means."""


def initials(name: str) -> str:
    """Return a person's initials, folded ("Jane Smith" → "js", "Mary-Ann O'Neil" → "mao")."""
    return "".join(part[0] for part in fold(name).split())


def suggest(field: str, value: str, choices: Sequence[str], *, names: Sequence[str] = ()) -> str | None:
    """Return the desk value (one of `choices`) a team's word most likely means, or None.

    `names` (officers only) are the people's names in the order of `choices`, so initials can match.
    """
    key = fold(value)
    if not key:
        return None
    folded = {fold(choice): choice for choice in choices}
    synonym = SYNONYMS.get(field, {}).get(key)
    if synonym is not None and (synonym in choices or fold(synonym) in folded):
        return folded.get(fold(synonym), synonym)
    if key in folded:
        return folded[key]
    if names:
        by_initials = [choice for choice, name in zip(choices, names, strict=False) if initials(name) == key]
        if len(by_initials) == 1:
            return by_initials[0]
        for choice, name in zip(choices, names, strict=False):
            words = fold(name).split()
            if words and key in (words[0], words[-1]):
                return choice
    close = difflib.get_close_matches(key, list(folded), n=1, cutoff=0.75)
    if close:
        return folded[close[0]]
    starting = [choice for fold_choice, choice in folded.items() if fold_choice.startswith(key + " ")]
    if len(starting) == 1:
        return starting[0]
    containing = [choice for fold_choice, choice in folded.items() if f" {key} " in f" {fold_choice} "]
    if len(containing) == 1:
        return containing[0]
    close = difflib.get_close_matches(key, list(folded), n=1, cutoff=0.6)
    return folded[close[0]] if close else None


# ----- columns beyond the desk's fields -----------------------------------------------------------
NOTE_HEADERS = frozenset(
    fold(h)
    for h in (
        "notes",
        "note",
        "comments",
        "comment",
        "case notes",
        "update",
        "updates",
        "latest update",
        "progress",
        "progress notes",
        "action taken",
        "actions taken",
        "history",
        "remarks",
        "officer notes",
        "chase notes",
        "follow up",
        "next steps",
    )
)
"""Headers of free notes columns: each non-blank cell becomes a note on the case's timeline."""

CONTACT_HEADERS = frozenset(
    fold(h)
    for h in (
        "date of last contact",
        "last contact",
        "last contact date",
        "last contacted",
        "date last contacted",
        "last contact with family",
        "date of last contact with family",
    )
)
"""Headers of a "date of last contact" column: the date becomes a contact on the timeline."""

_DATE_WORDS = frozenset({"date", "of", "on", "dated", "when"})


def is_note_header(header: str) -> bool:
    """Tell whether a column holds free notes."""
    key = fold(header)
    return key in NOTE_HEADERS or any(word in ("notes", "comments", "updates") for word in key.split())


def is_contact_header(header: str) -> bool:
    """Tell whether a column holds the date of the last contact."""
    return fold(header) in CONTACT_HEADERS


def dates_note(date_header: str, note_header: str) -> bool:
    """Tell whether a column ("Update date", "Date of update") holds the dates of a notes column."""
    words = fold(date_header).split()
    if "date" not in words and "dated" not in words:
        return False
    rest = [w for w in words if w not in _DATE_WORDS]
    return bool(rest) and rest == fold(note_header).split()
