"""Pure domain model: kinds, calendars, targets and errors (no Qt, no SQL)."""
