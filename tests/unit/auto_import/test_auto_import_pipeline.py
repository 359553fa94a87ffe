"""Automatic imports through the pipeline's use cases over in-memory fakes: admission, waiting for the slot,
superseding, the scheduler and the queue's consumer."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from edt_import.domain.auto_import import AutoImportSchedule
from edt_import.domain.imports import ImportKind, ImportStatus, queue_positions
from edt_import.usecases.pipeline.work_keys import timetable_key
from tests.support.auto_import_exports import NEW_SUBJECT, sealed_timetable, with_new_subject_course
from tests.support.pipeline_fakes import InMemoryEstablishmentStore, InMemoryImportHistory
from tests.support.pipeline_world import PipelineWorld, college, partner_pem, sealed_export

PARIS = ZoneInfo("Europe/Paris")
MONDAY = date(2027, 5, 3)
TUESDAY = MONDAY + timedelta(days=1)
AUTO = ImportKind.AUTOMATIC


def paris(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS).astimezone(UTC)


def _after_manual_import() -> PipelineWorld:
    """A college whose first manual import completed on Monday at 06:00 (Paris)."""
    world = PipelineWorld()
    world.upload(sealed_export(), uai=college().uai, import_id="manual0001", now=paris(MONDAY, 6))
    (manual,) = world.run_new(now=paris(MONDAY, 6))
    assert manual.status is ImportStatus.DONE
    return world


def _arrive(world: PipelineWorld, import_id: str, at: datetime) -> None:
    world.upload(sealed_export(), uai=college().uai, import_id=import_id, now=at, kind=AUTO)


def _status(world: PipelineWorld, import_id: str) -> ImportStatus:
    record = world.history.get(college().uai, import_id)
    assert record is not None
    return record.status


def test_automatic_exports_of_a_morning_import_the_newest_at_each_slot() -> None:
    # Given a college with a completed manual import
    world = _after_manual_import()
    uai = college().uai
    # When automatic exports arrive at 07:00 and 07:30, and the scheduler runs at 07:45
    _arrive(world, "auto0700aa", paris(MONDAY, 7))
    _arrive(world, "auto0730aa", paris(MONDAY, 7, 30))
    world.tick(now=paris(MONDAY, 7, 45))
    # Then nothing started: both wait, the older one is superseded and its plaintext is gone
    assert world.auto_queue.sent == []
    assert _status(world, "auto0700aa") is ImportStatus.SUPERSEDED
    assert _status(world, "auto0730aa") is ImportStatus.QUEUED
    assert queue_positions(world.history.list(uai)) == {"auto0730aa": 1}
    assert world.work.get(timetable_key(uai, "auto0700aa")) is None
    superseded = world.history.get(uai, "auto0700aa")
    assert superseded is not None
    assert superseded.finished_at == paris(MONDAY, 7, 30)
    assert superseded.summary["superseded"] == {"by": "auto0730aa"}
    waiting = world.history.get(uai, "auto0730aa")
    assert waiting is not None
    assert waiting.summary["slot"] == {"not_before": paris(MONDAY, 8).isoformat()}
    # When the scheduler runs at 08:00 and the queue's consumer gets its message
    world.tick(now=paris(MONDAY, 8))
    assert world.deliver(now=paris(MONDAY, 8)) == ["auto0730aa"]
    (first,) = world.run_new(now=paris(MONDAY, 8))
    # Then the 07:30 export is imported at 08:00
    assert first.import_id == "auto0730aa"
    assert first.status is ImportStatus.DONE
    assert first.started_at == paris(MONDAY, 8)
    # When exports arrive at 09:00, 10:00 and 11:00, with the scheduler running every quarter of an hour
    for hour in (9, 10, 11):
        _arrive(world, f"auto{hour:02d}00aa", paris(MONDAY, hour))
        world.tick(now=paris(MONDAY, hour, 45))
        assert world.deliver(now=paris(MONDAY, hour, 45)) == []
    world.tick(now=paris(MONDAY, 12))
    assert world.deliver(now=paris(MONDAY, 12)) == ["auto1100aa"]
    (second,) = world.run_new(now=paris(MONDAY, 12))
    # Then the 11:00 export is imported at 12:00, the 09:00 and 10:00 ones are superseded
    assert second.import_id == "auto1100aa"
    assert second.started_at == paris(MONDAY, 12)
    assert [_status(world, i) for i in ("auto0900aa", "auto1000aa")] == [ImportStatus.SUPERSEDED] * 2
    assert world.establishments.auto_waiting() == {}


def test_automatic_export_once_four_ran_waits_for_next_days_first_run() -> None:
    # Given four automatic imports on Monday at 08:00, 12:00, 16:00 and 20:00 (each arriving on its slot)
    world = _after_manual_import()
    for hour in (8, 12, 16, 20):
        _arrive(world, f"auto{hour:02d}00aa", paris(MONDAY, hour))
        assert world.deliver(now=paris(MONDAY, hour)) == [f"auto{hour:02d}00aa"]  # sent by the upload step
        world.run_new(now=paris(MONDAY, hour))
    # When another arrives at 23:30 / Then it waits through the night
    _arrive(world, "auto2330aa", paris(MONDAY, 23, 30))
    for now in (paris(MONDAY, 23, 45), paris(TUESDAY, 0, 30), paris(TUESDAY, 7, 45)):
        world.tick(now=now)
        assert world.deliver(now=now) == []
    assert world.history.get(college().uai, "auto2330aa").summary["slot"] == {  # type: ignore[union-attr]
        "not_before": paris(TUESDAY, 8).isoformat()
    }
    # And it is imported at 08:00 on Tuesday
    world.tick(now=paris(TUESDAY, 8))
    assert world.deliver(now=paris(TUESDAY, 8)) == ["auto2330aa"]
    (record,) = world.run_new(now=paris(TUESDAY, 8))
    assert record.status is ImportStatus.DONE
    assert record.started_at == paris(TUESDAY, 8)


def test_scheduler_sends_a_slot_ahead_delayed_to_it_and_the_consumer_ignores_an_early_message() -> None:
    # Given an export waiting for 08:00
    world = _after_manual_import()
    _arrive(world, "auto0700aa", paris(MONDAY, 7))
    # When the scheduler runs at 07:50 looking 15 minutes ahead
    outcome = world.tick(now=paris(MONDAY, 7, 50), lookahead_s=900)
    # Then the message is delayed to 08:00, and the same message arriving early starts nothing
    assert outcome.sent == {college().uai: 600}
    assert world.deliver(now=paris(MONDAY, 7, 59)) == [None]
    assert world.starter.names() == ["manual0001"]
    on_time = world.tick(now=paris(MONDAY, 8))
    assert on_time.sent == {college().uai: 0}
    assert world.deliver(now=paris(MONDAY, 8)) == ["auto0700aa"]


def test_automatic_export_before_any_manual_import_is_refused_and_starts_nothing() -> None:
    # Given a college never imported by hand
    world = PipelineWorld()
    uai = college().uai
    # When an automatic export arrives
    result = world.upload(sealed_export(), uai=uai, import_id="auto0700aa", now=paris(MONDAY, 9), kind=AUTO)
    # Then it fails with no_manual_import_yet, nothing is queued, written or started, the upload is gone
    record = world.history.get(uai, "auto0700aa")
    assert result.status is ImportStatus.FAILED
    assert result.error_code == "no_manual_import_yet"
    assert record is not None
    assert record.error is not None
    assert record.error.code == "no_manual_import_yet"
    assert world.starter.started == []
    assert world.auto_queue.sent == []
    assert world.work.objects == {}
    assert world.uploads.objects == {}


def test_automatic_export_after_a_failed_manual_import_only_is_still_refused() -> None:
    # Given a manual import that failed (a broken file)
    world = PipelineWorld()
    uai = college().uai
    world.upload(b"<html/>", uai=uai, import_id="manual0001", now=paris(MONDAY, 6))
    # When an automatic export arrives / Then it is refused
    result = world.upload(sealed_export(), uai=uai, import_id="auto0700aa", now=paris(MONDAY, 9), kind=AUTO)
    assert result.error_code == "no_manual_import_yet"


def test_automatic_export_switched_off_is_refused_and_a_waiting_one_ends_at_the_next_run() -> None:
    # Given a college with a completed manual import and an export waiting for 08:00
    world = _after_manual_import()
    uai = college().uai
    _arrive(world, "auto0700aa", paris(MONDAY, 7))
    # When automatic imports are switched off, the scheduler runs, and another export arrives
    world.establishments.save_auto_import(uai, AutoImportSchedule(enabled=False))
    outcome = world.tick(now=paris(MONDAY, 8))
    result = world.upload(sealed_export(), uai=uai, import_id="auto0900aa", now=paris(MONDAY, 9), kind=AUTO)
    # Then the waiting one failed with auto_import_disabled, the new one is refused, nothing started
    assert outcome.refused == ("auto0700aa",)
    waiting = world.history.get(uai, "auto0700aa")
    assert waiting is not None
    assert waiting.error is not None
    assert waiting.error.code == "auto_import_disabled"
    assert result.error_code == "auto_import_disabled"
    assert world.work.get(timetable_key(uai, "auto0700aa")) is None
    assert world.starter.names() == ["manual0001"]
    assert world.establishments.auto_waiting() == {}


def test_manual_import_is_not_throttled_and_a_due_automatic_one_follows_it() -> None:
    # Given an automatic export imported at 08:00 and another waiting for 12:00
    world = _after_manual_import()
    uai = college().uai
    _arrive(world, "auto0800aa", paris(MONDAY, 8))
    world.deliver(now=paris(MONDAY, 8))
    world.run_new(now=paris(MONDAY, 8))
    _arrive(world, "auto0900aa", paris(MONDAY, 9))
    # When a manual export is uploaded at 09:30 / Then it starts at once
    world.upload(sealed_export(), uai=uai, import_id="manual0002", now=paris(MONDAY, 9, 30))
    assert world.starter.names()[-1] == "manual0002"
    # When it ends after 12:00 / Then the waiting automatic one starts as the turn passes
    (manual, automatic) = world.run_new(now=paris(MONDAY, 12, 5))
    assert manual.import_id == "manual0002"
    assert automatic.import_id == "auto0900aa"
    assert automatic.started_at == paris(MONDAY, 12, 5)


def test_finished_manual_import_does_not_start_an_automatic_one_before_its_slot() -> None:
    # Given an automatic export waiting for 08:00
    world = _after_manual_import()
    uai = college().uai
    _arrive(world, "auto0700aa", paris(MONDAY, 7))
    # When a manual import runs and ends at 07:20
    world.upload(sealed_export(), uai=uai, import_id="manual0002", now=paris(MONDAY, 7, 10))
    world.run_new(now=paris(MONDAY, 7, 20))
    # Then the automatic one still waits
    assert _status(world, "auto0700aa") is ImportStatus.QUEUED
    assert world.starter.names() == ["manual0001", "manual0002"]


def test_automatic_import_reports_a_new_course_and_does_not_create_it() -> None:
    # Given a college with a completed manual import
    world = _after_manual_import()
    uai = college().uai
    courses_before = set(world.lms.content().courses)
    # When an automatic export arrives at 08:00 with a subject taught to a class that the manual import never showed
    changed = with_new_subject_course(college().timetable)
    world.upload(
        sealed_timetable(changed, partner_pem(), paris(MONDAY, 8)), uai=uai, import_id="auto0800aa",
        now=paris(MONDAY, 8), kind=AUTO,
    )  # fmt: skip
    world.deliver(now=paris(MONDAY, 8))
    (record,) = world.run_new(now=paris(MONDAY, 8))
    # Then the import is done, reports the new subject and its course, and created nothing in itslearning
    assert record.status is ImportStatus.DONE
    new = record.summary["plan"]["new_since"]
    assert new["subjects"] == [NEW_SUBJECT.code]
    assert new["counts"]["courses"] == 1
    assert new["courses"][0]["title"].startswith(f"{NEW_SUBJECT.label} - ")
    assert record.summary["plan"]["actions"]["create_course"] == 0
    assert set(world.lms.content().courses) == courses_before
    # And the establishment keeps the manual import's selection for the next automatic imports
    state = world.states.load(uai)
    assert state is not None
    assert state.selection is not None
    assert NEW_SUBJECT.code not in state.selection.subjects.known


def test_scheduler_clears_the_marker_of_an_establishment_with_nothing_waiting_any_more() -> None:
    # Given an establishment marked waiting whose export was meanwhile started by a finished manual import's turn
    world = _after_manual_import()
    uai = college().uai
    world.establishments.mark_auto_waiting(uai, "gone000001")
    # When the scheduler runs / Then it sends nothing and forgets the marker
    assert world.tick(now=paris(MONDAY, 9)).sent == {}
    assert world.establishments.auto_waiting() == {}


def test_consumer_starts_nothing_while_another_import_holds_the_turn() -> None:
    # Given an automatic export whose slot has come, while a manual import runs
    world = _after_manual_import()
    uai = college().uai
    world.upload(sealed_export(), uai=uai, import_id="manual0002", now=paris(MONDAY, 7, 55))
    _arrive(world, "auto0800aa", paris(MONDAY, 8))
    # When the queue's message is delivered / Then the running import is left alone and the export still waits
    assert world.deliver(now=paris(MONDAY, 8)) == ["manual0002"]
    assert _status(world, "auto0800aa") is ImportStatus.QUEUED
    # And it starts as the manual import ends
    (manual, automatic) = world.run_new(now=paris(MONDAY, 8, 10))
    assert (manual.import_id, automatic.import_id) == ("manual0002", "auto0800aa")
    assert automatic.started_at == paris(MONDAY, 8, 10)


def test_newer_export_never_supersedes_the_one_given_the_turn_before_its_execution_started() -> None:
    # Given an automatic export given the turn at 08:00, its execution not started yet
    world = _after_manual_import()
    uai = college().uai
    _arrive(world, "auto0800aa", paris(MONDAY, 8))
    assert world.deliver(now=paris(MONDAY, 8)) == ["auto0800aa"]
    # When a newer export arrives at that moment
    _arrive(world, "auto0801aa", paris(MONDAY, 8, 1))
    # Then the started one runs to its end, and the newer one waits four hours after it
    assert world.history.get(uai, "auto0801aa").summary["slot"] == {  # type: ignore[union-attr]
        "not_before": paris(MONDAY, 12, 1).isoformat()  # the turn counts as the start until the execution says
    }
    (started,) = world.run_new(now=paris(MONDAY, 8, 2))
    assert (started.import_id, started.status, started.started_at) == (
        "auto0800aa",
        ImportStatus.DONE,
        paris(MONDAY, 8, 2),
    )
    assert _status(world, "auto0801aa") is ImportStatus.QUEUED
    world.tick(now=paris(MONDAY, 12, 1))
    assert world.deliver(now=paris(MONDAY, 12, 1)) == []  # 12:02 in fact, four hours after the real start
    world.tick(now=paris(MONDAY, 12, 2))
    assert world.deliver(now=paris(MONDAY, 12, 2)) == ["auto0801aa"]


class _NewerExportDuringClaim(InMemoryEstablishmentStore):
    """An establishment store where a newer export supersedes ``victim`` just as it is given the turn."""

    def __init__(self, history: InMemoryImportHistory, victim: str) -> None:
        super().__init__()
        self.history, self.victim = history, victim

    def claim_turn(self, uai: str, import_id: str) -> bool:
        claimed = super().claim_turn(uai, import_id)
        if import_id == self.victim:
            self.history.update(uai, import_id, status=ImportStatus.SUPERSEDED, now=paris(MONDAY, 8))
        return claimed


def test_consumer_gives_the_turn_back_when_its_import_was_superseded_meanwhile() -> None:
    # Given an automatic export due at 08:00, superseded by a newer one just as the consumer gives it the turn
    history = InMemoryImportHistory()
    world = PipelineWorld(history=history, establishments=_NewerExportDuringClaim(history, "auto0800aa"))
    world.upload(sealed_export(), uai=college().uai, import_id="manual0001", now=paris(MONDAY, 6))
    world.run_new(now=paris(MONDAY, 6))
    _arrive(world, "auto0800aa", paris(MONDAY, 8))
    # When the consumer runs / Then no execution starts for it and the turn is free again
    assert world.deliver(now=paris(MONDAY, 8)) == [None]
    assert world.starter.names() == ["manual0001"]
    assert world.establishments.running_import(college().uai) is None
