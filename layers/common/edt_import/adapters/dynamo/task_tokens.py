"""``DynamoTaskTokenStore``: the token of an execution waiting for a manual import's selection, kept on the
import's item (an attribute the import history never reads, so the API never shows it)."""

from __future__ import annotations

from pynamodb.exceptions import PutError

from edt_import.adapters.dynamo.models import ImportItem, bind, conditional_failure


class DynamoTaskTokenStore:
    def __init__(self, table_name: str) -> None:
        bind(ImportItem, table_name)

    def put(self, uai: str, import_id: str, token: str) -> None:
        item = ImportItem.get(uai, import_id, consistent_read=True)
        item.task_token = token
        item.save()  # conditional on the version read

    def take(self, uai: str, import_id: str) -> str | None:
        try:
            item = ImportItem.get(uai, import_id, consistent_read=True)
        except ImportItem.DoesNotExist:
            return None
        token = item.task_token
        if not token:  # never set, or taken already
            return None
        item.task_token = None
        try:
            item.save()  # another caller taking it first changed the version: this one gets nothing
        except PutError as exc:
            if conditional_failure(exc):
                return None
            raise
        return token
