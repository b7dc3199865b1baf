"""Text folding shared by search and matching: what counts as the same letters."""

from __future__ import annotations

import unicodedata


def fold_accents(text: str) -> str:
    """Return text without accents ("Siân Müller" → "Sian Muller"), leaving case and everything else."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))
