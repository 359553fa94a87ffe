from __future__ import annotations

import re
from collections import Counter

import pytest

from edt_import.domain.directory import Profile, Source
from edt_import.domain.directory_csv import read_directory_csv, write_directory_csv
from edt_import.domain.reconciliation import reconcile
from edt_import.domain.timetable import Timetable
from edt_import.generator import curriculum
from edt_import.generator.establishment import Size
from edt_import.generator.french_names import without_accents
from edt_import.generator.school_calendar import SCHOOL_YEAR, WEEK_A, WEEK_B
from tests.support import cached

ALL_SIZES = list(Size)


def _subject_code(timetable: Timetable, ident: str) -> str:
    return timetable.subjects[ident].code  # type: ignore[index]


@pytest.mark.parametrize("size", ALL_SIZES)
def test_generated_lessons_include_class_part_only_lessons(size: Size) -> None:
    timetable = cached.establishment(size).timetable
    parts_only = [
        lesson for lesson in timetable.lessons if lesson.class_parts and not lesson.classes and not lesson.groups
    ]
    assert parts_only
    # and at least one of them alternates its two halves over semaine A / semaine B
    assert any(
        len(lesson.class_parts) == 2 and lesson.class_parts[0].weeks & lesson.class_parts[1].weeks == 0
        for lesson in parts_only
    )


@pytest.mark.parametrize("size", ALL_SIZES)
def test_generated_support_part_joins_a_class_lesson(size: Size) -> None:
    # Given the ULIS / UPE2A class
    timetable = cached.establishment(size).timetable
    support = {c.ident for c in timetable.classes.values() if c.name in ("ULIS", "UPE2A")}
    # Then some lesson of another class carries a part of it
    joined = [
        lesson
        for lesson in timetable.lessons
        if lesson.classes
        and lesson.classes[0].ident not in support
        and any(timetable.class_parts[link.ident].class_ident in support for link in lesson.class_parts)
    ]
    assert joined


@pytest.mark.parametrize("size", ALL_SIZES)
def test_generated_alternations_cancellations_substitutes_exist(size: Size) -> None:
    timetable = cached.establishment(size).timetable
    lessons = timetable.lessons
    alternating_groups = [
        lesson
        for lesson in lessons
        if len(lesson.groups) == 2 and lesson.groups[0].weeks & WEEK_B == 0 and lesson.groups[1].weeks & WEEK_A == 0
    ]
    alternating_rooms = [lesson for lesson in lessons if len(lesson.rooms) == 2]
    cancelled = [lesson for lesson in lessons if lesson.cancelled_weeks]
    substituted = [
        lesson
        for lesson in lessons
        if len(lesson.teachers) == 2 and lesson.teachers[0].weeks & lesson.teachers[1].weeks == 0
    ]
    assert alternating_groups
    assert alternating_rooms
    assert all(lesson.rooms[0].weeks & lesson.rooms[1].weeks == 0 for lesson in alternating_rooms)
    assert cancelled
    assert substituted


@pytest.mark.parametrize("size", ALL_SIZES)
def test_generated_groups_have_every_shape(size: Size) -> None:
    timetable = cached.establishment(size).timetable
    groups = list(timetable.groups.values())
    part_class = {p.ident: p.class_ident for p in timetable.class_parts.values()}
    # LV2 groups: class parts of several classes
    assert any(len({part_class[p] for p in g.class_part_idents}) > 1 for g in groups)
    # groups of one class part (a half)
    assert any(len(g.class_part_idents) == 1 and not g.class_idents for g in groups)
    # groups listing their pupils (Latin, spécialités)
    assert any(g.student_idents for g in groups)
    if size is not Size.COLLEGE:
        # two whole classes in one group, with two teachers in its lessons
        pairs = {g.ident for g in groups if len(g.class_idents) == 2 and not g.student_idents}
        assert any(
            lesson.groups and lesson.groups[0].ident in pairs and len(lesson.teachers) == 2
            for lesson in timetable.lessons
        )


@pytest.mark.parametrize("size", ALL_SIZES)
def test_generated_pupils_move_arrive_leave_or_have_no_class(size: Size) -> None:
    timetable = cached.establishment(size).timetable
    students = list(timetable.students.values())
    moved = [s for s in students if len(s.classes) == 2]
    assert moved
    for student in moved:
        left, entered = student.classes
        assert left.ident != entered.ident
        assert left.exit is not None
        assert entered.entry is not None
        assert left.exit < entered.entry
    assert any(
        s.classes and s.classes[0].entry and s.classes[0].entry > SCHOOL_YEAR.start
        for s in students
        if len(s.classes) == 1
    )
    assert any(
        s.classes and s.classes[0].exit and s.classes[0].exit < SCHOOL_YEAR.end for s in students if len(s.classes) == 1
    )
    assert sum(1 for s in students if not s.classes) == 3


@pytest.mark.parametrize("size", ALL_SIZES)
def test_generated_birth_dates_fit_the_level(size: Size) -> None:
    timetable = cached.establishment(size).timetable
    level_of = {c.ident: c.name[0] for c in timetable.classes.values() if c.name not in ("ULIS", "UPE2A")}
    for student in timetable.students.values():
        assert student.birth_date is not None
        if student.classes and student.classes[0].ident in level_of:
            expected = curriculum.BIRTH_YEAR[level_of[student.classes[0].ident]]
            assert expected - 1 <= student.birth_date.year <= expected + 1


@pytest.mark.parametrize("size", ALL_SIZES)
def test_generated_people_have_french_names_and_optional_identifiers(size: Size) -> None:
    timetable = cached.establishment(size).timetable
    teachers = list(timetable.teachers.values())
    names = [f"{t.last_name} {t.first_name}" for t in teachers]
    names += [f"{s.last_name} {s.first_name}" for s in timetable.students.values()]
    assert any(name != without_accents(name) for name in names)
    assert any("-" in name for name in names)
    assert any("'" in name for name in names)
    assert {t.pronote_id is None for t in teachers} == {True, False}
    assert {t.cas_id is None for t in teachers} == {True, False}
    assert {t.birth_date is None for t in teachers} == {True, False}


@pytest.mark.parametrize("size", ALL_SIZES)
def test_generated_students_include_homonyms(size: Size) -> None:
    students = list(cached.establishment(size).timetable.students.values())
    by_name = Counter((s.last_name, s.first_name) for s in students)
    by_name_and_birth = Counter((s.last_name, s.first_name, s.birth_date) for s in students)
    assert any(count >= 2 for count in by_name_and_birth.values())
    # and every homonym has their account in the directory
    accounts = cached.establishment(size).student_accounts
    assert all(s.ident in accounts for s in students if by_name[s.last_name, s.first_name] >= 2)
    shared_names = {key for key, count in by_name.items() if count >= 2}
    assert any(len({s.birth_date for s in students if (s.last_name, s.first_name) == key}) >= 2 for key in shared_names)


@pytest.mark.parametrize("size", ALL_SIZES)
def test_generated_directory_has_realistic_mismatches(size: Size) -> None:
    generated = cached.establishment(size)
    timetable = generated.timetable
    directory = {person.person_key: person for person in generated.directory}
    teachers, students = timetable.teachers, timetable.students
    # Keys are opaque and unique
    assert len(directory) == len(generated.directory)
    assert all(re.fullmatch(r"(aaf|csv|man)-[0-9a-f]{16}", key) for key in directory)
    # About 2% of people are missing
    missing = (len(teachers) - len(generated.teacher_accounts)) + (len(students) - len(generated.student_accounts))
    assert 1 <= missing <= 0.03 * (len(teachers) + len(students))
    # Every timetable CAS id is the account's; about 60% of accounts have one
    for ident, key in generated.teacher_accounts.items():
        if teachers[ident].cas_id:
            assert directory[key].cas_id == teachers[ident].cas_id
    for ident, key in generated.student_accounts.items():
        if students[ident].cas_id:
            assert directory[key].cas_id == students[ident].cas_id
        assert directory[key].birth_date == students[ident].birth_date
        assert directory[key].profile is Profile.STUDENT
    with_cas = sum(1 for person in generated.directory if person.cas_id) / len(generated.directory)
    assert 0.5 <= with_cas <= 0.7
    # Sources: mostly aaf, some csv, a few manual, staff present
    sources = Counter(person.source for person in generated.directory)
    assert sources[Source.AAF] > sources[Source.CSV] > sources[Source.MANUAL] >= 4
    assert any(person.profile is Profile.STAFF for person in generated.directory)
    # Some names are spelled differently from the timetable's, though the same once normalised
    spelled = [
        (directory[key].last_name, students[ident].last_name) for ident, key in generated.student_accounts.items()
    ]
    assert any(a != b for a, b in spelled)
    # A manual account duplicates a real, matched student
    real = {(s.last_name, s.first_name, s.birth_date) for s in students.values()}
    assert any(
        p.source is Source.MANUAL and p.profile is Profile.STUDENT and (p.last_name, p.first_name, p.birth_date) in real
        for p in generated.directory
    )
    # Exactly one present teacher has a mistyped birth date
    mistyped = [
        ident
        for ident, key in generated.teacher_accounts.items()
        if teachers[ident].birth_date is not None and directory[key].birth_date != teachers[ident].birth_date
    ]
    assert len(mistyped) == 1


@pytest.mark.parametrize("size", ALL_SIZES)
def test_generated_directory_survives_csv_round_trip(size: Size) -> None:
    directory = cached.establishment(size).directory
    assert read_directory_csv(write_directory_csv(directory)) == directory


@pytest.mark.parametrize("size", ALL_SIZES)
def test_reconciliation_of_generated_directory_never_contradicts_ground_truth(size: Size) -> None:
    # Given a generated establishment and its directory (with its known true accounts)
    generated = cached.establishment(size)
    # When the product reconciles them on a first import
    result = reconcile(generated.timetable, generated.directory, known_pronote_ids={})
    # Then every match is the person's own account, never a manual one, and most people are matched
    assert all(generated.teacher_accounts.get(ident) == key for ident, key in result.teachers.items())
    assert all(generated.student_accounts.get(ident) == key for ident, key in result.students.items())
    assert len(result.students) >= 0.95 * len(generated.timetable.students)
