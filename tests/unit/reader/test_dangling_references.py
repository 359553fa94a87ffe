from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from msgspec import structs

from edt_import.domain.dangling_references import drop_dangling_references
from edt_import.domain.export_reader import read_export
from edt_import.domain.timetable import (
    Establishment,
    Ident,
    LessonLink,
    Membership,
    ReadWarning,
    SchoolClass,
    Timetable,
    Uai,
)
from tests.support.export_xml_builder import ALL_WEEKS, LESSONS, STUDENTS, expected_timetable, export_xml, with_lesson


def _group_with(**change: tuple[Ident, ...]) -> Timetable:
    base = expected_timetable()
    group = structs.replace(base.groups[Ident("40")], **change)
    return structs.replace(base, groups={Ident("40"): group})


def _student_with(**change: tuple[Membership, ...]) -> Timetable:
    base = expected_timetable()
    student = structs.replace(base.students[Ident("51")], **change)
    return structs.replace(base, students={**base.students, Ident("51"): student})


def test_drop_dangling_references_consistent_timetable_is_returned_as_is() -> None:
    # Given a timetable whose every reference resolves
    timetable = expected_timetable()
    # When
    result, warnings = drop_dangling_references(timetable)
    # Then
    assert result is timetable
    assert warnings == ()


@pytest.mark.parametrize(
    ("field", "kind"),
    [
        ("teachers", "teacher"),
        ("classes", "class"),
        ("class_parts", "class part"),
        ("groups", "group"),
        ("rooms", "room"),
        ("students", "student"),
    ],
)
def test_drop_dangling_references_lesson_link_is_dropped_and_the_rest_kept(field: str, kind: str) -> None:
    # Given the second lesson naming an undefined 77 beside what it already had
    base = expected_timetable()
    kept = getattr(base.lessons[1], field)
    timetable = with_lesson(base, 1, **{field: (*kept, LessonLink(ident=Ident("77"), weeks=ALL_WEEKS))})
    # When
    result, warnings = drop_dangling_references(timetable)
    # Then the lesson is the one the export would give without that link, and the drop is said once
    assert result == base
    assert warnings == (
        ReadWarning(
            code="dangling_reference",
            message=f"1 lesson(s) name {kind} 77, which the export does not define, first lesson #2 (day 2, place 2); "
            "those references are ignored.",
            details={"kind": f"lesson→{kind}", "ident": "77", "count": 1},
        ),
    )


def test_drop_dangling_references_lesson_of_undeclared_subject_is_kept_for_the_planner_to_skip() -> None:
    # Given the first lesson's subject 77 undeclared
    timetable = with_lesson(expected_timetable(), 0, subject=Ident("77"))
    # When
    result, warnings = drop_dangling_references(timetable)
    # Then the lesson stays as read (the planner lists it as skipped, unknown_subject), and the reader warns
    assert result.lessons == timetable.lessons
    assert warnings == (
        ReadWarning(
            code="dangling_reference",
            message="1 lesson(s) name subject 77, which the export does not define, first lesson #1 (day 1, place 0); "
            "those lessons are skipped.",
            details={"kind": "lesson→subject", "ident": "77", "count": 1},
        ),
    )


@pytest.mark.parametrize(
    ("timetable", "kind", "holder"),
    [
        (_group_with(class_idents=(Ident("30"), Ident("77"), Ident("33"))), "group→class", "group(s)"),
        (_group_with(class_part_idents=(Ident("77"), Ident("32"))), "group→class part", "group(s)"),
        (_group_with(student_idents=(Ident("50"), Ident("77"))), "group→student", "group(s)"),
        (
            _student_with(classes=(Membership(ident=Ident("77")), *expected_timetable().students[Ident("51")].classes)),
            "student→class",
            "student(s)",
        ),
        (_student_with(class_parts=(Membership(ident=Ident("77")),)), "student→class part", "student(s)"),
    ],
    ids=["group-class", "group-part", "group-student", "student-class", "student-part"],
)
def test_drop_dangling_references_membership_is_dropped_and_counted_without_names(
    timetable: Timetable, kind: str, holder: str
) -> None:
    # Given a group or a student naming an undefined 77 beside what the default export has
    # When
    result, warnings = drop_dangling_references(timetable)
    # Then the holder keeps the rest, and the warning gives kind, ident and count only
    assert result == expected_timetable()
    target = kind.split("→")[1]
    assert warnings == (
        ReadWarning(
            code="dangling_reference",
            message=f"1 {holder} name {target} 77, which the export does not define; those references are ignored.",
            details={"kind": kind, "ident": "77", "count": 1},
        ),
    )


def test_drop_dangling_references_class_of_undefined_establishment_loses_its_establishment() -> None:
    # Given class 33 belonging to establishment 5 in an export that lists only establishment 1
    base = expected_timetable()
    timetable = structs.replace(
        base,
        establishments={Ident("1"): Establishment(ident=Ident("1"), uai=Uai("0750001U"), name="A")},
        classes={**base.classes, Ident("33"): SchoolClass(ident=Ident("33"), name="3B", establishment=Ident("5"))},
    )
    # When
    result, warnings = drop_dangling_references(timetable)
    # Then
    assert result.classes[Ident("33")] == SchoolClass(ident=Ident("33"), name="3B")
    assert [warning.details for warning in warnings] == [{"kind": "class→establishment", "ident": "5", "count": 1}]


def test_drop_dangling_references_counts_each_holder_once_per_ident() -> None:
    # Given both students in undefined class part 99, one of them naming it twice, and a group naming it too
    base = expected_timetable()
    part = Membership(ident=Ident("99"))
    students = {
        ident: structs.replace(student, class_parts=(*student.class_parts, part, part))
        for ident, student in base.students.items()
    }
    group = structs.replace(base.groups[Ident("40")], class_part_idents=(Ident("99"),))
    timetable = structs.replace(base, students=students, groups={Ident("40"): group})
    # When
    result, warnings = drop_dangling_references(timetable)
    # Then one warning per kind, counting holders, not references
    assert [warning.details for warning in warnings] == [
        {"kind": "group→class part", "ident": "99", "count": 1},
        {"kind": "student→class part", "ident": "99", "count": 2},
    ]
    assert result.students == base.students
    assert result.groups[Ident("40")].class_part_idents == ()


def test_drop_dangling_references_many_idents_of_one_kind_are_summed_up_after_twenty() -> None:
    # Given the second lesson naming 25 undefined rooms
    rooms = tuple(LessonLink(ident=Ident(f"9{number:02}"), weeks=ALL_WEEKS) for number in range(25))
    timetable = with_lesson(expected_timetable(), 1, rooms=rooms)
    # When
    _, warnings = drop_dangling_references(timetable)
    # Then twenty are named, the other five counted in one warning
    assert [warning.details.get("ident") for warning in warnings[:20]] == [f"9{number:02}" for number in range(20)]
    assert warnings[20] == ReadWarning(
        code="dangling_reference",
        message="5 other room ident(s) that the export does not define are named by 5 lesson(s); "
        "those references are ignored.",
        details={"kind": "lesson→room", "other_idents": 5, "count": 5},
    )
    assert len(warnings) == 21


def test_drop_dangling_references_unusable_dangling_ident_is_quoted_safely() -> None:
    # Given a lesson naming room "6|0\x07", which nothing defines (a defined one would be refused)
    timetable = with_lesson(expected_timetable(), 0, rooms=(LessonLink(ident=Ident("6|0\x07"), weeks=ALL_WEEKS),))
    # When
    result, warnings = drop_dangling_references(timetable)
    # Then
    assert result.lessons[0].rooms == ()
    assert warnings[0].details == {"kind": "lesson→room", "ident": "6|0?", "count": 1}


def test_read_export_pupils_in_a_class_part_no_class_lists_are_read_with_one_warning() -> None:
    # Given both pupils placed in class part 39, which no Classe lists and nothing else uses (as PRONOTE writes)
    students = STUDENTS.replace("</Eleve>", '<PartieDeClasse Ident="39" DateEntree="2025-09-01"/></Eleve>')
    # When
    export = read_export(export_xml(sections={"Eleves": students}))
    # Then the pupils keep their classes and other parts; the class part is dropped and said, without names
    assert export.timetable == expected_timetable()
    assert [(warning.code, warning.message, warning.details) for warning in export.warnings] == [
        (
            "dangling_reference",
            "2 student(s) name class part 39, which the export does not define; those references are ignored.",
            {"kind": "student→class part", "ident": "39", "count": 2},
        )
    ]


def test_read_export_lesson_with_undefined_room_is_read_without_it() -> None:
    # Given the first lesson's room 61, which the export does not define
    data = export_xml(sections={"Cours": LESSONS.replace('<Salle Ident="60"', '<Salle Ident="61"')})
    # When
    export = read_export(data)
    # Then
    expected = expected_timetable()
    assert export.timetable == with_lesson(expected, 0, rooms=())
    assert [warning.details for warning in export.warnings] == [{"kind": "lesson→room", "ident": "61", "count": 1}]


def test_read_export_pupil_whose_only_class_is_undefined_counts_as_without_class() -> None:
    # Given pupil 51's only class 33 renamed 38 in its membership, which the export does not define
    students = STUDENTS.replace('<Classe Ident="33" DateEntree', '<Classe Ident="38" DateEntree')
    # When
    export = read_export(export_xml(sections={"Eleves": students}))
    # Then the checks see the pupil as the import will: in no class
    assert export.timetable.students[Ident("51")].classes == ()
    assert [warning.code for warning in export.warnings] == ["student_without_class", "dangling_reference"]


_LESSON_FIELDS = {
    "teachers": "teacher",
    "classes": "class",
    "class_parts": "class part",
    "groups": "group",
    "rooms": "room",
    "students": "student",
}
_HOLDER_FIELDS = [
    *(("lesson", str(index), field) for index in range(len(expected_timetable().lessons)) for field in _LESSON_FIELDS),
    *(("group", "40", field) for field in ("class_idents", "class_part_idents", "student_idents")),
    *(("student", ident, field) for ident in ("50", "51") for field in ("classes", "class_parts")),
]
_TARGETS = {
    "class_idents": "class",
    "class_part_idents": "class part",
    "student_idents": "student",
    "classes": "class",
    "class_parts": "class part",
    **_LESSON_FIELDS,
}


def _with_link(timetable: Timetable, holder: tuple[str, str, str], ident: Ident, at: int) -> Timetable:
    kind, which, field = holder
    if kind == "lesson":
        links = list(getattr(timetable.lessons[int(which)], field))
        links.insert(at, LessonLink(ident=ident, weeks=ALL_WEEKS))
        return with_lesson(timetable, int(which), **{field: tuple(links)})
    records = timetable.groups if kind == "group" else timetable.students
    record = records[Ident(str(which))]
    items = list(getattr(record, field))
    items.insert(at, ident if kind == "group" else Membership(ident=ident))
    changed = {**records, Ident(str(which)): structs.replace(record, **{field: tuple(items)})}
    return structs.replace(timetable, **{"groups" if kind == "group" else "students": changed})


def _dangling_in_walk_order(timetable: Timetable) -> list[tuple[str, str]]:
    """Each (kind, ident) of an undefined reference, met record by record (classes, groups, students, lessons),
    then grouped by kind in the order kinds are first met: the order the warnings must follow."""
    defined = {
        "establishment": timetable.establishments,
        "class": timetable.classes,
        "class part": timetable.class_parts,
        "student": timetable.students,
        "teacher": timetable.teachers,
        "group": timetable.groups,
        "room": timetable.rooms,
        "subject": timetable.subjects,
    }
    named: list[tuple[str, str, str]] = []
    named += [("class", "establishment", c.establishment) for c in timetable.classes.values() if c.establishment]
    for group in timetable.groups.values():
        named += [("group", "class", i) for i in group.class_idents]
        named += [("group", "class part", i) for i in group.class_part_idents]
        named += [("group", "student", i) for i in group.student_idents]
    for student in timetable.students.values():
        named += [("student", "class", m.ident) for m in student.classes]
        named += [("student", "class part", m.ident) for m in student.class_parts]
    for lesson in timetable.lessons:
        named.append(("lesson", "subject", lesson.subject))
        named += [("lesson", target, link.ident) for f, target in _LESSON_FIELDS.items() for link in getattr(lesson, f)]
    met = dict.fromkeys(
        (f"{holder}→{target}", ident) for holder, target, ident in named if ident not in defined[target]
    )
    kinds = dict.fromkeys(kind for kind, _ in met)
    return [(kind, ident) for each in kinds for kind, ident in met if kind == each]


@given(
    st.lists(
        st.tuples(st.sampled_from(_HOLDER_FIELDS), st.sampled_from([Ident("90"), Ident("91")]), st.integers(0, 3)),
        max_size=12,
    ),
    st.sets(st.sampled_from(range(len(expected_timetable().lessons)))),
    st.booleans(),
)
def test_drop_dangling_references_any_mix_gives_back_the_export_and_counts_holders(
    links: list[tuple[tuple[str, str, str], Ident, int]], unknown_subjects: set[int], unknown_establishment: bool
) -> None:
    # Given undefined idents 90 and 91 slipped anywhere into lessons', a group's and students' links, maybe lessons
    # of an undefined subject 96, maybe class 30 of an undefined establishment 95
    base = expected_timetable()
    for index in unknown_subjects:
        base = with_lesson(base, index, subject=Ident("96"))
    if unknown_establishment:
        school_class = structs.replace(base.classes[Ident("30")], establishment=None)
        base = structs.replace(base, classes={**base.classes, Ident("30"): school_class})
    timetable = base
    for holder, ident, at in links:
        timetable = _with_link(timetable, holder, ident, at)
    if unknown_establishment:
        school_class = structs.replace(timetable.classes[Ident("30")], establishment=Ident("95"))
        timetable = structs.replace(timetable, classes={**timetable.classes, Ident("30"): school_class})
    # When
    result, warnings = drop_dangling_references(timetable)
    # Then exactly what the export defines is kept, in order (a lesson keeps its subject, for the planner to skip)
    assert result == base
    # ... each ident is warned once, in the order met, counting each holder naming it once
    assert [(w.details["kind"], w.details["ident"]) for w in warnings] == _dangling_in_walk_order(timetable)
    holders: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for (kind, which, field), ident, _ in links:
        holders.setdefault((f"{kind}→{_TARGETS[field]}", ident), set()).add((kind, which))
    holders.update(
        {("lesson→subject", "96"): {("lesson", str(i)) for i in unknown_subjects}} if unknown_subjects else {}
    )
    holders.update({("class→establishment", "95"): {("class", "30")}} if unknown_establishment else {})
    assert {(w.details["kind"], w.details["ident"]): w.details["count"] for w in warnings} == {
        key: len(named) for key, named in holders.items()
    }
