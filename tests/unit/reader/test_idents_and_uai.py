"""Idents and UAIs that would corrupt sync keys, and class → establishment references.

The planner builds sync keys as ``edt:{uai}:{year}:...{ident}`` and member keys as ``course|person|role``: an
ident or UAI holding ``|``, ``:``, whitespace or control characters must be refused before it reaches it.
"""

from __future__ import annotations

from datetime import date

import pytest
from msgspec import structs

from edt_import.domain.errors import ErrorCode, ExportRejectedError
from edt_import.domain.export_reader import read_export
from edt_import.domain.timetable import Ident, LessonLink
from edt_import.domain.timetable_validation import validate_timetable
from edt_import.generator.container_sealing import seal_container
from tests.support.export_xml_builder import (
    CLASSES,
    GROUPS,
    LESSONS,
    STUDENTS,
    SUBJECTS,
    expected_timetable,
    export_xml,
)
from tests.support.hostile_containers import EXPORTED_AT, make_keys, sealed


def refused(data: bytes) -> ExportRejectedError:
    with pytest.raises(ExportRejectedError) as caught:
        read_export(data)
    return caught.value


@pytest.mark.parametrize(
    ("ident", "shown"),
    [
        ("3|B", "3|B"),
        ("3:B", "3:B"),
        ("3 B", "3 B"),
        (" ", " "),
        ("3&#9;B", "3?B"),
        ("3&#10;B", "3?B"),
        ("x" * 65, "x" * 40 + "..."),
    ],
)
def test_read_export_class_ident_unusable_in_sync_keys_is_invalid_timetable(ident: str, shown: str) -> None:
    # Given class 33 renamed everywhere to an ident a sync key cannot hold
    data = export_xml(
        sections={
            "Classes": CLASSES.replace('Ident="33"', f'Ident="{ident}"'),
            "Groupes": GROUPS.replace('Ident="33"', f'Ident="{ident}"'),
            "Eleves": STUDENTS.replace('Ident="33"', f'Ident="{ident}"'),
        }
    )
    # When
    error = refused(data)
    # Then the export is refused, naming the element, the ident shown without control characters
    assert error.code == ErrorCode.INVALID_TIMETABLE
    assert error.message == (
        f"A Classe has the ident {shown!r}, which is not a plain code of letters and digits; the export is damaged."
    )
    assert error.details == {"element": "Classe", "ident": shown}


@pytest.mark.parametrize("ident", ["12345", "4294967295", "ABC-12_x.3", "x" * 64])
def test_read_export_alphanumeric_idents_are_accepted(ident: str) -> None:
    # Given a subject whose ident is digits, letters, dash, underscore or dot (up to 64 characters)
    data = export_xml(
        sections={
            "Matieres": SUBJECTS.replace('Ident="11"', f'Ident="{ident}"'),
            "Cours": LESSONS.replace('<Matiere Ident="11"/>', f'<Matiere Ident="{ident}"/>'),
        }
    )
    # When
    export = read_export(data)
    # Then the subject is read under that ident, with nothing to say
    assert export.timetable.lessons[1].subject == ident
    assert ident in export.timetable.subjects
    assert export.warnings == ()


@pytest.mark.parametrize(
    ("field", "element"),
    [
        ("subjects", "Matiere"),
        ("teachers", "Professeur"),
        ("classes", "Classe"),
        ("class_parts", "PartieDeClasse"),
        ("groups", "Groupe"),
        ("rooms", "Salle"),
        ("students", "Eleve"),
    ],
)
def test_validate_timetable_unusable_ident_in_each_section_names_its_element(field: str, element: str) -> None:
    # Given one record of the section whose key is "a|b"
    base = expected_timetable()
    records: dict[Ident, object] = dict(getattr(base, field))
    first = next(iter(records))
    records[Ident("a|b")] = records.pop(first)
    changes: dict[str, object] = {field: records}
    timetable = structs.replace(base, **changes)
    # When
    with pytest.raises(ExportRejectedError) as caught:
        validate_timetable(timetable)
    # Then
    assert caught.value.code == ErrorCode.INVALID_TIMETABLE
    assert caught.value.details == {"element": element, "ident": "a|b"}


@pytest.mark.parametrize("uai", ["0750001U|X", "0750:001U", "0750 001U"])
def test_read_export_uai_with_separator_characters_is_invalid_timetable(uai: str) -> None:
    # Given an inner UAI holding a character sync keys use as a separator
    # When
    error = refused(export_xml(uai=uai))
    # Then
    assert error.code == ErrorCode.INVALID_TIMETABLE
    assert error.details == {"element": "ExportEmploiDuTemps", "attribute": "UAI"}


def test_read_export_uai_with_wrong_letter_is_only_a_warning() -> None:
    # Given a well-shaped UAI whose check letter is wrong (0750001A instead of 0750001U)
    # When
    export = read_export(export_xml(uai="0750001A"))
    # Then
    assert [warning.code for warning in export.warnings] == ["invalid_uai"]


def test_validate_timetable_student_link_after_year_end_warns_like_other_links() -> None:
    # Given the second lesson's student (its only week-63 link) present in week 63 while the year ends in week 44
    base = expected_timetable()
    lessons = list(base.lessons)
    lessons[1] = structs.replace(lessons[1], students=(LessonLink(ident=Ident("51"), weeks=1 << 63),))
    timetable = structs.replace(base, lessons=tuple(lessons))
    # When
    warnings = validate_timetable(timetable)
    # Then
    assert [(warning.code, warning.message) for warning in warnings] == [
        (
            "weeks_beyond_year",
            "1 lesson(s) have weeks after the end of the school year (week 44), "
            "first lesson #2 (day 2, place 2); those weeks are ignored.",
        )
    ]


def test_read_export_oddly_written_uai_without_separators_only_warns() -> None:
    # Given a UAI with a dash (not a valid UAI, but harmless in a sync key)
    # When
    export = read_export(export_xml(uai="0750001-U"))
    # Then it is read, with the check-letter warning
    assert (export.timetable.uai, [warning.code for warning in export.warnings]) == ("0750001-U", ["invalid_uai"])


def test_read_export_listed_establishment_uai_with_separator_is_invalid_timetable() -> None:
    # Given a multi-establishment export whose second establishment's Numero holds a '|'
    establishments = (
        '<Etablissements><Etablissement Ident="1" Numero="0750001U" Nom="A"/>'
        '<Etablissement Ident="2" Numero="0750002|V" Nom="B"/></Etablissements>'
    )
    data = export_xml(sections={"Etablissements": establishments})
    # When
    error = refused(data)
    # Then
    assert (error.code, error.message, error.details) == (
        ErrorCode.INVALID_TIMETABLE,
        "The establishment code (UAI) of Etablissement holds a space, a control character or a separator; "
        "the export is damaged.",
        {"element": "Etablissement", "attribute": "Numero"},
    )


def test_read_export_timetable_without_uai_takes_the_containers() -> None:
    # Given a sealed export whose inner root has no UAI while the container names 0750001U
    keys = make_keys(1024)
    data = sealed(keys, export_xml(uai=""))
    # When it is read for 0750001U
    export = read_export(data, private_key=keys.ours, partner=keys.partner, expected_uai="0750001U")
    # Then the timetable carries the container's UAI (sync keys are built from it) and nothing is warned
    assert (export.timetable.uai, export.warnings) == ("0750001U", ())


def test_read_export_container_uai_with_separator_is_invalid_when_the_timetable_has_none() -> None:
    # Given the container's UAI holding a '|', and no UAI in the timetable
    keys = make_keys(1024)
    data = seal_container(
        export_xml(uai=""),
        partners={keys.partner: keys.ours.public_key()},
        uai="0750001|U",
        exported_at=EXPORTED_AT,
    )
    # When
    with pytest.raises(ExportRejectedError) as caught:
        read_export(data, private_key=keys.ours, partner=keys.partner)
    # Then
    assert (caught.value.code, caught.value.details) == (
        ErrorCode.INVALID_TIMETABLE,
        {"element": "ExportEmploiDuTemps", "attribute": "UAI"},
    )


@pytest.mark.parametrize("day", [0, 8, 9])
def test_validate_timetable_lesson_on_a_day_outside_the_week_warns_it_will_be_skipped(day: int) -> None:
    # Given a grid listing no working days, and the first lesson on day 0, 8 or 9 (the planner skips it)
    base = expected_timetable()
    lessons = list(base.lessons)
    lessons[0] = structs.replace(lessons[0], day=day)
    timetable = structs.replace(base, lessons=tuple(lessons), grid=structs.replace(base.grid, working_days=()))
    # When
    warnings = validate_timetable(timetable)
    # Then
    assert [(warning.code, warning.message) for warning in warnings] == [
        (
            "lesson_outside_grid",
            f"1 lesson(s) use days or places missing from the time grid and will be skipped, "
            f"first lesson #1 (day {day}, place 0).",
        )
    ]


@pytest.mark.parametrize(
    "week1",
    [date(2026, 7, 6), date(9999, 12, 27), date(2024, 6, 17), date(1900, 1, 1)],
    ids=["after_end", "far_after", "63_weeks_before", "far_before"],
)
def test_validate_timetable_week1_leaving_no_week_in_the_year_is_invalid(week1: date) -> None:
    # Given week 1 starting after the school year ends, or so early that week 63 ends before it starts (a crash
    # found by fuzzing: the weeks-beyond-year check shifted by a negative count)
    base = expected_timetable()
    timetable = structs.replace(base, school_year=structs.replace(base.school_year, week1_monday=week1))
    # When
    with pytest.raises(ExportRejectedError) as caught:
        validate_timetable(timetable)
    # Then
    assert caught.value.code == ErrorCode.INVALID_TIMETABLE
    assert caught.value.message == (
        f"The first day of week 1 ({week1.isoformat()}) leaves no week 1 to 63 inside the school year "
        "(2025-09-01 to 2026-07-04)."
    )
    assert caught.value.details == {"element": "AnneeScolaire", "attribute": "DatePremierJourSemaine1"}


@pytest.mark.parametrize(
    ("week1", "codes"),
    [(date(2026, 7, 4), ["week1_not_monday", "weeks_beyond_year"]), (date(2024, 6, 24), [])],
    ids=["on_last_day", "week_63_on_first_day"],
)
def test_validate_timetable_week1_with_one_week_in_the_year_is_read(week1: date, codes: list[str]) -> None:
    # Given week 1 on the year's last day, or week 63 holding its first day
    base = expected_timetable()
    timetable = structs.replace(base, school_year=structs.replace(base.school_year, week1_monday=week1))
    # When / Then it is usable, with warnings only
    assert [warning.code for warning in validate_timetable(timetable)] == codes
