"""``DynamoTaskTokenStore``: the token of an execution waiting for a manual import's selection, kept on the
import's item (an attribute the import history never reads, so the API never shows it)."""

from __future__ import annotations

from edt_import.adapters.dynamo.models import ImportItem, bind, save_versioned
from edt_import.domain.errors import ConcurrentUpdateError


class DynamoTaskTokenStore:
    def __init__(self, table_name: str) -> None:
        bind(ImportItem, table_name)

    def put(self, uai: str, import_id: str, token: str) -> None:
        item = ImportItem.get(uai, import_id, consistent_read=True)
        item.task_token = token
        save_versioned(item)

    def take(self, uai: str, import_id: str) -> str | None:
        try:
            return _take(uai, import_id)
        except ConcurrentUpdateError:
            # Another write of the import between the read and the save: a step's or a note's leaves the token
            # to take; another caller's take leaves none, and the second read finds that out.
            return _take(uai, import_id)


def _take(uai: str, import_id: str) -> str | None:
    try:
        item = ImportItem.get(uai, import_id, consistent_read=True)
    except ImportItem.DoesNotExist:
        return None
    token = item.task_token
    if not token:  # never set, or taken already
        return None
    item.task_token = None
    save_versioned(item)
    return token
