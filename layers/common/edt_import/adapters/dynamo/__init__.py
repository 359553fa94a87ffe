"""The DynamoDB stores (pynamodb): import history, establishments (settings, turn, state index), IDPN mappings."""

from edt_import.adapters.dynamo.establishments import DynamoEstablishmentStore
from edt_import.adapters.dynamo.import_history import DynamoImportHistory
from edt_import.adapters.dynamo.pronote_ids import DynamoPronoteIdStore

__all__ = ["DynamoEstablishmentStore", "DynamoImportHistory", "DynamoPronoteIdStore"]
