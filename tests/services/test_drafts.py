"""Drafts of an unsaved new case: saved atomically as JSON, loaded back, cleared, never half-written."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from send_desk.services import drafts
from send_desk.services.drafts import NEW_CASE, DraftStore

MOMENT = datetime(2026, 11, 27, 10, 4, tzinfo=UTC)
FIELDS: dict[str, drafts.DraftValue] = {
    "kind": "complaint",
    "stage": 1,
    "received": "27/11/2026",
    "child_dob": "31/02/20",  # half-typed and invalid: kept as typed
    "contact_name": "Jo Bloggs",
    "description": "Line one\nLine two — with a dash",
    "links": ["SD-2026-00001"],
}


@pytest.fixture
def store(tmp_path: Path) -> DraftStore:
    return DraftStore(tmp_path / "drafts", login="sam.patel", clock=lambda: MOMENT)


def test_save_then_load_returns_the_same_fields(store: DraftStore) -> None:
    path = store.save(FIELDS)

    draft = store.load()
    assert path == store.path(NEW_CASE)
    assert draft is not None
    assert draft.fields == FIELDS
    assert draft.saved_at == MOMENT
    assert draft.login == "sam.patel"
    assert store.exists()


def test_no_draft_loads_as_none(store: DraftStore) -> None:
    assert store.load() is None
    assert not store.exists()


def test_clear_removes_the_draft(store: DraftStore) -> None:
    store.save(FIELDS)

    store.clear()
    store.clear()  # twice is harmless

    assert store.load() is None


def test_a_blank_or_untouched_form_clears_instead_of_saving(store: DraftStore) -> None:
    store.save(FIELDS)
    assert store.save({"contact_name": "", "links": []}) is None
    assert not store.exists()

    opened = {"kind": "complaint", "stage": 1, "received": "27/11/2026"}
    store.save(FIELDS)
    assert store.save(dict(opened), unchanged_from=opened) is None
    assert not store.exists()


def test_save_replaces_atomically_and_leaves_no_temporary_files(
    store: DraftStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.save(FIELDS)

    def power_cut(src: str, dst: str) -> None:
        raise OSError("power cut during the rename")

    monkeypatch.setattr(drafts.os, "replace", power_cut)
    with pytest.raises(OSError, match="power cut"):
        store.save({**FIELDS, "contact_name": "Changed"})

    draft = store.load()
    assert draft is not None
    assert draft.fields["contact_name"] == "Jo Bloggs"
    assert [p.name for p in store.folder.iterdir()] == [store.path().name]


def test_a_damaged_draft_is_moved_aside(store: DraftStore) -> None:
    store.folder.mkdir(parents=True)
    store.path().write_text('{"format": 1, "fields": {"contact', encoding="utf-8")

    assert store.load() is None
    assert not store.exists()
    assert store.path().with_suffix(".damaged").exists()


def test_the_file_is_plain_json(store: DraftStore) -> None:
    store.save(FIELDS)

    document = json.loads(store.path().read_text(encoding="utf-8"))
    assert document["form"] == "new-case"
    assert document["saved_at"] == "2026-11-27T10:04:00+00:00"
    assert document["fields"]["description"] == "Line one\nLine two — with a dash"


def test_values_that_are_not_plain_data_are_refused(store: DraftStore) -> None:
    with pytest.raises(TypeError, match="draft field"):
        store.save({"received": datetime(2026, 11, 27)})  # type: ignore[dict-item]


def test_draft_names_cannot_escape_the_folder(store: DraftStore) -> None:
    with pytest.raises(ValueError, match="draft name"):
        store.path("../settings")


def test_default_folder_is_in_the_data_folder() -> None:
    assert drafts.default_drafts_folder() == Path(os.environ["SEND_DESK_DATA_DIR"]) / "drafts"
