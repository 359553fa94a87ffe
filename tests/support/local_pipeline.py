"""A generated establishment on the local stack (moto + the itslearning stand-in), as the demo runs one."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from local_stack import LocalStack
from local_stack.site import Site, local_site
from msgspec import Struct

from edt_import.domain.directory import DirectoryPerson
from edt_import.domain.directory_csv import read_directory_csv
from edt_import.domain.export_reader import read_export
from edt_import.domain.imports import ImportRecord
from edt_import.domain.private_key import load_private_key
from edt_import.generator.establishment import Size
from edt_import.generator.files import write_establishment
from itslearning_standin import StandinServer


class GeneratedSite(Struct, frozen=True):
    """A generated establishment's export and people, and its site on the stack (its stand-in started)."""

    site: Site
    export: bytes
    persons: tuple[DirectoryPerson, ...]

    @property
    def uai(self) -> str:
        return self.site.uai

    @property
    def standin(self) -> StandinServer:
        return self.site.standin

    def upload(self, data: bytes) -> str:
        return self.site.upload(data)

    def import_bytes(self, data: bytes) -> ImportRecord:
        return self.site.import_bytes(data, timeout_s=300)


@contextmanager
def generated_site(
    stack: LocalStack, out_dir: Path, *, seed: int, size: Size = Size.COLLEGE, fault_rate: float = 0.0
) -> Iterator[GeneratedSite]:
    """Generate an establishment, start its stand-in, and point the stack's secrets and settings at them; the
    stand-in stops when the block ends."""
    paths = write_establishment(out_dir, size, seed=seed)
    export, key_pem = paths["export"].read_bytes(), paths["key"].read_bytes()
    uai = read_export(export, private_key=load_private_key(key_pem)).timetable.uai
    persons = read_directory_csv(paths["directory"].read_bytes())
    with local_site(stack, uai=uai, persons=persons, partner_key_pem=key_pem, fault_rate=fault_rate, seed=seed) as site:
        yield GeneratedSite(site=site, export=export, persons=persons)
