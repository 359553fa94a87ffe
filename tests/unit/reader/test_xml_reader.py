from __future__ import annotations

from datetime import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from msgspec import structs

from edt_import.domain.errors import ErrorCode, ExportRejectedError
from edt_import.domain.timetable import ClassPart, Establishment, Ident, LessonLink, SchoolClass, Uai
from edt_import.domain.timetable_validation import WarningCode
from edt_import.domain.xml_reader import parse_timetable
from tests.support.export_xml_builder import (
    ALL_WEEKS,
    LESSONS,
    NAMESPACE,
    SECTIONS,
    expected_timetable,
    export_xml,
)


def refused(xml: bytes) -> ExportRejectedError:
    with pytest.raises(ExportRejectedError) as caught:
        parse_timetable(xml)
    return caught.value


def test_parse_timetable_pronote_like_document_gives_exact_model() -> None:
    # Given a document with a default namespace, CRLF, comments, guardians, staff and unknown attributes
    xml = export_xml()
    # When
    timetable, warnings = parse_timetable(xml)
    # Then
    assert timetable == expected_timetable()
    assert warnings == ()


@pytest.mark.parametrize(
    ("namespace", "prefix"), [(None, None), (NAMESPACE, "edt"), ("urn:other", None)], ids=["none", "prefixed", "other"]
)
def test_parse_timetable_any_namespace_reads_by_local_name(namespace: str | None, prefix: str | None) -> None:
    # Given the same document without a namespace, with a prefix, or with another namespace
    xml = export_xml(namespace=namespace, prefix=prefix)
    # When / Then
    assert parse_timetable(xml)[0] == expected_timetable()


def test_parse_timetable_sections_in_any_order_give_same_model() -> None:
    # Given the sections reversed: lessons first, school year last
    xml = export_xml(order=list(reversed(SECTIONS)))
    # When / Then
    assert parse_timetable(xml)[0] == expected_timetable()


def test_parse_timetable_lf_and_bom_give_same_model() -> None:
    # Given LF line endings and a UTF-8 byte-order mark
    xml = b"\xef\xbb\xbf" + export_xml(newline="\n")
    # When / Then
    assert parse_timetable(xml)[0] == expected_timetable()


def test_parse_timetable_unknown_sections_and_children_are_ignored() -> None:
    # Given newer containers and unknown nested elements everywhere
    extra = (
        '<Nomenclatures><Nomenclature Ident="1"><Niveau Ident="2"/></Nomenclature></Nomenclatures>'
        '<Absences><Absence Ident="1" Eleve="50"><Motif Ident="3"/></Absence></Absences>'
    )
    subjects = SECTIONS["Matieres"].replace(
        'Libelle="ANGLAIS LV1"/>', 'Libelle="ANGLAIS LV1"><Couleur><Rouge>1</Rouge></Couleur></Matiere>'
    )
    xml = export_xml(sections={"Absences": extra, "Matieres": subjects})
    # When / Then
    assert parse_timetable(xml) == (expected_timetable(), ())


def test_parse_timetable_bit_63_mask_is_kept_exactly() -> None:
    # Given a group present only in week 63 (a float would round the mask)
    lessons = LESSONS.replace(
        f'<Groupe Ident="40" Semaines="{ALL_WEEKS}"', '<Groupe Ident="40" Semaines="9223372036854775808"'
    )
    # When
    timetable, _ = parse_timetable(export_xml(sections={"Cours": lessons}))
    # Then
    assert timetable.lessons[0].groups == (LessonLink(ident=Ident("40"), weeks=1 << 63),)


def test_parse_timetable_older_semaines_inclusion_is_read() -> None:
    # Given the second lesson's teacher written with the older SemainesInclusion (already in the default document)
    timetable, _ = parse_timetable(export_xml())
    # Then
    assert timetable.lessons[1].teachers == (LessonLink(ident=Ident("21"), weeks=ALL_WEEKS),)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [("08:00", "8h55", (time(8, 0), time(8, 55))), ("8h00", "08H30", (time(8, 0), time(8, 30)))],
)
def test_parse_timetable_place_times_in_every_format(start: str, end: str, expected: tuple[time, time]) -> None:
    # Given a grid written with short times
    grid = (
        '<GrilleHoraire NombrePlacesParJour="1" DureePlace="55"><JoursOuvres><Jour>1</Jour></JoursOuvres>'
        f'<PlacesParJour><Place Numero="0" LibelleHeureDebut="{start}" LibelleHeureFin="{end}"/></PlacesParJour>'
        "</GrilleHoraire>"
    )
    # When
    timetable, _ = parse_timetable(export_xml(sections={"GrilleHoraire": grid}))
    # Then
    place = timetable.grid.places[0]
    assert (place.start, place.end) == expected


def test_parse_timetable_multi_establishment_reads_establishments_and_class_links() -> None:
    # Given an export covering two establishments, class 33 belonging to the second
    establishments = (
        "<Etablissements>"
        '<Etablissement Ident="1" Numero="0750001U" Nom="College Victor Hugo"/>'
        '<Etablissement Ident="2" Numero="0750002v" Nom="Lycee Victor Hugo"><Adresse Ville="Paris"/></Etablissement>'
        "</Etablissements>"
    )
    classes = SECTIONS["Classes"].replace(
        '<Classe Ident="33" Nom="3B"/>', '<Classe Ident="33" Nom="3B"><Etablissement Ident="2"/></Classe>'
    )
    xml = export_xml(sections={"Etablissements": establishments, "Classes": classes})
    # When
    timetable, _ = parse_timetable(xml)
    # Then
    assert timetable.establishments == {
        Ident("1"): Establishment(ident=Ident("1"), uai=Uai("0750001U"), name="College Victor Hugo"),
        Ident("2"): Establishment(ident=Ident("2"), uai=Uai("0750002V"), name="Lycee Victor Hugo"),
    }
    assert timetable.classes[Ident("33")] == SchoolClass(ident=Ident("33"), name="3B", establishment=Ident("2"))
    assert structs.replace(timetable, establishments={}, classes=expected_timetable().classes) == (expected_timetable())


def test_parse_timetable_lesson_index_counts_cours_in_order() -> None:
    # Given five copies of a lesson
    lesson = '<Cours Jour="1" NumeroPlaceDebut="0" NombrePlaces="1"><Matiere Ident="10"/></Cours>'
    xml = export_xml(sections={"Cours": f"<Cours>{lesson * 5}</Cours>"})
    # When
    timetable, _ = parse_timetable(xml)
    # Then
    assert [lesson.index for lesson in timetable.lessons] == [0, 1, 2, 3, 4]


def test_parse_timetable_duplicate_idents_keep_first_and_warn() -> None:
    # Given subject 10 and class part 31 defined twice
    subjects = SECTIONS["Matieres"].replace("</Matieres>", '<Matiere Ident="10" Code="X" Libelle="Y"/></Matieres>')
    classes = SECTIONS["Classes"].replace(
        '<Classe Ident="33" Nom="3B"/>', '<Classe Ident="33" Nom="3B"><PartieDeClasse Ident="31"/></Classe>'
    )
    # When
    timetable, warnings = parse_timetable(export_xml(sections={"Matieres": subjects, "Classes": classes}))
    # Then
    assert timetable.subjects == expected_timetable().subjects
    assert timetable.class_parts[Ident("31")] == ClassPart(ident=Ident("31"), class_ident=Ident("30"))
    assert [(warning.code, warning.message) for warning in warnings] == [
        (
            WarningCode.DUPLICATE_IDENT,
            "The export defines 1 subject ident(s) more than once (10); the first definition of each is used.",
        ),
        (
            WarningCode.DUPLICATE_IDENT,
            "The export defines 1 class part ident(s) more than once (31); the first definition of each is used.",
        ),
    ]


def test_parse_timetable_unknown_sex_and_empty_optional_attributes_are_none() -> None:
    # Given a student with an unknown Sexe and empty optional attributes
    students = (
        '<Eleves><Eleve Ident="51" Nom="PETIT" Prenom="Hugo" DateNaissance="" Sexe="X" IDPN="" IDCAS="">'
        '<Classe Ident="33"/></Eleve></Eleves>'
    )
    # When
    timetable, _ = parse_timetable(export_xml(sections={"Eleves": students}))
    # Then
    student = timetable.students[Ident("51")]
    assert (student.birth_date, student.sex, student.pronote_id, student.cas_id) == (None, None, None, None)
    assert student.classes[0].entry is None
    assert student.classes[0].exit is None


def test_parse_timetable_too_large_is_refused_before_parsing() -> None:
    # Given a limit below the document's size
    xml = export_xml()
    # When
    error = refused_with_limit(xml, len(xml) - 1)
    # Then
    assert error.code == ErrorCode.TOO_LARGE
    assert error.details == {"size": len(xml), "limit": len(xml) - 1}


def refused_with_limit(xml: bytes, limit: int) -> ExportRejectedError:
    with pytest.raises(ExportRejectedError) as caught:
        parse_timetable(xml, max_bytes=limit)
    return caught.value


@settings(max_examples=60, deadline=None)
@given(
    teacher_weeks=st.integers(0, (1 << 64) - 1),
    cancelled=st.integers(0, (1 << 64) - 1),
    older_name=st.booleans(),
)
def test_parse_timetable_any_64_bit_mask_is_read_exactly(teacher_weeks: int, cancelled: int, older_name: bool) -> None:
    # Given a lesson whose teacher and cancellation masks are any unsigned 64-bit values
    attribute = "SemainesInclusion" if older_name else "Semaines"
    lesson = (
        f'<Cours><Cours Jour="1" NumeroPlaceDebut="0" NombrePlaces="1" SemainesAnnulation="{cancelled}">'
        f'<Matiere Ident="10"/><Professeur Ident="20" {attribute}="{teacher_weeks}"/></Cours></Cours>'
    )
    # When
    timetable, _ = parse_timetable(export_xml(sections={"Cours": lesson}))
    # Then
    assert timetable.lessons[0].teachers == (LessonLink(ident=Ident("20"), weeks=teacher_weeks),)
    assert timetable.lessons[0].cancelled_weeks == cancelled
