"""The establishment's selection has one home, its applied state: the selection of its last completed manual
import, which automatic imports re-apply and the next wizard proposes. A launched import that fails changes
neither."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from edt_import.domain.errors import LmsUnavailableError
from edt_import.domain.imports import ImportKind, ImportStatus
from edt_import.domain.selection import Selection, parse_selection
from edt_import.domain.subject_referential import SubjectStatus
from edt_import.usecases.admin.selection import choose_selection, launch_import, selection_of
from edt_import.usecases.pipeline.work_keys import launched_selection_key
from tests.support.pipeline_world import PipelineWorld, college, sealed_export

PARIS = ZoneInfo("Europe/Paris")
MONDAY = date(2027, 5, 3)


def paris(hour: int, minute: int = 0, *, day: date = MONDAY) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS).astimezone(UTC)


def _itslearning_down(operation: str, call_number: int) -> None:
    raise LmsUnavailableError("itslearning does not answer.", {"operation": operation, "call": call_number})


def _manual_import(world: PipelineWorld, import_id: str, disabled: dict[str, list[str]], at: datetime) -> ImportStatus:
    """A manual import up to its wizard, some subjects or courses switched off, launched; its outcome."""
    uai = college().uai
    world.run_to_wizard(sealed_export(), uai=uai, import_id=import_id, now=at)
    choose_selection(uai, import_id, disabled=disabled, add_subjects=[], stores=world.wizard)
    return world.launch(uai, import_id, now=at).status


def _off_in_wizard(world: PipelineWorld, import_id: str) -> tuple[list[str], set[str]]:
    """The subjects and the courses the import's wizard proposes switched off."""
    view = selection_of(college().uai, import_id, stores=world.wizard)
    return [s.code for s in view.subjects if s.status is SubjectStatus.DISABLED], {
        c.key for c in view.courses if not c.enabled
    }


def _subject_and_lone_course() -> tuple[str, str]:
    """A subject to switch off, and one course of another subject (switching it off deletes too little to hold)."""
    world = PipelineWorld(launch_manual=False)
    world.run_to_wizard(sealed_export(), uai=college().uai, import_id="probe00000")
    courses = selection_of(college().uai, "probe00000", stores=world.wizard).courses
    subject = courses[0].subject_code
    return subject, next(c.key for c in courses if c.subject_code != subject)


def test_selection_of_a_failed_manual_import_changes_neither_the_automatic_imports_nor_the_wizard() -> None:
    # Given a manual import completed with subject X switched off
    world = PipelineWorld(launch_manual=False)
    uai = college().uai
    x, course = _subject_and_lone_course()
    assert _manual_import(world, "manual000a", {"subjects": [x]}, paris(6)) is ImportStatus.DONE
    courses_a = set(world.lms.content().courses)
    assert course in courses_a
    off_a = _off_in_wizard(world, "manual000a")
    # When a second manual import is launched with X back on and one more course off, and fails (itslearning down)
    world.lms.before_call = _itslearning_down
    assert _manual_import(world, "manual000b", {"courses": [course]}, paris(7)) is ImportStatus.FAILED
    world.lms.before_call = None
    # Then the establishment's selection is still the completed import's: X off, the course on
    state = world.states.load(uai)
    assert state is not None
    assert state.selection is not None
    assert x in state.selection.subjects.disabled
    assert course in state.selection.courses.enabled
    # And the next manual import's wizard opens with the completed import's choices
    world.run_to_wizard(sealed_export(), uai=uai, import_id="manual000c", now=paris(7, 30))
    assert _off_in_wizard(world, "manual000c") == off_a
    assert off_a[0] == [x]
    world.history.update(uai, "manual000c", status=ImportStatus.FAILED, now=paris(7, 31))  # abandoned
    world.establishments.release_turn(uai, "manual000c")
    # And an automatic import at 08:00 re-applies the completed import's selection: itslearning is as it left it
    world.upload(sealed_export(), uai=uai, import_id="auto000001", now=paris(8), kind=ImportKind.AUTOMATIC)
    assert world.deliver(now=paris(8)) == ["auto000001"]
    name, payload = world.starter.started[-1]
    assert name == "auto000001"
    automatic = world.run_execution(payload, now=paris(8))
    assert automatic.status is ImportStatus.DONE
    assert automatic.summary["plan"]["actions"]["create_course"] == 0
    assert automatic.summary["plan"]["actions"]["delete_course"] == 0
    assert set(world.lms.content().courses) == courses_a


def test_selection_of_a_completed_manual_import_becomes_the_establishment_selection() -> None:
    # Given a manual import completed with X off, then a second one completed with X on and one course off
    world = PipelineWorld(launch_manual=False)
    uai = college().uai
    x, course = _subject_and_lone_course()
    assert _manual_import(world, "manual000a", {"subjects": [x]}, paris(6)) is ImportStatus.DONE
    assert _manual_import(world, "manual000b", {"courses": [course]}, paris(7)) is ImportStatus.DONE
    # Then the establishment's selection is the second's, and the next wizard proposes it
    state = world.states.load(uai)
    assert state is not None
    assert state.selection is not None
    assert x not in state.selection.subjects.disabled
    assert course in state.selection.courses.disabled
    world.run_to_wizard(sealed_export(), uai=uai, import_id="manual000c", now=paris(7, 30))
    assert _off_in_wizard(world, "manual000c") == ([], {course})


def test_selection_document_an_earlier_version_wrote_at_launch_is_not_read() -> None:
    # Given a manual import completed with X off, and the per-establishment document an earlier version wrote at
    # each launch, naming another choice (a launch that then failed)
    world = PipelineWorld(launch_manual=False)
    uai = college().uai
    x, _ = _subject_and_lone_course()
    assert _manual_import(world, "manual000a", {"subjects": [x]}, paris(6)) is ImportStatus.DONE
    off_a = _off_in_wizard(world, "manual000a")
    state = world.states.load(uai)
    assert state is not None
    assert state.selection is not None
    stale = state.selection.to_dict()
    stale["subjects"] = {"enabled": [x], "disabled": []}
    world.work.put(f"establishments/{uai}/selection.json", json.dumps(stale).encode())
    # When the next manual import reaches its wizard
    world.run_to_wizard(sealed_export(), uai=uai, import_id="manual000b", now=paris(7))
    # Then it proposes the completed import's choices: the old document is ignored
    assert _off_in_wizard(world, "manual000b") == off_a


def test_selection_of_the_last_manual_import_is_read_without_the_whole_applied_state() -> None:
    # Given a manual import completed with subject X switched off, and the next one waiting in its wizard
    world = PipelineWorld(launch_manual=False)
    uai = college().uai
    x, _ = _subject_and_lone_course()
    assert _manual_import(world, "manual000a", {"subjects": [x]}, paris(6)) is ImportStatus.DONE
    world.run_to_wizard(sealed_export(), uai=uai, import_id="manual000b", now=paris(7))
    world.states.loads = 0
    # When the administrator opens the wizard and launches it as proposed
    off = _off_in_wizard(world, "manual000b")
    launch_import(uai, "manual000b", now=paris(7), stores=world.wizard, tokens=world.tokens, resumer=world.resumer)
    # Then both proposed the completed import's choices, from its selection alone: no whole state was loaded
    assert off[0] == [x]
    launched = parse_selection(world.work.get(launched_selection_key(uai, "manual000b")) or b"")
    assert isinstance(launched, Selection)
    assert x in launched.disabled_subjects
    assert world.states.loads == 0
    # And the import goes on with them (its plan step reads the whole state)
    (record,) = world.run_resumed(now=paris(7))
    assert record.status is ImportStatus.DONE
    assert world.states.loads > 0
