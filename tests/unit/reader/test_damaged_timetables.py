"""Damaged timetables found by fuzzing that crashed the reader instead of being refused."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edt_import.domain.errors import ErrorCode, ExportRejectedError
from edt_import.domain.export_reader import read_export
from tests.support.export_xml_builder import ALL_WEEKS, LESSONS, export_xml


@pytest.mark.parametrize(
    ("day", "place", "where"),
    [
        ("", "0", "lesson #1"),
        ("1", "", "lesson #1"),
        ("", "", "lesson #1"),
        ("\u00b2", "0", "lesson #1"),
        ("1", "0", "lesson #1 (day 1, place 0)"),
    ],
)
def test_read_export_bad_week_mask_in_a_lesson_with_empty_day_or_place_names_the_lesson(
    day: str, place: str, where: str
) -> None:
    # Given the first lesson with an empty Jour or NumeroPlaceDebut and a group with an invalid week mask (the
    # error label converted "" + "0" to a number and raised ValueError)
    lessons = LESSONS.replace('Jour="1" NumeroPlaceDebut="0"', f'Jour="{day}" NumeroPlaceDebut="{place}"').replace(
        f'<Groupe Ident="40" Semaines="{ALL_WEEKS}"', '<Groupe Ident="40" Semaines="x"'
    )
    # When
    with pytest.raises(ExportRejectedError) as caught:
        read_export(export_xml(sections={"Cours": lessons}))
    # Then
    assert (caught.value.code, caught.value.message) == (
        ErrorCode.INVALID_TIMETABLE,
        f"{where}: Groupe 40 has an invalid Semaines week mask.",
    )


_DOCUMENT = export_xml()
# What a damaged upload may be refused as: the upload's own faults, never a configuration or LMS error.
_EXPORT_CODES = frozenset(
    {
        ErrorCode.NOT_AN_EXPORT,
        ErrorCode.MALFORMED_XML,
        ErrorCode.UNSAFE_XML,
        ErrorCode.TOO_LARGE,
        ErrorCode.UNSUPPORTED_VERSION,
        ErrorCode.INVALID_TIMETABLE,
    }
)
_INSERTS = (b"<", b">", b'"', b"&", b"|", b"\x00", b"\xff", b"&#0;", b"<!---->", b"</Cours>", b"<Cours>", b'Ident=""')


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    edits=st.lists(
        st.tuples(
            st.integers(0, len(_DOCUMENT) - 1), st.integers(0, 2), st.sampled_from(_INSERTS), st.integers(0, 255)
        ),
        min_size=1,
        max_size=4,
    )
)
def test_read_export_damaged_timetable_is_read_or_refused_never_crashes(
    edits: list[tuple[int, int, bytes, int]],
) -> None:
    # Given the default timetable with a few bytes changed, cut or inserted
    data = bytearray(_DOCUMENT)
    for position, operation, insert, byte in edits:
        at = min(position, len(data) - 1)
        if operation == 0:
            data[at] = byte
        elif operation == 1:
            del data[at : at + 1 + byte % 16]
        else:
            data[at:at] = insert
    # When it is read
    refusal: ExportRejectedError | None = None
    try:
        export = read_export(bytes(data))
    except ExportRejectedError as error:
        refusal = error
    if refusal is not None:
        # Then a refusal is the upload's fault, with a code of its own and one plain line for the administrator
        assert refusal.code in _EXPORT_CODES
        assert refusal.message
        assert "\n" not in refusal.message
        return
    # Or it is read whole enough to plan: an establishment, a school year, lessons, and no dangling reference left
    timetable = export.timetable
    assert timetable.uai
    assert timetable.school_year.start <= timetable.school_year.end
    assert timetable.lessons
    for lesson in timetable.lessons:
        assert {link.ident for link in lesson.classes} <= timetable.classes.keys()
        assert {link.ident for link in lesson.groups} <= timetable.groups.keys()
        assert {link.ident for link in lesson.class_parts} <= timetable.class_parts.keys()
