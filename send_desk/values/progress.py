"""How far a long task has got: the one progress value that exports, imports and every long job yield."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Progress:
    """`done` of `total` steps (total 0 means unknown), with a line of text for the person waiting."""

    done: int
    total: int = 0
    message: str = ""

    @property
    def text(self) -> str:
        """Return the message (the name the progress dialog and older callers use)."""
        return self.message
