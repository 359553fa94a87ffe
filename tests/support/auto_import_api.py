"""The admin API's automatic-import state, set up over the in-memory fakes (``ApiWorld``)."""

from __future__ import annotations

from datetime import timedelta

from edt_import.domain.imports import ImportKind, ImportStatus, new_import
from tests.support.admin_api import NOW, ApiWorld

MANUAL_ID = "m" * 32


def with_completed_manual_import(world: ApiWorld, uai: str, *, status: ImportStatus = ImportStatus.DONE) -> None:
    """A manual import of ``uai`` that ended with ``status`` a day before ``NOW``."""
    at = NOW - timedelta(days=1)
    world.history.create(new_import(uai=uai, import_id=MANUAL_ID, kind=ImportKind.MANUAL, now=at, upload_key=""))
    world.history.update(uai, MANUAL_ID, status=status, now=at)
