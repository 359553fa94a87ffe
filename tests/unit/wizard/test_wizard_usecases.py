"""The wizard's use cases over in-memory fakes: a manual import pauses after reconciliation, shows its lists,
takes the administrator's choices, and goes on with them once launched."""

from __future__ import annotations

from functools import partial

import pytest
from msgspec import structs

from edt_import.domain.errors import EdtImportError, ErrorCode
from edt_import.domain.imports import ImportKind, ImportStatus
from edt_import.domain.subject_referential import SubjectStatus
from edt_import.usecases.admin.errors import ConflictError, NotFoundError
from edt_import.usecases.admin.selection import choose_selection, launch_import, selection_of
from edt_import.usecases.admin.subjects import replace_subject_referential, subject_referential
from edt_import.usecases.pipeline.work_keys import selection_draft_key
from tests.support.pipeline_world import NOW, PipelineWorld, college, sealed_export

IMPORT_A = "import0000a"
IMPORT_B = "import0000b"


def paused_world() -> tuple[PipelineWorld, str]:
    """A college's manual import, run up to its wizard."""
    world = PipelineWorld(launch_manual=False)
    uai = college().uai
    world.run_to_wizard(sealed_export(), uai=uai, import_id=IMPORT_A)
    return world, uai


def test_manual_import_waits_for_its_selection_holding_the_turn_and_sending_nothing() -> None:
    # Given a manual import run up to its wizard
    world, uai = paused_world()
    # Then it waits, with its token kept, its establishment's turn held, and nothing sent to itslearning
    record = world.history.get(uai, IMPORT_A)
    assert record is not None
    assert record.status is ImportStatus.AWAITING_SELECTION
    assert world.tokens.tokens[(uai, IMPORT_A)] == f"token-{IMPORT_A}"
    assert world.establishments.running_import(uai) == IMPORT_A
    assert world.lms.content().courses == {}
    # And its lists are the export's, proposed all enabled the first time
    view = selection_of(uai, IMPORT_A, stores=world.wizard)
    assert {s.code for s in view.subjects} == {s.code for s in college().timetable.subjects.values()}
    assert all(s.status is SubjectStatus.UNKNOWN for s in view.subjects)  # no referential yet
    assert view.courses
    assert all(c.enabled for c in view.courses)
    assert (
        sum(u.matched for u in view.users)
        == record.summary["reconciliation"]["matched_teachers"] + (record.summary["reconciliation"]["matched_students"])
    )


def test_launch_disabled_subject_class_group_and_course_are_left_out_of_the_import() -> None:
    # Given the administrator switches off one subject, one class, one group and one course, and adds a subject
    world, uai = paused_world()
    courses = selection_of(uai, IMPORT_A, stores=world.wizard).courses
    subject = courses[0].subject_code
    school_class = next(c.audience for c in courses if c.audience_kind == "class" and c.subject_code != subject)
    group = next(c.audience for c in courses if c.audience_kind == "group" and c.subject_code != subject)
    course = next(c for c in courses if c.subject_code != subject and c.audience not in {school_class, group}).key
    chosen = choose_selection(
        uai,
        IMPORT_A,
        disabled={"subjects": [subject], "classes": [school_class], "groups": [group], "courses": [course]},
        add_subjects=[subject],
        stores=world.wizard,
    )
    kept = {c.key for c in chosen.courses if c.enabled}
    # When it is launched
    launched = launch_import(uai, IMPORT_A, now=NOW, stores=world.wizard, tokens=world.tokens, resumer=world.resumer)
    (record,) = world.run_resumed()
    # Then the import is done with exactly the courses left enabled
    assert launched.status is ImportStatus.PLANNING
    assert record.status is ImportStatus.DONE
    landed = world.lms.content().courses
    assert set(landed) == kept
    assert subject not in {c.code for c in landed.values()}
    assert course not in landed
    assert not any(c.title.endswith(f" - {school_class}") or c.title.endswith(f" - {group}") for c in landed.values())
    # And the choices are the establishment's current selection, the added subject in its referential
    state = world.states.load(uai)
    assert state is not None
    stored = state.selection
    assert stored is not None
    assert stored.courses.enabled == kept
    assert subject in stored.subjects.disabled
    assert subject in subject_referential(uai, referentials=world.wizard.referentials)
    assert record.summary["selection"]["courses_enabled"] == len(kept)


def test_choose_selection_naming_an_unknown_class_is_refused_and_changes_nothing() -> None:
    world, uai = paused_world()
    with pytest.raises(EdtImportError) as refused:
        choose_selection(
            uai, IMPORT_A, disabled={"classes": ["NOPE-3Z"]}, add_subjects=["MATHS-UNKNOWN"], stores=world.wizard
        )
    assert refused.value.code is ErrorCode.INVALID_SELECTION
    assert world.work.get(selection_draft_key(uai, IMPORT_A)) is None
    assert world.wizard.referentials.load(uai) is None


def test_choose_selection_adding_a_subject_the_export_lacks_is_refused() -> None:
    world, uai = paused_world()
    with pytest.raises(EdtImportError) as refused:
        choose_selection(uai, IMPORT_A, disabled={}, add_subjects=["NOPE"], stores=world.wizard)
    assert refused.value.code is ErrorCode.INVALID_SUBJECTS
    assert world.wizard.referentials.load(uai) is None


def test_next_manual_import_opens_with_the_last_choices() -> None:
    # Given a first import launched with one subject switched off
    world, uai = paused_world()
    subject = selection_of(uai, IMPORT_A, stores=world.wizard).subjects[0].code
    choose_selection(uai, IMPORT_A, disabled={"subjects": [subject]}, add_subjects=[], stores=world.wizard)
    world.launch(uai, IMPORT_A)
    # When the next manual import reaches its wizard
    world.run_to_wizard(sealed_export(), uai=uai, import_id=IMPORT_B)
    # Then the subject is proposed switched off
    view = selection_of(uai, IMPORT_B, stores=world.wizard)
    assert [s.code for s in view.subjects if s.status is SubjectStatus.DISABLED] == [subject]


def test_launch_refusals_not_waiting_taken_or_expired() -> None:
    world, uai = paused_world()
    launch = partial(launch_import, now=NOW, stores=world.wizard, tokens=world.tokens, resumer=world.resumer)
    # An unknown import
    with pytest.raises(NotFoundError):
        launch(uai, "nosuchimport")
    # The execution stopped waiting (timed out) before the launch
    world.resumer.expire(f"token-{IMPORT_A}")
    with pytest.raises(ConflictError) as expired:
        launch(uai, IMPORT_A)
    assert expired.value.code == "selection_expired"
    # A second launch (the record still reading "awaiting") finds the token taken
    world.history.update(uai, IMPORT_A, status=ImportStatus.AWAITING_SELECTION, now=NOW)
    with pytest.raises(ConflictError) as taken:
        launch(uai, IMPORT_A)
    assert taken.value.code == "import_already_launched"


def test_launch_of_an_import_not_waiting_is_a_conflict() -> None:
    world = PipelineWorld()  # launches at once
    uai = college().uai
    world.upload(sealed_export(), uai=uai, import_id=IMPORT_A)
    (record,) = world.run_started()
    assert record.status is ImportStatus.DONE
    with pytest.raises(ConflictError) as refused:
        launch_import(uai, IMPORT_A, now=NOW, stores=world.wizard, tokens=world.tokens, resumer=world.resumer)
    assert refused.value.code == "import_not_awaiting_selection"
    with pytest.raises(ConflictError) as refused_choice:
        choose_selection(uai, IMPORT_A, disabled={}, add_subjects=[], stores=world.wizard)
    assert refused_choice.value.code == "import_not_awaiting_selection"


def test_automatic_import_has_no_wizard() -> None:
    # Given an automatic import (a manual one ran before)
    world = PipelineWorld()
    uai = college().uai
    world.upload(sealed_export(), uai=uai, import_id=IMPORT_A)
    world.run_started()
    world.upload(sealed_export(), uai=uai, import_id=IMPORT_B)
    world.history.records[(uai, IMPORT_B)] = structs.replace(
        world.history.records[(uai, IMPORT_B)], kind=ImportKind.AUTOMATIC
    )
    record = world.run_execution(world.starter.started[-1][1])
    # Then it goes straight on, and shows no selection
    assert record.status is ImportStatus.DONE
    with pytest.raises(ConflictError) as refused:
        selection_of(uai, IMPORT_B, stores=world.wizard)
    assert refused.value.code == "selection_not_ready"


def test_subject_referential_replaced_as_a_whole_and_refused_when_a_code_is_bad() -> None:
    world, uai = paused_world()
    stores = world.wizard
    assert replace_subject_referential(uai, [" MATHS ", "FRANC", "MATHS"], referentials=stores.referentials) == (
        "FRANC",
        "MATHS",
    )
    with pytest.raises(EdtImportError) as refused:
        replace_subject_referential(uai, ["HIGEO", "   "], referentials=stores.referentials)
    assert refused.value.code is ErrorCode.INVALID_SUBJECTS
    assert subject_referential(uai, referentials=stores.referentials) == ("FRANC", "MATHS")
