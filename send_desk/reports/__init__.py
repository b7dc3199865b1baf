"""Spreadsheets and printable documents, written as progress-yielding generators."""
