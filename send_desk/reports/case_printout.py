"""A whole case printed: every field, every stage and clock, and the whole timeline (HTML, Qt-free)."""

from __future__ import annotations

from collections.abc import Sequence

from send_desk.domain.kinds import channel_label
from send_desk.domain.wording import DASH, uk_date, uk_datetime
from send_desk.reports.ehc import ehc_html
from send_desk.reports.htmlkit import (
    document,
    esc,
    key_values,
    money,
    table,
    yes_no,
)
from send_desk.values.cases import CaseDetail, ClockView, PersonView, StageView
from send_desk.values.documents import DocumentInfo
from send_desk.values.ehc import EhcRecord

ROLE_TITLES = {"child": "Child or young person", "contact": "Contact", "representative": "Representative"}


def case_title(detail: CaseDetail) -> str:
    """Return the document title, e.g. "Case SD-2026-00042"."""
    return f"Case {detail.reference}"


def case_header(detail: CaseDetail, team: str) -> str:
    """Return the running page header: team name and case reference."""
    return f"{team} · Case {detail.reference} · {detail.kind.label}"


def _label(value: str | None) -> str:
    return "–" if not value else value.replace("-", " ").capitalize()


def _person(title: str, person: PersonView | None) -> str:
    if person is None:
        return f"<h3>{esc(title)}</h3><p>Not recorded.</p>"
    return f"<h3>{esc(title)}</h3>" + key_values(
        [
            ("Name", person.name or "–"),
            ("Date of birth", uk_date(person.date_of_birth, DASH)),
            ("Identifier (EHC plan / UPN)", person.identifier or "–"),
            ("Relationship", _label(person.relationship)),
            ("Organisation", person.organisation or "–"),
            ("Email", person.email or "–"),
            ("Phone", person.phone or "–"),
            ("Address", person.address or "–"),
            ("Preferred contact", _label(person.preferred_contact)),
            ("Consent to act for the family", yes_no(person.consent)),
        ]
    )


def _clock_row(clock: ClockView | None, name: str) -> list[str]:
    if clock is None:
        return [name, "No target", "–", "–", "–", "–"]
    met = "–" if clock.met is None else ("Met" if clock.met else "Missed")
    due = uk_date(clock.due, DASH)
    if clock.extended_from is not None:
        due = f"{due} (extended from {uk_date(clock.extended_from, DASH)})"
    return [name, due, uk_date(clock.done_on, DASH), met, clock.rag.label, clock.missed_reason or "–"]


def _stage(stage: StageView) -> str:
    parts = [
        f"<h2>Stage {stage.stage}</h2>",
        key_values(
            [
                ("Target", stage.target),
                ("Stage began", uk_date(stage.started_on, DASH)),
                ("Handler", stage.handler.name if stage.handler else "Unassigned"),
                ("Clock paused now", yes_no(stage.paused)),
                ("Clarification received", uk_date(stage.clarified_on, DASH)),
                ("Outcome", _label(stage.outcome)),
                ("Reasons for the outcome", stage.reasons or "–"),
                ("Learning", stage.learning or "–"),
            ]
        ),
        "<h3>Clocks</h3>",
        table(
            ["Clock", "Due", "Done on", "Met", "State", "Reason for a missed target"],
            [_clock_row(stage.acknowledge, "Acknowledge"), _clock_row(stage.respond, "Respond")],
            widths=(14, 24, 13, 10, 12, 27),
        ),
        "<h3>Extensions</h3>",
        table(
            ["Amount", "New due date", "Reason", "Family told on", "By"],
            [
                [e.amount, uk_date(e.new_due, DASH), e.reason, uk_date(e.told_on, DASH), e.created_by]
                for e in stage.extensions
            ],
            numeric=(0,),
            widths=(10, 15, 45, 15, 15),
            empty="No extension.",
        ),
        "<h3>Pauses</h3>",
        table(
            ["From", "To", "Reason"],
            [
                [uk_date(p.start, DASH), uk_date(p.end, DASH) if p.end else "Still paused", p.reason]
                for p in stage.pauses
            ],
            widths=(15, 15, 70),
            empty="No pauses.",
        ),
        "<h3>Remedies</h3>",
        table(
            ["Remedy", "Amount", "Description"],
            [
                [_label(r.kind), money(r.amount_pence) if r.amount_pence else "–", r.description or "–"]
                for r in stage.remedies
            ],
            widths=(25, 15, 60),
            empty="No remedies.",
        ),
        "<h3>Outstanding actions</h3>",
        table(
            ["Action", "Owner", "Due", "Done on"],
            [[a.what, a.owner or "–", uk_date(a.due, DASH), uk_date(a.done_on, DASH)] for a in stage.actions],
            widths=(55, 15, 15, 15),
            empty="No actions.",
        ),
    ]
    return "".join(parts)


def case_printout_html(
    detail: CaseDetail,
    *,
    team: str,
    printed_by: str = "",
    printed_at: str = "",
    documents: Sequence[DocumentInfo] = (),
    ehc: EhcRecord | None = None,
) -> str:
    """Return the whole case as HTML: details, people, stages, EHC dates, links, documents, timeline."""
    d = detail
    parts = [
        f"<h1>{esc(d.reference)}: {esc(d.kind.label)}{f', stage {d.stage}' if d.stages else ''}</h1>",
        f"<p>{esc(d.summary or 'No summary.')}</p>",
        "<h2>Case</h2>",
        key_values(
            [
                ("Reference", d.reference),
                ("Kind", d.kind.label),
                ("Current stage", d.stage),
                ("Status", _label(d.status.value)),
                ("State of the next target", d.rag.label),
                ("Channel", channel_label(d.channel) or "–"),
                ("Received", uk_date(d.received_on, DASH)),
                ("Received at", uk_datetime(d.received_at, DASH)),
                ("Logged by", d.logged_by or "–"),
                ("Officer", d.officer.name if d.officer else "Unassigned"),
                ("Category", d.category or "–"),
                ("Appealable to the SEND Tribunal", yes_no(d.appealable)),
                ("Service area", d.service_area or "–"),
                ("Acknowledge by", uk_date(d.acknowledge_by, DASH)),
                ("Acknowledged on", uk_date(d.acknowledged_on, DASH)),
                ("Respond by", uk_date(d.respond_by, DASH)),
                ("Responded on", uk_date(d.responded_on, DASH)),
                ("Next due", uk_date(d.next_due, DASH)),
                ("Outcome", _label(d.outcome)),
                ("Closure", _label(d.closure_code)),
                ("Closure reason", d.closure_reason or "–"),
                ("Closed on", uk_date(d.closed_on, DASH)),
                ("Ombudsman reference", d.ombudsman_reference or "–"),
                ("Ombudsman decision", d.ombudsman_decision or "–"),
                ("Last changed", f"{uk_datetime(d.updated_at, DASH)} by {d.updated_by or '–'}"),
            ]
        ),
        "<h3>Description</h3>",
        f"<p>{esc(d.description or 'No description.')}</p>",
        "<h3>Reasonable adjustments and communication needs</h3>",
        f"<p>{esc(d.adjustments or 'None recorded.')}</p>",
        "<h2>People</h2>",
        _person(ROLE_TITLES["child"], d.child),
        _person(ROLE_TITLES["contact"], d.contact),
        _person(ROLE_TITLES["representative"], d.representative),
        *(_stage(stage) for stage in d.stages),
        ehc_html(ehc),
        "<h2>Linked cases</h2>",
        table(
            ["Reference", "Link", "Status", "Summary"],
            [[link.reference, _label(link.kind), _label(link.status), link.summary] for link in d.links],
            widths=(18, 14, 12, 56),
            empty="No linked cases.",
        ),
        f"<h2>Documents ({len(documents)})</h2>",
        table(
            ["Name", "Type", "Size", "Added", "By"],
            [
                [doc.name, doc.media_type, doc.size_text, uk_datetime(doc.added_at, DASH), doc.added_by]
                for doc in documents
            ],
            numeric=(2,),
            widths=(40, 22, 10, 15, 13),
            empty="No documents.",
        ),
        f"<h2>Timeline ({len(d.timeline)} entries)</h2>",
        table(
            ["When", "Entry", "Channel", "Direction", "By", "Text"],
            [
                [
                    uk_datetime(t.at, DASH),
                    _label(t.entry_type),
                    channel_label(t.channel) or "–",
                    _label(t.direction),
                    t.author,
                    t.text,
                ]
                for t in d.timeline
            ],
            widths=(14, 9, 10, 9, 13, 45),
            empty="No timeline entries.",
        ),
    ]
    if printed_by or printed_at:
        parts.append(f'<p class="note">Printed on {esc(printed_at)} by {esc(printed_by)}.</p>')
    return document(case_title(d), "".join(parts))
