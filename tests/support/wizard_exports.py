"""Exports for the wizard's tests: the generated college after a Pronote reinstallation (new IDPNs)."""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.serialization import load_pem_private_key
from msgspec import structs

from edt_import.domain.timetable import PronoteId, Timetable
from edt_import.generator.container_sealing import seal_container
from edt_import.generator.xml_writer import timetable_to_xml
from tests.support.pipeline_world import NOW, partner_pem


def reinstalled_export(timetable: Timetable, teachers: int) -> bytes:
    """The college after a Pronote reinstall: the first ``teachers`` teachers come back with new IDPNs."""
    renamed = dict(timetable.teachers)
    for ident in sorted(renamed)[:teachers]:
        renamed[ident] = structs.replace(renamed[ident], pronote_id=PronoteId(f"NEW{ident}"))
    changed = structs.replace(timetable, teachers=renamed)
    key: Any = load_pem_private_key(partner_pem(), password=None)
    return seal_container(
        timetable_to_xml(changed), partners={"ITSLEARNING": key.public_key()}, uai=timetable.uai, exported_at=NOW
    )
