"""Generated establishments, built once per test process (each size takes a fraction of a second)."""

from __future__ import annotations

from functools import cache

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from msgspec import structs

from edt_import.domain.timetable import Timetable
from edt_import.generator.establishment import GeneratedEstablishment, Size, generate_establishment
from edt_import.generator.partner_keys import generate_partner_key
from edt_import.generator.xml_writer import timetable_to_xml

SEED = 7


@cache
def establishment(size: Size, seed: int = SEED) -> GeneratedEstablishment:
    return generate_establishment(size, seed)


@cache
def inner_xml(size: Size, seed: int = SEED) -> bytes:
    return timetable_to_xml(establishment(size, seed).timetable)


@cache
def partner_key() -> RSAPrivateKey:
    return generate_partner_key()


def as_read(timetable: Timetable) -> Timetable:
    """What the reader must give for a generated timetable: the same, without the pupils' memberships of class
    parts no class lists (the one dangling reference the generator writes, as PRONOTE does)."""
    students = {
        ident: structs.replace(
            student,
            class_parts=tuple(part for part in student.class_parts if part.ident in timetable.class_parts),
        )
        for ident, student in timetable.students.items()
    }
    return structs.replace(timetable, students=students)
