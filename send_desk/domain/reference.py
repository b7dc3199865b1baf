"""Case references: SD-2026-00042, how they are made and how people type them."""

from __future__ import annotations

import re

PREFIX = "SD"
"""The letters every case reference starts with."""
DIGITS = 5
"""References are numbered with at least this many digits (SD-2026-00061); bigger numbers have more."""
_TYPED = re.compile(r"\s*SD[\s_/-]*(?P<year>[0-9]{4})[\s_/-]*(?P<number>[0-9]{1,9})\s*", re.IGNORECASE)
"""A case reference as people type it: SD-2026-00061, sd 2026 00061, SD202600061, or its beginning."""


def make_reference(year: int, number: int) -> str:
    """Return the reference of the `number`th case of `year`, e.g. SD-2026-00042."""
    return f"{PREFIX}-{year}-{number:0{DIGITS}d}"


def parse_typed_reference(text: str) -> tuple[str, bool] | None:
    """Return the reference (or its beginning) typed text names and whether it is whole, or None.

    "sd 2026 00061" names SD-2026-00061 exactly; "sd-2026-0006" names the references that begin
    SD-2026-0006. Anything else is not a reference (so is a reference without its year).
    """
    match = _TYPED.fullmatch(text)
    if match is None:
        return None
    number = match["number"]
    return f"{PREFIX}-{match['year']}-{number}", len(number) >= DIGITS


def normalise_reference(text: str) -> str:
    """Return a reference as stored (upper case, no surrounding spaces)."""
    return text.strip().upper()
