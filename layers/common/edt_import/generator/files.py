"""A generated establishment on disk: clear inner XML, encrypted export, partner private key, ENT directory."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from edt_import.domain.directory_csv import write_directory_csv
from edt_import.generator.container_sealing import seal_container
from edt_import.generator.establishment import GeneratedEstablishment, Size, generate_establishment
from edt_import.generator.partner_keys import generate_partner_key, private_key_pem
from edt_import.generator.school_calendar import SCHOOL_YEAR
from edt_import.generator.xml_writer import timetable_to_xml

SOFTWARE = "PRONOTE 2019 - 2019.0.2.5"
PARIS_SUMMER = timezone(timedelta(hours=2))
# Two weeks after the start of the year, mid-morning: fixed so that everything but the crypto is reproducible.
EXPORTED_AT = datetime.combine(SCHOOL_YEAR.start + timedelta(days=13), datetime.min.time(), PARIS_SUMMER) + timedelta(
    hours=10, minutes=19, seconds=8, milliseconds=486
)
FILE_NAMES: dict[str, str] = {
    "inner": "inner.xml",
    "export": "export.xml",
    "key": "partner-key.pem",
    "directory": "directory.csv",
}


def write_establishment(out_dir: Path, size: Size, seed: int, partner: str = "ITSLEARNING") -> dict[str, Path]:
    """Generate ``size`` from ``seed`` and write its four files into ``out_dir`` (created if needed)."""
    return write_generated(out_dir, generate_establishment(size, seed), partner=partner)


def write_generated(
    out_dir: Path, generated: GeneratedEstablishment, *, partner: str = "ITSLEARNING"
) -> dict[str, Path]:
    """Write an already generated establishment; the RSA key and the AES key/IV are new on every call."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {kind: out_dir / name for kind, name in FILE_NAMES.items()}
    inner = timetable_to_xml(generated.timetable)
    key = generate_partner_key()
    export = seal_generated(inner, generated, partner=partner, public_key=key.public_key())
    paths["inner"].write_bytes(inner)
    paths["export"].write_bytes(export)
    paths["key"].write_bytes(private_key_pem(key))
    paths["key"].chmod(0o600)
    paths["directory"].write_bytes(write_directory_csv(generated.directory))
    return paths


def seal_generated(inner: bytes, generated: GeneratedEstablishment, *, partner: str, public_key: RSAPublicKey) -> bytes:
    """``inner`` in an encrypted container for ``partner``, as PRONOTE exports the establishment ``generated``."""
    return seal_container(
        inner,
        partners={partner: public_key},
        software=SOFTWARE,
        uai=generated.uai,
        establishment_name=generated.name,
        postcode_city=generated.postcode_city,
        exported_at=EXPORTED_AT,
    )
