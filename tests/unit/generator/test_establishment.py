from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from msgspec import structs

from edt_import.domain.directory_csv import write_directory_csv
from edt_import.domain.timetable import Ident, Lesson, LessonLink, Timetable
from edt_import.domain.uai import is_valid_uai
from edt_import.domain.week_mask import mask_of, weeks_of
from edt_import.generator.establishment import Size, audience_occurrences, generate_establishment
from edt_import.generator.school_calendar import HOLIDAY_WEEKS, monday_of
from edt_import.generator.xml_writer import timetable_to_xml
from tests.support import cached

SUPPORT_CLASSES = ("ULIS", "UPE2A")


def _regular_classes(timetable: Timetable) -> list[str]:
    return [c.name for c in timetable.classes.values() if c.name not in SUPPORT_CLASSES]


def test_generate_establishment_same_seed_gives_identical_files() -> None:
    # Given two generations from the same seed (the cached one and a fresh one)
    first = cached.establishment(Size.COLLEGE, 11)
    second = generate_establishment(Size.COLLEGE, 11)
    # Then the model, the inner XML and the directory are identical
    assert second == first
    assert timetable_to_xml(second.timetable) == timetable_to_xml(first.timetable)
    assert write_directory_csv(second.directory) == write_directory_csv(first.directory)


def test_generate_establishment_other_seed_gives_other_content() -> None:
    first = cached.establishment(Size.COLLEGE, 11)
    other = cached.establishment(Size.COLLEGE, 12)
    assert timetable_to_xml(other.timetable) != timetable_to_xml(first.timetable)
    assert write_directory_csv(other.directory) != write_directory_csv(first.directory)


def test_audience_occurrences_counts_class_and_group_weeks_not_cancelled() -> None:
    # Given one lesson with a class every week 1-4, two alternating groups and week 2 cancelled
    lesson = Lesson(
        index=0,
        day=1,
        start_place=0,
        place_count=1,
        subject=Ident("1"),
        cancelled_weeks=mask_of([2]),
        classes=(LessonLink(ident=Ident("1"), weeks=mask_of([1, 2, 3, 4])),),
        groups=(
            LessonLink(ident=Ident("1"), weeks=mask_of([1, 3])),
            LessonLink(ident=Ident("2"), weeks=mask_of([2, 4])),
        ),
        class_parts=(LessonLink(ident=Ident("9"), weeks=mask_of([1, 2, 3, 4])),),
        teachers=(LessonLink(ident=Ident("1"), weeks=mask_of([1, 2, 3, 4])),),
    )
    timetable = cached.establishment(Size.COLLEGE).timetable
    small = structs.replace(timetable, lessons=(lesson,))
    # Then class: 3 weeks, first group: 2, second group: 1 (parts and teachers do not count)
    assert audience_occurrences(small) == 6


def test_college_has_24_classes_and_about_600_pupils() -> None:
    generated = cached.establishment(Size.COLLEGE)
    timetable = generated.timetable
    names = _regular_classes(timetable)
    assert len(names) == 24
    assert Counter(name[0] for name in names) == {"6": 6, "5": 6, "4": 6, "3": 6}
    assert 560 <= len(timetable.students) <= 700
    assert timetable.establishments == {}
    assert is_valid_uai(generated.uai)
    assert timetable.uai == generated.uai


def test_lycee_has_about_1500_pupils_and_speciality_groups() -> None:
    timetable = cached.establishment(Size.LYCEE).timetable
    assert 1400 <= len(timetable.students) <= 1650
    names = _regular_classes(timetable)
    assert {name[0] for name in names} == {"2", "1", "T"}
    speciality_groups = [g for g in timetable.groups.values() if g.student_idents and len(g.class_idents) > 1]
    assert {g.name[0] for g in speciality_groups} == {"1", "T"}


def test_cite_has_two_establishments_3000_pupils_and_100000_occurrences() -> None:
    generated = cached.establishment(Size.CITE)
    timetable = generated.timetable
    # Then two establishments with two valid UAIs, the root being one of them
    uais = [e.uai for e in timetable.establishments.values()]
    assert len(set(uais)) == 2
    assert all(is_valid_uai(uai) for uai in uais)
    assert timetable.uai in uais
    # and every class carries its establishment: collège levels in one, lycée levels in the other
    by_establishment = {
        ident: {
            c.name[0] for c in timetable.classes.values() if c.establishment == ident and c.name not in SUPPORT_CLASSES
        }
        for ident in timetable.establishments
    }
    assert sorted(map(sorted, by_establishment.values())) == [["1", "2", "T"], ["3", "4", "5", "6"]]
    assert all(c.establishment in timetable.establishments for c in timetable.classes.values())
    assert len(timetable.students) >= 3000
    assert audience_occurrences(timetable) >= 100_000


@pytest.mark.parametrize("size", list(Size))
def test_generated_weeks_skip_holidays_and_lessons_fit_the_grid(size: Size) -> None:
    timetable = cached.establishment(size).timetable
    holidays = mask_of(list(HOLIDAY_WEEKS))
    for lesson in timetable.lessons:
        assert lesson.start_place + lesson.place_count <= timetable.grid.places_per_day
        assert lesson.day in timetable.grid.working_days
        for link in (*lesson.teachers, *lesson.classes, *lesson.class_parts, *lesson.groups, *lesson.rooms):
            assert link.weeks & holidays == 0
            assert link.weeks != 0
    assert monday_of(1) == timetable.school_year.week1_monday == date(2026, 8, 31)


@pytest.mark.parametrize("size", list(Size))
def test_generated_classes_and_teachers_are_never_in_two_places_at_once(size: Size) -> None:
    # Given every (person or class, day, place, week) a lesson uses
    timetable = cached.establishment(size).timetable
    seen: set[tuple[str, int, int, int]] = set()
    for lesson in timetable.lessons:
        kept = ~lesson.cancelled_weeks
        audiences = [("t", link) for link in lesson.teachers] + [("c", link) for link in lesson.classes]
        for kind, link in audiences:
            for week in weeks_of(link.weeks & kept):
                for place in range(lesson.start_place, lesson.start_place + lesson.place_count):
                    key = (kind + link.ident, lesson.day, place, week)
                    # Then none is used twice
                    assert key not in seen
                    seen.add(key)


def test_college_keeps_wednesday_afternoon_and_lunch_free() -> None:
    timetable = cached.establishment(Size.COLLEGE).timetable
    for lesson in timetable.lessons:
        if lesson.day == 3:
            assert lesson.start_place + lesson.place_count <= 4
    for class_ident in timetable.classes:
        busy = {
            (lesson.day, place)
            for lesson in timetable.lessons
            if any(link.ident == class_ident for link in lesson.classes)
            for place in range(lesson.start_place, lesson.start_place + lesson.place_count)
        }
        assert all((day, 4) not in busy or (day, 5) not in busy for day in (1, 2, 4, 5))


@pytest.mark.parametrize("size", list(Size))
def test_generated_class_weeks_span_26_to_33_places(size: Size) -> None:
    # Given a regular class's weekly places for the whole class (halves and groups counted as the class's slots)
    timetable = cached.establishment(size).timetable
    part_class = {p.ident: p.class_ident for p in timetable.class_parts.values()}
    for school_class in timetable.classes.values():
        if school_class.name in SUPPORT_CLASSES:
            continue
        slots: set[tuple[int, int]] = set()
        for lesson in timetable.lessons:
            groups = [timetable.groups[g.ident] for g in lesson.groups]
            uses = (
                any(link.ident == school_class.ident for link in lesson.classes)
                or any(part_class[link.ident] == school_class.ident for link in lesson.class_parts)
                or any(school_class.ident in g.class_idents for g in groups)
                or any(part_class[p] == school_class.ident for g in groups for p in g.class_part_idents)
            )
            if uses:
                slots.update(
                    (lesson.day, p) for p in range(lesson.start_place, lesson.start_place + lesson.place_count)
                )
        # Then the class week spans 26 to 33 places (each half-class lesson takes its own slot)
        assert 26 <= len(slots) <= 33, school_class.name
