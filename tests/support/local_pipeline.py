"""A generated establishment imported through the local stack (moto + the itslearning stand-in), as the demo does."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from local_stack import LocalStack

from edt_import.domain.directory import DirectoryPerson
from edt_import.domain.directory_csv import read_directory_csv
from edt_import.domain.export_reader import read_export
from edt_import.domain.imports import ImportRecord
from edt_import.domain.private_key import load_private_key
from edt_import.generator.establishment import Size
from edt_import.generator.files import write_establishment
from itslearning_standin import SANDBOX_PASSWORD, SANDBOX_USERNAME, StandinServer


@dataclass
class Site:
    """One establishment's files, its ENT stand-in (started), and the stack it imports into."""

    stack: LocalStack
    uai: str
    export: bytes
    key_pem: bytes
    persons: tuple[DirectoryPerson, ...]
    standin: StandinServer

    def import_bytes(self, data: bytes) -> ImportRecord:
        """Upload through a presigned URL and wait for the import's outcome."""
        import_id = self.upload(data)
        return self.stack.wait_for(self.uai, import_id, timeout_s=300)

    def upload(self, data: bytes) -> str:
        import_id, url = self.stack.presigned_upload(self.uai)
        self.stack.upload(url, data)
        return import_id

    def stop(self) -> None:
        self.standin.stop()


def open_site(
    stack: LocalStack, out_dir: Path, *, seed: int, size: Size = Size.COLLEGE, fault_rate: float = 0.0
) -> Site:
    """Generate an establishment, start its stand-in, and point the stack's secrets and settings at them."""
    paths = write_establishment(out_dir, size, seed=seed)
    export, key_pem = paths["export"].read_bytes(), paths["key"].read_bytes()
    uai = read_export(export, private_key=load_private_key(key_pem)).timetable.uai
    persons = read_directory_csv(paths["directory"].read_bytes())
    server = StandinServer(persons=persons, schools=(uai,), seed=seed, fault_rate=fault_rate)
    url = server.start()
    stack.configure_itslearning(url=url, username=SANDBOX_USERNAME, password=SANDBOX_PASSWORD)
    stack.register_establishment(uai, partner_key_pem=key_pem)
    return Site(stack=stack, uai=uai, export=export, key_pem=key_pem, persons=persons, standin=server)
