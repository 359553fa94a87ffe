"""Generated establishments, built once per test process (each size takes a fraction of a second)."""

from __future__ import annotations

from functools import cache

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

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
