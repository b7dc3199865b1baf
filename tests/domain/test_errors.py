from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from send_desk.domain.errors import (
    ConflictError,
    DatabaseUnavailableError,
    NotFoundError,
    PermissionDeniedError,
    SendDeskError,
    UnknownPolicyError,
    ValidationError,
)


def test_conflict_message_names_who_and_when_in_uk_time() -> None:
    error = ConflictError("Sam Patel", datetime(2026, 11, 27, 14, 32, tzinfo=UTC))
    assert str(error) == (
        "This case was changed by Sam Patel at 14:32 on 27/11/2026 after you opened it. "
        "Reload it to see their change; what you typed is kept."
    )
    assert error.changed_by == "Sam Patel"
    assert error.changed_at == datetime(2026, 11, 27, 14, 32, tzinfo=UTC)


def test_conflict_time_is_shown_in_british_summer_time() -> None:
    assert "at 15:32 on 01/07/2026" in str(ConflictError("Sam", datetime(2026, 7, 1, 14, 32, tzinfo=UTC)))
    assert "at 15:32 on 01/07/2026" in str(ConflictError("Sam", datetime(2026, 7, 1, 14, 32)))  # naive = UTC
    cet = timezone(timedelta(hours=2))
    assert "at 13:32" in str(ConflictError("Sam", datetime(2026, 7, 1, 14, 32, tzinfo=cet)))


@pytest.mark.parametrize(
    "error_type",
    [SendDeskError, ValidationError, NotFoundError, PermissionDeniedError, DatabaseUnavailableError],
)
def test_every_error_has_a_plain_default_message(error_type: type[SendDeskError]) -> None:
    error = error_type()
    assert str(error) == error.message
    assert error.message.endswith(".")
    assert isinstance(error, SendDeskError)


def test_validation_error_names_the_field() -> None:
    error = ValidationError("The date cannot be in the future.", field="received")
    assert (str(error), error.field) == ("The date cannot be in the future.", "received")
    assert UnknownPolicyError().field == "stage"
