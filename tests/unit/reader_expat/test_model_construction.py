"""The reader's fast constructors build exactly what the dataclasses' own ``__init__`` builds."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edt_import.domain import model_construction
from edt_import.domain.model_construction import new_lesson, new_student
from edt_import.domain.timetable import (
    CasId,
    Ident,
    Lesson,
    LessonLink,
    Membership,
    PronoteId,
    Sex,
    Student,
)

LINKS = st.lists(
    st.builds(LessonLink, ident=st.sampled_from([Ident("1"), Ident("2")]), weeks=st.integers(0, (1 << 64) - 2)),
    max_size=3,
).map(tuple)
MEMBERSHIPS = st.lists(st.builds(Membership, ident=st.just(Ident("30")), entry=st.none() | st.dates()), max_size=2).map(
    tuple
)


def lesson_fields(index: int, links: tuple[LessonLink, ...]) -> dict[str, object]:
    return {
        "index": index,
        "day": 2,
        "start_place": 3,
        "place_count": 1,
        "subject": Ident("10"),
        "cancelled_weeks": 8,
        "teachers": links,
        "classes": (),
        "class_parts": links[:1],
        "groups": (),
        "rooms": links,
        "students": (),
    }


@settings(max_examples=30, deadline=None)
@given(index=st.integers(0, 10_000), links=LINKS)
def test_new_lesson_any_fields_equal_the_dataclass_init(index: int, links: tuple[LessonLink, ...]) -> None:
    # Given a lesson's fields
    fields = lesson_fields(index, links)
    # When
    built = new_lesson(*fields.values())  # type: ignore[arg-type]
    # Then it is the same value, field by field, with the same type and hash, and as frozen
    assert type(built) is Lesson
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.day = 3  # type: ignore[misc]
    assert built == Lesson(**fields)  # type: ignore[arg-type]
    assert dataclasses.asdict(built) == dataclasses.asdict(Lesson(**fields))  # type: ignore[arg-type]
    assert hash(built) == hash(Lesson(**fields))  # type: ignore[arg-type]


@settings(max_examples=30, deadline=None)
@given(
    birth=st.none() | st.dates(),
    sex=st.none() | st.sampled_from(Sex),
    optional=st.none() | st.text(max_size=5),
    classes=MEMBERSHIPS,
)
def test_new_student_any_fields_equal_the_dataclass_init(
    birth: date | None, sex: Sex | None, optional: str | None, classes: tuple[Membership, ...]
) -> None:
    # Given a student's fields
    pronote_id = PronoteId(optional) if optional is not None else None
    cas_id = CasId(optional) if optional is not None else None
    # When
    built = new_student(Ident("50"), "NOM", "Prenom", birth, sex, optional, pronote_id, cas_id, classes, classes[:1])
    # Then
    assert built == Student(
        ident=Ident("50"),
        last_name="NOM",
        first_name="Prenom",
        birth_date=birth,
        sex=sex,
        national_id=optional,
        pronote_id=pronote_id,
        cas_id=cas_id,
        classes=classes,
        class_parts=classes[:1],
    )


def test_twin_fields_changed_gives_none() -> None:
    # Given the field names of Lesson with one missing (as if a field had been added to the model)
    names = tuple(field.name for field in dataclasses.fields(Lesson))[:-1]
    # When / Then the fast path is refused
    assert model_construction._twin(Lesson, names) is None


def test_new_lesson_without_twin_falls_back_to_init(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given the fast path refused (the model's fields changed)
    monkeypatch.setattr(model_construction, "_LESSON_TWIN", None)
    monkeypatch.setattr(model_construction, "_STUDENT_TWIN", None)
    fields = lesson_fields(7, (LessonLink(ident=Ident("1"), weeks=2),))
    # When / Then the same values come out of the dataclasses' own __init__
    assert new_lesson(*fields.values()) == Lesson(**fields)  # type: ignore[arg-type]
    student = new_student(Ident("50"), "N", "P", None, None, None, None, None, (), ())
    assert student == Student(ident=Ident("50"), last_name="N", first_name="P")
