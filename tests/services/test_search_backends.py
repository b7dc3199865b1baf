"""Free-text search finds the same cases on SQLite (FTS5) and PostgreSQL (trigram-indexed regex)."""

from __future__ import annotations

import pytest

from send_desk.bootstrap import Desk
from send_desk.services.register import search_tokens
from send_desk.values.cases import CaseFilter, PersonInput
from tests.conftest import complaint_input


@pytest.fixture
def three_cases(desk: Desk) -> dict[str, int]:
    a = desk.cases.log_case(
        complaint_input(
            contact=PersonInput(name="Mary O'Brien-Smith", email="mary@example.org"),
            child=PersonInput(name="Tammy Brien"),
            summary="Transport to school",
        )
    )
    b = desk.cases.log_case(
        complaint_input(
            contact=PersonInput(name="Zoe Amyson", phone="0161 496 0000"),
            child=PersonInput(name="Leo Amyson"),
            summary="annual review_late 100%",
        )
    )
    c = desk.cases.log_case(
        complaint_input(
            contact=PersonInput(name="Siân Müller-Jones"),
            child=PersonInput(name="Dylan Müller-Jones"),
            summary="Zoë needs a ramp",
        )
    )
    return {"A": a.id, "B": b.id, "C": c.id}


WORD_STARTS = [
    ("smith", "A"),
    ("SMITH", "A"),
    ("mith", ""),  # words are matched from their start, not in the middle
    ("amy", "B"),
    ("ammy", ""),
    ("tam", "A"),
    ("brien smith", "A"),
    ("o'brien", "A"),
    ("mary@example", "A"),
    ("example.org", "A"),
    ("review_late", "B"),
    ("late", "B"),
    ("100", "B"),
    ("0161", "B"),
    ("4960000", ""),
    ("01614960000", "B"),
    ("_", "ABC"),  # nothing to search for: every case
    ("%", "ABC"),
    ("sian", "C"),  # accents are ignored both ways
    ("SIÂN", "C"),
    ("muller jones", "C"),
    ("müller", "C"),
    ("zoe", "BC"),  # Zoe Amyson and Zoë
    ("zoë ramp", "C"),
    ("transport amy", ""),
]
"""What a person types, and which of the two cases it must find."""


@pytest.mark.parametrize(("typed", "expected"), WORD_STARTS)
def test_search_matches_word_starts_on_both_backends(
    desk: Desk, three_cases: dict[str, int], typed: str, expected: str
) -> None:
    found = set(desk.register.ids(CaseFilter(text=typed, status="all")))
    assert found == {three_cases[name] for name in expected}


@pytest.mark.parametrize(("typed", "expected"), WORD_STARTS)
def test_the_quick_first_screenful_matches_as_the_index_does(
    desk: Desk, three_cases: dict[str, int], typed: str, expected: str
) -> None:
    wanted = CaseFilter(text=typed, status="all")
    whole = desk.register.ids(wanted, "received_on", True)
    assert desk.register.head_ids(wanted, "received_on", True, want=5) == whole
    assert set(whole) == {three_cases[name] for name in expected}


def test_tokens_are_letters_and_digits() -> None:
    assert search_tokens("review_late O'Brien-Smith 100%") == ["review", "late", "o", "brien", "smith", "100"]
    assert search_tokens("_ % * ( )") == []
