"""The register's filters, search, sorting and the dashboard counts."""

from __future__ import annotations

from datetime import date

import pytest

from send_desk.bootstrap import Desk
from send_desk.domain.errors import SearchStoppedError
from send_desk.domain.kinds import CaseKind, ClosureCode, Rag
from send_desk.domain.reference import parse_typed_reference as reference_search
from send_desk.services.register import text_matches
from send_desk.values.cases import CaseFilter, CaseInput, DashboardCounts, PersonInput
from tests.conftest import complaint_input


@pytest.fixture
def register_cases(desk: Desk) -> dict[str, int]:
    """Log five cases whose next targets fall on known days around Friday 27/11/2026."""
    ids = {}
    # acknowledge by 26/11 (overdue)
    ids["overdue"] = desk.cases.log_case(complaint_input(received=date(2026, 11, 19))).id
    # acknowledge by 27/11 (due today)
    ids["today"] = desk.cases.log_case(
        complaint_input(received=date(2026, 11, 20), contact=PersonInput(name="O'Brien-Smith (Mrs)"))
    ).id
    # councillor enquiry received 26/11: acknowledge by 27/11 → acknowledged; respond by 10/12
    c = desk.cases.log_case(
        CaseInput(
            kind=CaseKind.COUNCILLOR_ENQUIRY,
            received_on=date(2026, 11, 26),
            summary="Cllr asks about transport",
        )
    )
    desk.cases.acknowledge(c.id, on=date(2026, 11, 26), expected_version=c.version)
    ids["councillor"] = c.id
    # enquiry received 16/11: respond by 30/11 (due soon: 1 WD away)
    ids["soon"] = desk.cases.log_case(
        CaseInput(kind=CaseKind.ENQUIRY, received_on=date(2026, 11, 16), officer_login="priya.shah")
    ).id
    closed = desk.cases.log_case(CaseInput(kind=CaseKind.ENQUIRY, received_on=date(2026, 11, 2)))
    desk.cases.close(closed.id, code=ClosureCode.WITHDRAWN, on=date(2026, 11, 3), expected_version=1)
    ids["closed"] = closed.id
    return ids


def test_dashboard_counts(desk: Desk, register_cases: dict[str, int]) -> None:
    assert desk.register.counts() == DashboardCounts(
        overdue=1, due_today=1, due_soon=1, awaiting_acknowledgement=2, open=4
    )


def test_filters_select_the_right_cases(desk: Desk, register_cases: dict[str, int]) -> None:
    ids = register_cases
    assert desk.register.ids(CaseFilter(overdue=True)) == [ids["overdue"]]
    assert desk.register.ids(CaseFilter(due_today=True)) == [ids["today"]]
    assert set(desk.register.ids(CaseFilter(due_within=2))) == {ids["overdue"], ids["today"], ids["soon"]}
    assert desk.register.ids(CaseFilter(due_soon=True)) == [ids["soon"]]  # the dashboard's due_soon=1
    assert desk.register.ids(CaseFilter(status="all"), sort="reference", descending=False, limit=2) == [
        ids["overdue"],
        ids["today"],
    ]
    assert set(desk.register.ids(CaseFilter(awaiting_acknowledgement=True))) == {ids["overdue"], ids["today"]}
    assert desk.register.ids(CaseFilter(status="closed")) == [ids["closed"]]
    assert len(desk.register.ids(CaseFilter(status="all"))) == 5
    assert desk.register.ids(CaseFilter(kinds=(CaseKind.COUNCILLOR_ENQUIRY,))) == [ids["councillor"]]
    assert desk.register.ids(CaseFilter(officer_login="priya.shah")) == [ids["soon"]]
    assert desk.register.ids(
        CaseFilter(received_from=date(2026, 11, 20), received_to=date(2026, 11, 25))
    ) == [ids["today"]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("o'brien", ["today"]),
        ("O'Brien-Smith (Mrs)", ["today"]),
        ('"unbalanced', []),
        ("transp", ["councillor"]),
        ("*", ["overdue", "today", "councillor", "soon"]),
        ("- NOT OR AND ( ) ^", []),
        ("SD-2026-00001", ["overdue"]),
        ("sd 2026 00001", ["overdue"]),
        (" Sd_2026_00002 ", ["today"]),
        ("sd202600002", ["today"]),
        ("SD-2026-0000", ["overdue", "today", "councillor", "soon"]),
        ("sd 2026 00003", ["councillor"]),
        ("sd 2026 000031", []),
        ("sd 2025 00001", []),
        ("SD-2026-00005", []),  # the closed case: not in the open register
        ("07700900123", ["overdue"]),
        ("07700 900123", ["overdue"]),
    ],
)
def test_search_is_safe_for_any_text(
    desk: Desk, register_cases: dict[str, int], text: str, expected: list[str]
) -> None:
    found = desk.register.ids(CaseFilter(text=text), sort="reference", descending=False)
    assert found == [register_cases[name] for name in expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sd 2026 00061", ("SD-2026-00061", True)),
        ("SD-2026-00061", ("SD-2026-00061", True)),
        ("sd202600061", ("SD-2026-00061", True)),
        ("sd/2026/366401", ("SD-2026-366401", True)),
        ("sd-2026-0006", ("SD-2026-0006", False)),
        ("sd 2026", None),
        ("smith sd 2026 00061", None),
        ("SD-2026-00061x", None),
        ("sd ٢٠٢٦ ٠٠٠٦١", None),  # other scripts' digits are searched as words
    ],
)
def test_reference_search_reads_a_typed_reference(text: str, expected: tuple[str, bool] | None) -> None:
    assert reference_search(text) == expected


def test_sorting_in_the_database(desk: Desk, register_cases: dict[str, int]) -> None:
    ids = register_cases
    by_received = desk.register.ids(CaseFilter(), sort="received_on", descending=False)
    assert by_received == [ids["soon"], ids["overdue"], ids["today"], ids["councillor"]]
    by_next_due = desk.register.ids(CaseFilter(), sort="next_due", descending=False)
    assert by_next_due == [ids["overdue"], ids["today"], ids["soon"], ids["councillor"]]
    by_officer = desk.register.ids(CaseFilter(), sort="officer", descending=False)
    # Alex Jones (two cases, then by id), Priya Shah, and the unassigned case last
    assert by_officer == [ids["overdue"], ids["today"], ids["soon"], ids["councillor"]]


def test_rows_carry_the_rag_state(desk: Desk, register_cases: dict[str, int]) -> None:
    ids = register_cases
    rows = desk.register.rows([ids["overdue"], ids["today"], ids["soon"], ids["councillor"], ids["closed"]])
    assert [row.rag for row in rows] == [Rag.OVERDUE, Rag.DUE_SOON, Rag.DUE_SOON, Rag.ON_TRACK, Rag.DONE]
    assert rows[0].contact_name == "Jo Bloggs"
    assert rows[0].child_name == "Amy Bloggs"
    assert rows[0].officer == "Alex Jones"
    assert rows[0].category == "Assessment delay"


def test_a_common_word_finds_the_first_screenful_among_the_first_cases(desk: Desk) -> None:
    summaries = ["Transport", "Transport late", "Review", "Transport again", "Review", "Transport"]
    ids = [
        desk.cases.log_case(complaint_input(received=date(2026, 11, 2 + day), summary=summary)).id
        for day, summary in enumerate(summaries)
    ]
    newest_first = list(reversed(ids))  # received 07/11, 06/11, … 02/11
    transport = CaseFilter(text="transport")
    whole = desk.register.ids(transport, "received_on", True)
    assert whole == [newest_first[0], newest_first[2], newest_first[4], newest_first[5]]
    # 2 of the newest 3 cases say "transport": they are the first screenful of 2
    assert desk.register.head_ids(transport, "received_on", True, want=2, scan=3) == whole[:2]
    # a screenful of 3 is not within the newest 3: only the whole search can tell
    assert desk.register.head_ids(transport, "received_on", True, want=3, scan=3) is None
    # every case read: what was found is all there is
    assert desk.register.head_ids(transport, "received_on", True, want=10, scan=50) == whole
    # by reference, or without words, the first ids come straight from the index
    reference = desk.cases.get(ids[0]).reference
    assert desk.register.head_ids(CaseFilter(text=reference), "received_on", True, want=2, scan=1) == [ids[0]]
    assert desk.register.head_ids(CaseFilter(), "received_on", True, want=2, scan=1) == newest_first[:2]


@pytest.mark.parametrize(
    ("tokens", "text", "expected"),
    [
        (["jose"], "José Álvarez jose@example.org", True),
        (["alv"], "José Álvarez", True),
        (["lee"], "Ann Leeson", True),
        (["son"], "Ann Leeson", False),
        (["neill"], "Zed O'Neill", True),
        (["ann", "lee"], "Ann Leeson", True),
        (["ann", "bob"], "Ann Leeson", False),
        (["07700"], "07700 900123 07700900123", True),
    ],
)
def test_words_are_matched_from_their_start_without_case_or_accents(
    tokens: list[str], text: str, expected: bool
) -> None:
    assert text_matches(tokens, text) is expected


def test_a_search_can_be_stopped_part_way(desk: Desk, backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import send_desk.services.register as register

    monkeypatch.setattr(register, "STOP_CHECK_STEPS", 1)  # ask at every step, so even a tiny search is asked
    for day in range(5):
        desk.cases.log_case(complaint_input(received=date(2026, 11, 2 + day), summary="Transport"))
    transport = CaseFilter(text="transport")
    asked: list[bool] = []

    def stop() -> bool:
        asked.append(True)
        return True

    if backend == "sqlite":
        with pytest.raises(SearchStoppedError):
            desk.register.ids(transport, should_stop=stop)
        assert asked
    else:  # PostgreSQL searches run to the end
        assert len(desk.register.ids(transport, should_stop=stop)) == 5
    assert len(desk.register.ids(transport, should_stop=lambda: False)) == 5
    assert len(desk.register.ids(transport)) == 5  # the stopped search left nothing behind on the connection
