"""Exports for the wizard's tests: the generated college after a Pronote reinstallation (new IDPNs)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.serialization import load_pem_private_key
from msgspec import structs

from edt_import.domain.export_reader import read_export
from edt_import.domain.private_key import load_private_key
from edt_import.domain.timetable import PronoteId, Timetable
from edt_import.generator.container_sealing import seal_container
from edt_import.generator.xml_writer import timetable_to_xml
from tests.support.pipeline_world import NOW, partner_pem


def reinstalled_export(timetable: Timetable, teachers: int, *, partner_pem_key: bytes | None = None) -> bytes:
    """The college after a Pronote reinstall: the first ``teachers`` teachers come back with new IDPNs. Sealed for
    the partner key ``partner_pem_key`` (a private key's PEM; the pipeline world's by default)."""
    renamed = dict(timetable.teachers)
    for ident in sorted(renamed)[:teachers]:
        renamed[ident] = structs.replace(renamed[ident], pronote_id=PronoteId(f"NEW{ident}"))
    changed = structs.replace(timetable, teachers=renamed)
    key: Any = load_pem_private_key(partner_pem_key or partner_pem(), password=None)
    return seal_container(
        timetable_to_xml(changed), partners={"ITSLEARNING": key.public_key()}, uai=timetable.uai, exported_at=NOW
    )


def resealed_export(export: bytes, *, opened_with: Path, sealed_for: Path, rekeyed_teachers: int = 0) -> bytes:
    """A generated school's export opened with its key file, sealed again for another partner key file (the one a
    stack holds), its first ``rekeyed_teachers`` teachers with new IDPNs."""
    timetable = read_export(export, private_key=load_private_key(opened_with.read_bytes())).timetable
    return reinstalled_export(timetable, rekeyed_teachers, partner_pem_key=sealed_for.read_bytes())
