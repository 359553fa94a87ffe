"""The cases real PRONOTE exports carry, written by the generator in every size and read back by the reader."""

from __future__ import annotations

import pytest
from lxml import etree

from edt_import.domain.export_reader import read_export
from edt_import.domain.timetable import Ident, Lesson, Timetable
from edt_import.generator.establishment import Size
from tests.support import cached


def _unlisted_parts(timetable: Timetable) -> dict[Ident, int]:
    """Class parts pupils are placed in that no class lists, with how many pupils each."""
    counts: dict[Ident, int] = {}
    for student in timetable.students.values():
        for ident in dict.fromkeys(part.ident for part in student.class_parts):
            if ident not in timetable.class_parts:
                counts[ident] = counts.get(ident, 0) + 1
    return counts


def _contains(timetable: Timetable, group_ident: Ident, class_ident: Ident) -> bool:
    group = timetable.groups[group_ident]
    parts_of = (timetable.class_parts[part].class_ident for part in group.class_part_idents)
    return class_ident in group.class_idents or class_ident in set(parts_of)


def _class_beside_unrelated_group(timetable: Timetable) -> list[Lesson]:
    return [
        lesson
        for lesson in timetable.lessons
        if lesson.groups
        and any(
            not any(_contains(timetable, group.ident, school_class.ident) for group in lesson.groups)
            for school_class in lesson.classes
        )
    ]


def _part_beside_half_groups(timetable: Timetable) -> list[Lesson]:
    """Lessons where a class part of another class (ULIS, UPE2A) sits beside two or more groups of one class."""
    found = []
    for lesson in timetable.lessons:
        host_classes = {
            timetable.class_parts[part].class_ident
            for group in lesson.groups
            for part in timetable.groups[group.ident].class_part_idents
        }
        guests = [
            link
            for link in lesson.class_parts
            if link.ident in timetable.class_parts and timetable.class_parts[link.ident].class_ident not in host_classes
        ]
        if len(lesson.groups) >= 2 and len(host_classes) == 1 and guests:
            found.append(lesson)
    return found


@pytest.mark.parametrize("size", list(Size))
def test_generated_pupils_sit_in_a_class_part_no_class_lists_and_nothing_uses(size: Size) -> None:
    # Given a generated establishment
    timetable = cached.establishment(size).timetable
    # When its unlisted class parts are looked for
    unlisted = _unlisted_parts(timetable)
    # Then each school of it has one, held by pupils only
    assert len(unlisted) == (2 if size is Size.CITE else 1)
    assert all(3 <= pupils <= 14 for pupils in unlisted.values())
    used = {
        *(part for group in timetable.groups.values() for part in group.class_part_idents),
        *(link.ident for lesson in timetable.lessons for link in lesson.class_parts),
        *(part for school_class in timetable.classes.values() for part in school_class.part_idents),
    }
    assert not used & set(unlisted)


@pytest.mark.parametrize("size", list(Size))
def test_generated_unlisted_class_part_is_read_with_a_dangling_warning(size: Size) -> None:
    # Given the generated inner XML
    timetable = cached.establishment(size).timetable
    # When it is read
    export = read_export(cached.inner_xml(size))
    # Then each unlisted class part is one warning with its pupil count, and the rest is read as written
    dangling = [warning.details for warning in export.warnings if warning.code == "dangling_reference"]
    assert dangling == [
        {"kind": "student→class part", "ident": ident, "count": pupils}
        for ident, pupils in _unlisted_parts(timetable).items()
    ]
    assert export.timetable == cached.as_read(timetable)


@pytest.mark.parametrize("size", list(Size))
def test_generated_lessons_attach_a_class_beside_a_group_that_does_not_contain_it(size: Size) -> None:
    # Given a generated establishment, read back
    timetable = read_export(cached.inner_xml(size)).timetable
    # When / Then each school has such a lesson, and the reader keeps both audiences
    lessons = _class_beside_unrelated_group(timetable)
    assert len({lesson.classes[0].ident for lesson in lessons}) == (2 if size is Size.CITE else 1)
    assert all(lesson.classes and lesson.groups for lesson in lessons)


@pytest.mark.parametrize("size", list(Size))
def test_generated_support_class_part_sits_beside_the_half_groups_of_its_host_class(size: Size) -> None:
    # Given a generated establishment, read back
    timetable = read_export(cached.inner_xml(size)).timetable
    # When / Then ULIS or UPE2A parts join lessons both half groups of a host class share
    lessons = _part_beside_half_groups(timetable)
    assert lessons
    support = {timetable.class_parts[link.ident].class_ident for lesson in lessons for link in lesson.class_parts}
    assert {timetable.classes[ident].name for ident in support} <= {"ULIS", "UPE2A"}
    assert all(not lesson.classes for lesson in lessons)


@pytest.mark.parametrize("size", list(Size))
def test_generated_class_parts_carry_no_name(size: Size) -> None:
    # Given the generated inner XML
    root = etree.fromstring(cached.inner_xml(size))
    # When / Then no PartieDeClasse has any attribute besides its ident (and, under a pupil, its dates)
    attributes = {
        (etree.QName(element.getparent()).localname, name)
        for element in root.iter("{*}PartieDeClasse")
        for name in element.attrib
    }
    assert attributes == {
        ("Classe", "Ident"),
        ("Groupe", "Ident"),
        ("Cours", "Ident"),
        ("Cours", "Semaines"),
        ("Eleve", "Ident"),
        ("Eleve", "DateEntree"),
        ("Eleve", "DateSortie"),
    }
