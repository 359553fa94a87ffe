"""One table of broken and hostile uploads, each code at least once, read end to end.

Each case goes through ``read_export`` as an upload would (container first where there is one); a few also go
through ``edt-import inspect``, which must exit 2 with ``error: CODE: message`` and write nothing.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import tracemalloc
from pathlib import Path

import pytest

from edt_import.cli.main import main
from edt_import.domain.container import ReaderLimits
from edt_import.domain.directory_csv import write_directory_csv
from edt_import.domain.errors import ErrorCode, ExportRejectedError
from edt_import.domain.export_reader import read_export
from edt_import.domain.timetable import Ident, LessonLink
from edt_import.generator.container_sealing import seal_container
from edt_import.generator.partner_keys import private_key_pem
from tests.support.export_xml_builder import ALL_WEEKS, LESSONS, export_xml
from tests.support.hostile_containers import (
    CONTAINER_CODES,
    EXPORTED_AT,
    ciphertext,
    fixed_random,
    make_keys,
    replace_text,
    sealed,
)

KEYS = make_keys(1024)
GOOD = export_xml()
XXE = b'<?xml version="1.0"?>\n<!DOCTYPE ExportEmploiDuTemps [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n' + (
    GOOD.split(b"?>", 1)[1].replace(b'Version="1.1"', b'Version="&x;"')
)
# Billion laughs: entity b is ten a's, c ten b's ... i expands to 10^8 "a"s.
_LAUGH_ENTITIES = b"".join(b'<!ENTITY %c "%s">' % (ord("b") + i, (b"&%c;" % (ord("a") + i)) * 10) for i in range(8))
LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE ExportEmploiDuTemps [<!ENTITY a "aaaaaaaaaa">'
    + _LAUGH_ENTITIES
    + b"]>\n"
    + GOOD.split(b"?>", 1)[1].replace(b'Version="1.1"', b'Version="&i;"')
)


def _sealed_for(inner: bytes, *, uai: str = "0750001U", software: str = "PRONOTE 2019 - 2019.0.2.5") -> bytes:
    return seal_container(
        inner,
        partners={KEYS.partner: KEYS.ours.public_key()},
        software=software,
        uai=uai,
        exported_at=EXPORTED_AT,
        random_bytes=fixed_random(),
    )


def _with_contenu(text: bytes) -> bytes:
    return replace_text(_sealed_for(GOOD), "CONTENU", text)


def _gzip_container() -> bytes:
    return sealed(KEYS, gzip.compress(GOOD), compress=False).replace(
        b'CompresseAvantChiffrement="false"', b'CompresseAvantChiffrement="true"'
    )


_ENCODED = base64.b64encode(ciphertext(_sealed_for(GOOD)))
CASES: dict[str, tuple[bytes, ErrorCode, dict[str, object]]] = {
    "empty_file": (b"", ErrorCode.NOT_AN_EXPORT, {}),
    "pdf": (b"%PDF-1.7\n", ErrorCode.NOT_AN_EXPORT, {}),
    "container_truncated": (_sealed_for(GOOD)[:300], ErrorCode.MALFORMED_XML, {}),
    "container_xxe": (
        b'<?xml version="1.0"?><!DOCTYPE EXPORT_INDEX_EDUCATION [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        + _sealed_for(GOOD).split(b"?>", 1)[1],
        ErrorCode.UNSAFE_XML,
        {},
    ),
    "inner_xxe": (_sealed_for(XXE), ErrorCode.UNSAFE_XML, {}),
    "inner_entity_expansion": (_sealed_for(LAUGHS), ErrorCode.UNSAFE_XML, {}),
    "upload_too_large": (_sealed_for(GOOD) + b" " * 1024, ErrorCode.TOO_LARGE, {"limits": "upload"}),
    "inflated_too_large": (_sealed_for(GOOD), ErrorCode.TOO_LARGE, {"limits": "inflated"}),
    "partner_missing": (
        _sealed_for(GOOD).replace(b'NOM="ITSLEARNING"', b'NOM="AUTRE"'),
        ErrorCode.PARTNER_KEY_MISSING,
        {},
    ),
    "wrong_key": (sealed(KEYS, GOOD, for_other_key=True), ErrorCode.KEY_MISMATCH, {}),
    "contenu_truncated_base64": (_with_contenu(_ENCODED[: len(_ENCODED) // 2 + 1]), ErrorCode.DECRYPT_FAILED, {}),
    "contenu_wrong_padding": (_with_contenu(_ENCODED.rstrip(b"=") + b"==="), ErrorCode.DECRYPT_FAILED, {}),
    "contenu_0_bytes": (_with_contenu(b""), ErrorCode.DECRYPT_FAILED, {}),
    "contenu_gzip": (_gzip_container(), ErrorCode.DECRYPT_FAILED, {}),
    "hash_mismatch": (
        replace_text(_sealed_for(GOOD), "VERIFICATION", base64.b64encode(hashlib.sha256(b"other").digest())),
        ErrorCode.CONTENT_HASH_MISMATCH,
        {},
    ),
    "pronote_2013": (
        _sealed_for(GOOD, software="PRONOTE Monoposte-PRONOTE 2013 - 0.5.14"),
        ErrorCode.UNSUPPORTED_VERSION,
        {},
    ),
    "container_uai_other": (_sealed_for(GOOD, uai="0010001W"), ErrorCode.UAI_MISMATCH, {"expected": "0750001U"}),
    "inner_uai_other": (_sealed_for(export_xml(uai="0010001W")), ErrorCode.UAI_MISMATCH, {"expected": "0750001U"}),
    "no_school_year": (_sealed_for(export_xml(sections={"AnneeScolaire": None})), ErrorCode.INVALID_TIMETABLE, {}),
    "no_grid": (_sealed_for(export_xml(sections={"GrilleHoraire": None})), ErrorCode.INVALID_TIMETABLE, {}),
    "lesson_without_subject": (
        _sealed_for(export_xml(sections={"Cours": LESSONS.replace('<Matiere Ident="10"/>', "")})),
        ErrorCode.INVALID_TIMETABLE,
        {},
    ),
    "no_lesson": (_sealed_for(export_xml(sections={"Cours": "<Cours/>"})), ErrorCode.INVALID_TIMETABLE, {}),
    "ident_with_separator": (
        _sealed_for(export_xml().replace(b'Salle Ident="60"', b'Salle Ident="6|0"')),
        ErrorCode.INVALID_TIMETABLE,
        {},
    ),
    "inner_malformed": (_sealed_for(GOOD[:-40]), ErrorCode.MALFORMED_XML, {}),
    "inner_other_root": (_sealed_for(b"<html><body/></html>"), ErrorCode.NOT_AN_EXPORT, {}),
    "week_mask_over_64_bits": (
        _sealed_for(export_xml(sections={"Cours": LESSONS.replace(str(ALL_WEEKS), str(1 << 64), 1)})),
        ErrorCode.INVALID_TIMETABLE,
        {},
    ),
}


def _limits(options: dict[str, object], data: bytes) -> ReaderLimits:
    if options.get("limits") == "upload":
        return ReaderLimits(max_upload_bytes=len(data) - 1)
    if options.get("limits") == "inflated":
        return ReaderLimits(max_inflated_bytes=len(GOOD) - 1)
    return ReaderLimits()


def test_hostile_table_covers_every_export_code_with_at_least_20_cases() -> None:
    codes = {code for _, code, _ in CASES.values()}
    assert len(CASES) >= 20
    assert codes == CONTAINER_CODES | {ErrorCode.UAI_MISMATCH, ErrorCode.INVALID_TIMETABLE}


@pytest.mark.parametrize("case", sorted(CASES))
def test_read_export_hostile_upload_refused_with_its_code(case: str) -> None:
    # Given a broken or hostile upload
    data, code, options = CASES[case]
    # When it is read for establishment 0750001U
    with pytest.raises(ExportRejectedError) as caught:
        read_export(
            data,
            private_key=KEYS.ours,
            partner=KEYS.partner,
            expected_uai="0750001U",
            limits=_limits(options, data),
        )
    # Then it is refused with its code and a one-sentence message
    assert caught.value.code == code
    assert caught.value.message.endswith(".")
    assert "\n" not in caught.value.message


def test_read_export_week_63_through_container_is_accepted_exactly() -> None:
    # Given a sealed export whose first lesson's group is present in week 63 only (bit 63, a valid week)
    lessons = LESSONS.replace(f'<Groupe Ident="40" Semaines="{ALL_WEEKS}"', f'<Groupe Ident="40" Semaines="{1 << 63}"')
    data = _sealed_for(export_xml(sections={"Cours": lessons}))
    # When
    export = read_export(data, private_key=KEYS.ours, partner=KEYS.partner, expected_uai="0750001U")
    # Then the mask is kept exactly; the only remark is that week 63 lies after the school year
    assert export.timetable.lessons[0].groups == (LessonLink(ident=Ident("40"), weeks=1 << 63),)
    assert [warning.code for warning in export.warnings] == ["weeks_beyond_year"]


@pytest.mark.parametrize(
    ("case", "stderr"),
    [
        ("empty_file", "error: not_an_export: The file is empty.\n"),
        (
            "wrong_key",
            "error: key_mismatch: The export cannot be decrypted with our private key: it was encrypted for "
            "another key, or it is damaged.\n",
        ),
        (
            "contenu_gzip",
            "error: decrypt_failed: The export's content is compressed with gzip, not with zlib as EDT and PRONOTE "
            "do; it was not made by them or was altered.\n",
        ),
        (
            "container_uai_other",
            "error: uai_mismatch: This export belongs to establishment 0010001W, not to 0750001U.\n",
        ),
        (
            "no_lesson",
            "error: invalid_timetable: The export has no lesson (Cours), so there is nothing to import.\n",
        ),
        (
            "inner_xxe",
            "error: unsafe_xml: The timetable declares a DOCTYPE (entities or external references), which "
            "an export never needs.\n",
        ),
    ],
)
def test_inspect_hostile_upload_exits_2_with_code_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str, stderr: str
) -> None:
    # Given the upload and our key on disk
    data = CASES[case][0]
    upload = tmp_path / "upload" / "export.xml"
    upload.parent.mkdir()
    upload.write_bytes(data)
    key = tmp_path / "key.pem"
    key.write_bytes(private_key_pem(KEYS.ours))
    # When it is inspected for establishment 0750001U
    status = main(["inspect", str(upload), "--key", str(key), "--uai", "0750001U"])
    # Then exit 2, one stderr line, nothing on stdout, and no file written or changed
    captured = capsys.readouterr()
    assert (status, captured.out, captured.err) == (2, "", stderr)
    assert sorted(path.name for path in tmp_path.rglob("*")) == ["export.xml", "key.pem", "upload"]
    assert upload.read_bytes() == data


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (_sealed_for(GOOD, software="PRONOTE\r\n2013\t- 1"), ErrorCode.UNSUPPORTED_VERSION),
        (_sealed_for(GOOD, uai="0010001W\r\nX"), ErrorCode.UAI_MISMATCH),
    ],
    ids=["software", "container_uai"],
)
def test_inspect_refusal_quoting_container_text_stays_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes, code: ErrorCode
) -> None:
    # Given a container whose LOGICIEL or UAI holds line breaks and control characters
    upload = tmp_path / "export.xml"
    upload.write_bytes(data)
    key = tmp_path / "key.pem"
    key.write_bytes(private_key_pem(KEYS.ours))
    # When it is inspected
    status = main(["inspect", str(upload), "--key", str(key), "--uai", "0750001U"])
    # Then the refusal is one printable stderr line
    err = capsys.readouterr().err
    assert status == 2
    assert err.startswith(f"error: {code}: ")
    assert err.count("\n") == 1
    assert err.endswith(".\n")
    assert err[:-1].isprintable()


@pytest.mark.parametrize("case", ["wrong_key", "contenu_gzip", "inner_uai_other", "no_lesson", "inner_xxe"])
def test_plan_hostile_upload_exits_2_and_leaves_the_applied_state_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    # Given the state a sound export left, and the files a plan reads
    key = tmp_path / "key.pem"
    key.write_bytes(private_key_pem(KEYS.ours))
    directory = tmp_path / "directory.csv"
    directory.write_bytes(write_directory_csv([]))
    good = tmp_path / "good.xml"
    good.write_bytes(_sealed_for(GOOD))
    state = tmp_path / "state.json"
    common = ["--key", str(key), "--uai", "0750001U", "--directory", str(directory), "--today", "2025-09-10"]
    assert main(["plan", str(good), *common, "--write-state", str(state)]) == 0
    before = state.read_bytes()
    capsys.readouterr()
    # When a hostile upload is planned over it, asked to write that same state
    upload = tmp_path / "upload.xml"
    upload.write_bytes(CASES[case][0])
    status = main(["plan", str(upload), *common, "--previous", str(state), "--write-state", str(state)])
    # Then it is refused with its code and the state is left byte for byte
    captured = capsys.readouterr()
    assert (status, captured.out) == (2, "")
    assert captured.err.startswith(f"error: {CASES[case][1]}: ")
    assert state.read_bytes() == before
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "directory.csv",
        "good.xml",
        "key.pem",
        "state.json",
        "upload.xml",
    ]


def test_read_export_flood_of_valid_records_is_too_large_before_building_the_model() -> None:
    # Given a clear timetable with over 500,000 elements (rooms: each costs the model ~170 bytes, so a flood
    # inside the inflated cap would cost hundreds of MB); the generated cité has about 65,000
    flood = b"<Salles>" + b'<Salle Ident="1"/>' * 500_000 + b"</Salles>"
    data = GOOD.replace(b"</ExportEmploiDuTemps>", flood + b"</ExportEmploiDuTemps>")
    # When it is read while tracing memory
    tracemalloc.start()
    try:
        with pytest.raises(ExportRejectedError) as caught:
            read_export(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # Then it is too_large, refused before parsing
    assert caught.value.code == ErrorCode.TOO_LARGE
    assert caught.value.message == (
        "The timetable holds more than 500000 elements, far more than any establishment's; it is refused."
    )
    assert caught.value.details == {"limit_elements": 500_000}
    assert peak < 10 * 1024 * 1024


def test_reader_limits_default_element_cap_is_half_a_million() -> None:
    assert ReaderLimits().max_elements == 500_000


def test_read_export_element_cap_is_inclusive() -> None:
    # Given the default timetable and caps at, and one under, its count of markup starts
    count = GOOD.count(b"<")
    # When / Then it is read at the cap and refused under it
    assert read_export(GOOD, limits=ReaderLimits(max_elements=count)).timetable.uai == "0750001U"
    with pytest.raises(ExportRejectedError) as caught:
        read_export(GOOD, limits=ReaderLimits(max_elements=count - 1))
    assert caught.value.code == ErrorCode.TOO_LARGE


def test_inspect_old_program_refused_then_accepted_with_allow_any_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given an export made by PRONOTE 2013
    upload = tmp_path / "export.xml"
    upload.write_bytes(CASES["pronote_2013"][0])
    key = tmp_path / "key.pem"
    key.write_bytes(private_key_pem(KEYS.ours))
    # When it is inspected without, then with --allow-any-version
    refused_status = main(["inspect", str(upload), "--key", str(key)])
    refused_err = capsys.readouterr().err
    accepted_status = main(["inspect", str(upload), "--key", str(key), "--allow-any-version"])
    summary = json.loads(capsys.readouterr().out)
    # Then it is refused first, then summarised with the program as written
    assert (refused_status, refused_err.split(":")[1].strip()) == (2, "unsupported_version")
    assert (accepted_status, summary["software"], summary["uai"]) == (
        0,
        "PRONOTE Monoposte-PRONOTE 2013 - 0.5.14",
        "0750001U",
    )


def test_read_export_no_uai_in_either_layer_is_invalid_timetable() -> None:
    # Given a clear timetable whose root carries no UAI (and so no container to take one from)
    xml = GOOD.replace(b' UAI="0750001U"', b"", 1)
    assert xml != GOOD
    # When / Then: refused, since every sync key starts with the UAI
    with pytest.raises(ExportRejectedError) as refused:
        read_export(xml)
    assert refused.value.code is ErrorCode.INVALID_TIMETABLE
    assert refused.value.details == {"element": "ExportEmploiDuTemps", "attribute": "UAI"}
