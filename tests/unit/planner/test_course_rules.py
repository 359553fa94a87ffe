from __future__ import annotations

from datetime import time

from hypothesis import given
from hypothesis import strategies as st

from edt_import.domain.course_rules import (
    COURSE_TITLE_MAX,
    LessonPart,
    SkippedLesson,
    SkipReason,
    course_title,
    derive_courses,
    unique_titles,
)
from edt_import.domain.timetable import Ident
from tests.support.timetable_builders import (
    a_class,
    a_class_part,
    a_group,
    a_lesson,
    a_subject,
    a_timetable,
    course_key,
    link,
    plan_of,
)


def test_derive_courses_lesson_with_groups_makes_one_course_per_group() -> None:
    # Given a lesson attached to class 3A and to its two language groups
    timetable = a_timetable(
        groups=[a_group("g1", "3A_G1", classes=["c1"]), a_group("g2", "3A_G2", classes=["c1"])],
        lessons=[a_lesson(classes=(link("c1"),), groups=(link("g1"), link("g2")))],
    )
    # When
    derivation = derive_courses(timetable)
    # Then the groups define the courses, the class only explains who is in them
    assert [(c.key, c.title) for c in derivation.courses] == [
        (course_key(audience="gg1"), "MATHEMATIQUES - 3A_G1"),
        (course_key(audience="gg2"), "MATHEMATIQUES - 3A_G2"),
    ]


def test_derive_courses_two_classes_attached_directly_make_two_courses() -> None:
    # Given one lesson attached to 3A and 3B
    timetable = a_timetable(
        classes=[a_class("c1", "3A"), a_class("c2", "3B")], lessons=[a_lesson(classes=(link("c1"), link("c2")))]
    )
    # When
    derivation = derive_courses(timetable)
    # Then
    assert [(c.key, c.title) for c in derivation.courses] == [
        (course_key(audience="cc1"), "MATHEMATIQUES - 3A"),
        (course_key(audience="cc2"), "MATHEMATIQUES - 3B"),
    ]


def test_derive_courses_lessons_of_one_subject_and_class_share_one_course() -> None:
    # Given three weekly lessons of maths for 3A
    timetable = a_timetable(lessons=[a_lesson(index=i, day=i + 1) for i in range(3)])
    # When
    derivation = derive_courses(timetable)
    # Then
    assert [c.key for c in derivation.courses] == [course_key()]
    assert [item.lesson.index for item in derivation.courses[0].lessons] == [0, 1, 2]


def test_derive_courses_class_part_only_lesson_is_skipped_with_its_reason() -> None:
    # Given a lesson attached to a class part alone
    timetable = a_timetable(class_parts=[a_class_part("p1")], lessons=[a_lesson(classes=(), class_parts=(link("p1"),))])
    # When
    derivation = derive_courses(timetable)
    # Then
    assert derivation.courses == ()
    assert [(s.index, s.reason) for s in derivation.skipped] == [(0, "class_part_only")]


def test_derive_courses_lesson_without_audience_is_skipped_with_its_reason() -> None:
    timetable = a_timetable(lessons=[a_lesson(classes=())])
    derivation = derive_courses(timetable)
    assert derivation.courses == ()
    assert [(s.index, s.reason) for s in derivation.skipped] == [(0, "no_audience")]


def test_derive_courses_lesson_outside_the_grid_is_skipped_with_its_reason() -> None:
    # Given a grid of places 0..9, a lesson over places 9 and 10, and one at place 12
    timetable = a_timetable(
        lessons=[a_lesson(start_place=9, place_count=2), a_lesson(index=1, day=2), a_lesson(index=2, start_place=12)]
    )
    # When
    derivation = derive_courses(timetable)
    # Then both are listed, with a start time only where the grid has the place; the other lesson makes its course
    assert [(s.index, s.reason, s.start_place, s.start) for s in derivation.skipped] == [
        (0, "outside_grid", 9, time(17, 0)),
        (2, "outside_grid", 12, None),
    ]
    assert [item.lesson.index for item in derivation.courses[0].lessons] == [1]


def test_derive_courses_class_and_group_sharing_an_ident_get_distinct_keys() -> None:
    # Given class "7" and group "7"
    timetable = a_timetable(
        classes=[a_class("7", "3A")],
        groups=[a_group("7", "3A_LATIN", classes=["7"])],
        lessons=[a_lesson(classes=(link("7"),)), a_lesson(index=1, classes=(), groups=(link("7"),))],
    )
    # When
    derivation = derive_courses(timetable)
    # Then
    assert [c.key for c in derivation.courses] == [course_key(audience="c7"), course_key(audience="g7")]


def test_derive_courses_shared_subject_code_falls_back_to_the_subject_ident() -> None:
    # Given two subjects with the same code (a damaged referential)
    timetable = a_timetable(
        subjects=[a_subject("m1", "AGL1", "ANGLAIS LV1"), a_subject("m2", "AGL1", "ANGLAIS LV1 EURO")],
        lessons=[a_lesson(), a_lesson(index=1, subject="m2")],
    )
    # When
    derivation = derive_courses(timetable)
    # Then keys never collide
    assert [c.key for c in derivation.courses] == [course_key("sm1"), course_key("sm2")]


def test_course_title_trims_the_subject_label_first() -> None:
    # Given a label that makes the title longer than 64 characters
    label = "SCIENCES ECONOMIQUES ET SOCIALES ET SCIENCES DE LA VIE ET DE LA TERRE"
    # When
    title = course_title(label, "1ES3")
    # Then the class name is whole and the label shortened
    assert title == "SCIENCES ECONOMIQUES ET SOCIALES ET SCIENCES DE LA VIE ET - 1ES3"
    assert len(title) == COURSE_TITLE_MAX


def test_course_title_name_longer_than_the_limit_is_cut_as_a_last_resort() -> None:
    assert course_title("MATHS", "N" * 70) == "N" * 64


def test_unique_titles_same_title_gets_a_numbered_suffix_in_key_order() -> None:
    # Given two subjects with one label and a long label trimmed to the same prefix
    titles = unique_titles(
        {"k1": ("ANGLAIS", "3A"), "k2": ("ANGLAIS", "3A"), "k3": ("X" * 70, "3A"), "k4": ("X" * 71, "3A")}
    )
    # Then
    assert titles == {
        "k1": "ANGLAIS - 3A",
        "k2": "ANGLAIS - 3A (2)",
        "k3": "X" * 59 + " - 3A",
        "k4": "X" * 55 + " - 3A (2)",
    }


def test_plan_course_spec_has_code_parent_and_key() -> None:
    # Given the default timetable
    result = plan_of(a_timetable())
    # Then
    [spec] = [a.target for a in result.plan.actions if a.type == "create_course"]
    assert (spec.key, spec.title, spec.code, spec.parent_key) == (  # type: ignore[union-attr]
        course_key(),
        "MATHEMATIQUES - 3A",
        "MATHS",
        "edt:0750001A:2025-2026",
    )
    assert (result.plan.year_node.key, result.plan.year_node.title, result.plan.year_node.parent_key) == (
        "edt:0750001A:2025-2026",
        "Cours 2025 - 2026",
        "0750001A",
    )


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["MATHEMATIQUES", "ANGLAIS LV1", "X" * 70, "SCIENCES DE LA VIE ET DE LA TERRE " * 2]),
            st.sampled_from(["3A", "3A_G1", "1ES3", "GROUPE DE SOUTIEN " * 2]),
        ),
        max_size=12,
    )
)
def test_unique_titles_are_unique_within_the_cap_and_keep_the_audience_name_whole(
    pairs: list[tuple[str, str]],
) -> None:
    # Given any courses, with repeated and overlong labels
    labels = {f"k{i:02d}": pair for i, pair in enumerate(pairs)}
    # When
    titles = unique_titles(labels)
    # Then
    assert len(set(titles.values())) == len(titles)
    for key, title in titles.items():
        label, name = labels[key]
        assert len(title) <= COURSE_TITLE_MAX
        base = title.rsplit(" (", 1)[0] if title.endswith(")") and not name.strip().endswith(")") else title
        assert base.endswith(f" - {name.strip()}")
        assert label.startswith(base[: -len(f" - {name.strip()}")])


def test_derive_courses_blank_subject_label_falls_back_to_its_code() -> None:
    # Given a subject exported with a blank label, and one with neither label nor code
    timetable = a_timetable(
        subjects=[a_subject("m1", "MATHS", "  "), a_subject("m2", "", "")],
        lessons=[a_lesson(), a_lesson(index=1, subject="m2")],
    )
    # When
    derivation = derive_courses(timetable)
    # Then
    assert [(c.key, c.title) for c in derivation.courses] == [
        (course_key(), "MATHS - 3A"),
        (course_key("sm2"), "3A"),
    ]


def test_derive_courses_class_beside_an_unrelated_group_makes_its_own_course() -> None:
    # Given a lesson naming class 3B and group LATIN, which is made of 3A only
    timetable = a_timetable(
        classes=[a_class("c1", "3A"), a_class("c2", "3B")],
        groups=[a_group("g1", "LATIN", classes=["c1"])],
        lessons=[a_lesson(classes=(link("c1"), link("c2")), groups=(link("g1"),))],
    )
    # When
    derivation = derive_courses(timetable)
    # Then the group makes its course, 3A only explains who is in it, 3B makes its own
    assert [(c.key, c.title) for c in derivation.courses] == [
        (course_key(audience="cc2"), "MATHEMATIQUES - 3B"),
        (course_key(audience="gg1"), "MATHEMATIQUES - LATIN"),
    ]


def test_derive_courses_class_held_by_a_group_through_one_of_its_parts_makes_no_course() -> None:
    # Given half-groups made of the class parts of 3A, on a lesson also naming 3A
    timetable = a_timetable(
        classes=[a_class("c1", "3A", parts=["p1", "p2"])],
        class_parts=[a_class_part("p1"), a_class_part("p2")],
        groups=[a_group("g1", "3A_G1", class_parts=["p1"]), a_group("g2", "3A_G2", class_parts=["p2"])],
        lessons=[a_lesson(classes=(link("c1"),), groups=(link("g1"),))],
    )
    # When
    derivation = derive_courses(timetable)
    # Then only the group attached to the lesson makes a course
    assert [c.key for c in derivation.courses] == [course_key(audience="gg1")]


def test_derive_courses_ulis_part_beside_two_groups_joins_both_group_courses() -> None:
    # Given half-groups G1 = <3A p1>, G2 = <3A p2> and the ULIS part attached to the lesson beside them
    timetable = a_timetable(
        classes=[a_class("c1", "3A", parts=["p1", "p2"]), a_class("u1", "ULIS", parts=["pu"])],
        class_parts=[a_class_part("p1"), a_class_part("p2"), a_class_part("pu", "u1")],
        groups=[a_group("g1", "3A_G1", class_parts=["p1"]), a_group("g2", "3A_G2", class_parts=["p2"])],
        lessons=[
            a_lesson(classes=(), class_parts=(link("pu"), link("p1")), groups=(link("g1"), link("g2")), students=())
        ],
    )
    # When
    derivation = derive_courses(timetable)
    # Then the ULIS part is in both group courses; p1, which G1 holds, in neither as an extra
    assert [(c.key, c.extra_class_parts) for c in derivation.courses] == [
        (course_key(audience="gg1"), frozenset({"pu"})),
        (course_key(audience="gg2"), frozenset({"pu"})),
    ]
    assert derivation.skipped == ()


def test_derive_courses_unknown_subject_lesson_is_listed_with_what_finds_it() -> None:
    # Given a lesson whose subject m9 the export does not declare, and a class-part-only lesson at 10:00
    timetable = a_timetable(
        class_parts=[a_class_part("p1"), a_class_part("p9", "c9")],
        lessons=[
            a_lesson(subject="m9", day=2, start_place=1),
            a_lesson(index=1, day=4, start_place=2, classes=(), class_parts=(link("p1"), link("p9"))),
        ],
    )
    # When
    derivation = derive_courses(timetable)
    # Then each is listed with its subject, day, start time and audience; a part of an unknown class has no name
    assert derivation.courses == ()
    assert derivation.skipped == (
        SkippedLesson(
            index=0,
            reason=SkipReason.UNKNOWN_SUBJECT,
            subject_ident=Ident("m9"),
            subject_code=None,
            subject_label=None,
            day=2,
            start_place=1,
            start=time(9, 0),
            classes=("3A",),
            groups=(),
            class_parts=(),
            students=0,
        ),
        SkippedLesson(
            index=1,
            reason=SkipReason.CLASS_PART_ONLY,
            subject_ident=Ident("m1"),
            subject_code="MATHS",
            subject_label="MATHEMATIQUES",
            day=4,
            start_place=2,
            start=time(10, 0),
            classes=(),
            groups=(),
            class_parts=(
                LessonPart(ident=Ident("p1"), class_name="3A"),
                LessonPart(ident=Ident("p9"), class_name=None),
            ),
            students=0,
        ),
    )
    assert derivation.skipped_counts == {
        "unknown_subject": 1,
        "class_part_only": 1,
        "no_audience": 0,
        "outside_grid": 0,
        "not_selected": 0,
    }
