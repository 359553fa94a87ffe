"""The admin API creates an import's record before its upload: the upload step keeps that record's kind and
creation time, and writes what the console's UAI summary shows."""

from __future__ import annotations

from datetime import timedelta

from edt_import.domain.imports import ImportKind, ImportStatus, new_import
from edt_import.usecases.pipeline.work_keys import upload_key
from tests.support.pipeline_world import NOW, PipelineWorld, college, sealed_export

IMPORT_ID = "f" * 32


def test_ingest_keeps_the_kind_and_creation_time_of_the_record_the_api_created() -> None:
    # Given an automatic import created by the API ten minutes before its file arrives
    world = PipelineWorld()
    uai = college().uai
    created = NOW - timedelta(minutes=10)
    key = upload_key(uai, IMPORT_ID)
    # (after a completed manual import: automatic ones are refused before)
    world.history.create(
        new_import(uai=uai, import_id="manual0001", kind=ImportKind.MANUAL, now=created, upload_key="")
    )
    world.history.update(uai, "manual0001", status=ImportStatus.DONE, now=created)
    world.history.create(
        new_import(uai=uai, import_id=IMPORT_ID, kind=ImportKind.AUTOMATIC, now=created, upload_key=key)
    )
    # When the upload is ingested
    result = world.upload(sealed_export(), uai=uai, import_id=IMPORT_ID)
    # Then the record moved on, with its kind and creation time kept
    record = world.history.get(uai, IMPORT_ID)
    assert result.status is ImportStatus.QUEUED
    assert record is not None
    assert (record.kind, record.created_at, record.status) == (ImportKind.AUTOMATIC, created, ImportStatus.QUEUED)


def test_ingest_records_the_establishment_school_year_and_warnings_in_words() -> None:
    world = PipelineWorld()
    uai = college().uai
    world.upload(sealed_export(), uai=uai, import_id=IMPORT_ID)
    record = world.history.get(uai, IMPORT_ID)
    assert record is not None
    validation = record.summary["validation"]
    assert validation["uai"] == uai
    assert validation["school_year"] == college().timetable.school_year.label
    assert len(validation["warning_list"]) == min(validation["warnings"], 50)
    assert all(set(w) == {"code", "message"} for w in validation["warning_list"])
