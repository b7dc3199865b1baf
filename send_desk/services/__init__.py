"""Use cases of the desk, free of Qt: each call is one unit of work."""
