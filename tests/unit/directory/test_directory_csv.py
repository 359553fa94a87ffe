from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edt_import.domain.directory import DirectoryPerson, PersonKey, Profile, Source
from edt_import.domain.directory_csv import read_directory_csv, write_directory_csv
from edt_import.domain.errors import ErrorCode, ExportRejectedError
from tests.support.timetable_builders import an_account

HEADER = "person_key,profile,last_name,first_name,birth_date,cas_id,source"


def _read_error(text: str | bytes) -> ExportRejectedError:
    data = text.encode("utf-8") if isinstance(text, str) else text
    with pytest.raises(ExportRejectedError) as caught:
        read_directory_csv(data)
    assert caught.value.code is ErrorCode.INVALID_DIRECTORY
    return caught.value


def test_read_directory_csv_comma_file_yields_people() -> None:
    # Given a comma separated directory with a student and a teacher
    text = (
        f"{HEADER}\r\n"
        "aaf-1,student,N'Diaye,Élodie,2013-04-02,cas.e1,aaf\r\n"
        "aaf-2,teacher,de La Fontaine,Jean-Baptiste,,,csv\r\n"
    )
    # When it is read
    people = read_directory_csv(text.encode("utf-8"))
    # Then every field is typed, empty fields are None
    assert people == (
        an_account("aaf-1", "N'Diaye", "Élodie", profile=Profile.STUDENT, birth_date=date(2013, 4, 2), cas_id="cas.e1"),
        an_account(
            "aaf-2",
            "de La Fontaine",
            "Jean-Baptiste",
            profile=Profile.TEACHER,
            birth_date=None,
            cas_id=None,
            source=Source.CSV,
        ),
    )


def test_read_directory_csv_semicolon_bom_reordered_extra_columns_are_understood() -> None:
    # Given a French-style export: BOM, semicolons, another column order, an extra column, DD/MM/YYYY dates
    text = (
        "\ufeffsource;cas_id;person_key;commentaire;last_name;first_name;birth_date;profile\n"
        'manual;;m-7;"a; b";"Le Gall";Anne-Sophie;09/11/1980;staff\n'
    )
    # When it is read
    people = read_directory_csv(text.encode("utf-8"))
    # Then the separator comes from the header and extra columns are ignored
    assert people == (
        an_account(
            "m-7", "Le Gall", "Anne-Sophie", profile=Profile.STAFF, birth_date=date(1980, 11, 9), source=Source.MANUAL
        ),
    )


def test_read_directory_csv_quoted_separator_stays_in_its_field() -> None:
    # Given a last name holding the separator, quoted
    text = f'{HEADER}\n"aaf-3",student,"Martin, dit Petit",Léa,2012-01-31,,aaf\n'
    # When / Then
    (person,) = read_directory_csv(text.encode("utf-8"))
    assert person.last_name == "Martin, dit Petit"


def test_read_directory_csv_blank_lines_are_skipped() -> None:
    text = f"{HEADER}\n\naaf-1,student,A,B,,,aaf\n\n"
    assert [p.person_key for p in read_directory_csv(text.encode())] == ["aaf-1"]


def test_read_directory_csv_header_only_yields_nobody() -> None:
    assert read_directory_csv(f"{HEADER}\n".encode()) == ()


def test_read_directory_csv_missing_column_is_refused_with_its_name() -> None:
    # Given a header without cas_id
    error = _read_error("person_key,profile,last_name,first_name,birth_date,source\n")
    # Then the error names the column and line 1
    assert error.details == {
        "line": 1,
        "column": "cas_id",
        "missing": ["cas_id"],
    }


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("aaf-1,parent,Dupont,Marie,,,aaf", "profile"),
        ("aaf-1,student,Dupont,Marie,,,ldap", "source"),
        ("aaf-1,student,Dupont,Marie,2013-02-30,,aaf", "birth_date"),
        ("aaf-1,student,Dupont,Marie,31/02/2013,,aaf", "birth_date"),
        ("aaf-1,student,Dupont,Marie,13/2/13,,aaf", "birth_date"),
        ("aaf-1,student,Dupont,Marie,2013-W01-1,,aaf", "birth_date"),
        (",student,Dupont,Marie,,,aaf", "person_key"),
        ("aaf-1,student,,Marie,,,aaf", "last_name"),
    ],
)
def test_read_directory_csv_bad_cell_is_refused_with_line_and_column_without_its_value(row: str, column: str) -> None:
    # Given a valid first row and a faulty second row
    error = _read_error(f"{HEADER}\naaf-0,teacher,Durand,Paul,,,aaf\n{row}\n")
    # Then the error points at line 3 and the column, and quotes no person data
    assert error.details == {"line": 3, "column": column}
    assert "Dupont" not in error.message
    assert "Marie" not in error.message
    assert "2013" not in error.message


def test_read_directory_csv_duplicate_key_is_refused() -> None:
    error = _read_error(f"{HEADER}\naaf-1,student,A,B,,,aaf\naaf-1,teacher,C,D,,,aaf\n")
    assert error.details == {"line": 3, "column": "person_key"}


def test_read_directory_csv_short_line_is_refused() -> None:
    error = _read_error(f"{HEADER}\naaf-1,student,A\n")
    assert error.details == {"line": 2, "fields": 3, "expected": 7}


def test_read_directory_csv_not_utf8_is_refused_with_line() -> None:
    error = _read_error(f"{HEADER}\naaf-1,student,".encode() + "Hélène".encode("latin-1") + b",B,,,aaf\n")
    assert error.details == {"line": 2}


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"  \n"])
def test_read_directory_csv_empty_file_is_refused(data: bytes) -> None:
    assert _read_error(data).details == {"line": 1}


def test_read_directory_csv_unterminated_quote_is_refused() -> None:
    error = _read_error(f'{HEADER}\naaf-1,student,"A,B,,,aaf\n')
    assert error.details["line"] == 2


_names = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "Zs", "P"), exclude_characters="\r\n\x85\u2028\u2029"),
    min_size=1,
).filter(lambda s: s.strip() == s and s.strip() != "")

_people = st.builds(
    DirectoryPerson,
    person_key=st.from_regex(r"aaf-[0-9a-f]{1,12}", fullmatch=True).map(PersonKey),
    profile=st.sampled_from(Profile),
    last_name=_names,
    first_name=_names,
    birth_date=st.none() | st.dates(min_value=date(1900, 1, 1), max_value=date(2030, 12, 31)),
    cas_id=st.none() | st.from_regex(r"[a-z0-9.]{1,20}", fullmatch=True),
    source=st.sampled_from(Source),
)


@given(st.lists(_people, unique_by=lambda p: p.person_key, max_size=8))
def test_write_then_read_directory_csv_round_trips(people: list[DirectoryPerson]) -> None:
    assert read_directory_csv(write_directory_csv(people)) == tuple(people)
