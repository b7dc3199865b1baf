"""The send-desk command line: a stable contract for scripts and scheduled tasks."""
