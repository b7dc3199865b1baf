"""The settings every desk reads from its database, and who may change each."""

from __future__ import annotations

DOCUMENTS_MAX_BYTES = "documents.max_bytes"
"""The largest document a case may keep, in bytes (admins)."""

EXPORTS_PSEUDONYMISED_ONLY = "exports.pseudonymised_only"
"""The team setting: "true" while officers may export pseudonymised data only (managers and admins)."""

MANAGERS_SETTINGS: frozenset[str] = frozenset({EXPORTS_PSEUDONYMISED_ONLY})
"""The settings a manager may change; every other one is an admin's (a team server holds them to it)."""
