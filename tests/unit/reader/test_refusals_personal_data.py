"""No person's name, birth date, IDPN, INE or CAS id in any refusal, detail or warning.

Every refusal and warning path of the reader and of the directory CSV is run on files holding recognisable
personal values; none may come back in ``str(error)``, ``error.details`` or a warning's message.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from edt_import.domain.directory_csv import read_directory_csv
from edt_import.domain.errors import ErrorCode, ExportRejectedError
from edt_import.domain.export_reader import read_export
from tests.support.export_xml_builder import export_xml
from tests.support.hostile_containers import make_keys, sealed

PERSONAL = {
    "MARTIN": "ZORGLUBPROF",
    "Claire": "Yolandine",
    "1980-02-03": "1979-11-23",
    "PN20": "IDPNSECRET20",
    "cas20": "CASSECRET20",
    "BERNARD": "QUIMPERNOM",
    "Lea": "Ophelise",
    "2011-05-06": "2009-12-29",
    "INE50": "INESECRET50",
    "PN50": "IDPNSECRET50",
    "cas50": "CASSECRET50",
    "PETIT": "KERGUELENOM",
    "Hugo": "Anatolien",
    "2011-07-08": "2010-01-17",
}
# The broken values the mutations below write: a refusal must not quote them either.
BROKEN = ("1979-11-31", "2009-13-29", "29/12/2009", "QUIMPERNOM<", "Feminine")
SECRETS = (*PERSONAL.values(), *BROKEN)


def document() -> str:
    text = export_xml().decode()
    for real, secret in PERSONAL.items():
        assert real in text, real
        text = text.replace(real, secret)
    return text


MUTATIONS: dict[str, tuple[Callable[[str], str], ErrorCode | None]] = {
    "teacher_birth_date_invalid": (lambda text: text.replace("1979-11-23", "1979-11-31"), ErrorCode.INVALID_TIMETABLE),
    "student_birth_date_invalid": (lambda text: text.replace("2009-12-29", "2009-13-29"), ErrorCode.INVALID_TIMETABLE),
    "student_birth_date_french": (lambda text: text.replace("2009-12-29", "29/12/2009"), ErrorCode.INVALID_TIMETABLE),
    "membership_date_invalid": (
        lambda text: text.replace('DateEntree="2025-09-01" DateSortie="2026-01-31"', 'DateEntree="2009-13-29"'),
        ErrorCode.INVALID_TIMETABLE,
    ),
    "student_name_breaks_xml": (lambda text: text.replace('"QUIMPERNOM"', '"QUIMPERNOM<"'), ErrorCode.MALFORMED_XML),
    "student_without_ident": (
        lambda text: text.replace('<Eleve Ident="50" Nom', "<Eleve Nom"),
        ErrorCode.INVALID_TIMETABLE,
    ),
    "student_dangling_class": (
        lambda text: text.replace('<Classe Ident="30" DateEntree', '<Classe Ident="99" DateEntree'),
        None,
    ),
    "student_ident_unusable": (lambda text: text.replace('Ident="51"', 'Ident="5 1"'), ErrorCode.INVALID_TIMETABLE),
    "teacher_duplicated": (
        lambda text: text.replace(
            "<Professeurs>",
            '<Professeurs><Professeur Ident="20" Nom="ZORGLUBPROF" '
            'Prenom="Yolandine" IDPN="IDPNSECRET20" IDCAS="CASSECRET20" DateNaissance="1979-11-23"/>',
        ),
        None,
    ),
    "student_duplicated_without_class": (
        lambda text: text.replace(
            "<Eleves>",
            '<Eleves><Eleve Ident="52" Nom="QUIMPERNOM" Prenom="Ophelise" DateNaissance="2009-12-29" '
            'NumeroNational="INESECRET50" IDPN="IDPNSECRET50" IDCAS="CASSECRET50" Sexe="Feminine"/>'
            '<Eleve Ident="52" Nom="KERGUELENOM" Prenom="Anatolien" DateNaissance="2010-01-17"/>',
        ),
        None,
    ),
    "uai_letter_wrong": (lambda text: text.replace('UAI="0750001U"', 'UAI="0750001A"'), None),
}


@pytest.mark.parametrize("case", sorted(MUTATIONS))
def test_read_export_refusals_and_warnings_never_quote_personal_data(case: str) -> None:
    # Given a timetable whose people carry recognisable names, birth dates and identifiers, damaged one way
    mutate, code = MUTATIONS[case]
    data = mutate(document()).encode()
    # When it is read
    shown: list[str] = []
    if code is None:
        export = read_export(data)
        assert export.warnings, "the case must warn"
        shown = [f"{warning.code} {warning.message} {dict(warning.details)!r}" for warning in export.warnings]
    else:
        with pytest.raises(ExportRejectedError) as caught:
            read_export(data)
        assert caught.value.code == code
        shown = [str(caught.value), repr(dict(caught.value.details))]
    # Then no personal value appears in what is shown
    leaked = [secret for secret in SECRETS for text in shown if secret in text]
    assert leaked == [], shown


def test_read_export_uai_mismatch_through_container_never_quotes_personal_data() -> None:
    # Given a sealed export of these people, imported into another establishment
    keys = make_keys(1024)
    data = sealed(keys, document().encode())
    # When
    with pytest.raises(ExportRejectedError) as caught:
        read_export(data, private_key=keys.ours, partner=keys.partner, expected_uai="0010001W")
    # Then
    shown = f"{caught.value} {dict(caught.value.details)!r}"
    assert caught.value.code == ErrorCode.UAI_MISMATCH
    assert [secret for secret in SECRETS if secret in shown] == []


HEADER = "person_key,profile,last_name,first_name,birth_date,cas_id,source\r\n"
GOOD_LINE = "aaf-1,student,QUIMPERNOM,Ophelise,2009-12-29,CASSECRET50,aaf\r\n"
DIRECTORY_CASES = {
    "birth_date_invalid": GOOD_LINE.replace("2009-12-29", "2009-13-29"),
    "birth_date_other_shape": GOOD_LINE.replace("2009-12-29", "29.12.2009"),
    "profile_unknown": GOOD_LINE.replace("student", "QUIMPERNOM"),
    "source_unknown": GOOD_LINE.replace(",aaf\r", ",Ophelise\r"),
    "duplicate_key": GOOD_LINE + GOOD_LINE.replace("QUIMPERNOM", "KERGUELENOM"),
    "short_line": "aaf-1,student,QUIMPERNOM,Ophelise\r\n",
    "empty_first_name": GOOD_LINE.replace("Ophelise", ""),
    "unterminated_quote": GOOD_LINE.replace("QUIMPERNOM", '"QUIMPERNOM'),
}


@pytest.mark.parametrize("case", sorted(DIRECTORY_CASES))
def test_read_directory_csv_refusals_never_quote_personal_data(case: str) -> None:
    # Given a directory line holding a pupil's name, birth date and CAS id, broken one way
    data = (HEADER + DIRECTORY_CASES[case]).encode()
    # When
    with pytest.raises(ExportRejectedError) as caught:
        read_directory_csv(data)
    # Then
    shown = f"{caught.value} {dict(caught.value.details)!r}"
    assert caught.value.code == ErrorCode.INVALID_DIRECTORY
    assert [secret for secret in (*SECRETS, "29.12.2009", "KERGUELENOM") if secret in shown] == []
