from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from send_desk.domain.calendar import CalendarKind
from send_desk.domain.errors import UnknownPolicyError, ValidationError
from send_desk.domain.kinds import CaseKind
from send_desk.domain.policy import DEFAULT_POLICIES, ClockRule, TargetPolicy, default_policy

CLOSURES = frozenset({date(2025, 12, 29)})


def test_every_kind_has_a_stage_one_policy_and_only_complaints_a_stage_two() -> None:
    keys = [policy.key for policy in DEFAULT_POLICIES]
    assert len(keys) == len(set(keys))
    assert {kind for kind, stage in keys if stage == 1} == set(CaseKind)
    assert [kind for kind, stage in keys if stage == 2] == [CaseKind.COMPLAINT]


WD, MONTHS = ClockRule.WORKING_DAYS, ClockRule.CALENDAR_MONTHS
EW, UK = CalendarKind.ENGLAND_WALES, CalendarKind.ALL_UK
K = CaseKind
# (kind, stage): (acknowledge, rule, amount, from acknowledgement, extension cap, calendar, closures count)
TABLE: dict[tuple[CaseKind, int], tuple[object, ...]] = {
    (K.COMPLAINT, 1): (5, WD, 10, True, 10, EW, True),
    (K.COMPLAINT, 2): (5, WD, 20, True, 20, EW, True),
    (K.ENQUIRY, 1): (None, WD, 10, False, 10, EW, True),
    (K.MP_ENQUIRY, 1): (2, WD, 10, False, None, EW, True),
    (K.COUNCILLOR_ENQUIRY, 1): (1, WD, 10, False, None, EW, True),
    (K.FOI, 1): (None, WD, 20, False, 20, UK, False),
    (K.EIR, 1): (None, WD, 20, False, 20, UK, False),
    (K.SAR, 1): (None, MONTHS, 1, False, 2, EW, False),
    (K.OMBUDSMAN, 1): (None, ClockRule.MANUAL, None, False, None, EW, True),
    (K.COMPLIMENT, 1): (None, ClockRule.NONE, None, False, None, EW, True),
}


@pytest.mark.parametrize(("key", "expected"), TABLE.items())
def test_defaults_match_the_domain_table(key: tuple[CaseKind, int], expected: tuple[object, ...]) -> None:
    policy = default_policy(*key)
    assert policy.key == key
    assert (
        policy.acknowledge_days,
        policy.respond_rule,
        policy.respond_amount,
        policy.respond_from_acknowledgement,
        policy.extension_max,
        policy.calendar,
        policy.counts_closures,
    ) == expected
    assert policy.due_soon_days == 2


def test_pause_and_clarification_rules() -> None:
    assert {p.kind for p in DEFAULT_POLICIES if p.pause_allowed} == {CaseKind.FOI, CaseKind.EIR}
    assert {p.kind for p in DEFAULT_POLICIES if p.clarification_restarts} == {
        CaseKind.FOI,
        CaseKind.EIR,
        CaseKind.SAR,
    }


def test_unknown_stage() -> None:
    with pytest.raises(UnknownPolicyError) as caught:
        default_policy(CaseKind.ENQUIRY, 2)
    assert str(caught.value) == "Only complaints have more than one stage; an enquiry is at stage 1."
    assert isinstance(caught.value, ValidationError)
    assert (caught.value.kind, caught.value.stage, caught.value.field) == ("enquiry", 2, "stage")
    with pytest.raises(UnknownPolicyError, match="two stages only"):
        default_policy(CaseKind.COMPLAINT, 3)


def test_describe() -> None:
    assert default_policy(CaseKind.COMPLAINT).describe() == (
        "Acknowledge within 5 working days; respond within 10 working days of the acknowledgement; "
        "one extension of up to 10 working days."
    )
    assert default_policy(CaseKind.COUNCILLOR_ENQUIRY).describe() == (
        "Acknowledge within 1 working day; respond within 10 working days of receipt; no extension."
    )
    assert "escalation request" in default_policy(CaseKind.COMPLAINT, 2).describe()
    assert "any UK nation but not office closures" in default_policy(CaseKind.FOI).describe()
    assert "2 calendar months" in default_policy(CaseKind.SAR).describe()
    assert "Ombudsman's letter" in default_policy(CaseKind.OMBUDSMAN).describe()
    assert default_policy(CaseKind.COMPLIMENT).describe() == "No target."
    for policy in DEFAULT_POLICIES:
        text = policy.describe()
        assert text[0].isupper()
        assert text.endswith(".")
        assert text.count(".") == 1


def test_label_and_noun() -> None:
    assert default_policy(CaseKind.COMPLAINT, 2).label == "Complaint (stage 2)"
    assert default_policy(CaseKind.FOI).label == "FOI request"
    assert default_policy(CaseKind.COMPLAINT).noun == "a complaint at stage 1"
    assert default_policy(CaseKind.EIR).noun == "an EIR request"


def test_working_calendar_keeps_closures_only_when_counted() -> None:
    extra = frozenset({date(2026, 5, 6)})
    complaint = default_policy(CaseKind.COMPLAINT).working_calendar(CLOSURES, extra)
    assert (complaint.kind, complaint.closures, complaint.extra_holidays) == (
        CalendarKind.ENGLAND_WALES,
        CLOSURES,
        extra,
    )
    foi = default_policy(CaseKind.FOI).working_calendar(CLOSURES, extra)
    assert (foi.kind, foi.closures, foi.extra_holidays) == (CalendarKind.ALL_UK, frozenset(), extra)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"stage": 3}, "stage"),
        ({"acknowledge_days": -1}, "acknowledge_days"),
        ({"respond_amount": 0}, "respond_amount"),
        ({"respond_amount": None}, "respond_amount"),
        ({"acknowledge_days": None}, "respond_from_acknowledgement"),
        ({"extension_max": 0}, "extension_max"),
        ({"respond_rule": ClockRule.MANUAL}, "extension_max"),
        ({"due_soon_days": -1}, "due_soon_days"),
    ],
)
def test_inconsistent_policy_is_rejected(change: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        dataclasses.replace(default_policy(CaseKind.COMPLAINT), **change)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_policy_is_hashable_and_immutable() -> None:
    policy = default_policy(CaseKind.FOI)
    assert {policy: 1}[default_policy(CaseKind.FOI)] == 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        policy.stage = 2  # type: ignore[misc]
    assert isinstance(policy, TargetPolicy)
