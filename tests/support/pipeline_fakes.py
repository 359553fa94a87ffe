"""In-memory fakes of the pipeline's AWS ports (S3, the DynamoDB stores, Step Functions), for use-case tests.

One contract suite (tests/integration/aws/test_store_contracts.py) runs each of them and the real adapter on
moto through the same assertions, so a fake cannot drift from what it stands in for.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from edt_import.domain.directory import PersonKey
from edt_import.domain.import_ports import EstablishmentSettings
from edt_import.domain.imports import ImportFailure, ImportRecord, ImportStatus, advanced


class InMemoryBlobStore:
    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}

    def get(self, key: str) -> bytes | None:
        return self.objects.get(key)

    def put(self, key: str, data: bytes) -> None:
        self.objects[key] = bytes(data)

    def delete(self, key: str) -> None:
        self.objects.pop(key, None)

    def keys(self, prefix: str) -> list[str]:
        return sorted(key for key in self.objects if key.startswith(prefix))


class InMemoryImportHistory:
    def __init__(self) -> None:
        self.records: dict[tuple[str, str], ImportRecord] = {}

    def create(self, record: ImportRecord) -> bool:
        key = (record.uai, record.import_id)
        if key in self.records:
            return False
        self.records[key] = copy.deepcopy(record)
        return True

    def get(self, uai: str, import_id: str) -> ImportRecord | None:
        record = self.records.get((uai, import_id))
        return copy.deepcopy(record) if record is not None else None

    def update(
        self,
        uai: str,
        import_id: str,
        *,
        status: ImportStatus,
        now: datetime,
        section: tuple[str, Mapping[str, Any]] | None = None,
        error: ImportFailure | None = None,
        attempt: int | None = None,
    ) -> ImportRecord:
        record = self.records[(uai, import_id)]  # KeyError, as the table raises DoesNotExist
        updated = advanced(record, status=status, now=now, section=section, error=error, attempt=attempt)
        self.records[(uai, import_id)] = updated
        return copy.deepcopy(updated)

    def list(self, uai: str) -> list[ImportRecord]:
        mine = [copy.deepcopy(r) for (owner, _), r in self.records.items() if owner == uai]
        return sorted(mine, key=lambda r: (r.created_at, r.import_id), reverse=True)


class InMemoryEstablishmentStore:
    def __init__(self) -> None:
        self._settings: dict[str, EstablishmentSettings] = {}
        self._running: dict[str, str] = {}
        self._states: dict[str, dict[str, Any]] = {}

    def settings(self, uai: str) -> EstablishmentSettings:
        return self._settings.get(uai, EstablishmentSettings(uai=uai))

    def save_settings(self, settings: EstablishmentSettings) -> None:
        self._settings[settings.uai] = settings

    def claim_turn(self, uai: str, import_id: str) -> bool:
        if self._running.get(uai, import_id) != import_id:
            return False
        self._running[uai] = import_id
        return True

    def release_turn(self, uai: str, import_id: str) -> None:
        if self._running.get(uai) == import_id:
            del self._running[uai]

    def running_import(self, uai: str) -> str | None:
        return self._running.get(uai)

    def record_state(self, uai: str, *, key: str, saved_at: datetime, figures: Mapping[str, int]) -> None:
        self._states[uai] = {"key": key, "saved_at": saved_at, "figures": dict(figures)}

    def state_index(self, uai: str) -> dict[str, Any] | None:
        index = self._states.get(uai)
        return copy.deepcopy(index) if index is not None else None


class InMemoryPronoteIdStore:
    def __init__(self) -> None:
        self._mappings: dict[str, dict[str, PersonKey]] = {}

    def load(self, uai: str) -> dict[str, PersonKey]:
        return dict(self._mappings.get(uai, {}))

    def save(self, uai: str, mappings: Mapping[str, PersonKey]) -> None:
        self._mappings.setdefault(uai, {}).update(mappings)


class InMemoryExecutionStarter:
    """Records the executions started; a name is started once, as Step Functions allows."""

    def __init__(self) -> None:
        self.started: list[tuple[str, dict[str, Any]]] = []

    def start(self, *, execution_name: str, payload: Mapping[str, Any]) -> None:
        if all(name != execution_name for name, _ in self.started):
            self.started.append((execution_name, dict(payload)))

    def names(self) -> list[str]:
        return [name for name, _ in self.started]
