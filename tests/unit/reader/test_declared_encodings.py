"""A declared character encoding the parser cannot use is a refusal, never a crash.

Found by fuzzing: expat asks Python for the codec the XML declaration names; an unknown name raised LookupError
and a multi-byte codec (UTF-32, UTF-7) ValueError, both escaping the reader (a traceback instead of exit 2).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from edt_import.cli.main import main
from edt_import.domain.errors import ErrorCode, ExportRejectedError
from edt_import.domain.export_reader import read_export
from tests.support.export_xml_builder import export_xml
from tests.support.hostile_containers import make_keys, sealed

MESSAGE = "The timetable's XML declaration names a character encoding the import cannot read."


def _declaring(encoding: str) -> bytes:
    return export_xml().replace(b'encoding="UTF-8"', f'encoding="{encoding}"'.encode(), 1)


@pytest.mark.parametrize("encoding", ["UTC-8", "EBCDIC", "x-mac-roman", "UTF-32", "utf-7", "shift_jis"])
def test_read_export_unusable_declared_encoding_is_malformed_xml(encoding: str) -> None:
    # Given a clear timetable declaring an encoding Python does not know, or a multi-byte one expat cannot map
    # When
    with pytest.raises(ExportRejectedError) as caught:
        read_export(_declaring(encoding))
    # Then
    assert (caught.value.code, caught.value.message, caught.value.details) == (
        ErrorCode.MALFORMED_XML,
        MESSAGE,
        {"reason": "encoding"},
    )


def test_read_export_unusable_declared_encoding_inside_a_container_is_malformed_xml() -> None:
    keys = make_keys(1024)
    with pytest.raises(ExportRejectedError) as caught:
        read_export(sealed(keys, _declaring("UTF-32")), private_key=keys.ours, partner=keys.partner)
    assert (caught.value.code, caught.value.message) == (ErrorCode.MALFORMED_XML, MESSAGE)


@pytest.mark.parametrize("encoding", ["windows-1252", "ISO-8859-15", "ISO-8859-1", "latin-1"])
def test_read_export_single_byte_declared_encodings_are_read(encoding: str) -> None:
    assert read_export(_declaring(encoding)).timetable.uai == "0750001U"


def test_inspect_unusable_declared_encoding_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    upload = tmp_path / "export.xml"
    upload.write_bytes(_declaring("UTC-8"))
    assert main(["inspect", str(upload)]) == 2
    assert capsys.readouterr().err == f"error: malformed_xml: {MESSAGE}\n"
