"""The directory reader's lean per-row path keeps every rule of the cell-by-cell one."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edt_import.domain.directory_csv import read_directory_csv
from edt_import.domain.errors import ErrorCode, ExportRejectedError

HEADER = "person_key,profile,last_name,first_name,birth_date,cas_id,source"


@given(key=st.text(min_size=1, max_size=6).filter(lambda k: k.strip() == k and k and '"' not in k))
def test_directory_rows_any_key_is_accepted_exactly_by_the_character_rule(key: str) -> None:
    # Given a one-row directory whose key is any text without surrounding whitespace or quotes
    quoted = '"' + key + '"'
    data = f"{HEADER}\n{quoted},student,A,B,,,aaf\n".encode()
    usable = "|" not in key and all(c.isprintable() and not c.isspace() for c in key)
    # When it is read, Then it is accepted exactly when every character is usable
    if usable:
        assert read_directory_csv(data)[0].person_key == key
    else:
        with pytest.raises(ExportRejectedError) as caught:
            read_directory_csv(data)
        assert caught.value.code is ErrorCode.INVALID_DIRECTORY


def test_directory_rows_repeated_birth_dates_are_read_alike_and_a_bad_one_still_fails_on_its_line() -> None:
    # Given rows sharing birth date texts (ISO and French), then a bad date after the good ones were cached
    rows = [f"k{i},student,A,B,{text},,aaf" for i, text in enumerate(["2011-03-04", "04/03/2011", "2011-03-04", ""])]
    good = read_directory_csv("\n".join([HEADER, *rows]).encode())
    with pytest.raises(ExportRejectedError) as caught:
        read_directory_csv("\n".join([HEADER, *rows, "k9,student,A,B,2011-02-30,,aaf"]).encode())
    # Then every copy of a text gives the same date, and the bad one names its line and column
    assert [p.birth_date for p in good] == [date(2011, 3, 4), date(2011, 3, 4), date(2011, 3, 4), None]
    assert caught.value.code is ErrorCode.INVALID_DIRECTORY
    assert "2011-02-30" not in str(caught.value)
    assert (caught.value.details["line"], caught.value.details["column"]) == (6, "birth_date")
