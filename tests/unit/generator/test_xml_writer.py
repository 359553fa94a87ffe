from __future__ import annotations

from datetime import date, time

import pytest
from lxml import etree
from msgspec import structs

from edt_import.domain.timetable import (
    ClassPart,
    Establishment,
    Grid,
    Group,
    Ident,
    Lesson,
    LessonLink,
    Membership,
    Place,
    SchoolClass,
    SchoolYear,
    Sex,
    Student,
    Subject,
    Teacher,
    Timetable,
    Uai,
)
from edt_import.domain.week_mask import mask_of
from edt_import.domain.xml_reader import parse_timetable
from edt_import.generator.establishment import Size
from edt_import.generator.xml_writer import timetable_to_xml, week_ranges
from tests.support import cached
from tests.support.schema_check import schema_errors


def _small_timetable() -> Timetable:
    return Timetable(
        uai=Uai("0750001U"),
        version="1.1",
        school_year=SchoolYear(start=date(2026, 9, 1), end=date(2027, 7, 4), week1_monday=date(2026, 8, 31)),
        grid=Grid(
            places_per_day=2,
            place_minutes=60,
            working_days=(1, 2),
            places={0: Place(number=0, start=time(8), end=time(9)), 1: Place(number=1, start=time(9), end=time(10))},
        ),
        subjects={Ident("1"): Subject(ident=Ident("1"), code="SVT", label="SCIENCES VIE & TERRE")},
        teachers={Ident("1"): Teacher(ident=Ident("1"), last_name="N'Diaye", first_name="Éloïse <ø>", cas_id=None)},
        classes={
            Ident("1"): SchoolClass(ident=Ident("1"), name="3A", part_idents=(Ident("9"),), establishment=Ident("4")),
        },
        class_parts={Ident("9"): ClassPart(ident=Ident("9"), class_ident=Ident("1"))},
        groups={
            Ident("2"): Group(
                ident=Ident("2"), name="[3ESP1]", class_part_idents=(Ident("9"),), student_idents=(Ident("5"),)
            )
        },
        rooms={},
        students={
            Ident("5"): Student(
                ident=Ident("5"),
                last_name='de "La" Fontaine',
                first_name="Zoé",
                birth_date=date(2012, 2, 29),
                sex=Sex.FEMALE,
                classes=(Membership(ident=Ident("1"), entry=date(2026, 9, 1), exit=date(2027, 7, 4)),),
            )
        },
        lessons=(
            Lesson(
                index=0,
                day=2,
                start_place=1,
                place_count=1,
                subject=Ident("1"),
                cancelled_weeks=mask_of([3]),
                teachers=(LessonLink(ident=Ident("1"), weeks=mask_of([1, 2, 3, 5])),),
                groups=(LessonLink(ident=Ident("2"), weeks=mask_of([1, 2, 3, 5])),),
                students=(LessonLink(ident=Ident("5"), weeks=mask_of([2])),),
            ),
        ),
        establishments={Ident("4"): Establishment(ident=Ident("4"), uai=Uai("0750001U"), name="CITE & CO")},
    )


def test_timetable_to_xml_small_timetable_reads_back_equal() -> None:
    # Given a timetable with every newer element and characters to escape
    timetable = _small_timetable()
    # When it is written and read back by the product's reader
    read, _ = parse_timetable(timetable_to_xml(timetable))
    # Then nothing is lost
    assert read == timetable


def test_timetable_to_xml_class_part_is_written_with_its_ident_only() -> None:
    # Given a class part that carries a name (as a newer export may give one)
    base = _small_timetable()
    named = structs.replace(base.class_parts[Ident("9")], name="3A1")
    # When
    text = timetable_to_xml(structs.replace(base, class_parts={Ident("9"): named})).decode()
    # Then the class lists it by ident alone, as the format does
    assert '<Classe Ident="1" Nom="3A">\r\n      <PartieDeClasse Ident="9"/>\r\n' in text


def test_timetable_to_xml_writes_pronote_layout() -> None:
    # Given / When
    xml = timetable_to_xml(_small_timetable())
    # Then: CRLF line ends, the namespace and root attributes, a PRONOTE comment inside each lesson child
    text = xml.decode("utf-8")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\r\n<ExportEmploiDuTemps xmlns=')
    assert "\n" not in text.replace("\r\n", "")
    root = etree.fromstring(xml)
    assert root.tag == "{http://www.index-education.com/exportemploidutemps}ExportEmploiDuTemps"
    assert (root.get("Version"), root.get("UAI")) == ("1.1", "0750001U")
    assert (
        '      <Professeur Ident="1" Semaines="46">\r\n        <!--Domaine : [1..3,5]-->\r\n      </Professeur>\r\n'
    ) in text
    assert '<Cours Jour="2" NumeroPlaceDebut="1" NombrePlaces="1" SemainesAnnulation="8">' in text


def test_timetable_to_xml_without_comments_writes_empty_elements() -> None:
    text = timetable_to_xml(_small_timetable(), pronote_comments=False).decode()
    assert "<!--" not in text
    assert '<Professeur Ident="1" Semaines="46"/>' in text


@pytest.mark.parametrize(("weeks", "expected"), [([], ""), ([4], "4"), ([1, 2, 3, 5, 7, 8], "1..3,5,7..8")])
def test_week_ranges_lists_runs(weeks: list[int], expected: str) -> None:
    assert week_ranges(mask_of(weeks)) == expected


def test_schema_check_small_timetable_is_valid_once_stripped() -> None:
    assert schema_errors(timetable_to_xml(_small_timetable())) == []


def test_schema_check_catches_a_schema_fault() -> None:
    # Given a document whose student lacks the required Sexe attribute
    xml = timetable_to_xml(_small_timetable()).replace(b' Sexe="Feminin"', b"")
    # Then the check reports it
    errors = schema_errors(xml)
    assert len(errors) == 1
    assert "Sexe" in errors[0]


@pytest.mark.parametrize("size", list(Size))
def test_generated_inner_xml_validates_against_2013_schema(size: Size) -> None:
    assert schema_errors(cached.inner_xml(size)) == []
