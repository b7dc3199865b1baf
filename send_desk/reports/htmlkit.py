"""Small, Qt-free helpers for the HTML that print-outs hand to QTextDocument (escaped, B&W friendly)."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

STYLE = """
body { font-family: 'DejaVu Sans', 'Segoe UI', Arial, sans-serif; font-size: 9pt; color: #000000; }
h1 { font-size: 15pt; font-weight: bold; margin-top: 0px; margin-bottom: 4px; }
h2 { font-size: 11.5pt; font-weight: bold; margin-top: 12px; margin-bottom: 4px; }
h3 { font-size: 10pt; font-weight: bold; margin-top: 8px; margin-bottom: 3px; }
p { margin-top: 2px; margin-bottom: 4px; }
p.note { font-size: 8pt; color: #333333; }
table.grid { border-collapse: collapse; border-color: #555555; }
td, th { font-size: 8pt; }
table.grid th { background-color: #e4e4e4; font-weight: bold; text-align: left; }
td.num, th.num { text-align: right; }
td.key { font-weight: bold; background-color: #f2f2f2; }
"""


def esc(value: object) -> str:
    """Return a value as escaped HTML text, keeping line breaks."""
    return html.escape("" if value is None else str(value)).replace("\n", "<br/>")


def money(pence: int | None) -> str:
    """Return an amount in pence as pounds, e.g. "£1,250.00"."""
    if pence is None:
        return "–"
    return f"£{pence / 100:,.2f}"


def yes_no(value: bool) -> str:
    """Return "Yes" or "No"."""
    return "Yes" if value else "No"


Cell = str | int | float | None


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    *,
    numeric: Iterable[int] = (),
    widths: Sequence[int] | None = None,
    empty: str = "None.",
) -> str:
    """Return a bordered table whose header row repeats on every printed page; cells are escaped."""
    right = set(numeric)
    body = []
    for row in rows:
        cells = "".join(
            f"<td{' class=num' if i in right else ''}>{esc(cell)}</td>" for i, cell in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
    if not body:
        return f"<p>{esc(empty)}</p>"
    head = "".join(
        f"<th{' class=num' if i in right else ''}"
        f"{f' width={widths[i]}%' if widths and i < len(widths) else ''}>{esc(h)}</th>"
        for i, h in enumerate(headers)
    )
    return (
        '<table class="grid" border="1" cellspacing="0" cellpadding="3" width="100%">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def key_values(pairs: Iterable[tuple[str, Cell]], *, key_width: int = 35) -> str:
    """Return a two-column table of labels and values."""
    rows = "".join(
        f'<tr><td class="key" width="{key_width}%">{esc(k)}</td><td>{esc(v)}</td></tr>' for k, v in pairs
    )
    return f'<table class="grid" border="1" cellspacing="0" cellpadding="3" width="100%">{rows}</table>'


def document(title: str, body: str) -> str:
    """Return a whole HTML document with the shared print style."""
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'/>"
        f"<title>{esc(title)}</title><style>{STYLE}</style></head><body>{body}</body></html>"
    )
