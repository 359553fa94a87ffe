"""The planner on generated establishments of every size (library level)."""

from __future__ import annotations

from datetime import UTC, timedelta
from functools import cache

import pytest
from msgspec import structs

from edt_import.domain.course_rules import SkipReason
from edt_import.domain.directory import DirectoryPerson, PersonKey, Profile
from edt_import.domain.left_out import LeftOutReason
from edt_import.domain.planning import PlanResult, PlanSettings, plan_import
from edt_import.domain.reconciliation import ConflictKind, reconcile
from edt_import.domain.state_encoding import decode_state, encode_state
from edt_import.domain.timetable import CasId, Ident, Lesson, LessonLink, Timetable
from edt_import.domain.week_mask import ALL_WEEKS, weeks_of
from edt_import.generator.establishment import (
    GeneratedEstablishment,
    Size,
    audience_occurrences,
    generate_establishment,
)

SEED = 5
SIZES = [pytest.param(size, marks=pytest.mark.slow) if size is Size.CITE else size for size in Size]


@cache
def generated(size: Size) -> GeneratedEstablishment:
    return generate_establishment(size, SEED)


@cache
def first_plan(size: Size) -> PlanResult:
    school = generated(size)
    settings = PlanSettings(today=school.timetable.school_year.week1_monday)
    return plan_import(school.timetable, school.directory, previous=None, selection=None, settings=settings)


def occurrences_in_year(timetable: Timetable, skipped: set[int]) -> int:
    """By dates, independently of the planner's week windows: each class or group week not cancelled of an
    imported lesson whose date falls within the school year."""
    year = timetable.school_year
    total = 0
    for lesson in timetable.lessons:
        if lesson.index in skipped:
            continue
        kept = ALL_WEEKS & ~lesson.cancelled_weeks
        for link in (*lesson.classes, *lesson.groups):
            for week in weeks_of(link.weeks & kept):
                day = year.week1_monday + timedelta(days=7 * (week - 1) + lesson.day - 1)
                total += year.start <= day <= year.end
    return total


@pytest.mark.parametrize("size", SIZES)
def test_generated_plan_has_one_event_per_audience_occurrence_within_the_school_year(size: Size) -> None:
    # Given an import on the Monday of week 1, which is before the first day of the school year
    result = first_plan(size)
    timetable = generated(size).timetable
    year = timetable.school_year
    assert year.week1_monday < year.start
    # Then every class or group week not cancelled gives exactly one event, all in UTC, within the year
    skipped = {lesson.index for lesson in result.report.skipped_lessons}
    events = result.events.values()
    assert len(events) == occurrences_in_year(timetable, skipped) < audience_occurrences(timetable)
    assert sum(course.events for course in result.report.courses) == len(events)
    assert all(year.start <= event.local_date <= year.end for event in events)
    assert all(event.start.tzinfo is UTC and event.end > event.start for event in events)
    assert result.report.actions["create_event"] == len(events)
    assert result.report.actions["create_course"] == len(result.report.courses)


@pytest.mark.parametrize("size", SIZES)
def test_generated_plan_titles_are_unique_and_within_the_limit(size: Size) -> None:
    titles = [course.title for course in first_plan(size).report.courses]
    assert len(set(titles)) == len(titles)
    assert max(len(title) for title in titles) <= 64


@pytest.mark.parametrize("size", SIZES)
def test_generated_reconciliation_never_contradicts_the_ground_truth(size: Size) -> None:
    # Given the generated directory, with its missing accounts, homonyms and manual accounts
    school = generated(size)
    # When
    result = reconcile(school.timetable, school.directory, known_pronote_ids={})
    # Then every match is the person's own account, and everyone is matched or reported
    assert all(school.teacher_accounts.get(ident) == key for ident, key in result.teachers.items())
    assert all(school.student_accounts.get(ident) == key for ident, key in result.students.items())
    people = len(school.timetable.teachers) + len(school.timetable.students)
    assert (
        len(result.teachers)
        + len(result.students)
        + len(result.unmatched)
        + sum(1 for c in result.conflicts if c.kind == "account_claimed_twice")
        == people
    )


@pytest.mark.parametrize("size", SIZES)
def test_generated_replan_after_applying_everything_has_no_actions(size: Size) -> None:
    # Given the first plan applied in full and saved
    school = generated(size)
    state = decode_state(encode_state(first_plan(size).state))
    # When the same export is planned again three weeks later
    today = school.timetable.school_year.week1_monday + timedelta(days=21)
    settings = PlanSettings(today=today)
    result = plan_import(school.timetable, school.directory, previous=state, selection=None, settings=settings)
    # Then
    assert result.plan.actions == ()
    assert result.plan.hold is None


def test_generated_cite_is_the_large_case() -> None:
    # The benchmark's establishment: at least 3,000 students and 100,000 events
    school = generated(Size.CITE)
    assert len(school.timetable.students) >= 3000
    assert audience_occurrences(school.timetable) >= 100_000


def support_lessons(timetable: Timetable) -> list[Lesson]:
    """Lessons where a ULIS / UPE2A class part sits beside two or more groups that do not hold it."""
    found = []
    for lesson in timetable.lessons:
        held = {part for link in lesson.groups for part in timetable.groups[link.ident].class_part_idents}
        guests = [link for link in lesson.class_parts if link.ident not in held]
        if len(lesson.groups) >= 2 and guests and not lesson.classes:
            found.append(lesson)
    return found


@pytest.mark.parametrize("size", SIZES)
def test_generated_support_pupils_beside_half_groups_join_every_group_course(size: Size) -> None:
    # Given the generated ULIS / UPE2A parts attached beside the two half groups of a host class
    school = generated(size)
    timetable = school.timetable
    lessons = support_lessons(timetable)
    assert lessons
    accounts = reconcile(timetable, school.directory, known_pronote_ids={}).students
    start = timetable.school_year.start
    # When planned
    result = first_plan(size)
    # Then each matched pupil of such a part is a learner of every group course of the lesson
    subject_codes = {ident: subject.code for ident, subject in timetable.subjects.items()}
    prefix = result.year_node.key
    checked = 0
    for lesson in lessons:
        guests = {link.ident for link in lesson.class_parts}
        pupils = {
            accounts[student.ident]
            for student in timetable.students.values()
            if student.ident in accounts and any(m.ident in guests and m.active_on(start) for m in student.class_parts)
        }
        for link in lesson.groups:
            learners = result.state.member_groups[f"{prefix}:{subject_codes[lesson.subject]}:g{link.ident}"].learners
            assert pupils <= set(learners)
            checked += len(pupils)
    assert checked > 0


@pytest.mark.parametrize("size", SIZES)
def test_generated_plan_leaves_out_only_pupils_in_nothing_and_lists_every_skipped_lesson(size: Size) -> None:
    # Given a generated establishment, with pupils in a class part no class lists and a few pupils in no class
    timetable = generated(size).timetable
    # When
    report = first_plan(size).report
    # Then the pupils of the unlisted part are in their class's courses: only pupils placed in nothing are left out
    nowhere = {
        student.ident
        for student in timetable.students.values()
        if not student.classes
        and not student.class_parts
        and not any(student.ident in group.student_idents for group in timetable.groups.values())
    }
    assert report.left_out.students == tuple(
        (ident, LeftOutReason.IN_NO_LESSON) for ident in timetable.students if ident in nowhere
    )
    assert (report.left_out.teachers, report.left_out.classes) == ((), ())
    # And every lesson not imported is listed: class parts alone, as the generator writes them
    part_only = [
        lesson.index for lesson in timetable.lessons if lesson.class_parts and not lesson.classes and not lesson.groups
    ]
    assert [(s.index, s.reason) for s in report.skipped_lessons] == [(i, SkipReason.CLASS_PART_ONLY) for i in part_only]
    assert report.skipped_counts[SkipReason.CLASS_PART_ONLY] == len(part_only) > 0


def with_unrelated_class(timetable: Timetable) -> tuple[Timetable, Lesson, Ident]:
    """The timetable with a class that none of its groups holds added to the first group lesson with two groups."""
    lesson = next(lesson for lesson in timetable.lessons if len(lesson.groups) >= 2 and not lesson.class_parts)
    held = {c for link in lesson.groups for c in timetable.groups[link.ident].class_idents}
    held |= {
        timetable.class_parts[p].class_ident
        for link in lesson.groups
        for p in timetable.groups[link.ident].class_part_idents
    }
    guest = next(ident for ident in timetable.classes if ident not in held)
    changed = structs.replace(lesson, classes=(*lesson.classes, LessonLink(ident=guest, weeks=lesson.groups[0].weeks)))
    lessons = tuple(changed if item is lesson else item for item in timetable.lessons)
    return structs.replace(timetable, lessons=lessons), changed, guest


@pytest.mark.parametrize("size", SIZES)
def test_generated_class_beside_an_unrelated_group_makes_its_own_course(size: Size) -> None:
    # Given a generated group lesson to which a class that none of its groups holds is added
    school = generated(size)
    timetable, lesson, guest = with_unrelated_class(school.timetable)
    settings = PlanSettings(today=timetable.school_year.week1_monday)
    # When planned
    result = plan_import(timetable, school.directory, previous=None, selection=None, settings=settings)
    # Then exactly one course more: the subject + that class, fed by that lesson, with the class's pupils
    before = {course.key for course in first_plan(size).report.courses}
    key = f"{result.year_node.key}:{timetable.subjects[lesson.subject].code}:c{guest}"
    assert {course.key for course in result.report.courses} == before | {key}
    accounts = reconcile(timetable, school.directory, known_pronote_ids={}).students
    start = timetable.school_year.start
    pupils = {
        accounts[s.ident]
        for s in timetable.students.values()
        if s.ident in accounts and any(m.ident == guest and m.active_on(start) for m in s.classes)
    }
    assert pupils <= set(result.state.member_groups[key].learners)
    # And the group courses keep their own members
    for link in lesson.groups:
        group_key = f"{result.year_node.key}:{timetable.subjects[lesson.subject].code}:g{link.ident}"
        assert result.state.member_groups[group_key] == first_plan(size).state.member_groups[group_key]


@pytest.mark.parametrize("size", SIZES)
def test_generated_cas_id_naming_another_account_wins_over_the_stored_idpn(size: Size) -> None:
    # Given the first plan's state, then a teacher whose CAS id now names a new account of theirs
    school = generated(size)
    state = first_plan(size).state
    teacher = next(t for t in school.timetable.teachers.values() if t.pronote_id in state.pronote_ids)
    idpn = str(teacher.pronote_id)
    old = state.pronote_ids[idpn]
    new = DirectoryPerson(
        person_key=PersonKey("T-CAS-NEW"),
        profile=Profile.TEACHER,
        last_name=teacher.last_name,
        first_name=teacher.first_name,
        cas_id="cas-new",
    )
    teachers = {**school.timetable.teachers, teacher.ident: structs.replace(teacher, cas_id=CasId("cas-new"))}
    timetable = structs.replace(school.timetable, teachers=teachers)
    settings = PlanSettings(today=timetable.school_year.week1_monday + timedelta(days=21))
    # When planned again
    result = plan_import(timetable, (*school.directory, new), previous=state, selection=None, settings=settings)
    # Then the teacher is the CAS account now, the mapping moves with it, the change is reported as resolved
    assert result.plan.pronote_ids[idpn] == "T-CAS-NEW"
    assert [(c.person.ident, c.kind, c.resolved) for c in result.report.conflicts if c.resolved] == [
        (teacher.ident, ConflictKind.CAS_REPLACES_IDPN, True)
    ]
    courses = [key for key, group in state.member_groups.items() if old in group.instructors]
    assert courses
    assert all("T-CAS-NEW" in result.state.member_groups[key].instructors for key in courses)
    assert all(old not in result.state.member_groups[key].instructors for key in courses)
