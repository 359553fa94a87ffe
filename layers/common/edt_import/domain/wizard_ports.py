"""The interfaces the manual-import wizard needs: the establishment's choices, the paused execution.

The establishment's subject referential and confirmed Pronote re-keyings are small documents kept per
establishment (``adapters/establishment_documents.py`` keeps them in the working bucket); its selection lives in
its applied state (``ports.AppliedStateStore``). A manual import
waiting for its selection is a paused Step Functions execution: its task token is kept with the import's record
(never shown by the API) and handed back once to resume it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from edt_import.domain.rekeying import Rekey


class SubjectReferentialStore(Protocol):
    """Each establishment's subject referential: the subject codes the ENT knows (None: never set)."""

    def load(self, uai: str) -> frozenset[str] | None: ...

    def save(self, uai: str, codes: frozenset[str]) -> None: ...


class RekeyStore(Protocol):
    """The Pronote re-keyings an administrator confirmed, in the order they were confirmed."""

    def load(self, uai: str) -> tuple[Rekey, ...]: ...

    def add(self, uai: str, rekeys: Iterable[Rekey]) -> tuple[Rekey, ...]:
        """Confirm these too (once each); every confirmed re-keying after that."""
        ...


class TaskTokenStore(Protocol):
    def put(self, uai: str, import_id: str, token: str) -> None:
        """Keep the token of the execution waiting for this import's selection."""
        ...

    def take(self, uai: str, import_id: str) -> str | None:
        """The token, removed so that only one caller ever gets it; None when there is none (any more)."""
        ...


class ExecutionResumer(Protocol):
    def resume(self, token: str) -> bool:
        """Let the paused execution go on; False when it no longer waits (timed out, stopped)."""
        ...
