"""Documents the reader must refuse, each with its code: hostile, broken, not an export, unusable timetable."""

from __future__ import annotations

import pytest

from edt_import.domain.errors import ErrorCode, ExportRejectedError
from edt_import.domain.xml_reader import parse_timetable
from tests.support.export_xml_builder import ALL_WEEKS, LESSONS, SECTIONS, export_xml

ROOT = b'<ExportEmploiDuTemps Version="1.1" UAI="0750001U"><AnneeScolaire/></ExportEmploiDuTemps>'


def refused(xml: bytes) -> ExportRejectedError:
    with pytest.raises(ExportRejectedError) as caught:
        parse_timetable(xml)
    return caught.value


# -- unsafe_xml ------------------------------------------------------------------------------------------------

BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE ExportEmploiDuTemps [\n<!ENTITY lol "lol">\n'
    + b"".join(
        f'<!ENTITY lol{level} "{f"&lol{level - 1};" * 10 if level > 1 else "&lol;" * 10}">\n'.encode()
        for level in range(1, 10)
    )
    + b']>\n<ExportEmploiDuTemps Version="&lol9;" UAI="0750001U"/>'
)
XXE = (
    b'<?xml version="1.0"?>\n<!DOCTYPE ExportEmploiDuTemps [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    b'<ExportEmploiDuTemps Version="1.1" UAI="0750001U"><Matieres>'
    b'<Matiere Ident="1" Code="&xxe;" Libelle="x"/></Matieres></ExportEmploiDuTemps>'
)
EXTERNAL_DTD = b'<!DOCTYPE ExportEmploiDuTemps SYSTEM "http://127.0.0.1:9/export.dtd">\n' + ROOT
PARAMETER_ENTITY = b'<!DOCTYPE x [<!ENTITY % remote SYSTEM "file:///etc/passwd"> %remote;]>\n<ExportEmploiDuTemps/>'


@pytest.mark.parametrize(
    "xml",
    [
        b"<!DOCTYPE ExportEmploiDuTemps>\n" + ROOT,
        b'<?xml version="1.0"?>\n<!-- a comment -->\n<?pi x?>\n<!DOCTYPE ExportEmploiDuTemps>' + ROOT,
        b"\xef\xbb\xbf<!DOCTYPE ExportEmploiDuTemps>" + ROOT,
        BILLION_LAUGHS,
        XXE,
        EXTERNAL_DTD,
        PARAMETER_ENTITY,
        ('<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE x>\n' + ROOT.decode()).encode("utf-16"),
        ("<!DOCTYPE x>" + ROOT.decode()).encode("utf-16-le"),
        b"<!--" + b"long prolog " * 20_000 + b"-->\n" + XXE.split(b"?>", 1)[1],
    ],
    ids=[
        "doctype",
        "after-prolog",
        "after-bom",
        "billion-laughs",
        "xxe",
        "external-dtd",
        "parameter",
        "utf16",
        "utf16le",
        "beyond-prolog-scan",
    ],
)
def test_parse_timetable_doctype_is_refused_as_unsafe(xml: bytes) -> None:
    # Given a document declaring a DOCTYPE (the door to entities and external references)
    # When
    error = refused(xml)
    # Then nothing of the referenced file ever surfaces
    assert error.code == ErrorCode.UNSAFE_XML
    assert "root:" not in f"{error} {error.details}"


# -- malformed_xml ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("xml", "line"),
    [
        (export_xml()[:-40], export_xml()[:-40].count(b"\n") + 1),
        (b'<ExportEmploiDuTemps Version="1.1">\n<Matieres>\n<Matiere Ident="1"\n</Matieres>', 4),
        (b'<ExportEmploiDuTemps Version="1.1">\n\n<Matieres>&undefined;</Matieres></ExportEmploiDuTemps>', 3),
        (export_xml().rstrip() + b"<second/>", export_xml().rstrip().count(b"\n") + 1),
    ],
    ids=["truncated", "broken-tag", "undefined-entity", "two-roots"],
)
def test_parse_timetable_broken_xml_is_malformed_with_line(xml: bytes, line: int) -> None:
    # When
    error = refused(xml)
    # Then
    assert error.code == ErrorCode.MALFORMED_XML
    assert error.details["line"] == line
    assert error.message == f"The timetable is not well-formed XML (line {line})."


# -- not_an_export ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        (b"", "The file is empty."),
        (b" \r\n\t", "The file is empty."),
        (b"\xef\xbb\xbf", "The file is empty."),
        (b"<!-- only a comment -->", "The file holds no XML element."),
        (b"PK\x03\x04 a zip file", "The file is not an XML timetable export."),
        (b"Nom;Prenom\nMARTIN;Claire\n", "The file is not an XML timetable export."),
        (
            b'<?xml version="1.0"?><Emploi><Cours/></Emploi>',
            "The file is not a timetable export (its root element is Emploi, not ExportEmploiDuTemps).",
        ),
        (
            b'<EXPORT_INDEX_EDUCATION xmlns="http://www.index-education.com/conteneurexportchiffre"/>',
            "The file is not a timetable export (its root element is EXPORT_INDEX_EDUCATION, not ExportEmploiDuTemps).",
        ),
    ],
    ids=["empty", "blank", "bom-only", "comment-only", "binary", "csv", "wrong-root", "container"],
)
def test_parse_timetable_not_an_export_is_refused(xml: bytes, message: str) -> None:
    # When
    error = refused(xml)
    # Then
    assert (error.code, error.message) == (ErrorCode.NOT_AN_EXPORT, message)


# -- invalid_timetable ------------------------------------------------------------------------------------------


def lessons_with(replace: str, by: str) -> bytes:
    assert replace in LESSONS
    return export_xml(sections={"Cours": LESSONS.replace(replace, by)})


@pytest.mark.parametrize(
    ("xml", "message", "details"),
    [
        (
            export_xml(sections={"AnneeScolaire": None}),
            "The export has no school year (AnneeScolaire).",
            {"element": "AnneeScolaire"},
        ),
        (
            export_xml(sections={"GrilleHoraire": None}),
            "The export has no time grid (GrilleHoraire).",
            {"element": "GrilleHoraire"},
        ),
        (
            lessons_with('<Matiere Ident="11"/>', ""),
            "lesson #2 (day 2, place 2) has no subject; a lesson needs exactly one.",
            {"lesson": 1},
        ),
        (
            lessons_with('<Matiere Ident="11"/>', '<Matiere Ident="11"/><Matiere Ident="10"/>'),
            "lesson #2 (day 2, place 2) has 2 subjects; a lesson needs exactly one.",
            {"lesson": 1},
        ),
        (
            lessons_with('<Salle Ident="60" Semaines="', '<Salle Ident="60" Semaines="-4'),
            "lesson #1 (day 1, place 0): Salle 60 has an invalid Semaines week mask.",
            {"element": "Salle", "attribute": "Semaines"},
        ),
        (
            lessons_with(f'SemainesInclusion="{ALL_WEEKS}"', f'SemainesInclusion="{1 << 64}"'),
            "lesson #2 (day 2, place 2): Professeur 21 has an invalid SemainesInclusion week mask.",
            {"element": "Professeur", "attribute": "SemainesInclusion"},
        ),
        (
            lessons_with('SemainesAnnulation="8"', 'SemainesAnnulation="1.5e3"'),
            "lesson #2 (day 2, place 2) has an invalid SemainesAnnulation week mask.",
            {"element": "Cours", "attribute": "SemainesAnnulation"},
        ),
        (
            lessons_with('<Groupe Ident="40" Semaines="', '<Groupe Ident="40" X="'),
            "lesson #1 (day 1, place 0): Groupe 40 has no Semaines week mask.",
            {"element": "Groupe", "attribute": "Semaines"},
        ),
        (
            lessons_with('Jour="2"', 'Jour="mardi"'),
            "lesson #2 has no valid Jour (a whole number).",
            {"element": "Cours", "attribute": "Jour"},
        ),
        (
            lessons_with('<Eleve Ident="51"', "<Eleve"),
            "An Eleve in lesson #2 (day 2, place 2) has no Ident.",
            {"element": "Eleve", "attribute": "Ident"},
        ),
        (
            export_xml(sections={"Matieres": '<Matieres><Matiere Code="X"/></Matieres>'}),
            "A Matiere in Matieres has no Ident.",
            {"element": "Matiere", "attribute": "Ident"},
        ),
        (
            export_xml(sections={"AnneeScolaire": SECTIONS["AnneeScolaire"].replace("2025-09-01", "01/09/2025")}),
            "AnneeScolaire has no valid DateDebut (a date YYYY-MM-DD).",
            {"element": "AnneeScolaire", "attribute": "DateDebut"},
        ),
        (
            export_xml(sections={"Eleves": SECTIONS["Eleves"].replace('DateSortie="2026-01-31"', 'DateSortie="x"')}),
            "student 50: PartieDeClasse has no valid DateSortie (a date YYYY-MM-DD).",
            {"element": "PartieDeClasse", "attribute": "DateSortie"},
        ),
        (
            export_xml(sections={"GrilleHoraire": SECTIONS["GrilleHoraire"].replace('"9h00"', '"9 heures"')}),
            "Place 1 has no valid LibelleHeureDebut (a time HH:MM).",
            {"element": "Place", "attribute": "LibelleHeureDebut"},
        ),
        (
            export_xml(
                sections={"GrilleHoraire": SECTIONS["GrilleHoraire"].replace("<Jour>2</Jour>", "<Jour>L</Jour>")}
            ),
            "Working day #2 has no valid value (a day number).",
            {"element": "Jour", "attribute": "value"},
        ),
    ],
    ids=[
        "no-year",
        "no-grid",
        "no-subject",
        "two-subjects",
        "negative-mask",
        "mask-over-64-bits",
        "float-cancel-mask",
        "no-mask",
        "bad-day",
        "no-lesson-child-ident",
        "no-record-ident",
        "bad-date",
        "bad-membership-date",
        "bad-time",
        "bad-working-day",
    ],
)
def test_parse_timetable_unusable_timetable_is_invalid(xml: bytes, message: str, details: dict[str, object]) -> None:
    # When
    error = refused(xml)
    # Then
    assert (error.code, error.message, error.details) == (ErrorCode.INVALID_TIMETABLE, message, details)
