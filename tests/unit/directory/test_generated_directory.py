"""The generated ENT directory reads back exactly in every accepted dialect."""

from __future__ import annotations

import csv
import io

import pytest

from edt_import.domain.directory_csv import COLUMNS, read_directory_csv, write_directory_csv
from edt_import.generator.establishment import Size
from tests.support import cached


def test_write_directory_csv_header_is_the_documented_one() -> None:
    # Given nobody; When the directory is written; Then only the documented header line is there
    assert write_directory_csv([]) == b"person_key,profile,last_name,first_name,birth_date,cas_id,source\r\n"
    assert COLUMNS == ("person_key", "profile", "last_name", "first_name", "birth_date", "cas_id", "source")


@pytest.mark.parametrize(
    ("separator", "bom", "newline"), [(",", False, "\r\n"), (";", True, "\n"), (";", False, "\r\n")]
)
def test_read_directory_csv_generated_directory_in_each_dialect_reads_back_exactly(
    separator: str, bom: bool, newline: str
) -> None:
    # Given the generated college's directory rewritten with this separator, byte-order mark and line end
    people = cached.establishment(Size.COLLEGE).directory
    rows = list(csv.reader(io.StringIO(write_directory_csv(people).decode("utf-8"), newline="")))
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=separator, lineterminator=newline).writerows(rows)
    data = ("\ufeff" if bom else "").encode() + buffer.getvalue().encode("utf-8")
    # When it is read
    # Then every person comes back as generated, in order
    assert read_directory_csv(data) == tuple(people)
