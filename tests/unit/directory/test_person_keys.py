"""A directory account key becomes part of member sync keys (``course|person|role``)."""

from __future__ import annotations

import pytest

from edt_import.domain.directory_csv import read_directory_csv
from edt_import.domain.errors import ErrorCode, ExportRejectedError

HEADER = "person_key,profile,last_name,first_name,birth_date,cas_id,source\r\n"


@pytest.mark.parametrize("key", ["aaf|1", "aaf 1", "aaf\t1", "aaf\x011", "aaf\x7f1"])
def test_read_directory_csv_key_unusable_in_sync_keys_is_refused_without_its_value(key: str) -> None:
    # Given an account key holding the member key separator, a space or a control character
    data = f'{HEADER}aaf-0,teacher,A,B,,,aaf\r\n"{key}",student,N,P,2012-01-02,,aaf\r\n'.encode()
    # When
    with pytest.raises(ExportRejectedError) as caught:
        read_directory_csv(data)
    # Then it is refused at its line and column, without quoting it
    assert caught.value.code == ErrorCode.INVALID_DIRECTORY
    assert caught.value.message == (
        "A directory line has an account key with a space, a control character or '|'; sync keys cannot hold it."
    )
    assert caught.value.details == {"line": 3, "column": "person_key"}


@pytest.mark.parametrize("key", ["aaf-1", "ent:42", "2f1c6a0e-7b7d-4d9e-9c1a-0b1f2e3d4c5b", "Élève.1"])
def test_read_directory_csv_ordinary_keys_are_kept_as_written(key: str) -> None:
    # Given ordinary account keys (dashes, colons, dots, letters with accents)
    data = f"{HEADER}{key},student,N,P,2012-01-02,,aaf\r\n".encode()
    # When / Then
    assert [person.person_key for person in read_directory_csv(data)] == [key]
