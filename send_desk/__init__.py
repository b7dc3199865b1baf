"""SEND Desk: the enquiries and complaints desk for a council's SEND service."""

__version__ = "0.1.0"
