"""The expat reader's bookkeeping: where an element sits is counted from start tags and end tags, records are
completed when the next one starts, handlers change per section, and the encoding comes from the document."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edt_import.domain.errors import ErrorCode, ExportRejectedError
from edt_import.domain.timetable import Ident
from edt_import.domain.xml_reader import parse_timetable
from tests.support.export_xml_builder import SECTIONS, expected_timetable, export_xml

# Unknown elements that look like records or record children, nested where they must be ignored.
DECOYS = (
    '<Cours Jour="9" NumeroPlaceDebut="9" NombrePlaces="9"><Matiere Ident="99"/></Cours>',
    '<Eleve Ident="99" Nom="X"><Classe Ident="99" DateEntree="x"/></Eleve>',
    '<Professeur/><Matiere Ident=""/>',
    '<Classe Ident="99"><PartieDeClasse/></Classe>',
    "<Jour>x</Jour>",
)
RECORD_TAGS = {
    "Cours": '<Cours Jour="',
    "Eleves": '<Eleve Ident="',
    "Classes": '<Classe Ident="',
    "Groupes": '<Groupe Ident="',
    "Matieres": '<Matiere Ident="',
}


def with_decoy_inside_records(section: str, decoy: str) -> str:
    """``section`` with ``<Extra>decoy</Extra>`` as the first child of each record (so decoys sit deeper)."""
    text = SECTIONS[section]
    opening = RECORD_TAGS[section]
    pieces = text.split(opening)
    out = [pieces[0]]
    for piece in pieces[1:]:
        end = piece.index(">")
        if piece[end - 1] == "/":  # an empty record: open it to give it a child
            closing = f"</{opening[1:].split()[0]}>"
            out.append(f"{piece[: end - 1]}><Extra>{decoy}</Extra>{closing}{piece[end + 1 :]}")
        else:
            out.append(f"{piece[: end + 1]}<Extra>{decoy}</Extra>{piece[end + 1 :]}")
    return opening.join(out)


@settings(max_examples=40, deadline=None)
@given(section=st.sampled_from(sorted(RECORD_TAGS)), decoy=st.sampled_from(DECOYS), depth=st.integers(0, 3))
def test_parse_timetable_elements_below_a_record_child_are_ignored(section: str, decoy: str, depth: int) -> None:
    # Given record-like elements nested under an unknown child of every record of a section, at some depth
    nested = "<Deeper>" * depth + decoy + "</Deeper>" * depth
    xml = export_xml(sections={section: with_decoy_inside_records(section, nested)})
    # When / Then the model is exactly the one without them
    assert parse_timetable(xml) == (expected_timetable(), ())


@pytest.mark.parametrize("decoy", DECOYS)
def test_parse_timetable_unknown_records_and_their_children_are_ignored(decoy: str) -> None:
    # Given an unknown record holding record-like children at the start, middle and end of the lessons section
    unknown = f"<Commentaire Ident='1'>{decoy}</Commentaire>"
    lessons = SECTIONS["Cours"].replace("<Cours>", f"<Cours>{unknown}", 1)
    lessons = lessons.replace("  <!--Cours", f"{unknown}<!--Cours").replace(
        "</Cours>\n</Cours>", f"</Cours>{unknown}</Cours>"
    )
    # When / Then
    assert parse_timetable(export_xml(sections={"Cours": lessons})) == (expected_timetable(), ())


@pytest.mark.parametrize(
    "last", ["Cours", "Eleves", "Classes", "Groupes", "Matieres", "GrilleHoraire", "AnneeScolaire", "Personnels"]
)
def test_parse_timetable_last_record_of_the_document_is_kept(last: str) -> None:
    # Given the section ``last`` at the end of the document (its last record ends with the document)
    order = [name for name in SECTIONS if name != last] + [last]
    # When / Then
    assert parse_timetable(export_xml(order=order)) == (expected_timetable(), ())


def test_parse_timetable_lesson_error_found_when_the_next_section_starts() -> None:
    # Given a lesson without a subject, last of its section, followed by other sections
    lessons = SECTIONS["Cours"].replace('<Matiere Ident="11"/>', "")
    order = ["Cours", *[name for name in SECTIONS if name != "Cours"]]
    # When
    with pytest.raises(ExportRejectedError) as caught:
        parse_timetable(export_xml(sections={"Cours": lessons}, order=order))
    # Then the lesson is named exactly as when it closes the document
    assert (caught.value.code, caught.value.message) == (
        ErrorCode.INVALID_TIMETABLE,
        "lesson #2 (day 2, place 2) has no subject; a lesson needs exactly one.",
    )


@pytest.mark.parametrize("encoding", ["ISO-8859-1", "windows-1252", "UTF-16", "UTF-8"])
def test_parse_timetable_declared_encoding_decodes_names(encoding: str) -> None:
    # Given the document with accented names, encoded as its declaration says (UTF-16 with its byte-order mark)
    students = SECTIONS["Eleves"].replace('Nom="PETIT" Prenom="Hugo"', 'Nom="PÉTIT" Prenom="Hugo-Zoé"')
    utf8 = export_xml(sections={"Eleves": students})
    text = utf8.decode().replace('encoding="UTF-8"', f'encoding="{encoding}"')
    # When
    timetable, _ = parse_timetable(text.encode(encoding.lower()))
    # Then
    assert timetable == parse_timetable(utf8)[0]
    assert (timetable.students[Ident("51")].last_name, timetable.students[Ident("51")].first_name) == (
        "PÉTIT",
        "Hugo-Zoé",
    )


def test_parse_timetable_undeclared_prefix_reads_by_local_name() -> None:
    # Given every element prefixed with a prefix the document never declares (namespaces are not processed)
    xml = export_xml(namespace=None, prefix="edt")
    # When / Then
    assert parse_timetable(xml)[0] == expected_timetable()


def test_parse_timetable_malformed_column_is_one_based() -> None:
    # Given a stray '<' on line 2 (expat stops at the character after it: 0-based offset 12)
    xml = b'<ExportEmploiDuTemps Version="1.1">\n<Matieres> <</Matieres></ExportEmploiDuTemps>'
    # When
    with pytest.raises(ExportRejectedError) as caught:
        parse_timetable(xml)
    # Then
    assert (caught.value.code, caught.value.details) == (ErrorCode.MALFORMED_XML, {"line": 2, "column": 13})


def test_parse_timetable_working_day_in_pieces_is_joined() -> None:
    # Given working days written with a character reference, a CDATA section and a comment inside
    grid = SECTIONS["GrilleHoraire"].replace(
        "<Jour>1</Jour><Jour>2</Jour>", "<Jour>&#49;</Jour><Jour> <![CDATA[2]]><!-- mardi --> </Jour>"
    )
    # When
    timetable, _ = parse_timetable(export_xml(sections={"GrilleHoraire": grid}))
    # Then
    assert timetable.grid.working_days == expected_timetable().grid.working_days == (1, 2, 4, 5)
