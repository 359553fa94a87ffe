"""Generated establishments of every size survive writing, sealing, opening and reading unchanged."""

from __future__ import annotations

import pytest

from edt_import.domain.export_reader import read_export
from edt_import.domain.timetable_validation import WarningCode
from edt_import.generator.container_sealing import seal_container
from edt_import.generator.establishment import Size, generate_establishment
from edt_import.generator.xml_writer import timetable_to_xml
from tests.support import cached
from tests.support.hostile_containers import EXPORTED_AT, fixed_random, make_keys

KEY = make_keys(1024).ours
# Unplaced pupils, and the class part no class lists (one per school of the establishment).
EXPECTED_WARNINGS = {
    Size.COLLEGE: [WarningCode.STUDENT_WITHOUT_CLASS, WarningCode.DANGLING_REFERENCE],
    Size.LYCEE: [WarningCode.STUDENT_WITHOUT_CLASS, WarningCode.DANGLING_REFERENCE],
    Size.CITE: [
        WarningCode.STUDENT_WITHOUT_CLASS,
        WarningCode.DANGLING_REFERENCE,
        WarningCode.DANGLING_REFERENCE,
        WarningCode.OTHER_ESTABLISHMENTS,
    ],
}


@pytest.mark.parametrize(
    ("size", "pronote_comments"),
    [
        (Size.COLLEGE, True),
        (Size.COLLEGE, False),
        (Size.LYCEE, True),
        pytest.param(Size.CITE, True, marks=pytest.mark.slow),
    ],
)
def test_read_export_generated_establishment_round_trips_to_same_model(size: Size, pronote_comments: bool) -> None:
    # Given a generated establishment written as PRONOTE does and sealed for our partner
    generated = generate_establishment(size, seed=7)
    container = seal_container(
        timetable_to_xml(generated.timetable, pronote_comments=pronote_comments),
        partners={"ITSLEARNING": KEY.public_key()},
        uai=generated.timetable.uai,
        exported_at=EXPORTED_AT,
        random_bytes=fixed_random(),
    )
    # When
    export = read_export(container, private_key=KEY, expected_uai=generated.timetable.uai)
    # Then the model read back is the model written, with only the generator's deliberate oddities warned about
    assert export.timetable == cached.as_read(generated.timetable)
    assert [warning.code for warning in export.warnings] == EXPECTED_WARNINGS[size]
