"""The composition root: one desk, one instance of every service, all over the same database and clock."""

from __future__ import annotations

import pytest

from send_desk.bootstrap import Desk

SERVICES = (
    "register",
    "deadlines",
    "closures",
    "staff",
    "categories",
    "cases",
    "corrections",
    "reporting",
    "exports",
    "imports",
    "policies",
    "audit",
    "retention",
    "subject_access",
    "demo",
)


@pytest.mark.parametrize("name", SERVICES)
def test_the_desk_builds_each_service_once_over_its_own_context(desk: Desk, name: str) -> None:
    service = getattr(desk, name)
    assert getattr(desk, name) is service
    assert service.ctx is desk.ctx


def test_the_desk_answers_what_the_window_asks_without_its_context(desk: Desk) -> None:
    assert desk.now().isoformat() == "2026-11-27T10:00:00+00:00"
    assert desk.today().isoformat() == "2026-11-27"
    assert (desk.actor_login(), desk.login) == ("sam.patel", "sam.patel")
    assert desk.backups is desk.backups
    assert desk.exports.database_label == desk.url.render_as_string(hide_password=True)
