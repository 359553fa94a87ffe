from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from edt_import.domain.container import ReaderLimits
from edt_import.domain.errors import ConfigError, EdtImportError, ErrorCode, ExportRejectedError
from edt_import.domain.export_reader import read_export
from edt_import.domain.timetable import ContainerInfo, Export, ReadWarning, Uai
from edt_import.domain.timetable_validation import WarningCode
from edt_import.generator.container_sealing import seal_container
from tests.support.export_xml_builder import SECTIONS, expected_timetable, export_xml
from tests.support.hostile_containers import (
    EXPORTED_AT,
    ContainerKeys,
    fixed_random,
    hostile_containers,
    make_keys,
    non_container_files,
)

PARTNER = "ITSLEARNING"
SOFTWARE = "EDT 2018 - 2018.0.3.1"
TWO_ESTABLISHMENTS = (
    "<Etablissements>"
    '<Etablissement Ident="1" Numero="0750001U" Nom="College"/>'
    '<Etablissement Ident="2" Numero="0750002V" Nom="Lycee"/>'
    "</Etablissements>"
)

_KEYS = make_keys(1024)


@pytest.fixture(scope="module")
def key() -> RSAPrivateKey:
    return _KEYS.ours


def seal(
    key: RSAPrivateKey,
    inner: bytes | None = None,
    *,
    uai: str | None = "0750001U",
    software: str = SOFTWARE,
) -> bytes:
    return seal_container(
        export_xml() if inner is None else inner,
        partners={PARTNER: key.public_key()},
        software=software,
        uai=uai,
        establishment_name="COLLEGE DE TEST",
        exported_at=EXPORTED_AT,
        random_bytes=fixed_random(),
    )


def rejected_code(data: bytes, **options: object) -> tuple[ErrorCode, str]:
    with pytest.raises(EdtImportError) as caught:
        read_export(data, **options)  # type: ignore[arg-type]
    return caught.value.code, caught.value.message


def test_read_export_sealed_container_gives_container_facts_and_model(key: RSAPrivateKey) -> None:
    # Given a PRONOTE-like inner document sealed for our partner
    container = seal(key)
    # When
    export = read_export(container, private_key=key, expected_uai="0750001u")
    # Then
    assert export == Export(
        container=ContainerInfo(
            version="1.0",
            software=SOFTWARE,
            partners=(PARTNER,),
            compressed=True,
            exported_at="2026-09-01T08:30:00.000+00:00",
            uai=Uai("0750001U"),
            establishment_name="COLLEGE DE TEST",
        ),
        timetable=expected_timetable(),
        warnings=(),
    )


def test_read_export_clear_xml_has_no_container() -> None:
    # When
    export = read_export(export_xml(), expected_uai="0750001U")
    # Then
    assert (export.container, export.timetable, export.warnings) == (None, expected_timetable(), ())


def test_read_export_container_without_key_is_a_configuration_error(key: RSAPrivateKey) -> None:
    with pytest.raises(ConfigError):
        read_export(seal(key))


def test_read_export_other_establishment_is_uai_mismatch(key: RSAPrivateKey) -> None:
    # When / Then
    assert rejected_code(seal(key), private_key=key, expected_uai="0750002V") == (
        ErrorCode.UAI_MISMATCH,
        "This export belongs to establishment 0750001U, not to 0750002V.",
    )


def test_read_export_container_uai_differing_from_timetable_is_uai_mismatch(key: RSAPrivateKey) -> None:
    # Given a container labelled for another establishment than its timetable
    container = seal(key, uai="0750002V")
    # When / Then
    assert rejected_code(container, private_key=key, expected_uai="0750001U") == (
        ErrorCode.UAI_MISMATCH,
        "This export belongs to establishment 0750002V, not to 0750001U.",
    )


def test_read_export_container_uai_differing_without_expected_uai_warns(key: RSAPrivateKey) -> None:
    # When
    export = read_export(seal(key, uai="0750002V"), private_key=key)
    # Then
    assert export.warnings == (
        ReadWarning(
            code=WarningCode.CONTAINER_UAI_DIFFERS,
            message="The container names establishment 0750002V but the timetable 0750001U.",
        ),
    )


def test_read_export_no_uai_anywhere_cannot_be_checked(key: RSAPrivateKey) -> None:
    # Given neither the container nor the timetable naming an establishment
    container = seal(key, export_xml(uai=""), uai=None)
    # When / Then
    assert rejected_code(container, private_key=key, expected_uai="0750001U") == (
        ErrorCode.UAI_MISMATCH,
        "The export does not say which establishment it belongs to, so it cannot be imported into 0750001U.",
    )


def test_read_export_multi_establishment_matches_any_listed_uai_and_warns_about_others(key: RSAPrivateKey) -> None:
    # Given an export of establishments 0750001U and 0750002V, imported for the second
    container = seal(key, export_xml(sections={"Etablissements": TWO_ESTABLISHMENTS}))
    # When
    export = read_export(container, private_key=key, expected_uai="0750002V")
    # Then
    assert export.warnings == (
        ReadWarning(
            code=WarningCode.OTHER_ESTABLISHMENTS,
            message="The export also covers establishment(s) 0750001U; only what belongs to 0750002V is meant "
            "for this import.",
        ),
    )


def test_read_export_multi_establishment_unlisted_uai_is_mismatch(key: RSAPrivateKey) -> None:
    container = seal(key, export_xml(sections={"Etablissements": TWO_ESTABLISHMENTS}))
    assert rejected_code(container, private_key=key, expected_uai="0750003W")[0] == ErrorCode.UAI_MISMATCH


def test_read_export_invalid_container_uai_check_letter_warns(key: RSAPrivateKey) -> None:
    # Given a container UAI with a wrong check letter, distinct from the timetable's
    export = read_export(seal(key, uai="0750002A"), private_key=key)
    # Then
    assert [warning.code for warning in export.warnings] == [
        WarningCode.INVALID_UAI,
        WarningCode.CONTAINER_UAI_DIFFERS,
    ]


def test_read_export_upload_over_limit_is_too_large(key: RSAPrivateKey) -> None:
    container = seal(key)
    limits = ReaderLimits(max_upload_bytes=len(container) - 1)
    assert rejected_code(container, private_key=key, limits=limits)[0] == ErrorCode.TOO_LARGE


def test_read_export_inner_xml_over_limit_is_too_large(key: RSAPrivateKey) -> None:
    # Given an inner document larger than the inflated cap (compression keeps the container small)
    inner = export_xml(sections={"Matieres": SECTIONS["Matieres"] + "<!--" + "x" * 200_000 + "-->"})
    limits = ReaderLimits(max_inflated_bytes=100_000)
    # When / Then
    assert rejected_code(seal(key, inner), private_key=key, limits=limits)[0] == ErrorCode.TOO_LARGE
    assert rejected_code(inner, limits=limits)[0] == ErrorCode.TOO_LARGE


def test_read_export_old_program_is_refused_unless_allowed(key: RSAPrivateKey) -> None:
    # Given an export made by EDT 2017
    container = seal(key, software="EDT 2017 - 1.0.4")
    # When / Then
    assert rejected_code(container, private_key=key)[0] == ErrorCode.UNSUPPORTED_VERSION
    assert read_export(container, private_key=key, allow_any_version=True).timetable == expected_timetable()


def test_read_export_invalid_inner_timetable_is_refused_through_container(key: RSAPrivateKey) -> None:
    container = seal(key, export_xml(sections={"GrilleHoraire": None}))
    assert rejected_code(container, private_key=key) == (
        ErrorCode.INVALID_TIMETABLE,
        "The export has no time grid (GrilleHoraire).",
    )


HOSTILE = {**hostile_containers(_KEYS), **non_container_files()}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_read_export_hostile_files_are_refused_with_their_code(case: str) -> None:
    # Given a hostile or damaged upload
    data, code = HOSTILE[case]
    keys: ContainerKeys = _KEYS
    # When
    with pytest.raises(ExportRejectedError) as caught:
        read_export(data, private_key=keys.ours, partner=keys.partner)
    # Then
    assert caught.value.code == code
    assert "root:" not in f"{caught.value} {caught.value.details}"
