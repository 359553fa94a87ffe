"""The pipeline's steps over in-memory fakes: an import from its upload to its outcome, and its failures."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from edt_import.domain.errors import ConfigError, LmsUnavailableError
from edt_import.domain.imports import ImportFailure, ImportStatus
from edt_import.usecases.pipeline.finalize import failure_from
from edt_import.usecases.pipeline.steps import ImportRef
from edt_import.usecases.pipeline.sync_chunk import sync_chunk
from edt_import.usecases.pipeline.turns import rerun_import
from edt_import.usecases.pipeline.work_keys import timetable_key, upload_key
from tests.support.in_memory_lms import InMemoryLmsGateway
from tests.support.pipeline_world import NOW, PipelineWorld, college, sealed_export

IMPORT_A = "import0000a"
IMPORT_B = "import0000b"


def test_pipeline_college_import_lands_every_planned_action_and_ends_done() -> None:
    # Given a college's sealed export
    world = PipelineWorld(chunk_actions=3000)
    uai = college().uai
    # When it is uploaded and its execution runs
    ingested = world.upload(sealed_export(), uai=uai, import_id=IMPORT_A)
    (record,) = world.run_started()
    # Then the import is done and itslearning holds exactly what was planned
    assert ingested.status is ImportStatus.QUEUED
    assert record.status is ImportStatus.DONE
    planned = record.summary["plan"]["actions"]
    content = world.lms.content()
    assert len(content.courses) == planned["create_course"]
    assert len(content.members) == planned["add_member"]
    assert len(content.events) == planned["create_event"]
    assert record.summary["sync"]["succeeded"] == sum(planned.values())
    assert record.summary["plan"]["chunks"] > 1
    # And the applied state holds it, the IDPN mappings are stored, the establishment is free again
    state = world.states.load(uai)
    assert state is not None
    assert len(state.courses) == planned["create_course"]
    assert set(state.fingerprints) == set(state.courses)  # every course complete: the next plan need not compare
    assert state.planned_on is not None
    assert world.pronote_ids.load(uai) == state.pronote_ids
    assert world.establishments.running_import(uai) is None
    assert world.uploads.objects == {}  # the encrypted upload is deleted once opened


def test_pipeline_unchanged_second_export_sends_nothing() -> None:
    # Given a college imported once
    world = PipelineWorld()
    uai = college().uai
    world.upload(sealed_export(), uai=uai, import_id=IMPORT_A)
    world.run_started()
    calls = len(world.lms.calls)
    # When the same export is imported again
    world.upload(sealed_export(), uai=uai, import_id=IMPORT_B)
    (_, second) = world.run_started()
    # Then it is done with no action and no write call
    assert second.status is ImportStatus.DONE
    assert second.summary["sync"]["succeeded"] == 0
    assert len(world.lms.calls) == calls


def test_ingest_refused_export_fails_with_its_code_and_starts_nothing() -> None:
    # Given bytes that are no export
    world = PipelineWorld()
    uai = college().uai
    # When they are uploaded
    result = world.upload(b"<html>not an export</html>", uai=uai, import_id=IMPORT_A)
    # Then the import failed with the reader's code, nothing was queued or written, the upload is gone
    record = world.history.get(uai, IMPORT_A)
    assert result.status is ImportStatus.FAILED
    assert record is not None
    assert record.error is not None
    assert record.error.code == "not_an_export"
    assert world.starter.started == []
    assert world.work.objects == {}
    assert world.uploads.objects == {}


def test_ingest_export_of_another_establishment_fails_uai_mismatch() -> None:
    # Given a college's export uploaded under another establishment's code
    world = PipelineWorld()
    other = college(6).uai
    # When it is ingested
    result = world.upload(sealed_export(), uai=other, import_id=IMPORT_A)
    # Then it is refused as belonging to another establishment
    assert result.status is ImportStatus.FAILED
    assert result.error_code == "uai_mismatch"
    assert world.work.get(timetable_key(other, IMPORT_A)) is None


def test_ingest_same_upload_delivered_twice_queues_one_import() -> None:
    # Given an upload already ingested
    world = PipelineWorld()
    uai = college().uai
    world.upload(sealed_export(), uai=uai, import_id=IMPORT_A)
    # When the same object's event comes again (the upload itself is gone by then)
    again = world.upload(sealed_export(), uai=uai, import_id=IMPORT_A)
    # Then nothing new starts: one record, one execution
    assert again.status is ImportStatus.QUEUED
    assert len(world.history.list(uai)) == 1
    assert world.starter.names() == [IMPORT_A]


def test_turns_second_import_waits_its_turn_then_starts_when_the_first_ends() -> None:
    # Given two exports of one establishment uploaded one after the other
    world = PipelineWorld()
    uai = college().uai
    world.upload(sealed_export(), uai=uai, import_id=IMPORT_A)
    world.upload(sealed_export(), uai=uai, import_id=IMPORT_B, now=NOW + timedelta(seconds=5))
    # Then only the first runs; the second is queued in first position
    assert world.starter.names() == [IMPORT_A]
    waiting = world.history.get(uai, IMPORT_B)
    assert waiting is not None
    assert waiting.status is ImportStatus.QUEUED
    # When the first ends, the second starts
    first, second = world.run_started()
    assert (first.import_id, second.import_id) == (IMPORT_A, IMPORT_B)
    assert world.establishments.running_import(uai) is None


def test_sync_chunk_unavailable_lms_saves_progress_and_the_retry_sends_only_the_rest() -> None:
    # Given a planned import whose chunk meets an itslearning that fails after two calls
    world = PipelineWorld(chunk_actions=100_000)
    uai = college().uai
    world.upload(sealed_export(), uai=uai, import_id=IMPORT_A)
    ref = ImportRef(uai=uai, import_id=IMPORT_A)
    flaky = _unavailable_after(world.lms, calls=2)
    world.lms = flaky
    record = world.run_execution({"uai": uai, "import_id": IMPORT_A, "attempt": 1})
    assert record.status is ImportStatus.FAILED
    assert record.error is not None
    assert record.error.code == "lms_unavailable"
    sent_before = flaky.items
    # When the chunk runs again once itslearning is back
    flaky.before_call = None
    outcome = sync_chunk(ref, 0, work=world.work, lms=flaky, batch_size=500)
    # Then it sends only what was not confirmed, and nothing is duplicated
    planned = sum(record.summary["plan"]["actions"].values())
    assert outcome["succeeded"] == planned
    assert flaky.items - sent_before < planned
    assert flaky.redundant_writes == 0


def test_rerun_of_a_failed_import_converges_without_duplicates() -> None:
    # Given an import that failed half-way (itslearning went away) but kept what was applied
    world = PipelineWorld(chunk_actions=1500)
    uai = college().uai
    world.upload(sealed_export(), uai=uai, import_id=IMPORT_A)
    world.lms = _unavailable_after(world.lms, calls=6)
    (failed,) = world.run_started()
    applied = world.states.load(uai)
    assert failed.status is ImportStatus.FAILED
    assert applied is not None
    assert applied.courses  # the chunks confirmed before the failure are in the state
    # When it is run again with itslearning back
    world.lms.before_call = None
    rerun_import(
        uai, IMPORT_A, now=NOW, history=world.history, establishments=world.establishments, starter=world.starter
    )
    (_, second) = world.run_started()
    # Then the second attempt is done and itslearning holds each planned object once
    assert second.status is ImportStatus.DONE
    assert second.attempt == 2
    assert world.starter.names() == [IMPORT_A, f"{IMPORT_A}-attempt2"]
    assert world.lms.redundant_writes == 0
    total = len(world.lms.courses) + len(world.lms.members) + len(world.lms.events)
    assert total == sum(failed.summary["plan"]["actions"].values())


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (
            {"Error": "LmsUnavailableError", "Cause": json.dumps({"errorMessage": "lms_unavailable: down"})},
            "lms_unavailable",
        ),
        (
            {"Error": "ExportRejectedError", "Cause": json.dumps({"errorMessage": "invalid_timetable: bad"})},
            "invalid_timetable",
        ),
        ({"Error": "KeyError", "Cause": json.dumps({"errorMessage": "'Dupont Marie'"})}, "internal_error"),
        ({"Error": "States.Timeout", "Cause": "not json"}, "internal_error"),
        ({"Error": "ValueError", "Cause": json.dumps({"errorMessage": "invalid_timetable: forged"})}, "internal_error"),
    ],
)
def test_failure_from_keeps_our_codes_and_hides_other_errors_text(error: dict[str, str], code: str) -> None:
    # Given an error the state machine caught / When it is recorded
    failure = failure_from(error)
    # Then our errors keep their code and sentence; anything else is internal_error, its text never shown
    assert failure.code == code
    assert "Dupont" not in failure.message
    assert "forged" not in failure.message


def test_work_keys_upload_key_round_trips_and_refuses_other_layouts() -> None:
    from edt_import.domain.errors import ConfigError  # noqa: PLC0415
    from edt_import.usecases.pipeline.work_keys import parse_upload_key  # noqa: PLC0415

    assert parse_upload_key(upload_key("0214773Z", IMPORT_A)) == ("0214773Z", IMPORT_A)
    with pytest.raises(ConfigError):
        parse_upload_key("uploads/../state/0214773Z.json")


def _unavailable_after(lms: InMemoryLmsGateway, *, calls: int) -> InMemoryLmsGateway:
    def fail(_operation: str, call_number: int) -> None:
        if call_number > calls:
            raise LmsUnavailableError("itslearning does not answer.")

    lms.before_call = fail
    return lms


def test_failure_from_keeps_the_code_of_an_error_deriving_from_one_of_ours() -> None:
    # Given an error class two levels under EdtImportError, defined after the pipeline's modules were loaded
    class PartnerKeyRotatedError(ConfigError):
        pass

    caught = {
        "Error": PartnerKeyRotatedError.__name__,
        "Cause": json.dumps({"errorMessage": "invalid_private_key: The partner key was replaced."}),
    }
    # When the state machine's catch is recorded / Then it keeps its code and sentence, as its parent's would
    assert failure_from(caught) == ImportFailure(code="invalid_private_key", message="The partner key was replaced.")
