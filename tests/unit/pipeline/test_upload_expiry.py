"""Imports whose export never arrives: the deadline rule, the sweep over the history, a late upload refused."""

from __future__ import annotations

from datetime import timedelta

import pytest

from edt_import.domain.imports import ImportKind, ImportStatus, advanced, new_import
from edt_import.domain.upload_expiry import upload_missing, upload_overdue, validation_stalled, validation_stopped
from edt_import.usecases.pipeline.upload_expiry import SweepOutcome, expire_missing_uploads
from edt_import.usecases.pipeline.work_keys import timetable_key, upload_key
from tests.support.pipeline_world import NOW, PipelineWorld, college, sealed_export

WAIT = timedelta(minutes=30)
OTHER_UAI = "0750001A"


def _created(
    world: PipelineWorld, import_id: str, *, minutes_ago: float, uai: str = "", kind: ImportKind = ImportKind.MANUAL
) -> None:
    """An import whose upload form the API handed out ``minutes_ago`` before NOW."""
    uai = uai or college().uai
    created = NOW - timedelta(minutes=minutes_ago)
    key = upload_key(uai, import_id)
    assert world.history.create(new_import(uai=uai, import_id=import_id, kind=kind, now=created, upload_key=key))


@pytest.mark.parametrize(
    ("minutes_ago", "status", "overdue"),
    [
        (29.9, ImportStatus.UPLOADED, False),
        (30, ImportStatus.UPLOADED, True),
        (600, ImportStatus.UPLOADED, True),
        (600, ImportStatus.VALIDATING, False),
        (600, ImportStatus.QUEUED, False),
        (600, ImportStatus.FAILED, False),
    ],
)
def test_upload_overdue_only_an_import_still_waiting_past_its_deadline(
    minutes_ago: float, status: ImportStatus, overdue: bool
) -> None:
    # Given an import created some minutes ago, in some status
    record = new_import(
        uai="0214773Z",
        import_id="a" * 32,
        kind=ImportKind.MANUAL,
        now=NOW - timedelta(minutes=minutes_ago),
        upload_key="",
    )
    if status is not ImportStatus.UPLOADED:
        record = advanced(record, status=status, now=NOW)
    # Then it is overdue exactly when it still waits for its export and its deadline has come
    assert upload_overdue(record, now=NOW, wait=WAIT) is overdue


@pytest.mark.parametrize(
    ("minutes_still", "status", "stalled"),
    [
        (14.9, ImportStatus.VALIDATING, False),
        (15, ImportStatus.VALIDATING, True),
        (60, ImportStatus.UPLOADED, False),
        (60, ImportStatus.QUEUED, False),
    ],
)
def test_validation_stalled_only_a_check_still_without_outcome_after_its_wait(
    minutes_still: float, status: ImportStatus, stalled: bool
) -> None:
    # Given an import whose record last moved some minutes ago
    moved = NOW - timedelta(minutes=minutes_still)
    record = new_import(uai="0214773Z", import_id="a" * 32, kind=ImportKind.MANUAL, now=moved, upload_key="")
    if status is not ImportStatus.UPLOADED:
        record = advanced(record, status=status, now=moved)
    # Then its check stalled exactly when it is validating and has not moved for 15 minutes
    assert validation_stalled(record, now=NOW) is stalled


def test_expiry_ends_waiting_imports_past_their_deadline_as_expired_with_upload_missing() -> None:
    # Given three imports whose file never came (two establishments) and one created a moment ago
    world = PipelineWorld()
    _created(world, "old0000001", minutes_ago=90)
    _created(world, "old0000002", minutes_ago=31, uai=OTHER_UAI, kind=ImportKind.AUTOMATIC)
    _created(world, "new0000001", minutes_ago=5)
    # When the sweep runs
    expired = expire_missing_uploads(now=NOW, wait=WAIT, history=world.history).expired
    # Then the overdue ones, oldest first, are expired: finished now, with a stable code and the French label
    assert [(r.uai, r.import_id) for r in expired] == [(college().uai, "old0000001"), (OTHER_UAI, "old0000002")]
    record = world.history.get(college().uai, "old0000001")
    assert record is not None
    assert (record.status, record.finished_at) == (ImportStatus.EXPIRED, NOW)
    assert record.error == upload_missing()
    assert record.status.label_fr == "Expiré (fichier non reçu)"
    assert record.finished
    # the young one still waits, and a second sweep finds nothing more to do
    assert world.history.get(college().uai, "new0000001").status is ImportStatus.UPLOADED  # type: ignore[union-attr]
    assert expire_missing_uploads(now=NOW, wait=WAIT, history=world.history) == SweepOutcome(expired=(), stalled=())


def test_expiry_leaves_an_import_whose_export_arrived_in_time() -> None:
    # Given an import whose file arrived 10 minutes after its creation, an hour ago
    world = PipelineWorld()
    uai = college().uai
    _created(world, "arrived001", minutes_ago=60)
    world.upload(sealed_export(), uai=uai, import_id="arrived001", now=NOW - timedelta(minutes=50))
    # When the sweep runs
    outcome = expire_missing_uploads(now=NOW, wait=WAIT, history=world.history)
    # Then it is left as it is: queued (and started, its turn being free)
    assert outcome == SweepOutcome(expired=(), stalled=())
    assert world.history.get(uai, "arrived001").status is ImportStatus.QUEUED  # type: ignore[union-attr]


def test_pending_upload_does_not_hold_the_establishment_turn_or_the_queue() -> None:
    # Given an import whose file never came, and a second import of the same school uploaded meanwhile
    world = PipelineWorld()
    uai = college().uai
    _created(world, "pending001", minutes_ago=20)
    _created(world, "second0001", minutes_ago=10)
    world.upload(sealed_export(), uai=uai, import_id="second0001", now=NOW - timedelta(minutes=9))
    # Then the second one took the turn at once: the waiting record held nothing
    assert world.establishments.running_import(uai) == "second0001"
    assert [name for name, _ in world.starter.started] == ["second0001"]


def test_late_upload_of_an_expired_import_is_refused_deleted_and_never_started() -> None:
    # Given an import expired by the sweep
    world = PipelineWorld()
    uai = college().uai
    _created(world, "late000001", minutes_ago=45)
    expire_missing_uploads(now=NOW, wait=WAIT, history=world.history)
    # When its file arrives after all
    later = NOW + timedelta(minutes=3)
    result = world.upload(sealed_export(), uai=uai, import_id="late000001", now=later)
    # Then it is refused with the import's code: the upload is deleted, nothing decrypted, nothing started
    assert (result.status, result.error_code) == (ImportStatus.EXPIRED, "upload_missing")
    assert world.uploads.objects == {}
    assert world.work.get(timetable_key(uai, "late000001")) is None
    assert world.starter.started == []
    assert world.establishments.running_import(uai) is None
    # and the history keeps the import expired when it expired, noting the late file
    record = world.history.get(uai, "late000001")
    assert record is not None
    assert (record.status, record.finished_at) == (ImportStatus.EXPIRED, NOW)
    assert record.error == upload_missing()
    assert record.summary["late_upload"] == {"received_at": later.isoformat(), "size_bytes": len(sealed_export())}


def test_upload_taken_before_the_sweep_wins_and_the_sweep_skips_it() -> None:
    # Given an import created 30.5 minutes ago whose file landed a minute ago, just inside its deadline
    world = PipelineWorld()
    uai = college().uai
    _created(world, "race000001", minutes_ago=30.5)
    world.upload(sealed_export(), uai=uai, import_id="race000001", now=NOW - timedelta(minutes=1))
    # When the sweep runs
    outcome = expire_missing_uploads(now=NOW, wait=WAIT, history=world.history)
    # Then the import goes on: the sweep only ends imports still waiting
    assert outcome == SweepOutcome(expired=(), stalled=())
    assert world.history.get(uai, "race000001").status is ImportStatus.QUEUED  # type: ignore[union-attr]
    assert [name for name, _ in world.starter.started] == ["race000001"]


def test_upload_past_its_deadline_is_refused_even_before_the_sweep_came() -> None:
    # Given an import created 31 minutes ago, which no sweep has expired yet
    world = PipelineWorld()
    uai = college().uai
    _created(world, "late000002", minutes_ago=31)
    # When its file lands now
    result = world.upload(sealed_export(), uai=uai, import_id="late000002", now=NOW)
    # Then the upload step expires the import itself and refuses the file, as the sweep would have
    assert (result.status, result.error_code) == (ImportStatus.EXPIRED, "upload_missing")
    record = world.history.get(uai, "late000002")
    assert record is not None
    assert (record.status, record.error, record.finished_at) == (ImportStatus.EXPIRED, upload_missing(), NOW)
    assert record.summary["late_upload"]["received_at"] == NOW.isoformat()
    assert world.uploads.objects == {}
    assert world.starter.started == []


def test_expiry_fails_an_import_whose_validation_stopped_half_way_and_a_retry_changes_nothing() -> None:
    # Given two uploads taken in (validating): one 20 minutes ago whose check then crashed, one 5 minutes ago
    world = PipelineWorld()
    uai = college().uai
    _created(world, "stuck00001", minutes_ago=25)
    _created(world, "busy000001", minutes_ago=6)
    world.history.update(uai, "stuck00001", status=ImportStatus.VALIDATING, now=NOW - timedelta(minutes=20))
    world.history.update(uai, "busy000001", status=ImportStatus.VALIDATING, now=NOW - timedelta(minutes=5))
    # When the sweep runs
    outcome = expire_missing_uploads(now=NOW, wait=WAIT, history=world.history)
    # Then the stalled one failed with a code and a sentence telling what to do, the other is left running
    assert outcome.expired == ()
    assert [(r.import_id, r.status) for r in outcome.stalled] == [("stuck00001", ImportStatus.FAILED)]
    stuck = world.history.get(uai, "stuck00001")
    assert stuck is not None
    assert (stuck.finished_at, stuck.error) == (NOW, validation_stopped())
    assert stuck.error is not None
    assert stuck.error.code == "internal_error"
    assert world.history.get(uai, "busy000001").status is ImportStatus.VALIDATING  # type: ignore[union-attr]
    # When S3 retries the stalled upload afterwards
    result = world.upload(sealed_export(), uai=uai, import_id="stuck00001", now=NOW + timedelta(minutes=1))
    # Then it stays failed, nothing starts, and the file goes
    assert result.status is ImportStatus.FAILED
    assert world.starter.started == []
    assert world.uploads.objects == {}
