"""The generator gives the same establishment in another interpreter, whatever its string-hash seed."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

from edt_import.domain.directory_csv import write_directory_csv
from edt_import.generator.establishment import Size
from edt_import.generator.xml_writer import timetable_to_xml
from tests.support import cached


def test_generate_establishment_does_not_depend_on_string_hashing() -> None:
    # Given the inner XML and directory digests computed in another interpreter with another hash seed
    script = (
        "import hashlib;"
        "from edt_import.generator.establishment import Size, generate_establishment;"
        "from edt_import.generator.xml_writer import timetable_to_xml;"
        "from edt_import.domain.directory_csv import write_directory_csv;"
        "g = generate_establishment(Size.COLLEGE, 11);"
        "print(hashlib.sha256(timetable_to_xml(g.timetable) + write_directory_csv(g.directory)).hexdigest())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    other = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    # Then they equal this process's
    generated = cached.establishment(Size.COLLEGE, 11)
    here = hashlib.sha256(timetable_to_xml(generated.timetable) + write_directory_csv(generated.directory))
    assert other.stdout.strip() == here.hexdigest()
