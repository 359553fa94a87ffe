"""The course rules stated on people, for any mix of classes, groups, class parts and pupils on a lesson."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from edt_import.domain.course_rules import SkipReason
from edt_import.domain.timetable import Group, Timetable
from tests.support.timetable_builders import (
    YEAR_KEY,
    a_class,
    a_class_part,
    a_group,
    a_lesson,
    a_student,
    a_timetable,
    link,
    plan_of,
)

# 3A in halves p1 (s1) and p2 (s2), 3B with part p3 (s3), the ULIS class with its part pu (s9)
CLASSES = [a_class("c1", "3A", parts=["p1", "p2"]), a_class("c2", "3B", parts=["p3"]), a_class("u1", "ULIS", ["pu"])]
PARTS = [a_class_part("p1"), a_class_part("p2"), a_class_part("p3", "c2"), a_class_part("pu", "u1")]
GROUPS = {
    "g1": a_group("g1", "3A_G1", class_parts=["p1"]),
    "g2": a_group("g2", "3A_G2", class_parts=["p2"]),
    "g3": a_group("g3", "3A_LATIN", classes=["c1"]),
    "g4": a_group("g4", "3AB", classes=["c1", "c2"]),
    "g5": a_group("g5", "3B_SOUTIEN", class_parts=["p3"]),
}
STUDENTS = [
    a_student("s1", "A", "A", classes=["c1"], class_parts=["p1"]),
    a_student("s2", "B", "B", classes=["c1"], class_parts=["p2"]),
    a_student("s3", "C", "C", classes=["c2"], class_parts=["p3"]),
    a_student("s9", "U", "U", classes=["u1"], class_parts=["pu"]),
]
PART_CLASS = {part.ident: part.class_ident for part in PARTS}


def pupils_of_group(group: Group) -> set[str]:
    return {
        s.ident
        for s in STUDENTS
        if any(m.ident in group.class_idents for m in s.classes)
        or any(m.ident in group.class_part_idents for m in s.class_parts)
    }


def school(classes: set[str], groups: set[str], parts: set[str], pupils: set[str]) -> Timetable:
    lesson = a_lesson(
        classes=tuple(link(c) for c in sorted(classes)),
        groups=tuple(link(g) for g in sorted(groups)),
        class_parts=tuple(link(p) for p in sorted(parts)),
        students=tuple(link(s) for s in sorted(pupils)),
    )
    return a_timetable(classes=CLASSES, class_parts=PARTS, groups=GROUPS.values(), students=STUDENTS, lessons=[lesson])


@given(
    classes=st.sets(st.sampled_from(["c1", "c2"])),
    groups=st.sets(st.sampled_from(sorted(GROUPS))),
    parts=st.sets(st.sampled_from(["p1", "p2", "p3", "pu"])),
    pupils=st.sets(st.sampled_from(["s1", "s3", "s9"])),
)
@settings(max_examples=150, deadline=None)
def test_course_rules_every_pupil_of_a_lesson_gets_a_course_and_no_half_enters_the_other(
    classes: set[str], groups: set[str], parts: set[str], pupils: set[str]
) -> None:
    # Given one lesson naming any classes, groups, class parts and pupils
    result = plan_of(school(classes, groups, parts, pupils))
    report = result.report
    if not classes and not groups:
        # Then a lesson without class or group makes no course, and says why
        assert report.courses == ()
        reason = SkipReason.CLASS_PART_ONLY if parts else SkipReason.NO_AUDIENCE
        assert [s.reason for s in report.skipped_lessons] == [reason]
        return
    held_classes = {c for g in groups for c in GROUPS[g].class_idents}
    held_classes |= {PART_CLASS[p] for g in groups for p in GROUPS[g].class_part_idents}
    # Then one course per group, and one per class no group of the lesson holds
    expected = {f"{YEAR_KEY}:MATHS:g{g}" for g in groups} | {f"{YEAR_KEY}:MATHS:c{c}" for c in classes - held_classes}
    assert {course.key for course in report.courses} == expected
    learners = {
        key: {p.removeprefix("S-") for p in group.learners} for key, group in result.state.member_groups.items()
    }
    # A part or pupil no group of the lesson holds (ULIS) is in every course of it; the others only in their own
    in_groups = set().union(*(pupils_of_group(GROUPS[g]) for g in groups)) if groups else set()
    free = {s.ident for s in STUDENTS if any(m.ident in parts for m in s.class_parts)} | pupils
    free -= in_groups if groups else set()
    for key in expected:
        audience = key.rsplit(":", 1)[1]
        own = (
            pupils_of_group(GROUPS[audience[1:]])
            if audience.startswith("g")
            else {s.ident for s in STUDENTS if any(m.ident == audience[1:] for m in s.classes)}
        )
        assert learners.get(key, set()) == own | free
    # And everyone the lesson names attends at least one of its courses (a class a group holds only says who is
    # in the group: the other half of a half-class lesson is not in it)
    own_classes = classes - held_classes
    named = {s.ident for s in STUDENTS if any(m.ident in own_classes for m in s.classes)} | in_groups | free
    assert named <= set().union(*learners.values())
    # Whoever is in none of its courses is reported as left out
    members = set().union(*learners.values())
    assert {ident for ident, _ in report.left_out.students} == {s.ident for s in STUDENTS} - members
