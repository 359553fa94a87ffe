"""One establishment on the local stack: its ENT (a stand-in started here), its key and settings registered."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from msgspec import Struct

from edt_import.domain.directory import DirectoryPerson
from edt_import.domain.imports import ImportRecord
from itslearning_standin import SANDBOX_PASSWORD, SANDBOX_USERNAME, StandinServer
from local_stack.stack import LocalStack


class Site(Struct):
    stack: LocalStack
    uai: str
    standin: StandinServer

    def upload(self, data: bytes) -> str:
        """Upload an export through a presigned URL, as the console does; the new import's id."""
        import_id, url = self.stack.presigned_upload(self.uai)
        self.stack.upload(url, data)
        return import_id

    def import_bytes(
        self, data: bytes, *, on_status: Callable[[ImportRecord], None] | None = None, timeout_s: float = 600.0
    ) -> ImportRecord:
        """Upload and wait for the import's outcome."""
        return self.stack.wait_for(self.uai, self.upload(data), on_status=on_status, timeout_s=timeout_s)


@contextmanager
def local_site(
    stack: LocalStack,
    *,
    uai: str,
    persons: Sequence[DirectoryPerson],
    partner_key_pem: bytes,
    partner: str = "ITSLEARNING",
    fault_rate: float = 0.0,
    seed: int | None = None,
) -> Iterator[Site]:
    """Start the establishment's ENT stand-in (its people, its school node) and point the stack at it; the
    stand-in stops when the block ends, however it ends."""
    with StandinServer(persons=persons, schools=(uai,), fault_rate=fault_rate, seed=seed) as standin:
        stack.configure_itslearning(url=standin.base_url, username=SANDBOX_USERNAME, password=SANDBOX_PASSWORD)
        stack.register_establishment(uai, partner_key_pem=partner_key_pem, partner=partner)
        yield Site(stack=stack, uai=uai, standin=standin)
