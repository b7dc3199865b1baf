"""Values of the tracker import: an unknown value with its suggestion, and a saved import profile."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class UnknownValue:
    """A word in a mapped column that the desk does not know, how many rows use it, and a suggestion."""

    field: str
    value: str
    rows: int
    suggestion: str | None

    def to_json(self) -> dict[str, Any]:
        """Return `{field, value, rows, suggestion}` as `import --dry-run --json` lists it."""
        return {"field": self.field, "value": self.value, "rows": self.rows, "suggestion": self.suggestion}


@dataclass(frozen=True)
class ImportProfileView:
    """A named set of import choices: header → field (or "ignore"), and field → their word → desk word."""

    name: str
    headers: tuple[str, ...]
    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
