"""Frozen values shared by services, reports and the GUI: no Qt, no SQL."""
