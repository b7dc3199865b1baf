"""The printed annual complaints figures as HTML for QTextDocument, built from AnnualFigures."""

from __future__ import annotations

from send_desk.domain.wording import long_date, uk_datetime
from send_desk.reports.ehc import ehc_annual_html
from send_desk.reports.htmlkit import document, esc, key_values, money, table
from send_desk.values.figures import AnnualFigures, StageFigures


def annual_title(figures: AnnualFigures) -> str:
    """Return the document title, e.g. "Complaints 2025-26"."""
    return f"Complaints {figures.label}"


def annual_header(figures: AnnualFigures, team: str) -> str:
    """Return the running page header: team name and year."""
    return f"{team} · Annual complaints figures {figures.label}"


def _stage_rows(stages: tuple[StageFigures, ...]) -> list[list[str | int]]:
    rows: list[list[str | int]] = []
    for s in stages:
        rows.append(
            [
                f"Stage {s.stage}",
                s.received,
                s.acknowledged_ratio.text,
                f"{s.responded_ratio.text} (within {s.code_days})",
                s.target_ratio.text,
                s.extended,
                s.still_open,
                "–" if s.median_days is None else f"{s.median_days:g}",
            ]
        )
    return rows


def annual_figures_html(figures: AnnualFigures, *, team: str) -> str:
    """Return the whole annual complaints report as an HTML document."""
    f = figures
    outcome_rows: list[list[str | int]] = [
        [f"Stage {s.stage}", c.label, c.count] for s in f.stages for c in s.outcomes
    ]
    parts = [
        f"<h1>{esc(team)}: complaints {esc(f.label)}</h1>",
        f"<p>Complaints whose stage began between {esc(long_date(f.start))} and {esc(long_date(f.end))}, "
        "as the LGSCO Complaint Handling Code (section 8) asks councils to publish.</p>",
        "<h2>At a glance</h2>",
        key_values(
            [
                ("Stage 1 complaints", f.stages[0].received),
                ("Stage 2 complaints", f.stages[1].received),
                ("Escalated to stage 2 (of stage 1 complaints answered)", f.escalation.text),
                ("Extensions", sum(s.extended for s in f.stages)),
                ("Financial redress", money(f.financial_redress_pence)),
                ("Ombudsman contacts", f.ombudsman_contacts),
                ("Learning recorded", len(f.learning)),
            ],
            key_width=55,
        ),
        "<h2>Timeliness by stage</h2>",
        table(
            [
                "Stage",
                "Received",
                "Acknowledged within 5 WD",
                "Responded within the Code's limit (WD)",
                "Responded by the due date incl. extensions",
                "Extended",
                "Still open",
                "Median WD to respond",
            ],
            _stage_rows(f.stages),
            numeric=(1, 5, 6, 7),
            widths=(7, 9, 16, 19, 18, 11, 9, 11),
        ),
        '<p class="note">WD: working days. Acknowledgement is counted from the day the stage began; the '
        "response from the acknowledgement (the Code: 10 working days at stage 1, 20 at stage 2). A response "
        "on the last allowed day is within the limit. Percentages are of the stages acknowledged or answered "
        "so far.</p>",
        "<h2>Outcomes</h2>",
        table(
            ["Stage", "Outcome", "Complaints"],
            outcome_rows,
            numeric=(2,),
            widths=(20, 50, 30),
            empty="No outcomes recorded.",
        ),
        "<h2>Extensions and their reasons</h2>",
        table(
            ["Reason", "Extensions"],
            [[c.label, c.count] for c in f.extension_reasons],
            numeric=(1,),
            widths=(80, 20),
            empty="No extensions.",
        ),
        "<h2>Remedies</h2>",
        table(
            ["Remedy", "Times offered"],
            [[c.label, c.count] for c in f.remedies],
            numeric=(1,),
            widths=(80, 20),
            empty="No remedies recorded.",
        ),
        f"<p>Financial redress in total: <b>{esc(money(f.financial_redress_pence))}</b>.</p>",
        "<h2>The Ombudsman</h2>",
        f"<p>Ombudsman enquiries received in the year: <b>{f.ombudsman_contacts}</b>.</p>",
        table(
            ["Decision", "Enquiries"],
            [[c.label, c.count] for c in f.ombudsman_decisions],
            numeric=(1,),
            widths=(80, 20),
            empty="No Ombudsman enquiries.",
        ),
        "<h2>Categories (stage 1 complaints)</h2>",
        table(
            ["Category", "Complaints"],
            [[c.label, c.count] for c in f.categories],
            numeric=(1,),
            widths=(80, 20),
            empty="No complaints.",
        ),
        ehc_annual_html(f.ehc_complaints),
        f"<h2>Learning recorded ({len(f.learning)})</h2>",
        table(
            ["Reference", "Stage", "Learning"],
            [[i.reference, i.stage, i.learning] for i in f.learning],
            numeric=(1,),
            widths=(18, 8, 74),
            empty="No learning recorded.",
        ),
        f'<p class="note">Generated on {esc(uk_datetime(f.generated_at))} by {esc(f.generated_by)}.</p>',
    ]
    return document(annual_title(f), "".join(parts))
